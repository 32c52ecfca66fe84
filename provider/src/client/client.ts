import type { DfCloudApi } from "./api";
import {
  type CreateBackupRequest,
  createBackup,
  type DeleteBackupResult,
  deleteBackup,
  getBackup,
  type ListBackupsFilter,
  listBackups,
  waitForBackup,
} from "./backups";
import type { ClientContext } from "./context";
import {
  type DataPlaneStringRequest,
  type KeyspaceReading,
  type ReadKeyspaceRequest,
  readDataPlaneString,
  readKeyspace,
  type WriteDataPlaneStringRequest,
  writeDataPlaneString,
} from "./data-plane";
import {
  type ConfigMutation,
  createDatastore,
  type DatastorePredicate,
  type DeleteDatastoreResult,
  deleteDatastore,
  getDatastore,
  listDatastores,
  type SetBackupPolicyOptions,
  type StartRestoreOptions,
  setBackupPolicy,
  startRestore,
  type UpdateDatastoreConfigOptions,
  updateDatastoreConfig,
  type WaitForDatastoreOptions,
  waitForDatastore,
  waitForDatastoreGone,
} from "./datastores";
import { HttpTransport } from "./http";
import { type DfCloudClientOptions, resolveOptions } from "./options";
import type { Backup, BackupPolicySettings, Datastore, DatastoreConfig, DatastoreStatus } from "./schemas";
import type { WaitForOptions } from "./wait";

/**
 * The Dragonfly Cloud API client; each method is documented on {@link DfCloudApi}. Create it where it is
 * used (inside the provider's functions), not at module scope: it owns a connection pool, which cannot be
 * serialised with a Pulumi dynamic provider. Call `close()` when done.
 * @example
 * const api = new DfCloudClient({ apiKey: process.env.DFCLOUD_API_KEY });
 * try { await api.setBackupPolicy(id, policy); } finally { await api.close(); }
 */
export class DfCloudClient implements DfCloudApi {
  readonly #context: ClientContext;

  /** @throws ConfigurationError when the API key is missing or the options are invalid (nothing is sent) */
  constructor(options: DfCloudClientOptions) {
    const resolved = resolveOptions(options);
    this.#context = {
      transport: new HttpTransport(resolved),
      clock: resolved.clock,
      onReconcile: resolved.onReconcile,
      onSecretRead: resolved.onSecretRead,
      backupCreates: { claimedIds: new Set(), runningBySpec: new Map() },
      configWrites: new Map(),
      backupEndpoints: { present: false, missing: undefined, probing: undefined },
    };
  }

  listDatastores(): Promise<Datastore[]> {
    return listDatastores(this.#context);
  }

  getDatastore(datastoreId: string): Promise<Datastore> {
    return getDatastore(this.#context, datastoreId);
  }

  updateDatastoreConfig(
    datastoreId: string,
    mutate: ConfigMutation,
    options?: UpdateDatastoreConfigOptions,
  ): Promise<Datastore> {
    return updateDatastoreConfig(this.#context, datastoreId, mutate, options);
  }

  setBackupPolicy(
    datastoreId: string,
    policy: BackupPolicySettings,
    options?: SetBackupPolicyOptions,
  ): Promise<Datastore> {
    return setBackupPolicy(this.#context, datastoreId, policy, options);
  }

  startRestore(datastoreId: string, backupId: string, options?: StartRestoreOptions): Promise<Datastore> {
    return startRestore(this.#context, datastoreId, backupId, options);
  }

  waitForDatastore(
    datastoreId: string,
    until: DatastoreStatus | DatastorePredicate,
    options?: WaitForDatastoreOptions,
  ): Promise<Datastore> {
    return waitForDatastore(this.#context, datastoreId, until, options);
  }

  createDatastore(config: DatastoreConfig): Promise<Datastore> {
    return createDatastore(this.#context, config);
  }

  deleteDatastore(datastoreId: string): Promise<DeleteDatastoreResult> {
    return deleteDatastore(this.#context, datastoreId);
  }

  waitForDatastoreGone(datastoreId: string, options?: WaitForOptions<Datastore>): Promise<void> {
    return waitForDatastoreGone(this.#context, datastoreId, options);
  }

  readKeyspace(datastoreId: string, request: ReadKeyspaceRequest): Promise<KeyspaceReading> {
    return readKeyspace(this.#context, datastoreId, request);
  }

  readDataPlaneString(datastoreId: string, request: DataPlaneStringRequest): Promise<string | undefined> {
    return readDataPlaneString(this.#context, datastoreId, request);
  }

  writeDataPlaneString(datastoreId: string, request: WriteDataPlaneStringRequest): Promise<void> {
    return writeDataPlaneString(this.#context, datastoreId, request);
  }

  listBackups(filter?: ListBackupsFilter): Promise<Backup[]> {
    return listBackups(this.#context, filter);
  }

  getBackup(backupId: string): Promise<Backup> {
    return getBackup(this.#context, backupId);
  }

  createBackup(request: CreateBackupRequest): Promise<Backup> {
    return createBackup(this.#context, request);
  }

  deleteBackup(backupId: string): Promise<DeleteBackupResult> {
    return deleteBackup(this.#context, backupId);
  }

  waitForBackup(backupId: string, options?: WaitForOptions<Backup>): Promise<Backup> {
    return waitForBackup(this.#context, backupId, options);
  }

  apiNow(): number | undefined {
    return this.#context.transport.apiNow();
  }

  close(): Promise<void> {
    return this.#context.transport.close();
  }
}
