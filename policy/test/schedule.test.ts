/**
 * The BackupSchedule policies: a compliant schedule passes every one of them; each test changes
 * one prop or one config value and asserts the exact message, or the reason it could not check.
 */
import { describe, expect, it } from "vitest";
import {
  scheduleEnabled,
  scheduleMaxRetention,
  scheduleMinFrequency,
  scheduleMinRetention,
} from "../src/policies/schedule";
import { otherKindReason } from "../src/validation";
import { DOORS, engineProxy, type FakeResource, resourceArgs, runResourcePolicy, UNKNOWN } from "./util";

describe.each(DOORS)("through $name", ({ types }) => {
  /** A schedule every policy accepts: daily at 03:00 UTC, kept 14 days. */
  function happySchedule(): FakeResource {
    return {
      type: types.BackupSchedule,
      name: "nightly",
      props: { datastoreId: "ds-1", enabled: true, days: "every", hours: [3], retentionDays: 14 },
    };
  }

  const UNKNOWN_REASON = (key: string) =>
    `${key} is not known during preview (checked again during \`pulumi up\`)`;

  describe("the compliant schedule", () => {
    it.each([scheduleMinRetention, scheduleMaxRetention, scheduleMinFrequency, scheduleEnabled])(
      "passes $name",
      async (policy) => {
        expect(await runResourcePolicy(policy, resourceArgs(happySchedule()))).toEqual({
          violations: [],
          urns: [],
        });
      },
    );

    it.each([scheduleMinRetention, scheduleMaxRetention, scheduleMinFrequency, scheduleEnabled])(
      "passes $name when the engine's unknown-checking proxy wraps its props",
      async (policy) => {
        const schedule = happySchedule();
        schedule.props = engineProxy(schedule.props);
        expect((await runResourcePolicy(policy, resourceArgs(schedule))).violations).toEqual([]);
      },
    );

    it.each([scheduleMinRetention, scheduleMaxRetention, scheduleMinFrequency, scheduleEnabled])(
      "is not a concern of $name on a Backup",
      async (policy) => {
        const backup = { type: types.Backup, name: "b", props: { retentionDays: 1 } };
        expect(await runResourcePolicy(policy, resourceArgs(backup))).toEqual({
          violations: [],
          urns: [],
          notApplicable: otherKindReason("BackupSchedule"),
        });
      },
    );
  });

  describe("schedule-min-retention", () => {
    it("fails a retention below the default of 7 days", async () => {
      const schedule = happySchedule();
      schedule.props.retentionDays = 3;
      expect((await runResourcePolicy(scheduleMinRetention, resourceArgs(schedule))).violations).toEqual([
        'BackupSchedule "nightly" must keep backups for at least 7 days (minRetentionDays), but its retentionDays is 3.',
      ]);
    });

    it("passes a retention of exactly the minimum", async () => {
      const schedule = happySchedule();
      schedule.props.retentionDays = 7;
      expect((await runResourcePolicy(scheduleMinRetention, resourceArgs(schedule))).violations).toEqual([]);
    });

    it("moves the threshold with minRetentionDays", async () => {
      const run = await runResourcePolicy(
        scheduleMinRetention,
        resourceArgs(happySchedule(), { minRetentionDays: 30 }),
      );
      expect(run.violations).toEqual([
        'BackupSchedule "nightly" must keep backups for at least 30 days (minRetentionDays), but its retentionDays is 14.',
      ]);
    });

    it("says it could not check a retention that is unknown during preview", async () => {
      const schedule = happySchedule();
      schedule.props.retentionDays = UNKNOWN;
      expect(await runResourcePolicy(scheduleMinRetention, resourceArgs(schedule))).toEqual({
        violations: [],
        urns: [],
        notApplicable: UNKNOWN_REASON("retentionDays"),
      });
    });

    it("does not throw when the engine's proxy guards an unknown retention", async () => {
      const schedule = happySchedule();
      schedule.props = engineProxy({ ...schedule.props, retentionDays: UNKNOWN });
      expect((await runResourcePolicy(scheduleMinRetention, resourceArgs(schedule))).notApplicable).toBe(
        UNKNOWN_REASON("retentionDays"),
      );
    });

    it("says it could not check a retention that is not a number", async () => {
      const schedule = happySchedule();
      schedule.props.retentionDays = "two weeks";
      expect((await runResourcePolicy(scheduleMinRetention, resourceArgs(schedule))).notApplicable).toBe(
        'retentionDays is "two weeks", not a number',
      );
    });

    it("does not apply in a stack named by exemptStacks", async () => {
      const schedule = { ...happySchedule(), stack: "Sandbox-42" };
      schedule.props.retentionDays = 1;
      const run = await runResourcePolicy(
        scheduleMinRetention,
        resourceArgs(schedule, { exemptStacks: ["sandbox-*"] }),
      );
      expect(run).toEqual({
        violations: [],
        urns: [],
        notApplicable: 'stack "Sandbox-42" matches exemptStacks',
      });
    });
  });

  describe("schedule-max-retention", () => {
    it("fails a retention above the default of 35 days", async () => {
      const schedule = happySchedule();
      schedule.props.retentionDays = 3650;
      expect((await runResourcePolicy(scheduleMaxRetention, resourceArgs(schedule))).violations).toEqual([
        'BackupSchedule "nightly" may keep backups for at most 35 days (maxRetentionDays), but its retentionDays is 3650.',
      ]);
    });

    it("passes a retention of exactly the maximum", async () => {
      const schedule = happySchedule();
      schedule.props.retentionDays = 35;
      expect((await runResourcePolicy(scheduleMaxRetention, resourceArgs(schedule))).violations).toEqual([]);
    });

    it("moves the threshold with maxRetentionDays", async () => {
      const run = await runResourcePolicy(
        scheduleMaxRetention,
        resourceArgs(happySchedule(), { maxRetentionDays: 10 }),
      );
      expect(run.violations).toEqual([
        'BackupSchedule "nightly" may keep backups for at most 10 days (maxRetentionDays), but its retentionDays is 14.',
      ]);
    });

    it("says it could not check a retention that is absent", async () => {
      const schedule = happySchedule();
      delete schedule.props.retentionDays;
      expect((await runResourcePolicy(scheduleMaxRetention, resourceArgs(schedule))).notApplicable).toBe(
        "retentionDays is not set (or not known during preview)",
      );
    });
  });

  describe("schedule-min-frequency", () => {
    it("fails two backups a week, counting days × hours", async () => {
      const schedule = happySchedule();
      schedule.props.days = ["mon", "thu"];
      expect((await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).violations).toEqual([
        'BackupSchedule "nightly" must take at least 7 backups a week (minBackupsPerWeek), but it takes 2 (days ["mon","thu"] × hours [3]).',
      ]);
    });

    it("counts raw full day names and duplicates the way the provider does", async () => {
      const schedule = happySchedule();
      schedule.props.days = ["Monday", "MON", "friday"];
      schedule.props.hours = [0, 12];
      expect(
        (await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule, { minBackupsPerWeek: 5 })))
          .violations,
      ).toEqual([
        'BackupSchedule "nightly" must take at least 5 backups a week (minBackupsPerWeek), but it takes 4 (days ["Monday","MON","friday"] × hours [0,12]).',
      ]);
    });

    it("passes one day at every hour (24 a week)", async () => {
      const schedule = happySchedule();
      schedule.props.days = ["sun"];
      schedule.props.hours = "every";
      expect((await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).violations).toEqual([]);
    });

    it("moves the threshold with minBackupsPerWeek", async () => {
      const run = await runResourcePolicy(
        scheduleMinFrequency,
        resourceArgs(happySchedule(), { minBackupsPerWeek: 14 }),
      );
      expect(run.violations).toEqual([
        'BackupSchedule "nightly" must take at least 14 backups a week (minBackupsPerWeek), but it takes 7 (days "every" × hours [3]).',
      ]);
    });

    it("says it could not check hours that hold an unknown during preview", async () => {
      const schedule = happySchedule();
      schedule.props.hours = [3, UNKNOWN];
      expect(await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).toEqual({
        violations: [],
        urns: [],
        notApplicable: UNKNOWN_REASON("hours"),
      });
    });

    it("says it could not check a schedule the provider rejects, with the provider's reason", async () => {
      const schedule = happySchedule();
      schedule.props.hours = [25];
      expect((await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).notApplicable).toBe(
        'days "every" × hours [25] is not a valid schedule: hours[0]: 25 is not an hour; allowed: "every" or a non-empty list of whole hours of the day from 0 to 23 (UTC), local to timeZone when one is set',
      );
    });
  });

  describe("schedule-min-frequency in a time zone: it judges what the API stores", () => {
    function zoned(props: Record<string, unknown>): FakeResource {
      const schedule = happySchedule();
      schedule.props = { ...schedule.props, ...props };
      return schedule;
    }

    it.each([
      // East of UTC: Monday and Thursday 03:00 in Tokyo are Sunday and Wednesday 18:00 UTC.
      [{ timeZone: "Asia/Tokyo" }, '["sun","wed"] × hours [18]'],
      // West of UTC, across the date line: 20:00 in Pago Pago is 07:00 the next day.
      [{ timeZone: "Pacific/Pago_Pago", hours: [20] }, '["tue","fri"] × hours [7]'],
      // Berlin's standard offset all year, or the one in force now: the count is the same.
      [{ timeZone: "Europe/Berlin", dstHandling: "standardTime" }, '["mon","thu"] × hours [2]'],
    ])("counts the converted schedule, with the same count, and shows it: %j", async (props, stored) => {
      const schedule = zoned({ days: ["mon", "thu"], ...props });
      const hours = JSON.stringify(schedule.props.hours);
      expect((await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).violations).toEqual([
        `BackupSchedule "nightly" must take at least 7 backups a week (minBackupsPerWeek), but it takes 2 (days ["mon","thu"] × hours ${hours} in ${props.timeZone}, stored in UTC as days ${stored}).`,
      ]);
    });

    it("passes every day at one hour in any zone (every day stays every day)", async () => {
      const schedule = zoned({ timeZone: "Pacific/Kiritimati", hours: [10] });
      expect((await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).violations).toEqual([]);
    });

    it("follows a zone with daylight saving time without changing the count", async () => {
      const schedule = zoned({
        timeZone: "America/New_York",
        dstHandling: "follow",
        days: ["sat"],
        hours: [22],
      });
      const run = await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule));
      expect(run.violations).toHaveLength(1);
      expect(run.violations[0]).toMatch(
        /^BackupSchedule "nightly" must take at least 7 backups a week \(minBackupsPerWeek\), but it takes 1 \(days \["sat"\] × hours \[22\] in America\/New_York, stored in UTC as days \["sun"\] × hours \[[23]\]\)\.$/,
      );
    });

    it.each([
      [
        { timeZone: "Asia/Kolkata" },
        "timeZone: Asia/Kolkata is not a whole number of hours from UTC; declare the hours in UTC",
      ],
      [
        { timeZone: "Europe/Berlin" },
        'timeZone: Europe/Berlin observes daylight saving time, which dstHandling "reject" (the default) refuses',
      ],
      [
        { timeZone: "Europe/Berln" },
        'timeZone: "Europe/Berln" is not a known time zone (closest valid names: "Europe/Berlin")',
      ],
      [
        { timeZone: "Africa/Johannesburg", days: ["mon"], hours: [1, 23] },
        'hours: days ["mon"] × hours [1,23] in Africa/Johannesburg (UTC+2) are not one set of weekdays times one set of hours in UTC',
      ],
    ])("does not count a schedule the provider refuses, giving its reason: %j", async (props, reason) => {
      const schedule = zoned(props);
      const run = await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule));
      expect(run.violations).toEqual([]);
      const declared = `days ${JSON.stringify(schedule.props.days)} × hours ${JSON.stringify(schedule.props.hours)} in ${props.timeZone}`;
      expect(run.notApplicable).toContain(`${declared} is not a valid schedule: ${reason}`);
    });

    it("says it could not check a time zone that is unknown during preview", async () => {
      const schedule = zoned({ timeZone: UNKNOWN });
      expect((await runResourcePolicy(scheduleMinFrequency, resourceArgs(schedule))).notApplicable).toBe(
        UNKNOWN_REASON("timeZone"),
      );
    });
  });

  describe("schedule-enabled", () => {
    it("fails a disabled schedule", async () => {
      const schedule = happySchedule();
      schedule.props.enabled = false;
      expect((await runResourcePolicy(scheduleEnabled, resourceArgs(schedule))).violations).toEqual([
        'BackupSchedule "nightly" must be enabled, but its enabled is false.',
      ]);
    });

    it("passes a schedule that leaves enabled to its default of true", async () => {
      const schedule = happySchedule();
      delete schedule.props.enabled;
      expect(await runResourcePolicy(scheduleEnabled, resourceArgs(schedule))).toEqual({
        violations: [],
        urns: [],
      });
    });

    it("says it could not check an enabled flag unknown during preview", async () => {
      const schedule = happySchedule();
      schedule.props.enabled = UNKNOWN;
      expect((await runResourcePolicy(scheduleEnabled, resourceArgs(schedule))).notApplicable).toBe(
        UNKNOWN_REASON("enabled"),
      );
    });

    it("allows a disabled schedule in a stack named by exemptStacks", async () => {
      const schedule = { ...happySchedule(), stack: "scratch" };
      schedule.props.enabled = false;
      const run = await runResourcePolicy(
        scheduleEnabled,
        resourceArgs(schedule, { exemptStacks: ["scratch"] }),
      );
      expect(run).toEqual({
        violations: [],
        urns: [],
        notApplicable: 'stack "scratch" matches exemptStacks',
      });
    });
  });
});
