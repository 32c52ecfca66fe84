import type { NotFoundError } from "./errors";
import type { HttpTransport } from "./http";
import type { ReconcileEvent } from "./options";
import type { Clock } from "./retry";

/**
 * Manual-backup creates made through one client: ids already returned to a caller (a lost answer is
 * never reconciled to one of them), and the create running for each spec (identical specs run one
 * after the other, so that two identical backups created at once cannot be mistaken for each other).
 */
export interface BackupCreateRegistry {
  readonly claimedIds: Set<string>;
  readonly runningBySpec: Map<string, Promise<unknown>>;
}

/**
 * Whether the API has the manual-backup endpoints (`/v1/backups`, modelled from the console; the live
 * API may have none), as far as one client has seen. A 404 of `/v1/backups/{id}` alone cannot tell a
 * missing backup from a missing endpoint; the collection settles it, once per client: concurrent calls
 * share one probe, and the verdict is kept for the client's life.
 */
export interface BackupEndpointsVerdict {
  /** True once any `/v1/backups` call was answered 2xx. */
  present: boolean;
  /** The 404 of `GET /v1/backups` once it showed the endpoints missing; then nothing more is sent to them. */
  missing: NotFoundError | undefined;
  /** The probe of the collection in flight, if any. */
  probing: Promise<void> | undefined;
}

/** What every operation module needs from the client instance it runs in. */
export interface ClientContext {
  readonly transport: HttpTransport;
  readonly clock: Clock;
  readonly onReconcile: ((event: ReconcileEvent) => void) | undefined;
  /** Told each datastore password read for the data plane (see DfCloudClientOptions.onSecretRead). */
  readonly onSecretRead?: ((secret: string) => void) | undefined;
  readonly backupCreates: BackupCreateRegistry;
  readonly backupEndpoints: BackupEndpointsVerdict;
  /**
   * The read-modify-write of each datastore's config in flight, by datastore id: the next one waits
   * for it (see updateDatastoreConfig).
   */
  readonly configWrites: Map<string, Promise<unknown>>;
}
