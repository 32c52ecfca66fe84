/** Writes that wait out a busy datastore. */
import { isDfCloudError } from "../client/errors";
import type { Datastore } from "../client/schemas";
import type { ResourceDeps } from "./deps";
import { noteDatastoreWrite } from "./listing";
import { isActive } from "./model";
import { progressReporter } from "./progress";

/** How often a write refused with 409 while its datastore is `active` is tried again. */
const MAX_CONFLICTS_WHILE_ACTIVE = 2;

/**
 * Runs `write`, a change to datastore `datastoreId`; when the API refuses it with 409 because the
 * datastore is busy, waits until the datastore is `active` again and runs it once more, until
 * `deadlineMs`. Pulumi applies the resources of one `up` in parallel, so a Backup or Restore often
 * meets its datastore `updating` for the BackupSchedule written a moment before. A 409 means the
 * write was not applied, so running it again cannot apply it twice.
 * @param alreadyUnderway says whether the busy datastore is busy with this very write (started by
 *   an earlier, interrupted run); then the write is not repeated and that datastore is returned
 */
export async function whenDatastoreIdle<T>(
  deps: ResourceDeps,
  datastoreId: string,
  deadlineMs: number,
  write: () => Promise<T>,
  alreadyUnderway?: (busy: Datastore) => T | undefined,
): Promise<T> {
  noteDatastoreWrite(deps, datastoreId);
  const onProgress = progressReporter(deps.status, `datastore ${datastoreId}`);
  // A 409 while the datastore is already active is about something else (a backup that is not
  // ready, say) or a transition that ended a moment ago: try again, but not in a loop.
  let conflictsWhileActive = 0;
  for (;;) {
    try {
      return await write();
    } catch (error) {
      if (!isDfCloudError(error, "ConflictError") || deps.now() >= deadlineMs) throw error;
      const current = await deps.api.getDatastore(datastoreId);
      const underway = isActive(current) ? undefined : alreadyUnderway?.(current);
      if (underway !== undefined) return underway;
      if (isActive(current)) {
        conflictsWhileActive += 1;
        if (conflictsWhileActive > MAX_CONFLICTS_WHILE_ACTIVE) throw error;
      } else {
        await deps.api.waitForDatastore(datastoreId, isActive, { deadlineMs, onProgress });
      }
    }
  }
}
