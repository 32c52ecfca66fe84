/**
 * The emulated cloud: every account's datastores and backups, and the passage of time. Time is lazy
 * and deterministic: nothing runs in the background; before each request the server calls
 * {@link World.advanceTo} with the clock's "now", which fires every due event in time order and runs
 * the hourly scheduler for each whole UTC hour passed.
 */
import { EventQueue } from "./eventQueue.ts";
import { HOUR_MS, ID_RANDOM_LENGTH } from "./modelled.ts";
import { randomAlphanumerics } from "./random.ts";
import { runScheduler } from "./scheduler.ts";
import type { BackupRecord, DatastoreRecord, Durations, IdempotencyRecord } from "./types.ts";

/** The state of the emulated cloud, and the events waiting to happen in it. */
export class World {
  /** Known API keys; each key is its own account. */
  readonly apiKeys = new Set<string>();
  /** Every datastore of every account by ID, in creation order (deleted ones stay as tombstones). */
  readonly datastores = new Map<string, DatastoreRecord>();
  /** Every backup of every account by ID, in creation order. */
  readonly backups = new Map<string, BackupRecord>();
  /** Remembered `Idempotency-Key`s of backup POSTs, by account and key (see backups.ts). */
  readonly idempotency = new Map<string, IdempotencyRecord>();
  /** Durations of transitions started from now on, in seconds of emulator time. */
  durations: Durations;
  /** Set by every change; the server saves the state file when it is set. */
  dirty = false;

  private readonly events = new EventQueue();
  private time: number;
  private lastHour: number;

  /**
   * @param now emulator time the world starts at, Unix ms.
   * @param durations transition durations, seconds.
   * @param lastHour the last whole hour (Unix ms) the scheduler ran for; by default the hour that
   *   contains `now`, so a fresh world takes no backup for an hour that began before it existed.
   */
  constructor(now: number, durations: Durations, lastHour = Math.floor(now / HOUR_MS) * HOUR_MS) {
    this.time = now;
    this.durations = { ...durations };
    this.lastHour = lastHour;
  }

  /** Emulator time the world has been brought up to, Unix ms. */
  get now(): number {
    return this.time;
  }

  /** The last whole UTC hour (Unix ms) the scheduler ran for. */
  get lastScheduledHour(): number {
    return this.lastHour;
  }

  /** Runs `fire` when the world reaches emulator time `time` (Unix ms); at once on the next advance if past. */
  at(time: number, fire: () => void): void {
    this.events.push(time, fire);
  }

  /**
   * Brings the world up to `target` (Unix ms): fires due events in time order and, at each whole
   * hour passed, the scheduler. Events due at an hour fire before that hour's scheduler, so a backup
   * expiring at 10:00 is gone before the 10:00 one is taken. A target in the past changes nothing.
   */
  advanceTo(target: number): void {
    for (;;) {
      const nextHour = this.lastHour + HOUR_MS;
      const nextEvent = this.events.peekTime();
      if (nextEvent !== undefined && nextEvent <= target && nextEvent <= nextHour) {
        this.time = Math.max(this.time, nextEvent);
        this.events.pop()?.();
      } else if (nextHour <= target) {
        this.time = nextHour;
        this.lastHour = nextHour;
        runScheduler(this, nextHour);
      } else {
        break;
      }
    }
    this.time = Math.max(this.time, target);
  }

  /** A fresh ID: `prefix` + random lowercase alphanumerics, unique among `taken`'s keys. */
  newId(prefix: string, taken: ReadonlyMap<string, unknown>): string {
    for (;;) {
      const id = prefix + randomAlphanumerics(ID_RANDOM_LENGTH);
      if (!taken.has(id)) return id;
    }
  }

  /** Forgets every datastore, backup, idempotency key and pending event; keys and time stay. */
  reset(): void {
    this.datastores.clear();
    this.backups.clear();
    this.idempotency.clear();
    this.events.clear();
    this.dirty = true;
  }
}
