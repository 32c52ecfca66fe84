/**
 * Schedule inputs through the real engine (Automation API, inline program) against the emulator.
 *
 * `"every"` and a list of all seven weekdays (or all 24 hours) are the same schedule: the API takes
 * the same backups either way. Changing one spelling into the other, either way, previews no change
 * (the change summary has only `same`), `up` sends no PUT, and a live policy that lists every
 * weekday and hour is no drift on refresh.
 *
 * A bad value fails the preview with a message that names what was given — NaN and Infinity as
 * themselves (they reach the provider's check unchanged: the program and the engine exchange inputs
 * as protobuf doubles, which carry NaN and ±Infinity), a string as a string — and nothing is written.
 */
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

const API_KEY = "dragonflydb_schedule_inputs_key_0123456789";

/** All seven weekdays, in another order, case and length than the API's. */
const SEVEN_NAMES = ["Saturday", "FRI", "thu", "Wednesday", "tue", "MONDAY", "sun"];
/** All 24 hours, descending. */
const ALL_HOURS = Array.from({ length: 24 }, (_, hour) => 23 - hour);
const EVERY_POLICY = { enabled: true, every_day: true, every_hour: true, retention: 7 };
const ALLOWED_HOURS = `allowed: "every" or a non-empty list of whole hours of the day from 0 to 23 (UTC)`;

interface ScheduleInputs {
  days: string[] | "every";
  hours: number[] | "every";
  retentionDays: number;
}

/** What the program declares for the two schedules; tests change it between steps. */
const declared: { a: ScheduleInputs; b: ScheduleInputs } = {
  // `a` starts as "every" and becomes the lists; `b` goes the other way.
  a: { days: "every", hours: "every", retentionDays: 7 },
  b: { days: SEVEN_NAMES, hours: ALL_HOURS, retentionDays: 7 },
};
const datastores = { a: "", b: "" };

function program() {
  for (const key of ["a", "b"] as const) {
    new dfcloud.BackupSchedule(key, { datastoreId: datastores[key], ...declared[key] });
  }
  return Promise.resolve({});
}

describe("BackupSchedule inputs on the real engine", () => {
  let emulator: RunningEmulator;
  let stack: Stack;
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);

  const apiCalls = () => takeApiCalls(emulator);

  beforeAll(async () => {
    // Frozen emulator time and instant transitions: every wait completes on its next poll.
    emulator = await frozenEmulator([API_KEY]);
    for (const key of ["a", "b"] as const) {
      datastores[key] = await seedTestDatastore(emulator, API_KEY, { name: `orders-${key}` });
    }
    ({ stack } = await inlineStack("schedule-inputs", program));
    await configureForEmulator(stack, emulator, API_KEY);
    await apiCalls();
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("creates both schedules as every day, every hour, however they are spelt", async () => {
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ create: 3 }); // the stack and the two schedules
    expect(await livePolicy(emulator, datastores.a)).toEqual(EVERY_POLICY);
    expect(await livePolicy(emulator, datastores.b)).toEqual(EVERY_POLICY);
    expect(writesIn(await apiCalls()).sort()).toEqual(
      [`PUT /v1/datastores/${datastores.a}`, `PUT /v1/datastores/${datastores.b}`].sort(),
    );
  });

  it("previews no change from every to all seven names and hours, and back; up sends no PUT", async () => {
    declared.a = { ...declared.a, days: SEVEN_NAMES, hours: ALL_HOURS };
    declared.b = { ...declared.b, days: "every", hours: "every" };
    const steps = stepRecorder();
    const preview = await stack.preview({ onEvent: steps.onEvent, onOutput });
    expect(steps.counts).toEqual({});
    expect(preview.changeSummary).toEqual({ same: 3 });

    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ same: 3 });
    expect(writesIn(await apiCalls())).toEqual([]);
    expect(await livePolicy(emulator, datastores.a)).toEqual(EVERY_POLICY);
    expect(await livePolicy(emulator, datastores.b)).toEqual(EVERY_POLICY);
  });

  it("a live policy listing every weekday and hour is no drift on refresh, and up writes nothing", async () => {
    const listed = {
      enabled: true,
      every_day: false,
      weekdays: [0, 1, 2, 3, 4, 5, 6],
      every_hour: false,
      hours: Array.from({ length: 24 }, (_, hour) => hour),
      retention: 7,
    };
    await consoleScheduleEdit(emulator, API_KEY, datastores.a, listed);
    await consoleScheduleEdit(emulator, API_KEY, datastores.b, listed);
    await apiCalls();
    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toEqual({ same: 3 });
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ same: 3 });
    expect(writesIn(await apiCalls())).toEqual([]);
    expect(await livePolicy(emulator, datastores.a)).toEqual(listed);
  });

  // The engine prints the value it handed to check (Go's rendering: NaN, +Inf), which shows that
  // NaN and Infinity arrive as themselves, not as null.
  it.each([
    ["NaN", Number.NaN, "NaN"],
    ["Infinity", Number.POSITIVE_INFINITY, "+Inf"],
  ])("fails the preview for hours [%s], naming it, and writes nothing", async (shown, hour, engineShown) => {
    const before = declared.a;
    declared.a = { ...before, hours: [2, hour] };
    try {
      const message = await failedPreview(stack, onOutput);
      expect(message).toContain(
        `property hours value {[{2} {${engineShown}}]} has a problem: hours[1]: ${shown} is not an hour; ${ALLOWED_HOURS}`,
      );
      expect(writesIn(await apiCalls())).toEqual([]);
    } finally {
      declared.a = before;
    }
  });

  it('fails the preview for retentionDays "14", saying a string was given, and writes nothing', async () => {
    const before = declared.b;
    // A JavaScript program (or a config value passed on unparsed) can hand over a string.
    declared.b = { ...before, retentionDays: "14" as unknown as number };
    try {
      const message = await failedPreview(stack, onOutput);
      expect(message).toContain(
        'property retentionDays value {14} has a problem: retentionDays: must be a whole number of days from 1 to 365, got the string "14"',
      );
      expect(writesIn(await apiCalls())).toEqual([]);
    } finally {
      declared.b = before;
    }
  });

  it("destroys both schedules", async () => {
    const destroy = await stack.destroy({ onOutput });
    expect(destroy.summary.resourceChanges).toEqual({ delete: 3 });
    expect(await livePolicy(emulator, datastores.b)).toMatchObject({ enabled: false });
  });
});
