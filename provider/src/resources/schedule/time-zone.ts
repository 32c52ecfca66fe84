/**
 * Time zones for backup schedules, from the platform's time zone data (`Intl`: the ICU and tzdata
 * that Node ships), never a hand-written table: a zone's offset at an instant, the offsets it uses in
 * a year (so whether it observes daylight saving time, and its standard offset), the closest valid
 * names to a misspelt one, and the conversion of a schedule's (weekday, hour) slots between a fixed
 * offset and UTC, with the check that the result is one set of weekdays times one set of hours, the
 * only shape the API stores. Pure functions: no clock is read here, every instant is passed in.
 */

/** Minutes in an hour: offsets are kept in minutes, the API schedules whole hours. */
export const MINUTES_PER_HOUR = 60;
const HOURS_PER_DAY = 24;
const DAYS_PER_WEEK = 7;
const DAY_MS = 86_400_000;

/** Weekday names in the API's order (0 = Sunday), for messages. */
const DAY_NAMES = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"] as const;

/** One formatter per zone: building one costs far more than formatting with it. */
const formatters = new Map<string, Intl.DateTimeFormat>();

/** A formatter whose `timeZoneName` part is the zone's offset (`GMT+01:00`); throws RangeError on an unknown zone. */
function offsetFormatter(zone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(zone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat("en-US", { timeZone: zone, timeZoneName: "longOffset" });
    formatters.set(zone, formatter);
  }
  return formatter;
}

