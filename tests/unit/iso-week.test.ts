/**
 * The week of examples/weekly-restore-drill is computed in two places: by the program (iso-week.ts,
 * its default when no week is given) and by the workflow (`date -u +%G-W%V`, which names the evidence
 * even when `up` fails). A drill run locally and one run by CI in the same week must share the
 * trigger, so the two must agree on every day, the years with 53 weeks and the turns of the year
 * included.
 */
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { ISO_WEEK_PATTERN, isoWeekOf } from "../../examples/weekly-restore-drill/iso-week";

const DAY_MS = 86_400_000;

describe("the ISO week of the weekly restore drill", () => {
  it.each([
    // 2026 starts on a Thursday: its first day is in week 1.
    ["2026-01-01T00:00:00Z", "2026-W01"],
    // A Sunday at the last second of UTC belongs to the week that began on the Monday before.
    ["2026-12-06T23:59:59Z", "2026-W49"],
    ["2026-12-07T00:00:00Z", "2026-W50"],
    // 2026 has 53 weeks: 2027's first days belong to the last of them.
    ["2027-01-01T12:00:00Z", "2026-W53"],
    ["2027-01-04T00:00:00Z", "2027-W01"],
    // The last days of December can be week 1 of the next year.
    ["2024-12-30T00:00:00Z", "2025-W01"],
    ["2021-01-03T00:00:00Z", "2020-W53"],
  ])("puts %s in %s", (instant, week) => {
    expect(isoWeekOf(new Date(instant))).toBe(week);
    expect(week).toMatch(ISO_WEEK_PATTERN);
  });

  it("is the week `date -u +%G-W%V` gives, on every day from 2020 to 2030", () => {
    const days: Date[] = [];
    for (let time = Date.UTC(2020, 0, 1); time < Date.UTC(2031, 0, 1); time += DAY_MS) {
      // An hour before midnight UTC: a program that used local time would drift across the day.
      days.push(new Date(time + 23 * 3_600_000));
    }
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "iso-week-")), "days.txt");
    fs.writeFileSync(file, days.map((day) => day.toISOString()).join("\n"));
    const fromDate = execFileSync("date", ["-u", "-f", file, "+%G-W%V"], { encoding: "utf8" })
      .trim()
      .split("\n");
    expect(days.map(isoWeekOf)).toEqual(fromDate);
  });

  it.each(["2026-W00", "2026-W54", "2026-W7", "2026W49", "26-W49", "2026-w49"])(
    "refuses %s as a week",
    (week) => {
      expect(week).not.toMatch(ISO_WEEK_PATTERN);
    },
  );
});
