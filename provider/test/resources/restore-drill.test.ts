/**
 * RestoreDrill logic against the emulator, whose datastores serve their data over RESP: a drill
 * restores a backup into a temporary datastore (or a named scratch one), reads it back, judges the
 * objectives and records the evidence. What is asserted is what a user relies on: the evidence in the
 * outputs and the exact messages, that the source datastore is only ever read, that no temporary
 * datastore outlives a drill whatever ends it, and that no datastore password reaches anything shown.
 */
import { createHash } from "node:crypto";
import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import type { DatastoreConfig } from "../../src/client/schemas";
import type { ResourceDeps } from "../../src/resources/deps";
import { OperationError, PartialCreateError } from "../../src/resources/errors";
import {
  type RestoreDrillInputs,
  type RestoreDrillOutputs,
  restoreDrillLogic,
  restoreDrillMessages as say,
  TEMPORARY_NAME_PREFIX,
} from "../../src/resources/restore-drill";
import { rejectionOf } from "../client/support/harness";
import { API_KEY, rewritingProxy, useHarness } from "./support";

const harness = useHarness();
const logic = (deps: () => ResourceDeps = () => harness().deps) => restoreDrillLogic(deps);

/** The emulator's data plane speaks no TLS: a source read back over it (and its copies) says so. */
const PLAIN: Partial<DatastoreConfig> = { dragonfly: { cache_mode: false, tls: false } };
const HOUR_SECONDS = 3600;
const TRIGGER = "2026-W02";

/** A datastore as the emulator's admin state shows it, password included. */
interface StateDatastore {
  datastore_id: string;
  status: string;
  password: string;
  config: { name?: string; location?: unknown; tier?: unknown; cluster?: unknown };
  data: Record<string, string>;
}

async function stateDatastores(): Promise<StateDatastore[]> {
  return (await harness().emulator.admin.state()).datastores as unknown as StateDatastore[];
}

async function stateOf(datastoreId: string): Promise<StateDatastore> {
  const found = (await stateDatastores()).find((d) => d.datastore_id === datastoreId);
  if (!found) throw new Error(`the emulator has no datastore ${datastoreId}`);
  return found;
}

/** Datastores named like a drill's temporary one that are neither deleted nor being deleted. */
async function liveTemporaries(): Promise<string[]> {
  return (await stateDatastores())
    .filter((d) => d.config.name?.startsWith(TEMPORARY_NAME_PREFIX))
    .filter((d) => d.status !== "deleted" && d.status !== "deleting")
    .map((d) => d.datastore_id);
}

/** Every request the emulator logged, as `METHOD path`. */
async function requests(): Promise<string[]> {
  return (await harness().emulator.admin.requests()).map((entry) => `${entry.method} ${entry.path}`);
}

/**
 * A source datastore holding two keys, a ready backup of them, and a third key written after the
 * backup: a drill that reads three keys read the source, not the backup. The request log is cleared.
 */
async function drillFixture(): Promise<{ source: string; backupId: string; takenAt: string }> {
  const { emulator } = harness();
  const source = await harness().seed(PLAIN);
  await emulator.admin.setData(source, { "order:1": "A", "order:2": "B" });
  const backup = await emulator.admin.seedBackup(source, { description: "nightly" });
  await emulator.admin.setData(source, { "order:1": "A", "order:2": "B", "order:3": "C" });
  await emulator.admin.clearRequests();
  return { source, backupId: backup.backup_id, takenAt: new Date(backup.created_at * 1000).toISOString() };
}

/** `news` through check, which must pass: the inputs as the engine would hand them to create. */
async function checked(news: Record<string, unknown>): Promise<RestoreDrillInputs> {
  const result = await logic().check({}, news);
  expect(result.failures).toBeUndefined();
  if (!result.inputs) throw new Error("check returned no inputs");
  return result.inputs;
}

function asPartial(error: unknown): PartialCreateError<RestoreDrillOutputs> {
  if (!(error instanceof PartialCreateError))
    throw new Error(`expected a PartialCreateError, got ${inspect(error)}`);
  return error as PartialCreateError<RestoreDrillOutputs>;
}

