import * as pulumi from "@pulumi/pulumi";
import { credentialsFromConfig, ProviderHost, tokenOf } from "@pulumi-dfcloud/provider";
import { noticeCredentials } from "./credentials";
import type { BackupInfo, DatastoreInfo, ListBackupsArgs } from "./types";

/** The filters of {@link listBackups} (schema.json's `listBackups` inputs). */
export type BackupFilter = ListBackupsArgs;

/**
 * Runs a lookup in the program (dynamic providers cannot serve invokes) through the provider host
 * the native plugin's invokes run through: the same credentials as the resources
 * (`dfcloud-backups:apiKey` / `dfcloud-backups:apiUrl` from the stack config, or the older
 * `dfcloud:apiKey` / `dfcloud:apiUrl`, else DFCLOUD_API_KEY / DFCLOUD_API_URL), the same checks of
 * the arguments, the same key-free errors. Lookups call the API during preview too.
 */
async function invoke(name: string, args: Record<string, unknown>): Promise<unknown> {
  noticeCredentials();
  const host = new ProviderHost({
    sink: (entry) => void (entry.severity === "warning" ? pulumi.log.warn : pulumi.log.info)(entry.message),
  });
  // runtime.getConfig reads the raw value without the secret-access warning of Config.get.
  host.configure(credentialsFromConfig((key) => pulumi.runtime.getConfig(key)));
  try {
    const answer = await host.invoke(tokenOf(name), args);
    if ("failures" in answer) throw new Error(`${name}: ${answer.failures.map((f) => f.reason).join("; ")}`);
    return answer.result;
  } finally {
    // The client owns a connection pool that would keep the program alive.
    await host.close();
  }
}

/**
 * Lists the account's backups, newest first.
 * @param filter optional `datastoreId`, `source` (`manual` | `scheduled`) and `status`
 * @throws EndpointMissingError when the API offers no manual backup endpoints (`/v1/backups`); the
 *   schedule and restores by a known backup id work without them
 */
export function listBackups(filter: BackupFilter = {}): Promise<BackupInfo[]> {
  return invoke("listBackups", { ...filter }).then((result) => (result as { backups: BackupInfo[] }).backups);
}

/**
 * Looks one backup up by id (`bkp_…`).
 * @throws NotFoundError when it does not exist
 * @throws EndpointMissingError when the API offers no manual backup endpoints (`/v1/backups`)
 */
export function getBackup(backupId: string): Promise<BackupInfo> {
  return invoke("getBackup", { backupId }) as Promise<BackupInfo>;
}

/** Looks one datastore up by id: status, location, shard count, live schedule and last restore. */
export function getDatastore(datastoreId: string): Promise<DatastoreInfo> {
  return invoke("getDatastore", { datastoreId }) as Promise<DatastoreInfo>;
}
