/**
 * What the vendor's own code says the live API does, pinned. Each `describe` names the
 * terraform-provider-dfcloud file and line (commit e4ff7e3) its expectation comes from; the choices
 * the evidence leaves open are in docs/api-model.md.
 */
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../src/index.ts";
import { api, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();

/** What the vendor's acceptance test matches the one ACL rule with (datastore_test.go:84). */
const VENDOR_ACL_RULE = /USER default ON >([a-zA-Z0-9]+) ~\* &\* \+@ALL/;

/** Only what the vendor's schema requires: name, location (provider, region), tier (memory, performance tier); internal/provider/datastore.go:82-135. */
const MINIMAL: JsonObject = {
  name: "minimal",
  location: { provider: "aws", region: "eu-west-1" },
  tier: { max_memory_bytes: 3_000_000_000, performance_tier: "dev" },
};

/**
 * What the vendor's SDK sends for a `dfcloud_datastore` without dragonfly, cluster, backup or
 * maintenance settings: every pointer nil, so null (internal/sdk/datastore.go:82-128 and
 * internal/resource_model/datastore.go:135-224).
 */
function vendorSent(overrides: JsonObject = {}): JsonObject {
  return {
    name: "tf-test",
    network_id: "",
    location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az2"] },
    tier: { max_memory_bytes: 3_000_000_000, performance_tier: "dev", replicas: 1 },
    cluster: { enabled: null },
    dragonfly: { cache_mode: null, tls: null, bullmq: null, sidekiq: null, memcached: null, acl_rules: null },
    backup_policy: { enabled: null },
    restore: { backup_id: "", loaded: false },
    maintenance_window: { weekday: null, hour: null, duration_hours: null },
    disable_passkey: false,
    byoc: {},
    ...overrides,
  };
}

describe("DELETE of a deleted or deleting datastore (internal/provider/datastore.go:404-418)", () => {
  it("answers 404 once the datastore is deleted, which the vendor reads as 'already deleted'", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    expect((await client.delete(`/v1/datastores/${id}`)).status).toBe(200);
    await emulator().admin.advance(10);
    expect(await client.delete(`/v1/datastores/${id}`)).toMatchObject({
      status: 404,
      body: { error: `datastore ${id} is deleted` },
    });
    // A GET still shows the tombstone (the doc, "Datastores"); the DELETE changed nothing.
    expect((await client.get(`/v1/datastores/${id}`)).body.status).toBe("deleted");
  });

  it("answers a DELETE while deleting with 200 and the datastore as it is, without restarting the deletion", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    await client.delete(`/v1/datastores/${id}`);
    await emulator().admin.advance(6);
    const again = await client.delete(`/v1/datastores/${id}`);
    expect(again).toMatchObject({ status: 200, body: { datastore_id: id, status: "deleting" } });
    // Still due 10 s after the first DELETE, not 10 s after the second.
    await emulator().admin.advance(4);
    expect((await client.get(`/v1/datastores/${id}`)).body.status).toBe("deleted");
    expect((await emulator().admin.requests()).map((r) => `${r.method} ${r.status}`)).toEqual([
      "DELETE 200",
      "DELETE 200",
      "GET 200",
    ]);
  });

  it("still answers 404 for another account's deleted datastore, with the usual message", async () => {
    const id = await seedActive(emulator());
    await api(emulator()).delete(`/v1/datastores/${id}`);
    await emulator().admin.advance(10);
    expect(await api(emulator(), emulator().apiKeys[1]).delete(`/v1/datastores/${id}`)).toMatchObject({
      status: 404,
      body: { error: `datastore ${id} not found` },
    });
  });
});

