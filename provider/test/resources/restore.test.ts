import type { AddressInfo } from "node:net";
import { createServer as createTcpServer } from "node:net";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import type { Datastore, DatastoreConfig } from "../../src/client/schemas";
import type { ResourceApi, ResourceDeps } from "../../src/resources/deps";
import { PartialCreateError } from "../../src/resources/errors";
import {
  RESTORE_MARKER_KEY,
  type RestoreInputs,
  type RestoreOutputs,
  rerunProblem,
  restoreLogic,
  restoreMessages as say,
} from "../../src/resources/restore";
import { rejectionOf } from "../client/support/harness";
import { OTHER_API_KEY, rewritingProxy, useHarness } from "./support";

const harness = useHarness();
const logic = () => restoreLogic(() => harness().deps);

/** What a datastore that holds `backupId` shows, as the re-run's messages describe it. */
function held(datastoreId: string, backupId: string, loaded: boolean): say.Held {
  const lastRestore = JSON.stringify({ backup_id: backupId, loaded });
  return { datastoreId, backupId, status: "active", lastRestore };
}

async function readyBackup(datastoreId: string): Promise<string> {
  const { api } = harness().deps;
  const backup = await api.createBackup({ datastore_id: datastoreId, description: "safety", retention: 3 });
  await api.waitForBackup(backup.backup_id, { timeoutMs: 60_000 });
  return backup.backup_id;
}

/** A Restore's checked inputs, restoring `backupId` into `id` once per `trigger`. */
function inputsFor(
  id: string,
  backupId: string,
  trigger: string,
  extra: Partial<RestoreInputs> = {},
): RestoreInputs {
  return {
    datastoreId: id,
    backupId,
    acknowledgeDataLoss: true,
    trigger,
    waitTimeoutMinutes: 30,
    ifAlreadyLoaded: "fail",
    ...extra,
  };
}

/** The restore PUTs the emulator saw on datastore `id` since the last reset. */
async function restorePuts(id: string): Promise<string[]> {
  return (await harness().writes()).filter((write) => write === `PUT /v1/datastores/${id}`);
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
    expect(harness().logLines).toEqual([say.removedFromStack("bkp_x", id)]);
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
        reason: `backupId: ${say.idChangedWithoutTrigger("backupId", "bkp_old", "bkp_new")}`,
      },
    ]);
  });

  it("re-runs in place when only the trigger changes, replaces when the backup changes with it, and nothing else re-runs", async () => {
    const outs = { ...olds, status: "restored", restoredAt: "2026-01-01T00:00:00.000Z" } as RestoreOutputs;
    // An update: `update` then sees the restore this stack records (a replacement's create would not).
    expect(await logic().diff("r", outs, { ...olds, trigger: "2026-02-01" } as RestoreInputs)).toEqual({
      changes: true,
      changed: ["trigger"],
    });
    // Another backup: no record covers that restore, so a new Restore replaces this one.
    expect(
      await logic().diff("r", outs, { ...olds, trigger: "2026-02-01", backupId: "bkp_new" } as RestoreInputs),
    ).toEqual({ changes: true, changed: ["backupId", "trigger"], replaces: ["backupId"] });
    // In place, nothing sent: only state learns the new value.
    expect(await logic().diff("r", outs, { ...olds, waitTimeoutMinutes: 5 } as RestoreInputs)).toEqual({
      changes: true,
      changed: ["waitTimeoutMinutes"],
    });
    expect(await logic().diff("r", outs, { ...olds } as RestoreInputs)).toEqual({
      changes: false,
      changed: [],
    });
    // A request whose answer was lost has work left with every input as it was.
    const lost = { ...outs, status: "unknown" } as RestoreOutputs;
    expect(await logic().diff("r", lost, { ...olds } as RestoreInputs)).toEqual({
      changes: true,
      changed: [],
    });
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
        reason: `backupId: ${say.otherPlace(backupId, { cloudProvider: "aws", region: "us-east-1" }, target, {
          cloudProvider: "aws",
          region: "eu-west-1",
        })}`,
      },
    ]);
    expect(await harness().writes()).toEqual([]);
  });

  it("refuses a multi-shard backup onto a single-shard datastore", async () => {
    const swarm = await harness().seed({ cluster: { enabled: true, shard_memory: 6_250_000_000 } });
    const single = await harness().seed();
    const backupId = await readyBackup(swarm);
    const result = await logic().check({}, { datastoreId: single, backupId, acknowledgeDataLoss: true });
    expect(result.failures?.[0]?.reason).toBe(`backupId: ${say.shardMismatch(backupId, 2, single, 1)}`);
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
      `backupId: ${say.backupNotReady(pending.backup_id, "pending")}`,
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
      { property: "backupId", reason: `backupId: ${say.backupMissing(backupId)}` },
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
      `${say.operation.restoring(pending.backup_id, id)}: PUT /v1/datastores/${id} failed with 409 Conflict: `,
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
    expect(harness().logLines).toContain(say.alreadyRestoring(id, backupId));
  });
});

