import type { CreateBackupRequest, DeleteBackupResult, ListBackupsFilter } from "./backups";
import type {
  ConfigMutation,
  DatastorePredicate,
  SetBackupPolicyOptions,
  StartRestoreOptions,
  UpdateDatastoreConfigOptions,
  WaitForDatastoreOptions,
} from "./datastores";
import type { Backup, BackupPolicySettings, Datastore, DatastoreStatus } from "./schemas";
import type { WaitForOptions } from "./wait";

/**
 * The Dragonfly Cloud operations the resource providers use. Write providers against this interface and
 * test them with a fake; {@link DfCloudClient} is the real one. Every method rejects only with
 * errors of this client (check them with `isDfCloudError`); requests are retried as the client's retry
 * policy says, and no message ever contains the API key.
 */
export interface DfCloudApi {
  /** Every datastore of the account that is not deleted. */
  listDatastores(): Promise<Datastore[]>;

  /**
   * One datastore; a deleted one may still be returned with status `deleted`.
   * @throws NotFoundError when it does not exist or belongs to another account
   */
  getDatastore(datastoreId: string): Promise<Datastore>;

  /**
   * Read-modify-write of the whole config: GET, require `active`, apply `mutate` to a deep copy, PUT all
   * of it back. Fields this client does not model are kept. Returns the datastore as the PUT answered
   * (usually `updating`); await `active` with {@link DfCloudApi.waitForDatastore}.
   * @throws ConflictError when the datastore is not `active`
   * @throws BadRequestError when the server rejects a value (the message starts with the field's path)
   */
  updateDatastoreConfig(
    datastoreId: string,
    mutate: ConfigMutation,
    options?: UpdateDatastoreConfigOptions,
  ): Promise<Datastore>;

  /**
   * Sets `config.backup_policy` (read-modify-write). Fields of `policy` replace the modelled ones;
   * unmodelled fields stored on the server are kept. Disable with `{enabled: false}`.
   */
  setBackupPolicy(
    datastoreId: string,
    policy: BackupPolicySettings,
    options?: SetBackupPolicyOptions,
  ): Promise<Datastore>;

  /**
   * Starts restoring a backup into the datastore, replacing all its data. Returns at once; wait until
   * `status === "active"` and `config.restore.loaded` to see it finish. Sent at most once: a lost
   * answer is judged from the datastore, never by sending the restore again blindly.
   * @throws BadRequestError for an unknown backup, another cloud location or a shard count mismatch
   * @throws ConflictError when the datastore is not `active` or the backup is not `ready`
   * @throws OutcomeUnknownError when the answer was lost and the datastore cannot tell whether it started
   */
  startRestore(datastoreId: string, backupId: string, options?: StartRestoreOptions): Promise<Datastore>;

  /**
   * Polls (250 ms, growing ×1.5 to 5 s) until the datastore has status `until`, or meets the predicate.
   * @throws NotFoundError when the datastore disappears
   * @throws TerminalStateError when it is `deleted` without that being awaited
   * @throws WaitTimeoutError when the deadline (default 15 minutes) passes first
   */
  waitForDatastore(
    datastoreId: string,
    until: DatastoreStatus | DatastorePredicate,
    options?: WaitForDatastoreOptions,
  ): Promise<Datastore>;

  /** The account's backups, optionally only those of one datastore, source or status. */
  listBackups(filter?: ListBackupsFilter): Promise<Backup[]>;

  /**
   * One backup.
   * @throws NotFoundError when it does not exist (or expired, or belongs to another account)
   */
  getBackup(backupId: string): Promise<Backup>;

  /**
   * Takes a manual backup; returns it `pending`. Safe against lost answers: one call never creates two
   * backups (an idempotency key, plus a check of the backup list before re-sending; see createBackup in
   * backups.ts).
   * @throws NotFoundError when the datastore does not exist
   * @throws ConflictError when it is not `active`
   * @throws ReconciliationError when a lost answer matches several new identical backups
   */
  createBackup(request: CreateBackupRequest): Promise<Backup>;

  /**
   * Deletes a backup; one that is already gone counts as deleted (`existed: false`).
   * @throws ConflictError when a running restore is reading it
   */
  deleteBackup(backupId: string): Promise<DeleteBackupResult>;

  /**
   * Polls (250 ms, growing ×1.5 to 5 s) until the backup is `ready`.
   * @throws TerminalStateError when it is `failed`
   * @throws NotFoundError when it disappears
   * @throws WaitTimeoutError when the deadline (default 15 minutes) passes first
   */
  waitForBackup(backupId: string, options?: WaitForOptions<Backup>): Promise<Backup>;

  /**
   * The API's current time, Unix milliseconds, from the `Date` header of its latest answer; undefined
   * before any answer carried one. Judge server-side instants (a backup's expiry) on this clock.
   */
  apiNow(): number | undefined;

  /** Closes the client's connections. Calls made afterwards fail. */
  close(): Promise<void>;
}
