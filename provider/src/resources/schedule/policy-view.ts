/**
 * What the policy pack needs of a schedule: the UTC weekdays and hours the API would store for a
 * BackupSchedule's raw inputs, judged exactly as `check` and `up` judge them.
 */
import { checkFields } from "../check";
import { storedScheduleAt } from "./conversion";
import { scheduleZoneFailures } from "./explain";
import { SCHEDULE_INPUTS, type ScheduleSpec, type ZonedSchedule } from "./spec";

/** What the API stores for a declared schedule, as the policy pack judges it. */
export type StoredScheduleView =
  | { readonly ok: true; readonly utcDays: ScheduleSpec["days"]; readonly utcHours: ScheduleSpec["hours"] }
  | { readonly ok: false; readonly reason: string };

/**
 * The UTC weekdays and hours the API would store for a BackupSchedule's raw inputs (as a policy pack
 * sees them: any spelling, defaults left out), converted as `up` would at `atMs`; or, for inputs
 * `check` refuses, its first reason. Values must be known (not preview-time unknowns).
 * @param atMs the instant `follow` converts at (Unix milliseconds; default now)
 */
export function storedScheduleOf(
  props: Readonly<Record<string, unknown>>,
  atMs = Date.now(),
): StoredScheduleView {
  const { days, hours, timeZone, dstHandling } = SCHEDULE_INPUTS;
  const rules = { days, hours, timeZone, dstHandling };
  const given = {
    days: props.days,
    hours: props.hours,
    timeZone: props.timeZone,
    dstHandling: props.dstHandling,
  };
  const { values, failures } = checkFields(rules, given);
  // Retention and enabled do not move in time; any valid value will do.
  const schedule: ZonedSchedule = { ...values, retentionDays: 1, enabled: true };
  const problems = failures.length > 0 ? failures : scheduleZoneFailures(schedule, new Set(), atMs);
  const first = problems[0];
  // The first line says what is wrong and what to declare instead; a policy's one-line result needs no more.
  if (first) return { ok: false, reason: first.reason.split("\n")[0] ?? first.reason };
  const { utc } = storedScheduleAt(schedule, atMs);
  return { ok: true, utcDays: utc.days, utcHours: utc.hours };
}
