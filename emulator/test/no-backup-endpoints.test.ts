/**
 * `backupEndpoints: false` (`--no-backup-endpoints`): every `/v1/backups` path answers exactly as an
 * unknown path, while the scheduler, restores and the admin API keep working.
 */
import { describe, expect, it } from "vitest";
import { api, datastoreConfig, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator({ backupEndpoints: false });

describe("without backup endpoints", () => {
  it.each([
    ["GET", "/v1/backups"],
    ["POST", "/v1/backups"],
    ["GET", "/v1/backups?datastore_id=dst_x"],
    ["GET", "/v1/backups/bkp_0000000000000000"],
    ["DELETE", "/v1/backups/bkp_0000000000000000"],
    ["PUT", "/v1/backups/bkp_0000000000000000"],
    ["GET", "/v1/backups/bkp_0000000000000000/extra"],
    ["PATCH", "/v1/backups"],
  ])("answers %s %s as an unknown path, with or without a key", async (method, path) => {
    const pathname = path.split("?")[0];
    const expected = { status: 404, body: { error: `not found: ${method} ${pathname}` } };
    const body = method === "POST" ? { datastore_id: "dst_x", retention: 1 } : undefined;
    const withKey = await api(emulator()).call(method, path, body);
    const withoutKey = await api(emulator(), "dragonflydb_nobody").call(method, path, body);
    const unknown = await api(emulator()).call(method, `/v1/nope${path.slice("/v1/backups".length)}`, body);
    expect(withKey).toMatchObject(expected);
    expect(withoutKey).toMatchObject(expected);
    expect(unknown.status).toBe(404);
    expect(withKey.headers.get("content-type")).toBe(unknown.headers.get("content-type"));
    expect(withKey.headers.get("allow")).toBeNull();
    expect((await emulator().admin.requests()).map((r) => r.status)).toEqual([404, 404, 404]);
  });

  it("still serves datastores", async () => {
    const created = await api(emulator()).post("/v1/datastores", datastoreConfig());
    expect(created.status).toBe(200);
    expect((await api(emulator()).get(`/v1/datastores/${created.body.datastore_id}`)).status).toBe(200);
  });

  it("still takes scheduled backups, which the admin state shows, and restores them by id", async () => {
    const client = api(emulator());
    const schedule = { enabled: true, every_day: true, every_hour: true, retention: 2 };
    const id = await seedActive(emulator(), datastoreConfig({ backup_policy: schedule }));
    await emulator().admin.setData(id, { state: "at 11:00" });
    await emulator().admin.advance(3600);
    const [scheduled] = (await emulator().admin.state()).backups;
    expect(scheduled).toMatchObject({ datastore_id: id, source: "scheduled", status: "ready" });
    await emulator().admin.setData(id, { state: "later" });

    const restore = { backup_id: scheduled?.backup_id ?? "", loaded: false };
    const put = await client.put(
      `/v1/datastores/${id}`,
      datastoreConfig({ backup_policy: schedule, restore }),
    );
    expect(put.body.status).toBe("restoring");
    await emulator().admin.advance(20);
    expect(await emulator().admin.getData(id)).toEqual({ state: "at 11:00" });
  });

  it("restores a backup seeded through the admin API", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setData(id, { state: "seeded" });
    const backup = await emulator().admin.seedBackup(id);
    await emulator().admin.setData(id, { state: "changed" });
    const restore = { backup_id: backup.backup_id, loaded: false };
    expect(
      (await api(emulator()).put(`/v1/datastores/${id}`, datastoreConfig({ restore }))).body.status,
    ).toBe("restoring");
    await emulator().admin.advance(20);
    expect(await emulator().admin.getData(id)).toEqual({ state: "seeded" });
  });
});
