/** `config.restore`: the trigger rule, the data it brings back, and every refusal. */
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../src/index.ts";
import { api, datastoreConfig, seedActive, swarmConfig, useEmulator } from "./support.ts";

const emulator = useEmulator();

/** Takes a backup of `datastoreId` and waits (in emulator time) until it is ready. */
async function readyBackup(datastoreId: string, apiKey?: string): Promise<string> {
  const client = api(emulator(), apiKey);
  const created = await client.post("/v1/backups", { datastore_id: datastoreId, retention: 7 });
  await emulator().admin.advance(15);
  return created.body.backup_id;
}

function restoring(config: JsonObject, backupId: string, loaded = false): JsonObject {
  return { ...config, restore: { backup_id: backupId, loaded } };
}

describe("a restore", () => {
  it("brings back the backup's data: restoring, then active with restore.loaded true", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    await emulator().admin.setData(id, { state: "A" });
    const backupId = await readyBackup(id);
    await emulator().admin.setData(id, { state: "B", extra: "x" });

    const put = await client.put(`/v1/datastores/${id}`, restoring(datastoreConfig(), backupId));
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({
      status: "restoring",
      config: { restore: { backup_id: backupId, loaded: false } },
    });
    await emulator().admin.advance(19);
    expect(await emulator().admin.getData(id)).toEqual({ state: "B", extra: "x" });
    await emulator().admin.advance(1);
    const after = await client.get(`/v1/datastores/${id}`);
    expect(after.body).toMatchObject({
      status: "active",
      config: { restore: { backup_id: backupId, loaded: true } },
    });
    expect(await emulator().admin.getData(id)).toEqual({ state: "A" });
  });

  it("does not start again when the client echoes back what GET returned (same id, loaded true)", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    const backupId = await readyBackup(id);
    await client.put(`/v1/datastores/${id}`, restoring(datastoreConfig(), backupId));
    await emulator().admin.advance(20);
    await emulator().admin.setData(id, { written: "after restore" });

    const echoed = (await client.get(`/v1/datastores/${id}`)).body.config;
    const put = await client.put(`/v1/datastores/${id}`, { ...echoed, name: "renamed" });
    expect(put.body.status).toBe("updating");
    await emulator().admin.advance(5);
    expect(await emulator().admin.getData(id)).toEqual({ written: "after restore" });
  });

  it("starts again for the same id sent with loaded false", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    const backupId = await readyBackup(id);
    await client.put(`/v1/datastores/${id}`, restoring(datastoreConfig(), backupId));
    await emulator().admin.advance(20);
    const again = await client.put(`/v1/datastores/${id}`, restoring(datastoreConfig(), backupId, false));
    expect(again.body.status).toBe("restoring");
  });

  it("starts nothing for an empty backup_id (what the Terraform provider always sends)", async () => {
    const id = await seedActive(emulator());
    const put = await api(emulator()).put(`/v1/datastores/${id}`, restoring(datastoreConfig(), ""));
    expect(put.body.status).toBe("updating");
  });

  it("restores a single-shard backup onto a Swarm datastore", async () => {
    const source = await seedActive(emulator());
    const target = await seedActive(emulator(), swarmConfig(4));
    await emulator().admin.setData(source, { from: "single" });
    const backupId = await readyBackup(source);
    const put = await api(emulator()).put(`/v1/datastores/${target}`, restoring(swarmConfig(4), backupId));
    expect(put.body.status).toBe("restoring");
    await emulator().admin.advance(20);
    expect(await emulator().admin.getData(target)).toEqual({ from: "single" });
  });

  it("answers 409 to DELETE of the backup it is reading, and 200 once it finished", async () => {
    const client = api(emulator());
    const id = await seedActive(emulator());
    const backupId = await readyBackup(id);
    await client.put(`/v1/datastores/${id}`, restoring(datastoreConfig(), backupId));
    expect(await client.delete(`/v1/backups/${backupId}`)).toMatchObject({
      status: 409,
      body: { error: `backup ${backupId} is being restored onto datastore ${id}` },
    });
    await emulator().admin.advance(20);
    expect((await client.delete(`/v1/backups/${backupId}`)).status).toBe(200);
  });
});

