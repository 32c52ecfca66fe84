/**
 * readDataPlaneString / writeDataPlaneString: one string key of a datastore, over its data plane, as
 * a Restore's rerun marker is read and written. The connection code is readKeyspace's (tested in
 * data-plane-read.test.ts); here what is particular to one key: what a missing key reads as, that a
 * write lands in the datastore's data, that a restore running answers `LOADING` and is waited
 * through, and that failures name what was being done to which key, without the password.
 */
import { createServer } from "node:net";
import { inspect } from "node:util";
import type { JsonObject } from "dfcloud-emulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DataPlaneError, isDfCloudError } from "../../src/client/errors";
import type { DatastoreConfig } from "../../src/client/schemas";
import { API_KEY, datastoreConfig, type EmulatorHarness, startEmulatorHarness } from "./support/emulator";
import { connect, disconnectAll, rejectionOf } from "./support/harness";

/** The emulator's data plane speaks no TLS. */
const PLAIN: Partial<DatastoreConfig> = { dragonfly: { cache_mode: false, tls: false } };
/** Emulator seconds a restore takes: a read started during one sees `LOADING` until it ends. */
const RESTORE_SECONDS = 30;

let harness: EmulatorHarness;
beforeAll(async () => {
  harness = await startEmulatorHarness({ durations: { restore: RESTORE_SECONDS, datastoreUpdate: 0 } });
});
afterAll(() => harness.close());
beforeEach(() => harness.emulator.admin.reset());
afterEach(() => disconnectAll());

async function seedPlain() {
  return harness.emulator.admin.seedDatastore(API_KEY, datastoreConfig(PLAIN) as JsonObject);
}

function asDataPlaneError(error: unknown): DataPlaneError {
  if (!isDfCloudError(error, "DataPlaneError"))
    throw new Error(`expected a DataPlaneError, got ${inspect(error)}`);
  return error;
}

describe("one string key over the data plane", () => {
  it("reads a missing key as undefined, and what a write set as that value, leaving the other keys alone", async () => {
    const { datastore_id: id } = await seedPlain();
    await harness.emulator.admin.setData(id, { order: "A" });
    const client = harness.client();
    expect(await client.readDataPlaneString(id, { key: "marker" })).toBeUndefined();

    await client.writeDataPlaneString(id, { key: "marker", value: "bkp_1:abcd:0123" });
    expect(await harness.emulator.admin.getData(id)).toEqual({ order: "A", marker: "bkp_1:abcd:0123" });
    expect(await client.readDataPlaneString(id, { key: "marker" })).toBe("bkp_1:abcd:0123");
    // Nothing went through the API but the lookups of the datastore's address.
    const writes = (await harness.emulator.admin.requests()).filter((entry) => entry.method !== "GET");
    expect(writes).toEqual([]);
  });

  it("waits through LOADING while a restore runs, then reads what the restore left (the key wiped)", async () => {
    const { datastore_id: id } = await seedPlain();
    await harness.emulator.admin.setData(id, { order: "A" });
    const client = harness.client();
    const backup = await client.createBackup({ datastore_id: id, description: "", retention: 1 });
    await client.waitForBackup(backup.backup_id, { timeoutMs: 60_000 });
    await client.writeDataPlaneString(id, { key: "marker", value: "before the restore" });
    await client.startRestore(id, backup.backup_id);

    expect(await client.readDataPlaneString(id, { key: "marker" })).toBeUndefined();
    expect(await harness.emulator.admin.getData(id)).toEqual({ order: "A" });
  });

  it("names the key and the write in a failure, and never the password", async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as { port: number };
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const addr = `127.0.0.1:${port}`;
    const password = "pw-never-shown-0123";
    const { client } = await connect(() => ({
      status: 200,
      json: {
        datastore_id: "dst_double",
        status: "active",
        addr,
        password,
        config: { dragonfly: { tls: false } },
      },
    }));

    const write = asDataPlaneError(
      await rejectionOf(client.writeDataPlaneString("dst_double", { key: "marker", value: "v" })),
    );
    expect(write.message).toBe(
      `Writing key "marker" into datastore dst_double at ${addr} failed: connection refused`,
    );
    expect(write.failure).toBe("connection");
    const read = asDataPlaneError(
      await rejectionOf(client.readDataPlaneString("dst_double", { key: "marker" })),
    );
    expect(read.message).toBe(
      `Reading key "marker" of datastore dst_double at ${addr} failed: connection refused`,
    );
    for (const error of [write, read]) expect(inspect(error, { depth: 20 })).not.toContain(password);
  });

  it("reports a key of another type as the server's answer", async () => {
    const { datastore_id: id } = await seedPlain();
    await harness.emulator.admin.setKeyspace(id, [{ key: "marker", type: "list", value: ["a"] }]);
    const error = asDataPlaneError(
      await rejectionOf(harness.client().readDataPlaneString(id, { key: "marker" })),
    );
    expect(error.failure).toBe("command");
    expect(error.message).toMatch(
      /^Reading key "marker" of datastore dst_\w+ at 127\.0\.0\.1:\d+ failed: the server answered WRONGTYPE /,
    );
  });

  it("refuses an empty key or a value that is not a string, sending nothing", async () => {
    const client = harness.client();
    await expect(client.readDataPlaneString("dst_x", { key: "" })).rejects.toThrow(
      "key must be a non-empty string",
    );
    await expect(
      client.writeDataPlaneString("dst_x", { key: "k", value: 1 as unknown as string }),
    ).rejects.toThrow("value must be a string");
    expect(await harness.emulator.admin.requests()).toEqual([]);
  });
});
