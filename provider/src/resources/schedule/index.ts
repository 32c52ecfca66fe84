/**
 * The schedule, in one module: what a schedule is and how its inputs are validated (spec.ts), how
 * local weekdays and hours become the UTC ones the API stores (conversion.ts, over time-zone.ts),
 * why a schedule cannot be stored and what to declare instead (explain.ts), and what the policy pack
 * judges (policy-view.ts). This file is its interface: the resources and the policy pack use
 * nothing else of it.
 */
export {
  conversionOffsetMinutes,
  type StoredSchedule,
  scheduleFromUtc,
  scheduleToUtc,
  storedScheduleAt,
} from "./conversion";
export { scheduleZoneFailures } from "./explain";
export * as scheduleMessages from "./messages";
export { type StoredScheduleView, storedScheduleOf } from "./policy-view";
export {
  backupsPerWeek,
  DEFAULT_DST_HANDLING,
  DEFAULT_TIME_ZONE,
  DST_HANDLING_TYPE,
  type DstHandling,
  normaliseSchedule,
  retentionDaysSchema,
  SCHEDULE_INPUTS,
  type ScheduleSpec,
  WEEKDAY_TYPE,
  WEEKDAYS,
  type Weekday,
  type ZonedSchedule,
  type ZoneSettings,
} from "./spec";
export { isWholeHours, MINUTES_PER_HOUR, observesDst, offsetsInYear, yearOf } from "./time-zone";
