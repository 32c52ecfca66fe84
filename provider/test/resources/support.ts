/**
 * Test set-up for the resource logic: a real emulator over loopback whose clock moves only when the
 * client "sleeps" (a linked clock), so waits of minutes take milliseconds and no test ever sleeps.
 */
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, beforeEach } from "vitest";
import { type Clock, DfCloudClient } from "../../src";
import type { ResourceDeps } from "../../src/resources/api";

/** Emulator and client start time: Monday 2026-01-05 10:30:00 UTC. */
export const START = Date.UTC(2026, 0, 5, 10, 30, 0);
/** The account the tests act as, and a second one for isolation cases. */
export const API_KEY = "dragonflydb_resources_test_key_a";
export const OTHER_API_KEY = "dragonflydb_resources_test_key_b";

/** A config the emulator accepts, in aws eu-west-1, single shard. */
export function datastoreConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    name: "orders-cache",
    location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
    tier: { max_memory_bytes: 12_500_000_000, performance_tier: "standard", replicas: 1 },
    cluster: { enabled: false },
    dragonfly: { cache_mode: false, tls: true },
    maintenance_window: { weekday: 2, hour: 3, duration_hours: 2 },
    ...overrides,
  };
}

/** A test harness: the emulator, a linked clock, deps for the logic and a log of progress lines. */
export interface Harness {
  emulator: RunningEmulator;
  clock: Clock;
  deps: ResourceDeps;
  logLines: string[];
  /** Seeds an active datastore in the test account (or `apiKey`'s) and returns its id. */
  seed(overrides?: Record<string, unknown>, apiKey?: string): Promise<string>;
  /** Writes requests (POST, PUT, DELETE) in the emulator's log since the last reset. */
  writes(): Promise<string[]>;
}

/**
 * One emulator per test file, reset before each test. Emulator time is frozen; the client's clock
 * advances it on every sleep, so a poll after a 250 ms sleep sees 250 ms more of emulator time.
 */
export function useHarness(options: EmulatorOptions = {}): () => Harness {
  let harness: Harness | undefined;
  let now = START;
  beforeAll(async () => {
    const emulator = await startEmulator({
      timeScale: 0,
      startTime: START,
      apiKeys: [API_KEY, OTHER_API_KEY],
      ...options,
    });
    const clock: Clock = {
      now: () => now,
      sleep: async (ms) => {
        now += ms;
        await emulator.admin.advance(ms / 1000);
      },
    };
    const api = new DfCloudClient({ apiKey: API_KEY, apiUrl: emulator.url, clock, random: () => 0.5 });
    const logLines: string[] = [];
    harness = {
      emulator,
      clock,
      logLines,
      deps: { api, now: () => now, log: (line) => logLines.push(line) },
      async seed(overrides = {}, apiKey = API_KEY) {
        const datastore = await emulator.admin.seedDatastore(apiKey, datastoreConfig(overrides) as never);
        return datastore.datastore_id;
      },
      async writes() {
        const log = await emulator.admin.requests();
        return log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
      },
    };
  });
  afterAll(async () => {
    await harness?.emulator.close();
  });
  beforeEach(async () => {
    await harness?.emulator.admin.reset();
    harness?.logLines.splice(0);
    const clock = await harness?.emulator.admin.clock();
    if (clock) now = clock.now;
  });
  return () => {
    if (!harness) throw new Error("the harness is not started yet");
    return harness;
  };
}
