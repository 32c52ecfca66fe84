/**
 * Policies on each BackupSchedule by itself: how long backups are kept, how often they are taken,
 * and that the schedule is switched on. A schedule's `days` and `hours` are local to its `timeZone`;
 * where a policy depends on them it judges what the API stores, the schedule converted to UTC exactly
 * as the provider converts it.
 */

import type { ResourceValidationPolicy } from "@pulumi/policy";
import {
  backupsPerWeek,
  DEFAULT_DST_HANDLING,
  DEFAULT_TIME_ZONE,
  storedScheduleOf,
} from "@pulumi-dfcloud/provider";
import { type ExemptStacksArgs, exemptStacksProperty } from "../config";
import { BOOLEAN, NUMBER, type PropKind, readProp, STRING } from "../props";
import { label } from "../resources";
import { knownOrNotApplicable, resourcePolicy } from "../validation";

/** Config of `schedule-min-retention`. */
export interface ScheduleMinRetentionArgs extends ExemptStacksArgs {
  /** Fewest days a scheduled backup must be kept. Defaults to 7. */
  minRetentionDays?: number;
}

/** Config of `schedule-max-retention`. */
export interface ScheduleMaxRetentionArgs extends ExemptStacksArgs {
  /** Most days a scheduled backup may be kept. Defaults to 35. */
  maxRetentionDays?: number;
}

/** Config of `schedule-min-frequency`. */
export interface ScheduleMinFrequencyArgs extends ExemptStacksArgs {
  /** Fewest backups a schedule must take in a week (days × hours). Defaults to 7. */
  minBackupsPerWeek?: number;
}

/** Config of `schedule-enabled`: only `exemptStacks`. */
export type ScheduleEnabledArgs = ExemptStacksArgs;

/** `days` or `hours` of a schedule before validation: `"every"` or a list. */
const SCHEDULE_PART: PropKind<"every" | unknown[]> = {
  is: (value): value is "every" | unknown[] => value === "every" || Array.isArray(value),
  expected: '"every" or a list',
};

/** Checks retentionDays against a floor, so restores can reach back far enough. */
export const scheduleMinRetention: ResourceValidationPolicy = resourcePolicy<ScheduleMinRetentionArgs>({
  name: "schedule-min-retention",
  description: "Checks whether every BackupSchedule keeps its backups for at least minRetentionDays days.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Raise retentionDays on the BackupSchedule to at least minRetentionDays, or lower minRetentionDays in the policy pack config.",
  configSchema: {
    properties: {
      minRetentionDays: {
        type: "integer",
        minimum: 1,
        default: 7,
        description: "Fewest days a scheduled backup must be kept.",
      },
      ...exemptStacksProperty,
    },
  },
  resourceKind: "BackupSchedule",
  check: ({ args, config, reportViolation }) => {
    const retentionDays = knownOrNotApplicable(args, readProp(args.props, "retentionDays", NUMBER));
    if (retentionDays < config.minRetentionDays) {
      reportViolation(
        `${label(args)} must keep backups for at least ${config.minRetentionDays} days (minRetentionDays), but its retentionDays is ${retentionDays}.`,
      );
    }
  },
});

/** Checks retentionDays against a ceiling: every kept backup is billed storage. */
export const scheduleMaxRetention: ResourceValidationPolicy = resourcePolicy<ScheduleMaxRetentionArgs>({
  name: "schedule-max-retention",
  description:
    "Checks whether every BackupSchedule keeps its backups for at most maxRetentionDays days, to bound storage cost.",
  enforcementLevel: "mandatory",
  severity: "low",
  remediationSteps:
    "Lower retentionDays on the BackupSchedule to at most maxRetentionDays, or raise maxRetentionDays in the policy pack config.",
  configSchema: {
    properties: {
      maxRetentionDays: {
        type: "integer",
        minimum: 1,
        default: 35,
        description: "Most days a scheduled backup may be kept.",
      },
      ...exemptStacksProperty,
    },
  },
  resourceKind: "BackupSchedule",
  check: ({ args, config, reportViolation }) => {
    const retentionDays = knownOrNotApplicable(args, readProp(args.props, "retentionDays", NUMBER));
    if (retentionDays > config.maxRetentionDays) {
      reportViolation(
        `${label(args)} may keep backups for at most ${config.maxRetentionDays} days (maxRetentionDays), but its retentionDays is ${retentionDays}.`,
      );
    }
  },
});

