/**
 * Schedules in a time zone through the real engine (Automation API, inline program) against the emulator: a
 * BackupSchedule on Mondays and Thursdays at 02:00 in Europe/Berlin.
 *
 * - preview: the default dstHandling ("reject") fails, naming both offsets and the other two
 *   choices; weekdays and hours that are no product in UTC fail, listing the UTC slots; nothing is
 *   sent to the API either time.
 * - up with dstHandling "follow" in January writes 01:00 UTC (UTC+1), and the outputs say so.
 * - refresh shows no drift; a console edit is drift in local time, and up puts the schedule back.
 * - The emulator's clock moves to July: refresh, on the API's clock, reads the stored 01:00 UTC as
 *   03:00 in Berlin's summer (drift), and up writes 00:00 UTC; refresh then shows no drift.
 * - destroy disables the schedule.
 */
import type { Stack } from "@pulumi/pulumi/automation";
import { scheduleMessages } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  asPrinted,
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

const API_KEY = "dragonflydb_time_zone_key_0123456789";
/** Thursday 2026-01-15 10:30 UTC: Berlin is at UTC+1. */
const JANUARY = Date.UTC(2026, 0, 15, 10, 30);
/** Wednesday 2026-07-15 10:30 UTC: Berlin is at UTC+2. */
const JULY = Date.UTC(2026, 6, 15, 10, 30);

/** What the program declares; tests change it between steps. */
const declared: {
  days: string[];
  hours: number[];
  dstHandling?: "reject" | "standardTime" | "follow";
} = { days: ["mon", "thu"], hours: [2] };
let datastoreId = "";

function program() {
  const schedule = new dfcloud.BackupSchedule("berlin", {
    datastoreId,
    retentionDays: 7,
    timeZone: "Europe/Berlin",
    ...declared,
  });
  return Promise.resolve({
    utcDays: schedule.utcDays,
    utcHours: schedule.utcHours,
    utcOffsetHours: schedule.utcOffsetHours,
  });
}

/** The live policy of Monday and Thursday at `hour` UTC, kept 7 days. */
const policyAt = (hour: number, enabled = true) => ({
  enabled,
  every_day: false,
  weekdays: [1, 4],
  every_hour: false,
  hours: [hour],
  retention: 7,
});

