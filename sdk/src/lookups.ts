import * as pulumi from "@pulumi/pulumi";
import {
  configKey,
  createClient,
  LEGACY_CONFIG_NAMESPACE,
  lookups,
  resolveCredentials,
} from "@pulumi-dfcloud/provider";
import { noticeCredentials } from "./credentials";
import type { BackupInfo, DatastoreInfo, ListBackupsArgs } from "./types";

/** The filters of {@link listBackups} (schema.json's `listBackups` inputs). */
export type BackupFilter = ListBackupsArgs;

/**
 * Lookups run in the program (dynamic providers cannot serve invokes), with the same credentials
 * as the resources: `dfcloud-backups:apiKey` / `dfcloud-backups:apiUrl` from the stack config (or
 * `dfcloud:apiKey` / `dfcloud:apiUrl`, as stacks written before the package had its own name hold
 * them), else DFCLOUD_API_KEY / DFCLOUD_API_URL. They call the API during preview too.
 */
async function withLookups<T>(use: (api: ReturnType<typeof lookups>) => Promise<T>): Promise<T> {
  noticeCredentials();
  // runtime.getConfig reads the raw value without the secret-access warning of Config.get.
  const setting = (name: "apiKey" | "apiUrl") =>
    pulumi.runtime.getConfig(configKey(name)) ||
    pulumi.runtime.getConfig(`${LEGACY_CONFIG_NAMESPACE}:${name}`) ||
    undefined;
  const client = createClient(resolveCredentials({ apiKey: setting("apiKey"), apiUrl: setting("apiUrl") }));
  try {
    return await use(lookups(client));
  } finally {
    // The client owns a connection pool that would keep the program alive.
    await client.close();
  }
}

/**
 * Lists the account's backups, newest first.
 * @param filter optional `datastoreId`, `source` (`manual` | `scheduled`) and `status`
 * @throws EndpointMissingError when the API offers no manual backup endpoints (`/v1/backups`); the
 *   schedule and restores by a known backup id work without them
 */
export function listBackups(filter: BackupFilter = {}): Promise<BackupInfo[]> {
  return withLookups((api) => api.listBackups(filter));
}

/**
 * Looks one backup up by id (`bkp_…`).
 * @throws NotFoundError when it does not exist
 * @throws EndpointMissingError when the API offers no manual backup endpoints (`/v1/backups`)
 */
export function getBackup(backupId: string): Promise<BackupInfo> {
  return withLookups((api) => api.getBackup(backupId));
}

/** Looks one datastore up by id: status, location, shard count, live schedule and last restore. */
export function getDatastore(datastoreId: string): Promise<DatastoreInfo> {
  return withLookups((api) => api.getDatastore(datastoreId));
}
