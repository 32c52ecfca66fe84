import { DfCloudClient } from "../../../src/client/client";
import type { DfCloudClientOptions } from "../../../src/client/options";
import { type FakeClock, fakeClock } from "./fake-clock";
import { TEST_API_KEY } from "./fixtures";
import { type Script, type ScriptedServer, startScriptedServer } from "./scripted-server";

/** A scripted server and a client of it. */
export interface Connection {
  client: DfCloudClient;
  clock: FakeClock;
  server: ScriptedServer;
}

const cleanups: (() => Promise<void>)[] = [];

/** Closes every client and server {@link connect} made; call it from `afterEach`. */
export async function disconnectAll(): Promise<void> {
  await Promise.all(cleanups.splice(0).map((cleanup) => cleanup()));
}

/**
 * Starts a server answering by `script` and a client of it with a fake clock and jitter fixed at 0.5,
 * so that backoff delays are exactly half their cap: 50, 100, 200, 400 ms for the base of 100 ms set here.
 */
export async function connect(
  script: Script,
  overrides: Partial<DfCloudClientOptions> = {},
): Promise<Connection> {
  const clock = fakeClock();
  // The server's Date follows the fake clock, as a real API's follows its own.
  const server = await startScriptedServer(script, () => clock.now());
  const client = new DfCloudClient({
    apiKey: TEST_API_KEY,
    apiUrl: server.url,
    clock,
    random: () => 0.5,
    ...overrides,
    retry: { baseDelayMs: 100, maxDelayMs: 1_000, ...overrides.retry },
  });
  cleanups.push(async () => {
    await client.close();
    await server.close();
  });
  return { client, clock, server };
}

/** Awaits `promise`, which must reject, and returns what it rejected with. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected a rejection, got a value");
}
