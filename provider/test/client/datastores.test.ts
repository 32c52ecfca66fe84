import { afterEach, describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import type { ReconcileEvent } from "../../src/client/options";
import type { Datastore, DatastoreConfig } from "../../src/client/schemas";
import { datastoreFixture, parsedDatastore } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import { type Reply, type Script, sequence } from "./support/scripted-server";

afterEach(disconnectAll);

const ID = "dst_aaaaaaaaaaaaaaaa";
const ok = (json: unknown): Reply => ({ status: 200, json });
const withStatus = (status: Datastore["status"]): Datastore => datastoreFixture({ status });

/**
 * A one-datastore API that applies PUTs like docs/api-model.md says (whole config, 409 unless active)
 * and can lose the answer of the PUTs listed in `losePuts` (numbered from 1) after applying them.
 */
function datastoreApi(initial: Datastore, losePuts: readonly number[] = []): Script {
  let stored = structuredClone(initial);
  let puts = 0;
  return (request) => {
    if (request.method === "GET") return ok(stored);
    puts += 1;
    if (stored.status !== "active") {
      return { status: 409, json: { error: `datastore ${ID} is ${stored.status}; wait until it is active` } };
    }
    stored = { ...stored, status: "updating", config: request.body as DatastoreConfig };
    return losePuts.includes(puts) ? "drop" : ok(stored);
  };
}

describe("updateDatastoreConfig", () => {
  it("PUTs the whole config back with only the mutation applied, unknown fields included", async () => {
    const datastore = datastoreFixture();
    const config = {
      ...datastore.config,
      tier: { ...datastore.config.tier, burst: { enabled: true } },
      encryption: { kms_key: "key-1" },
    };
    const { client, server } = await connect(datastoreApi({ ...datastore, config }));
    const answer = await client.updateDatastoreConfig(ID, (copy) => {
      copy.name = "renamed";
      return copy;
    });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT"]);
    expect(server.requests[1]?.body).toEqual({ ...config, name: "renamed" });
    expect(answer.status).toBe("updating");
  });

  it.each(["updating", "restoring", "pending"] as const)(
    "refuses a datastore that is %s, sending no PUT",
    async (status) => {
      const { client, server } = await connect(datastoreApi(withStatus(status)));
      await expect(client.updateDatastoreConfig(ID, (config) => config)).rejects.toThrow(
        `PUT /v1/datastores/${ID} failed with 409 Conflict: datastore ${ID} is ${status}; ` +
          "wait until it is active (checked before sending)",
      );
      expect(server.requests.map((r) => r.method)).toEqual(["GET"]);
    },
  );

  it("after a lost answer, finds the PUT applied instead of repeating it", async () => {
    const events: ReconcileEvent[] = [];
    const { client, clock, server } = await connect(datastoreApi(datastoreFixture(), [1]), {
      onReconcile: (event) => events.push(event),
    });
    const policy = { enabled: true, every_day: true, every_hour: true, retention: 3 };
    const answer = await client.setBackupPolicy(ID, policy);
    // GET, PUT (applied, answer lost), GET (updating, with the config sent): no second PUT
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT", "GET"]);
    expect(answer.status).toBe("updating");
    expect(answer.config.backup_policy).toEqual(policy);
    expect(clock.sleeps).toEqual([50]);
    expect(events).toEqual([{ method: "PUT", path: `/v1/datastores/${ID}`, adoptedId: ID }]);
  });

  it("after a lost answer, sends the PUT again when the datastore is still active", async () => {
    const updating = withStatus("updating");
    const { client, server } = await connect(
      sequence(ok(datastoreFixture()), "drop", ok(datastoreFixture()), ok(updating)),
    );
    await expect(client.setBackupPolicy(ID, { enabled: false })).resolves.toEqual(parsedDatastore(updating));
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT", "GET", "PUT"]);
    expect(server.requests[3]?.body).toEqual(server.requests[1]?.body);
  });

  it("after a lost answer, refuses to repeat a PUT when another change is under way", async () => {
    const busyWithOther = {
      ...withStatus("updating"),
      config: { ...datastoreFixture().config, name: "other" },
    };
    const { client, server } = await connect(sequence(ok(datastoreFixture()), "drop", ok(busyWithOther)));
    const error = await client.setBackupPolicy(ID, { enabled: false }).catch((e: unknown) => e);
    expect(isDfCloudError(error, "ConflictError")).toBe(true);
    expect((error as Error).message).toBe(
      `PUT /v1/datastores/${ID} failed with 409 Conflict: datastore ${ID} is updating; ` +
        "wait until it is active (checked before sending)",
    );
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT", "GET"]);
  });

  it("runs two read-modify-writes of one datastore one after the other, so neither undoes the other", async () => {
    // An API whose datastore is active again at once (the emulator with instant transitions): both
    // GETs before either PUT would let the second PUT, built without the first's change, undo it.
    let stored = structuredClone(datastoreFixture());
    const { client, server } = await connect((request) => {
      if (request.method === "PUT") stored = { ...stored, config: request.body as DatastoreConfig };
      return ok(stored);
    });
    await Promise.all([
      client.updateDatastoreConfig(ID, (copy) => ({ ...copy, name: "renamed" })),
      client.updateDatastoreConfig(ID, (copy) => ({
        ...copy,
        restore: { backup_id: "bkp_1", loaded: false },
      })),
    ]);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT", "GET", "PUT"]);
    expect(stored.config).toMatchObject({ name: "renamed", restore: { backup_id: "bkp_1", loaded: false } });
  });

  it("does not retry a 409 when no earlier attempt can have acted", async () => {
    const { client, server } = await connect(
      sequence(ok(datastoreFixture()), { status: 409, json: { error: "busy" } }),
    );
    await expect(client.setBackupPolicy(ID, { enabled: false })).rejects.toThrow(
      `PUT /v1/datastores/${ID} failed with 409 Conflict: busy`,
    );
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT"]);
  });
});

describe("setBackupPolicy", () => {
  it("replaces the modelled fields and keeps the ones this client does not model", async () => {
    const datastore = datastoreFixture();
    const stored = {
      ...datastore,
      config: {
        ...datastore.config,
        backup_policy: { enabled: true, every_day: true, every_hour: true, retention: 3, timezone: "UTC" },
      },
    };
    const { client, server } = await connect(datastoreApi(stored));
    await client.setBackupPolicy(ID, { enabled: true, weekdays: [1, 3], hours: [2], retention: 5 });
    expect(server.requests[1]?.body).toEqual({
      ...stored.config,
      backup_policy: { timezone: "UTC", enabled: true, weekdays: [1, 3], hours: [2], retention: 5 },
    });
  });
});

describe("startRestore", () => {
  it("sends restore.backup_id with loaded false, which starts a restore even of the same backup", async () => {
    const datastore = datastoreFixture();
    const restoredBefore = {
      ...datastore,
      config: { ...datastore.config, restore: { backup_id: "bkp_1", loaded: true, requested_by: "console" } },
    };
    const { client, server } = await connect(datastoreApi(restoredBefore));
    await client.startRestore(ID, "bkp_1");
    expect(server.requests[1]?.body).toEqual({
      ...restoredBefore.config,
      restore: { backup_id: "bkp_1", loaded: false, requested_by: "console" },
    });
  });
});

describe("waitForDatastore", () => {
  const statuses = (...list: Datastore["status"][]): Script =>
    sequence(...(list.map((status) => ok(withStatus(status))) as [Reply, ...Reply[]]));

  it("polls fast first, then ×1.5 slower, and returns what it waited for", async () => {
    const { client, clock } = await connect(
      statuses("updating", "updating", "updating", "updating", "active"),
    );
    const seen: string[] = [];
    const datastore = await client.waitForDatastore(ID, "active", {
      onProgress: (observed, elapsedMs) => seen.push(`${observed.status}@${elapsedMs}`),
    });
    expect(datastore.status).toBe("active");
    expect(clock.sleeps).toEqual([250, 375, 563, 844]);
    expect(seen).toEqual(["updating@0", "updating@250", "updating@625", "updating@1188", "active@2032"]);
  });

  it("never pauses longer than 5 s", async () => {
    const { client, clock } = await connect(statuses("updating"));
    await expect(client.waitForDatastore(ID, "active", { timeoutMs: 60_000 })).rejects.toMatchObject({
      name: "WaitTimeoutError",
    });
    expect(Math.max(...clock.sleeps)).toBe(5_000);
    expect(clock.sleeps.slice(0, 9)).toEqual([250, 375, 563, 844, 1266, 1898, 2848, 4271, 5000]);
  });

  it("does not sleep past the deadline, polls at it, then gives up saying what it saw", async () => {
    const { client, clock, server } = await connect(statuses("updating"));
    const error = await client.waitForDatastore(ID, "active", { timeoutMs: 1_000 }).catch((e: unknown) => e);
    expect(clock.sleeps).toEqual([250, 375, 375]);
    expect(server.requests).toHaveLength(4);
    expect((error as Error).message).toBe(
      `Gave up after 1 s waiting for datastore ${ID} to become active; last status seen: updating`,
    );
  });

  it("takes an absolute deadline", async () => {
    const { client, clock } = await connect(statuses("updating"));
    const deadlineMs = clock.now() + 300;
    await expect(client.waitForDatastore(ID, "active", { deadlineMs })).rejects.toMatchObject({
      name: "WaitTimeoutError",
      elapsedMs: 300,
    });
    expect(clock.sleeps).toEqual([250, 50]);
  });

  it("waits for a predicate and names it in messages", async () => {
    const restored = {
      ...datastoreFixture(),
      config: { ...datastoreFixture().config, restore: { backup_id: "bkp_1", loaded: true } },
    };
    const { client } = await connect(sequence(ok(withStatus("restoring")), ok(restored)));
    const isRestored = (d: Datastore) => d.status === "active" && d.config.restore?.loaded === true;
    await expect(client.waitForDatastore(ID, isRestored)).resolves.toEqual(parsedDatastore(restored));

    const { client: impatient } = await connect(statuses("restoring"));
    await expect(
      impatient.waitForDatastore(ID, isRestored, {
        timeoutMs: 100,
        description: "to finish restoring bkp_1",
      }),
    ).rejects.toThrow(
      `Gave up after 100 ms waiting for datastore ${ID} to finish restoring bkp_1; last status seen: restoring`,
    );
  });

  it("fails fast on a deleted datastore", async () => {
    const { client, clock } = await connect(statuses("updating", "deleted"));
    await expect(client.waitForDatastore(ID, "active")).rejects.toThrow(
      `Stopped waiting for datastore ${ID} to become active after 250 ms: it is deleted, which is final`,
    );
    expect(clock.sleeps).toEqual([250]);
  });

  it("returns a deleted datastore when that is what it waits for", async () => {
    const { client } = await connect(statuses("deleting", "deleted"));
    await expect(client.waitForDatastore(ID, "deleted")).resolves.toMatchObject({ status: "deleted" });
  });

  it("fails fast on 404", async () => {
    const { client, server } = await connect(() => ({
      status: 404,
      json: { error: `datastore ${ID} not found` },
    }));
    await expect(client.waitForDatastore(ID, "active")).rejects.toMatchObject({
      name: "NotFoundError",
      status: 404,
    });
    expect(server.requests).toHaveLength(1);
  });
});
