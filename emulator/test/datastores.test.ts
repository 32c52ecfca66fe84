/** `/v1/datastores`: shapes, the status lifecycle, full-config PUT rules, validation, isolation. */
import { describe, expect, it } from "vitest";
import { api, datastoreConfig, seedActive, swarmConfig, useEmulator } from "./support.ts";

const emulator = useEmulator();

describe("datastore lifecycle", () => {
  it("creates pending with the config as sent, then becomes active after datastoreCreate (30 s)", async () => {
    const client = api(emulator());
    const { now } = await emulator().admin.clock();
    const created = await client.post("/v1/datastores", datastoreConfig());
    expect(created.status).toBe(200);
    expect(created.body).toMatchObject({
      status: "pending",
      created_at: Math.floor(now / 1000),
      addr: "",
      dashboard: null,
    });
    expect(created.body.datastore_id).toMatch(/^dst_[a-z0-9]{16}$/);
    expect(created.body.password).toMatch(/^[a-z0-9]{32}$/);
    expect(created.body.config).toEqual(datastoreConfig());
    const id = created.body.datastore_id;

    await emulator().admin.advance(29);
    expect((await client.get(`/v1/datastores/${id}`)).body.status).toBe("pending");
    await emulator().admin.advance(1);
    const active = await client.get(`/v1/datastores/${id}`);
    // `addr` is the datastore's own RESP listener on loopback (data-plane.test.ts serves it).
    expect(active.body).toMatchObject({
      status: "active",
      addr: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
      dashboard: { url: `https://dashboards.dragonflydb.cloud/public/${id}` },
    });
  });

  it("PUT goes updating, then active after datastoreUpdate (5 s), with the new config", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    const renamed = datastoreConfig({ name: "renamed" });
    const put = await client.put(`/v1/datastores/${id}`, renamed);
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ status: "updating", config: renamed });
    await emulator().admin.advance(4.999);
    expect((await client.get(`/v1/datastores/${id}`)).body.status).toBe("updating");
    await emulator().admin.advance(0.001);
    expect((await client.get(`/v1/datastores/${id}`)).body).toMatchObject({
      status: "active",
      config: renamed,
    });
  });

  it("DELETE goes deleting, then deleted after datastoreDelete (10 s); deleted ones leave the list", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    const deleting = await client.delete(`/v1/datastores/${id}`);
    expect(deleting.status).toBe(200);
    expect(deleting.body.status).toBe("deleting");
    expect((await client.get("/v1/datastores")).body.map((d: { status: string }) => d.status)).toEqual([
      "deleting",
    ]);
    await emulator().admin.advance(10);
    const deleted = await client.get(`/v1/datastores/${id}`);
    expect(deleted.status).toBe(200);
    expect(deleted.body.status).toBe("deleted");
    expect((await client.get("/v1/datastores")).body).toEqual([]);
    expect(await emulator().admin.getData(id)).toEqual({});
  });

  it("completes a 0-second transition by the next request, while the answer itself still shows it", async () => {
    await emulator().admin.setDurations({ datastoreCreate: 0 });
    const client = api(emulator());
    const created = await client.post("/v1/datastores", datastoreConfig());
    expect(created.body.status).toBe("pending");
    expect((await client.get(`/v1/datastores/${created.body.datastore_id}`)).body.status).toBe("active");
  });

  it("lists the account's datastores in creation order", async () => {
    const client = api(emulator());
    const first = await seedActive(emulator(), datastoreConfig({ name: "one" }));
    const second = await seedActive(emulator(), datastoreConfig({ name: "two" }));
    const list = await client.get("/v1/datastores");
    expect(list.body.map((d: { datastore_id: string }) => d.datastore_id)).toEqual([first, second]);
  });
});

describe("full-config PUT", () => {
  it("answers 409 while the datastore is not active", async () => {
    const client = api(emulator());
    const created = await client.post("/v1/datastores", datastoreConfig());
    const id = created.body.datastore_id;
    expect(await client.put(`/v1/datastores/${id}`, datastoreConfig())).toMatchObject({
      status: 409,
      body: { error: `datastore ${id} is pending, not active` },
    });
  });

  it.each([
    [
      "location.provider",
      { location: { provider: "gcp", region: "us-east-1" } },
      "location.provider: cannot change",
    ],
    [
      "location.region",
      { location: { provider: "aws", region: "eu-west-1" } },
      "location.region: cannot change",
    ],
    [
      "cluster.enabled",
      { cluster: { enabled: true, shard_memory: 6_250_000_000 } },
      "cluster.enabled: cannot change",
    ],
  ])("answers 400 to a change of %s, and changes nothing", async (_field, change, message) => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    const answer = await client.put(`/v1/datastores/${id}`, datastoreConfig(change));
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(new RegExp(`^${message}`));
    expect((await client.get(`/v1/datastores/${id}`)).body).toMatchObject({
      status: "active",
      config: datastoreConfig(),
    });
  });

  it("treats an absent cluster block like cluster.enabled false (no change)", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator(), datastoreConfig({ cluster: { enabled: false } }));
    const { cluster: _dropped, ...withoutCluster } = datastoreConfig();
    expect((await client.put(`/v1/datastores/${id}`, withoutCluster)).status).toBe(200);
  });

  it("keeps unknown fields, deeply, through a read-modify-write", async () => {
    const client = api(emulator());
    const config = datastoreConfig({
      future_top_level: { nested: [1, { deep: true }] },
      tier: {
        max_memory_bytes: 3_000_000_000,
        performance_tier: "standard",
        replicas: 1,
        byoc_instance_family: { name: "m7" },
      },
      backup_policy: { enabled: false, retention: 7, future_policy_field: "keep me" },
    });
    const created = await client.post("/v1/datastores", config);
    expect(created.body.config).toEqual(config);
    await emulator().admin.advance(30);

    const read = await client.get(`/v1/datastores/${created.body.datastore_id}`);
    const changed = { ...read.body.config, name: "changed" };
    await client.put(`/v1/datastores/${created.body.datastore_id}`, changed);
    const after = await client.get(`/v1/datastores/${created.body.datastore_id}`);
    expect(after.body.config).toEqual({ ...config, name: "changed" });
    expect(Object.keys(after.body.config)).toEqual(Object.keys(config));
  });
});

