/**
 * What a schedule is: weekdays (or `"every"`), hours of the day (or `"every"`), retention and `enabled`,
 * how each input is validated and normalised, and where its hours are local to (`timeZone`,
 * `dstHandling`).
 */
import { API_LIMITS, API_WEEKDAYS } from "../../client/modelled";
import { type EnumValueOf, enumType, enumValues, type InputSpec, t } from "../../schema/spec";
import * as z from "../../zod";
import { describeValue } from "../check";
import { isUnknown } from "../unknowns";
import {
  closestTimeZones,
  fixedOffsetZone,
  formatOffset,
  offsetNameMinutes,
  timeZoneName,
} from "./time-zone";

/** Weekday names in the API's order: index = the API's integer (0 = Sunday). */
export const WEEKDAYS = API_WEEKDAYS;
const FULL_NAMES_TITLE = [
  "Sunday",
  "Monday",
  "Tuesday",
  "Wednesday",
  "Thursday",
  "Friday",
  "Saturday",
] as const;

/** The weekday enum of the contract: the names the schedule stores, in the API's order. */
export const WEEKDAY_TYPE = enumType(
  "Weekday",
  "A day of the week, as the schedule stores it: short and lower case. Inputs also accept full names (`monday`) in any case.",
  API_WEEKDAYS.map((value, index) => ({
    name: FULL_NAMES_TITLE[index] ?? value,
    value,
    description: `${FULL_NAMES_TITLE[index]} (the API's weekday ${index}).`,
  })),
);

/** A weekday as the schedule's `days` stores it after normalisation. */
export type Weekday = (typeof WEEKDAYS)[number];

const FULL_WEEKDAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"];
const ALLOWED_DAYS = `"every" or a non-empty list of weekday names (${WEEKDAYS.join(", ")}; full names and any case accepted)`;
// "(UTC)" is what the API stores and the default zone; with a timeZone the hours are that zone's.
const ALLOWED_HOURS = `"every" or a non-empty list of whole hours of the day from ${API_LIMITS.hour.min} to ${API_LIMITS.hour.max} (UTC), local to timeZone when one is set`;

/** How many hours a day has: a list of all of them is the same schedule as `"every"`. */
const HOURS_PER_DAY = API_LIMITS.hour.max - API_LIMITS.hour.min + 1;

/**
 * Normalised schedule fields: what `check` stores, so that order, case and spelling are never a
 * diff. A list that names every weekday (or every hour) is stored as `"every"`: both are the same
 * schedule, so changing one into the other must not rewrite the live policy.
 */
