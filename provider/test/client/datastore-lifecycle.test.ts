/**
 * Creating and deleting whole datastores, as a restore drill does with its temporary one: a create
 * whose answer is lost is found by its unique name and adopted, never made twice; several of that
 * name stop it with nothing sent again; a delete counts a datastore already gone as deleted, does
 * not repeat itself on one already `deleting`, and judges a lost answer by what the datastore shows.
 * Against the real emulator where it can show the case, a scripted server where it cannot.
 */
import type { FaultKind, FaultSettings, JsonObject } from "dfcloud-emulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import { withinOperation } from "../../src/client/operation";
import type { ReconcileEvent } from "../../src/client/options";
import type { Datastore } from "../../src/client/schemas";
import { API_KEY, datastoreConfig, type EmulatorHarness, startEmulatorHarness } from "./support/emulator";
import { datastoreFixture } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import type { Reply } from "./support/scripted-server";

/** Seconds of emulator time: long enough that a re-read after a lost answer sees the transition running. */
const DURATIONS = { datastoreCreate: 60, datastoreDelete: 60 };
const DRILL_NAME = "restore-drill-7f3a";

let harness: EmulatorHarness;
beforeAll(async () => {
  harness = await startEmulatorHarness({ durations: DURATIONS });
});
afterAll(() => harness.close());
beforeEach(() => harness.emulator.admin.reset());
afterEach(disconnectAll);

/** Exactly one fault of `kind` on the next `/v1` request with `method`. */
function oneFault(method: string, kind: FaultKind): FaultSettings {
  return { rate: 1, kinds: [kind], seed: 0, retryAfterSeconds: 0, latencyMs: 0, methods: [method], limit: 1 };
}

