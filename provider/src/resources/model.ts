/**
 * The one module that maps between the API's wire shapes and the resources' vocabulary, both ways
 * (the vendor's Terraform provider keeps the same split: internal/sdk → internal/resource_model →
 * internal/provider). A property backed by an API field is declared in its resource's contract and
 * mapped here; nothing else needs to know the wire name.
 */
import type { CreateBackupRequest } from "../client/backups";
import type { ConfigMutation } from "../client/datastores";
import { backupExpiresAt, shardCount } from "../client/derived";
import { API_WEEKDAYS, TIMESTAMP_UNIT_MS } from "../client/modelled";
import type { Backup, BackupPolicy, Datastore, DatastoreConfig } from "../client/schemas";
import type { BackupInfo, BackupInputs } from "./backup";
import type { DatastoreInfo } from "./lookups";
import type { RestoreDrillInputs } from "./restore-drill";
import { normaliseSchedule, type ScheduleSpec } from "./schedule";

/** The request that takes the backup a Backup resource declares. */
export function createBackupRequest(inputs: BackupInputs): CreateBackupRequest {
  return {
    datastore_id: inputs.datastoreId,
    description: inputs.description,
    retention: inputs.retentionDays,
  };
}

/** Maps the API's backup to {@link BackupInfo}; what the API did not send reads as empty. */
export function backupInfo(backup: Backup): BackupInfo {
  return {
    backupId: backup.backup_id,
    datastoreId: backup.datastore_id,
    description: backup.description ?? "",
    retentionDays: backup.retention,
    source: backup.source ?? "",
    status: backup.status,
    sizeBytes: backup.size_bytes ?? 0,
    createdAt: new Date(backup.created_at * TIMESTAMP_UNIT_MS).toISOString(),
    expiresAt: backupExpiresAt(backup).toISOString(),
    cloudProvider: backup.location?.provider ?? "",
    region: backup.location?.region ?? "",
    shardCount: backup.shard_count ?? 0,
  };
}

/** Maps the API's datastore to {@link DatastoreInfo}. */
export function datastoreInfo(datastore: Datastore): DatastoreInfo {
  const restored = lastRestore(datastore);
  const backupSchedule = fromBackupPolicy(datastore.config.backup_policy);
  return {
    datastoreId: datastore.datastore_id,
    name: datastore.config.name ?? "",
    status: datastore.status,
    cloudProvider: datastore.config.location?.provider ?? "",
    region: datastore.config.location?.region ?? "",
    shardCount: shardCount(datastore.config) ?? 0,
    ...(backupSchedule ? { backupSchedule } : {}),
    ...(restored ? { lastRestore: restored } : {}),
  };
}

/**
 * Turns a schedule into the API's `backup_policy`, in its canonical form: all seven weekdays are
 * written as `every_day`, all 24 hours as `every_hour`.
 */
export function toBackupPolicy(schedule: ScheduleSpec): BackupPolicy {
  const spec = normaliseSchedule(schedule);
  return {
    enabled: spec.enabled,
    ...(spec.days === "every"
      ? { every_day: true }
      : { every_day: false, weekdays: spec.days.map((d) => API_WEEKDAYS.indexOf(d)) }),
    ...(spec.hours === "every" ? { every_hour: true } : { every_hour: false, hours: [...spec.hours] }),
    retention: spec.retentionDays,
  };
}

/**
 * Reads the API's `backup_policy` back into schedule fields, for `read` (refresh), in the form
 * `check` stores: a policy listing all seven weekdays (set in the console, say) reads as `"every"`,
 * so it is no drift from a schedule declared with `"every"`. Returns undefined when the datastore
 * has no policy.
 */
export function fromBackupPolicy(policy: BackupPolicy | undefined | null): ScheduleSpec | undefined {
  if (!policy) return undefined;
  const days = policy.every_day
    ? "every"
    : (policy.weekdays ?? []).flatMap((n) => (API_WEEKDAYS[n] ? [API_WEEKDAYS[n]] : []));
  const hours = policy.every_hour ? "every" : [...(policy.hours ?? [])];
  return normaliseSchedule({
    enabled: policy.enabled === true,
    days,
    hours,
    retentionDays: policy.retention ?? 0,
  });
}

/**
 * True when two schedules take the same backups: they produce the same API policy in its canonical
 * form, so all seven weekdays equal `"every"` and so do all 24 hours.
 */
export function sameSchedule(a: ScheduleSpec, b: ScheduleSpec): boolean {
  return JSON.stringify(toBackupPolicy(a)) === JSON.stringify(toBackupPolicy(b));
}

/** A datastore whose status means it is gone for good. */
export function isGone(datastore: Datastore): boolean {
  return datastore.status === "deleted" || datastore.status === "deleting";
}

/** True once a datastore accepts writes again. */
export function isActive(datastore: Datastore): boolean {
  return datastore.status === "active";
}

