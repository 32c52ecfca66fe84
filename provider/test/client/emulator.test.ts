/**
 * The client against the real emulator over HTTP (no mocks): read-modify-write keeps what it does not
 * model, the schedule and restore calls do what docs/api-model.md says, waits follow emulator time, and
 * the API's errors arrive as the right classes with the server's words.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import type { Datastore } from "../../src/client/schemas";
import {
  API_KEY,
  datastoreConfig,
  type EmulatorHarness,
  OTHER_API_KEY,
  startEmulatorHarness,
} from "./support/emulator";

/** Transition durations, seconds of emulator time: long enough that waits must poll several times. */
const DURATIONS = { datastoreCreate: 60, datastoreUpdate: 20, datastoreDelete: 60, restore: 90, backup: 45 };

let harness: EmulatorHarness;
beforeAll(async () => {
  harness = await startEmulatorHarness({ durations: DURATIONS });
});
afterAll(() => harness.close());
beforeEach(() => harness.emulator.admin.reset());

const isActive = (datastore: Datastore) => datastore.status === "active";

describe("read-modify-write", () => {
  it("keeps fields the client does not model, at every depth", async () => {
    const unknownFields = {
      future_feature: { mode: "eager", thresholds: [1, 2, 3] },
      tier: { max_memory_bytes: 12_500_000_000, performance_tier: "standard", replicas: 1, burst_credits: 7 },
      dragonfly: { cache_mode: false, tls: true, experimental_flags: ["a"] },
    };
    const id = await harness.seed(datastoreConfig(unknownFields));
    const client = harness.client();
    await client.updateDatastoreConfig(id, (config) => ({ ...config, name: "renamed" }));
    const settled = await client.waitForDatastore(id, "active");
    // The API fills in fields the config left out (docs/api-model.md, vendor evidence); all sent ones stay.
    expect(settled.config).toMatchObject(datastoreConfig({ ...unknownFields, name: "renamed" }));
    const stored = (await harness.emulator.admin.state()).datastores.find((d) => d.datastore_id === id);
    expect(stored?.config).toEqual(settled.config);
  });
});

describe("setBackupPolicy", () => {
  it("sends nothing when skipIf accepts the stored policy, even while the datastore is busy", async () => {
    const id = await harness.seed(
      datastoreConfig({ backup_policy: { enabled: true, every_day: true, hours: [1], retention: 2 } }),
    );
    const client = harness.client();
    await client.updateDatastoreConfig(id, (config) => ({ ...config, name: "busy" }));
    await harness.emulator.admin.clearRequests();
    const seen: unknown[] = [];
    const answer = await client.setBackupPolicy(
      id,
      { enabled: false },
      { skipIf: (current) => seen.push(current) > 0 },
    );
    expect(seen).toEqual([{ enabled: true, every_day: true, hours: [1], retention: 2 }]);
    expect(answer.status).toBe("updating");
    expect((await harness.emulator.admin.requests()).map((entry) => entry.method)).toEqual(["GET"]);
  });

  it("writes the schedule, which the emulator then runs", async () => {
    const id = await harness.seed();
    const client = harness.client();
    const policy = { enabled: true, every_day: true, hours: [11], retention: 3 };
    const answer = await client.setBackupPolicy(id, policy);
    expect(answer.status).toBe("updating");
    const settled = await client.waitForDatastore(id, "active");
    expect(settled.config.backup_policy).toEqual(policy);
    // 10:30 + 20 s of update; advancing past 11:00 UTC fires the schedule.
    await harness.emulator.admin.advance(30 * 60);
    const scheduled = await client.listBackups({ datastoreId: id, source: "scheduled" });
    expect(scheduled.map((b) => [b.retention, b.created_at])).toEqual([[3, Date.UTC(2026, 0, 5, 11) / 1000]]);
  });

  it("surfaces the server's field path for a bad value", async () => {
    const id = await harness.seed();
    const error = await harness
      .client()
      .setBackupPolicy(id, { enabled: true, every_day: true, hours: [24], retention: 3 })
      .catch((e: unknown) => e);
    expect(isDfCloudError(error, "BadRequestError")).toBe(true);
    expect((error as Error).message).toBe(
      `PUT /v1/datastores/${id} failed with 400 Bad Request: backup_policy.hours[0]: must be an integer from 0 to 23`,
    );
  });
});

