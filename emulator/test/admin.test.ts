/** The admin API: auth, reset, clock, seeding, data, durations, the request log and the state. */
import { describe, expect, it } from "vitest";
import { EmulatorAdmin, EmulatorAdminError } from "../src/index.ts";
import { api, datastoreConfig, START, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();

describe("admin auth", () => {
  it.each([
    ["no token", {}],
    ["a wrong token", { authorization: "Bearer nope" }],
    ["an API key", { authorization: "Bearer dragonflydb_test_a" }],
  ])("answers 401 to %s", async (_case, headers) => {
    const response = await fetch(`${emulator().url}/_emulator/state`, { headers });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized: missing or invalid admin token" });
  });

  it("throws EmulatorAdminError with the status from the helper", async () => {
    const wrong = new EmulatorAdmin(emulator().url, "wrong-token");
    await expect(wrong.state()).rejects.toMatchObject({ status: 401, name: "EmulatorAdminError" });
    await expect(wrong.state()).rejects.toBeInstanceOf(EmulatorAdminError);
  });
});

describe("clock", () => {
  it("reports a frozen clock that moves only by advance, with its time scale", async () => {
    const before = await emulator().admin.clock();
    expect(before.timeScale).toBe(0);
    expect(before.now).toBeGreaterThanOrEqual(START);
    expect((await emulator().admin.clock()).now).toBe(before.now);
    expect(await emulator().admin.advance(90)).toEqual({ now: before.now + 90_000, timeScale: 0 });
  });

  it.each([
    [{ seconds: -1 }, "seconds: must be a number from 0 to 315360000"],
    [{ seconds: "5" }, "seconds: must be a number from 0 to 315360000"],
    [{}, "seconds: is required"],
  ])("rejects advance %j with 400", async (body, message) => {
    const response = await fetch(`${emulator().url}/_emulator/clock/advance`, {
      method: "POST",
      headers: { authorization: `Bearer ${emulator().adminToken}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: message });
  });
});

describe("seeding and data", () => {
  it("seeds an active datastore with the sample data, in the given account only", async () => {
    const seeded = await emulator().admin.seedDatastore(emulator().apiKeys[1] ?? "", datastoreConfig());
    expect(seeded.status).toBe("active");
    expect(await emulator().admin.getData(seeded.datastore_id)).toEqual({
      greeting: "hello from the dfcloud emulator",
      "counter:visits": "0",
      "user:1:name": "Ada",
    });
    expect((await api(emulator(), emulator().apiKeys[1]).get("/v1/datastores")).body).toHaveLength(1);
    expect((await api(emulator()).get("/v1/datastores")).body).toEqual([]);
  });

  it("seeds in another status, which then completes like a real transition", async () => {
    const seeded = await emulator().admin.seedDatastore(
      emulator().apiKeys[0] ?? "",
      datastoreConfig(),
      "updating",
    );
    expect(seeded.status).toBe("updating");
    await emulator().admin.advance(5);
    expect((await api(emulator()).get(`/v1/datastores/${seeded.datastore_id}`)).body.status).toBe("active");
  });

  it.each([
    [{ apiKey: "dragonflydb_unknown", config: datastoreConfig() }, "apiKey: not a key of this emulator"],
    [
      { apiKey: "dragonflydb_test_a", config: datastoreConfig({ name: "" }) },
      "config.name: must be a non-empty string",
    ],
    [{ apiKey: "dragonflydb_test_a", config: datastoreConfig(), status: "gone" }, "status: must be one of"],
    [{ apiKey: "dragonflydb_test_a" }, "config: is required"],
  ])("rejects seeding %j with 400", async (body, message) => {
    const response = await fetch(`${emulator().url}/_emulator/datastores`, {
      method: "POST",
      headers: { authorization: `Bearer ${emulator().adminToken}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error.slice(0, message.length)).toBe(message);
  });

  it("replaces data and answers 404 for an unknown datastore, 400 for non-string values", async () => {
    const id = await seedActive(emulator());
    // A "__proto__" key stays an ordinary key (JSON.parse makes it an own property).
    const tricky = JSON.parse('{"__proto__":"plain key","k":"v"}') as Record<string, string>;
    expect(await emulator().admin.setData(id, tricky)).toEqual(tricky);
    expect(Object.keys(await emulator().admin.getData(id))).toEqual(["__proto__", "k"]);
    await expect(emulator().admin.getData("dst_missing")).rejects.toMatchObject({ status: 404 });
    await expect(
      emulator().admin.setData(id, { n: 1 } as unknown as Record<string, string>),
    ).rejects.toMatchObject({
      status: 400,
      message: `PUT /_emulator/datastores/${id}/data: body.n: must be a string`,
    });
  });
});

describe("seeding backups", () => {
  it("makes a ready backup of any account's datastore with its data now, in that account", async () => {
    const theirs = await seedActive(emulator(), datastoreConfig(), emulator().apiKeys[1]);
    await emulator().admin.setData(theirs, { k: "v" });
    const backup = await emulator().admin.seedBackup(theirs, { description: "seeded", retention: 3 });
    expect(backup).toEqual({
      backup_id: expect.stringMatching(/^bkp_[a-z0-9]{16}$/),
      datastore_id: theirs,
      description: "seeded",
      retention: 3,
      source: "manual",
      status: "ready",
      created_at: (await emulator().admin.clock()).now / 1000,
      size_bytes: 64 + 2,
      location: { provider: "aws", region: "us-east-1" },
      shard_count: 1,
    });
    const owner = api(emulator(), emulator().apiKeys[1]);
    expect((await owner.get(`/v1/backups/${backup.backup_id}`)).body).toEqual(backup);
    expect((await api(emulator()).get(`/v1/backups/${backup.backup_id}`)).status).toBe(404);
    // It expires like any other: 3 days after it was taken.
    await emulator().admin.advance(3 * 24 * 3600);
    expect((await emulator().admin.state()).backups).toEqual([]);
  });

  it("defaults to a ready manual backup kept 7 days; pending follows the backup duration; failed is failed", async () => {
    const id = await seedActive(emulator());
    expect(await emulator().admin.seedBackup(id)).toMatchObject({
      description: "",
      retention: 7,
      source: "manual",
      status: "ready",
    });
    const pending = await emulator().admin.seedBackup(id, { status: "pending", source: "scheduled" });
    expect(pending).toMatchObject({ status: "pending", source: "scheduled", size_bytes: 0 });
    await emulator().admin.advance(15);
    expect((await api(emulator()).get(`/v1/backups/${pending.backup_id}`)).body.status).toBe("ready");
    const failed = await emulator().admin.seedBackup(id, { status: "failed" });
    await emulator().admin.advance(15);
    expect((await api(emulator()).get(`/v1/backups/${failed.backup_id}`)).body).toMatchObject({
      status: "failed",
      size_bytes: 0,
    });
  });

  it.each([
    [{ datastoreId: "dst_missing" }, 404, "datastore dst_missing not found"],
    [{}, 400, "datastoreId: is required"],
    [{ datastoreId: "x", retention: 0 }, 400, "retention: must be an integer from 1 to 365"],
    [{ datastoreId: "x", status: "done" }, 400, 'status: must be one of "pending", "ready", "failed"'],
  ])("rejects %j", async (body, status, message) => {
    const response = await fetch(`${emulator().url}/_emulator/backups`, {
      method: "POST",
      headers: { authorization: `Bearer ${emulator().adminToken}` },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(status);
    expect(await response.json()).toEqual({ error: message });
  });
});

describe("durations", () => {
  it("starts with the defaults and changes only the named ones", async () => {
    expect(await emulator().admin.durations()).toEqual({
      datastoreCreate: 30,
      datastoreUpdate: 5,
      datastoreDelete: 10,
      restore: 20,
      backup: 15,
    });
    const changed = await emulator().admin.setDurations({ backup: 0, restore: 2.5 });
    expect(changed).toMatchObject({ backup: 0, restore: 2.5, datastoreCreate: 30 });
    await expect(emulator().admin.setDurations({ backup: -1 })).rejects.toMatchObject({ status: 400 });
  });

  it("applies to transitions started afterwards", async () => {
    await emulator().admin.setDurations({ backup: 100 });
    const id = await seedActive(emulator());
    const created = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    await emulator().admin.advance(99);
    expect((await api(emulator()).get(`/v1/backups/${created.body.backup_id}`)).body.status).toBe("pending");
    await emulator().admin.advance(1);
    expect((await api(emulator()).get(`/v1/backups/${created.body.backup_id}`)).body.status).toBe("ready");
  });
});

describe("reset", () => {
  it("forgets datastores, backups, the log, faults and changed durations; keeps the clock and keys", async () => {
    const id = await seedActive(emulator());
    await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    await emulator().admin.setDurations({ backup: 1 });
    await emulator().admin.setFaults({ rate: 0, kinds: ["500"] });
    const { now } = await emulator().admin.advance(60);
    await emulator().admin.reset();
    expect(await emulator().admin.state()).toEqual({ now, datastores: [], backups: [] });
    expect(await emulator().admin.requests()).toEqual([]);
    expect(await emulator().admin.faults()).toBeNull();
    expect((await emulator().admin.durations()).backup).toBe(15);
    expect((await api(emulator()).get("/v1/datastores")).status).toBe(200);
  });
});

describe("request log and state", () => {
  it("records every /v1 request with path and query, status and times, but no admin call", async () => {
    const { now } = await emulator().admin.clock();
    const realBefore = Date.now();
    await api(emulator()).get("/v1/backups?datastore_id=dst_x");
    await api(emulator(), "dragonflydb_wrong").get("/v1/datastores");
    await api(emulator()).post("/v1/backups", { retention: 1 }, { "idempotency-key": "abc" });
    const log = await emulator().admin.requests();
    expect(log).toEqual([
      {
        method: "GET",
        path: "/v1/backups?datastore_id=dst_x",
        status: 200,
        time: now,
        realTime: expect.any(Number),
      },
      { method: "GET", path: "/v1/datastores", status: 401, time: now, realTime: expect.any(Number) },
      {
        method: "POST",
        path: "/v1/backups",
        status: 400,
        time: now,
        realTime: expect.any(Number),
        idempotencyKey: "abc",
      },
    ]);
    for (const entry of log) expect(entry.realTime).toBeGreaterThanOrEqual(realBefore);
    await emulator().admin.clearRequests();
    expect(await emulator().admin.requests()).toEqual([]);
  });

  it("shows every account's datastores (with data) and backups", async () => {
    const mine = await seedActive(emulator());
    const theirs = await seedActive(emulator(), datastoreConfig(), emulator().apiKeys[1]);
    await api(emulator()).post("/v1/backups", { datastore_id: mine, retention: 3 });
    const state = await emulator().admin.state();
    expect(state.datastores.map((d) => [d.datastore_id, d.apiKey])).toEqual([
      [mine, "dragonflydb_test_a"],
      [theirs, "dragonflydb_test_b"],
    ]);
    expect(state.datastores[0]?.data).toHaveProperty("greeting");
    expect(state.backups).toMatchObject([{ apiKey: "dragonflydb_test_a", datastore_id: mine, retention: 3 }]);
  });
});
