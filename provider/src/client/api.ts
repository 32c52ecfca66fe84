import type { CreateBackupRequest, DeleteBackupResult, ListBackupsFilter } from "./backups";
import type {
  DataPlaneStringRequest,
  KeyspaceReading,
  ReadKeyspaceRequest,
  WriteDataPlaneStringRequest,
} from "./data-plane";
import type {
  ConfigMutation,
  DatastorePredicate,
  DeleteDatastoreResult,
  SetBackupPolicyOptions,
  StartRestoreOptions,
  UpdateDatastoreConfigOptions,
  WaitForDatastoreOptions,
} from "./datastores";
import type { Backup, BackupPolicySettings, Datastore, DatastoreConfig, DatastoreStatus } from "./schemas";
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

  /**
   * Creates a datastore from `config` (sent as given); returns it `pending`, await `active` with
   * {@link DfCloudApi.waitForDatastore}. `config.name` must be unique in the account: a lost answer is
   * reconciled by finding the datastore of that name, so one call never creates two (see createDatastore
   * in datastores.ts).
   * @throws InvalidArgumentError when `config.name` is missing or blank (nothing is sent)
   * @throws BadRequestError when the server rejects a value (the message starts with the field's path)
   * @throws ReconciliationError when a lost answer matches several datastores of that name
   */
  createDatastore(config: DatastoreConfig): Promise<Datastore>;

  /**
   * Starts deleting a datastore and returns at once; await the end with
   * {@link DfCloudApi.waitForDatastoreGone}. One already gone (404 or `deleted`) counts as deleted
   * (`existed: false`); one already `deleting` is not sent another DELETE (`existed: true`). A lost
   * answer is judged by reading the datastore, and the DELETE is sent again only if it did not take.
   * @throws ConflictError when the API refuses the DELETE (409) because the datastore is busy: wait and call again
   */
  deleteDatastore(datastoreId: string): Promise<DeleteDatastoreResult>;

  /**
   * Polls (250 ms, growing ×1.5 to 5 s) until the datastore answers 404 or has status `deleted`.
   * @throws WaitTimeoutError when the deadline (default 15 minutes) passes first
   */
  waitForDatastoreGone(datastoreId: string, options?: WaitForOptions<Datastore>): Promise<void>;

  /**
   * Reads the datastore's data over its data plane (RESP at its `addr`, TLS when
   * `config.dragonfly.tls`, user `default` with its password, none when it has none): how many keys it
   * holds (`DBSIZE`) and which of `request.expectKeys` are absent (`EXISTS`). Waits while the server
   * answers `LOADING`, within `request.timeoutMs` (default 5 minutes). One connection, always closed;
   * the password never appears in an error.
   * @throws DataPlaneError when the datastore has no address, or connecting, authenticating or reading fails (`failure` says which)
   * @throws CancelledError when `request.signal` aborts (the connection is closed at once)
   * @throws NotFoundError when the datastore does not exist
   */
  readKeyspace(datastoreId: string, request: ReadKeyspaceRequest): Promise<KeyspaceReading>;

  /**
   * Reads one string key of the datastore over its data plane (`GET`), connected as
   * {@link DfCloudApi.readKeyspace} is (waits while the server answers `LOADING`, within
   * `request.timeoutMs`, default 5 minutes); undefined when the datastore does not hold the key.
   * @throws DataPlaneError when the datastore has no address, or connecting, authenticating or reading fails (`failure` says which)
   * @throws CancelledError when `request.signal` aborts (the connection is closed at once)
   * @throws NotFoundError when the datastore does not exist
   */
  readDataPlaneString(datastoreId: string, request: DataPlaneStringRequest): Promise<string | undefined>;

  /**
   * Sets one string key of the datastore over its data plane (`SET key value`, no expiry), connected
   * as {@link DfCloudApi.readKeyspace} is. This writes into the datastore's data: only for a caller
   * that was asked to.
   * @throws DataPlaneError when the datastore has no address, or connecting, authenticating or writing fails (`failure` says which)
   * @throws CancelledError when `request.signal` aborts (the connection is closed at once)
   * @throws NotFoundError when the datastore does not exist
   */
  writeDataPlaneString(datastoreId: string, request: WriteDataPlaneStringRequest): Promise<void>;

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
