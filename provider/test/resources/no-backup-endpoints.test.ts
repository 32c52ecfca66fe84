/**
 * The resources and lookups against an API that has only the public datastore calls (the emulator's
 * `backupEndpoints: false`: every `/v1/backups` path answers 404 like an unknown path). BackupSchedule
 * and a Restore of a backup id known from the console work fully; the Restore's preview check warns
 * that the backup cannot be verified and still checks the datastore; Backup and the backup lookups
 * fail with the one message and write nothing, and a Backup already in state is neither dropped nor
 * "deleted". Every test uses a fresh client, since a client remembers what it learnt about the API.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DfCloudClient } from "../../src/client/client";
import { type BackupInputs, type BackupOutputs, backupLogic } from "../../src/resources/backup";
import { type BackupScheduleInputs, backupScheduleLogic } from "../../src/resources/backup-schedule";
import type { ResourceDeps } from "../../src/resources/deps";
import { lookups } from "../../src/resources/lookups";
import { type RestoreInputs, restoreLogic, restoreMessages as say } from "../../src/resources/restore";
import { API_KEY, useHarness } from "./support";

const harness = useHarness({ backupEndpoints: false });

const MISSING =
  "this Dragonfly Cloud API offers no manual backup endpoints (GET /v1/backups answered 404): " +
  "Backup, listBackups and getBackup need them; BackupSchedule and Restore (with a backup id from the console) work without them";

const clients: DfCloudClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

function freshClient(): DfCloudClient {
  const { emulator, clock } = harness();
  const client = new DfCloudClient({ apiKey: API_KEY, apiUrl: emulator.url, clock, random: () => 0.5 });
  clients.push(client);
  return client;
}

/** The harness's deps with a client that has not met the API yet. */
function freshDeps(): ResourceDeps {
  return { ...harness().deps, api: freshClient() };
}