export interface ScheduleSpec {
  /** `"every"` or weekday names, deduplicated, in the API's order (Sunday first); never all seven. */
  days: "every" | Weekday[];
  /**
   * `"every"` or hours of the day, deduplicated and ascending; never all 24. UTC in what the API
   * stores; local to the resource's `timeZone` in its inputs.
   */
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
 * deduplicated and sorted, so order, repeats and spelling are never a diff, and a list of all
 * `count` values is `"every"`, the same schedule.
 * @param what the item's name in messages ("a weekday", "an hour")
 * @param count how many distinct values there are (7 weekdays, 24 hours)
 * @param show how a rejected item is named in its message
 */
function everyOrList<T>(
  allowed: string,
  what: string,
  count: number,
  toNumber: (item: unknown) => number | undefined,
  fromNumber: (n: number) => T,
  show: (item: unknown) => string,
) {
  return z
    .union([z.literal("every"), z.array(z.unknown())], { error: () => `must be ${allowed}` })
    .transform((value, ctx): "every" | T[] => {
      if (value === "every") return value;
      if (value.length === 0) {
        ctx.addIssue({ code: "custom", message: `must be ${allowed}, got an empty list` });
        return z.NEVER;
      }
      const numbers = new Set<number>();
      for (const [index, item] of value.entries()) {
        const number = toNumber(item);
        if (number === undefined) {
          ctx.addIssue({
            code: "custom",
            path: [index],
            message: `${show(item)} is not ${what}; allowed: ${allowed}`,
          });
        } else {
          numbers.add(number);
        }
      }
      if (numbers.size === count) return "every";
      return [...numbers].sort((a, b) => a - b).map(fromNumber);
    });
}

const daysSchema = everyOrList(
  ALLOWED_DAYS,
  "a weekday",
  WEEKDAYS.length,
  (day) => (typeof day === "string" ? weekdayNumber(day) : undefined),
  (n) => WEEKDAYS[n] as Weekday,
  // A string is the right type with a wrong value: quoting it is enough ("funday" is not a weekday).
  (day) => describeValue(day, true),
);

const hoursSchema = everyOrList(
  ALLOWED_HOURS,
  "an hour",
  HOURS_PER_DAY,
  (hour) => (typeof hour === "number" && isHour(hour) ? hour : undefined),
  (n) => n,
  describeValue,
);

/** True for a whole hour of the day, 0 to 23. */
function isHour(hour: number): boolean {
  return Number.isInteger(hour) && hour >= API_LIMITS.hour.min && hour <= API_LIMITS.hour.max;
}

const RETENTION = API_LIMITS.retentionDays;
const retentionMessage = () => `must be a whole number of days from ${RETENTION.min} to ${RETENTION.max}`;

/** Validates a retention in whole days (API_LIMITS.retentionDays); the message names the allowed range. */
export const retentionDaysSchema = z
  .number({ error: retentionMessage })
  .int({ error: retentionMessage })
  .min(RETENTION.min, { error: retentionMessage })
  .max(RETENTION.max, { error: retentionMessage });

/** The schedule part of BackupSchedule's inputs, as zod validates and normalises it. */
export const scheduleSpecSchema = z.object({
  days: daysSchema,
  hours: hoursSchema,
  retentionDays: retentionDaysSchema,
  enabled: z.boolean({ error: () => "must be true or false (default true)" }).default(true),
});

/** The zone `days` and `hours` are in when none is given: the API's own. */
export const DEFAULT_TIME_ZONE = "UTC";

/** What `timeZone` accepts, for messages. */
const ALLOWED_ZONE = `an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC" (default "${DEFAULT_TIME_ZONE}")`;

/** Why a string is not a time zone name, with what to write instead. */
function notAZone(given: string): string {
  const offset = offsetNameMinutes(given);
  if (offset !== undefined) {
    const fixed = fixedOffsetZone(offset);
    const instead = fixed
      ? `; for ${formatOffset(offset)} all year use "${fixed}"${fixed.startsWith("Etc/") ? " (tzdata's Etc names invert the sign)" : ""}`
      : "";
    return `${JSON.stringify(given)} is a UTC offset, not a time zone name; allowed: ${ALLOWED_ZONE}${instead}`;
  }
  const closest = closestTimeZones(given);
  const hint =
    closest.length > 0
      ? `closest valid names: ${closest.map((name) => `"${name}"`).join(", ")}`
      : "no close match";
  return `${describeValue(given, true)} is not a known time zone (${hint}); allowed: ${ALLOWED_ZONE}`;
}

/**
 * Validates `timeZone`: a zone name the platform's time zone data knows (any case; stored in its
 * spelling, so case is never a diff). An unknown name fails with the closest valid names; a UTC
 * offset (`+02:00`) fails with the IANA name for it. Default `UTC`.
 */
export const timeZoneSchema = z
  .string({ error: () => `must be ${ALLOWED_ZONE}` })
  .transform((given, ctx) => {
    const name = timeZoneName(given.trim());
    if (name !== undefined) return name;
    ctx.addIssue({ code: "custom", message: notAZone(given) });
    return z.NEVER;
  })
  .default(DEFAULT_TIME_ZONE);

/** How a schedule in a zone that observes daylight saving time is converted to the API's UTC hours. */
export const DST_HANDLING_TYPE = enumType(
  "DstHandling",
  "How a BackupSchedule whose `timeZone` observes daylight saving time turns its local hours into the UTC hours the API stores.",
  [
    {
      name: "Reject",
      value: "reject",
      description:
        "Fail the preview, naming the zone's two offsets: the API stores fixed UTC hours, so one of the other two choices must be made. The default.",
    },
    {
      name: "StandardTime",
      value: "standardTime",
      description:
        "Convert with the zone's standard (winter) offset all year: during daylight saving time backups run one hour later in local time.",
    },
    {
      name: "Follow",
      value: "follow",
      description:
        "Convert with the offset in force at the time of `up`, on the API's clock: after each change of offset the stored UTC schedule is stale, `refresh` shows drift, and the next `up` applies it again.",
    },
  ],
);

/** A value of {@link DST_HANDLING_TYPE}. */
export type DstHandling = EnumValueOf<typeof DST_HANDLING_TYPE>;

/** `dstHandling` when none is given. */
export const DEFAULT_DST_HANDLING: DstHandling = "reject";

const DST_VALUES = enumValues(DST_HANDLING_TYPE);
const dstMessage = () =>
  `must be ${DST_VALUES.map((value) => `"${value}"`)
    .join(", ")
    .replace(/, ([^,]*)$/, " or $1")} (default "${DEFAULT_DST_HANDLING}")`;

/** Validates `dstHandling`: one of {@link DST_HANDLING_TYPE}'s values, exactly. Default `reject`. */
export const dstHandlingSchema = z.enum(DST_VALUES, { error: dstMessage }).default(DEFAULT_DST_HANDLING);

/** Where a schedule's `days` and `hours` are local to, and how daylight saving time is handled. */
export interface ZoneSettings {
  /** An IANA zone name, as `check` stores it. */
  timeZone: string;
  dstHandling: DstHandling;
}

/** A schedule as declared: `days` and `hours` local to `timeZone`. */
export type ZonedSchedule = ScheduleSpec & ZoneSettings;

/**
 * The canonical form of a schedule: a list of all seven weekdays (or all 24 hours) becomes
 * `"every"`, lists are deduplicated and sorted. `check` already stores this form; this also covers
 * schedules that did not come through it (older state, a policy read back from the API).
 */
export function normaliseSchedule(spec: ScheduleSpec): ScheduleSpec {
  return { ...spec, days: canonicalDays(spec.days), hours: canonicalHours(spec.hours) };
}

function canonicalDays(days: ScheduleSpec["days"]): ScheduleSpec["days"] {
  if (days === "every") return days;
  // In the week's order, each once: a pass over the seven days, cheaper than a sort on every call.
  const named = WEEKDAYS.filter((day) => days.includes(day));
  return named.length === WEEKDAYS.length ? "every" : named;
}

function canonicalHours(hours: ScheduleSpec["hours"]): ScheduleSpec["hours"] {
  if (hours === "every") return hours;
  const unique = [...new Set(hours)].sort((a, b) => a - b);
  return unique.filter(isHour).length === HOURS_PER_DAY ? "every" : unique;
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

const specFields = scheduleSpecSchema.shape;
const RETENTION_DAYS = API_LIMITS.retentionDays;
const HOURS = API_LIMITS.hour;

/**
 * The schedule's inputs as a BackupSchedule declares them (and as the policy pack judges them): one
 * declaration each, with its validation, description and default.
 */
export const SCHEDULE_INPUTS = declaredInputs({
  enabled: {
    schema: specFields.enabled,
    type: t.boolean,
    default: true,
    description: "Whether scheduled backups are taken. Default `true`.",
  },
  days: {
    schema: specFields.days,
    type: t.oneOf(t.literal("every"), t.array(t.string)),
    outputType: t.oneOf(t.literal("every"), t.array(t.ref(WEEKDAY_TYPE))),
    sdkType: `"every" | pulumi.Input<Weekday | (string & {})>[]`,
    required: `"every" or a list of weekday names such as ["mon", "thu"]`,
    description:
      '`"every"` for every day, or the weekdays to back up on (`sun` … `sat`; full names and any case are ' +
      "accepted), in `timeZone`. Order and duplicates do not matter, and all seven days are the same as " +
      '`"every"`. Read back normalised: short, lower case, Sunday first.',
  },
  hours: {
    schema: specFields.hours,
    type: t.oneOf(t.literal("every"), t.array(t.integer)),
    required: `"every" or a list of hours of the day (${HOURS.min}-${HOURS.max}, UTC unless timeZone is set) such as [2, 14]`,
    description:
      `\`"every"\` for every hour, or hours of the day from ${HOURS.min} to ${HOURS.max}, local to \`timeZone\` ` +
      '(**UTC** by default). Order and duplicates do not matter, and all 24 hours are the same as `"every"`. ' +
      "Read back ascending. `utcDays` and `utcHours` say what the API stores.",
  },
  retentionDays: {
    schema: specFields.retentionDays,
    type: t.integer,
    required: `how many whole days each scheduled backup is kept (${RETENTION_DAYS.min} to ${RETENTION_DAYS.max})`,
    description: `How long each scheduled backup is kept, in whole days (${RETENTION_DAYS.min}–${RETENTION_DAYS.max}).`,
  },
  timeZone: {
    schema: timeZoneSchema,
    type: t.string,
    default: DEFAULT_TIME_ZONE,
    description:
      "The IANA time zone `days` and `hours` are in (`Europe/Berlin`, `America/New_York`, `UTC`). Default " +
      "`UTC`, the API's own. The API stores whole UTC hours, so the schedule is converted when it is written: " +
      "a zone whose offset is not whole hours (`Asia/Kolkata`) fails the preview, as does a schedule whose " +
      "converted weekdays and hours are not one set of weekdays times one set of hours (an hour crossing " +
      "midnight moves its weekday), and a zone with daylight saving time needs `dstHandling`.",
  },
  dstHandling: {
    schema: dstHandlingSchema,
    type: t.ref(DST_HANDLING_TYPE),
    default: DEFAULT_DST_HANDLING,
    description:
      "What to do when `timeZone` observes daylight saving time: `reject` (the default) fails the preview; " +
      "`standardTime` converts with the zone's standard (winter) offset all year, so backups run one hour " +
      "later in local time during daylight saving time; `follow` converts with the offset in force at the " +
      "time of `up`, so after each change of offset `refresh` shows drift and the next `up` applies the " +
      "schedule again (run `pulumi up --refresh` from a scheduled pipeline).",
  },
});

/** Keeps each declaration's literal types, as a resource contract needs them. */
function declaredInputs<const I extends Record<string, InputSpec>>(inputs: I): I {
  return inputs;
}
