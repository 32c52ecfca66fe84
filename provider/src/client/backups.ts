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
 * request created, in milliseconds: `created_at` is truncated to whole seconds and the two clocks differ.
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
 * after the server acted (a dropped connection, a timeout, a 500 sent after handling).
 *
 * 1. Before the first POST, the ids of the datastore's existing backups are noted (one extra GET).
 * 2. Every attempt sends the same `Idempotency-Key` (one UUID per call), so a server that honours it
 *    answers a repeat with the first backup.
 * 3. Whether the real API honours that header is unknown (docs/api-model.md marks it [choice]), so after
 *    an attempt that may have acted (connection error, timeout, 408, 5xx other than 503) and before
 *    sending again, the backups are listed: a new (not noted in 1) manual backup with the same
 *    description and retention, created no earlier than the start minus {@link RECONCILE_CLOCK_SKEW_MS},
 *    is the one the lost attempt created and is returned. None: the POST is sent again. Several (two
 *    identical creates at once): ReconciliationError, since adopting the wrong one would orphan the other.
 *
 * A 429 or 503 is answered before the request is handled, so it is retried without looking.
 */
export async function createBackup(context: ClientContext, request: CreateBackupRequest): Promise<Backup> {
  const startedAt = context.clock.now();
  const existing = await listBackups(context, { datastoreId: request.datastoreId });
  const existingIds = new Set(existing.map((backup) => backup.backup_id));
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
      const adopted = await findBackupOfLostAttempt(context, request, existingIds, startedAt);
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
  startedAt: number,
): Promise<Backup | undefined> {
  const backups = await listBackups(context, { datastoreId: request.datastoreId, source: "manual" });
  const matches = backups.filter(
    (backup) =>
      !existingIds.has(backup.backup_id) &&
      backup.description === request.description &&
      backup.retention === request.retentionDays &&
      backup.created_at * TIMESTAMP_UNIT_MS >= startedAt - RECONCILE_CLOCK_SKEW_MS,
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