describe("Restore again on a new trigger", () => {
  /**
   * A datastore restored from its backup by this stack's Restore (trigger "t1", status `restored`),
   * then written to, with the request log cleared: what the stack records and the datastore holds.
   */
  async function restoredOnce(): Promise<{ id: string; backupId: string; record: RestoreOutputs }> {
    const { emulator } = harness();
    const id = await harness().seed();
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    await emulator.admin.setData(id, { v: "B" });
    const { outs: record } = await logic().create(inputsFor(id, backupId, "t1"));
    expect(record.status).toBe("restored");
    await emulator.admin.setData(id, { v: "written after the restore" });
    await emulator.admin.clearRequests();
    harness().logLines.splice(0);
    return { id, backupId, record };
  }

  it("passes the preview and restores again with exactly one restore PUT, no ifAlreadyLoaded needed", async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await restoredOnce();
    const news = inputsFor(id, backupId, "t2");
    // The datastore holds the backup because this stack restored it: that is no reason to stop.
    const checked = await logic().check(inputsFor(id, backupId, "t1"), {
      datastoreId: id,
      backupId,
      acknowledgeDataLoss: true,
      trigger: "t2",
    });
    expect(checked).toEqual({ inputs: news });
    expect(await logic().diff("r", record, news)).toEqual({ changes: true, changed: ["trigger"] });

    const { outs } = await logic().update("r", record, news);
    expect(outs).toMatchObject({ ...news, status: "restored" });
    expect(outs.startedAt > record.startedAt).toBe(true);
    expect(outs.restoredAt).toBeDefined();
    expect(await restorePuts(id)).toEqual([`PUT /v1/datastores/${id}`]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
  });

  it("waits for a restore of the backup started after the record (an interrupted up of this trigger) instead of starting another", async () => {
    const { emulator, deps } = harness();
    const { id, backupId, record } = await restoredOnce();
    // The restore an `up` with trigger "t2" sent before it was killed, still running.
    await emulator.admin.setDurations({ restore: 600 });
    await deps.api.startRestore(id, backupId);
    await emulator.admin.clearRequests();

    const { outs } = await logic().update("r", record, inputsFor(id, backupId, "t2"));
    expect(outs).toMatchObject({ trigger: "t2", status: "restored" });
    expect(await harness().writes()).toEqual([]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
    expect(harness().logLines).toContain(say.alreadyRestoring(id, backupId));
  });

  it("by default (rerunMarker off) cannot tell a finished restore sent after the record from the record's own, so it restores again: config.restore keeps no time or history", async () => {
    const { emulator, deps } = harness();
    const { id, backupId, record } = await restoredOnce();
    await deps.api.startRestore(id, backupId);
    await deps.api.waitForDatastore(id, "active");
    await emulator.admin.clearRequests();

    await logic().update("r", record, inputsFor(id, backupId, "t2"));
    expect(await restorePuts(id)).toEqual([`PUT /v1/datastores/${id}`]);
  });

  it('records a request whose answer was lost as "unknown", then starts nothing until ifAlreadyLoaded says what to do', async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await restoredOnce();
    // The restore finishes at once, so the re-read after the lost answer shows what it showed before.
    await emulator.admin.setDurations({ restore: 0 });
    await emulator.admin.setFaults({
      rate: 1,
      kinds: ["drop"],
      seed: 0,
      retryAfterSeconds: 1,
      latencyMs: 0,
      methods: ["PUT"],
      limit: 1,
    });
    const news = inputsFor(id, backupId, "t2");
    const error = await logic()
      .update("r", record, news)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError<RestoreOutputs>;
    expect(partial.id).toBe("r");
    expect(partial.properties).toEqual({
      ...news,
      status: "unknown",
      startedAt: partial.properties.startedAt,
    });
    const rerunning = say.operation.rerunning(backupId, id, "t2");
    const loaded = held(id, backupId, true);
    // The first part is the client's account of the lost answer.
    const lost =
      `The answer to PUT /v1/datastores/${id} (the restore of backup ${backupId}) was lost, and datastore ${id} ` +
      `is now active with restore ${loaded.lastRestore} (before: ${loaded.lastRestore}): cannot tell whether it was applied`;
    expect(partial.message).toBe(`${rerunning}: ${say.answerLostRecorded(lost)}`);
    await emulator.admin.clearFaults();
    await emulator.admin.clearRequests();

    // The next `up`: the record says the request may have taken, and the datastore cannot say.
    const next = await logic()
      .update("r", partial.properties, news)
      .catch((e: unknown) => e);
    expect((next as Error).message).toBe(
      `${rerunning}: backupId: ${say.recordLostAnswer(loaded, partial.properties)}`,
    );
    expect(await harness().writes()).toEqual([]);

    const { outs } = await logic().update("r", partial.properties, { ...news, ifAlreadyLoaded: "skip" });
    expect(outs).toMatchObject({ trigger: "t2", status: "skipped" });
    expect(await harness().writes()).toEqual([]);
  });

  it("stops when the record's own restore was not seen to finish and the trigger changes, saying how to finish it first", async () => {
    const { id, backupId, record } = await restoredOnce();
    const unfinished = { ...record, status: "restoring" } as RestoreOutputs;
    delete unfinished.restoredAt;
    const error = await logic()
      .update("r", unfinished, inputsFor(id, backupId, "t2"))
      .catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      `${say.operation.rerunning(backupId, id, "t2")}: backupId: ` +
        say.recordNotFinished(held(id, backupId, true), unfinished, "t2"),
    );
    expect(await harness().writes()).toEqual([]);
  });

  it("keeps a re-run that outlived its wait in state with the new trigger, and the next up waits for it", async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await restoredOnce();
    await emulator.admin.setDurations({ restore: 3 * 60 });
    const news = { ...inputsFor(id, backupId, "t2"), waitTimeoutMinutes: 1 };
    const error = await logic()
      .update("r", record, news)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartialCreateError);
    const partial = error as PartialCreateError<RestoreOutputs>;
    expect(partial.properties).toMatchObject({ trigger: "t2", status: "restoring" });

    const { outs } = await logic().update("r", partial.properties, { ...news, waitTimeoutMinutes: 5 });
    expect(outs).toMatchObject({
      trigger: "t2",
      status: "restored",
      startedAt: partial.properties.startedAt,
    });
    expect(await restorePuts(id)).toEqual([`PUT /v1/datastores/${id}`]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
  });
});