/** The request log as `METHOD path status`, to assert what was sent and how it was answered. */
async function requestLog(): Promise<string[]> {
  const log = await harness.emulator.admin.requests();
  return log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

/** The account's datastores as the emulator holds them (deleted ones included), by id and status. */
async function storedDatastores(): Promise<{ id: string; name: unknown; status: string }[]> {
  const state = await harness.emulator.admin.state();
  return state.datastores
    .filter((datastore) => datastore.apiKey === API_KEY)
    .map((datastore) => ({
      id: datastore.datastore_id,
      name: datastore.config.name,
      status: datastore.status,
    }));
}

describe("createDatastore", () => {
  it("POSTs the config as the body and the datastore becomes active", async () => {
    const client = harness.client();
    const config = datastoreConfig({ name: DRILL_NAME });
    const created = await client.createDatastore(config);
    expect(created.status).toBe("pending");
    expect(created.config.name).toBe(DRILL_NAME);
    const active = await client.waitForDatastore(created.datastore_id, "active");
    expect(active.config.location).toEqual(config.location);
    expect(await storedDatastores()).toEqual([
      { id: created.datastore_id, name: DRILL_NAME, status: "active" },
    ]);
  });

  it("adopts the datastore a POST made before its answer was lost, and never makes a second", async () => {
    const events: ReconcileEvent[] = [];
    const client = harness.client({ onReconcile: (event) => events.push(event) });
    await harness.emulator.admin.setFaults(oneFault("POST", "drop"));
    const created = await client.createDatastore(datastoreConfig({ name: DRILL_NAME }));
    expect(await storedDatastores()).toEqual([
      { id: created.datastore_id, name: DRILL_NAME, status: "pending" },
    ]);
    // The lost POST, then the list that found its datastore: no second POST.
    expect(await requestLog()).toEqual(["POST /v1/datastores dropped", "GET /v1/datastores 200"]);
    expect(events).toEqual([{ method: "POST", path: "/v1/datastores", adoptedId: created.datastore_id }]);
  });

  it("sends the POST again when the lost attempt made nothing of that name", async () => {
    const events: ReconcileEvent[] = [];
    // A 500 for which the server made nothing: the scripted API only stores on the second POST.
    const stored: Datastore[] = [];
    let posts = 0;
    const { client, server } = await connect(
      (request): Reply => {
        if (request.method === "GET") return { status: 200, json: stored };
        posts += 1;
        if (posts === 1) return { status: 500, json: { error: "internal error" } };
        const made = datastoreFixture({ status: "pending", config: request.body as Datastore["config"] });
        stored.push(made);
        return { status: 200, json: made };
      },
      { onReconcile: (event) => events.push(event) },
    );
    const created = await client.createDatastore(datastoreConfig({ name: DRILL_NAME }));
    expect(created.config.name).toBe(DRILL_NAME);
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "GET", "POST"]);
    expect(server.requests[2]?.body).toEqual(server.requests[0]?.body);
    expect(events).toEqual([{ method: "POST", path: "/v1/datastores", adoptedId: undefined }]);
  });

  it("retries a 503 without listing: it is answered before the request is handled", async () => {
    const client = harness.client();
    await harness.emulator.admin.setFaults(oneFault("POST", "503"));
    const created = await client.createDatastore(datastoreConfig({ name: DRILL_NAME }));
    expect(await requestLog()).toEqual(["POST /v1/datastores 503", "POST /v1/datastores 200"]);
    expect((await storedDatastores()).map((d) => d.id)).toEqual([created.datastore_id]);
  });

  it("refuses to guess when two datastores have the name of a lost create, and sends nothing again", async () => {
    // The caller's promise of a unique name was broken: one of that name already existed.
    const earlier = await harness.emulator.admin.seedDatastore(
      API_KEY,
      datastoreConfig({ name: DRILL_NAME }) as JsonObject,
    );
    const client = harness.client();
    await harness.emulator.admin.clearRequests();
    await harness.emulator.admin.setFaults(oneFault("POST", "drop"));
    const error = await client
      .createDatastore(datastoreConfig({ name: DRILL_NAME }))
      .catch((e: unknown) => e);
    expect(isDfCloudError(error, "ReconciliationError")).toBe(true);
    const stored = await storedDatastores();
    expect(stored).toHaveLength(2);
    const made = stored.find((datastore) => datastore.id !== earlier.datastore_id);
    expect((error as Error).message).toBe(
      `The answer to creating datastore "${DRILL_NAME}" was lost, and 2 datastores of that name match it ` +
        `(${earlier.datastore_id}, ${made?.id}); cannot tell which one this request created. ` +
        "Delete the extra ones and retry.",
    );
    expect(await requestLog()).toEqual(["POST /v1/datastores dropped", "GET /v1/datastores 200"]);
  });

  it("finds the datastore a cancelled POST made, so the caller can delete it rather than leave it running", async () => {
    const cancel = new AbortController();
    const stored: Datastore[] = [];
    const { client, server } = await connect((request): Reply => {
      if (request.method === "GET") return { status: 200, json: stored };
      // The API makes the datastore; its answer is still on the way when Pulumi cancels.
      stored.push(datastoreFixture({ status: "pending", config: request.body as Datastore["config"] }));
      cancel.abort(new Error("SIGINT"));
      return "hang";
    });
    const created = await withinOperation({ signal: cancel.signal }, () =>
      client.createDatastore(datastoreConfig({ name: DRILL_NAME })),
    );
    expect(created.datastore_id).toBe(stored[0]?.datastore_id);
    expect(server.requests.map((r) => r.method)).toEqual(["POST", "GET"]);
  });

  it.each([undefined, "", "   "])("refuses a config whose name is %j, sending nothing", async (name) => {
    const client = harness.client();
    const config = datastoreConfig(name === undefined ? {} : { name });
    if (name === undefined) delete config.name;
    const error = await client.createDatastore(config).catch((e: unknown) => e);
    expect(isDfCloudError(error, "InvalidArgumentError")).toBe(true);
    expect((error as Error).message).toBe(
      "createDatastore needs a non-empty config.name: a lost answer is reconciled by finding the datastore by its name",
    );
    expect(await requestLog()).toEqual([]);
  });
});