/** `GMT`, `GMT+01:00`, `GMT-09:30`, `GMT+05:45`, with seconds for historical local mean times. */
const LONG_OFFSET = /^GMT(?:([+\-\u2212])(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;

/**
 * The offset of `zone` from UTC at `atMs`, in minutes, east positive: 60 for Europe/Berlin in January,
 * -660 for Pacific/Pago_Pago, 330 for Asia/Kolkata. Throws a RangeError for an unknown zone.
 * @param atMs the instant, Unix milliseconds
 */
export function offsetMinutesAt(zone: string, atMs: number): number {
  // The default zone needs no Intl: ICU's first time-zone formatter costs a process about 10 ms.
  if (zone === "UTC") return 0;
  const part = offsetFormatter(zone)
    .formatToParts(atMs)
    .find((p) => p.type === "timeZoneName")?.value;
  const match = part === undefined ? null : LONG_OFFSET.exec(part);
  if (!match) throw new Error(`cannot read the UTC offset of time zone ${zone}: Intl gave ${String(part)}`);
  if (match[1] === undefined) return 0;
  const minutes = Number(match[2]) * MINUTES_PER_HOUR + Number(match[3]) + Number(match[4] ?? 0) / 60;
  return match[1] === "+" ? minutes : -minutes;
}

/** The offsets a zone uses in one calendar year. */
export interface YearOffsets {
  /** The zone, as given. */
  readonly zone: string;
  /** The calendar year (UTC) they were read for. */
  readonly year: number;
  /**
   * The zone's standard (winter) offset, in minutes: the one in force on both January 1 and July 1, or,
   * when those differ (daylight saving time in one hemisphere or the other), the smaller of the two.
   * (tzdata calls Irish summer time "standard"; by offsets, winter is still the smaller one.)
   */
  readonly standardMinutes: number;
  /** Every other offset used during the year (daylight saving time), ascending; empty when there is none. */
  readonly otherMinutes: readonly number[];
}

const yearOffsetsCache = new Map<string, YearOffsets>();

/** How often {@link offsetsInYear} reads a zone's offset: any change lasting this long is seen. */
const SAMPLE_EVERY_MS = 7 * DAY_MS;

/**
 * The offsets `zone` uses in `year`, read at noon UTC every week of it and on January 1 and July 1,
 * so a change of offset that lasts a week or more is seen wherever it falls (Morocco's month-long
 * Ramadan offset misses both January 1 and July 1), at 53 readings rather than 365. Cached per zone
 * and year. Throws a RangeError for an unknown zone.
 */
export function offsetsInYear(zone: string, year: number): YearOffsets {
  const key = `${zone}\u0000${year}`;
  const cached = yearOffsetsCache.get(key);
  if (cached) return cached;
  const january = offsetMinutesAt(zone, Date.UTC(year, 0, 1, 12));
  const july = offsetMinutesAt(zone, Date.UTC(year, 6, 1, 12));
  const seen = new Set([january, july]);
  for (let at = Date.UTC(year, 0, 1, 12); at < Date.UTC(year + 1, 0, 1); at += SAMPLE_EVERY_MS) {
    seen.add(offsetMinutesAt(zone, at));
  }
  const standardMinutes = january === july ? january : Math.min(january, july);
  seen.delete(standardMinutes);
  const offsets: YearOffsets = {
    zone,
    year,
    standardMinutes,
    otherMinutes: [...seen].sort((a, b) => a - b),
  };
  yearOffsetsCache.set(key, offsets);
  return offsets;
}

/** The calendar year (UTC) of an instant. */
export function yearOf(atMs: number): number {
  return new Date(atMs).getUTCFullYear();
}

/** True when the zone uses more than one offset in the year: it observes daylight saving time. */
export function observesDst(offsets: YearOffsets): boolean {
  return offsets.otherMinutes.length > 0;
}

/** Every offset of the year, the standard one first. */
export function allOffsets(offsets: YearOffsets): number[] {
  return [offsets.standardMinutes, ...offsets.otherMinutes];
}

/** True for an offset of whole hours. */
export function isWholeHours(minutes: number): boolean {
  return minutes % MINUTES_PER_HOUR === 0;
}

/** An offset for messages: `UTC+1`, `UTC-11`, `UTC+5:30`, `UTC+0`. */
export function formatOffset(minutes: number): string {
  const sign = minutes < 0 ? "-" : "+";
  const absolute = Math.abs(minutes);
  const hours = Math.floor(absolute / MINUTES_PER_HOUR);
  const rest = Math.round(absolute % MINUTES_PER_HOUR);
  return `UTC${sign}${hours}${rest === 0 ? "" : `:${String(rest).padStart(2, "0")}`}`;
}

/**
 * A UTC offset written as a zone name (`+02:00`, `UTC+2`, `GMT-05:00`, `-0330`): recent Intl
 * accepts some of them as zones, but a schedule takes an IANA name. Returns the offset in minutes,
 * or undefined when `name` is not such an offset.
 */
export function offsetNameMinutes(name: string): number | undefined {
  const match = /^(?:UTC|GMT|Z)?\s*([+\-\u2212])(\d{1,2})(?::?(\d{2}))?$/i.exec(name.trim());
  if (!match) return undefined;
  const minutes = Number(match[2]) * MINUTES_PER_HOUR + Number(match[3] ?? 0);
  return match[1] === "+" ? minutes : -minutes;
}

/**
 * The IANA name for a fixed offset of whole hours all year: `UTC` for 0, else tzdata's `Etc/GMT∓h`,
 * whose sign is inverted (POSIX style): UTC+2 is `Etc/GMT-2`. Undefined when there is none (a
 * fraction of an hour, or beyond Etc's range of -12 to +14).
 */
export function fixedOffsetZone(minutes: number): string | undefined {
  if (minutes === 0) return "UTC";
  if (!isWholeHours(minutes)) return undefined;
  const hours = minutes / MINUTES_PER_HOUR;
  if (hours < -12 || hours > 14) return undefined;
  return `Etc/GMT${hours > 0 ? "-" : "+"}${Math.abs(hours)}`;
}

/** {@link timeZoneName}'s answers: `resolvedOptions` builds a whole object each time. */
const names = new Map<string, string | undefined>();

/**
 * The zone name in the platform's spelling when `name` is a time zone Intl knows (any case:
 * `europe/berlin` gives `Europe/Berlin`); undefined when it is not one, or is a UTC offset rather than
 * a name. A link such as `US/Eastern` is kept as given: the platform's choice of canonical name
 * changes between ICU versions, and a stored name that changed would read as a change of schedule.
 */
export function timeZoneName(name: string): string | undefined {
  if (name === "UTC") return name; // the default, as Intl spells it, without building a formatter
  if (names.has(name)) return names.get(name);
  let spelt: string | undefined;
  if (name.trim() !== "" && offsetNameMinutes(name) === undefined) {
    try {
      const resolved = offsetFormatter(name).resolvedOptions().timeZone;
      spelt = resolved.toLowerCase() === name.toLowerCase() ? resolved : name;
    } catch {
      spelt = undefined;
    }
  }
  names.set(name, spelt);
  return spelt;
}

let knownNames: readonly string[] | undefined;

/** Every zone name the platform lists (`Intl.supportedValuesOf`), plus `UTC`, which it leaves out. */
function listedNames(): readonly string[] {
  knownNames ??= ["UTC", ...Intl.supportedValuesOf("timeZone").filter((name) => name !== "UTC")];
  return knownNames;
}

/** How far apart two strings are: insertions, deletions, substitutions and swaps of neighbours. */
export function editDistance(a: string, b: string): number {
  // Optimal string alignment; three rows are enough.
  let before = Array.from({ length: b.length + 1 }, () => 0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, (before[j - 2] ?? 0) + 1);
      }
      current.push(best);
    }
    before = previous;
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** The last part of a zone name, where the city is: `Europe/Berlin` → `berlin`. */
function cityOf(name: string): string {
  return (name.split("/").pop() ?? name).toLowerCase();
}

/**
 * Up to `count` listed zone names closest to a name that is not one, closest first: by edit
 * distance of the whole name or of its city (`Berlin` finds `Europe/Berlin`, `America/New York`
 * finds `America/New_York`). Names further off than a third of the city's length (at least 2 edits)
 * are left out, so nonsense gets no suggestion rather than a random one.
 */
export function closestTimeZones(name: string, count = 3): string[] {
  const wanted = name.trim().replace(/\s+/g, "_").toLowerCase();
  const city = cityOf(wanted);
  const limit = Math.max(2, Math.floor(city.length / 3));
  return listedNames()
    .map((candidate) => {
      const whole = editDistance(wanted, candidate.toLowerCase());
      return { candidate, whole, score: Math.min(whole, editDistance(city, cityOf(candidate))) };
    })
    .filter(({ score }) => score <= limit)
    .sort((a, b) => a.score - b.score || a.whole - b.whole || a.candidate.localeCompare(b.candidate))
    .slice(0, count)
    .map(({ candidate }) => candidate);
}

/** One backup time of the week: a weekday (0 = Sunday, the API's numbering) and an hour (0-23). */
export interface Slot {
  readonly day: number;
  readonly hour: number;
}

/** A set of slots that is one set of weekdays times one set of hours: what the API can store. */
export interface SlotProduct {
  /** Weekdays, ascending, without repeats (0 = Sunday). */
  readonly days: number[];
  /** Hours, ascending, without repeats. */
  readonly hours: number[];
}

/** `n` modulo `m`, never negative. */
function modulo(n: number, m: number): number {
  return ((n % m) + m) % m;
}

/**
 * How many days a local hour moves when converted to UTC at a whole-hour offset: -1 when it falls on
 * the day before (01:00 in UTC+2 is 23:00 the day before), +1 on the day after, else 0.
 */
export function dayShift(hour: number, offsetHours: number): number {
  return Math.floor((hour - offsetHours) / HOURS_PER_DAY);
}

/**
 * Moves each slot by `-offsetHours`: local slots at an offset become UTC slots (and UTC slots become
 * local ones with the offset negated). An hour crossing midnight moves the weekday, wrapping around the
 * week (Sunday before Monday, Saturday after Friday).
 * @param offsetHours whole hours east of UTC (+1 for Berlin in winter, -11 for Pago Pago)
 */
export function shiftSlots(slots: readonly Slot[], offsetHours: number): Slot[] {
  return slots.map(({ day, hour }) => ({
    day: modulo(day + dayShift(hour, offsetHours), DAYS_PER_WEEK),
    hour: modulo(hour - offsetHours, HOURS_PER_DAY),
  }));
}

/** The slots of `days` × `hours`. */
export function slotsOf(days: readonly number[], hours: readonly number[]): Slot[] {
  return days.flatMap((day) => hours.map((hour) => ({ day, hour })));
}

/** The weekdays and hours that occur in `slots`, each ascending and without repeats. */
export function boundingProduct(slots: readonly Slot[]): SlotProduct {
  const sorted = (values: number[]) => [...new Set(values)].sort((a, b) => a - b);
  return { days: sorted(slots.map((s) => s.day)), hours: sorted(slots.map((s) => s.hour)) };
}

/**
 * The slots as one set of weekdays times one set of hours, or undefined when they are not such a
 * product (Monday 23:00 and Tuesday 01:00 are not: the product of their days and hours has four slots).
 */
export function asProduct(slots: readonly Slot[]): SlotProduct | undefined {
  const distinct = new Set(slots.map(({ day, hour }) => day * HOURS_PER_DAY + hour));
  const box = boundingProduct(slots);
  return distinct.size === box.days.length * box.hours.length ? box : undefined;
}

/** `05:00`. */
function clock(hour: number): string {
  return `${String(hour).padStart(2, "0")}:00`;
}

/**
 * Slots for a message, by weekday in the API's order, runs of hours joined:
 * `Sunday 22:00–23:00; Monday 00:00–21:00`, `Sunday 23:00; Monday 21:00`.
 */
export function formatSlots(slots: readonly Slot[]): string {
  const byDay = new Map<number, Set<number>>();
  for (const { day, hour } of slots) byDay.set(day, (byDay.get(day) ?? new Set()).add(hour));
  return [...byDay.keys()]
    .sort((a, b) => a - b)
    .map((day) => {
      const hours = [...(byDay.get(day) ?? [])].sort((a, b) => a - b);
      const runs: string[] = [];
      for (let i = 0; i < hours.length; ) {
        let j = i;
        while (j + 1 < hours.length && (hours[j + 1] ?? 0) === (hours[j] ?? 0) + 1) j++;
        const first = hours[i] ?? 0;
        const last = hours[j] ?? 0;
        runs.push(first === last ? clock(first) : `${clock(first)}–${clock(last)}`);
        i = j + 1;
      }
      return `${DAY_NAMES[day] ?? day} ${runs.join(", ")}`;
    })
    .join("; ");
}
