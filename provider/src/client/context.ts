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

/** What every operation module needs from the client instance it runs in. */
export interface ClientContext {
  readonly transport: HttpTransport;
  readonly clock: Clock;
  readonly onReconcile: ((event: ReconcileEvent) => void) | undefined;
  readonly backupCreates: BackupCreateRegistry;
}
