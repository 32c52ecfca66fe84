import { randomUUID } from "node:crypto";
import * as z from "../zod";
import type { ClientContext } from "./context";
import { EndpointMissingError, isDfCloudError, NotFoundError, ReconciliationError } from "./errors";
import type { RequestSpec } from "./http";
import {
  BACKUPS_DATASTORE_FILTER_PARAM,
  BACKUPS_PATH,
  IDEMPOTENCY_KEY_HEADER,
  TIMESTAMP_UNIT_MS,
} from "./modelled";
import { outsideOperation } from "./operation";
import { endpoint, ROUTES } from "./routes";
import { type Backup, BackupSchema, type BackupSource, type BackupStatus } from "./schemas";
import { pollUntil, type WaitForOptions } from "./wait";

/** Which backups listBackups returns; every field set must match. */
export interface ListBackupsFilter {
  /** Only backups of this datastore (filtered by the server, and checked again here). */
  readonly datastoreId?: string | undefined;
  /** Only `manual` or only `scheduled` backups (filtered here: the API has no such parameter). */
  readonly source?: BackupSource | undefined;
  /** Only backups in this status (filtered here). */
  readonly status?: BackupStatus | undefined;
}

/**
 * The body of `POST /v1/backups` (docs/api-model.md "Backups"), in the API's own names: the fields
 * this client relies on to reconcile a lost answer, and any others the caller maps (the resource
 * model, provider/src/resources/model.ts), sent as given.
 */
export interface CreateBackupRequest {
  /** Datastore to back up; it must be `active`. */
  readonly datastore_id: string;
  /** Free text shown in the console, at most API_LIMITS.descriptionLength.max characters. */
  readonly description: string;
  /** Whole days until the backup is deleted automatically (API_LIMITS.retentionDays). */
  readonly retention: number;
  readonly [field: string]: unknown;
}

/** What deleteBackup found. */
export interface DeleteBackupResult {
  /** False when the backup was already gone (404), which counts as deleted. */
  readonly existed: boolean;
}

/**
 * How much earlier than the request's start, by the client's clock, the server may stamp a backup the
 * request created, in milliseconds; used only when the API sent no `Date` header to read its clock from.
 */
export const RECONCILE_CLOCK_SKEW_MS = 5 * 60 * 1000;

/**
 * The one message of every backup call on an API without the manual-backup endpoints: what is missing,
 * how the client knows, and what still works.
 */
export const BACKUP_ENDPOINTS_MISSING_MESSAGE =
  `this Dragonfly Cloud API offers no manual backup endpoints (GET ${BACKUPS_PATH} answered 404): ` +
  "Backup, listBackups and getBackup need them; BackupSchedule and Restore (with a backup id from the console) work without them";

const BackupListSchema = z.array(BackupSchema);

/** `GET /v1/backups`, only the datastore's backups when given: the one place that builds the list request. */
function listSpec(datastoreId?: string): RequestSpec<"GET"> {
  return endpoint(
    ROUTES.listBackups,
    {},
    datastoreId === undefined ? {} : { query: { [BACKUPS_DATASTORE_FILTER_PARAM]: datastoreId } },
  );
}

/** A fresh error each time: resources prefix messages in place, so one instance must not be thrown twice. */
function endpointsMissing(evidence: NotFoundError): EndpointMissingError {
  return new EndpointMissingError(BACKUP_ENDPOINTS_MISSING_MESSAGE, evidence);
}

/** Fails at once, sending nothing, when this client already knows the API has no backup endpoints. */
function refuseWhenMissing(context: ClientContext): void {
  const { missing } = context.backupEndpoints;
  if (missing !== undefined) throw endpointsMissing(missing);
}

/**
 * Settles whether the backup endpoints exist, asking the collection (`GET /v1/backups`) at most once per
 * client; concurrent callers share one probe. A probe that fails otherwise than with a 404 (a 5xx after
 * retries, a lost connection) settles nothing: its error is thrown, since a wrong verdict would turn "the
 * API is down" into "the backup is gone".
 * @throws EndpointMissingError when the collection answers 404
 */
async function confirmEndpoints(context: ClientContext): Promise<void> {
  const verdict = context.backupEndpoints;
  if (!verdict.present && verdict.missing === undefined) {
    verdict.probing ??= (async () => {
      try {
        // Any 2xx body will do: the question is only whether the path exists.
        await context.transport.request(listSpec(), z.unknown());
        verdict.present = true;
      } catch (error) {
        if (!isDfCloudError(error, "NotFoundError")) throw error;
        verdict.missing = error;
      } finally {
        verdict.probing = undefined;
      }
    })();
    await verdict.probing;
  }
  refuseWhenMissing(context);
}