describe("backups and restore", () => {
  it("backs up, waits for ready, restores and waits for the restore to load", async () => {
    const id = await harness.seed();
    const client = harness.client();
    await harness.emulator.admin.setData(id, { order: "1" });
    const created = await client.createBackup({
      datastore_id: id,
      description: "before v2",
      retention: 7,
    });
    expect(created).toMatchObject({
      datastore_id: id,
      description: "before v2",
      retention: 7,
      status: "pending",
    });
    const progress: string[] = [];
    const ready = await client.waitForBackup(created.backup_id, {
      onProgress: (backup, elapsedMs) => progress.push(`${backup.status}@${elapsedMs}`),
    });
    expect(ready.status).toBe("ready");
    // Pauses of 250, 375, 563, 844, 1266, 1898, 2848 and 4271 ms reach 12 315 ms; then steps of 5 s
    // (the cap) reach 47 315 ms, the first poll after the backup's 45 s.
    expect(progress).toHaveLength(16);
    expect(progress.at(-2)).toBe("pending@42315");
    expect(progress.at(-1)).toBe("ready@47315");

    await harness.emulator.admin.setData(id, { order: "2", stray: "x" });
    const restoring = await client.startRestore(id, created.backup_id);
    expect(restoring.status).toBe("restoring");
    expect(restoring.config.restore).toEqual({ backup_id: created.backup_id, loaded: false });
    const restored = await client.waitForDatastore(
      id,
      (d) => isActive(d) && d.config.restore?.backup_id === created.backup_id && d.config.restore.loaded,
      { description: `to finish restoring ${created.backup_id}` },
    );
    expect(restored.config.restore).toEqual({ backup_id: created.backup_id, loaded: true });
    expect(await harness.emulator.admin.getData(id)).toEqual({ order: "1" });
  });

  it("times out a wait at its deadline, by emulator time", async () => {
    const id = await harness.seed();
    const client = harness.client();
    const { backup_id } = await client.createBackup({
      datastore_id: id,
      description: "slow",
      retention: 1,
    });
    await expect(client.waitForBackup(backup_id, { timeoutMs: 10_000 })).rejects.toThrow(
      `Gave up after 10 s waiting for backup ${backup_id} to become ready; last status seen: pending`,
    );
  });

  it("deletes a backup once, then reports it gone", async () => {
    const id = await harness.seed();
    const client = harness.client();
    const { backup_id } = await client.createBackup({
      datastore_id: id,
      description: "temp",
      retention: 1,
    });
    await expect(client.deleteBackup(backup_id)).resolves.toEqual({ existed: true });
    await expect(client.deleteBackup(backup_id)).resolves.toEqual({ existed: false });
    expect((await harness.emulator.admin.state()).backups).toEqual([]);
  });
});

describe("errors from the API", () => {
  it("maps 404, also for another account's datastore", async () => {
    const id = await harness.seed();
    const other = harness.client({ apiKey: OTHER_API_KEY });
    await expect(other.getDatastore(id)).rejects.toThrow(
      `GET /v1/datastores/${id} failed with 404 Not Found: datastore ${id} not found`,
    );
    await expect(other.waitForDatastore(id, "active")).rejects.toMatchObject({
      name: "NotFoundError",
      status: 404,
    });
  });

  it("maps 401 and says how to set the key, without showing it", async () => {
    const wrongKey = "dragonflydb_not_a_real_key";
    const error = await harness
      .client({ apiKey: wrongKey })
      .listDatastores()
      .catch((e: unknown) => e);
    expect(isDfCloudError(error, "UnauthorizedError")).toBe(true);
    expect((error as Error).message).toBe(
      "GET /v1/datastores failed with 401 Unauthorized: unauthorized: missing or invalid API key. " +
        "Check the API key and its permissions. Set the key with " +
        "`pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable.",
    );
    expect((error as Error).message).not.toContain(wrongKey);
  });

  it("maps 409 for a backup of a datastore that is not active", async () => {
    const id = await harness.seed();
    const client = harness.client();
    await client.setBackupPolicy(id, { enabled: false });
    const error = await client
      .createBackup({ datastore_id: id, description: "too soon", retention: 1 })
      .catch((e: unknown) => e);
    expect(isDfCloudError(error, "ConflictError")).toBe(true);
    expect((error as Error).message).toBe(
      `POST /v1/backups failed with 409 Conflict: datastore ${id} is updating, not active`,
    );
    // Refused before sending: the datastore is updating.
    await expect(client.startRestore(id, "bkp_any")).rejects.toThrow(
      `PUT /v1/datastores/${id} failed with 409 Conflict: datastore ${id} is updating; wait until it is active (checked before sending)`,
    );
  });

  it("maps the restore refusals of docs/api-model.md", async () => {
    const id = await harness.seed();
    const client = harness.client();
    await expect(client.startRestore(id, "bkp_missing")).rejects.toThrow(
      `PUT /v1/datastores/${id} failed with 400 Bad Request: restore.backup_id: backup bkp_missing not found`,
    );
    const { backup_id } = await client.createBackup({
      datastore_id: id,
      description: "fresh",
      retention: 1,
    });
    await expect(client.startRestore(id, backup_id)).rejects.toMatchObject({
      name: "ConflictError",
      serverMessage: `restore.backup_id: backup ${backup_id} is pending, not ready`,
    });
  });

  it("lists only the account's own objects", async () => {
    const id = await harness.seed();
    await harness.client().createBackup({ datastore_id: id, description: "mine", retention: 1 });
    const other = harness.client({ apiKey: OTHER_API_KEY });
    await expect(other.listDatastores()).resolves.toEqual([]);
    await expect(other.listBackups()).resolves.toEqual([]);
    await expect(harness.client({ apiKey: API_KEY }).listDatastores()).resolves.toHaveLength(1);
  });
});
