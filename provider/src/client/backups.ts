import { randomUUID } from "node:crypto";
import { z } from "zod";
import type { ClientContext } from "./context";
import { isDfCloudError, ReconciliationError } from "./errors";
import type { RequestSpec } from "./http";
import {
  BACKUPS_DATASTORE_FILTER_PARAM,
  BACKUPS_PATH,
  IDEMPOTENCY_KEY_HEADER,
  TIMESTAMP_UNIT_MS,
} from "./modelled";
import { path } from "./path";
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

/** A manual backup to take. */
export interface CreateBackupRequest {
  /** Datastore to back up; it must be `active`. */
  readonly datastoreId: string;
  /** Free text shown in the console, at most 256 characters. */
  readonly description: string;
  /** Whole days until the backup is deleted automatically, 1–365. */
  readonly retentionDays: number;
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

const BackupListSchema = z.array(BackupSchema);

const backupPath = (backupId: string): string => BACKUPS_PATH + path`/${backupId}`;

/** `GET /v1/backups`, filtered by `filter`. */
export async function listBackups(context: ClientContext, filter: ListBackupsFilter = {}): Promise<Backup[]> {
  const { datastoreId, source, status } = filter;
  const spec: RequestSpec<"GET"> = {
    method: "GET",
    path: BACKUPS_PATH,
    ...(datastoreId === undefined ? {} : { query: { [BACKUPS_DATASTORE_FILTER_PARAM]: datastoreId } }),
  };
  const backups = await context.transport.request(spec, BackupListSchema);
  // The datastore filter is checked again because the query parameter is our model of the API
  // (docs/api-model.md): a server that ignored it must not hand other datastores' backups to callers.
  return backups.filter(
    (backup) =>
      (datastoreId === undefined || backup.datastore_id === datastoreId) &&
      (source === undefined || backup.source === source) &&
      (status === undefined || backup.status === status),
  );
}

/** `GET /v1/backups/{id}`. */
export function getBackup(context: ClientContext, backupId: string): Promise<Backup> {
  return context.transport.request({ method: "GET", path: backupPath(backupId) }, BackupSchema);
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
  const spec = JSON.stringify([request.datastoreId, request.description, request.retentionDays]);
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
  const existing = await listBackups(context, { datastoreId: request.datastoreId });
  const existingIds = new Set(existing.map((backup) => backup.backup_id));
  // created_at is whole seconds and Date is truncated to the second: a backup made after the list was
  // answered is stamped no earlier than the list's Date, on the API's own clock.
  const apiStart = context.transport.apiNow();
  const notBeforeMs =
    apiStart === undefined ? startedAt - RECONCILE_CLOCK_SKEW_MS : Math.floor(apiStart / 1000) * 1000;
  const spec: RequestSpec<"POST"> = {
    method: "POST",
    path: BACKUPS_PATH,
    headers: { [IDEMPOTENCY_KEY_HEADER]: randomUUID() },
    body: {
      datastore_id: request.datastoreId,
      description: request.description,
      retention: request.retentionDays,
    },
  };
  return context.transport.retrying(spec, async (attempt) => {
    if (attempt.earlierAttemptMayHaveActed) {
      const adopted = await findBackupOfLostAttempt(context, request, existingIds, notBeforeMs);
      context.onReconcile?.({ ...context.transport.targetOf(spec), adoptedId: adopted?.backup_id });
      if (adopted !== undefined) return adopted;
    }
    return context.transport.send(spec, BackupSchema);
  });
}

async function findBackupOfLostAttempt(
  context: ClientContext,
  request: CreateBackupRequest,
  existingIds: ReadonlySet<string>,
  notBeforeMs: number,
): Promise<Backup | undefined> {
  const backups = await listBackups(context, { datastoreId: request.datastoreId, source: "manual" });
  const matches = backups.filter(
    (backup) =>
      !existingIds.has(backup.backup_id) &&
      !context.backupCreates.claimedIds.has(backup.backup_id) &&
      backup.description === request.description &&
      backup.retention === request.retentionDays &&
      backup.created_at * TIMESTAMP_UNIT_MS >= notBeforeMs,
  );
  if (matches.length > 1) {
    throw new ReconciliationError(
      `manual backup "${request.description}" of datastore ${request.datastoreId}`,
      matches.map((backup) => backup.backup_id),
    );
  }
  return matches[0];
}

/**
 * `DELETE /v1/backups/{id}`, retried. A 404 counts as deleted (`existed: false`). After an attempt whose
 * answer was lost, a 404 most likely means that attempt deleted it, so `existed` is then true.
 */
export function deleteBackup(context: ClientContext, backupId: string): Promise<DeleteBackupResult> {
  const spec: RequestSpec<"DELETE"> = { method: "DELETE", path: backupPath(backupId) };
  return context.transport.retrying(spec, async (attempt) => {
    try {
      await context.transport.send(spec, BackupSchema);
      return { existed: true };
    } catch (error) {
      if (isDfCloudError(error, "NotFoundError")) return { existed: attempt.earlierAttemptMayHaveActed };
      throw error;
    }
  });
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