describe("deleteDatastore", () => {
  it("deletes a datastore, and waitForDatastoreGone returns once it is deleted", async () => {
    const id = await harness.seed();
    const client = harness.client();
    const seen: string[] = [];
    await expect(client.deleteDatastore(id)).resolves.toEqual({ existed: true });
    await client.waitForDatastoreGone(id, { onProgress: (datastore) => seen.push(datastore.status) });
    expect(seen.at(0)).toBe("deleting");
    expect(seen.at(-1)).toBe("deleted");
    expect(await storedDatastores()).toEqual([{ id, name: "orders-cache", status: "deleted" }]);
    expect(await client.listDatastores()).toEqual([]);
  });

  it("counts a datastore this account does not have as already deleted, sending no DELETE", async () => {
    const client = harness.client();
    await expect(client.deleteDatastore("dst_nosuchdatastore0")).resolves.toEqual({ existed: false });
    expect(await requestLog()).toEqual(["GET /v1/datastores/dst_nosuchdatastore0 404"]);
  });

  it("counts a deleted datastore as already deleted, sending no DELETE", async () => {
    const id = await harness.seed();
    const client = harness.client();
    await client.deleteDatastore(id);
    await client.waitForDatastoreGone(id);
    await harness.emulator.admin.clearRequests();
    await expect(client.deleteDatastore(id)).resolves.toEqual({ existed: false });
    expect(await requestLog()).toEqual([`GET /v1/datastores/${id} 200`]);
  });

  it("does not send a second DELETE to a datastore already deleting", async () => {
    const id = await harness.seed();
    const client = harness.client();
    await client.deleteDatastore(id);
    await harness.emulator.admin.clearRequests();
    await expect(client.deleteDatastore(id)).resolves.toEqual({ existed: true });
    expect(await requestLog()).toEqual([`GET /v1/datastores/${id} 200`]);
  });

  it.each(["pending", "updating", "restoring"] as const)(
    "deletes a datastore that is %s: the API accepts a DELETE in any live status",
    async (status) => {
      const { datastore_id: id } = await harness.emulator.admin.seedDatastore(
        API_KEY,
        datastoreConfig() as JsonObject,
        status,
      );
      const client = harness.client();
      await expect(client.deleteDatastore(id)).resolves.toEqual({ existed: true });
      expect((await client.getDatastore(id)).status).toBe("deleting");
    },
  );

  it("takes a DELETE whose answer was lost as done when the datastore shows it deleting", async () => {
    const events: ReconcileEvent[] = [];
    const id = await harness.seed();
    const client = harness.client({ onReconcile: (event) => events.push(event) });
    await harness.emulator.admin.setFaults(oneFault("DELETE", "drop"));
    await expect(client.deleteDatastore(id)).resolves.toEqual({ existed: true });
    expect(await requestLog()).toEqual([
      `GET /v1/datastores/${id} 200`,
      `DELETE /v1/datastores/${id} dropped`,
      `GET /v1/datastores/${id} 200`,
    ]);
    expect(events).toEqual([{ method: "DELETE", path: `/v1/datastores/${id}`, adoptedId: id }]);
    await client.waitForDatastoreGone(id);
  });

  it("sends the DELETE again when the lost attempt left the datastore active", async () => {
    const active = datastoreFixture({ status: "active" });
    const id = active.datastore_id;
    let stored: Datastore = active;
    let deletes = 0;
    const { client, server } = await connect((request): Reply => {
      if (request.method === "GET") return { status: 200, json: stored };
      deletes += 1;
      if (deletes === 1) return "drop";
      stored = { ...stored, status: "deleting" };
      return { status: 200, json: stored };
    });
    await expect(client.deleteDatastore(id)).resolves.toEqual({ existed: true });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "DELETE", "GET", "DELETE"]);
  });

  it("needs no body in the DELETE's answer: the vendor's client ignores it", async () => {
    const active = datastoreFixture({ status: "active" });
    const { client } = await connect(
      (request): Reply => (request.method === "GET" ? { status: 200, json: active } : { status: 200 }),
    );
    await expect(client.deleteDatastore(active.datastore_id)).resolves.toEqual({ existed: true });
  });

  it("throws the API's 409 as it is, without retrying: the caller waits and calls again", async () => {
    const busy = datastoreFixture({ status: "restoring" });
    const id = busy.datastore_id;
    const { client, server } = await connect(
      (request): Reply =>
        request.method === "GET"
          ? { status: 200, json: busy }
          : { status: 409, json: { error: `datastore ${id} is restoring` } },
    );
    const error = await client.deleteDatastore(id).catch((e: unknown) => e);
    expect(isDfCloudError(error, "ConflictError")).toBe(true);
    expect((error as Error).message).toBe(
      `DELETE /v1/datastores/${id} failed with 409 Conflict: datastore ${id} is restoring`,
    );
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "DELETE"]);
  });
});

describe("waitForDatastoreGone", () => {
  it("waits until the deadline for a datastore nobody deletes, naming what it last saw", async () => {
    const id = await harness.seed();
    const client = harness.client();
    const error = await client.waitForDatastoreGone(id, { timeoutMs: 10_000 }).catch((e: unknown) => e);
    expect(isDfCloudError(error, "WaitTimeoutError")).toBe(true);
    expect((error as Error).message).toBe(
      `Gave up after 10 s waiting for datastore ${id} to be deleted; last status seen: active`,
    );
  });

  it("returns at once for a datastore that is not there", async () => {
    const client = harness.client();
    await client.waitForDatastoreGone("dst_nosuchdatastore0");
    expect(await requestLog()).toEqual(["GET /v1/datastores/dst_nosuchdatastore0 404"]);
  });
});