describe("config validation (400, message starts with the JSON path)", () => {
  const { name: _name, ...withoutName } = datastoreConfig();
  it.each([
    ["a missing name", withoutName, "name: is required"],
    ["an empty name", datastoreConfig({ name: "" }), "name: must be a non-empty string"],
    ["a numeric name", datastoreConfig({ name: 7 }), "name: must be a non-empty string"],
    [
      "an unknown provider",
      datastoreConfig({ location: { provider: "ibm", region: "x" } }),
      'location.provider: must be one of "aws", "gcp", "azure"',
    ],
    ["a missing region", datastoreConfig({ location: { provider: "aws" } }), "location.region: is required"],
    [
      "a non-string zone",
      datastoreConfig({ location: { provider: "aws", region: "r", availability_zones: ["a", 3] } }),
      "location.availability_zones[1]: must be a string",
    ],
    [
      "a fractional memory size",
      datastoreConfig({ tier: { max_memory_bytes: 1.5, performance_tier: "dev" } }),
      "tier.max_memory_bytes: must be an integer of at least 1",
    ],
    [
      "an unknown tier",
      datastoreConfig({ tier: { max_memory_bytes: 1, performance_tier: "gold" } }),
      "tier.performance_tier: must be one of",
    ],
    [
      "3 replicas",
      datastoreConfig({ tier: { max_memory_bytes: 1, performance_tier: "dev", replicas: 3 } }),
      "tier.replicas: must be an integer from 0 to 2 or null",
    ],
    [
      "a string flag",
      datastoreConfig({ dragonfly: { tls: "yes" } }),
      "dragonfly.tls: must be a boolean or null",
    ],
    [
      "a negative shard_memory",
      datastoreConfig({ cluster: { enabled: true, shard_memory: -1 } }),
      "cluster.shard_memory: must be an integer of at least 0 or null",
    ],
    [
      "a maintenance hour of 24",
      datastoreConfig({ maintenance_window: { weekday: 1, hour: 24 } }),
      "maintenance_window.hour: must be an integer from 0 to 23 or null",
    ],
    [
      "a string restore id",
      datastoreConfig({ restore: { backup_id: 5, loaded: false } }),
      "restore.backup_id: must be a string",
    ],
    ["an array body", [datastoreConfig()], "body: must be an object"],
  ])("rejects %s", async (_case, body, message) => {
    const answer = await api(emulator()).post("/v1/datastores", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error.slice(0, message.length)).toBe(message);
    expect((await api(emulator()).get("/v1/datastores")).body).toEqual([]);
  });

  it("accepts null for the optional blocks and fields the official SDK sends as null", async () => {
    const config = datastoreConfig({
      cluster: null,
      dragonfly: null,
      maintenance_window: { weekday: null, hour: null, duration_hours: null },
    });
    expect((await api(emulator()).post("/v1/datastores", config)).status).toBe(200);
  });

  it("validates a PUT body before the status (invalid body on an active datastore is 400, not 409)", async () => {
    const id = await seedActive(emulator());
    const answer = await api(emulator()).put(`/v1/datastores/${id}`, datastoreConfig({ name: 1 }));
    expect(answer).toMatchObject({ status: 400, body: { error: "name: must be a non-empty string" } });
  });

  it("stores a password of '' when disable_passkey is true", async () => {
    const created = await api(emulator()).post("/v1/datastores", datastoreConfig({ disable_passkey: true }));
    expect(created.body.password).toBe("");
  });

  it("creates Swarm datastores (the shard count shows on their backups)", async () => {
    const id = await seedActive(emulator(), swarmConfig(3));
    const backup = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    expect(backup.body.shard_count).toBe(3);
  });
});

describe("accounts", () => {
  it("answers another account's datastore with 404 on GET, PUT and DELETE, and leaves it alone", async () => {
    const owner = api(emulator(), emulator().apiKeys[0]);
    const stranger = api(emulator(), emulator().apiKeys[1]);
    const id = await seedActive(emulator());
    const notFound = { status: 404, body: { error: `datastore ${id} not found` } };
    expect(await stranger.get(`/v1/datastores/${id}`)).toMatchObject(notFound);
    expect(await stranger.put(`/v1/datastores/${id}`, datastoreConfig())).toMatchObject(notFound);
    expect(await stranger.delete(`/v1/datastores/${id}`)).toMatchObject(notFound);
    expect((await stranger.get("/v1/datastores")).body).toEqual([]);
    expect((await owner.get(`/v1/datastores/${id}`)).body.status).toBe("active");
  });

  it("answers 404 for an unknown ID", async () => {
    expect(await api(emulator()).get("/v1/datastores/dst_0000000000000000")).toMatchObject({
      status: 404,
      body: { error: "datastore dst_0000000000000000 not found" },
    });
  });

  it.each([
    ["no Authorization header", undefined],
    ["an unknown key", "Bearer dragonflydb_nobody"],
    ["another scheme", `Basic ${Buffer.from("a:b").toString("base64")}`],
  ])("answers 401 to %s", async (_case, authorization) => {
    const response = await fetch(`${emulator().url}/v1/datastores`, {
      headers: authorization === undefined ? {} : { authorization },
    });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "unauthorized: missing or invalid API key" });
  });
});
