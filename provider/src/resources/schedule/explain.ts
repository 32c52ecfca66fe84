/**
 * Why a declared schedule cannot be stored in UTC, in the zone's own terms: its offsets, what
 * `standardTime` does to local time, which converted slots are not a product, and what could be
 * declared instead. `check` reports these at preview, with nothing sent.
 */
import type { CheckFailure } from "../logic";
import { dayNumbers, hourNumbers, scheduleToUtc } from "./conversion";
import * as messages from "./messages";
import type { ZonedSchedule } from "./spec";
import {
  allOffsets,
  dayShift,
  formatOffset,
  formatSlots,
  isWholeHours,
  MINUTES_PER_HOUR,
  observesDst,
  offsetsInYear,
  shiftSlots,
  slotsOf,
  type YearOffsets,
  yearOf,
} from "./time-zone";

/** `UTC+1 in standard time and UTC+2 in daylight saving time`, or `UTC+9` for a zone without it. */
function describeOffsets(offsets: YearOffsets): string {
  const standard = formatOffset(offsets.standardMinutes);
  if (!observesDst(offsets)) return standard;
  return `${standard} in standard time and ${offsets.otherMinutes.map(formatOffset).join(" or ")} in daylight saving time`;
}

/** What `standardTime` means for the zone's local time, in its own offsets. */
function standardTimeEffect(offsets: YearOffsets): string {
  const effects = offsets.otherMinutes.map((other) => {
    const minutes = other - offsets.standardMinutes;
    const amount =
      Math.abs(minutes) === MINUTES_PER_HOUR ? "one hour" : `${Math.abs(minutes) / MINUTES_PER_HOUR} hours`;
    return `${amount} ${minutes > 0 ? "later" : "earlier"} in local time while the zone is at ${formatOffset(other)}`;
  });
  return `backups run ${effects.join(", and ")}`;
}

/** Where a conversion happened, for messages: `Asia/Tokyo (UTC+9)` or `Europe/Berlin at UTC+1 (standard time)`. */
function atOffset(zone: string, offsets: YearOffsets, minutes: number): string {
  if (!observesDst(offsets)) return `${zone} (${formatOffset(minutes)})`;
  const season = minutes === offsets.standardMinutes ? "standard time" : "daylight saving time";
  return `${zone} at ${formatOffset(minutes)} (${season})`;
}

/** `"every"` or a JSON list, as a message quotes a declared value. */
function quoted(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Why a declared schedule cannot be stored in UTC, for `check` (nothing has been sent when it fails):
 * a zone whose offset is not whole hours; a zone with daylight saving time under `reject`; weekdays
 * and hours whose UTC slots are not one set of weekdays times one set of hours, at any offset the
 * schedule will be converted with (`follow` uses each of the zone's offsets in turn, so it is judged
 * at each now rather than failing at an `up` half a year later). Inputs still unknown during preview
 * are judged at `up`.
 * @param atMs the instant whose year the zone's offsets are read for (the API's time when known)
 */
export function scheduleZoneFailures(
  inputs: ZonedSchedule,
  unknownKeys: ReadonlySet<string>,
  atMs: number,
): CheckFailure[] {
  if (unknownKeys.has("timeZone") || unknownKeys.has("dstHandling")) return [];
  const zone = inputs.timeZone;
  const offsets = offsetsInYear(zone, yearOf(atMs));
  const all = allOffsets(offsets);
  if (!all.every(isWholeHours)) {
    return [
      {
        property: "timeZone",
        reason: messages.notWholeHours(zone, describeOffsets(offsets)),
      },
    ];
  }
  if (observesDst(offsets) && inputs.dstHandling === "reject") {
    const reason = messages.observesDst({
      zone,
      offsets: describeOffsets(offsets),
      year: offsets.year,
      standard: formatOffset(offsets.standardMinutes),
      standardTimeEffect: standardTimeEffect(offsets),
    });
    return [{ property: "timeZone", reason }];
  }
  if (unknownKeys.has("days") || unknownKeys.has("hours")) return [];
  const used = inputs.dstHandling === "follow" ? all : [offsets.standardMinutes];
  for (const minutes of used) {
    const offsetHours = minutes / MINUTES_PER_HOUR;
    if (scheduleToUtc(inputs, offsetHours)) continue;
    const utcSlots = shiftSlots(slotsOf(dayNumbers(inputs.days), hourNumbers(inputs.hours)), offsetHours);
    const reason = messages.notAProduct({
      days: quoted(inputs.days),
      hours: quoted(inputs.hours),
      where: atOffset(zone, offsets, minutes),
      utcSlots: formatSlots(utcSlots),
      alternatives: alternatives(inputs, used),
    });
    return [{ property: "hours", reason }];
  }
  return [];
}

/**
 * Schedules that could be declared instead of one whose UTC slots are not a product: every day at
 * the same hours (every weekday shifted is still every weekday), or only the hours that move to the
 * same UTC day at every offset used.
 */
function alternatives(inputs: ZonedSchedule, offsetsMinutes: readonly number[]): string {
  const groups = new Map<string, number[]>();
  for (const hour of hourNumbers(inputs.hours)) {
    const key = offsetsMinutes.map((minutes) => dayShift(hour, minutes / MINUTES_PER_HOUR)).join(",");
    groups.set(key, [...(groups.get(key) ?? []), hour]);
  }
  const choices = [
    ...(inputs.days === "every" ? [] : ['days "every" (backups every day at these hours)']),
    ...[...groups.values()].map((hours) => `only hours ${quoted(hours)}`),
  ];
  return choices.join(", or ");
}
