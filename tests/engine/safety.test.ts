/**
 * The promises that keep data safe, through the real engine (Automation API, inline programs) against
 * the emulator: a restore runs at most once across a failure after it started and a killed provider;
 * identical backups never share an id; expiry is judged on the API's clock; bad ids fail the
 * preview; a failed backup is final; a cascade into a Restore shows at preview; a new wait timeout
 * reaches state. Each test asserts the engine's change summary or error, the emulator's request log
 * and state, not exit codes.
 */
import * as fs from "node:fs";
import type * as pulumi from "@pulumi/pulumi";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { backupMessages, restoreMessages } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  asPrinted,
  configureForEmulator,
  freshTestDatastore,
  frozenEmulator,
  inlineStack,
  stepRecorder,
} from "./harness";

const API_KEY = "dragonflydb_engine_safety_key_0123456789";
const DAY_SECONDS = 86_400;

let emulator: RunningEmulator;
let datastoreId = "";

beforeAll(async () => {
  // Frozen emulator time: transitions that take time finish only when a test advances the clock.
  emulator = await frozenEmulator([API_KEY]);
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  datastoreId = await freshTestDatastore(emulator, API_KEY, { order: "A" });
});

/** A stack of `program` configured for the emulator. */
async function stackOf(name: string, program: PulumiFn): Promise<{ stack: Stack; workDir: string }> {
  const made = await inlineStack(name, program);
  await configureForEmulator(made.stack, emulator, API_KEY);
  return made;
}

/** Declares the Restore "drill" of `backupId` into the test's datastore, its data loss acknowledged. */
function drillRestore(
  backupId: pulumi.Input<string>,
  trigger: string,
  ifAlreadyLoaded?: dfcloud.IfAlreadyLoaded,
): dfcloud.Restore {
  return new dfcloud.Restore("drill", {
    datastoreId,
    backupId,
    acknowledgeDataLoss: true,
    trigger,
    ...(ifAlreadyLoaded ? { ifAlreadyLoaded } : {}),
  });
}

/** Writes (method and path) the emulator saw since the last reset or clear. */
async function writes(): Promise<string[]> {
  const log = await emulator.admin.requests();
  return log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
}

/** Waits, polling the emulator, until `condition` holds; fails after `timeoutMs` of real time. */
async function until(condition: () => Promise<boolean>, what: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

const restorePutSeen = async () => (await writes()).includes(`PUT /v1/datastores/${datastoreId}`);

/** The resources of a stack's state, by name. */
async function stateOf(stack: Stack): Promise<Record<string, { outputs: Record<string, unknown> }>> {
  const resources = (await stack.exportStack()).deployment.resources as {
    urn: string;
    outputs?: Record<string, unknown>;
  }[];
  return Object.fromEntries(
    resources.map((r) => [r.urn.split("::").pop() ?? "", { outputs: r.outputs ?? {} }]),
  );
}

async function liveRestore(): Promise<unknown> {
  const state = await emulator.admin.state();
  return state.datastores.find((d) => d.datastore_id === datastoreId)?.config.restore;
}

/** Dynamic-provider processes started for the stack in `workDir` (their environment names its PULUMI_HOME). */
function providerProcesses(workDir: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, "utf8");
      const environ = fs.readFileSync(`/proc/${entry}/environ`, "utf8");
      if (cmdline.includes("dynamic-provider") && environ.includes(workDir)) pids.push(Number(entry));
    } catch {
      // The process ended while being read.
    }
  }
  return pids;
}

