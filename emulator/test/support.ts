/**
 * Shared helpers of the emulator tests: an emulator with a frozen clock (time moves only when a
 * test advances it), a small JSON client of the public API, and a valid datastore config.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type EmulatorOptions, type JsonObject, type RunningEmulator, startEmulator } from "../src/index.ts";

/** Emulator start time of the tests: Monday 2026-01-05 10:30:00 UTC. */
export const START = Date.UTC(2026, 0, 5, 10, 30, 0);
/** {@link START} in Unix seconds, as `created_at` carries it. */
export const START_SECONDS = START / 1000;

/** Starts an emulator whose clock stands still at {@link START} unless a test advances it. */
export function startFrozen(options: EmulatorOptions = {}): Promise<RunningEmulator> {
  return startEmulator({
    timeScale: 0,
    startTime: START,
    apiKeys: ["dragonflydb_test_a", "dragonflydb_test_b"],
    ...options,
  });
}

/**
 * One frozen emulator for a test file, reset before each test. Returns a getter, since the
 * emulator exists only once `beforeAll` has run.
 */
export function useEmulator(options: EmulatorOptions = {}): () => RunningEmulator {
  let emulator: RunningEmulator | undefined;
  beforeAll(async () => {
    emulator = await startFrozen(options);
  });
  afterAll(async () => {
    await emulator?.close();
  });
  beforeEach(async () => {
    await emulator?.admin.reset();
  });
  return () => {
    if (!emulator) throw new Error("the emulator is not started yet");
    return emulator;
  };
}

/** An answer of the API: status, headers and the parsed JSON body. */
export interface Answer {
  status: number;
  headers: Headers;
  // biome-ignore lint/suspicious/noExplicitAny: tests read arbitrary JSON answers and assert on them.
  body: any;
}

/** A client of the public API as the account of `apiKey`. */
export function api(emulator: RunningEmulator, apiKey = emulator.apiKeys[0] ?? "") {
  const call = async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) => {
    const response = await fetch(`${emulator.url}${path}`, {
      method,
      headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json", ...headers },
      ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return {
      status: response.status,
      headers: response.headers,
      body: text === "" ? undefined : JSON.parse(text),
    };
  };
  return {
    get: (path: string): Promise<Answer> => call("GET", path),
    post: (path: string, body: unknown, headers?: Record<string, string>): Promise<Answer> =>
      call("POST", path, body, headers),
    put: (path: string, body: unknown): Promise<Answer> => call("PUT", path, body),
    delete: (path: string): Promise<Answer> => call("DELETE", path),
    call,
  };
}

/**
 * A valid, complete `DatastoreConfig` (aws us-east-1, single shard), with `overrides` merged at the
 * top level: every key the vendor's Go types serialise, in their order, so a GET reads it back
 * exactly as sent (the emulator fills in only what is missing or null; vendor-evidence.test.ts).
 */
export function datastoreConfig(overrides: JsonObject = {}): JsonObject {
  return {
    name: "cache",
    network_id: "",
    location: { provider: "aws", region: "us-east-1", availability_zones: ["use1-az1"] },
    tier: { max_memory_bytes: 3_000_000_000, performance_tier: "standard", replicas: 1 },
    cluster: { enabled: null },
    dragonfly: {
      cache_mode: false,
      tls: true,
      bullmq: false,
      sidekiq: false,
      memcached: false,
      acl_rules: ["USER default ON >secret ~* &* +@ALL"],
    },
    backup_policy: { enabled: null },
    restore: { backup_id: "", loaded: false },
    maintenance_window: { weekday: null, hour: null, duration_hours: null },
    disable_passkey: false,
    byoc: {},
    ...overrides,
  };
}

/** A Swarm config of `shards` shards of 6.25 GB each. */
export function swarmConfig(shards: number, overrides: JsonObject = {}): JsonObject {
  return datastoreConfig({
    tier: { max_memory_bytes: shards * 6_250_000_000, performance_tier: "standard", replicas: 1 },
    cluster: { enabled: true, shard_memory: 6_250_000_000 },
    ...overrides,
  });
}

/** Seeds an `active` datastore in the first account (or `apiKey`'s) and returns its ID. */
export async function seedActive(
  emulator: RunningEmulator,
  config = datastoreConfig(),
  apiKey?: string,
): Promise<string> {
  const datastore = await emulator.admin.seedDatastore(apiKey ?? emulator.apiKeys[0] ?? "", config);
  return datastore.datastore_id;
}

/**
 * Sends `request` as raw bytes to the emulator's port, below any HTTP client (for requests a client
 * would refuse to send: malformed, oversized, half-closed), and resolves with everything the server
 * answered before it closed the connection.
 */
export function rawExchange(emulator: RunningEmulator, request: string): Promise<string> {
  const { hostname, port } = new URL(emulator.url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname, () => socket.write(request));
    let answer = "";
    socket.setEncoding("utf8");
    socket.on("data", (chunk: string) => {
      answer += chunk;
    });
    socket.on("end", () => resolve(answer));
    socket.on("error", reject);
  });
}
