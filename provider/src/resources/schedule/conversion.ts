/**
 * A declared schedule converted between local time and the UTC weekdays and hours the API stores,
 * at the offset its zone has when `up` runs (on the API's clock).
 */
import { API_WEEKDAYS } from "../../client/modelled";
import {
  normaliseSchedule,
  type ScheduleSpec,
  type Weekday,
  type ZonedSchedule,
  type ZoneSettings,
} from "./spec";
import {
  asProduct,
  boundingProduct,
  formatOffset,
  isWholeHours,
  MINUTES_PER_HOUR,
  offsetMinutesAt,
  offsetsInYear,
  type SlotProduct,
  shiftSlots,
  slotsOf,
  yearOf,
} from "./time-zone";

/** A schedule's weekdays as the API's numbers (0 = Sunday); `"every"` is all seven. */
export function dayNumbers(days: ScheduleSpec["days"]): number[] {
  return days === "every" ? API_WEEKDAYS.map((_, n) => n) : days.map((day) => API_WEEKDAYS.indexOf(day));
}

/** A schedule's hours; `"every"` is all 24. */
export function hourNumbers(hours: ScheduleSpec["hours"]): number[] {
  return hours === "every" ? Array.from({ length: 24 }, (_, hour) => hour) : [...hours];
}

/**
 * A schedule at other slots, canonical (all seven weekdays or all 24 hours read as `"every"`); only
 * the schedule's own fields, whatever else `schedule` carries.
 */
function withSlots(schedule: ScheduleSpec, product: SlotProduct): ScheduleSpec {
  return normaliseSchedule({
    enabled: schedule.enabled,
    retentionDays: schedule.retentionDays,
    days: product.days.map((n) => API_WEEKDAYS[n] as Weekday),
    hours: product.hours,
  });
}

/**
 * The UTC offset a schedule in `zone` is converted with at `atMs`, in minutes east of UTC: the
 * zone's standard offset all year for `standardTime`, else the offset in force at that instant
 * (the only one for a zone without daylight saving time; the current one for `follow`).
 * @param atMs the instant, Unix milliseconds: the API's time when it is known
 */
export function conversionOffsetMinutes(zone: ZoneSettings, atMs: number): number {
  if (zone.dstHandling === "standardTime") return offsetsInYear(zone.timeZone, yearOf(atMs)).standardMinutes;
  return offsetMinutesAt(zone.timeZone, atMs);
}

/**
 * The schedule moved from local time at `offsetHours` to UTC: each (weekday, hour) to one UTC
 * (weekday, hour), an hour crossing midnight moving its weekday; `"every"` day stays `"every"`.
 * Undefined when the UTC slots are not one set of weekdays times one set of hours, which the API
 * cannot store. Retention and `enabled` are kept.
 * @param offsetHours whole hours east of UTC (+1 for Europe/Berlin in winter)
 */
export function scheduleToUtc(schedule: ScheduleSpec, offsetHours: number): ScheduleSpec | undefined {
  const product = asProduct(
    shiftSlots(slotsOf(dayNumbers(schedule.days), hourNumbers(schedule.hours)), offsetHours),
  );
  return product && withSlots(schedule, product);
}

/**
 * A live UTC schedule read in local time at `offsetHours`, for `refresh` to compare with what was
 * declared: the inverse of {@link scheduleToUtc}, so an unchanged schedule reads back exactly as
 * declared. A live schedule whose local slots are not a product (a console edit of UTC hours that
 * straddle local midnight) reads as the weekdays and hours that occur in it, a wider schedule that
 * still differs from the declared one (and diff also compares the UTC form).
 */
export function scheduleFromUtc(live: ScheduleSpec, offsetHours: number): ScheduleSpec {
  const slots = shiftSlots(slotsOf(dayNumbers(live.days), hourNumbers(live.hours)), -offsetHours);
  return withSlots(live, asProduct(slots) ?? boundingProduct(slots));
}

/** What the API stores for a declared schedule: the schedule in UTC, and the offset it was converted with. */
export interface StoredSchedule {
  /** The schedule in UTC, canonical: what `toBackupPolicy` writes. */
  utc: ScheduleSpec;
  /** Whole hours east of UTC that the local hours were converted with. */
  offsetHours: number;
}

/**
 * The UTC schedule the API is to store for a schedule declared in a zone, at `atMs` (the API's time
 * at `up`). `check` has refused every schedule this cannot convert; throws when the zone's offset at
 * that instant is not whole hours or the converted slots are not a product, which only a change of
 * the platform's time zone data since the preview can cause.
 */
export function storedScheduleAt(schedule: ZonedSchedule, atMs: number): StoredSchedule {
  const minutes = conversionOffsetMinutes(schedule, atMs);
  const at = `${schedule.timeZone} at ${formatOffset(minutes)} (${new Date(atMs).toISOString()})`;
  if (!isWholeHours(minutes)) {
    throw new Error(`${at} is not a whole number of hours from UTC; the API schedules whole UTC hours`);
  }
  const offsetHours = minutes / MINUTES_PER_HOUR;
  const utc = scheduleToUtc(schedule, offsetHours);
  if (!utc) {
    throw new Error(
      `days ${JSON.stringify(schedule.days)} × hours ${JSON.stringify(schedule.hours)} in ${at} are not one set ` +
        "of weekdays times one set of hours in UTC, the only schedule the API stores",
    );
  }
  return { utc, offsetHours };
}
