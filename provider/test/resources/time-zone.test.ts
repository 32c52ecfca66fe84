/**
 * The time zone functions over the platform's data (Intl): offsets east and west of UTC, in both
 * hemispheres and at the date line, whether a zone observes daylight saving time and its standard
 * offset, zone names and the closest valid ones, and the slot conversion with its product check.
 */
import { describe, expect, it } from "vitest";
import { storedScheduleAt } from "../../src/resources/schedule";
import {
  asProduct,
  closestTimeZones,
  editDistance,
  fixedOffsetZone,
  formatOffset,
  formatSlots,
  observesDst,
  offsetMinutesAt,
  offsetNameMinutes,
  offsetsInYear,
  shiftSlots,
  slotsOf,
  timeZoneName,
} from "../../src/resources/schedule/time-zone";

const JANUARY = Date.UTC(2026, 0, 15, 12);
const JULY = Date.UTC(2026, 6, 15, 12);
const MON = 1;
const SUN = 0;
const TUE = 2;
const SAT = 6;

describe("offsetMinutesAt", () => {
  it.each([
    ["UTC", 0, 0],
    ["Europe/Berlin", 60, 120],
    ["America/New_York", -300, -240],
    ["Australia/Sydney", 660, 600],
    ["America/Sao_Paulo", -180, -180],
    ["Asia/Tokyo", 540, 540],
    ["Pacific/Kiritimati", 840, 840],
    ["Pacific/Pago_Pago", -660, -660],
    ["Asia/Kolkata", 330, 330],
    ["Asia/Kathmandu", 345, 345],
    ["Australia/Adelaide", 630, 570],
  ])("%s is %i minutes east of UTC in January and %i in July", (zone, january, july) => {
    expect(offsetMinutesAt(zone, JANUARY)).toBe(january);
    expect(offsetMinutesAt(zone, JULY)).toBe(july);
  });

  it("throws a RangeError for a zone the platform does not know", () => {
    expect(() => offsetMinutesAt("Mars/Olympus_Mons", JANUARY)).toThrow(RangeError);
  });
});

describe("offsetsInYear", () => {
  it.each([
    // North: standard time in January.
    ["Europe/Berlin", 60, [120]],
    ["America/New_York", -300, [-240]],
    // South: standard time in July.
    ["Australia/Sydney", 600, [660]],
    ["Pacific/Auckland", 720, [780]],
    // tzdata calls Irish summer time "standard"; by offsets, winter is still the smaller one.
    ["Europe/Dublin", 0, [60]],
    // Morocco's Ramadan offset covers neither January 1 nor July 1: only the daily reading sees it.
    ["Africa/Casablanca", 60, [0]],
    ["Asia/Tokyo", 540, []],
    ["Pacific/Kiritimati", 840, []],
    ["Pacific/Pago_Pago", -660, []],
    ["UTC", 0, []],
  ])("%s: standard offset %i, others %j", (zone, standard, others) => {
    const offsets = offsetsInYear(zone, 2026);
    expect(offsets).toEqual({ zone, year: 2026, standardMinutes: standard, otherMinutes: others });
    expect(observesDst(offsets)).toBe(others.length > 0);
  });
});

describe("zone names", () => {
  it("gives the platform's spelling for any case, and keeps a link as given", () => {
    expect(timeZoneName("europe/berlin")).toBe("Europe/Berlin");
    expect(timeZoneName("utc")).toBe("UTC");
    expect(timeZoneName("US/Eastern")).toBe("US/Eastern");
    expect(timeZoneName("Etc/GMT-2")).toBe("Etc/GMT-2");
  });

  it("refuses unknown names, empty ones and UTC offsets written as names", () => {
    for (const name of ["Europe/Berln", "", "+02:00", "UTC+2", "GMT-05:00", "-0330"]) {
      expect(timeZoneName(name), name).toBeUndefined();
    }
  });

  it("reads an offset written as a name, and names the IANA zone for a whole-hour one", () => {
    expect(offsetNameMinutes("+02:00")).toBe(120);
    expect(offsetNameMinutes("UTC-5")).toBe(-300);
    expect(offsetNameMinutes("-0330")).toBe(-210);
    expect(offsetNameMinutes("Europe/Berlin")).toBeUndefined();
    expect(fixedOffsetZone(120)).toBe("Etc/GMT-2");
    expect(fixedOffsetZone(-300)).toBe("Etc/GMT+5");
    expect(fixedOffsetZone(0)).toBe("UTC");
    expect(fixedOffsetZone(330)).toBeUndefined();
  });

  it("finds the closest valid names by the whole name or the city, and none for nonsense", () => {
    expect(closestTimeZones("Europe/Berln")).toEqual(["Europe/Berlin"]);
    expect(closestTimeZones("Berlin")).toEqual(["Europe/Berlin"]);
    expect(closestTimeZones("America/New York")).toEqual(["America/New_York"]);
    expect(closestTimeZones("Amercia/Los_Angeles")).toEqual(["America/Los_Angeles"]);
    expect(closestTimeZones("utc")).toEqual(["UTC"]);
    expect(closestTimeZones("Mars/Olympus_Mons")).toEqual([]);
  });

  it("counts a swap of neighbours as one edit", () => {
    expect(editDistance("New_Yrok", "New_York")).toBe(1);
    expect(editDistance("Berln", "Berlin")).toBe(1);
    expect(editDistance("", "abc")).toBe(3);
  });

  it("writes offsets as UTC±h[:mm]", () => {
    expect([0, 60, -660, 840, 330, 345, -210].map(formatOffset)).toEqual([
      "UTC+0",
      "UTC+1",
      "UTC-11",
      "UTC+14",
      "UTC+5:30",
      "UTC+5:45",
      "UTC-3:30",
    ]);
  });
});