/**
 * Checks how many backups a week the schedule takes, counting days × hours of what the API stores:
 * the schedule converted from its `timeZone` to UTC, as the provider converts it. Each local
 * (weekday, hour) becomes one UTC (weekday, hour), so the count is the declared one; converting
 * first means a schedule the provider would refuse (a zone it cannot convert, weekdays and hours
 * that are no product in UTC) is reported as such rather than counted, and the message shows the
 * real schedule.
 */
export const scheduleMinFrequency: ResourceValidationPolicy = resourcePolicy<ScheduleMinFrequencyArgs>({
  name: "schedule-min-frequency",
  description:
    "Checks whether every BackupSchedule takes at least minBackupsPerWeek backups a week, counting days × hours.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    'Add days or hours to the BackupSchedule (for example days: "every"), or lower minBackupsPerWeek in the policy pack config.',
  configSchema: {
    properties: {
      minBackupsPerWeek: {
        type: "integer",
        minimum: 1,
        maximum: 168,
        default: 7,
        description: "Fewest backups a schedule must take in a week (days × hours).",
      },
      ...exemptStacksProperty,
    },
  },
  resourceKind: "BackupSchedule",
  check: ({ args, config, reportViolation }) => {
    const days = knownOrNotApplicable(args, readProp(args.props, "days", SCHEDULE_PART));
    const hours = knownOrNotApplicable(args, readProp(args.props, "hours", SCHEDULE_PART));
    const timeZone = knownOrNotApplicable(args, readProp(args.props, "timeZone", STRING, DEFAULT_TIME_ZONE));
    const dstHandling = knownOrNotApplicable(
      args,
      readProp(args.props, "dstHandling", STRING, DEFAULT_DST_HANDLING),
    );
    const inZone = timeZone === DEFAULT_TIME_ZONE ? "" : ` in ${timeZone}`;
    const declared = `days ${JSON.stringify(days)} × hours ${JSON.stringify(hours)}${inZone}`;
    // `follow` converts at the time of `up`; the policy has no API clock, and the count is the same
    // at every offset, so this machine's clock will do.
    const stored = storedScheduleOf({ days, hours, timeZone, dstHandling }, Date.now());
    // The provider's own input check rejects such a schedule with this same reason.
    if (!stored.ok) return args.notApplicable(`${declared} is not a valid schedule: ${stored.reason}`);
    const perWeek = backupsPerWeek(stored.utcDays, stored.utcHours);
    if (perWeek === undefined) return args.notApplicable(`${declared} is not a valid schedule`);
    const actual =
      inZone === ""
        ? declared
        : `${declared}, stored in UTC as days ${JSON.stringify(stored.utcDays)} × hours ${JSON.stringify(stored.utcHours)}`;
    if (perWeek < config.minBackupsPerWeek) {
      reportViolation(
        `${label(args)} must take at least ${config.minBackupsPerWeek} backups a week (minBackupsPerWeek), but it takes ${perWeek} (${actual}).`,
      );
    }
  },
});

/** Checks that no schedule is switched off: a disabled schedule takes no backups at all. */
export const scheduleEnabled: ResourceValidationPolicy = resourcePolicy<ScheduleEnabledArgs>({
  name: "schedule-enabled",
  description: "Checks whether every BackupSchedule is enabled.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Remove enabled: false from the BackupSchedule (it defaults to true), or list the stack in exemptStacks.",
  configSchema: { properties: { ...exemptStacksProperty } },
  resourceKind: "BackupSchedule",
  check: ({ args, reportViolation }) => {
    const enabled = knownOrNotApplicable(args, readProp(args.props, "enabled", BOOLEAN, true));
    if (!enabled) reportViolation(`${label(args)} must be enabled, but its enabled is false.`);
  },
});
