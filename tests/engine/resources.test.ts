/**
 * The three resources through the real engine (Automation API, inline program) against the
 * emulator: preview shows the creates and writes nothing; up; an unchanged and a reordered program
 * preview no change; a console edit shows as drift on refresh and up reverts it; a restore restores
 * the backed-up data and never re-runs by accident; destroy disables the schedule, deletes the
 * backup and leaves the restored data. The exported state holds no API key.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import type { RunningEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  configureForEmulator,
  consoleScheduleEdit,
  failedPreview,
  frozenEmulator,
  inlineStack,
  livePolicy,
  seedTestDatastore,
  stepRecorder,
  takeApiCalls,
  writesIn,
} from "./harness";

const API_KEY = "dragonflydb_engine_test_key_0123456789";

/** What the inline program declares; tests change it between steps. */
interface Scenario {
  days: string[] | "every";
  hours: number[] | "every";
  restore?: { backupId?: string; trigger: string };
}

/** The API policy the program's schedule (Mon and Thu, 02:00 and 14:00 UTC, 7 days) stands for. */
const DECLARED_POLICY = {
  enabled: true,
  every_day: false,
  weekdays: [1, 4],
  every_hour: false,
  hours: [2, 14],
  retention: 7,
};

let scenario: Scenario = { days: ["mon", "thu"], hours: [2, 14] };
let datastoreId = "";

function program() {
  const schedule = new dfcloud.BackupSchedule("nightly", {
    datastoreId,
    days: scenario.days,
    hours: scenario.hours,
    retentionDays: 7,
  });
  const safety = new dfcloud.Backup("safety", {
    datastoreId,
    description: "before the drill",
    retentionDays: 14,
  });
  if (scenario.restore) {
    new dfcloud.Restore("drill", {
      datastoreId,
      backupId: scenario.restore.backupId ?? safety.backupId,
      acknowledgeDataLoss: true,
      trigger: scenario.restore.trigger,
    });
  }
  return Promise.resolve({
    scheduleDays: schedule.days,
    backupId: safety.backupId,
    backupStatus: safety.status,
  });
}