describe("BackupSchedule in Europe/Berlin on the real engine", () => {
  let emulator: RunningEmulator;
  let stack: Stack;
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);

  const apiCalls = () => takeApiCalls(emulator);

  /** The schedule's outputs as the stack's state holds them. */
  async function stateOutputs(): Promise<Record<string, unknown>> {
    const state = await stack.exportStack();
    const resources = (state.deployment as { resources: { urn: string; outputs: Record<string, unknown> }[] })
      .resources;
    const schedule = resources.find((resource) => resource.urn.endsWith("::berlin"));
    if (!schedule) throw new Error("the schedule is not in the stack's state");
    return schedule.outputs;
  }

  beforeAll(async () => {
    // Frozen emulator time, moved only by the test; instant transitions.
    emulator = await frozenEmulator([API_KEY], { startTime: JANUARY });
    datastoreId = await seedTestDatastore(emulator, API_KEY, {
      name: "orders-berlin",
      location: { provider: "aws", region: "eu-central-1", availability_zones: ["euc1-az1"] },
    });
    ({ stack } = await inlineStack("time-zone", program));
    await configureForEmulator(stack, emulator, API_KEY);
    await apiCalls();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("fails the preview under the default dstHandling, naming both offsets and the other choices, sending nothing", async () => {
    const message = await failedPreview(stack, onOutput);
    // The year is this machine's: no answer has told the provider the API's time at this point.
    // The year is the only part that depends on the clock.
    const refusal = (year: number) =>
      asPrinted(
        scheduleMessages.observesDst({
          zone: "Europe/Berlin",
          offsets: "UTC+1 in standard time and UTC+2 in daylight saving time",
          year,
          standard: "UTC+1",
          standardTimeEffect: "backups run one hour later in local time while the zone is at UTC+2",
        }),
      );
    const year = Number(/in (\d{4}), and the API stores/.exec(message)?.[1]);
    expect(message).toContain(refusal(year));
    expect(await apiCalls()).toEqual([]);
  });

  it("fails the preview for weekdays and hours that are no product in UTC, listing the UTC slots, sending nothing", async () => {
    declared.dstHandling = "follow";
    declared.hours = [0, 2];
    try {
      const message = await failedPreview(stack, onOutput);
      expect(message).toContain(
        asPrinted(
          scheduleMessages.notAProduct({
            days: '["mon","thu"]',
            hours: "[0,2]",
            where: "Europe/Berlin at UTC+1 (standard time)",
            utcSlots: "Sunday 23:00; Monday 01:00; Wednesday 23:00; Thursday 01:00",
            alternatives:
              'days "every" (backups every day at these hours), or only hours [0], or only hours [2]',
          }),
        ),
      );
      expect(await apiCalls()).toEqual([]);
    } finally {
      declared.hours = [2];
    }
  });

  it("previews a create, and up in January writes Monday and Thursday 01:00 UTC", async () => {
    const steps = stepRecorder();
    await stack.preview({ onEvent: steps.onEvent, onOutput });
    expect(steps.counts).toEqual({ create: 1 });
    await apiCalls();

    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ create: 2 }); // the stack and the schedule
    expect(await livePolicy(emulator, datastoreId)).toEqual(policyAt(1));
    expect(writesIn(await apiCalls())).toEqual([`PUT /v1/datastores/${datastoreId}`]);
    expect(up.outputs.utcDays?.value).toEqual(["mon", "thu"]);
    expect(up.outputs.utcHours?.value).toEqual([1]);
    expect(up.outputs.utcOffsetHours?.value).toBe(1);
  });

  it("refresh of the unchanged schedule shows no drift and writes nothing", async () => {
    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toEqual({ same: 2 });
    const steps = stepRecorder();
    await stack.preview({ onEvent: steps.onEvent, onOutput });
    expect(steps.counts).toEqual({});
    expect(writesIn(await apiCalls())).toEqual([]);
  });

  it("a console edit is drift in Berlin time on refresh, and up puts the schedule back", async () => {
    // The console's edit: the whole config back with the policy at 05:00 UTC.
    await consoleScheduleEdit(emulator, API_KEY, datastoreId, policyAt(5));
    await apiCalls();

    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    // 05:00 UTC is 06:00 in Berlin's winter: the drift is in the user's terms.
    expect(await stateOutputs()).toMatchObject({ hours: [6], utcHours: [5], utcOffsetHours: 1 });

    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(await livePolicy(emulator, datastoreId)).toEqual(policyAt(1));
    expect(writesIn(await apiCalls())).toEqual([`PUT /v1/datastores/${datastoreId}`]);
  });

  it("in July, on the API's clock, refresh shows the stale UTC hour as drift and up writes 00:00 UTC", async () => {
    await emulator.admin.advance((JULY - JANUARY) / 1000);
    await apiCalls();

    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    // The stored 01:00 UTC is 03:00 in Berlin's summer.
    expect(await stateOutputs()).toMatchObject({ hours: [3], utcHours: [1], utcOffsetHours: 2 });
    expect(writesIn(await apiCalls())).toEqual([]);

    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ same: 1, update: 1 });
    expect(await livePolicy(emulator, datastoreId)).toEqual(policyAt(0));
    expect(writesIn(await apiCalls())).toEqual([`PUT /v1/datastores/${datastoreId}`]);
    expect(up.outputs.utcHours?.value).toEqual([0]);
    expect(up.outputs.utcOffsetHours?.value).toBe(2);

    const again = await stack.refresh({ onOutput });
    expect(again.summary.resourceChanges).toEqual({ same: 2 });
  });

  it("destroy disables the schedule, keeping its UTC weekdays and hours", async () => {
    const destroy = await stack.destroy({ onOutput });
    expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
    expect(await livePolicy(emulator, datastoreId)).toEqual(policyAt(0, false));
  });
});
