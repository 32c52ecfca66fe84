/**
 * Backup logic against the emulator: create and wait, a failed wait that still records the backup,
 * adoption, refresh after an outside delete versus after expiry, delete, and diff rules.
 */
import { describe, expect, it } from "vitest";
import {
  type BackupInputs,
  type BackupOutputs,
  backupLogic,
  backupMessages,
} from "../../src/resources/backup";
import { PartialCreateError } from "../../src/resources/errors";
import { useHarness } from "./support";

const harness = useHarness();
const logic = () => backupLogic(() => harness().deps);

async function checked(news: Record<string, unknown>): Promise<BackupInputs> {
  const result = await logic().check({}, news);
  expect(result.failures).toBeUndefined();
  return result.inputs as BackupInputs;
}

async function backupIds(): Promise<string[]> {
  const response = await fetch(`${harness().emulator.url}/v1/backups`, {
    headers: { authorization: `Bearer ${harness().emulator.apiKeys[0]}` },
  });
  return ((await response.json()) as { backup_id: string }[]).map((backup) => backup.backup_id);
}

describe("Backup create", () => {
  it("creates one backup, waits until it is ready and reports its outputs", async () => {
    const id = await harness().seed();
    const inputs = await checked({ datastoreId: id, description: "before migration", retentionDays: 14 });
    const { id: backupId, outs } = await logic().create(inputs);
    expect(await backupIds()).toEqual([backupId]);
    expect(outs).toMatchObject({
      backupId,
      datastoreId: id,
      description: "before migration",
      retentionDays: 14,
      status: "ready",
      source: "manual",
      cloudProvider: "aws",
      region: "eu-west-1",
      shardCount: 1,
      waitTimeoutMinutes: 30,
    });
    expect(outs.sizeBytes).toBeGreaterThan(0);
    expect(Date.parse(outs.expiresAt) - Date.parse(outs.createdAt)).toBe(14 * 86_400_000);
    expect(await harness().writes()).toEqual(["POST /v1/backups"]);
    expect(harness().statusLines.some((line) => line.startsWith(`backup ${backupId}: pending`))).toBe(true);
  });

  it("records the backup in state when the wait times out, instead of orphaning it", async () => {
    const id = await harness().seed();
    await harness().emulator.admin.setDurations({ backup: 3 * 60 * 60 });
    const inputs = await checked({ datastoreId: id, retentionDays: 1, waitTimeoutMinutes: 1 });
    const error = await logic()
      .create(inputs)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError<BackupOutputs>;
    expect(await backupIds()).toEqual([partial.id]);
    expect(partial.properties).toMatchObject({ backupId: partial.id, status: "pending" });
    expect(partial.message).toBe(
      backupMessages.backupNotReady(
        partial.id,
        `Gave up after 1 minute waiting for backup ${partial.id} to become ready (limit: \`waitTimeoutMinutes\` = 1); last status seen: pending`,
      ),
    );
  });

  it("adopts an existing backup without creating one", async () => {
    const id = await harness().seed();
    const made = await harness().deps.api.createBackup({
      datastore_id: id,
      description: "console",
      retention: 9,
    });
    await harness().emulator.admin.clearRequests();
    const inputs = await checked({
      datastoreId: id,
      description: "console",
      retentionDays: 9,
      existingBackupId: made.backup_id,
    });
    const { id: adopted, outs } = await logic().create(inputs);
    expect(adopted).toBe(made.backup_id);
    expect(outs.status).toBe("ready");
    expect(await harness().writes()).toEqual([]);
  });

  it("refuses to adopt a backup whose values differ, naming them", async () => {
    const id = await harness().seed();
    const made = await harness().deps.api.createBackup({
      datastore_id: id,
      description: "console",
      retention: 9,
    });
    const news = {
      datastoreId: id,
      description: "other",
      retentionDays: 9,
      existingBackupId: made.backup_id,
    };
    await harness().emulator.admin.clearRequests();
    expect((await logic().check({}, news)).failures).toEqual([
      {
        property: "existingBackupId",
        reason: `existingBackupId: backup ${made.backup_id} has description "console"; set the same values on this resource to adopt it`,
      },
    ]);
    expect(await harness().writes()).toEqual([]);
    // Changed on the API between preview and up: create refuses too.
    const inputs = { ...news, waitTimeoutMinutes: 30 };
    await expect(logic().create(inputs)).rejects.toThrow(
      `adopting backup ${made.backup_id}: ${backupMessages.adoptionMismatch(made.backup_id, ['description "console"'])}`,
    );
  });
});

describe("Backup read and delete", () => {
  async function created(retentionDays = 2): Promise<{ id: string; outs: BackupOutputs }> {
    const datastoreId = await harness().seed();
    return logic().create(await checked({ datastoreId, retentionDays }));
  }

  it("drops a backup deleted outside Pulumi before its expiry", async () => {
    const { id, outs } = await created();
    await harness().deps.api.deleteBackup(id);
    expect(await logic().read(id, outs)).toEqual({ id: "" });
  });

  it("keeps a backup that expired by design, with status expired", async () => {
    const { id, outs } = await created(1);
    await harness().clock.sleep(2 * 86_400_000);
    const read = await logic().read(id, outs);
    expect(read.id).toBe(id);
    expect(read.props).toMatchObject({ backupId: id, status: "expired", sizeBytes: 0 });
    expect(await logic().diff(id, read.props as BackupOutputs, read.inputs as BackupInputs)).toEqual({
      changes: false,
      changed: [],
    });
  });

  it("deletes the backup, and a second delete of a gone backup succeeds", async () => {
    const { id, outs } = await created();
    await logic().delete(id, outs);
    expect(await backupIds()).toEqual([]);
    await expect(logic().delete(id, outs)).resolves.toBeUndefined();
  });
});

describe("Backup diff", () => {
  const olds = {
    datastoreId: "dst_1",
    description: "a",
    retentionDays: 7,
    waitTimeoutMinutes: 30,
    backupId: "bkp_1",
  } as BackupOutputs;
  const news: BackupInputs = {
    datastoreId: "dst_1",
    description: "a",
    retentionDays: 7,
    waitTimeoutMinutes: 30,
  };

  it("replaces on description, retention or datastore, and updates in place on the wait timeout", async () => {
    expect(await logic().diff("bkp_1", olds, { ...news, description: "b" })).toEqual({
      changes: true,
      changed: ["description"],
      replaces: ["description"],
    });
    expect(await logic().diff("bkp_1", olds, { ...news, retentionDays: 8, datastoreId: "dst_2" })).toEqual({
      changes: true,
      changed: ["datastoreId", "retentionDays"],
      replaces: ["datastoreId", "retentionDays"],
    });
    // In place: nothing is sent, but state must learn the new timeout, which a later delete uses.
    expect(await logic().diff("bkp_1", olds, { ...news, waitTimeoutMinutes: 90 })).toEqual({
      changes: true,
      changed: ["waitTimeoutMinutes"],
    });
  });

  it("treats naming the backup it already holds as no change, and another one as a replacement", async () => {
    expect(await logic().diff("bkp_1", olds, { ...news, existingBackupId: "bkp_1" })).toEqual({
      changes: false,
      changed: [],
    });
    expect(await logic().diff("bkp_1", olds, { ...news, existingBackupId: "bkp_2" })).toEqual({
      changes: true,
      changed: ["existingBackupId"],
      replaces: ["existingBackupId"],
    });
  });
});