describe("BackupSchedule, Backup and Restore on the real engine", () => {
  let emulator: RunningEmulator;
  let stack: Stack;
  let workDir = "";
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);

  const apiCalls = () => takeApiCalls(emulator);
  async function manualBackups() {
    const response = await fetch(`${emulator.url}/v1/backups`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    return ((await response.json()) as { backup_id: string; source: string; status: string }[]).filter(
      (b) => b.source === "manual",
    );
  }

  beforeAll(async () => {
    // Frozen emulator time and instant transitions: every wait completes on its next poll.
    emulator = await frozenEmulator([API_KEY]);
    datastoreId = await seedTestDatastore(emulator, API_KEY);
    await emulator.admin.setData(datastoreId, { order: "A" });

    ({ stack, workDir } = await inlineStack("resources", program));
    await configureForEmulator(stack, emulator, API_KEY);
    await apiCalls();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("previews two creates and writes nothing", async () => {
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent, onOutput });
    expect(preview.counts).toEqual({ create: 2 });
    expect(writesIn(await apiCalls())).toEqual([]);
  });

  it("creates the schedule and a ready backup", async () => {
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toMatchObject({ create: 3 }); // the stack, the schedule, the backup
    expect(await livePolicy(emulator, datastoreId)).toEqual(DECLARED_POLICY);
    const backups = await manualBackups();
    expect(backups).toHaveLength(1);
    expect(backups[0]?.status).toBe("ready");
    expect(up.outputs.backupId?.value).toBe(backups[0]?.backup_id);
    expect(up.outputs.scheduleDays?.value).toEqual(["mon", "thu"]);
    const calls = await apiCalls();
    // The two resources are created in parallel, so their writes interleave.
    expect(calls.filter((call) => call.startsWith("PUT") || call.startsWith("POST")).sort()).toEqual([
      "POST /v1/backups",
      `PUT /v1/datastores/${datastoreId}`,
    ]);
  });

  it("previews no change, also after reordering and re-casing the days", async () => {
    const same = stepRecorder();
    await stack.preview({ onEvent: same.onEvent });
    expect(same.counts).toEqual({});
    scenario = { ...scenario, days: ["THU", "Monday"], hours: [14, 2] };
    const reordered = stepRecorder();
    await stack.preview({ onEvent: reordered.onEvent });
    expect(reordered.counts).toEqual({});
    expect(await apiCalls()).toEqual([]);
  });

  it("shows a console edit as drift on refresh, and up puts the schedule back", async () => {
    await consoleScheduleEdit(emulator, API_KEY, datastoreId, {
      enabled: true,
      every_day: true,
      every_hour: true,
      retention: 3,
    });
    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toMatchObject({ update: 1 });
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
    expect(await livePolicy(emulator, datastoreId)).toEqual(DECLARED_POLICY);
  });

  it("restores the backed-up data into the datastore, once", async () => {
    await emulator.admin.setData(datastoreId, { order: "B", extra: "B" });
    scenario = { ...scenario, restore: { trigger: "2026-11-27" } };
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toMatchObject({ create: 1 });
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "A" });

    await emulator.admin.setData(datastoreId, { order: "C" });
    const again = await stack.up({ onOutput });
    expect(again.summary.resourceChanges).not.toHaveProperty("create");
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "C" });
  });

  it("fails the preview when the restore's backup changes without a new trigger", async () => {
    const current = (await stack.outputs()).backupId?.value as string;
    const other = await fetch(`${emulator.url}/v1/backups`, {
      method: "POST",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ datastore_id: datastoreId, description: "other", retention: 1 }),
    }).then((r) => r.json() as Promise<{ backup_id: string }>);
    scenario = { ...scenario, restore: { backupId: other.backup_id, trigger: "2026-11-27" } };
    await apiCalls();
    expect(await failedPreview(stack, onOutput)).toContain(
      `property backupId value {${other.backup_id}} has a problem: backupId: changed from "${current}" to "${other.backup_id}", but this restore already ran`,
    );
    expect(writesIn(await apiCalls())).toEqual([]);
    scenario = { ...scenario, restore: { trigger: "2026-11-27" } };
    await fetch(`${emulator.url}/v1/backups/${other.backup_id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${API_KEY}` },
    });
  });

  it("keeps the API key out of the state files and the engine's output", async () => {
    // Every file the backend wrote (checkpoints, history, backups): the engine records the stack
    // config as the default provider's inputs, so the key is there only as ciphertext.
    const stateFiles = fs.readdirSync(path.join(workDir, ".pulumi-state"), {
      recursive: true,
      withFileTypes: true,
    });
    const files = stateFiles
      .filter((entry) => entry.isFile())
      .map((entry) => path.join(entry.parentPath, entry.name));
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) expect(fs.readFileSync(file, "utf8")).not.toContain(API_KEY);
    expect(output.join("")).not.toContain(API_KEY);
    const resources = (await stack.exportStack()).deployment.resources as {
      type: string;
      inputs?: { __provider?: string };
    }[];
    const sizes = Object.fromEntries(
      resources
        .filter((r) => r.inputs?.__provider)
        .map((r) => [r.type.split(":").pop(), r.inputs?.__provider?.length]),
    );
    console.log(`__provider bytes per resource: ${JSON.stringify(sizes)}`);
    for (const size of Object.values(sizes)) expect(size).toBeLessThan(4096);
  });

  it("destroys: the schedule disabled, the backup deleted, the restored data left alone", async () => {
    await emulator.admin.setData(datastoreId, { order: "D" });
    const destroy = await stack.destroy({ onOutput });
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: 4 });
    expect(await livePolicy(emulator, datastoreId)).toMatchObject({
      enabled: false,
      weekdays: [1, 4],
      hours: [2, 14],
    });
    expect(await manualBackups()).toEqual([]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "D" });
    expect(output.join("")).toContain("keeps its data (a restore cannot be undone)");
  });
});