describe("restore refusals change nothing", () => {
  /** PUTs a restore of `backupId` onto `target` and checks the datastore stayed as it was. */
  async function refused(target: string, config: JsonObject, backupId: string) {
    const client = api(emulator());
    await emulator().admin.setData(target, { untouched: "yes" });
    const answer = await client.put(`/v1/datastores/${target}`, restoring(config, backupId));
    const after = await client.get(`/v1/datastores/${target}`);
    expect(after.body).toMatchObject({
      status: "active",
      config: { restore: { backup_id: "", loaded: false } },
    });
    expect(await emulator().admin.getData(target)).toEqual({ untouched: "yes" });
    return answer;
  }

  it("400 for an unknown backup", async () => {
    const id = await seedActive(emulator());
    expect(await refused(id, datastoreConfig(), "bkp_doesnotexist0000")).toMatchObject({
      status: 400,
      body: { error: "restore.backup_id: backup bkp_doesnotexist0000 not found" },
    });
  });

  it("400 for another account's backup, worded as not found", async () => {
    const theirs = await seedActive(emulator(), datastoreConfig(), emulator().apiKeys[1]);
    const backupId = await readyBackup(theirs, emulator().apiKeys[1]);
    const mine = await seedActive(emulator());
    expect(await refused(mine, datastoreConfig(), backupId)).toMatchObject({
      status: 400,
      body: { error: `restore.backup_id: backup ${backupId} not found` },
    });
  });

  it("409 for a backup that is not ready", async () => {
    const id = await seedActive(emulator());
    const pending = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    const backupId = pending.body.backup_id;
    expect(await refused(id, datastoreConfig(), backupId)).toMatchObject({
      status: 409,
      body: { error: `restore.backup_id: backup ${backupId} is pending, not ready` },
    });
  });

  it.each([
    ["region", { provider: "aws", region: "eu-west-1" }, "aws/eu-west-1"],
    ["provider", { provider: "gcp", region: "us-east-1" }, "gcp/us-east-1"],
  ])("400 for a backup of another %s, naming both locations", async (_case, location, where) => {
    const source = await seedActive(emulator());
    const backupId = await readyBackup(source);
    const config = datastoreConfig({ location });
    const target = await seedActive(emulator(), config);
    expect(await refused(target, config, backupId)).toMatchObject({
      status: 400,
      body: {
        error: `restore.backup_id: backup ${backupId} is in aws/us-east-1, but datastore ${target} is in ${where}`,
      },
    });
  });

  it("400 for a multi-shard backup onto a single-shard datastore, naming both counts", async () => {
    const source = await seedActive(emulator(), swarmConfig(4));
    const backupId = await readyBackup(source);
    const target = await seedActive(emulator());
    expect(await refused(target, datastoreConfig(), backupId)).toMatchObject({
      status: 400,
      body: {
        error: `restore.backup_id: backup ${backupId} has 4 shards and cannot be restored onto single-shard datastore ${target}`,
      },
    });
  });

  it("400 for a multi-shard backup onto a Swarm datastore of another shard count", async () => {
    const source = await seedActive(emulator(), swarmConfig(4));
    const backupId = await readyBackup(source);
    const target = await seedActive(emulator(), swarmConfig(2));
    expect(await refused(target, swarmConfig(2), backupId)).toMatchObject({
      status: 400,
      body: { error: `restore.backup_id: backup ${backupId} has 4 shards, but datastore ${target} has 2` },
    });
  });

  it("409 (not active) comes before the restore checks", async () => {
    const id = await seedActive(emulator());
    await api(emulator()).put(`/v1/datastores/${id}`, datastoreConfig({ name: "x" }));
    const answer = await api(emulator()).put(
      `/v1/datastores/${id}`,
      restoring(datastoreConfig(), "bkp_unknown"),
    );
    expect(answer).toMatchObject({ status: 409, body: { error: `datastore ${id} is updating, not active` } });
  });
});
