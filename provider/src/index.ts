export type { DfCloudApi } from "./client/api";
export {
  type CreateBackupRequest,
  type DeleteBackupResult,
  type ListBackupsFilter,
  RECONCILE_CLOCK_SKEW_MS,
} from "./client/backups";
export { DfCloudClient } from "./client/client";
export {
  DATA_PLANE_CONNECT_TIMEOUT_MS,
  type DataPlaneStringRequest,
  DEFAULT_DATA_PLANE_KEY_TIMEOUT_MS,
  DEFAULT_READ_KEYSPACE_TIMEOUT_MS,
  type KeyspaceReading,
  type ReadKeyspaceRequest,
  type WriteDataPlaneStringRequest,
} from "./client/data-plane";
export type { ConfigMutation, DatastorePredicate, WaitForDatastoreOptions } from "./client/datastores";
export { backupExpiresAt, shardCount } from "./client/derived";
export * from "./client/errors";
export * from "./client/modelled";
export { type OperationScope, withinOperation } from "./client/operation";
export {
  DEFAULT_TIMEOUT_MS,
  DEFAULT_USER_AGENT,
  type DfCloudClientOptions,
  type ReconcileEvent,
  type RetryOverrides,
} from "./client/options";
export { redactError, redactSecrets } from "./client/redact";
export {
  type Clock,
  DEFAULT_RETRY_POLICY,
  type RetryEvent,
  type RetryPolicy,
  systemClock,
} from "./client/retry";
export * from "./client/schemas";
export {
  DEFAULT_WAIT_TIMEOUT_MS,
  POLL_FIRST_INTERVAL_MS,
  POLL_INTERVAL_GROWTH,
  POLL_MAX_INTERVAL_MS,
  type WaitForOptions,
} from "./client/wait";
export * from "./host/api-client";
export * from "./host/credentials";
export * from "./host/engine-log";
export * from "./host/host";
export * from "./host/operations";
export * from "./host/redaction";
export * from "./registry";
export * from "./resources/backup";
export * from "./resources/backup-schedule";
export { checkFields, describeValue } from "./resources/check";
export * from "./resources/deps";
export * from "./resources/errors";
export * from "./resources/logic";
export * from "./resources/lookups";
export * from "./resources/model";
export * from "./resources/restore";
export * from "./resources/restore-drill";
export * from "./resources/schedule";
export * from "./resources/unknowns";
export { derivedFiles } from "./schema/files";
export { PACKAGE_METADATA, PACKAGE_VERSION, PROVIDER_CONFIG } from "./schema/package";
export * from "./schema/render";
export * from "./schema/spec";
