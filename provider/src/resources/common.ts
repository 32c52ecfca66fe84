import { z } from "zod";
import { isDfCloudError } from "../client/errors";
import type { Datastore } from "../client/schemas";
import type { ResourceDeps } from "./api";
import type { FieldRule } from "./check";

/** Default for every resource's `waitTimeoutMinutes`: how long `up` waits for the API. */
export const DEFAULT_WAIT_TIMEOUT_MINUTES = 30;
/** Upper bound for `waitTimeoutMinutes` (one day). */
export const MAX_WAIT_TIMEOUT_MINUTES = 24 * 60;

/** The rule for `datastoreId`, shared by all three resources. */
export const datastoreIdRule: FieldRule = {
  schema: z
    .string({ error: () => "must be a datastore id (a non-empty string such as dst_…)" })
    .trim()
    .min(1, { error: () => "must be a datastore id (a non-empty string such as dst_…)" }),
  required: "the id of the Dragonfly Cloud datastore (for example `datastore.id` or a dst_… string)",
};

/** The rule for `waitTimeoutMinutes`, shared by all three resources. */
export const waitTimeoutRule: FieldRule = {
  schema: z
    .number({
      error: () =>
        `must be a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES} (default ${DEFAULT_WAIT_TIMEOUT_MINUTES})`,
    })
    .int({
      error: () =>
        `must be a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES} (default ${DEFAULT_WAIT_TIMEOUT_MINUTES})`,
    })
    .min(1, {
      error: () =>
        `must be a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES} (default ${DEFAULT_WAIT_TIMEOUT_MINUTES})`,
    })
    .max(MAX_WAIT_TIMEOUT_MINUTES, {
      error: () =>
        `must be a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES} (default ${DEFAULT_WAIT_TIMEOUT_MINUTES})`,
    })
    .default(DEFAULT_WAIT_TIMEOUT_MINUTES),
};

/** A datastore whose status means it is gone for good. */
export function isGone(datastore: Datastore): boolean {
  return datastore.status === "deleted" || datastore.status === "deleting";
}

/** True once a datastore accepts writes again. */
export function isActive(datastore: Datastore): boolean {
  return datastore.status === "active";
}

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
  const onProgress = progressReporter(deps.log, `datastore ${datastoreId}`);
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

/** Milliseconds in `minutes`. */
export function minutesToMs(minutes: number): number {
  return minutes * 60_000;
}

/**
 * Progress reporting for long waits: one line when the status changes and otherwise at most one
 * every `everyMs`, so a 30-minute wait does not print 400 lines.
 */
export function progressReporter(log: (message: string) => void, what: string, everyMs = 10_000) {
  let lastStatus = "";
  let lastAt = -Infinity;
  return (observed: { status: string }, elapsedMs: number): void => {
    const status = observed.status;
    if (status === lastStatus && elapsedMs - lastAt < everyMs) return;
    lastStatus = status;
    lastAt = elapsedMs;
    log(`${what}: ${status} (${Math.round(elapsedMs / 1000)} s)`);
  };
}

/** Prefixes an error's message with what the resource was doing, keeping the error's kind. */
export function withOperation(operation: string, error: unknown): Error {
  if (error instanceof Error) {
    error.message = `${operation}: ${error.message}`;
    return error;
  }
  return new Error(`${operation}: ${String(error)}`);
}
