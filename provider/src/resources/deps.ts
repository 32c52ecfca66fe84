import type { DfCloudApi } from "../client/api";

/**
 * The slice of the client the resource logic uses: the real `DfCloudClient` satisfies it, and a test
 * can pass a fake.
 */
export type ResourceApi = Pick<
  DfCloudApi,
  | "getDatastore"
  | "setBackupPolicy"
  | "updateDatastoreConfig"
  | "startRestore"
  | "waitForDatastore"
  | "getBackup"
  | "listBackups"
  | "createBackup"
  | "waitForBackup"
  | "deleteBackup"
  | "apiNow"
  | "readKeyspace"
  | "readDataPlaneString"
  | "writeDataPlaneString"
  | "createDatastore"
  | "deleteDatastore"
  | "waitForDatastoreGone"
  | "listDatastores"
>;

/** What every resource's logic is given: the API, a clock and a place to say what it is doing. */
export interface ResourceDeps {
  api: ResourceApi;
  /** Unix milliseconds now. */
  now: () => number;
  /** One line for the person running `pulumi up`, kept in the output (info severity). */
  log: (message: string) => void;
  /**
   * Something the person should act on or know before `up` (warning severity): an id that could not
   * be checked, a restore that cannot be verified. Written without a `warning:` prefix; the engine
   * adds it.
   */
  warn: (message: string) => void;
  /**
   * Progress of a long wait (`datastore dst_x: restoring (42 s)`): shown on the resource's row while
   * the operation runs, each line replacing the last (ephemeral status), not kept in the output.
   */
  status: (message: string) => void;
  /** Aborted when Pulumi cancels the update: in-flight requests and waits end at once. */
  signal?: AbortSignal | undefined;
}