/** A temporary datastore's name for a drill of `datastoreId` and `trigger`, usable until `untilMs`: as the logic names them. */
function temporaryName(
  datastoreId: string,
  trigger: string | undefined,
  untilMs: number,
  suffix: string,
): string {
  const tag = createHash("sha256")
    .update(`${datastoreId}\0${trigger ?? ""}`)
    .digest("hex")
    .slice(0, 8);
  return `${TEMPORARY_NAME_PREFIX}${datastoreId}-${tag}-${Math.ceil(untilMs / 1000).toString(36)}-${suffix}`;
}

/** Makes every DELETE fail (503, retried until the client gives up), so a drill leaves its datastore behind. */
async function failDeletes(): Promise<void> {
  await harness().emulator.admin.setFaults({ rate: 1, kinds: ["503"], methods: ["DELETE"] });
}

describe("RestoreDrill check refuses what would harm data or cannot be drilled, before anything is sent", () => {
  it("refuses the source as the scratch datastore, naming scratchDatastoreId, sending nothing", async () => {
    const source = await harness().seed(PLAIN);
    await harness().emulator.admin.clearRequests();
    const result = await logic().check(
      {},
      { datastoreId: source, scratchDatastoreId: source, acknowledgeDataLoss: true },
    );
    expect(result).toEqual({
      failures: [
        { property: "scratchDatastoreId", reason: `scratchDatastoreId: ${say.scratchIsSource(source)}` },
      ],
    });
    expect(await requests()).toEqual([]);
  });

  it("refuses a scratch datastore without acknowledgeDataLoss: every drill wipes it", async () => {
    const source = await harness().seed(PLAIN);
    const scratch = await harness().seed({ ...PLAIN, name: "drills" });
    await harness().emulator.admin.clearRequests();
    const result = await logic().check({}, { datastoreId: source, scratchDatastoreId: scratch });
    expect(result).toEqual({
      failures: [
        {
          property: "acknowledgeDataLoss",
          reason: `acknowledgeDataLoss: ${say.scratchMustBeAcknowledged(scratch)}`,
        },
      ],
    });
    expect(await requests()).toEqual([]);
  });

  it("refuses a named backup of another datastore, a missing one and one not ready, naming backupId", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    const other = await harness().seed({ ...PLAIN, name: "other" });
    const theirs = (await emulator.admin.seedBackup(other)).backup_id;
    const pending = (await emulator.admin.seedBackup(source, { status: "pending" })).backup_id;
    await emulator.admin.clearRequests();

    expect(await logic().check({}, { datastoreId: source, backupId: theirs })).toEqual({
      failures: [
        { property: "backupId", reason: `backupId: ${say.backupOfOtherDatastore(theirs, other, source)}` },
      ],
    });
    expect(await logic().check({}, { datastoreId: source, backupId: "bkp_nosuchbackup" })).toEqual({
      failures: [{ property: "backupId", reason: `backupId: ${say.backupMissing("bkp_nosuchbackup")}` }],
    });
    expect(await logic().check({}, { datastoreId: source, backupId: pending })).toEqual({
      failures: [{ property: "backupId", reason: `backupId: ${say.backupNotReady(pending, "pending")}` }],
    });
    expect(await harness().writes()).toEqual([]);
  });

  it("only warns when the source has no ready backup yet: a Backup in the same stack may take one before the drill", async () => {
    const source = await harness().seed(PLAIN);
    await harness().emulator.admin.seedBackup(source, { status: "failed" });
    const result = await logic().check({}, { datastoreId: source });
    expect(result.failures).toBeUndefined();
    expect(result.inputs).toEqual({ datastoreId: source, minKeys: 1, waitTimeoutMinutes: 30 });
    expect(harness().warnings).toEqual([say.noReadyBackupYet(source)]);
    expect(await harness().writes()).toEqual([]);
  });

  it("refuses inputs of the wrong type or range with the contract's messages, sending nothing", async () => {
    const source = await harness().seed(PLAIN);
    await harness().emulator.admin.clearRequests();
    const result = await logic().check(
      {},
      {
        datastoreId: source,
        expectKeys: ["order:1", 7],
        minKeys: -1,
        maxRestoreMinutes: 0,
        maxBackupAgeHours: -2,
      },
    );
    expect(result).toEqual({
      failures: [
        { property: "expectKeys", reason: `expectKeys[1]: ${say.expectKeysMustBeStrings}, got 7` },
        { property: "minKeys", reason: `minKeys: ${say.minKeysMustBe}, got -1` },
        { property: "maxRestoreMinutes", reason: `maxRestoreMinutes: ${say.maxRestoreMinutesMustBe}, got 0` },
        { property: "maxBackupAgeHours", reason: `maxBackupAgeHours: ${say.maxBackupAgeMustBe}, got -2` },
      ],
    });
    expect(await requests()).toEqual([]);
  });
});

