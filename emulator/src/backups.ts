/**
 * Backup operations (docs/api-model.md, "Backups"): manual backups with idempotency keys, list,
 * get, delete; every backup becomes `ready` (capturing its datastore's data) after the `backup`
 * duration and is deleted automatically at `created_at + retention` days.
 */

import { findDatastore } from "./datastores.ts";
import { conflict, notFound } from "./errors.ts";
import { entriesBytes } from "./keyspace.ts";
import {
  BACKUP_HEADER_BYTES,
  BACKUP_ID_PREFIX,
  DAY_MS,
  IDEMPOTENCY_WINDOW_MS,
  SECOND_MS,
} from "./modelled.ts";
import type { Backup, BackupRecord, BackupSource, BackupStatus, DatastoreRecord } from "./types.ts";
import { type BackupRequest, configLocation, configShardCount } from "./validation.ts";
import type { World } from "./world.ts";

/** The wire shape of a backup. */
export function backupView(backup: BackupRecord): Backup {
  return {
    backup_id: backup.id,
    datastore_id: backup.datastoreId,
    description: backup.description,
    retention: backup.retention,
    source: backup.source,
    status: backup.status,
    created_at: createdAtSeconds(backup),
    size_bytes: backup.sizeBytes,
    location: { ...backup.location },
    shard_count: backup.shardCount,
  };
}

function createdAtSeconds(backup: BackupRecord): number {
  return Math.floor(backup.createdAtMs / SECOND_MS);
}

/**
 * `POST /v1/backups`: a manual backup of an `active` datastore of the account (`404` unknown,
 * `409` not active). With an `idempotencyKey` seen in the last 24 h of this account, answers the
 * backup the first request created (as it is now, or as it was if since deleted) and creates none.
 */
export function requestBackup(
  world: World,
  apiKey: string,
  request: BackupRequest,
  idempotencyKey: string | undefined,
): Backup {
  forgetExpiredIdempotencyKeys(world);
  const slot = idempotencyKey === undefined ? undefined : idempotencySlot(apiKey, idempotencyKey);
  const remembered = slot === undefined ? undefined : world.idempotency.get(slot);
  if (remembered) {
    const current = world.backups.get(remembered.backup.backup_id);
    return current ? backupView(current) : remembered.backup;
  }
  const datastore = findDatastore(world, apiKey, request.datastoreId);
  if (datastore.status !== "active") {
    throw conflict(`datastore ${datastore.id} is ${datastore.status}, not active`);
  }
  const backup = backupView(createBackup(world, datastore, { source: "manual", ...request }));
  if (slot !== undefined && idempotencyKey !== undefined) {
    world.idempotency.set(slot, { apiKey, key: idempotencyKey, at: world.now, backup });
  }
  return backup;
}

/** The map key of an idempotency record: keys are remembered per account. */
export function idempotencySlot(apiKey: string, key: string): string {
  return `${apiKey}\n${key}`;
}

function forgetExpiredIdempotencyKeys(world: World): void {
  for (const [slot, record] of world.idempotency) {
    if (record.at + IDEMPOTENCY_WINDOW_MS <= world.now) {
      world.idempotency.delete(slot);
      world.dirty = true;
    }
  }
}

/**
 * Creates a `pending` backup of `datastore` now, recording its location and shard count at this
 * moment; it becomes ready after the `backup` duration and expires after `retention` days.
 */
export function createBackup(
  world: World,
  datastore: DatastoreRecord,
  what: { source: BackupSource; description: string; retention: number },
): BackupRecord {
  const backup: BackupRecord = {
    id: world.newId(BACKUP_ID_PREFIX, world.backups),
    apiKey: datastore.apiKey,
    datastoreId: datastore.id,
    description: what.description,
    retention: what.retention,
    source: what.source,
    status: "pending",
    createdAtMs: world.now,
    readyAt: world.now + Math.round(world.durations.backup * SECOND_MS),
    sizeBytes: 0,
    location: configLocation(datastore.config),
    shardCount: configShardCount(datastore.config),
    data: null,
  };
  world.backups.set(backup.id, backup);
  world.dirty = true;
  watchBackup(world, backup);
  return backup;
}

/** Schedules the backup's `ready` (if pending) and its expiry (also after a restart). */
export function watchBackup(world: World, backup: BackupRecord): void {
  const isCurrent = () => world.backups.get(backup.id) === backup;
  if (backup.status === "pending") {
    world.at(backup.readyAt, () => {
      if (isCurrent() && backup.status === "pending") completeBackup(world, backup);
    });
  }
  // The doc: "deleted automatically at created_at + retention days" (created_at in whole seconds).
  world.at(createdAtSeconds(backup) * SECOND_MS + backup.retention * DAY_MS, () => {
    if (!isCurrent()) return;
    world.backups.delete(backup.id);
    world.dirty = true;
  });
}

/**
 * A backup of `datastore` made by the admin API (`POST /_emulator/backups`), so a test can get a
 * backup without `/v1/backups`: `ready` at once with the datastore's data as it is now, `failed` at
 * once, or `pending` like any new backup (ready after the `backup` duration). It expires like any other.
 */
export function seedBackup(
  world: World,
  datastore: DatastoreRecord,
  what: { source: BackupSource; description: string; retention: number },
  status: BackupStatus,
): BackupRecord {
  const backup = createBackup(world, datastore, what);
  if (status === "pending") return backup;
  backup.readyAt = world.now;
  backup.status = status;
  if (status === "ready") capture(world, backup, datastore);
  return backup;
}

/**
 * A backup becomes `ready` with a copy of its datastore's data, or `failed` when the datastore was
 * deleted meanwhile (there is no data left to capture).
 */
function completeBackup(world: World, backup: BackupRecord): void {
  world.dirty = true;
  const datastore = world.datastores.get(backup.datastoreId);
  if (!datastore || datastore.status === "deleting" || datastore.status === "deleted") {
    backup.status = "failed";
    return;
  }
  backup.status = "ready";
  capture(world, backup, datastore);
}

/** The backup takes every live key of the datastore now: strings, hashes, lists, sets, sorted sets, expiries. */
function capture(world: World, backup: BackupRecord, datastore: DatastoreRecord): void {
  backup.data = datastore.data.entries(world.now);
  backup.sizeBytes = BACKUP_HEADER_BYTES + entriesBytes(backup.data);
}

/** The account's backups in creation order, only those of `datastoreId` when given (`GET /v1/backups`). */
export function listBackups(world: World, apiKey: string, datastoreId: string | undefined): BackupRecord[] {
  return [...world.backups.values()].filter(
    (b) => b.apiKey === apiKey && (datastoreId === undefined || b.datastoreId === datastoreId),
  );
}

/** The account's backup `id`; `404` when unknown or another account's. */
export function findBackup(world: World, apiKey: string, id: string): BackupRecord {
  const backup = world.backups.get(id);
  if (!backup || backup.apiKey !== apiKey) throw notFound(`backup ${id} not found`);
  return backup;
}

/** `DELETE /v1/backups/{id}`: forgets the backup and answers it as it was; `409` while a restore reads it. */
export function deleteBackup(world: World, apiKey: string, id: string): Backup {
  const backup = findBackup(world, apiKey, id);
  for (const datastore of world.datastores.values()) {
    if (datastore.transition?.restore?.backupId === id) {
      throw conflict(`backup ${id} is being restored onto datastore ${datastore.id}`);
    }
  }
  world.backups.delete(id);
  world.dirty = true;
  return backupView(backup);
}