/** Every request the emulator logged since the last reset or clear, as `METHOD path status`. */
async function requests(): Promise<string[]> {
  const log = await harness().emulator.admin.requests();
  return log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

/** A datastore holding `{order: "A"}`, a ready backup of it taken then, and then `{order: "B"}`. */
async function datastoreWithBackup(): Promise<{ datastoreId: string; backupId: string }> {
  const { emulator } = harness();
  const datastoreId = await harness().seed();
  await emulator.admin.setData(datastoreId, { order: "A" });
  const backup = await emulator.admin.seedBackup(datastoreId, { description: "from the console" });
  await emulator.admin.setData(datastoreId, { order: "B" });
  await emulator.admin.clearRequests();
  return { datastoreId, backupId: backup.backup_id };
}

describe("BackupSchedule without backup endpoints", () => {
  it("creates, reads and deletes the schedule, never calling /v1/backups", async () => {
    const deps = freshDeps();
    const logic = backupScheduleLogic(() => deps);
    const datastoreId = await harness().seed();
    await harness().emulator.admin.clearRequests();

    const checked = await logic.check({}, { datastoreId, days: ["mon"], hours: [2], retentionDays: 7 });
    expect(checked.failures).toBeUndefined();
    const inputs = checked.inputs as BackupScheduleInputs;
    const { id, outs } = await logic.create(inputs);
    const read = await logic.read(id, outs);
    expect(read.props).toMatchObject({ days: ["mon"], hours: [2], retentionDays: 7 });
    await logic.delete(id, outs);

    const { datastores } = await harness().emulator.admin.state();
    expect(datastores.find((d) => d.datastore_id === datastoreId)?.config.backup_policy).toMatchObject({
      enabled: false,
      weekdays: [1],
      hours: [2],
    });
    expect(await harness().writes()).toEqual([
      `PUT /v1/datastores/${datastoreId}`,
      `PUT /v1/datastores/${datastoreId}`,
    ]);
    expect((await requests()).filter((call) => call.includes("/v1/backups"))).toEqual([]);
  });
});

describe("Restore without backup endpoints", () => {
  it("passes the preview with a warning, then restores the backup known from the console", async () => {
    const { datastoreId, backupId } = await datastoreWithBackup();
    const deps = freshDeps();
    const logic = restoreLogic(() => deps);
    const checked = await logic.check(
      {},
      { datastoreId, backupId, acknowledgeDataLoss: true, trigger: "t1" },
    );
    expect(checked.failures).toBeUndefined();
    expect(harness().warnings).toEqual([say.backupUnverified(backupId, MISSING)]);
    // One look at the backup, one probe of the collection, the datastore: no write.
    expect((await requests()).sort()).toEqual(
      [
        `GET /v1/backups/${backupId} 404`,
        "GET /v1/backups 404",
        `GET /v1/datastores/${datastoreId} 200`,
      ].sort(),
    );

    await harness().emulator.admin.clearRequests();
    const { outs } = await logic.create(checked.inputs as RestoreInputs);
    expect(outs).toMatchObject({ datastoreId, backupId, status: "restored" });
    expect(await harness().emulator.admin.getData(datastoreId)).toEqual({ order: "A" });
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${datastoreId}`]);
    expect((await requests()).filter((call) => call.includes("/v1/backups"))).toEqual([]);
  });

  it("still checks the datastore: a missing one fails the preview, after the warning", async () => {
    const { backupId } = await datastoreWithBackup();
    const deps = freshDeps();
    const checked = await restoreLogic(() => deps).check(
      {},
      { datastoreId: "dst_nope", backupId, acknowledgeDataLoss: true },
    );
    expect(checked.failures).toEqual([
      { property: "datastoreId", reason: "datastoreId: datastore dst_nope does not exist in this account" },
    ]);
    expect(harness().warnings).toEqual([say.backupUnverified(backupId, MISSING)]);
    expect(await harness().writes()).toEqual([]);
  });

  it("still checks a datastore that already holds the backup", async () => {
    const { datastoreId, backupId } = await datastoreWithBackup();
    const deps = freshDeps();
    await deps.api.startRestore(datastoreId, backupId);
    await deps.api.waitForDatastore(
      datastoreId,
      (d) => d.status === "active" && d.config.restore?.loaded === true,
    );
    await harness().emulator.admin.clearRequests();
    const checked = await restoreLogic(() => deps).check(
      {},
      { datastoreId, backupId, acknowledgeDataLoss: true, trigger: "again" },
    );
    const lastRestore = JSON.stringify({ backup_id: backupId, loaded: true });
    expect(checked.failures).toEqual([
      { property: "backupId", reason: `backupId: ${say.alreadyHeld(datastoreId, backupId, lastRestore)}` },
    ]);
    expect(await harness().writes()).toEqual([]);
  });

  it("an unknown backup id passes the preview with the warning; the API refuses the restore and nothing changes", async () => {
    const { datastoreId } = await datastoreWithBackup();
    const deps = freshDeps();
    const logic = restoreLogic(() => deps);
    const checked = await logic.check(
      {},
      { datastoreId, backupId: "bkp_nosuchbackup0000", acknowledgeDataLoss: true },
    );
    expect(checked.failures).toBeUndefined();
    const error = await logic.create(checked.inputs as RestoreInputs).catch((e: unknown) => e);
    expect(String((error as Error).message)).toBe(
      `${say.operation.restoring("bkp_nosuchbackup0000", datastoreId)}: PUT /v1/datastores/${datastoreId} failed with ` +
        "400 Bad Request: restore.backup_id: backup bkp_nosuchbackup0000 not found",
    );
    expect(await harness().emulator.admin.getData(datastoreId)).toEqual({ order: "B" });
    const { datastores } = await harness().emulator.admin.state();
    expect(datastores.find((d) => d.datastore_id === datastoreId)?.config.restore).toEqual({
      backup_id: "",
      loaded: false,
    });
  });
});

describe("Backup without backup endpoints", () => {
  it("create fails with the one message and sends no POST", async () => {
    const datastoreId = await harness().seed();
    await harness().emulator.admin.clearRequests();
    const deps = freshDeps();
    const logic = backupLogic(() => deps);
    const checked = await logic.check({}, { datastoreId, description: "x", retentionDays: 3 });
    const error = await logic.create(checked.inputs as BackupInputs).catch((e: unknown) => e);
    expect((error as Error).message).toBe(`creating a backup of datastore ${datastoreId}: ${MISSING}`);
    // The operation's error keeps the client's as its cause, kind and all.
    expect(((error as Error).cause as Error).name).toBe("EndpointMissingError");
    expect(await harness().writes()).toEqual([]);
    expect((await harness().emulator.admin.state()).backups).toEqual([]);
  });

  it("adopting fails the preview with the one message", async () => {
    const { datastoreId, backupId } = await datastoreWithBackup();
    const deps = freshDeps();
    const checked = await backupLogic(() => deps).check(
      {},
      { datastoreId, description: "from the console", retentionDays: 7, existingBackupId: backupId },
    );
    expect(checked.failures).toEqual([
      { property: "existingBackupId", reason: `existingBackupId: ${MISSING}` },
    ]);
    expect(await harness().writes()).toEqual([]);
  });

  it("a Backup in state is neither dropped by refresh nor reported deleted by destroy", async () => {
    const { datastoreId, backupId } = await datastoreWithBackup();
    const props = {
      datastoreId,
      description: "from the console",
      retentionDays: 7,
      waitTimeoutMinutes: 30,
      backupId,
      status: "ready",
      expiresAt: "2026-01-12T10:30:00.000Z",
    } as BackupOutputs;
    // refresh and destroy run in separate provider processes, each with a client new to the API.
    const refreshing = freshDeps();
    await expect(backupLogic(() => refreshing).read(backupId, props)).rejects.toThrow(
      `reading backup ${backupId}: ${MISSING}`,
    );
    expect(await requests()).toEqual([`GET /v1/backups/${backupId} 404`, "GET /v1/backups 404"]);
    await harness().emulator.admin.clearRequests();
    const destroying = freshDeps();
    await expect(backupLogic(() => destroying).delete(backupId, props)).rejects.toThrow(
      `deleting backup ${backupId}: ${MISSING}`,
    );
    // The DELETE met an unknown path (404) and changed nothing; the backup is still there.
    expect(await requests()).toEqual([`DELETE /v1/backups/${backupId} 404`, "GET /v1/backups 404"]);
    expect((await harness().emulator.admin.state()).backups.map((b) => b.backup_id)).toEqual([backupId]);
  });
});

describe("lookups without backup endpoints", () => {
  it("listBackups and getBackup fail with the one message; getDatastore works", async () => {
    const { datastoreId, backupId } = await datastoreWithBackup();
    const find = lookups(freshClient());
    await expect(find.listBackups({ datastoreId })).rejects.toThrow(MISSING);
    await expect(find.getBackup(backupId)).rejects.toThrow(MISSING);
    await expect(find.getDatastore(datastoreId)).resolves.toMatchObject({ datastoreId, status: "active" });
    expect(await requests()).toEqual([
      `GET /v1/backups?datastore_id=${datastoreId} 404`,
      `GET /v1/datastores/${datastoreId} 200`,
    ]);
  });
});
