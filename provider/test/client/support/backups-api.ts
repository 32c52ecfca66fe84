import type { Backup } from "../../../src/client/schemas";
import { backupFixture } from "./fixtures";
import type { Reply, Script } from "./scripted-server";

/** {@link fakeClock}'s default start (2026-01-01T00:00:00Z) in the API's Unix seconds: when scripted backups are made. */
export const START_SECONDS = Date.UTC(2026, 0, 1) / 1000;

/** How a {@link backupsApi} treats one POST: as asked, lost after creating, or 502 before creating. */
export type PostOutcome = "created" | "lost" | "failed-before-creating";

const ok = (json: unknown): Reply => ({ status: 200, json });

/**
 * A backups API for a scripted server that, like an API without idempotency-key support, creates a
 * backup for every POST it handles: pending, with the POST's description and retention, made at
 * {@link START_SECONDS}, ids `bkp_new<n>`. Every GET lists what it holds.
 * @param outcomes POST number n (from 1) ends as `outcomes[n - 1]`; "created" when absent
 * @param existing the backups it holds before the first POST
 * @returns the script, and the backups it holds (live: tests assert on what was really created)
 */
export function backupsApi(
  outcomes: readonly PostOutcome[],
  existing: readonly Backup[] = [],
): { script: Script; stored: Backup[] } {
  const stored = [...existing];
  let posts = 0;
  const script: Script = (received) => {
    if (received.method === "GET") return ok(stored);
    const outcome = outcomes[posts++] ?? "created";
    if (outcome === "failed-before-creating") return { status: 502, json: { error: "bad gateway" } };
    const body = received.body as { description: string; retention: number };
    const backup = backupFixture({
      backup_id: `bkp_new${stored.length}`,
      status: "pending",
      description: body.description,
      retention: body.retention,
      created_at: START_SECONDS,
    });
    stored.push(backup);
    return outcome === "lost" ? "drop" : ok(backup);
  };
  return { script, stored };
}