describe("dragonfly flags and ACL rules sent as null (internal/provider/datastore_test.go:81-84)", () => {
  it("reads null flags back as false and null acl_rules as one default-user rule with the password", async () => {
    const created = await api(emulator()).post("/v1/datastores", vendorSent());
    expect(created.status).toBe(200);
    const { password } = created.body;
    expect(created.body.config.dragonfly).toEqual({
      cache_mode: false,
      tls: false,
      bullmq: false,
      sidekiq: false,
      memcached: false,
      acl_rules: [`USER default ON >${password} ~* &* +@ALL`],
    });
    expect(created.body.config.dragonfly.acl_rules[0]).toMatch(VENDOR_ACL_RULE);
  });

  it("fills in the same when the dragonfly block is null or left out", async () => {
    const client = api(emulator());
    const nullBlock = await client.post("/v1/datastores", vendorSent({ dragonfly: null }));
    const noBlock = await client.post("/v1/datastores", MINIMAL);
    for (const { body } of [nullBlock, noBlock]) {
      expect(body.config.dragonfly).toEqual({
        cache_mode: false,
        tls: false,
        bullmq: false,
        sidekiq: false,
        memcached: false,
        acl_rules: [`USER default ON >${body.password} ~* &* +@ALL`],
      });
    }
  });

  it("keeps values that were sent: true flags, explicit rules, an empty rule list", async () => {
    const sent = {
      cache_mode: true,
      tls: true,
      bullmq: null,
      sidekiq: true,
      memcached: false,
      acl_rules: ["USER app ON >pw ~app:* +@read"],
    };
    const created = await api(emulator()).post("/v1/datastores", vendorSent({ dragonfly: sent }));
    expect(created.body.config.dragonfly).toEqual({ ...sent, bullmq: false });
    const empty = await api(emulator()).post("/v1/datastores", vendorSent({ dragonfly: { acl_rules: [] } }));
    expect(empty.body.config.dragonfly.acl_rules).toEqual([]);
  });

  it("says nopass in the default rule of a datastore without a password (disable_passkey)", async () => {
    const created = await api(emulator()).post("/v1/datastores", vendorSent({ disable_passkey: true }));
    expect(created.body.password).toBe("");
    expect(created.body.config.dragonfly.acl_rules).toEqual(["USER default ON nopass ~* &* +@ALL"]);
  });

  it("round-trips: PUTting back what GET returned stores the filled-in values as sent", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator(), vendorSent());
    const read = (await client.get(`/v1/datastores/${id}`)).body.config;
    const put = await client.put(`/v1/datastores/${id}`, { ...read, name: "renamed" });
    expect(put.status).toBe(200);
    await emulator().admin.advance(5);
    expect((await client.get(`/v1/datastores/${id}`)).body.config).toEqual({ ...read, name: "renamed" });
  });
});

describe("a cluster block without shard_memory (internal/provider/datastore.go:94, resource_model/datastore.go:55-58)", () => {
  it.each([
    ["left out", { enabled: true }],
    ["null", { enabled: true, shard_memory: null }],
    ["0", { enabled: true, shard_memory: 0 }],
  ])(
    "accepts shard_memory %s and reads it back as 0, which the vendor reads as unset",
    async (_case, cluster) => {
      const created = await api(emulator()).post("/v1/datastores", vendorSent({ cluster }));
      expect(created.status).toBe(200);
      expect(created.body.config.cluster).toEqual({ enabled: true, shard_memory: 0 });
    },
  );

  it("shards it automatically by 6.25 GB: 20 GB is 4 shards, on its backups and for restores", async () => {
    const client = api(emulator());
    const tier = { max_memory_bytes: 20_000_000_000, performance_tier: "dev", replicas: 1 };
    const automatic = await seedActive(emulator(), vendorSent({ tier, cluster: { enabled: true } }));
    const backup = await client.post("/v1/backups", { datastore_id: automatic, retention: 1 });
    expect(backup.body.shard_count).toBe(4);
    await emulator().admin.advance(15);

    // Restorable onto a datastore of 4 explicit 5 GB shards, refused onto one of 2.
    const four = await seedActive(
      emulator(),
      vendorSent({ tier, cluster: { enabled: true, shard_memory: 5_000_000_000 } }),
    );
    const two = await seedActive(
      emulator(),
      vendorSent({ tier, cluster: { enabled: true, shard_memory: 10_000_000_000 } }),
    );
    const restore = { backup_id: backup.body.backup_id, loaded: false };
    const onFour = await client.put(`/v1/datastores/${four}`, {
      ...vendorSent({ tier, cluster: { enabled: true, shard_memory: 5_000_000_000 } }),
      restore,
    });
    expect(onFour.body.status).toBe("restoring");
    const onTwo = await client.put(`/v1/datastores/${two}`, {
      ...vendorSent({ tier, cluster: { enabled: true, shard_memory: 10_000_000_000 } }),
      restore,
    });
    expect(onTwo).toMatchObject({
      status: 400,
      body: {
        error: `restore.backup_id: backup ${backup.body.backup_id} has 4 shards, but datastore ${two} has 2`,
      },
    });
  });

  it("drops a null shard_memory of a single-shard datastore, as Go's omitempty does", async () => {
    const created = await api(emulator()).post(
      "/v1/datastores",
      vendorSent({ cluster: { enabled: false, shard_memory: null } }),
    );
    expect(created.body.config.cluster).toEqual({ enabled: false });
  });
});

