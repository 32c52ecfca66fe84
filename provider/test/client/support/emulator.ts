/**
 * The real emulator (package `dfcloud-emulator`) over loopback, with its clock frozen and linked to the
 * client's: every client sleep advances emulator time by as much, so waits of minutes take milliseconds
 * of real time and no test sleeps.
 */
import { type EmulatorOptions, type JsonObject, type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { DfCloudClient } from "../../../src/client/client";
import type { DfCloudClientOptions } from "../../../src/client/options";
import type { Clock } from "../../../src/client/retry";
import type { DatastoreConfig } from "../../../src/client/schemas";

/** Emulator and client start time: Monday 2026-01-05 10:30:00 UTC. */
export const START_MS = Date.UTC(2026, 0, 5, 10, 30);
/** The account the tests act as. */
export const API_KEY = "dragonflydb_client_test_key_a";
/** Another account, to check isolation. */
export const OTHER_API_KEY = "dragonflydb_client_test_key_b";

/** A config the emulator accepts: aws eu-west-1, one shard. */
export function datastoreConfig(overrides: Partial<DatastoreConfig> = {}): DatastoreConfig {
  return {
    name: "orders-cache",
    location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
    tier: { max_memory_bytes: 12_500_000_000, performance_tier: "standard", replicas: 1 },
    cluster: { enabled: false },
    dragonfly: { cache_mode: false, tls: true },
    backup_policy: { enabled: false },
    restore: { backup_id: "", loaded: false },
    maintenance_window: { weekday: 2, hour: 3, duration_hours: 2 },
    ...overrides,
  };
}

/** A running emulator with a clock linked to it. */
export interface EmulatorHarness {
  emulator: RunningEmulator;
  /** The clock to give clients: its sleeps move emulator time. */
  clock: Clock;
  /** A client of the test account (or of `overrides.apiKey`), closed by {@link EmulatorHarness.close}. */
  client(overrides?: Partial<DfCloudClientOptions>): DfCloudClient;
  /** Seeds an active datastore in the test account and returns its id. */
  seed(config?: DatastoreConfig): Promise<string>;
  close(): Promise<void>;
}

/** Starts an emulator frozen at {@link START_MS} with the two test accounts. */
export async function startEmulatorHarness(options: EmulatorOptions = {}): Promise<EmulatorHarness> {
  const emulator = await startEmulator({
    timeScale: 0,
    startTime: START_MS,
    apiKeys: [API_KEY, OTHER_API_KEY],
    ...options,
  });
  let now = START_MS;
  const clock: Clock = {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
      await emulator.admin.advance(ms / 1000);
    },
  };
  const clients: DfCloudClient[] = [];
  return {
    emulator,
    clock,
    client(overrides = {}) {
      const client = new DfCloudClient({
        apiKey: API_KEY,
        apiUrl: emulator.url,
        clock,
        random: () => 0.5,
        ...overrides,
      });
      clients.push(client);
      return client;
    },
    async seed(config = datastoreConfig()) {
      const datastore = await emulator.admin.seedDatastore(API_KEY, config as JsonObject);
      return datastore.datastore_id;
    },
    async close() {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await emulator.close();
    },
  };
}