describe("a restore runs at most once", () => {
  let backupId = "";
  let ifAlreadyLoaded: dfcloud.IfAlreadyLoaded = "fail";
  const program: PulumiFn = async () => {
    const restore = drillRestore(backupId, "t1", ifAlreadyLoaded);
    return { status: restore.status, restoredAt: restore.restoredAt };
  };

  beforeEach(async () => {
    ifAlreadyLoaded = "fail";
    backupId = (await emulator.admin.seedBackup(datastoreId, { description: "safety" })).backup_id;
    await emulator.admin.setData(datastoreId, { order: "B" });
    // The restore takes ten minutes of emulator time: it runs until a test advances the clock.
    await emulator.admin.setDurations({ restore: 600 });
    await emulator.admin.clearRequests();
  });

  it("records a restore that failed after it started, and the next up waits for it without a second PUT", async () => {
    const { stack } = await stackOf("restore-failed-wait", program);
    const output: string[] = [];
    const running = stack.up({ onOutput: (line) => output.push(line) }).catch((error: Error) => error);
    await until(restorePutSeen, "the restore PUT");
    // Every read of the datastore fails from now on, so the wait for the restore gives up.
    await emulator.admin.setFaults({
      rate: 1,
      kinds: ["500"],
      methods: ["GET"],
      pathPrefix: "/v1/datastores",
    });
    const failed = await running;
    expect(failed).toBeInstanceOf(Error);
    const recorded = (await stateOf(stack)).drill?.outputs;
    expect(recorded).toMatchObject({ status: "restoring", backupId });
    const [headline] = restoreMessages.notSeenToFinish(String(recorded?.startedAt), "").split("\n");
    expect(String((failed as Error).message)).toContain(headline);

    await emulator.admin.clearFaults();
    await emulator.admin.advance(600);
    await emulator.admin.setData(datastoreId, { order: "written after the restore" });
    const up = await stack.up({ onOutput: (line) => output.push(line) });
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.outputs.status?.value).toBe("restored");
    expect((await writes()).filter((w) => w.startsWith("PUT"))).toEqual([
      `PUT /v1/datastores/${datastoreId}`,
    ]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "written after the restore" });
  });

  it("after a killed provider, starts no second restore and says how to record or repeat it", async () => {
    const { stack, workDir } = await stackOf("restore-killed", program);
    const running = stack.up().catch((error: Error) => error);
    await until(restorePutSeen, "the restore PUT");
    await until(async () => providerProcesses(workDir).length > 0, "the provider process");
    for (const pid of providerProcesses(workDir)) process.kill(pid, "SIGKILL");
    expect(await running).toBeInstanceOf(Error);
    await emulator.admin.advance(600);
    expect(await liveRestore()).toEqual({ backup_id: backupId, loaded: true });
    await emulator.admin.setData(datastoreId, { order: "written after the restore" });

    const refused = await stack.up().catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    const lastRestore = JSON.stringify({ backup_id: backupId, loaded: true });
    expect(String((refused as Error).message)).toContain(
      asPrinted(`backupId: ${restoreMessages.alreadyHeld(datastoreId, backupId, lastRestore)}`),
    );

    ifAlreadyLoaded = "skip";
    const recorded = await stack.up();
    expect(recorded.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(recorded.outputs.status?.value).toBe("skipped");
    expect((await writes()).filter((w) => w.startsWith("PUT"))).toEqual([
      `PUT /v1/datastores/${datastoreId}`,
    ]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "written after the restore" });
  });
});

