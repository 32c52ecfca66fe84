/**
 * A typed client of the emulator's admin API (`/_emulator/`), for tests: control time, seed
 * datastores and data, inject faults, read the request log and the whole state.
 */
import type { ClockView, StateView } from "./adminApi.ts";
import type { FaultConfig, FaultKind } from "./faults.ts";
import type { JsonObject } from "./json.ts";
import type { KeyspaceEntry } from "./keyspace.ts";
import type { RequestLogEntry } from "./requestLog.ts";
import type { Backup, BackupSource, BackupStatus, Datastore, DatastoreStatus, Durations } from "./types.ts";

/** What {@link EmulatorAdmin.seedBackup} makes; every field is optional. */
export interface SeedBackupOptions {
  /** Default "". At most 256 characters. */
  description?: string;
  /** Whole days until the backup expires, 1 to 365. Default 7. */
  retention?: number;
  /** Default "manual". */
  source?: BackupSource;
  /**
   * `ready` (default) captures the datastore's data now; `pending` becomes ready after the `backup`
   * duration, like a new backup; `failed` is failed at once.
   */
  status?: BackupStatus;
}

/** Fault settings as {@link EmulatorAdmin.setFaults} takes them; optional fields have the defaults shown. */
export interface FaultSettings {
  /** Probability from 0 to 1 that a matching `/v1` request gets a fault. */
  rate: number;
  /** The kinds to pick from, uniformly. */
  kinds: FaultKind[];
  /** PRNG seed (integer); the same seed gives the same sequence. Default 0. */
  seed?: number;
  /** `Retry-After` of an injected 429, seconds. Default 1. */
  retryAfterSeconds?: number;
  /** Delay of a `latency` fault, real milliseconds (at most 60000). Default 0. */
  latencyMs?: number;
  /** Only requests with one of these methods get faults. Default: all. */
  methods?: string[];
  /** Only requests whose path starts with this get faults (e.g. `/v1/backups`). Default: all. */
  pathPrefix?: string;
  /** Inject at most this many faults. Default: no limit. */
  limit?: number;
}

/** A non-200 answer of the admin API. */
export class EmulatorAdminError extends Error {
  /** HTTP status of the answer. */
  readonly status: number;

  constructor(status: number, message: string) {
    super(message);
    this.name = "EmulatorAdminError";
    this.status = status;
  }
}

/** Calls the admin API of the emulator at `url` with the admin token. Every method throws {@link EmulatorAdminError} on a non-200. */
export class EmulatorAdmin {
  private readonly url: string;
  private readonly adminToken: string;

  /**
   * @param url the emulator's base URL, e.g. `http://127.0.0.1:4010`.
   * @param adminToken the admin bearer token it printed or was started with.
   */
  constructor(url: string, adminToken: string) {
    this.url = url.replace(/\/+$/, "");
    this.adminToken = adminToken;
  }

  /** Forgets all datastores, backups, data, the log and faults; durations return to the start values. The clock stays. */
  async reset(): Promise<void> {
    await this.call("POST", "/reset", undefined);
  }

  /** Emulator time (Unix ms) and time scale. */
  clock(): Promise<ClockView> {
    return this.call("GET", "/clock", undefined);
  }

  /** Moves emulator time forward by `seconds` (at most ten years); everything due in between happens, in order. */
  advance(seconds: number): Promise<ClockView> {
    return this.call("POST", "/clock/advance", { seconds });
  }

  /** Creates a datastore in `apiKey`'s account, `active` at once unless `status` says otherwise. */
  seedDatastore(apiKey: string, config: JsonObject, status?: DatastoreStatus): Promise<Datastore> {
    return this.call(
      "POST",
      "/datastores",
      status === undefined ? { apiKey, config } : { apiKey, config, status },
    );
  }

  /**
   * Makes a backup of any account's datastore (in that datastore's account), `ready` at once with the
   * datastore's data unless `options.status` says otherwise. Works with `backupEndpoints: false` too.
   */
  seedBackup(datastoreId: string, options: SeedBackupOptions = {}): Promise<Backup> {
    return this.call("POST", "/backups", { datastoreId, ...options });
  }

  /**
   * The string keys and values of any account's datastore (keys of other types are left out: see
   * {@link getKeyspace}; expired keys are gone).
   */
  getData(datastoreId: string): Promise<Record<string, string>> {
    return this.call("GET", `/datastores/${encodeURIComponent(datastoreId)}/data`, undefined);
  }

  /** Replaces the data of any account's datastore with these string keys, without expiry. */
  setData(datastoreId: string, data: Record<string, string>): Promise<Record<string, string>> {
    return this.call("PUT", `/datastores/${encodeURIComponent(datastoreId)}/data`, data);
  }

  /**
   * Every live key of any account's datastore, of any type, in creation order: strings, hashes
   * (`[field, value]` pairs), lists, sets, sorted sets (`[member, score]` pairs) and each key's
   * `expiresAt` (emulator time, Unix ms) if it has one. Keys and values are UTF-8 text.
   */
  getKeyspace(datastoreId: string): Promise<KeyspaceEntry[]> {
    return this.call("GET", `/datastores/${encodeURIComponent(datastoreId)}/keyspace`, undefined);
  }

  /** Replaces the data of any account's datastore with `entries` (as {@link getKeyspace} reads them). */
  setKeyspace(datastoreId: string, entries: KeyspaceEntry[]): Promise<KeyspaceEntry[]> {
    return this.call("PUT", `/datastores/${encodeURIComponent(datastoreId)}/keyspace`, entries);
  }

  /** Transition durations, seconds of emulator time. */
  durations(): Promise<Durations> {
    return this.call("GET", "/durations", undefined);
  }

  /** Changes some transition durations (seconds); transitions already running keep theirs. */
  setDurations(durations: Partial<Durations>): Promise<Durations> {
    return this.call("PUT", "/durations", durations);
  }

  /** The fault settings, or null when fault injection is off. */
  faults(): Promise<FaultConfig | null> {
    return this.call("GET", "/faults", undefined);
  }

  /** Turns fault injection on for `/v1` calls (restarting the PRNG from `seed`). */
  setFaults(settings: FaultSettings): Promise<FaultConfig> {
    return this.call("PUT", "/faults", settings);
  }

  /** Turns fault injection off. */
  async clearFaults(): Promise<void> {
    await this.call("DELETE", "/faults", undefined);
  }

  /** The log of `/v1` requests, oldest first. */
  requests(): Promise<RequestLogEntry[]> {
    return this.call("GET", "/requests", undefined);
  }

  /** Empties the request log. */
  async clearRequests(): Promise<void> {
    await this.call("DELETE", "/requests", undefined);
  }

  /** Every datastore (with data) and backup of every account. */
  state(): Promise<StateView> {
    return this.call("GET", "/state", undefined);
  }

  private async call<T>(method: string, path: string, body: unknown): Promise<T> {
    const response = await fetch(`${this.url}/_emulator${path}`, {
      method,
      headers: { authorization: `Bearer ${this.adminToken}`, "content-type": "application/json" },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const answer = (await response.json()) as unknown;
    if (response.status !== 200) {
      const message = (answer as { error?: unknown } | null)?.error;
      throw new EmulatorAdminError(response.status, `${method} /_emulator${path}: ${String(message)}`);
    }
    return answer as T;
  }
}
