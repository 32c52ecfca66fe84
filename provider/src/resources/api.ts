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
  | "createBackup"
  | "waitForBackup"
  | "deleteBackup"
  | "apiNow"
>;

/** What every resource's logic is given: the API, a clock and a place to say what it is doing. */
export interface ResourceDeps {
  api: ResourceApi;
  /** Unix milliseconds now. */
  now: () => number;
  /** One line of progress for the person running `pulumi up`. */
  log: (message: string) => void;
  /** Aborted when Pulumi cancels the update: in-flight requests and waits end at once. */
  signal?: AbortSignal | undefined;
}