/** True while a datastore applies a config change it accepted. */
export function isUpdating(datastore: Datastore): boolean {
  return datastore.status === "updating";
}

/** The schedule a datastore holds live (in UTC, canonical); undefined when it has none. */
export function liveSchedule(datastore: Datastore): ScheduleSpec | undefined {
  return fromBackupPolicy(datastore.config.backup_policy);
}

/** The datastore's live schedule as the API sent it, for a message that quotes it. */
export function liveScheduleText(datastore: Datastore): string {
  return JSON.stringify(datastore.config.backup_policy ?? null);
}

/**
 * The config change that turns a datastore's schedule off and keeps the rest of its policy (its
 * hours, days and retention, should it be turned on again); none when it is already off.
 */
export const disablingSchedule: ConfigMutation = (config) =>
  config.backup_policy?.enabled === true
    ? { ...config, backup_policy: { ...config.backup_policy, enabled: false } }
    : undefined;

/** A datastore's last restore: the backup it names, and whether it finished loading. */
export interface LastRestore {
  backupId: string;
  /** True once the restore completed. */
  loaded: boolean;
}

/**
 * The datastore's last restore (its `config.restore`); undefined when it names no backup (none, or
 * an empty `backup_id`). The API keeps only this one, with no time or history.
 */
export function lastRestore(datastore: Datastore): LastRestore | undefined {
  const restore = datastore.config.restore;
  return restore?.backup_id ? { backupId: restore.backup_id, loaded: restore.loaded === true } : undefined;
}

/** The datastore's last restore as the API sent it, for a message that quotes it. */
export function lastRestoreText(datastore: Datastore): string {
  return JSON.stringify(datastore.config.restore);
}

/** The datastore's status as the API reports it (`active`, `restoring`, …), for a message. */
export function datastoreStatus(datastore: Datastore): string {
  return datastore.status;
}

/** True while a datastore runs a restore (of any backup). */
export function isRestoring(datastore: Datastore): boolean {
  return datastore.status === "restoring";
}

/** True while a datastore runs a restore of `backupId`. */
export function isRestoringBackup(datastore: Datastore, backupId: string): boolean {
  return isRestoring(datastore) && lastRestore(datastore)?.backupId === backupId;
}

/** True once a datastore accepts writes again with `backupId` loaded: a restore of it finished. */
export function hasLoadedBackup(datastore: Datastore, backupId: string): boolean {
  const restored = lastRestore(datastore);
  return isActive(datastore) && restored?.backupId === backupId && restored.loaded;
}

/** Where a datastore runs, for the check that a backup fits it before a restore. */
export interface RestoreTarget {
  datastoreId: string;
  /** Empty when the API did not say. */
  cloudProvider: string;
  /** Empty when the API did not say. */
  region: string;
  /** Undefined when the config does not tell (a shard size the API manages itself). */
  shardCount: number | undefined;
}

/** Maps the API's datastore to the {@link RestoreTarget} a backup must fit. */
export function restoreTarget(datastore: Datastore): RestoreTarget {
  return {
    datastoreId: datastore.datastore_id,
    cloudProvider: datastore.config.location?.provider ?? "",
    region: datastore.config.location?.region ?? "",
    shardCount: shardCount(datastore.config),
  };
}

/**
 * The config of a temporary datastore a RestoreDrill restores into: like `source`'s where a restore
 * and its timing depend on it (cloud and region, which a restore requires to match; tier and
 * clustering, which fix the shard count a multi-shard backup requires and the memory the data needs;
 * network and protocol flags such as TLS, which the read-back needs). Nothing else is copied: no
 * backup schedule (a drill's datastore must not take backups of its own) and no restore record.
 * @param _inputs the drill's checked inputs: an input that sets a field of the temporary datastore
 *   is mapped here, so the drill's logic passes it on unchanged (none does yet)
 * @param source the datastore whose backup is drilled
 * @param name the temporary datastore's name
 */
export function drillDatastoreConfig(
  _inputs: RestoreDrillInputs,
  source: Datastore,
  name: string,
): DatastoreConfig {
  const { location, tier, cluster, network_id, dragonfly } = source.config;
  return {
    name,
    ...(location !== undefined ? { location } : {}),
    ...(tier !== undefined ? { tier } : {}),
    ...(cluster !== undefined ? { cluster } : {}),
    ...(network_id !== undefined ? { network_id } : {}),
    ...(dragonfly !== undefined ? { dragonfly } : {}),
  };
}

/** The datastore's name; empty when the API sent none. */
export function datastoreName(datastore: Datastore): string {
  return datastore.config.name ?? "";
}

/** When the backup was taken, Unix milliseconds. */
export function backupTakenAtMs(backup: Backup): number {
  return backup.created_at * TIMESTAMP_UNIT_MS;
}
