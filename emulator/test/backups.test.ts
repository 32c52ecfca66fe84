/** `/v1/backups`: shape, readiness and data capture, validation, idempotency keys, expiry, isolation. */
import { describe, expect, it } from "vitest";
import { api, datastoreConfig, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();

async function backupOf(
  datastoreId: string,
  extra: Record<string, unknown> = {},
  headers?: Record<string, string>,
) {
  return api(emulator()).post(
    "/v1/backups",
    { datastore_id: datastoreId, description: "nightly", retention: 7, ...extra },
    headers,
  );
}

describe("manual backups", () => {
  it("creates a pending backup with the Backup shape, ready after 15 s with the data of that moment", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setData(id, { a: "1" });
    const { now } = await emulator().admin.clock();
    const created = await backupOf(id);
    expect(created.status).toBe(200);
    expect(created.body).toEqual({
      backup_id: expect.stringMatching(/^bkp_[a-z0-9]{16}$/),
      datastore_id: id,
      description: "nightly",
      retention: 7,
      source: "manual",
      status: "pending",
      created_at: Math.floor(now / 1000),
      size_bytes: 0,
      location: { provider: "aws", region: "us-east-1" },
      shard_count: 1,
    });
    await emulator().admin.advance(14);
    await emulator().admin.setData(id, { a: "2", bb: "22" });
    expect((await api(emulator()).get(`/v1/backups/${created.body.backup_id}`)).body.status).toBe("pending");
    await emulator().admin.advance(1);
    await emulator().admin.setData(id, { changed: "after ready" });
    const ready = await api(emulator()).get(`/v1/backups/${created.body.backup_id}`);
    // 64-byte header + "a" "2" "bb" "22" = 70 bytes: the data at the moment it became ready.
    expect(ready.body).toMatchObject({ status: "ready", size_bytes: 70 });
  });

  it("defaults the description to an empty string", async () => {
    const id = await seedActive(emulator());
    const created = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    expect(created.body.description).toBe("");
  });

  it("fails a backup whose datastore is deleted before it is ready", async () => {
    const id = await seedActive(emulator());
    const created = await backupOf(id);
    await api(emulator()).delete(`/v1/datastores/${id}`);
    await emulator().admin.advance(15);
    expect((await api(emulator()).get(`/v1/backups/${created.body.backup_id}`)).body).toMatchObject({
      status: "failed",
      size_bytes: 0,
    });
  });

  it("answers 404 for a datastore that is unknown or another account's, 409 for one not active", async () => {
    const theirs = await seedActive(emulator(), datastoreConfig(), emulator().apiKeys[1]);
    expect(await backupOf("dst_unknown")).toMatchObject({
      status: 404,
      body: { error: "datastore dst_unknown not found" },
    });
    expect(await backupOf(theirs)).toMatchObject({
      status: 404,
      body: { error: `datastore ${theirs} not found` },
    });
    const pending = await api(emulator()).post("/v1/datastores", datastoreConfig());
    const pendingId = pending.body.datastore_id;
    expect(await backupOf(pendingId)).toMatchObject({
      status: 409,
      body: { error: `datastore ${pendingId} is pending, not active` },
    });
    expect((await emulator().admin.state()).backups).toEqual([]);
  });

  it.each([
    ["retention 0", { retention: 0 }, "retention: must be an integer from 1 to 365"],
    ["retention 366", { retention: 366 }, "retention: must be an integer from 1 to 365"],
    ["fractional retention", { retention: 1.5 }, "retention: must be an integer from 1 to 365"],
    ["string retention", { retention: "7" }, "retention: must be an integer from 1 to 365"],
    [
      "a 257-character description",
      { description: "x".repeat(257) },
      "description: must be a string of at most 256 characters",
    ],
    ["a numeric datastore_id", { datastore_id: 5 }, "datastore_id: must be a non-empty string"],
  ])("rejects %s with 400", async (_case, extra, message) => {
    const id = await seedActive(emulator());
    expect(await backupOf(id, extra)).toMatchObject({ status: 400, body: { error: message } });
  });

  it("accepts a 256-character description and retention 365", async () => {
    const id = await seedActive(emulator());
    expect((await backupOf(id, { description: "x".repeat(256), retention: 365 })).status).toBe(200);
  });

  it("rejects a body without datastore_id", async () => {
    const answer = await api(emulator()).post("/v1/backups", { retention: 1 });
    expect(answer).toMatchObject({ status: 400, body: { error: "datastore_id: is required" } });
  });
});

