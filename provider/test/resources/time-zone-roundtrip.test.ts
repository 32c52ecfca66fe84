/**
 * An unchanged schedule shows no diff in every zone and every dstHandling: for every zone the
 * platform lists, each dstHandling, in January and in July, and several schedules, whatever `check`
 * accepts is written, read back by `refresh` in local time exactly as declared, and `diff` finds
 * nothing. What `check` refuses is refused for the stated reason only. The API is an in-memory
 * datastore (the emulator-backed tests are in time-zone-lifecycle.test.ts): thousands of round trips.
 */
import { describe, expect, it } from "vitest";
import type { BackupPolicy, BackupPolicySettings, Datastore } from "../../src/client/schemas";
import { type BackupScheduleInputs, backupScheduleLogic } from "../../src/resources/backup-schedule";
import type { ResourceApi, ResourceDeps } from "../../src/resources/deps";
import {
  isWholeHours,
  observesDst,
  offsetMinutesAt,
  offsetsInYear,
} from "../../src/resources/schedule/time-zone";

const ZONES = ["UTC", ...Intl.supportedValuesOf("timeZone")];
const HANDLINGS = ["reject", "standardTime", "follow"] as const;
const INSTANTS = { January: Date.UTC(2026, 0, 15, 12), July: Date.UTC(2026, 6, 15, 12) };
/**
 * Every day at one hour (always a product in UTC), two weekdays at one hour (a product, moved to other
 * weekdays in about half the zones), and two weekdays at four hours (a product only where no hour
 * crosses midnight, or all do).
 */
const SCHEDULES = [
  { days: "every", hours: [3] },
  { days: ["mon", "fri"], hours: [12] },
  { days: ["mon", "wed"], hours: [0, 6, 12, 18] },
];

/** One active datastore held in memory, whose clock is `atMs`. */
function memoryDeps(atMs: number): ResourceDeps & { datastore: Datastore } {
  const datastore: Datastore = { datastore_id: "dst_memory", status: "active", config: {} };
  const api = {
    getDatastore: async () => structuredClone(datastore),
    setBackupPolicy: async (
      _id: string,
      policy: BackupPolicySettings,
      options?: { skipIf?: (current: BackupPolicy | null | undefined) => boolean },
    ) => {
      if (!options?.skipIf?.(datastore.config.backup_policy)) datastore.config.backup_policy = { ...policy };
      return structuredClone(datastore);
    },
    waitForDatastore: async () => structuredClone(datastore),
    apiNow: () => atMs,
  } as unknown as ResourceApi;
  return { api, now: () => atMs, log: () => {}, warn: () => {}, status: () => {}, datastore };
}

describe("an unchanged schedule is no diff in every zone, every dstHandling and season", () => {
  it(`round-trips ${ZONES.length} zones × ${HANDLINGS.length} × 2 seasons × ${SCHEDULES.length} schedules`, async () => {
    let accepted = 0;
    for (const [season, atMs] of Object.entries(INSTANTS)) {
      for (const timeZone of ZONES) {
        const offsets = offsetsInYear(timeZone, 2026);
        const whole = [offsets.standardMinutes, ...offsets.otherMinutes].every(isWholeHours);
        for (const dstHandling of HANDLINGS) {
          for (const schedule of SCHEDULES) {
            const where = `${timeZone} ${dstHandling} ${season} ${JSON.stringify(schedule)}`;
            const deps = memoryDeps(atMs);
            const logic = backupScheduleLogic(() => deps);
            const news = { datastoreId: "dst_memory", retentionDays: 7, timeZone, dstHandling, ...schedule };
            const checked = await logic.check({ datastoreId: "dst_memory" }, news);
            const refusal = checked.failures?.[0];
            if (!whole || (observesDst(offsets) && dstHandling === "reject")) {
              expect(refusal?.property, where).toBe("timeZone");
              continue;
            }
            if (refusal) {
              // Only a schedule whose UTC slots are not weekdays × hours may be refused here.
              expect(refusal.property, where).toBe("hours");
              expect(refusal.reason, where).toContain("not one set of weekdays times one set of hours");
              continue;
            }
            const inputs = checked.inputs as BackupScheduleInputs;
            const { id, outs } = await logic.create(inputs);
            // What the API stores is the declared schedule moved by the offset used.
            const offsetHours =
              (dstHandling === "standardTime" ? offsets.standardMinutes : offsetMinutesAt(timeZone, atMs)) /
              60;
            expect(outs.utcOffsetHours, where).toBe(offsetHours);
            const read = await logic.read(id, outs);
            expect(read.props, where).toEqual(outs);
            expect(await logic.diff(id, read.props ?? outs, inputs), where).toEqual({
              changes: false,
              changed: [],
            });
            accepted += 1;
          }
        }
      }
    }
    // The refusals above are not all there is: most combinations are accepted and round-trip.
    expect(accepted).toBeGreaterThan(ZONES.length * 2 * 3);
  });

  it.each([
    // 12:00 in UTC+14 is 22:00 the day before; in UTC-11 it is 23:00 the same day.
    ["Pacific/Kiritimati", [0, 4], 22],
    ["Pacific/Pago_Pago", [1, 5], 23],
  ])("stores Monday and Friday at 12:00 in %s as weekdays %j at %i UTC", async (timeZone, weekdays, hour) => {
    const deps = memoryDeps(INSTANTS.January);
    const logic = backupScheduleLogic(() => deps);
    const news = { datastoreId: "dst_memory", retentionDays: 7, timeZone, days: ["mon", "fri"], hours: [12] };
    const checked = await logic.check({ datastoreId: "dst_memory" }, news);
    await logic.create(checked.inputs as BackupScheduleInputs);
    expect(deps.datastore.config.backup_policy).toEqual({
      enabled: true,
      every_day: false,
      weekdays,
      every_hour: false,
      hours: [hour],
      retention: 7,
    });
  });
});
