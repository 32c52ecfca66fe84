import { z } from "zod";
import type { BackupPolicy } from "../client/schemas";
import { isUnknown } from "./unknowns";

/** Weekday names in the API's order: index = the API's integer (0 = Sunday). */
export const WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
/** A weekday as the schedule's `days` stores it after normalisation. */
export type Weekday = (typeof WEEKDAYS)[number];

const FULL_WEEKDAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const ALLOWED_DAYS = `"every" or a non-empty list of weekday names (${WEEKDAYS.join(", ")}; full names and any case accepted)`;
const ALLOWED_HOURS = `"every" or a non-empty list of whole hours of the day from 0 to 23 (UTC)`;

/** Normalised schedule fields: what `check` stores, so that order and case are never a diff. */
export interface ScheduleSpec {
  /** `"every"` or weekday names, deduplicated, in the API's order (Sunday first). */
  days: "every" | Weekday[];
  /** `"every"` or hours of the day (UTC), deduplicated and ascending. */
  hours: "every" | number[];
  /** Whole days a scheduled backup is kept; at least 1. */
  retentionDays: number;
  /** Whether scheduled backups are taken. Default true. */
  enabled: boolean;
}

/** Returns the API integer (0 = Sunday) for a weekday name, short or full, any case. */
export function weekdayNumber(name: string): number | undefined {
  const lower = name.trim().toLowerCase();
  const short = WEEKDAYS.indexOf(lower as Weekday);
  if (short >= 0) return short;
  const full = FULL_WEEKDAY_NAMES.indexOf(lower);
  return full >= 0 ? full : undefined;
}

/**
 * `"every"`, or a non-empty list whose items `toNumber` maps to the API's integers; the result is
 * deduplicated and sorted, so order, repeats and spelling are never a diff.
 * @param what the item's name in messages ("a weekday", "an hour")
 */
function everyOrList<T>(
  allowed: string,
  what: string,
  toNumber: (item: unknown) => number | undefined,
  fromNumber: (n: number) => T,
) {
  return z
    .union([z.literal("every"), z.array(z.unknown())], { error: () => `must be ${allowed}` })
    .transform((value, ctx): "every" | T[] => {
      if (value === "every") return value;
      if (value.length === 0) {
        ctx.addIssue({ code: "custom", message: `must be ${allowed}; got an empty list` });
        return z.NEVER;
      }
      const numbers = new Set<number>();
      for (const [index, item] of value.entries()) {
        const number = toNumber(item);
        if (number === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [index],
            message: `${JSON.stringify(item)} is not ${what}; allowed: ${allowed}`,
          });
        } else {
          numbers.add(number);
        }
      }
      return [...numbers].sort((a, b) => a - b).map(fromNumber);
    });
}

const daysSchema = everyOrList(
  ALLOWED_DAYS,
  "a weekday",
  (day) => (typeof day === "string" ? weekdayNumber(day) : undefined),
  (n) => WEEKDAYS[n] as Weekday,
);

const hoursSchema = everyOrList(
  ALLOWED_HOURS,
  "an hour",
  (hour) =>
    typeof hour === "number" && Number.isInteger(hour) && hour >= 0 && hour <= 23 ? hour : undefined,
  (n) => n,
);

/** Whole days, at least 1 (an API limit of 365 is a modelled choice, see docs/api-model.md). */
export const MAX_RETENTION_DAYS = 365;

/** Validates a retention in whole days; the message names the allowed range. */
export const retentionDaysSchema = z
  .number({ error: () => `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` })
  .int({ error: () => `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` })
  .min(1, { error: () => `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` })
  .max(MAX_RETENTION_DAYS, { error: () => `must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}` });

/** The schedule part of BackupSchedule's inputs, as zod validates and normalises it. */
export const scheduleSpecSchema = z.object({
  days: daysSchema,
  hours: hoursSchema,
  retentionDays: retentionDaysSchema,
  enabled: z.boolean({ error: () => "must be true or false (default true)" }).default(true),
});

/** Turns a normalised schedule into the API's `backup_policy`. */
export function toBackupPolicy(spec: ScheduleSpec): BackupPolicy {
  return {
    enabled: spec.enabled,
    ...(spec.days === "every"
      ? { every_day: true }
      : { every_day: false, weekdays: spec.days.map((d) => WEEKDAYS.indexOf(d)) }),
    ...(spec.hours === "every" ? { every_hour: true } : { every_hour: false, hours: [...spec.hours] }),
    retention: spec.retentionDays,
  };
}

/**
 * Reads the API's `backup_policy` back into schedule fields, for `read` (refresh). Returns
 * undefined when the datastore has no usable policy (nothing enabled and nothing to show).
 */
export function fromBackupPolicy(policy: BackupPolicy | undefined | null): ScheduleSpec | undefined {
  if (!policy) return undefined;
  const days = policy.every_day
    ? "every"
    : [...new Set(policy.weekdays ?? [])]
        .sort((a, b) => a - b)
        .flatMap((n) => (WEEKDAYS[n] ? [WEEKDAYS[n]] : []));
  const hours = policy.every_hour ? "every" : [...new Set(policy.hours ?? [])].sort((a, b) => a - b);
  return { enabled: policy.enabled === true, days, hours, retentionDays: policy.retention ?? 0 };
}

/** True when two schedules would produce the same API policy. */
export function sameSchedule(a: ScheduleSpec, b: ScheduleSpec): boolean {
  return JSON.stringify(toBackupPolicy(a)) === JSON.stringify(toBackupPolicy(b));
}

/**
 * How many backups a schedule takes in a week (days × hours), or undefined when either part is
 * unknown during preview or invalid. Used by the policy pack; accepts raw (un-normalised) inputs.
 */
export function backupsPerWeek(days: unknown, hours: unknown): number | undefined {
  if (isUnknown(days) || isUnknown(hours)) return undefined;
  const parsedDays = daysSchema.safeParse(days);
  const parsedHours = hoursSchema.safeParse(hours);
  if (!parsedDays.success || !parsedHours.success) return undefined;
  const dayCount = parsedDays.data === "every" ? 7 : parsedDays.data.length;
  const hourCount = parsedHours.data === "every" ? 24 : parsedHours.data.length;
  return dayCount * hourCount;
}
