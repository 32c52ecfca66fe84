/**
 * What the schedule module tells the person running Pulumi when a declared schedule cannot be
 * stored in UTC, defined once: `check` reports these at preview and the tests expect them. The first
 * line says what is wrong and what to declare instead; the details follow on the next. Offsets and
 * slots arrive already written out (`UTC+1`, `Mon 01:00`), as explain.ts formats them.
 */

/** A zone whose offset is not whole hours (`Asia/Kolkata`, UTC+5:30). */
export function notWholeHours(zone: string, offsets: string): string {
  return (
    `timeZone: ${zone} is not a whole number of hours from UTC; declare the hours in UTC (timeZone "UTC") or in a ` +
    "zone whose offset is whole hours.\n" +
    `It is ${offsets}, and the API schedules whole UTC hours`
  );
}

/** A zone with daylight saving time under dstHandling "reject". */
export interface DstRefusal {
  zone: string;
  /** Both offsets, e.g. `UTC+1 in standard time and UTC+2 in daylight saving time`. */
  offsets: string;
  /** The year the offsets were read for. */
  year: number;
  /** The standard offset, e.g. `UTC+1`. */
  standard: string;
  /** What `standardTime` does to local time, e.g. `backups run one hour later in local time while the zone is at UTC+2`. */
  standardTimeEffect: string;
}

/** A zone with daylight saving time under dstHandling "reject" (the default). */
export function observesDst(refusal: DstRefusal): string {
  return (
    `timeZone: ${refusal.zone} observes daylight saving time, which dstHandling "reject" (the default) refuses; set ` +
    'dstHandling to "standardTime" or "follow".\n' +
    `It is ${refusal.offsets} in ${refusal.year}, and the API stores fixed UTC hours. "standardTime": ` +
    `${refusal.standard} all year (${refusal.standardTimeEffect}). "follow": the offset in force at each \`up\` ` +
    "(after each change of offset `refresh` shows drift until the next `up` applies it again)"
  );
}

/** Weekdays and hours whose UTC slots are not one set of weekdays times one set of hours. */
export interface NotAProduct {
  /** The declared days and hours, as JSON (`["mon"]`, `"every"`). */
  days: string;
  hours: string;
  /** Where they were converted, e.g. `Europe/Berlin at UTC+1 (standard time)`. */
  where: string;
  /** The UTC slots, e.g. `Sun 23:00, Mon 00:00`. */
  utcSlots: string;
  /** What could be declared instead, e.g. `days "every" (backups every day at these hours), or only hours [2]`. */
  alternatives: string;
}

/** Weekdays and hours whose UTC slots are not one set of weekdays times one set of hours. */
export function notAProduct(problem: NotAProduct): string {
  return (
    `hours: days ${problem.days} × hours ${problem.hours} in ${problem.where} are not one set of weekdays times ` +
    `one set of hours in UTC, the only schedule the API stores; declare instead ${problem.alternatives}.\n` +
    `In UTC they are ${problem.utcSlots} (an hour crossing midnight moves its weekday)`
  );
}
