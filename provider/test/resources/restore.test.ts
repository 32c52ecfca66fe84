/**
 * Restore logic against the emulator: it restores the right data, refuses at check time what the
 * API would refuse (sending no write), never re-runs by accident, and leaves data alone on delete.
 */
import { describe, expect, it } from "vitest";
import { type RestoreInputs, type RestoreOutputs, restoreLogic } from "../../src/resources/restore";
import { OTHER_API_KEY, useHarness } from "./support";

const harness = useHarness();
const logic = () => restoreLogic(() => harness().deps);

async function readyBackup(datastoreId: string): Promise<string> {
  const { api } = harness().deps;
  const backup = await api.createBackup({ datastore_id: datastoreId, description: "safety", retention: 3 });
  await api.waitForBackup(backup.backup_id, { timeoutMs: 60_000 });
  return backup.backup_id;
}

describe("Restore create", () => {
  it("replaces the datastore's data with the backup's", async () => {
    const { emulator } = harness();
    const id = await harness().seed();
    await emulator.admin.setData(id, { user: "A" });
    const backupId = await readyBackup(id);
    await emulator.admin.setData(id, { user: "B", extra: "B" });

    const checked = await logic().check(
      {},
      { datastoreId: id, backupId, acknowledgeDataLoss: true, trigger: "t1" },
    );
    expect(checked.failures).toBeUndefined();
    const { outs } = await logic().create(checked.inputs as RestoreInputs);
    expect(outs).toMatchObject({ datastoreId: id, backupId, trigger: "t1" });
    expect(await emulator.admin.getData(id)).toEqual({ user: "A" });
  });

  it("does nothing to the datastore on delete, and says so", async () => {
    const { emulator } = harness();
    const id = await harness().seed();
    await emulator.admin.setData(id, { now: "kept" });
    await emulator.admin.clearRequests();
    const outs = {
      datastoreId: id,
      backupId: "bkp_x",
      acknowledgeDataLoss: true,
      waitTimeoutMinutes: 30,
      restoredAt: "",
    } as RestoreOutputs;
    await logic().delete("r1", outs);
    expect(await emulator.admin.getData(id)).toEqual({ now: "kept" });
    expect(await harness().writes()).toEqual([]);
    expect(harness().logLines).toEqual([
      `Restore of backup bkp_x removed from the stack; datastore ${id} keeps its data (a restore cannot be undone)`,
    ]);
  });
});

describe("Restore runs only on purpose", () => {
  const olds = {
    datastoreId: "dst_1",
    backupId: "bkp_old",
    acknowledgeDataLoss: true,
    trigger: "2026-01-01",
    waitTimeoutMinutes: 30,
  };

  it("fails the preview when backupId changes without a new trigger, saying how to re-run", async () => {
    const result = await logic().check(olds, { ...olds, backupId: "bkp_new" });
    expect(result.failures).toEqual([
      {
        property: "backupId",
        reason:
          'backupId: changed from "bkp_old" to "bkp_new", but this restore already ran and runs again only on purpose: ' +
          'to restore now, also change `trigger` (for example to today\'s date); to keep things as they are, set backupId back to "bkp_old"',
      },
    ]);
  });

  it("re-runs (replaces) when the trigger changes, and nothing else does", async () => {
    const outs = { ...olds, restoredAt: "2026-01-01T00:00:00.000Z" } as RestoreOutputs;
    expect(await logic().diff("r", outs, { ...olds, trigger: "2026-02-01" } as RestoreInputs)).toEqual({
      changes: true,
      replaces: ["trigger"],
    });
    // In place, nothing sent: only state learns the new value.
    expect(await logic().diff("r", outs, { ...olds, waitTimeoutMinutes: 5 } as RestoreInputs)).toEqual({
      changes: true,
    });
    expect(await logic().diff("r", outs, { ...olds } as RestoreInputs)).toEqual({ changes: false });
  });

  it("drops the resource when the datastore is gone", async () => {
    const outs = { ...olds, datastoreId: "dst_gone", restoredAt: "x" } as RestoreOutputs;
    expect(await logic().read("r", outs)).toEqual({ id: "" });
  });
});

