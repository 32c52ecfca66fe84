import { afterEach, describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import type { ReconcileEvent } from "../../src/client/options";
import { backupsApi, START_SECONDS } from "./support/backups-api";
import { backupFixture } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import { type Reply, sequence } from "./support/scripted-server";

afterEach(disconnectAll);

const DATASTORE = "dst_aaaaaaaaaaaaaaaa";
const request = { datastore_id: DATASTORE, description: "before the migration", retention: 7 };
const ok = (json: unknown): Reply => ({ status: 200, json });

describe("createBackup", () => {
  it("adopts the backup a lost POST created instead of creating a second one", async () => {
    const api = backupsApi(["lost"]);
    const events: ReconcileEvent[] = [];
    const { client, server } = await connect(api.script, { onReconcile: (event) => events.push(event) });
    const backup = await client.createBackup(request);
    expect(api.stored.map((b) => b.backup_id)).toEqual(["bkp_new0"]);
    expect(backup.backup_id).toBe("bkp_new0");
    // snapshot, POST (lost), reconciliation: the POST is not sent again
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      `GET /v1/backups?datastore_id=${DATASTORE}`,
      "POST /v1/backups",
      `GET /v1/backups?datastore_id=${DATASTORE}`,
    ]);
    expect(server.requests[1]?.body).toEqual({
      datastore_id: DATASTORE,
      description: request.description,
      retention: 7,
    });
    expect(events).toEqual([{ method: "POST", path: "/v1/backups", adoptedId: "bkp_new0" }]);
  });

  it("sends the POST again, with the same Idempotency-Key, when no backup was created", async () => {
    const api = backupsApi(["failed-before-creating"]);
    const events: ReconcileEvent[] = [];
    const { client, server } = await connect(api.script, { onReconcile: (event) => events.push(event) });
    await expect(client.createBackup(request)).resolves.toMatchObject({ backup_id: "bkp_new0" });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "POST"]);
    const [first, second] = server.requests
      .filter((r) => r.method === "POST")
      .map((r) => r.headers["idempotency-key"]);
    expect(first).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(second).toBe(first);
    expect(events).toEqual([{ method: "POST", path: "/v1/backups", adoptedId: undefined }]);
    expect(api.stored).toHaveLength(1);
  });

  it("uses a new Idempotency-Key for each create", async () => {
    const { client, server } = await connect(backupsApi([]).script);
    await client.createBackup(request);
    await client.createBackup(request);
    const keys = server.requests.filter((r) => r.method === "POST").map((r) => r.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(2);
  });

  it("never adopts a backup that existed before the create, however alike", async () => {
    const twin = backupFixture({
      backup_id: "bkp_twin",
      description: request.description,
      created_at: START_SECONDS,
    });
    const api = backupsApi(["failed-before-creating"], [twin]);
    const { client } = await connect(api.script);
    await expect(client.createBackup(request)).resolves.toMatchObject({ backup_id: "bkp_new1" });
    expect(api.stored.map((b) => b.backup_id)).toEqual(["bkp_twin", "bkp_new1"]);
  });

  it("ignores new backups with another description, retention or source, or made long before", async () => {
    const unlike = [
      backupFixture({ backup_id: "bkp_desc", description: "other", created_at: START_SECONDS }),
      backupFixture({
        backup_id: "bkp_ret",
        description: request.description,
        retention: 8,
        created_at: START_SECONDS,
      }),
      backupFixture({
        backup_id: "bkp_sched",
        description: request.description,
        source: "scheduled",
        created_at: START_SECONDS,
      }),
      backupFixture({
        backup_id: "bkp_old",
        description: request.description,
        created_at: START_SECONDS - 3_600,
      }),
    ];
    const created = backupFixture({
      backup_id: "bkp_mine",
      description: request.description,
      created_at: START_SECONDS,
    });
    const { client, server } = await connect(sequence(ok([]), "drop", ok(unlike), ok(created)));
    await expect(client.createBackup(request)).resolves.toEqual(created);
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "POST"]);
  });

  it("refuses to guess when several new backups match a lost POST", async () => {
    const twins = ["bkp_a", "bkp_b"].map((backup_id) =>
      backupFixture({ backup_id, description: request.description, created_at: START_SECONDS }),
    );
    const { client, server } = await connect(sequence(ok([]), "drop", ok(twins)));
    const error = await client.createBackup(request).catch((e: unknown) => e);
    expect(isDfCloudError(error, "ReconciliationError")).toBe(true);
    expect(error).toMatchObject({ candidateIds: ["bkp_a", "bkp_b"] });
    expect((error as Error).message).toBe(
      `The answer to creating manual backup "before the migration" of datastore ${DATASTORE} was lost, ` +
        "and 2 new backups match it (bkp_a, bkp_b); cannot tell which one this request created. " +
        "Delete the extra ones and retry.",
    );
    expect(server.requests.filter((r) => r.method === "POST")).toHaveLength(1);
  });

  it("reconciles again after every attempt that may have acted", async () => {
    const api = backupsApi(["failed-before-creating", "lost"]);
    const { client, server } = await connect(api.script);
    await expect(client.createBackup(request)).resolves.toMatchObject({ backup_id: "bkp_new0" });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "POST", "GET"]);
    expect(api.stored).toHaveLength(1);
  });
});

