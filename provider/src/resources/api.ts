import type { ApiBackupPolicy } from "./schedule-spec";

/** The parts of a datastore the resources read. The client's `Datastore` type fits it. */
export interface DatastoreView {
  datastore_id: string;
  status: string;
  config: {
    name?: string;
    location?: { provider?: string; region?: string };
    backup_policy?: ApiBackupPolicy | null;
    restore?: { backup_id?: string; loaded?: boolean } | null;
    cluster?: { enabled?: boolean | null; shard_memory?: number } | null;
    tier?: { max_memory_bytes?: number } | null;
  };
}

/** A backup as the API returns it (see docs/api-model.md). */
export interface BackupView {
  backup_id: string;
  datastore_id: string;
  description: string;
  retention: number;
  source: string;
  status: string;
  created_at: number;
  size_bytes: number;
  location: { provider: string; region: string };
  shard_count: number;
}

/** How long a wait may take, and who hears about its progress. */
export interface WaitOptions<T> {
  /** Give up after this many milliseconds. */
  timeoutMs: number;
  /** Called on every poll with what was read, for progress output. */
  onProgress?: (observed: T, elapsedMs: number) => void;
  /** What is awaited, for messages, e.g. `to finish restoring bkp_x`. */
  description?: string;
}

/**
 * The small client interface the resource logic is written against: the real `DfCloudClient`
 * satisfies it, and unit tests can pass a fake.
 */
export interface ResourceApi {
  getDatastore(id: string): Promise<DatastoreView>;
  setBackupPolicy(id: string, policy: ApiBackupPolicy): Promise<unknown>;
  startRestore(id: string, backupId: string): Promise<unknown>;
  waitForDatastore(
    id: string,
    until: (datastore: DatastoreView) => boolean,
    options: WaitOptions<DatastoreView>,
  ): Promise<DatastoreView>;
  getBackup(id: string): Promise<BackupView>;
  createBackup(request: { datastoreId: string; description: string; retentionDays: number }): Promise<BackupView>;
  waitForBackup(id: string, options: WaitOptions<BackupView>): Promise<BackupView>;
  deleteBackup(id: string): Promise<{ existed: boolean }>;
}

/** What every resource's logic is given: the API, a clock and a place to say what it is doing. */
export interface ResourceDeps {
  api: ResourceApi;
  /** Unix milliseconds now. */
  now: () => number;
  /** One line of progress for the person running `pulumi up`. */
  log: (message: string) => void;
}
