/**
 * Test set-up for the resource logic, on top of the client tests' emulator harness (a real emulator
 * over loopback whose clock moves only when the client "sleeps"): deps for the logic, the progress
 * lines it printed, seeding in either account, and the writes the emulator saw.
 */
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
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
  /** Deps like {@link deps}, whose client sends to `apiUrl` (a proxy in front of the emulator); the harness closes it. */
  depsThrough(apiUrl: string): ResourceDeps;
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
      depsThrough(apiUrl) {
        return { ...(harness as Harness).deps, api: started.client({ apiUrl }) };
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

/**
 * A loopback proxy in front of the emulator that passes every request through and lets `rewrite`
 * change each datastore the API answers with one (its `addr`, its `password`): how the machine
 * running Pulumi sees a data plane it cannot reach, or a password it refuses, with the API unchanged.
 */
export async function rewritingProxy(
  target: string,
  rewrite: (datastore: Record<string, unknown>) => void,
): Promise<{ url: string; close: () => Promise<void> }> {
  const body = async (request: IncomingMessage): Promise<Buffer> => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  };
  const server = createServer(async (request, response) => {
    const sent = await body(request);
    const headers: Record<string, string> = {};
    for (const name of ["authorization", "content-type", "user-agent", "idempotency-key"]) {
      const value = request.headers[name];
      if (typeof value === "string") headers[name] = value;
    }
    const answer = await fetch(`${target}${request.url ?? "/"}`, {
      method: request.method ?? "GET",
      headers,
      ...(sent.length > 0 ? { body: sent } : {}),
    });
    let text = await answer.text();
    if (answer.ok && /^\/v1\/datastores\/[^/?]+$/.test(request.url ?? "")) {
      const datastore = JSON.parse(text) as Record<string, unknown>;
      rewrite(datastore);
      text = JSON.stringify(datastore);
    }
    const out: Record<string, string> = {
      "content-type": answer.headers.get("content-type") ?? "application/json",
    };
    for (const name of ["date", "retry-after"]) {
      const value = answer.headers.get(name);
      if (value !== null) out[name] = value;
    }
    response.writeHead(answer.status, out);
    response.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