describe("RestoreDrill create", () => {
  it("passes in a temporary datastore made like the source, records the evidence, deletes it, and only reads the source", async () => {
    const { emulator } = harness();
    const { source, backupId, takenAt } = await drillFixture();
    const inputs = await checked({
      datastoreId: source,
      expectKeys: ["order:1", "order:2"],
      maxRestoreMinutes: 10,
      maxBackupAgeHours: 24,
      trigger: TRIGGER,
    });
    await emulator.admin.clearRequests();

    const { id, outs } = await logic().create(inputs);
    const scratch = outs.scratchDatastoreId;
    expect(scratch).toMatch(/^dst_/);
    expect(scratch).not.toBe(source);
    expect(outs).toEqual({
      ...inputs,
      backupId,
      backupCreatedAt: takenAt,
      backupAgeHours: 0,
      scratchDatastoreId: scratch,
      temporaryScratch: true,
      scratchDeleted: true,
      restoreSeconds: outs.restoreSeconds,
      // The backup's two keys, not the source's three of today.
      keys: 2,
      missingKeys: [],
      passed: true,
      failures: [],
      checkedAt: outs.checkedAt,
    });
    // The emulator's restore takes 20 s; the drill measures it to within one poll (5 s at most).
    expect(outs.restoreSeconds).toBeGreaterThanOrEqual(20);
    expect(outs.restoreSeconds).toBeLessThanOrEqual(25);
    expect(id).toBe(`${source}/drill/${outs.checkedAt}`);

    const made = await stateOf(scratch);
    const original = await stateOf(source);
    expect(made.status === "deleting" || made.status === "deleted").toBe(true);
    expect(made.config.name).toMatch(
      new RegExp(`^${TEMPORARY_NAME_PREFIX}${source}-[0-9a-f]{8}-[0-9a-z]+-[0-9a-f]{6}$`),
    );
    expect(made.config.location).toEqual(original.config.location);
    expect(made.config.tier).toEqual(original.config.tier);
    expect(made.config.cluster).toEqual(original.config.cluster);
    expect(original.data).toEqual({ "order:1": "A", "order:2": "B", "order:3": "C" });

    const all = await requests();
    expect(all.filter((call) => !call.startsWith("GET "))).toEqual([
      "POST /v1/datastores",
      `PUT /v1/datastores/${scratch}`,
      `DELETE /v1/datastores/${scratch}`,
    ]);
    const onSource = all.filter((call) => call.includes(source));
    expect(onSource.length).toBeGreaterThan(0);
    expect(onSource.filter((call) => !call.startsWith("GET "))).toEqual([]);
    expect(harness().logLines).toEqual([
      say.operation.created(scratch, String(made.config.name)),
      say.operation.deleted(scratch),
      say.operation.passed(outs),
    ]);
    expect(harness().warnings).toEqual([]);
  });

  it("fails with every failed check listed, records the evidence as a partial create, and still deletes the temporary datastore", async () => {
    const { emulator } = harness();
    const { source, backupId } = await drillFixture();
    await emulator.admin.advance(48 * HOUR_SECONDS);
    const inputs = await checked({
      datastoreId: source,
      expectKeys: ["order:1", "order:3"],
      minKeys: 3,
      maxBackupAgeHours: 24,
      trigger: TRIGGER,
    });

    const partial = asPartial(await rejectionOf(logic().create(inputs)));
    const outs = partial.properties;
    expect(outs.passed).toBe(false);
    expect(outs.failures).toEqual([
      say.failure.minKeys(2, 3),
      say.failure.expectKeys(["order:3"], 2),
      say.failure.maxBackupAgeHours(backupId, 48, 24),
    ]);
    expect(outs).toMatchObject({
      backupId,
      backupAgeHours: 48,
      keys: 2,
      missingKeys: ["order:3"],
      scratchDeleted: true,
    });
    expect(partial.id).toBe(`${source}/drill/${outs.checkedAt}`);
    expect(partial.message).toBe(say.drillFailed(say.operation.drilling(source, TRIGGER), outs));
    expect(await liveTemporaries()).toEqual([]);
    expect((await harness().writes()).filter((call) => call.includes(source))).toEqual([]);
  });

  it("drills the newest ready backup of the source when backupId is unset", async () => {
    const { emulator } = harness();
    const source = await harness().seed(PLAIN);
    const other = await harness().seed({ ...PLAIN, name: "other" });
    await emulator.admin.setDurations({ backup: 10 * HOUR_SECONDS });
    await emulator.admin.setData(source, { old: "1" });
    await emulator.admin.seedBackup(source);
    await emulator.admin.advance(HOUR_SECONDS);
    await emulator.admin.setData(source, { new: "1", newer: "2" });
    const newest = await emulator.admin.seedBackup(source);
    await emulator.admin.advance(HOUR_SECONDS);
    // Neither a backup still pending nor a newer one of another datastore is the one to drill.
    await emulator.admin.seedBackup(source, { status: "pending" });
    await emulator.admin.seedBackup(other);

    const { outs } = await logic().create(
      await checked({ datastoreId: source, expectKeys: ["new", "newer"] }),
    );
    expect(outs).toMatchObject({
      backupId: newest.backup_id,
      backupCreatedAt: new Date(newest.created_at * 1000).toISOString(),
      backupAgeHours: 1,
      keys: 2,
      missingKeys: [],
      passed: true,
    });
  });

  it("restores into a named scratch datastore, keeps it, and does not delete it", async () => {
    const { emulator } = harness();
    const { source, backupId } = await drillFixture();
    const scratch = await harness().seed({ ...PLAIN, name: "drills" });
    await emulator.admin.setData(scratch, { leftover: "from the last drill" });
    const inputs = await checked({
      datastoreId: source,
      scratchDatastoreId: scratch,
      acknowledgeDataLoss: true,
    });
    await emulator.admin.clearRequests();

    const { outs } = await logic().create(inputs);
    expect(outs).toMatchObject({
      backupId,
      scratchDatastoreId: scratch,
      temporaryScratch: false,
      scratchDeleted: false,
    });
    expect(outs.keys).toBe(2);
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${scratch}`]);
    expect(await stateOf(scratch)).toMatchObject({
      status: "active",
      data: { "order:1": "A", "order:2": "B" },
    });
  });
});

describe("RestoreDrill leaves no temporary datastore behind", () => {
  /** The harness's deps with a signal, aborted at the first progress line `abortOn` matches. */
  function cancellingDeps(abortOn: (line: string) => boolean): ResourceDeps {
    const base = harness().deps;
    const controller = new AbortController();
    return {
      ...base,
      signal: controller.signal,
      status: (line) => {
        base.status(line);
        if (abortOn(line)) controller.abort(new Error("the engine cancelled the update"));
      },
    };
  }

  it("deletes the temporary datastore of a drill cancelled while its restore runs, and records nothing", async () => {
    const { emulator } = harness();
    const { source, backupId } = await drillFixture();
    await emulator.admin.setDurations({ restore: 600 });
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER });
    const deps = cancellingDeps((line) =>
      line.startsWith(`drill restore of backup ${backupId} into datastore `),
    );

    const error = await rejectionOf(logic(() => deps).create(inputs));
    expect(error).toBeInstanceOf(OperationError);
    expect(error).not.toBeInstanceOf(PartialCreateError);
    expect(isDfCloudError((error as OperationError).cause, "CancelledError")).toBe(true);
    expect((error as Error).message).toMatch(
      new RegExp(`^${say.operation.drilling(source, TRIGGER)}: Cancelled while `),
    );

    const writes = await harness().writes();
    const scratch = writes[1]?.replace("PUT /v1/datastores/", "") ?? "";
    expect(writes).toEqual([
      "POST /v1/datastores",
      `PUT /v1/datastores/${scratch}`,
      `DELETE /v1/datastores/${scratch}`,
    ]);
    expect((await stateOf(scratch)).status).toBe("deleting");
    expect(await liveTemporaries()).toEqual([]);
    expect(harness().logLines).toContain(say.operation.deleted(scratch));
  });

  it("deletes the temporary datastore of a drill cancelled while that datastore is still being made", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    await emulator.admin.setDurations({ datastoreCreate: 600 });
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER });
    const deps = cancellingDeps((line) => line.startsWith("temporary datastore "));

    const error = await rejectionOf(logic(() => deps).create(inputs));
    expect(isDfCloudError((error as OperationError).cause, "CancelledError")).toBe(true);
    const writes = await harness().writes();
    const created = (await stateDatastores()).filter((d) => d.config.name?.startsWith(TEMPORARY_NAME_PREFIX));
    expect(created).toHaveLength(1);
    const scratch = created[0]?.datastore_id;
    expect(writes).toEqual(["POST /v1/datastores", `DELETE /v1/datastores/${scratch}`]);
    expect(await liveTemporaries()).toEqual([]);
  });

  it("records a restore that never finishes within waitTimeoutMinutes as a failure of the restore step, and deletes the temporary datastore", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    await emulator.admin.setDurations({ restore: 10 * HOUR_SECONDS });
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER, waitTimeoutMinutes: 5 });

    const partial = asPartial(await rejectionOf(logic().create(inputs)));
    const outs = partial.properties;
    expect(outs.failures).toHaveLength(1);
    expect(outs.failures[0]).toMatch(/^restore: /);
    expect(outs.failures[0]).toContain("`waitTimeoutMinutes` = 5");
    expect(outs).toMatchObject({ passed: false, temporaryScratch: true, scratchDeleted: true });
    expect(outs.restoreSeconds).toBeUndefined();
    expect(outs.keys).toBeUndefined();
    expect((await stateOf(outs.scratchDatastoreId)).status).toBe("deleting");
    expect(await liveTemporaries()).toEqual([]);
  });

  it("records a temporary datastore that never becomes active within waitTimeoutMinutes as a failure of that step, and deletes it", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    await emulator.admin.setDurations({ datastoreCreate: 10 * HOUR_SECONDS });
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER, waitTimeoutMinutes: 5 });

    const partial = asPartial(await rejectionOf(logic().create(inputs)));
    const outs = partial.properties;
    expect(outs.failures).toHaveLength(1);
    expect(outs.failures[0]).toMatch(/^scratch datastore: /);
    expect(outs.scratchDatastoreId).toMatch(/^dst_/);
    expect(outs.scratchDeleted).toBe(true);
    expect(await harness().writes()).toEqual([
      "POST /v1/datastores",
      `DELETE /v1/datastores/${outs.scratchDatastoreId}`,
    ]);
    expect(await liveTemporaries()).toEqual([]);
  });

  it("says and records a temporary datastore whose delete failed; the next drill of the same trigger deletes it", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER });
    await failDeletes();
    const { outs: first } = await logic().create(inputs);
    const left = first.scratchDatastoreId;
    expect(first).toMatchObject({ passed: true, temporaryScratch: true, scratchDeleted: false });
    expect(harness().warnings).toHaveLength(1);
    expect(harness().warnings[0]?.startsWith(say.scratchNotDeleted(left, ""))).toBe(true);
    expect(await liveTemporaries()).toEqual([left]);

    await emulator.admin.clearFaults();
    await emulator.admin.clearRequests();
    harness().logLines.splice(0);
    const { outs: second } = await logic().create(inputs);
    const leftName = String((await stateOf(left)).config.name);
    expect(harness().logLines[0]).toBe(say.leftoverDeleted(left, leftName));
    expect(await harness().writes()).toEqual([
      `DELETE /v1/datastores/${left}`,
      "POST /v1/datastores",
      `PUT /v1/datastores/${second.scratchDatastoreId}`,
      `DELETE /v1/datastores/${second.scratchDatastoreId}`,
    ]);
    expect(await liveTemporaries()).toEqual([]);
  });

  it("deletes the temporary datastore a recorded drill could not delete before a new trigger's drill, even while its name says it may be in use", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER });
    await failDeletes();
    const { id, outs } = await logic().create(inputs);
    expect(outs.scratchDeleted).toBe(false);
    await emulator.admin.clearFaults();
    await emulator.admin.clearRequests();

    const { outs: next } = await logic().update(id, outs, { ...inputs, trigger: `${TRIGGER}-next` });
    expect(await harness().writes()).toEqual([
      `DELETE /v1/datastores/${outs.scratchDatastoreId}`,
      "POST /v1/datastores",
      `PUT /v1/datastores/${next.scratchDatastoreId}`,
      `DELETE /v1/datastores/${next.scratchDatastoreId}`,
    ]);
    expect(await liveTemporaries()).toEqual([]);
  });

  it("deletes a drill's leftover on destroy, and never the source or a named scratch datastore", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    const inputs = await checked({ datastoreId: source, trigger: TRIGGER });
    await failDeletes();
    const { id, outs } = await logic().create(inputs);
    await emulator.admin.clearFaults();
    await emulator.admin.clearRequests();
    harness().logLines.splice(0);

    await logic().delete(id, outs);
    expect(await harness().writes()).toEqual([`DELETE /v1/datastores/${outs.scratchDatastoreId}`]);
    expect(harness().logLines).toEqual([say.operation.deleted(outs.scratchDatastoreId)]);
    expect(await liveTemporaries()).toEqual([]);

    // A drill into a named scratch datastore: destroy deletes nothing.
    const scratch = await harness().seed({ ...PLAIN, name: "drills" });
    const named = await logic().create(
      await checked({ datastoreId: source, scratchDatastoreId: scratch, acknowledgeDataLoss: true }),
    );
    await emulator.admin.clearRequests();
    await logic().delete(named.id, named.outs);
    expect(await harness().writes()).toEqual([]);
    expect((await stateOf(scratch)).status).toBe("active");
    expect((await stateOf(source)).status).toBe("active");
  });

  it("leaves another trigger's temporary datastore alone while its drill may still run, and deletes it once it cannot", async () => {
    const { emulator } = harness();
    const { source } = await drillFixture();
    const { now } = await emulator.admin.clock();
    const running = await harness().seed({
      ...PLAIN,
      name: temporaryName(source, "2026-W01", now + HOUR_SECONDS * 1000, "aaaaaa"),
    });
    const expired = await harness().seed({
      ...PLAIN,
      name: temporaryName(source, "2025-W52", now - 60_000, "bbbbbb"),
    });
    // Another source's expired leftover is that source's drills' to delete; a look-alike name is not a drill's.
    const otherSource = await harness().seed({
      ...PLAIN,
      name: temporaryName("dst_elsewhere", TRIGGER, now - 60_000, "cccccc"),
    });
    const lookAlike = await harness().seed({ ...PLAIN, name: `${TEMPORARY_NAME_PREFIX}${source}-notes` });
    await emulator.admin.clearRequests();

    const { outs } = await logic().create(await checked({ datastoreId: source, trigger: TRIGGER }));
    expect(await harness().writes()).toEqual([
      `DELETE /v1/datastores/${expired}`,
      "POST /v1/datastores",
      `PUT /v1/datastores/${outs.scratchDatastoreId}`,
      `DELETE /v1/datastores/${outs.scratchDatastoreId}`,
    ]);
    expect(harness().logLines[0]).toBe(
      say.leftoverDeleted(expired, temporaryName(source, "2025-W52", now - 60_000, "bbbbbb")),
    );
    expect((await liveTemporaries()).sort()).toEqual([running, otherSource, lookAlike].sort());

    // An hour later the other trigger's drill cannot be running any more: its datastore is a leftover.
    await emulator.admin.advance(HOUR_SECONDS + 60);
    await emulator.admin.clearRequests();
    await logic().delete("drill", outs);
    expect(await harness().writes()).toEqual([`DELETE /v1/datastores/${running}`]);
  });
});

describe("RestoreDrill runs again only when what it proves changes", () => {
  /** A passed drill of the fixture's source, as recorded in state, and the inputs it ran with. */
  async function recordedDrill() {
    const { source } = await drillFixture();
    const inputs = await checked({
      datastoreId: source,
      expectKeys: ["order:1"],
      maxRestoreMinutes: 10,
      trigger: "t1",
    });
    const { id, outs } = await logic().create(inputs);
    await harness().emulator.admin.clearRequests();
    return { source, inputs, id, outs };
  }

  it("shows no change for the same inputs, nor for an unset backupId or the backup it drilled", async () => {
    const { inputs, id, outs } = await recordedDrill();
    expect(inputs.backupId).toBeUndefined();
    expect(await logic().diff(id, outs, inputs)).toEqual({ changes: false, changed: [] });
    expect(await logic().diff(id, outs, { ...inputs, backupId: outs.backupId })).toEqual({
      changes: false,
      changed: [],
    });
    expect(await logic().diff(id, outs, { ...inputs, backupId: "bkp_another" })).toEqual({
      changes: true,
      changed: ["backupId"],
    });
    expect(await requests()).toEqual([]);
  });

  it("drills again in place for a new trigger, new expectKeys or a new maxRestoreMinutes", async () => {
    const { inputs, id, outs } = await recordedDrill();
    expect(await logic().diff(id, outs, { ...inputs, trigger: "t2" })).toEqual({
      changes: true,
      changed: ["trigger"],
    });
    expect(await logic().diff(id, outs, { ...inputs, expectKeys: ["order:2"] })).toEqual({
      changes: true,
      changed: ["expectKeys"],
    });
    expect(await logic().diff(id, outs, { ...inputs, maxRestoreMinutes: 20 })).toEqual({
      changes: true,
      changed: ["maxRestoreMinutes"],
    });

    for (const news of [
      { ...inputs, trigger: "t2" },
      { ...inputs, expectKeys: ["order:2"] },
      { ...inputs, maxRestoreMinutes: 20 },
    ]) {
      await harness().emulator.admin.clearRequests();
      const { outs: again } = await logic().update(id, outs, news);
      const scratch = again.scratchDatastoreId;
      expect(scratch).not.toBe(outs.scratchDatastoreId);
      expect(again).toMatchObject({ ...news, passed: true, scratchDeleted: true });
      expect(again.checkedAt > outs.checkedAt).toBe(true);
      expect(await harness().writes()).toEqual([
        "POST /v1/datastores",
        `PUT /v1/datastores/${scratch}`,
        `DELETE /v1/datastores/${scratch}`,
      ]);
    }
  });

  it("only records a new waitTimeoutMinutes, sending nothing", async () => {
    const { inputs, id, outs } = await recordedDrill();
    const news = { ...inputs, waitTimeoutMinutes: 5 };
    expect(await logic().diff(id, outs, news)).toEqual({ changes: true, changed: ["waitTimeoutMinutes"] });
    expect(await logic().update(id, outs, news)).toEqual({ outs: { ...outs, waitTimeoutMinutes: 5 } });
    expect(await requests()).toEqual([]);
  });

  it("fails again without drilling when a failed drill is kept with the same inputs", async () => {
    const { source } = await drillFixture();
    const inputs = await checked({ datastoreId: source, expectKeys: ["order:3"], trigger: "t1" });
    const failed = asPartial(await rejectionOf(logic().create(inputs)));
    await harness().emulator.admin.clearRequests();

    const again = asPartial(await rejectionOf(logic().update(failed.id, failed.properties, inputs)));
    expect(again.message).toBe(say.recordedFailure(failed.properties));
    expect(again.id).toBe(failed.id);
    expect(again.properties).toEqual(failed.properties);
    expect(await requests()).toEqual([]);
  });

  it("drills again when a named scratch datastore is dropped for a temporary one", async () => {
    const { source } = await drillFixture();
    const scratch = await harness().seed({ ...PLAIN, name: "drills" });
    const inputs = await checked({
      datastoreId: source,
      scratchDatastoreId: scratch,
      acknowledgeDataLoss: true,
    });
    const { id, outs } = await logic().create(inputs);
    const temporary = await checked({ datastoreId: source });
    expect(await logic().diff(id, outs, temporary)).toEqual({
      changes: true,
      changed: ["scratchDatastoreId", "acknowledgeDataLoss"],
    });
    // And the other way: a recorded temporary drill asked for a named scratch datastore.
    const { id: tempId, outs: tempOuts } = await logic().create(temporary);
    expect(await logic().diff(tempId, tempOuts, inputs)).toEqual({
      changes: true,
      changed: ["scratchDatastoreId", "acknowledgeDataLoss"],
    });
  });
});

/**
 * A loopback proxy in front of the emulator that spoils every datastore password it forwards: the
 * client then authenticates with a wrong one, which contains the real one (so a leak of either shows).
 */
function spoilingProxy(target: string): Promise<{ url: string; close: () => Promise<void> }> {
  return rewritingProxy(target, (datastore) => {
    if (typeof datastore.password === "string" && datastore.password !== "")
      datastore.password = `${datastore.password}-spoiled`;
  });
}

describe("RestoreDrill never shows a datastore password", () => {
  /** Every password the emulator's datastores have. */
  async function passwords(): Promise<string[]> {
    const all = (await stateDatastores()).map((d) => d.password).filter((p) => p !== "");
    expect(all.length).toBeGreaterThan(0);
    return all;
  }

  /** Everything the drill showed or recorded, as text. */
  function shown(...values: unknown[]): string {
    const { logLines, warnings, statusLines } = harness();
    return [
      ...values.map((value) =>
        value instanceof Error ? `${value.message}\n${inspect(value, { depth: 20 })}` : JSON.stringify(value),
      ),
      ...logLines,
      ...warnings,
      ...statusLines,
    ].join("\n");
  }

  it("keeps the source's and the temporary datastore's passwords out of outputs, logs, warnings and errors", async () => {
    const { source } = await drillFixture();
    const response = await fetch(`${harness().emulator.url}/v1/datastores/${source}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const { password } = (await response.json()) as { password: string };
    expect(password.length).toBeGreaterThan(0);

    const passed = await logic().create(
      await checked({ datastoreId: source, expectKeys: ["order:1"], trigger: "t1" }),
    );
    const failed = await rejectionOf(
      logic().create(await checked({ datastoreId: source, minKeys: 5, trigger: "t2" })),
    );
    expect(failed).toBeInstanceOf(PartialCreateError);
    const everything = shown(passed, failed, (failed as PartialCreateError<RestoreDrillOutputs>).properties);
    for (const secret of [password, ...(await passwords())]) expect(everything).not.toContain(secret);
  });

  it("keeps the password out of the failure of a read-back whose authentication was refused", async () => {
    const { source } = await drillFixture();
    const proxy = await spoilingProxy(harness().emulator.url);
    try {
      const deps = harness().depsThrough(proxy.url);
      const inputs = await checked({ datastoreId: source, trigger: TRIGGER });
      const partial = asPartial(await rejectionOf(logic(() => deps).create(inputs)));
      const outs = partial.properties;
      expect(outs.failures).toHaveLength(1);
      expect(outs.failures[0]).toMatch(/^read-back: /);
      expect(outs.failures[0]).toContain("authentication refused as user default (WRONGPASS");
      expect(outs).toMatchObject({ scratchDeleted: true, passed: false });
      expect(outs.keys).toBeUndefined();
      expect(await liveTemporaries()).toEqual([]);
      const everything = shown(partial, outs);
      for (const secret of await passwords()) expect(everything).not.toContain(secret);
    } finally {
      await proxy.close();
    }
  });
});