describe("slot conversion", () => {
  it("moves an east-of-UTC hour before midnight to the day before (Kiritimati, UTC+14)", () => {
    expect(shiftSlots([{ day: MON, hour: 10 }], 14)).toEqual([{ day: SUN, hour: 20 }]);
    expect(shiftSlots([{ day: MON, hour: 14 }], 14)).toEqual([{ day: MON, hour: 0 }]);
  });

  it("moves a west-of-UTC hour past midnight to the day after (Pago Pago, UTC-11)", () => {
    expect(shiftSlots([{ day: MON, hour: 20 }], -11)).toEqual([{ day: TUE, hour: 7 }]);
    expect(shiftSlots([{ day: MON, hour: 12 }], -11)).toEqual([{ day: MON, hour: 23 }]);
  });

  it("wraps around the week both ways", () => {
    expect(shiftSlots([{ day: SUN, hour: 1 }], 2)).toEqual([{ day: SAT, hour: 23 }]);
    expect(shiftSlots([{ day: SAT, hour: 20 }], -11)).toEqual([{ day: SUN, hour: 7 }]);
  });

  it("is undone by the opposite offset, for every slot of the week and every whole-hour offset", () => {
    const week = slotsOf([0, 1, 2, 3, 4, 5, 6], [...Array(24).keys()]);
    for (let offset = -12; offset <= 14; offset++) {
      expect(shiftSlots(shiftSlots(week, offset), -offset)).toEqual(week);
    }
  });

  it("tells a product of weekdays and hours from slots that are not one", () => {
    expect(asProduct(shiftSlots(slotsOf([MON, 4], [2, 14]), 1))).toEqual({ days: [MON, 4], hours: [1, 13] });
    // Monday at 01:00 and 23:00 in UTC+2: Sunday 23:00 and Monday 21:00.
    expect(asProduct(shiftSlots(slotsOf([MON], [1, 23]), 2))).toBeUndefined();
    // Every day stays every day, whatever the hours do.
    expect(asProduct(shiftSlots(slotsOf([0, 1, 2, 3, 4, 5, 6], [0, 23]), 2))).toEqual({
      days: [0, 1, 2, 3, 4, 5, 6],
      hours: [21, 22],
    });
  });

  it("writes slots by weekday, runs of hours joined", () => {
    expect(formatSlots(shiftSlots(slotsOf([MON], [1, 23]), 2))).toBe("Sunday 23:00; Monday 21:00");
    expect(formatSlots(slotsOf([MON, SUN], [22, 23, 5]))).toBe(
      "Sunday 05:00, 22:00–23:00; Monday 05:00, 22:00–23:00",
    );
  });
});

describe("storedScheduleAt (what up writes)", () => {
  const spec = { enabled: true, retentionDays: 7 };
  const schedule = { ...spec, dstHandling: "reject" as const };

  it("converts at the instant it is given: follow in Berlin is UTC+1 in January and UTC+2 in July", () => {
    const berlin = { ...schedule, days: ["mon" as const], hours: [2], timeZone: "Europe/Berlin" };
    const follow = { ...berlin, dstHandling: "follow" as const };
    expect(storedScheduleAt(follow, JANUARY)).toEqual({
      utc: { ...spec, days: ["mon"], hours: [1] },
      offsetHours: 1,
    });
    expect(storedScheduleAt(follow, JULY)).toEqual({
      utc: { ...spec, days: ["mon"], hours: [0] },
      offsetHours: 2,
    });
    const standard = { ...berlin, dstHandling: "standardTime" as const };
    expect(storedScheduleAt(standard, JULY).offsetHours).toBe(1);
  });

  it("refuses, with the reason, what check refuses (were the zone data to change after the preview)", () => {
    expect(() =>
      storedScheduleAt({ ...schedule, days: "every", hours: [2], timeZone: "Asia/Kolkata" }, JANUARY),
    ).toThrow(
      "Asia/Kolkata at UTC+5:30 (2026-01-15T12:00:00.000Z) is not a whole number of hours from UTC; the API schedules whole UTC hours",
    );
    expect(() =>
      storedScheduleAt(
        { ...schedule, days: ["mon"], hours: [1, 23], timeZone: "Africa/Johannesburg" },
        JANUARY,
      ),
    ).toThrow(
      'days ["mon"] × hours [1,23] in Africa/Johannesburg at UTC+2 (2026-01-15T12:00:00.000Z) are not one set of weekdays times one set of hours in UTC',
    );
  });
});
