/**
 * The promises that keep data safe, at the level of the resource logic, against the emulator with a
 * clock linked to the client's (waits of minutes take milliseconds): a restore is started at most once
 * across timeouts, cancellation and an interrupted run; an operation keeps to one deadline; expiry is
 * judged on the API's clock; a failed backup is final.
 */
import { describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import { type BackupOutputs, backupLogic, backupMessages } from "../../src/resources/backup";
import { PartialCreateError } from "../../src/resources/errors";
import {
  type RestoreInputs,
  type RestoreOutputs,
  restoreLogic,
  restoreMessages as say,
} from "../../src/resources/restore";
import { useHarness } from "./support";

const harness = useHarness();
const restore = (signal?: AbortSignal) => restoreLogic(() => ({ ...harness().deps, signal }));
const backups = () => backupLogic(() => harness().deps);

/** A datastore holding `{v: "A"}`, a ready backup of it, and then `{v: "B"}` as its data. */
async function datastoreWithBackup(): Promise<{ id: string; backupId: string }> {
  const { emulator } = harness();
  const id = await harness().seed();
  await emulator.admin.setData(id, { v: "A" });
  const backup = await emulator.admin.seedBackup(id, { description: "safety", retention: 7 });
  await emulator.admin.setData(id, { v: "B" });
  return { id, backupId: backup.backup_id };
}

function restoreInputs(id: string, backupId: string, overrides: Partial<RestoreInputs> = {}): RestoreInputs {
  return {
    datastoreId: id,
    backupId,
    acknowledgeDataLoss: true,
    trigger: "t1",
    waitTimeoutMinutes: 1,
    ifAlreadyLoaded: "fail",
    ...overrides,
  };
}

/** The PUTs the emulator saw that asked for a restore (config.restore with loaded: false). */
async function restorePuts(id: string): Promise<number> {
  return (await harness().writes()).filter((write) => write === `PUT /v1/datastores/${id}`).length;
}

describe("a restore that outlives its wait", () => {
  it("is recorded in state as started, and the next up waits for it without a second PUT", async () => {
    const { emulator } = harness();
    const { id, backupId } = await datastoreWithBackup();
    await emulator.admin.setDurations({ restore: 3 * 60 });
    await emulator.admin.clearRequests();
    const inputs = restoreInputs(id, backupId);

    const error = await restore()
      .create(inputs)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError<RestoreOutputs>;
    expect(partial.id).toMatch(new RegExp(`^${id}/${backupId}/2026-01-05T`));
    expect(partial.properties).toMatchObject({ ...inputs, status: "restoring" });
    expect(partial.properties.restoredAt).toBeUndefined();
    expect(isDfCloudError(partial.cause, "WaitTimeoutError")).toBe(true);
    expect(partial.message).toBe(
      `${say.operation.restoring(backupId, id)}: ` +
        say.notSeenToFinish(partial.properties.startedAt, (partial.cause as Error).message),
    );
    // In minutes, naming the input that set the limit, so the user knows what to raise.
    expect(partial.message).toContain(
      `Gave up after ${inputs.waitTimeoutMinutes} ${inputs.waitTimeoutMinutes === 1 ? "minute" : "minutes"} waiting for datastore ${id} to finish restoring backup ${backupId} (limit: \`waitTimeoutMinutes\` = ${inputs.waitTimeoutMinutes}); last status seen: restoring`,
    );

    // The engine's next `up` runs an update of the recorded resource ("continue awaiting").
    await emulator.admin.setData(id, { v: "written while the restore ran" });
    const { outs } = await restore().update(partial.id, partial.properties, {
      ...inputs,
      waitTimeoutMinutes: 5,
    });
    expect(outs).toMatchObject({
      status: "restored",
      startedAt: partial.properties.startedAt,
      waitTimeoutMinutes: 5,
    });
    expect(outs.restoredAt).toBeDefined();
    expect(await restorePuts(id)).toBe(1);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
  });

  it("keeps to one deadline: the idle wait and the restore share waitTimeoutMinutes", async () => {
    const { emulator, clock } = harness();
    const { id, backupId } = await datastoreWithBackup();
    // The datastore is busy for 50 s, then the restore takes 50 s: 100 s in all, against a 60 s budget.
    await emulator.admin.setDurations({ datastoreUpdate: 50, restore: 50 });
    await harness().deps.api.updateDatastoreConfig(id, (config) => ({ ...config, name: "busy" }));
    const startedAt = clock.now();
    const error = await restore()
      .create(restoreInputs(id, backupId))
      .catch((e: unknown) => e);
    const elapsedMs = clock.now() - startedAt;
    expect(error).toBeInstanceOf(PartialCreateError);
    // Within the budget plus one poll (the longest pause between polls is 5 s).
    expect(elapsedMs).toBeGreaterThanOrEqual(60_000);
    expect(elapsedMs).toBeLessThanOrEqual(65_000);
  });

  it("is recorded when the provider is cancelled mid-wait, and cancellation ends the wait at once", async () => {
    const { emulator, clock } = harness();
    const { id, backupId } = await datastoreWithBackup();
    await emulator.admin.setDurations({ restore: 10 * 60 });
    const cancel = new AbortController();
    const deps = harness().deps;
    const logic = restoreLogic(() => ({
      ...deps,
      signal: cancel.signal,
      // Cancelled as soon as the wait reports the datastore restoring: the PUT has been accepted.
      status: (line) => {
        deps.status(line);
        if (line.includes(": restoring (")) cancel.abort(new Error("SIGTERM"));
      },
    }));
    const startedAt = clock.now();
    const error = await logic
      .create(restoreInputs(id, backupId, { waitTimeoutMinutes: 30 }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    expect((error as PartialCreateError<RestoreOutputs>).properties.status).toBe("restoring");
    expect(isDfCloudError((error as Error).cause, "CancelledError")).toBe(true);
    expect(clock.now() - startedAt).toBeLessThan(1_000);
  });
});

describe("a datastore that already holds the backup (a run killed after its restore)", () => {
  async function alreadyRestored(): Promise<{ id: string; backupId: string }> {
    const { emulator } = harness();
    const made = await datastoreWithBackup();
    await harness().deps.api.startRestore(made.id, made.backupId);
    await harness().deps.api.waitForDatastore(made.id, "active");
    await emulator.admin.setData(made.id, { v: "written after the restore" });
    await emulator.admin.clearRequests();
    return made;
  }

  it("starts no restore, at preview or at up, and says what to check and how to restore on purpose", async () => {
    const { id, backupId } = await alreadyRestored();
    const expected = say.alreadyHeld(id, backupId, JSON.stringify({ backup_id: backupId, loaded: true }));
    const checked = await restore().check(
      {},
      { datastoreId: id, backupId, acknowledgeDataLoss: true, trigger: "t2" },
    );
    expect(checked.failures).toEqual([{ property: "backupId", reason: `backupId: ${expected}` }]);
    const error = await restore()
      .create(restoreInputs(id, backupId))
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(`${say.operation.restoring(backupId, id)}: backupId: ${expected}`);
    expect(await harness().writes()).toEqual([]);
    expect(await harness().emulator.admin.getData(id)).toEqual({ v: "written after the restore" });
  });

  it('records it without restoring for ifAlreadyLoaded "skip", and restores again for "restore"', async () => {
    const { id, backupId } = await alreadyRestored();
    const skipped = await restore().create(restoreInputs(id, backupId, { ifAlreadyLoaded: "skip" }));
    expect(skipped.outs).toMatchObject({ status: "skipped", ifAlreadyLoaded: "skip" });
    expect(await harness().writes()).toEqual([]);
    expect(await harness().emulator.admin.getData(id)).toEqual({ v: "written after the restore" });

    const again = await restore().create(restoreInputs(id, backupId, { ifAlreadyLoaded: "restore" }));
    expect(again.outs.status).toBe("restored");
    expect(await restorePuts(id)).toBe(1);
    expect(await harness().emulator.admin.getData(id)).toEqual({ v: "A" });
  });
});

describe("Backup expiry on the API's clock", () => {
  it("keeps a backup the API expired as `expired`, even when this machine's clock is weeks behind", async () => {
    const { emulator } = harness();
    const id = await harness().seed();
    // This machine's clock runs 30 days behind the API's: by it, nothing has expired yet.
    const skewed = backupLogic(() => ({
      ...harness().deps,
      now: () => harness().clock.now() - 30 * 86_400_000,
    }));
    const inputs = {
      datastoreId: id,
      description: "kept 14 days",
      retentionDays: 14,
      waitTimeoutMinutes: 30,
    };
    const { id: backupId, outs } = await backups().create(inputs);
    await emulator.admin.advance(15 * 86_400);
    const read = await skewed.read(backupId, outs);
    expect(read).toMatchObject({ id: backupId, props: { status: "expired", sizeBytes: 0 } });
  });

  it("drops a backup deleted before its expiry, judged on the API's clock", async () => {
    const id = await harness().seed();
    const ahead = backupLogic(() => ({
      ...harness().deps,
      now: () => harness().clock.now() + 30 * 86_400_000,
    }));
    const { id: backupId, outs } = await backups().create({
      datastoreId: id,
      description: "",
      retentionDays: 14,
      waitTimeoutMinutes: 30,
    });
    await harness().deps.api.deleteBackup(backupId);
    expect(await ahead.read(backupId, outs)).toEqual({ id: "" });
  });
});

describe("a failed backup is final", () => {
  const replaceHint = backupMessages.backupFailed;

  it("says so at create and again at every later up, and never asks to keep waiting", async () => {
    const { emulator } = harness();
    const id = await harness().seed();
    const failed = await emulator.admin.seedBackup(id, { status: "failed", description: "d", retention: 3 });
    const inputs = {
      datastoreId: id,
      description: "d",
      retentionDays: 3,
      waitTimeoutMinutes: 30,
      existingBackupId: failed.backup_id,
    };
    const error = (await backups()
      .create(inputs)
      .catch((e: unknown) => e)) as PartialCreateError<BackupOutputs>;
    expect(error).toBeInstanceOf(PartialCreateError);
    expect(error.message).toBe(replaceHint(failed.backup_id));
    expect(error.properties.status).toBe("failed");
    await expect(backups().update(failed.backup_id, error.properties, inputs)).rejects.toThrow(
      replaceHint(failed.backup_id),
    );
  });

  it("says so when the backup fails while it is awaited", async () => {
    const { emulator } = harness();
    const id = await harness().seed();
    await emulator.admin.setDurations({ backup: 600 });
    const pending = await harness().deps.api.createBackup({
      datastore_id: id,
      description: "",
      retention: 1,
    });
    const outs = {
      datastoreId: id,
      description: "",
      retentionDays: 1,
      waitTimeoutMinutes: 30,
      backupId: pending.backup_id,
      status: "pending",
    } as BackupOutputs;
    // The backup's datastore is deleted before it is ready: the API marks the backup failed.
    await fetch(`${emulator.url}/v1/datastores/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${emulator.apiKeys[0]}` },
    });
    const error = await backups()
      .update(pending.backup_id, outs, outs)
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(replaceHint(pending.backup_id));
  });
});
