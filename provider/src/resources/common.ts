import { z } from "zod";
import { isDfCloudError } from "../client/errors";
import { withinOperation } from "../client/operation";
import type { Datastore } from "../client/schemas";
import { type InputSpec, t } from "../contract/spec";
import type { ResourceDeps } from "./api";
import { datastoreIdSchema } from "./ids";

/** Default for every resource's `waitTimeoutMinutes`: how long `up` waits for the API. */
export const DEFAULT_WAIT_TIMEOUT_MINUTES = 30;
/** Upper bound for `waitTimeoutMinutes` (one day). */
export const MAX_WAIT_TIMEOUT_MINUTES = 24 * 60;

/**
 * The `datastoreId` input, shared by all three resources: an id in the shape the API issues, so a
 * path such as `../../v1/backups` fails the preview instead of reaching a request path.
 * @param description what the datastore is to this resource, and what changing it does
 */
export function datastoreIdInput<const R extends boolean>(description: string, replaces: R) {
  return {
    schema: datastoreIdSchema,
    type: t.string,
    description,
    required: "the id of the Dragonfly Cloud datastore (for example `datastore.id` or a dst_… string)",
    replaces,
  } satisfies InputSpec;
}

const WAIT_TIMEOUT_RANGE = `a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES} (default ${DEFAULT_WAIT_TIMEOUT_MINUTES})`;

/**
 * The `waitTimeoutMinutes` input, shared by all three resources: one budget for the whole operation.
 * @param awaited what `up` waits for, e.g. `the backup to become ready`
 */
export function waitTimeoutInput(awaited: string) {
  const mustBe = () => `must be ${WAIT_TIMEOUT_RANGE}`;
  return {
    schema: z
      .number({ error: mustBe })
      .int({ error: mustBe })
      .min(1, { error: mustBe })
      .max(MAX_WAIT_TIMEOUT_MINUTES, { error: mustBe })
      .default(DEFAULT_WAIT_TIMEOUT_MINUTES),
    type: t.integer,
    default: DEFAULT_WAIT_TIMEOUT_MINUTES,
    description:
      `How long \`up\` waits for ${awaited}, in minutes (1–${MAX_WAIT_TIMEOUT_MINUTES}): one budget for the wait until ` +
      `the datastore is idle, every request and retry, and the wait itself. Default ${DEFAULT_WAIT_TIMEOUT_MINUTES}. ` +
      "Changing it changes nothing else.",
  } satisfies InputSpec;
}

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

/** Milliseconds in `minutes`. */
export function minutesToMs(minutes: number): number {
  return minutes * 60_000;
}

/**
 * Runs one resource operation under one deadline, `waitTimeoutMinutes` from now: the idle wait, every
 * request and retry, and the wait for the end state all draw on it, so the operation ends within that
 * budget plus one request (defect: each wait used to get a fresh budget, up to about twice the
 * limit). The deps' signal cancels it, aborting in-flight requests.
 * @returns what `operation` returns; it is given the deadline in milliseconds on the deps' clock
 */
export function withinDeadline<T>(
  deps: ResourceDeps,
  waitTimeoutMinutes: number,
  operation: (deadlineMs: number) => Promise<T>,
): Promise<T> {
  const deadlineMs = deps.now() + minutesToMs(waitTimeoutMinutes);
  return withinOperation({ deadlineMs, signal: deps.signal }, () => operation(deadlineMs));
}

/** The API's time now as ISO 8601 UTC (the local clock only when the API never sent its `Date`). */
export function apiTimestamp(deps: ResourceDeps): string {
  return new Date(deps.api.apiNow() ?? deps.now()).toISOString();
}

/**
 * The error a failed `create` throws once something exists or has started on the API side: carrying
 * `id` and `properties` makes the engine record the resource in state (ErrorResourceInitFailed), so
 * it is never orphaned nor started twice; the next `up` runs an update that picks it up.
 */
export class PartialCreateError<Properties> extends Error {
  override readonly name = "PartialCreateError";
  /** What the engine shows under the resource. */
  readonly reasons: string[];
  /**
   * @param id the resource's id in state
   * @param properties the outputs recorded in state
   */
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Properties,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.reasons = [message];
  }
}

/**
 * Runs a preview-time lookup of ids the user gave. Without an API key there is nothing to look up
 * with: preview says so once per lookup and passes, and `up` will fail on the missing key.
 * @returns the lookup's failures, or none when it could not run
 */
export async function lookupAtPreview<F>(deps: ResourceDeps, lookup: () => Promise<F[]>): Promise<F[]> {
  try {
    return await lookup();
  } catch (error) {
    if (!isDfCloudError(error, "ConfigurationError")) throw error;
    deps.warn(`ids not checked at preview: ${error.message}`);
    return [];
  }
}

/**
 * Reads a datastore for a preview check: undefined when it does not exist (404, or deleted).
 */
export async function findDatastore(deps: ResourceDeps, datastoreId: string): Promise<Datastore | undefined> {
  try {
    const datastore = await deps.api.getDatastore(datastoreId);
    return isGone(datastore) ? undefined : datastore;
  } catch (error) {
    if (isDfCloudError(error, "NotFoundError")) return undefined;
    throw error;
  }
}

/** The failure of a `datastoreId` that names no datastore of the account. */
export function missingDatastore(datastoreId: string): { property: string; reason: string } {
  return {
    property: "datastoreId",
    reason: `datastoreId: datastore ${datastoreId} does not exist in this account`,
  };
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

/**
 * A resource operation that failed: the message says what the resource was doing, and the failure
 * itself stays as `cause`, with its kind, status and request id — wrapped with `{ cause }` as
 * openai-node's errors are, never by rewriting the original's message.
 */
export class OperationError extends Error {
  override readonly name = "OperationError";
  /**
   * @param operation what the resource was doing, e.g. `restoring backup bkp_x into datastore dst_y`
   * @param cause what failed
   */
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`${operation}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Wraps a failure in an {@link OperationError} that says what the resource was doing. */
export function withOperation(operation: string, error: unknown): OperationError {
  return new OperationError(operation, error);
}
