/**
 * The state file: every account, datastore (with its data and transition in flight), backup,
 * idempotency key, and the clock, so a restart with the same file continues where it stopped.
 * Writes are atomic (a temporary file, fsync, rename): a crash leaves the old file or the new one.
 *
 * Version 2 keeps data as lists of keys of any type with their expiries (keyspace.ts, byte
 * strings); version 1 kept `{key: value}` strings and is read as such.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import { idempotencySlot, watchBackup } from "./backups.ts";
import type { EmulatorClock } from "./clock.ts";
import { watchTransition } from "./datastores.ts";
import { isJsonObject } from "./json.ts";
import { entriesFromTextMap, Keyspace, type KeyspaceEntry } from "./keyspace.ts";
import type { BackupRecord, DatastoreRecord, Durations, IdempotencyRecord } from "./types.ts";
import { World } from "./world.ts";

const FORMAT = "dfcloud-emulator-state";
const VERSION = 2;
/** Versions this emulator reads: 1 (string data only) is converted on load. */
const READABLE_VERSIONS: readonly number[] = [1, 2];

/** A datastore as the state file holds it: its data as a list of keys. */
type StoredDatastore = Omit<DatastoreRecord, "data"> & { data: KeyspaceEntry[] };

/** The content of a state file. */
interface StateFile {
  format: typeof FORMAT;
  version: number;
  clock: {
    /** Total clock advance, ms. */
    advancedOffsetMs: number;
    /** Emulator time the world had reached, Unix ms. */
    now: number;
    /** The last whole hour the scheduler ran for, Unix ms. */
    lastScheduledHour: number;
  };
  apiKeys: string[];
  datastores: StoredDatastore[];
  backups: BackupRecord[];
  idempotency: IdempotencyRecord[];
}

/** Writes the world and clock to `path` atomically. */
export function saveState(path: string, world: World, clock: EmulatorClock): void {
  const state: StateFile = {
    format: FORMAT,
    version: VERSION,
    clock: {
      advancedOffsetMs: clock.advancedOffsetMs,
      now: world.now,
      lastScheduledHour: world.lastScheduledHour,
    },
    apiKeys: [...world.apiKeys],
    datastores: [...world.datastores.values()].map((d) => ({ ...d, data: d.data.toJSON() })),
    backups: [...world.backups.values()],
    idempotency: [...world.idempotency.values()],
  };
  const temporary = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    const fd = fs.openSync(temporary, "w");
    try {
      fs.writeFileSync(fd, JSON.stringify(state));
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(temporary, path);
  } finally {
    fs.rmSync(temporary, { force: true });
  }
}

/** What a state file restores: the world and the clock offset it had reached. */
export interface LoadedState {
  world: World;
  advancedOffsetMs: number;
}

/**
 * Reads the state file at `path` into a world with `durations`, or returns undefined when there is
 * no file yet. Throws a readable error for a file that is not a state file of this version.
 */
export function loadState(path: string, durations: Durations): LoadedState | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw error;
  }
  const state = parseStateFile(path, text);
  if (state.version === 1) upgradeFromVersion1(state);
  const world = new World(state.clock.now, durations, state.clock.lastScheduledHour);
  for (const key of state.apiKeys) world.apiKeys.add(key);
  for (const stored of state.datastores) {
    const datastore: DatastoreRecord = { ...stored, data: Keyspace.fromEntries(stored.data) };
    world.datastores.set(datastore.id, datastore);
    watchTransition(world, datastore);
  }
  for (const backup of state.backups) {
    world.backups.set(backup.id, backup);
    watchBackup(world, backup);
  }
  for (const record of state.idempotency)
    world.idempotency.set(idempotencySlot(record.apiKey, record.key), record);
  return { world, advancedOffsetMs: state.clock.advancedOffsetMs };
}

function parseStateFile(path: string, text: string): StateFile {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new Error(`state file ${path} is not valid JSON: ${(error as Error).message}`);
  }
  if (
    !isJsonObject(parsed) ||
    parsed.format !== FORMAT ||
    typeof parsed.version !== "number" ||
    !READABLE_VERSIONS.includes(parsed.version)
  ) {
    throw new Error(
      `state file ${path} is not a ${FORMAT} file of version ${READABLE_VERSIONS.join(" or ")}`,
    );
  }
  const clock = parsed.clock;
  const lists = [parsed.apiKeys, parsed.datastores, parsed.backups, parsed.idempotency];
  const clockValid =
    isJsonObject(clock) &&
    [clock.advancedOffsetMs, clock.now, clock.lastScheduledHour].every((n) => Number.isFinite(n));
  if (!clockValid || !lists.every(Array.isArray)) {
    throw new Error(`state file ${path} is damaged: clock or lists missing`);
  }
  return parsed as unknown as StateFile;
}

/** Version 1 held data as `{key: value}` text maps: in datastores, backups and restores in flight. */
function upgradeFromVersion1(state: StateFile): void {
  const entries = (data: unknown): KeyspaceEntry[] =>
    entriesFromTextMap(isJsonObject(data) ? (data as Record<string, string>) : {});
  for (const datastore of state.datastores) {
    datastore.data = entries(datastore.data);
    const restore = datastore.transition?.restore;
    if (restore) restore.data = restore.data === null ? null : entries(restore.data);
  }
  for (const backup of state.backups) backup.data = backup.data === null ? null : entries(backup.data);
}
