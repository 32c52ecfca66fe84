/**
 * Test set-up for the resource logic, on top of the client tests' emulator harness (a real emulator
 * over loopback whose clock moves only when the client "sleeps"): deps for the logic, the progress
 * lines it printed, seeding in either account, and the writes the emulator saw.
 */
import type { EmulatorOptions, RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, beforeEach } from "vitest";
import type { Clock } from "../../src";
import type { DatastoreConfig } from "../../src/client/schemas";
import type { ResourceDeps } from "../../src/resources/deps";
import {
  API_KEY,
  datastoreConfig,
  type EmulatorHarness,
  OTHER_API_KEY,
  startEmulatorHarness,
} from "../client/support/emulator";

export { API_KEY, OTHER_API_KEY };

/** A test harness: the emulator, a linked clock, deps for the logic and a log of progress lines. */
export interface Harness {
  emulator: RunningEmulator;
  clock: Clock;
  deps: ResourceDeps;
  /** Lines kept in the output (info). */
  logLines: string[];
  /** Lines shown at warning severity, without the `warning:` the engine prints before them. */
  warnings: string[];
  /** Ephemeral progress lines (each replaces the last on the resource's row). */
  statusLines: string[];
  /** Seeds an active datastore in the test account (or `apiKey`'s) and returns its id. */
  seed(overrides?: Partial<DatastoreConfig>, apiKey?: string): Promise<string>;
  /** Writes requests (POST, PUT, DELETE) in the emulator's log since the last reset. */
  writes(): Promise<string[]>;
}

/**
 * One emulator per test file, reset before each test.
 * @param options emulator options, e.g. `{ backupEndpoints: false }` for an API without `/v1/backups`
 */
export function useHarness(options: EmulatorOptions = {}): () => Harness {
  let base: EmulatorHarness | undefined;
  let harness: Harness | undefined;
  beforeAll(async () => {
    const started = await startEmulatorHarness(options);
    const { emulator, clock } = started;
    const logLines: string[] = [];
    const warnings: string[] = [];
    const statusLines: string[] = [];
    base = started;
    harness = {
      emulator,
      clock,
      logLines,
      warnings,
      statusLines,
      deps: {
        api: started.client(),
        now: () => clock.now(),
        log: (line) => logLines.push(line),
        warn: (line) => warnings.push(line),
        status: (line) => statusLines.push(line),
      },
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
    await base?.close();
  });
  beforeEach(async () => {
    await harness?.emulator.admin.reset();
    // A client per test, as a provider process has one per command: what one client learnt (a
    // listing of the account's datastores) is not carried into the next test.
    if (harness && base) harness.deps.api = base.client();
    harness?.logLines.splice(0);
    harness?.warnings.splice(0);
    harness?.statusLines.splice(0);
  });
  return () => {
    if (!harness) throw new Error("the harness is not started yet");
    return harness;
  };
}
