/**
 * A list of all seven weekdays (or all 24 hours) is the same schedule as `"every"`: the API takes the
 * same backups either way. `check` stores it as `"every"`, a live policy listing them reads back as
 * `"every"`, so changing one spelling into the other is no diff, no drift on refresh, and no write to
 * the datastore.
 */
import { describe, expect, it } from "vitest";
import type { BackupPolicy } from "../../src/client/schemas";
import { type BackupScheduleInputs, backupScheduleLogic } from "../../src/resources/backup-schedule";
import { fromBackupPolicy, sameSchedule, toBackupPolicy } from "../../src/resources/model";
import { backupsPerWeek, normaliseSchedule, type ScheduleSpec } from "../../src/resources/schedule/spec";
import { useHarness } from "./support";

const harness = useHarness();
const logic = () => backupScheduleLogic(() => harness().deps);

const SEVEN_NAMES = ["Saturday", "FRI", "thu", "Wednesday", "tue", "MONDAY", "sun"];
const ALL_HOURS = Array.from({ length: 24 }, (_, hour) => 23 - hour);

/** Runs check, on a freshly seeded datastore unless `news` names one; fails the test on failures. */
async function checked(news: Record<string, unknown>): Promise<BackupScheduleInputs> {
  const datastoreId = news.datastoreId ?? (await harness().seed());
  const result = await logic().check({}, { ...news, datastoreId });
  expect(result.failures).toBeUndefined();
  return result.inputs as BackupScheduleInputs;
}

const EVERY: ScheduleSpec = { days: "every", hours: "every", retentionDays: 7, enabled: true };

describe("all seven weekdays and all 24 hours are 'every'", () => {
  it("check stores all seven weekday names, in any order, case and length, as every", async () => {
    const inputs = await checked({ days: SEVEN_NAMES, hours: [2], retentionDays: 7 });
    expect(inputs.days).toBe("every");
  });

  it("check stores all seven with repeats as every, and six as a list", async () => {
    const seven = await checked({
      days: [...SEVEN_NAMES, "mon", "sunday"],
      hours: [2],
      retentionDays: 7,
    });
    expect(seven.days).toBe("every");
    const six = await checked({
      days: SEVEN_NAMES.slice(1),
      hours: [2],
      retentionDays: 7,
    });
    expect(six.days).toEqual(["sun", "mon", "tue", "wed", "thu", "fri"]);
  });

  it("check stores all 24 hours as every, and 23 as a list", async () => {
    const all = await checked({
      days: ["mon"],
      hours: [...ALL_HOURS, 0],
      retentionDays: 7,
    });
    expect(all.hours).toBe("every");
    const most = await checked({
      days: ["mon"],
      hours: ALL_HOURS.slice(1),
      retentionDays: 7,
    });
    expect(most.hours).toEqual(Array.from({ length: 23 }, (_, hour) => hour));
  });

  it("diff sees no change from every to the seven names and all hours, nor back", async () => {
    const id = await harness().seed();
    const every = await checked({ datastoreId: id, days: "every", hours: "every", retentionDays: 7 });
    const listed = await checked({ datastoreId: id, days: SEVEN_NAMES, hours: ALL_HOURS, retentionDays: 7 });
    expect(await logic().diff(id, every, listed)).toEqual({ changes: false, changed: [] });
    expect(await logic().diff(id, listed, every)).toEqual({ changes: false, changed: [] });
  });

  it("reads a live policy listing all weekdays and hours back as every", () => {
    const listed: BackupPolicy = {
      enabled: true,
      every_day: false,
      weekdays: [6, 5, 4, 3, 2, 1, 0],
      every_hour: false,
      hours: ALL_HOURS,
      retention: 7,
    };
    expect(fromBackupPolicy(listed)).toEqual(EVERY);
    expect(fromBackupPolicy({ ...listed, weekdays: [0, 1, 2, 3, 4, 5], hours: [3, 1, 1] })).toEqual({
      ...EVERY,
      days: ["sun", "mon", "tue", "wed", "thu", "fri"],
      hours: [1, 3],
    });
  });

  it("compares and writes a schedule that lists everything as every (older state, other callers)", () => {
    const listed: ScheduleSpec = {
      ...EVERY,
      days: ["sun", "mon", "tue", "wed", "thu", "fri", "sat"],
      hours: Array.from({ length: 24 }, (_, hour) => hour),
    };
    expect(normaliseSchedule(listed)).toEqual(EVERY);
    expect(sameSchedule(listed, EVERY)).toBe(true);
    expect(sameSchedule({ ...listed, days: ["mon"] }, EVERY)).toBe(false);
    expect(toBackupPolicy(listed)).toEqual({
      enabled: true,
      every_day: true,
      every_hour: true,
      retention: 7,
    });
    expect(backupsPerWeek(SEVEN_NAMES, ALL_HOURS)).toBe(7 * 24);
  });
});

describe("against the emulator: one spelling never rewrites the other", () => {
  it("a datastore whose policy is every_day gets no write for the seven names", async () => {
    const id = await harness().seed({
      backup_policy: { enabled: true, every_day: true, every_hour: true, retention: 7 },
    });
    const every = await checked({ datastoreId: id, days: "every", hours: "every", retentionDays: 7 });
    const { outs } = await logic().create(every);
    const listed = await checked({ datastoreId: id, days: SEVEN_NAMES, hours: ALL_HOURS, retentionDays: 7 });
    expect(await logic().diff(id, outs, listed)).toEqual({ changes: false, changed: [] });
    // Even when asked to apply the listed spelling, nothing is sent.
    await logic().update(id, outs, listed);
    expect(await harness().writes()).toEqual([]);
  });

  it("a datastore whose policy lists all weekdays and hours reads as every: no drift, no write", async () => {
    const id = await harness().seed({
      backup_policy: {
        enabled: true,
        every_day: false,
        weekdays: [0, 1, 2, 3, 4, 5, 6],
        every_hour: false,
        hours: Array.from({ length: 24 }, (_, hour) => hour),
        retention: 7,
      },
    });
    const every = await checked({ datastoreId: id, days: "every", hours: "every", retentionDays: 7 });
    const { outs } = await logic().create(every);
    expect(await harness().writes()).toEqual([]);
    const read = await logic().read(id, outs);
    expect(read.props).toEqual(outs);
    expect(await logic().diff(id, read.props ?? outs, every)).toEqual({ changes: false, changed: [] });
    expect(await harness().writes()).toEqual([]);
  });
});