/**
 * Runs one call to a `/v1/backups` endpoint and says what its 404 means. A 404 of the collection's
 * `GET` means the endpoints are missing (EndpointMissingError). Any other 404 (`/v1/backups/{id}`, or a
 * POST refused for its datastore) is ambiguous on its own, so the collection settles it: missing there
 * too is EndpointMissingError; present, it is a NotFoundError that says `notFoundMeans`.
 * @param notFoundMeans what a 404 of this call means when the endpoints exist; undefined for the
 *   collection's GET, whose 404 is itself the verdict
 */
async function onBackupEndpoint<T>(
  context: ClientContext,
  notFoundMeans: string | undefined,
  call: () => Promise<T>,
): Promise<T> {
  refuseWhenMissing(context);
  try {
    const answer = await call();
    context.backupEndpoints.present = true;
    return answer;
  } catch (error) {
    if (!isDfCloudError(error, "NotFoundError")) throw error;
    if (notFoundMeans === undefined) {
      context.backupEndpoints.missing = error;
      context.backupEndpoints.present = false;
      throw endpointsMissing(error);
    }
    await confirmEndpoints(context);
    throw new NotFoundError(
      error,
      `${notFoundMeans} (the backup endpoints exist: GET ${BACKUPS_PATH} answers)`,
      { cause: error },
    );
  }
}

/** What a 404 of `/v1/backups/{id}` means once the endpoints are known to exist. */
const backupMissing = (backupId: string): string => `Backup ${backupId} does not exist in this account`;

/**
 * `GET /v1/backups`, filtered by `filter`.
 * @throws EndpointMissingError when the API has no backup endpoints
 */
export async function listBackups(context: ClientContext, filter: ListBackupsFilter = {}): Promise<Backup[]> {
  const { datastoreId, source, status } = filter;
  const backups = await onBackupEndpoint(context, undefined, () =>
    context.transport.request(listSpec(datastoreId), BackupListSchema),
  );
  // The datastore filter is checked again because the query parameter is our model of the API
  // (docs/api-model.md): a server that ignored it must not hand other datastores' backups to callers.
  return backups.filter(
    (backup) =>
      (datastoreId === undefined || backup.datastore_id === datastoreId) &&
      (source === undefined || backup.source === source) &&
      (status === undefined || backup.status === status),
  );
}

/**
 * `GET /v1/backups/{id}`.
 * @throws NotFoundError when the backup does not exist (the message says the endpoints do)
 * @throws EndpointMissingError when the API has no backup endpoints
 */
export function getBackup(context: ClientContext, backupId: string): Promise<Backup> {
  const spec = endpoint(ROUTES.getBackup, { backupId });
  return onBackupEndpoint(context, backupMissing(backupId), () =>
    context.transport.request(spec, BackupSchema),
  );
}

/**
 * `POST /v1/backups`, made safe to retry: it never creates two backups, even when an answer is lost
 * after the server acted (a dropped connection, a timeout, a 500 sent after handling), and never hands
 * one backup to two callers.
 *
 * 1. Creates with the same datastore, description and retention run one after the other in this
 *    client: two identical `Backup` resources of one program cannot race each other's reconciliation.
 * 2. Before the first POST, the ids of the datastore's existing backups are noted (one extra GET), and
 *    the API's time (its `Date` header).
 * 3. Every attempt sends the same `Idempotency-Key` (one UUID per call), so a server that honours it
 *    answers a repeat with the first backup.
 * 4. Whether the real API honours that header is unknown (docs/api-model.md marks it [choice]), so after
 *    an attempt that may have acted (connection error, timeout, 408, 5xx other than 503) and before
 *    sending again, the backups are listed: a manual backup with the same description and retention,
 *    not noted in 2, stamped no earlier than the API's time in 2, and not already returned to another
 *    caller of this client, is the one the lost attempt created and is returned. None: the POST is sent
 *    again. Several: ReconciliationError, since adopting the wrong one would orphan the other.
 *
 * A 429 or 503 is answered before the request is handled, so it is retried without looking.
 */
export function createBackup(context: ClientContext, request: CreateBackupRequest): Promise<Backup> {
  const spec = JSON.stringify(request);
  const { runningBySpec, claimedIds } = context.backupCreates;
  const before = runningBySpec.get(spec) ?? Promise.resolve();
  const running = before
    .catch(() => undefined)
    .then(async () => {
      const backup = await createBackupOnce(context, request);
      claimedIds.add(backup.backup_id);
      return backup;
    });
  runningBySpec.set(spec, running);
  const forget = () => {
    if (runningBySpec.get(spec) === running) runningBySpec.delete(spec);
  };
  running.then(forget, forget);
  return running;
}

