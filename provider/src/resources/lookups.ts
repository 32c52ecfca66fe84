import type { BackupView, DatastoreView } from "./api";
import { type BackupInfo, backupInfo } from "./backup";
import { datastoreShardCount } from "./restore";
import { fromBackupPolicy, type ScheduleSpec } from "./schedule-spec";

/** Filters of {@link Lookups.listBackups}; all optional, all must match. */
export interface BackupFilter {
  /** Only backups of this datastore. */
  datastoreId?: string;
  /** Only `manual` or only `scheduled` backups. */
  source?: "manual" | "scheduled";
  /** Only backups in this status (`pending`, `ready`, `failed`). */
  status?: "pending" | "ready" | "failed";
}

/** What the API says about one datastore, as far as backups are concerned. */
export interface DatastoreInfo {
  datastoreId: string;
  name: string;
  /** `pending`, `active`, `updating`, `restoring`, `deleting` or `deleted`. */
  status: string;
  cloudProvider: string;
  region: string;
  shardCount: number;
  /** The live backup schedule, or undefined when none was ever set. */
  backupSchedule: ScheduleSpec | undefined;
  /** The last restore requested on it, or undefined when none. */
  lastRestore: { backupId: string; loaded: boolean } | undefined;
}

/** The API calls lookups need; the client satisfies it. */
export interface LookupApi {
  listBackups(filter: BackupFilter): Promise<BackupView[]>;
  getBackup(id: string): Promise<BackupView>;
  getDatastore(id: string): Promise<DatastoreView>;
}

/** Maps the API's datastore to {@link DatastoreInfo}. */
export function datastoreInfo(datastore: DatastoreView): DatastoreInfo {
  const restore = datastore.config.restore;
  return {
    datastoreId: datastore.datastore_id,
    name: datastore.config.name ?? "",
    status: datastore.status,
    cloudProvider: datastore.config.location?.provider ?? "",
    region: datastore.config.location?.region ?? "",
    shardCount: datastoreShardCount(datastore),
    backupSchedule: fromBackupPolicy(datastore.config.backup_policy),
    lastRestore: restore?.backup_id ? { backupId: restore.backup_id, loaded: restore.loaded === true } : undefined,
  };
}

/** The lookup functions over an API client, newest backups first. */
export function lookups(api: LookupApi) {
  return {
    async listBackups(filter: BackupFilter = {}): Promise<BackupInfo[]> {
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
