/**
 * dfcloud-emulator: a local, faithful Dragonfly Cloud management API (docs/api-model.md) for tests,
 * demos and CI. Start one with {@link startEmulator}; drive its clock, faults and state with
 * {@link EmulatorAdmin}.
 */
import { randomBytes } from "node:crypto";
import type { AddressInfo } from "node:net";
import { EmulatorAdmin } from "./admin.ts";
import { EmulatorClock } from "./clock.ts";
import { DataPlane } from "./dataPlane.ts";
import { FaultInjector } from "./faults.ts";
import { DEFAULT_DURATIONS, GENERATED_API_KEY_PREFIX } from "./modelled.ts";
import { loadState } from "./persistence.ts";
import { publicRoutesFor } from "./publicApi.ts";
import { randomAlphanumerics } from "./random.ts";
import { RequestLog } from "./requestLog.ts";
import { createEmulatorServer, type EmulatorCore, persist } from "./server.ts";
import type { Durations } from "./types.ts";
import { World } from "./world.ts";

export type { FaultSettings, SeedBackupOptions } from "./admin.ts";
export { EmulatorAdmin, EmulatorAdminError } from "./admin.ts";
export type { ClockView, StateView } from "./adminApi.ts";
export type { FaultConfig, FaultKind } from "./faults.ts";
export type { JsonObject, JsonValue } from "./json.ts";
export type { KeyspaceEntry, ScoreJson } from "./keyspace.ts";
export { DEFAULT_DURATIONS } from "./modelled.ts";
export type { RequestLogEntry } from "./requestLog.ts";
export type {
  Backup,
  BackupLocation,
  BackupSource,
  BackupStatus,
  Datastore,
  DatastoreStatus,
  Durations,
} from "./types.ts";

/** How to start an emulator. Every field is optional. */
export interface EmulatorOptions {
  /** Interface to listen on. Default `"127.0.0.1"`. */
  host?: string;
  /** TCP port; 0 picks any free port. Default 0. */
  port?: number;
  /** API keys; each is its own account. Default: the keys of the state file, or one generated `dragonflydb_emu_…` key. */
  apiKeys?: string[];
  /** Bearer token of the admin API. Default: a generated one. */
  adminToken?: string;
  /** File to keep the state in across restarts (saved atomically after every change). Default: memory only. */
  statePath?: string;
  /** Emulator milliseconds per real millisecond; 0 freezes time (only admin advances move it). Default 1. */
  timeScale?: number;
  /** Transition durations in seconds of emulator time; missing ones take {@link DEFAULT_DURATIONS}. */
  durations?: Partial<Durations>;
  /** Emulator time at start, Unix ms. Default: now. */
  startTime?: number;
  /**
   * Serve `/v1/backups`. With `false` (the CLI's `--no-backup-endpoints`) every `/v1/backups` path
   * answers as an unknown path does, `404 {"error": "not found: <METHOD> <path>"}`, as an API without
   * them would; scheduled backups are still taken and can be restored (their IDs are in
   * `admin.state()`, and `admin.seedBackup` makes one). Default true.
   */
  backupEndpoints?: boolean;
  /**
   * Echo each `/v1` request's `Authorization` header in the `error` of every error answer (4xx and
   * 5xx, injected faults included): as sent, its token as a query value and percent-encoded, and in
   * base64 — as a careless server, proxy or debug page might. For testing that a client keeps the key
   * out of everything it shows; never for anything else. The CLI's `--echo-authorization`. Default false.
   */
  echoAuthorization?: boolean;
}

/** A started emulator. */
export interface RunningEmulator {
  /** Base URL, e.g. `http://127.0.0.1:41234` (the API is under `/v1`). */
  url: string;
  /** Every valid API key (each is its own account). */
  apiKeys: string[];
  /** Bearer token of the admin API. */
  adminToken: string;
  /** A client of the admin API of this emulator. */
  admin: EmulatorAdmin;
  /** Stops listening, closes open connections and saves the state file. Safe to call twice. */
  close(): Promise<void>;
}