describe("Restore checks the backup against the datastore at preview", () => {
  it("refuses a backup of another region, sending nothing", async () => {
    const source = await harness().seed({
      location: { provider: "aws", region: "us-east-1", availability_zones: [] },
    });
    const target = await harness().seed();
    const backupId = await readyBackup(source);
    await harness().emulator.admin.clearRequests();
    const result = await logic().check({}, { datastoreId: target, backupId, acknowledgeDataLoss: true });
    expect(result.failures).toEqual([
      {
        property: "backupId",
        reason: `backupId: backup ${backupId} is in aws us-east-1 but datastore ${target} is in aws eu-west-1; a backup restores only into the same cloud and region`,
      },
    ]);
    expect(await harness().writes()).toEqual([]);
  });

  it("refuses a multi-shard backup onto a single-shard datastore", async () => {
    const swarm = await harness().seed({ cluster: { enabled: true, shard_memory: 6_250_000_000 } });
    const single = await harness().seed();
    const backupId = await readyBackup(swarm);
    const result = await logic().check({}, { datastoreId: single, backupId, acknowledgeDataLoss: true });
    expect(result.failures?.[0]?.reason).toBe(
      `backupId: backup ${backupId} has 2 shards but datastore ${single} has 1; a multi-shard backup restores only into a datastore with the same shard count`,
    );
  });

  it("refuses a backup that is not ready yet", async () => {
    const id = await harness().seed();
    const pending = await harness().deps.api.createBackup({
      datastore_id: id,
      description: "",
      retention: 1,
    });
    const result = await logic().check(
      {},
      { datastoreId: id, backupId: pending.backup_id, acknowledgeDataLoss: true },
    );
    expect(result.failures?.[0]?.reason).toBe(
      `backupId: backup ${pending.backup_id} is pending; only a ready backup can be restored`,
    );
  });

  it("refuses another account's backup as not existing", async () => {
    const theirs = await harness().seed({}, OTHER_API_KEY);
    const mine = await harness().seed();
    const { emulator } = harness();
    const response = await fetch(`${emulator.url}/v1/backups`, {
      method: "POST",
      headers: { authorization: `Bearer ${OTHER_API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ datastore_id: theirs, description: "theirs", retention: 1 }),
    });
    const { backup_id: backupId } = (await response.json()) as { backup_id: string };
    const result = await logic().check({}, { datastoreId: mine, backupId, acknowledgeDataLoss: true });
    expect(result.failures).toEqual([
      { property: "backupId", reason: `backupId: backup ${backupId} does not exist in this account` },
    ]);
  });
});

describe("Restore gives up on a conflict that waiting cannot fix", () => {
  it("stops after a few tries when the API refuses with 409 while the datastore is active", async () => {
    const id = await harness().seed();
    await harness().emulator.admin.setDurations({ backup: 3600 });
    const pending = await harness().deps.api.createBackup({
      datastore_id: id,
      description: "",
      retention: 1,
    });
    await harness().emulator.admin.clearRequests();
    const inputs = {
      datastoreId: id,
      backupId: pending.backup_id,
      acknowledgeDataLoss: true,
      waitTimeoutMinutes: 30,
      ifAlreadyLoaded: "fail",
    } as const;
    await expect(logic().create(inputs)).rejects.toThrow(
      `restoring backup ${pending.backup_id} into datastore ${id}: PUT /v1/datastores/${id} failed with 409 Conflict: `,
    );
    expect(await harness().writes()).toEqual(Array(3).fill(`PUT /v1/datastores/${id}`));
  });
});

describe("Restore after an interrupted run", () => {
  it("waits for a restore of the same backup that is already running instead of starting another", async () => {
    const { emulator, deps } = harness();
    const id = await harness().seed();
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    await emulator.admin.setData(id, { v: "B" });
    await emulator.admin.setDurations({ restore: 600 });
    await deps.api.startRestore(id, backupId);
    await emulator.admin.clearRequests();

    const { outs } = await logic().create({
      datastoreId: id,
      backupId,
      acknowledgeDataLoss: true,
      waitTimeoutMinutes: 30,
      ifAlreadyLoaded: "fail",
    });
    expect(outs.backupId).toBe(backupId);
    expect(await harness().writes()).toEqual([]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
    expect(harness().logLines).toContain(
      `datastore ${id} is already restoring backup ${backupId} (an interrupted run?); waiting for that restore`,
    );
  });
});