describe("deleteBackup", () => {
  it("says the backup existed when the DELETE succeeds", async () => {
    const { client, server } = await connect(() => ok(backupFixture()));
    await expect(client.deleteBackup("bkp_aaaaaaaaaaaaaaaa")).resolves.toEqual({ existed: true });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "DELETE /v1/backups/bkp_aaaaaaaaaaaaaaaa",
    ]);
  });

  it("counts 404 as deleted, once the collection shows the endpoints exist", async () => {
    const { client, server } = await connect((received) =>
      received.url === "/v1/backups" ? ok([]) : { status: 404, json: { error: "backup bkp_x not found" } },
    );
    await expect(client.deleteBackup("bkp_x")).resolves.toEqual({ existed: false });
    expect(server.requests.map((r) => `${r.method} ${r.url}`)).toEqual([
      "DELETE /v1/backups/bkp_x",
      "GET /v1/backups",
    ]);
  });

  it("counts a 404 after a lost answer as its own deletion", async () => {
    const { client, server } = await connect(
      sequence("drop", { status: 404, json: { error: "not found" } }, ok([])),
    );
    await expect(client.deleteBackup("bkp_x")).resolves.toEqual({ existed: true });
    expect(server.requests.map((r) => r.method)).toEqual(["DELETE", "DELETE", "GET"]);
  });

  it("does not retry a 409", async () => {
    const { client, server } = await connect(() => ({
      status: 409,
      json: { error: "a restore is reading it" },
    }));
    await expect(client.deleteBackup("bkp_x")).rejects.toThrow(
      "DELETE /v1/backups/bkp_x failed with 409 Conflict: a restore is reading it",
    );
    expect(server.requests).toHaveLength(1);
  });
});

describe("listBackups", () => {
  const all = [
    backupFixture({ backup_id: "bkp_1", source: "manual", status: "ready" }),
    backupFixture({ backup_id: "bkp_2", source: "scheduled", status: "ready" }),
    backupFixture({ backup_id: "bkp_3", source: "scheduled", status: "pending" }),
    backupFixture({ backup_id: "bkp_4", datastore_id: "dst_other", source: "scheduled", status: "ready" }),
  ];

  it("asks the server to filter by datastore and filters the rest itself", async () => {
    // This server ignores the query, so the client's own check is what keeps dst_other out.
    const { client, server } = await connect(() => ok(all));
    const ids = async (filter: Parameters<typeof client.listBackups>[0]) =>
      (await client.listBackups(filter)).map((b) => b.backup_id);
    expect(await ids(undefined)).toEqual(["bkp_1", "bkp_2", "bkp_3", "bkp_4"]);
    expect(await ids({ datastoreId: DATASTORE, source: "scheduled", status: "ready" })).toEqual(["bkp_2"]);
    expect(await ids({ source: "scheduled" })).toEqual(["bkp_2", "bkp_3", "bkp_4"]);
    expect(await ids({ datastoreId: "dst x&y" })).toEqual([]);
    expect(server.requests.map((r) => r.url)).toEqual([
      "/v1/backups",
      `/v1/backups?datastore_id=${DATASTORE}`,
      "/v1/backups",
      "/v1/backups?datastore_id=dst+x%26y",
    ]);
  });
});

describe("waitForBackup", () => {
  it("polls until ready", async () => {
    const pending = backupFixture({ status: "pending", size_bytes: 0 });
    const { client, clock } = await connect(sequence(ok(pending), ok(pending), ok(backupFixture())));
    await expect(client.waitForBackup("bkp_aaaaaaaaaaaaaaaa")).resolves.toEqual(backupFixture());
    expect(clock.sleeps).toEqual([250, 375]);
  });

  it("stops at once on a failed backup", async () => {
    const { client } = await connect(sequence(ok(backupFixture({ status: "failed" }))));
    await expect(client.waitForBackup("bkp_aaaaaaaaaaaaaaaa", { timeoutMs: 60_000 })).rejects.toThrow(
      "Stopped waiting for backup bkp_aaaaaaaaaaaaaaaa to become ready after 0 ms: it is failed, which is final",
    );
  });

  it("gives up at its deadline", async () => {
    const { client } = await connect(() => ok(backupFixture({ status: "pending" })));
    await expect(client.waitForBackup("bkp_aaaaaaaaaaaaaaaa", { timeoutMs: 2_000 })).rejects.toThrow(
      "Gave up after 2 s waiting for backup bkp_aaaaaaaaaaaaaaaa to become ready; last status seen: pending",
    );
  });
});