/** Starts an emulator and resolves once it listens. Rejects on invalid options or an unreadable state file. */
export async function startEmulator(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  const settings = checkOptions(options);
  const loaded =
    settings.statePath === undefined ? undefined : loadState(settings.statePath, settings.durations);
  const clock = new EmulatorClock(settings.startTime, settings.timeScale, loaded?.advancedOffsetMs ?? 0);
  if (loaded) clock.catchUpTo(loaded.world.now);
  const world = loaded?.world ?? new World(clock.now(), settings.durations);
  for (const key of settings.apiKeys) world.apiKeys.add(key);
  if (world.apiKeys.size === 0) world.apiKeys.add(GENERATED_API_KEY_PREFIX + randomAlphanumerics(24));
  world.dirty = true;

  const dataPlane = new DataPlane(
    { world, catchUp: () => world.advanceTo(clock.now()), save: () => persist(core) },
    settings.host,
  );
  const core: EmulatorCore = {
    world,
    clock,
    faults: new FaultInjector(),
    log: new RequestLog(),
    initialDurations: settings.durations,
    adminToken: settings.adminToken,
    statePath: settings.statePath,
    publicRoutes: publicRoutesFor({ backupEndpoints: settings.backupEndpoints }),
    echoAuthorization: settings.echoAuthorization,
    dataPlane,
  };
  world.advanceTo(clock.now());
  await dataPlane.reconcile();
  persist(core);
  const { server, abortDelays } = createEmulatorServer(core);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(settings.port, settings.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } catch (error) {
    await dataPlane.close();
    throw error;
  }
  const { port } = server.address() as AddressInfo;
  const url = `http://${settings.host.includes(":") ? `[${settings.host}]` : settings.host}:${port}`;

  let closing: Promise<void> | undefined;
  const close = () => {
    closing ??= Promise.all([
      new Promise<void>((resolve) => {
        abortDelays();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
      dataPlane.close(),
    ]).then(() => {
      core.world.dirty = true;
      persist(core);
    });
    return closing;
  };
  return {
    url,
    apiKeys: [...world.apiKeys],
    adminToken: settings.adminToken,
    admin: new EmulatorAdmin(url, settings.adminToken),
    close,
  };
}

type Settings = Required<Omit<EmulatorOptions, "statePath" | "durations">> & {
  statePath: string | undefined;
  durations: Durations;
};

/** Options with defaults applied; throws a RangeError naming the first bad option. */
function checkOptions(options: EmulatorOptions): Settings {
  const fail = (message: string): never => {
    throw new RangeError(`dfcloud-emulator: ${message}`);
  };
  const port = options.port ?? 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    fail(`port must be an integer from 0 to 65535, got ${port}`);
  const timeScale = options.timeScale ?? 1;
  if (!Number.isFinite(timeScale) || timeScale < 0)
    fail(`timeScale must be a number of at least 0, got ${timeScale}`);
  const startTime = options.startTime ?? Date.now();
  if (!Number.isFinite(startTime)) fail(`startTime must be a Unix time in ms, got ${startTime}`);
  const durations = { ...DEFAULT_DURATIONS, ...options.durations };
  for (const [name, seconds] of Object.entries(durations)) {
    if (!Number.isFinite(seconds) || seconds < 0)
      fail(`durations.${name} must be seconds of at least 0, got ${seconds}`);
  }
  const apiKeys = options.apiKeys ?? [];
  for (const key of apiKeys)
    if (!isToken(key)) fail(`API key ${JSON.stringify(key)} must be non-empty without spaces`);
  const adminToken = options.adminToken ?? `emu_admin_${randomBytes(16).toString("hex")}`;
  if (!isToken(adminToken)) fail("adminToken must be non-empty without spaces");
  return {
    host: options.host ?? "127.0.0.1",
    port,
    apiKeys,
    adminToken,
    statePath: options.statePath,
    timeScale,
    durations,
    startTime,
    backupEndpoints: options.backupEndpoints ?? true,
    echoAuthorization: options.echoAuthorization ?? false,
  };
}

/** A bearer token: what `Authorization: Bearer <token>` can carry (no whitespace). */
function isToken(value: string): boolean {
  return /^\S+$/.test(value);
}