describe("list, get, delete", () => {
  it("lists the account's backups, filtered by ?datastore_id=", async () => {
    const one = await seedActive(emulator());
    const two = await seedActive(emulator());
    const theirs = await seedActive(emulator(), datastoreConfig(), emulator().apiKeys[1]);
    const b1 = (await backupOf(one)).body.backup_id;
    const b2 = (await backupOf(two)).body.backup_id;
    await api(emulator(), emulator().apiKeys[1]).post("/v1/backups", { datastore_id: theirs, retention: 1 });
    const ids = (answer: { body: Array<{ backup_id: string }> }) => answer.body.map((b) => b.backup_id);
    expect(ids(await api(emulator()).get("/v1/backups"))).toEqual([b1, b2]);
    expect(ids(await api(emulator()).get(`/v1/backups?datastore_id=${two}`))).toEqual([b2]);
    expect(ids(await api(emulator()).get("/v1/backups?datastore_id=dst_none"))).toEqual([]);
  });

  it("answers another account's backup with 404 on GET and DELETE", async () => {
    const id = await seedActive(emulator());
    const backupId = (await backupOf(id)).body.backup_id;
    const stranger = api(emulator(), emulator().apiKeys[1]);
    const notFound = { status: 404, body: { error: `backup ${backupId} not found` } };
    expect(await stranger.get(`/v1/backups/${backupId}`)).toMatchObject(notFound);
    expect(await stranger.delete(`/v1/backups/${backupId}`)).toMatchObject(notFound);
    expect((await api(emulator()).get(`/v1/backups/${backupId}`)).status).toBe(200);
  });

  it("DELETE answers the backup as it was, then it is gone", async () => {
    const id = await seedActive(emulator());
    const created = await backupOf(id);
    await emulator().admin.advance(15);
    const deleted = await api(emulator()).delete(`/v1/backups/${created.body.backup_id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body).toMatchObject({ backup_id: created.body.backup_id, status: "ready" });
    expect((await api(emulator()).get(`/v1/backups/${created.body.backup_id}`)).status).toBe(404);
    expect((await api(emulator()).get("/v1/backups")).body).toEqual([]);
  });
});

describe("expiry", () => {
  it("deletes a backup at exactly created_at + retention days", async () => {
    const id = await seedActive(emulator());
    const created = await backupOf(id, { retention: 2 });
    const path = `/v1/backups/${created.body.backup_id}`;
    await emulator().admin.advance(2 * 86400 - 1);
    expect((await api(emulator()).get(path)).body.status).toBe("ready");
    await emulator().admin.advance(1);
    expect((await api(emulator()).get(path)).status).toBe(404);
  });
});

describe("Idempotency-Key", () => {
  it("answers a repeated key with the first backup and creates no other", async () => {
    const id = await seedActive(emulator());
    const first = await backupOf(id, {}, { "idempotency-key": "k-1" });
    await emulator().admin.advance(15);
    const again = await backupOf(id, {}, { "idempotency-key": "k-1" });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ backup_id: first.body.backup_id, status: "ready" });
    expect((await api(emulator()).get("/v1/backups")).body).toHaveLength(1);
  });

  it("answers the first backup as it was when it has been deleted since", async () => {
    const id = await seedActive(emulator());
    const first = await backupOf(id, {}, { "idempotency-key": "k-2" });
    await api(emulator()).delete(`/v1/backups/${first.body.backup_id}`);
    const again = await backupOf(id, {}, { "idempotency-key": "k-2" });
    expect(again.body).toEqual(first.body);
    expect((await api(emulator()).get("/v1/backups")).body).toEqual([]);
  });

  it("creates a new backup for another key, another account, or after 24 h", async () => {
    const mine = await seedActive(emulator());
    const theirs = await seedActive(emulator(), datastoreConfig(), emulator().apiKeys[1]);
    const first = (await backupOf(mine, {}, { "idempotency-key": "same" })).body.backup_id;
    const other = (await backupOf(mine, {}, { "idempotency-key": "different" })).body.backup_id;
    const theirBackup = await api(emulator(), emulator().apiKeys[1]).post(
      "/v1/backups",
      { datastore_id: theirs, retention: 1 },
      { "idempotency-key": "same" },
    );
    await emulator().admin.advance(24 * 3600 - 1);
    expect((await backupOf(mine, {}, { "idempotency-key": "same" })).body.backup_id).toBe(first);
    await emulator().admin.advance(1);
    const later = (await backupOf(mine, {}, { "idempotency-key": "same" })).body.backup_id;
    const all = new Set([first, other, theirBackup.body.backup_id, later]);
    expect(all.size).toBe(4);
  });

  it("rejects an over-long key with 400", async () => {
    const id = await seedActive(emulator());
    expect(await backupOf(id, {}, { "idempotency-key": "k".repeat(256) })).toMatchObject({
      status: 400,
      body: { error: "Idempotency-Key: must be 1 to 255 characters" },
    });
  });
});