describe("a new trigger restores again, in place", () => {
  let backupId = "";
  let trigger = "t1";
  let ifAlreadyLoaded: dfcloud.IfAlreadyLoaded = "fail";
  const program: PulumiFn = async () => {
    const restore = drillRestore(backupId, trigger, ifAlreadyLoaded);
    return { status: restore.status, trigger: restore.trigger };
  };
  const restorePuts = async () =>
    (await writes()).filter((write) => write === `PUT /v1/datastores/${datastoreId}`);

  /** A stack whose Restore restored the backup with trigger "t1"; the datastore written to since. */
  async function restoredStack(name: string): Promise<{ stack: Stack; workDir: string }> {
    const made = await stackOf(name, program);
    const first = await made.stack.up();
    expect(first.outputs.status?.value).toBe("restored");
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "A" });
    await emulator.admin.setData(datastoreId, { order: "written after the restore" });
    await emulator.admin.clearRequests();
    return made;
  }

  beforeEach(async () => {
    trigger = "t1";
    ifAlreadyLoaded = "fail";
    backupId = (await emulator.admin.seedBackup(datastoreId, { description: "drill" })).backup_id;
    await emulator.admin.setData(datastoreId, { order: "B" });
  });

  it("previews an update, not a replacement, and up sends exactly one more restore PUT", async () => {
    const { stack } = await restoredStack("rerun");
    trigger = "t2";
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({ update: 1 });
    expect(await writes()).toEqual([]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.summary.resourceChanges).not.toHaveProperty("create");
    expect(up.outputs).toMatchObject({ status: { value: "restored" }, trigger: { value: "t2" } });
    expect(await restorePuts()).toEqual([`PUT /v1/datastores/${datastoreId}`]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "A" });
  });

  it("after a provider killed once the new trigger's restore was sent, the next up waits for that restore and sends none", async () => {
    const { stack, workDir } = await restoredStack("rerun-killed");
    // The restore runs until the test advances the emulator's clock.
    await emulator.admin.setDurations({ restore: 600 });
    trigger = "t2";
    const running = stack.up().catch((error: Error) => error);
    await until(async () => (await restorePuts()).length > 0, "the restore PUT");
    await until(async () => providerProcesses(workDir).length > 0, "the provider process");
    for (const pid of providerProcesses(workDir)) process.kill(pid, "SIGKILL");
    expect(await running).toBeInstanceOf(Error);
    // Nothing recorded the new run: the stack still holds the first one.
    expect((await stateOf(stack)).drill?.outputs).toMatchObject({ trigger: "t1", status: "restored" });
    await emulator.admin.clearRequests();

    const next = stack.up();
    // The update has read the datastore restoring and is polling it: the restore may now finish.
    const datastoreReads = async () =>
      (await emulator.admin.requests()).filter(
        (entry) => entry.method === "GET" && entry.path === `/v1/datastores/${datastoreId}`,
      ).length;
    await until(async () => (await datastoreReads()) >= 4, "the update waiting for the running restore");
    await emulator.admin.advance(600);
    const up = await next;
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(up.outputs).toMatchObject({ status: { value: "restored" }, trigger: { value: "t2" } });
    expect(await restorePuts()).toEqual([]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "A" });
  });

  it('records a new trigger\'s restore whose answer was lost as "unknown"; the next up sends none and says what to check', async () => {
    const { stack } = await restoredStack("rerun-lost-answer");
    // The restore finishes at once, so the re-read after the lost answer shows what it showed before.
    await emulator.admin.setFaults({
      rate: 1,
      kinds: ["drop"],
      methods: ["PUT"],
      pathPrefix: "/v1/datastores",
      limit: 1,
    });
    trigger = "t2";
    const lost = await stack.up().catch((error: Error) => error);
    expect(lost).toBeInstanceOf(Error);
    const lastRestore = JSON.stringify({ backup_id: backupId, loaded: true });
    // The client's account of the lost answer, then what the Restore did about it.
    const why =
      `The answer to PUT /v1/datastores/${datastoreId} (the restore of backup ${backupId}) was lost, and datastore ` +
      `${datastoreId} is now active with restore ${lastRestore} (before: ${lastRestore}): cannot tell whether it was applied`;
    const rerunning = restoreMessages.operation.rerunning(backupId, datastoreId, "t2");
    expect(String((lost as Error).message)).toContain(
      asPrinted(`${rerunning}: ${restoreMessages.answerLostRecorded(why)}`),
    );
    const record = (await stateOf(stack)).drill?.outputs;
    expect(record).toMatchObject({ trigger: "t2", status: "unknown" });
    expect(await restorePuts()).toEqual([`PUT /v1/datastores/${datastoreId}`]);
    // The lost request did restore (the emulator handled it before dropping the answer); what is
    // written after it must survive every later `up`.
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "A" });
    await emulator.admin.setData(datastoreId, { order: "written after the lost answer" });
    await emulator.admin.clearFaults();
    await emulator.admin.clearRequests();

    const refused = await stack.up().catch((error: Error) => error);
    expect(refused).toBeInstanceOf(Error);
    const held = { datastoreId, backupId, status: "active", lastRestore };
    const requested = { trigger: "t2", startedAt: String(record?.startedAt) };
    expect(String((refused as Error).message)).toContain(
      asPrinted(`${rerunning}: backupId: ${restoreMessages.recordLostAnswer(held, requested)}`),
    );
    expect(await writes()).toEqual([]);

    ifAlreadyLoaded = "skip";
    const recorded = await stack.up();
    expect(recorded.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(recorded.outputs).toMatchObject({ status: { value: "skipped" }, trigger: { value: "t2" } });
    expect(await writes()).toEqual([]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "written after the lost answer" });
  });
});

describe("identical backups in one program", () => {
  it("never share one id, even when the answer to the first POST is lost", async () => {
    const program: PulumiFn = async () => {
      const spec = { datastoreId, description: "twin", retentionDays: 3 };
      const a = new dfcloud.Backup("twin-a", spec);
      const b = new dfcloud.Backup("twin-b", spec);
      return { a: a.backupId, b: b.backupId };
    };
    const { stack } = await stackOf("twin-backups", program);
    await emulator.admin.setFaults({
      rate: 1,
      kinds: ["drop"],
      methods: ["POST"],
      pathPrefix: "/v1/backups",
      limit: 1,
    });
    const up = await stack.up();
    const ids = [up.outputs.a?.value, up.outputs.b?.value];
    expect(new Set(ids).size).toBe(2);
    const manual = (await emulator.admin.state()).backups.filter((b) => b.source === "manual");
    expect(manual.map((b) => b.backup_id).sort()).toEqual([...ids].sort());
    expect((await writes()).filter((w) => w === "POST /v1/backups")).toHaveLength(2);
  });
});