describe("every key the vendor's Go types serialise is present (internal/sdk/datastore.go:82-128)", () => {
  it("answers a minimal config with Go's zero values and the server's fill-ins, in the types' order", async () => {
    const client = api(emulator());
    const created = await client.post("/v1/datastores", MINIMAL);
    const expected = {
      name: "minimal",
      network_id: "",
      location: { provider: "aws", region: "eu-west-1", availability_zones: null },
      tier: { max_memory_bytes: 3_000_000_000, performance_tier: "dev", replicas: null },
      cluster: { enabled: null },
      dragonfly: {
        cache_mode: false,
        tls: false,
        bullmq: false,
        sidekiq: false,
        memcached: false,
        acl_rules: [`USER default ON >${created.body.password} ~* &* +@ALL`],
      },
      backup_policy: { enabled: null },
      restore: { backup_id: "", loaded: false },
      maintenance_window: { weekday: null, hour: null, duration_hours: null },
      disable_passkey: false,
      byoc: {},
    };
    expect(created.body.config).toEqual(expected);
    expect(JSON.stringify(created.body.config)).toBe(JSON.stringify(expected));
    const id = created.body.datastore_id;
    expect((await client.get(`/v1/datastores/${id}`)).body.config).toEqual(expected);
    expect((await client.get("/v1/datastores")).body[0].config).toEqual(expected);
    expect((await emulator().admin.state()).datastores[0]?.config).toEqual(expected);
  });

  it("reads null blocks as zero structs and keeps unknown keys after the known ones", async () => {
    const created = await api(emulator()).post("/v1/datastores", {
      future: { a: 1 },
      ...MINIMAL,
      cluster: null,
      backup_policy: null,
      restore: null,
      maintenance_window: null,
      byoc: null,
      tier: { future_tier: "x", max_memory_bytes: 1, performance_tier: "dev" },
    });
    const config = created.body.config;
    expect(config).toMatchObject({
      cluster: { enabled: null },
      backup_policy: { enabled: null },
      restore: { backup_id: "", loaded: false },
      maintenance_window: { weekday: null, hour: null, duration_hours: null },
      byoc: {},
      future: { a: 1 },
    });
    expect(Object.keys(config).at(-1)).toBe("future");
    expect(Object.keys(config.tier)).toEqual([
      "max_memory_bytes",
      "performance_tier",
      "replicas",
      "future_tier",
    ]);
  });

  it("starts no restore when the filled-in restore block is PUT back", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator(), MINIMAL);
    const read = (await client.get(`/v1/datastores/${id}`)).body.config;
    expect(read.restore).toEqual({ backup_id: "", loaded: false });
    const put = await client.put(`/v1/datastores/${id}`, read);
    expect(put.body.status).toBe("updating");
  });
});

describe("the vendor's update sends backup_policy {enabled: null} (internal/sdk/datastore.go:121-128)", () => {
  it("turns a schedule off: a datastore managed by dfcloud_datastore and a BackupSchedule fights over it", async () => {
    const client = api(emulator());
    const schedule = { enabled: true, every_day: true, every_hour: true, retention: 1 };
    const id = await seedActive(emulator(), vendorSent({ backup_policy: schedule }));
    await emulator().admin.advance(3600);
    expect((await emulator().admin.state()).backups).toHaveLength(1);

    const terraformUpdate = await client.put(`/v1/datastores/${id}`, vendorSent({ name: "tf-renamed" }));
    expect(terraformUpdate.body.config.backup_policy).toEqual({ enabled: null });
    await emulator().admin.advance(3 * 3600);
    expect((await emulator().admin.state()).backups).toHaveLength(1);
  });
});
