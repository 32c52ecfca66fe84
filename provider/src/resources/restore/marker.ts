/**
 * The rerun marker of a Restore with `rerunMarker` on: one string key the provider writes into the
 * restored datastore's data after each restore it records. A restore wipes the datastore, so the key
 * outlives only the data it was written into: finding it with the value the stack recorded proves no
 * restore has replaced that data since, which `config.restore` (no time, no history) cannot show.
 */
import { createHash, randomBytes } from "node:crypto";

/**
 * The key the rerun marker is written under, in the datastore's own keyspace (database 0). Named so
 * that it reads as this provider's: `dfcloud:restore-marker`.
 */
export const RESTORE_MARKER_KEY = "dfcloud:restore-marker";

/** Hex digits of the trigger's hash, and of the random part, in a marker value. */
const MARKER_PART_HEX = 8;

/**
 * A new marker value for one recorded restore: `<backupId>:<trigger hash>:<random>`, e.g.
 * `bkp_1a2b:5f3c9e01:9d04aa7c`. The backup and the trigger's hash (8 hex digits of SHA-256 over the
 * trigger as JSON, `null` when unset) say which restore wrote it; the random part (8 hex digits) makes
 * each run's value its own, so a trigger set back to an earlier value never matches an older marker.
 * @param random where the random bytes come from (a test can fix them); default node:crypto's
 */
export function newMarkerValue(
  backupId: string,
  trigger: string | undefined,
  random: (size: number) => Buffer = randomBytes,
): string {
  const triggerHash = createHash("sha256")
    .update(JSON.stringify(trigger ?? null))
    .digest("hex")
    .slice(0, MARKER_PART_HEX);
  const unique = random(MARKER_PART_HEX / 2).toString("hex");
  return `${backupId}:${triggerHash}:${unique}`;
}