describe("rerunProblem: the datastore against the restore this stack records", () => {
  const inputs: RestoreInputs = {
    datastoreId: "dst_1",
    backupId: "bkp_1",
    acknowledgeDataLoss: true,
    trigger: "t2",
    waitTimeoutMinutes: 30,
    ifAlreadyLoaded: "fail",
  };
  const record: RestoreOutputs = {
    ...inputs,
    trigger: "t1",
    status: "restored",
    startedAt: "2026-01-05T10:00:00.000Z",
    restoredAt: "2026-01-05T10:00:20.000Z",
  };
  const datastore = (status: string, restore: { backup_id: string; loaded: boolean } | null): Datastore => ({
    datastore_id: "dst_1",
    status,
    config: { restore },
  });

  it("lets the re-run start when the datastore shows what the record saw, or another backup, or a restore running", () => {
    expect(
      rerunProblem(record, datastore("active", { backup_id: "bkp_1", loaded: true }), inputs),
    ).toBeUndefined();
    expect(
      rerunProblem(record, datastore("active", { backup_id: "bkp_2", loaded: true }), inputs),
    ).toBeUndefined();
    expect(rerunProblem(record, datastore("active", null), inputs)).toBeUndefined();
    // Running: the caller waits for that restore instead of starting one.
    expect(
      rerunProblem(record, datastore("restoring", { backup_id: "bkp_1", loaded: false }), inputs),
    ).toBeUndefined();
  });

  it("stops when the backup was requested after the record and never finished loading", () => {
    expect(rerunProblem(record, datastore("active", { backup_id: "bkp_1", loaded: false }), inputs)).toBe(
      say.requestedAfterRecord(held("dst_1", "bkp_1", false), record),
    );
  });
});