describe("expiry on the API's clock", () => {
  it("keeps a backup the API expired as `expired` on refresh, and up makes no new one", async () => {
    const program: PulumiFn = async () => {
      const backup = new dfcloud.Backup("two-weeks", { datastoreId, description: "kept", retentionDays: 14 });
      return { backupId: backup.backupId, status: backup.status };
    };
    const { stack } = await stackOf("expiry", program);
    const created = await stack.up();
    const backupId = created.outputs.backupId?.value;
    // Only the API's clock moves; this machine's does not: by it the backup has 14 days to go.
    await emulator.admin.advance(15 * DAY_SECONDS);
    expect((await emulator.admin.state()).backups.map((b) => b.backup_id)).not.toContain(backupId);
    const refresh = await stack.refresh();
    // Not dropped from state (before: a `delete` step, then `up` made a new backup).
    expect(refresh.summary.resourceChanges).not.toHaveProperty("delete");
    expect((await stateOf(stack))["two-weeks"]?.outputs).toMatchObject({ backupId, status: "expired" });
    await emulator.admin.clearRequests();
    const up = await stack.up();
    expect(up.summary.resourceChanges).not.toHaveProperty("create");
    expect(await writes()).toEqual([]);
  });
});

describe("preview checks ids", () => {
  let schedule: { datastoreId: string } | undefined;
  let backup: { datastoreId: string } | undefined;
  const program: PulumiFn = async () => {
    if (schedule)
      new dfcloud.BackupSchedule("s", { ...schedule, days: "every", hours: [2], retentionDays: 7 });
    if (backup) new dfcloud.Backup("b", { ...backup, retentionDays: 7 });
  };

  it.each([
    [
      "BackupSchedule",
      "../../v1/backups",
      'datastoreId: "../../v1/backups" is not a datastore id: ids are 1 to 128 letters, digits, "_" and "-" (for example dst_…)',
    ],
    [
      "BackupSchedule",
      "dst_doesnotexist",
      "datastoreId: datastore dst_doesnotexist does not exist in this account",
    ],
    ["Backup", "dst_doesnotexist", "datastoreId: datastore dst_doesnotexist does not exist in this account"],
  ])("%s with datastoreId %s fails the preview and writes nothing", async (kind, id, message) => {
    schedule = kind === "BackupSchedule" ? { datastoreId: id } : undefined;
    backup = kind === "Backup" ? { datastoreId: id } : undefined;
    const { stack } = await stackOf(`bad-id-${kind.toLowerCase()}`, program);
    await emulator.admin.clearRequests();
    const failed = await stack.preview().catch((error: Error) => error);
    expect(failed).toBeInstanceOf(Error);
    expect(String((failed as Error).message)).toContain(message);
    expect(await writes()).toEqual([]);
  });
});

describe("a failed backup", () => {
  it("says it is final and how to replace it, at every up, without waiting again", async () => {
    const failed = await emulator.admin.seedBackup(datastoreId, {
      status: "failed",
      description: "d",
      retention: 3,
    });
    const program: PulumiFn = async () => {
      new dfcloud.Backup("adopted", {
        datastoreId,
        description: "d",
        retentionDays: 3,
        existingBackupId: failed.backup_id,
      });
    };
    const { stack } = await stackOf("failed-backup", program);
    const hint = asPrinted(backupMessages.backupFailed(failed.backup_id));
    for (let run = 1; run <= 2; run++) {
      const error = await stack.up().catch((e: Error) => e);
      expect(error).toBeInstanceOf(Error);
      expect(String((error as Error).message)).toContain(hint);
      expect(String((error as Error).message)).not.toContain("keep waiting");
    }
    expect((await stateOf(stack)).adopted?.outputs).toMatchObject({ status: "failed" });
  });
});

describe("a cascade into a Restore", () => {
  it("shows at preview: the Restore is listed as changing and a warning says up will stop", async () => {
    let description = "before the drill";
    const program: PulumiFn = async () => {
      const backup = new dfcloud.Backup("safety", { datastoreId, description, retentionDays: 3 });
      drillRestore(backup.backupId, "t1");
    };
    const { stack } = await stackOf("cascade", program);
    await stack.up();
    description = "replaced";
    const output: string[] = [];
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent, onOutput: (line) => output.push(line) });
    expect(preview.counts).toMatchObject({ "create-replacement": 1, update: 1 });
    expect(output.join("")).toContain(`warning: ${restoreMessages.idNotKnownYet("backupId")}`);
  });
});

describe("a new wait timeout alone", () => {
  it("is an in-place update that reaches state and writes nothing", async () => {
    let waitTimeoutMinutes = 30;
    const program: PulumiFn = async () => {
      new dfcloud.BackupSchedule("s", {
        datastoreId,
        days: "every",
        hours: [2],
        retentionDays: 7,
        waitTimeoutMinutes,
      });
    };
    const { stack } = await stackOf("wait-timeout", program);
    await stack.up();
    waitTimeoutMinutes = 90;
    await emulator.admin.clearRequests();
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect((await stateOf(stack)).s?.outputs).toMatchObject({ waitTimeoutMinutes: 90 });
    expect(await writes()).toEqual([]);
  });
});
