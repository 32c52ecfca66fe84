import type { DfCloudApi } from "../client/api";
import type { ListBackupsFilter } from "../client/backups";
import { shardCount } from "../client/derived";
import type { Datastore } from "../client/schemas";
import { type BackupInfo, backupInfo } from "./backup";
import { fromBackupPolicy, type ScheduleSpec } from "./schedule-spec";

/** What the API says about one datastore, as far as backups are concerned. */
export interface DatastoreInfo {
  datastoreId: string;
  /** Empty when the API did not say. */
  name: string;
  /** `pending`, `active`, `updating`, `restoring`, `deleting` or `deleted`. */
  status: string;
  /** Empty when the API did not say. */
  cloudProvider: string;
  /** Empty when the API did not say. */
  region: string;
  /** 0 when the API does not tell (clustering with shard memory managed by the API). */
  shardCount: number;
  /** The live backup schedule, or undefined when none was ever set. */
  backupSchedule: ScheduleSpec | undefined;
  /** The last restore requested on it, or undefined when none. */
  lastRestore: { backupId: string; loaded: boolean } | undefined;
}

/** The API calls lookups need; the client satisfies it. */
export type LookupApi = Pick<DfCloudApi, "listBackups" | "getBackup" | "getDatastore">;

/** Maps the API's datastore to {@link DatastoreInfo}. */
export function datastoreInfo(datastore: Datastore): DatastoreInfo {
  const restore = datastore.config.restore;
  return {
    datastoreId: datastore.datastore_id,
    name: datastore.config.name ?? "",
    status: datastore.status,
    cloudProvider: datastore.config.location?.provider ?? "",
    region: datastore.config.location?.region ?? "",
    shardCount: shardCount(datastore.config) ?? 0,
    backupSchedule: fromBackupPolicy(datastore.config.backup_policy),
    lastRestore: restore?.backup_id
      ? { backupId: restore.backup_id, loaded: restore.loaded === true }
      : undefined,
  };
}

/**
 * The lookup functions over an API client, newest backups first. On an API without the manual-backup
 * endpoints, `listBackups` and `getBackup` reject with the client's EndpointMissingError (one message
 * that says so and what works without them); `getDatastore` needs only the public datastore calls.
 */
export function lookups(api: LookupApi) {
  return {
    async listBackups(filter: ListBackupsFilter = {}): Promise<BackupInfo[]> {
      const backups = await api.listBackups(filter);
      return backups.map(backupInfo).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async getBackup(id: string): Promise<BackupInfo> {
      return backupInfo(await api.getBackup(id));
    },
    async getDatastore(id: string): Promise<DatastoreInfo> {
      return datastoreInfo(await api.getDatastore(id));
    },
  };
}