describe("Restore checks the restored data when asked, so that wrong data never looks done", () => {
  /** The emulator's data plane is plain TCP: a datastore whose config asks for TLS cannot be read back. */
  const PLAIN = { dragonfly: { cache_mode: false, tls: false } };

  it("records the keys read back when every check passes, and reads nothing when none is asked for", async () => {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { "order:1": "A", "order:2": "B" });
    const backupId = await readyBackup(id);
    const inputs = { datastoreId: id, backupId, acknowledgeDataLoss: true, trigger: "t1" };
    const checked = await logic().check({}, { ...inputs, expectKeys: ["order:1"], minKeys: 2 });
    const { outs } = await logic().create(checked.inputs as RestoreInputs);
    expect(outs).toMatchObject({ status: "restored", keys: 2, missingKeys: [], failures: [] });

    const unchecked = await logic().check({}, { ...inputs, trigger: "t2", ifAlreadyLoaded: "restore" });
    const plain = await logic().create(unchecked.inputs as RestoreInputs);
    expect(Object.keys(plain.outs)).not.toContain("keys");
    expect(Object.keys(plain.outs)).not.toContain("failures");
  });

  it("fails `up` on a missing key with the restore recorded, and fails again until trigger changes", async () => {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { "order:1": "A" });
    const backupId = await readyBackup(id);
    const inputs = {
      datastoreId: id,
      backupId,
      acknowledgeDataLoss: true,
      trigger: "t1",
      expectKeys: ["order:1", "order:9"],
    };
    const checked = (await logic().check({}, inputs)).inputs as RestoreInputs;
    const failed = await logic()
      .create(checked)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failed).toBeInstanceOf(PartialCreateError);
    const partial = failed as PartialCreateError<RestoreOutputs>;
    const failure = 'expectKeys: 1 of 2 keys missing after the restore: "order:9"';
    expect(partial.properties).toMatchObject({
      status: "restored",
      keys: 1,
      missingKeys: ["order:9"],
      failures: [failure],
    });
    expect(partial.message).toBe(say.dataChecksFailed(say.operation.restoring(backupId, id), [failure]));

    // The same trigger restores nothing and fails again; a new trigger restores again.
    await emulator.admin.clearRequests();
    const again = await logic()
      .update(partial.id, partial.properties, checked)
      .then(
        () => undefined,
        (error: unknown) => error as Error,
      );
    expect(again?.message).toBe(say.recordedDataFailures(partial.properties));
    expect(await harness().writes()).toEqual([]);
    const rerun = await logic()
      .update(partial.id, partial.properties, { ...checked, trigger: "t2", expectKeys: ["order:1"] })
      .then((result) => result.outs);
    expect(rerun).toMatchObject({
      status: "restored",
      trigger: "t2",
      keys: 1,
      missingKeys: [],
      failures: [],
    });
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${id}`]);
  });
});

describe("Restore with rerunMarker tells a re-run asked for from a datastore restored again since the record", () => {
  /** The emulator's data plane is plain TCP: the marker is read and written without TLS. */
  const PLAIN: Partial<DatastoreConfig> = { dragonfly: { cache_mode: false, tls: false } };
  /** A marker value: the backup, 8 hex digits of the trigger's hash, 8 random ones. */
  const MARKER_VALUE = /^bkp_\w+:[0-9a-f]{8}:[0-9a-f]{8}$/;

  /** A re-runnable Restore with rerunMarker on. */
  const markedInputs = (id: string, backupId: string, trigger: string, extra: Partial<RestoreInputs> = {}) =>
    inputsFor(id, backupId, trigger, { rerunMarker: true, ...extra });

  /**
   * A datastore restored from its backup (`{v: "A"}`) by this stack's Restore with rerunMarker on
   * (trigger "t1"), then written to; the request and log lines cleared. What the stack records and
   * the datastore holds.
   */
  async function markedOnce(): Promise<{ id: string; backupId: string; record: RestoreOutputs }> {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    await emulator.admin.setData(id, { v: "B" });
    const { outs: record } = await logic().create(markedInputs(id, backupId, "t1"));
    expect(record.status).toBe("restored");
    const data = await emulator.admin.getData(id);
    await emulator.admin.setData(id, { ...data, v: "written after the restore" });
    await emulator.admin.clearRequests();
    harness().logLines.splice(0);
    return { id, backupId, record };
  }

  /** The restore an `up` with a new trigger sent before it was killed, finished since: behind the stack's back. */
  async function restoredBehindTheRecord(id: string, backupId: string): Promise<void> {
    const { deps, emulator } = harness();
    await deps.api.startRestore(id, backupId);
    await deps.api.waitForDatastore(id, "active");
    await emulator.admin.clearRequests();
  }

  it("writes the marker into the restored datastore on create and records its value", async () => {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    await emulator.admin.setData(id, { v: "B" });

    const checked = await logic().check(
      {},
      { datastoreId: id, backupId, acknowledgeDataLoss: true, trigger: "t1", rerunMarker: true },
    );
    expect(checked).toEqual({ inputs: markedInputs(id, backupId, "t1") });
    const { outs } = await logic().create(checked.inputs as RestoreInputs);
    expect(outs).toMatchObject({ status: "restored", markerValue: expect.stringMatching(MARKER_VALUE) });
    expect(outs.markerValue?.startsWith(`${backupId}:`)).toBe(true);
    // The backup's data, and the one key the Restore wrote into it.
    expect(await emulator.admin.getData(id)).toEqual({ v: "A", [RESTORE_MARKER_KEY]: outs.markerValue });
    expect(harness().logLines).toContain(say.markerWritten(id, String(outs.markerValue)));
  });

  it("restores again with exactly one restore PUT when the marker is intact, and writes a new one; the preview does not touch the data plane", async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await markedOnce();
    const news = markedInputs(id, backupId, "t2");
    // A preview whose API refuses every data-plane call passes: the marker is judged at `up`.
    const real = harness().deps.api;
    const noDataPlane = new Proxy(real, {
      get: (target, name, receiver) => {
        if (name === "readDataPlaneString" || name === "writeDataPlaneString") {
          return () => Promise.reject(new Error("the preview touched the data plane"));
        }
        const value: unknown = Reflect.get(target, name, receiver);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as ResourceApi;
    const previewDeps: ResourceDeps = { ...harness().deps, api: noDataPlane };
    const checked = await restoreLogic(() => previewDeps).check(markedInputs(id, backupId, "t1"), {
      datastoreId: id,
      backupId,
      acknowledgeDataLoss: true,
      trigger: "t2",
      rerunMarker: true,
    });
    expect(checked).toEqual({ inputs: news });
    expect(await logic().diff("r", record, news)).toEqual({ changes: true, changed: ["trigger"] });

    const { outs } = await logic().update("r", record, news);
    expect(outs).toMatchObject({ trigger: "t2", status: "restored" });
    expect(outs.markerValue).toMatch(MARKER_VALUE);
    expect(outs.markerValue).not.toBe(record.markerValue);
    expect(await restorePuts(id)).toEqual([`PUT /v1/datastores/${id}`]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A", [RESTORE_MARKER_KEY]: outs.markerValue });
  });

  it("stops with nothing sent when a restore finished after the record (a killed re-run's): the restore wiped the marker", async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await markedOnce();
    await restoredBehindTheRecord(id, backupId);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });

    const error = await rejectionOf(logic().update("r", record, markedInputs(id, backupId, "t2")));
    expect((error as Error).message).toBe(
      `${say.operation.rerunning(backupId, id, "t2")}: rerunMarker: ` +
        say.markerReplaced(held(id, backupId, true), record, { kind: "missing" }),
    );
    expect(await harness().writes()).toEqual([]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
  });

  it("stops with nothing sent when the marker holds another value", async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await markedOnce();
    await emulator.admin.setData(id, { v: "B", [RESTORE_MARKER_KEY]: "written by someone else" });
    await emulator.admin.clearRequests();

    const error = await rejectionOf(logic().update("r", record, markedInputs(id, backupId, "t2")));
    expect((error as Error).message).toBe(
      `${say.operation.rerunning(backupId, id, "t2")}: rerunMarker: ` +
        say.markerReplaced(held(id, backupId, true), record, {
          kind: "other",
          value: "written by someone else",
        }),
    );
    expect(await harness().writes()).toEqual([]);
    expect(await emulator.admin.getData(id)).toEqual({
      v: "B",
      [RESTORE_MARKER_KEY]: "written by someone else",
    });
  });

  it.each([
    { name: "a data plane nothing listens on", spoil: "addr" as const },
    { name: "a password the data plane refuses", spoil: "password" as const },
  ])(
    "stops with nothing sent, the password nowhere, when the marker cannot be read: $name",
    async ({ spoil }) => {
      const { emulator } = harness();
      const { id, backupId, record } = await markedOnce();
      const closed = `127.0.0.1:${await closedPort()}`;
      const proxy = await rewritingProxy(emulator.url, (datastore) => {
        if (spoil === "addr") datastore.addr = closed;
        else datastore.password = `${String(datastore.password)}-spoiled`;
      });
      try {
        const deps = harness().depsThrough(proxy.url);
        const error = await rejectionOf(
          restoreLogic(() => deps).update("r", record, markedInputs(id, backupId, "t2")),
        );
        const message = (error as Error).message;
        const rerunning = say.operation.rerunning(backupId, id, "t2");
        if (spoil === "addr") {
          const why = `Reading key "${RESTORE_MARKER_KEY}" of datastore ${id} at ${closed} failed: connection refused`;
          expect(message).toBe(`${rerunning}: rerunMarker: ${say.markerUnreadable(id, why)}`);
        } else {
          const address = (await datastoreOf(id)).addr;
          const why =
            `Reading key "${RESTORE_MARKER_KEY}" of datastore ${id} at ${address} failed: authentication refused ` +
            "as user default (WRONGPASS invalid username-password pair or user is disabled.)";
          expect(message).toBe(`${rerunning}: rerunMarker: ${say.markerUnreadable(id, why)}`);
        }
        expect(await harness().writes()).toEqual([]);
        const { password } = await datastoreOf(id);
        expect(password.length).toBeGreaterThan(0);
        expect(`${message}\n${inspect(error, { depth: 20 })}`).not.toContain(password);
        expect(await emulator.admin.getData(id)).toMatchObject({ v: "written after the restore" });
      } finally {
        await proxy.close();
      }
    },
  );

  it('after a stop, ifAlreadyLoaded "restore" restores once and writes a new marker; "skip" records without restoring', async () => {
    const { emulator } = harness();
    const { id, backupId, record } = await markedOnce();
    await restoredBehindTheRecord(id, backupId);
    await emulator.admin.setData(id, { v: "checked after the stop" });
    await emulator.admin.clearRequests();

    const skipped = await logic().update(
      "r",
      record,
      markedInputs(id, backupId, "t2", { ifAlreadyLoaded: "skip" }),
    );
    expect(skipped.outs).toMatchObject({ trigger: "t2", status: "skipped" });
    expect(skipped.outs.markerValue).toMatch(MARKER_VALUE);
    expect(await harness().writes()).toEqual([]);
    expect(harness().logLines).toContain(say.recordedWithoutRestoring(id, backupId));
    // The data as it was, tagged, so a later new trigger can tell whether it was replaced after this.
    expect(await emulator.admin.getData(id)).toEqual({
      v: "checked after the stop",
      [RESTORE_MARKER_KEY]: skipped.outs.markerValue,
    });

    // The same stop, answered the other way.
    await restoredBehindTheRecord(id, backupId);
    await emulator.admin.setData(id, { v: "checked after the stop" });
    await emulator.admin.clearRequests();
    const restored = await logic().update(
      "r",
      skipped.outs,
      markedInputs(id, backupId, "t3", { ifAlreadyLoaded: "restore" }),
    );
    expect(restored.outs).toMatchObject({ trigger: "t3", status: "restored" });
    expect(restored.outs.markerValue).toMatch(MARKER_VALUE);
    expect(await restorePuts(id)).toEqual([`PUT /v1/datastores/${id}`]);
    expect(await emulator.admin.getData(id)).toEqual({
      v: "A",
      [RESTORE_MARKER_KEY]: restored.outs.markerValue,
    });
  });

  it("turned on for a Restore recorded without it, writes the marker on the next up and restores nothing; turned on with a new trigger, stops", async () => {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    const { outs: unmarked } = await logic().create(markedInputs(id, backupId, "t1", { rerunMarker: false }));
    expect(Object.keys(unmarked)).not.toContain("markerValue");
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
    await emulator.admin.clearRequests();

    // With a new trigger at once: the record has no marker to prove anything with.
    const error = await rejectionOf(logic().update("r", unmarked, markedInputs(id, backupId, "t2")));
    expect((error as Error).message).toBe(
      `${say.operation.rerunning(backupId, id, "t2")}: rerunMarker: ` +
        say.markerNotRecorded(held(id, backupId, true), unmarked),
    );
    expect(await harness().writes()).toEqual([]);

    // With the same trigger: an update that only writes the marker.
    const news = markedInputs(id, backupId, "t1");
    expect(await logic().diff("r", unmarked, news)).toEqual({ changes: true, changed: ["rerunMarker"] });
    const { outs } = await logic().update("r", unmarked, news);
    expect(outs).toMatchObject({ trigger: "t1", status: "restored", restoredAt: unmarked.restoredAt });
    expect(outs.markerValue).toMatch(MARKER_VALUE);
    expect(await harness().writes()).toEqual([]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A", [RESTORE_MARKER_KEY]: outs.markerValue });

    // Turned off: the value is no longer recorded, and nothing is written.
    const off = await logic().update("r", outs, markedInputs(id, backupId, "t1", { rerunMarker: false }));
    expect(Object.keys(off.outs)).not.toContain("markerValue");
  });

  it("records a restore whose marker could not be written, says so, and writes the marker on the next up without restoring", async () => {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    await emulator.admin.clearRequests();
    const closed = `127.0.0.1:${await closedPort()}`;
    const proxy = await rewritingProxy(emulator.url, (datastore) => {
      datastore.addr = closed;
    });
    const inputs = markedInputs(id, backupId, "t1");
    let partial: PartialCreateError<RestoreOutputs>;
    try {
      const deps = harness().depsThrough(proxy.url);
      const error = await rejectionOf(restoreLogic(() => deps).create(inputs));
      expect(error).toBeInstanceOf(PartialCreateError);
      partial = error as PartialCreateError<RestoreOutputs>;
    } finally {
      await proxy.close();
    }
    const why = `Writing key "${RESTORE_MARKER_KEY}" into datastore ${id} at ${closed} failed: connection refused`;
    expect(partial.message).toBe(
      `${say.operation.restoring(backupId, id)}: ${say.markerNotWritten(id, why)}`,
    );
    expect(partial.properties).toMatchObject({ status: "restored", trigger: "t1" });
    expect(Object.keys(partial.properties)).not.toContain("markerValue");
    expect(await restorePuts(id)).toEqual([`PUT /v1/datastores/${id}`]);
    await emulator.admin.clearRequests();

    expect(await logic().diff(partial.id, partial.properties, inputs)).toEqual({
      changes: true,
      changed: [],
    });
    const { outs } = await logic().update(partial.id, partial.properties, inputs);
    expect(outs.markerValue).toMatch(MARKER_VALUE);
    expect(await harness().writes()).toEqual([]);
    expect(await emulator.admin.getData(id)).toEqual({ v: "A", [RESTORE_MARKER_KEY]: outs.markerValue });
  });

  it("by default writes no key into the data", async () => {
    const { emulator } = harness();
    const id = await harness().seed(PLAIN);
    await emulator.admin.setData(id, { v: "A" });
    const backupId = await readyBackup(id);
    const checked = await logic().check(
      {},
      { datastoreId: id, backupId, acknowledgeDataLoss: true, trigger: "t1" },
    );
    expect(Object.keys(checked.inputs ?? {})).not.toContain("rerunMarker");
    const { outs } = await logic().create(checked.inputs as RestoreInputs);
    expect(Object.keys(outs)).not.toContain("markerValue");
    expect(await emulator.admin.getData(id)).toEqual({ v: "A" });
  });

  it("refuses a rerunMarker that is not a boolean at preview", async () => {
    const result = await logic().check(
      {},
      { datastoreId: "dst_1", backupId: "bkp_1", acknowledgeDataLoss: true, rerunMarker: "yes" },
    );
    expect(result.failures).toEqual([
      {
        property: "rerunMarker",
        reason: `rerunMarker: ${say.rerunMarkerMustBeBoolean}, got the string "yes"`,
      },
    ]);
  });
});

/** A datastore as the emulator's admin state shows it: its address and password. */
async function datastoreOf(id: string): Promise<{ addr: string; password: string }> {
  const state = (await harness().emulator.admin.state()) as unknown as {
    datastores: { datastore_id: string; addr: string; password: string }[];
  };
  const found = state.datastores.find((d) => d.datastore_id === id);
  if (!found) throw new Error(`no datastore ${id} in the emulator`);
  return found;
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createTcpServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
