// The ISO 8601 week, the drill's trigger: one drill a week, and a name for the week's evidence.
// The workflow computes the same value with `date -u +%G-W%V`; tests/unit/iso-week.test.ts checks
// that the two agree on every day from 2020 to 2030.

/** Milliseconds in a day. */
const DAY_MS = 86_400_000;

/** What an ISO week looks like: `2026-W49` (a four-digit week-based year, `-W`, weeks 01 to 53). */
export const ISO_WEEK_PATTERN = /^\d{4}-W(0[1-9]|[1-4]\d|5[0-3])$/;

/**
 * The ISO 8601 week of `date` in UTC, as `YYYY-Www` (`2026-W49`). Weeks start on Monday, and week 1
 * is the week with the year's first Thursday, so the first days of January can belong to the last
 * week of the year before (2027-01-01 is in 2026-W53), and the last days of December to week 1 of
 * the next (2024-12-30 is in 2025-W01).
 */
export function isoWeekOf(date: Date): string {
  // The Thursday of date's week (Monday to Sunday) decides the week-based year.
  const weekday = date.getUTCDay() === 0 ? 7 : date.getUTCDay();
  const thursday = new Date(
    Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate() + 4 - weekday),
  );
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / DAY_MS / 7) + 1;
  return `${year}-W${String(week).padStart(2, "0")}`;
}