async function createBackupOnce(context: ClientContext, request: CreateBackupRequest): Promise<Backup> {
  const startedAt = context.clock.now();
  const existing = await listBackups(context, { datastoreId: request.datastore_id });
  const existingIds = new Set(existing.map((backup) => backup.backup_id));
  // created_at is whole seconds and Date is truncated to the second: a backup made after the list was
  // answered is stamped no earlier than the list's Date, on the API's own clock.
  const apiStart = context.transport.apiNow();
  const notBeforeMs =
    apiStart === undefined ? startedAt - RECONCILE_CLOCK_SKEW_MS : Math.floor(apiStart / 1000) * 1000;
  const spec = endpoint(
    ROUTES.createBackup,
    {},
    { headers: { [IDEMPOTENCY_KEY_HEADER]: randomUUID() }, body: request },
  );
  // The list above has settled that the endpoints exist, so a 404 here is the datastore's (docs/api-model.md).
  const datastoreMissing = `Datastore ${request.datastore_id} does not exist in this account`;
  return onBackupEndpoint(context, datastoreMissing, () =>
    context.transport.retrying(spec, async (attempt) => {
      if (attempt.earlierAttemptMayHaveActed) {
        const adopted = await findBackupOfLostAttempt(context, request, existingIds, notBeforeMs);
        context.onReconcile?.({ ...context.transport.targetOf(spec), adoptedId: adopted?.backup_id });
        if (adopted !== undefined) return adopted;
      }
      try {
        return await context.transport.send(spec, BackupSchema);
      } catch (error) {
        if (!isDfCloudError(error, "CancelledError")) throw error;
        // Cancelled with the POST on the wire: the API may have created the backup. Look once more,
        // outside the cancelled operation, so the caller can record it rather than leave it orphaned
        // (and take it a second time on the next up). Found: returned; not found: the cancellation.
        const adopted = await outsideOperation(() =>
          findBackupOfLostAttempt(context, request, existingIds, notBeforeMs),
        ).catch(() => undefined);
        context.onReconcile?.({ ...context.transport.targetOf(spec), adoptedId: adopted?.backup_id });
        if (adopted !== undefined) return adopted;
        throw error;
      }
    }),
  );
}

async function findBackupOfLostAttempt(
  context: ClientContext,
  request: CreateBackupRequest,
  existingIds: ReadonlySet<string>,
  notBeforeMs: number,
): Promise<Backup | undefined> {
  const backups = await listBackups(context, { datastoreId: request.datastore_id, source: "manual" });
  const matches = backups.filter(
    (backup) =>
      !existingIds.has(backup.backup_id) &&
      !context.backupCreates.claimedIds.has(backup.backup_id) &&
      backup.description === request.description &&
      backup.retention === request.retention &&
      backup.created_at * TIMESTAMP_UNIT_MS >= notBeforeMs,
  );
  if (matches.length > 1) {
    throw new ReconciliationError(
      `manual backup "${request.description}" of datastore ${request.datastore_id}`,
      matches.map((backup) => backup.backup_id),
    );
  }
  return matches[0];
}

/**
 * `DELETE /v1/backups/{id}`, retried. A 404 of the backup counts as deleted (`existed: false`). After an
 * attempt whose answer was lost, a 404 most likely means that attempt deleted it, so `existed` is then true.
 * @throws EndpointMissingError when the API has no backup endpoints: nothing was deleted, and nothing
 *   says the backup is gone
 */
export async function deleteBackup(context: ClientContext, backupId: string): Promise<DeleteBackupResult> {
  const spec = endpoint(ROUTES.deleteBackup, { backupId });
  let earlierAttemptMayHaveActed = false;
  try {
    await onBackupEndpoint(context, backupMissing(backupId), () =>
      context.transport.retrying(spec, (attempt) => {
        earlierAttemptMayHaveActed = attempt.earlierAttemptMayHaveActed;
        return context.transport.send(spec, BackupSchema);
      }),
    );
    return { existed: true };
  } catch (error) {
    // onBackupEndpoint has settled that this 404 is the backup's, not the endpoint's.
    if (isDfCloudError(error, "NotFoundError")) return { existed: earlierAttemptMayHaveActed };
    throw error;
  }
}

/**
 * Polls the backup until it is `ready`.
 * @throws TerminalStateError when it is `failed`
 * @throws NotFoundError when it disappears (deleted, or its retention ran out)
 */
export function waitForBackup(
  context: ClientContext,
  backupId: string,
  options: WaitForOptions<Backup> = {},
): Promise<Backup> {
  return pollUntil(
    {
      waitedFor: `backup ${backupId} to become ready`,
      read: () => getBackup(context, backupId),
      statusOf: (backup) => backup.status,
      isDone: (backup) => backup.status === "ready",
      isTerminal: (backup) => backup.status === "failed",
    },
    options,
    context.clock,
  );
}
