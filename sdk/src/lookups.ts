import * as pulumi from "@pulumi/pulumi";
import {
  type BackupFilter,
  type BackupInfo,
  createClient,
  type DatastoreInfo,
  lookups,
  resolveCredentials,
} from "@pulumi-dfcloud/provider";

export type { BackupFilter, BackupInfo, DatastoreInfo };

/**
 * Lookups run in the program (dynamic providers cannot serve invokes), with the same credentials
 * as the resources: `dfcloud:apiKey` / `dfcloud:apiUrl` from the stack config, else
 * DFCLOUD_API_KEY / DFCLOUD_API_URL. They call the API during preview too.
 */
function api() {
  // runtime.getConfig reads the raw value without the secret-access warning of Config.get.
  const credentials = resolveCredentials({
    apiKey: pulumi.runtime.getConfig("dfcloud:apiKey"),
    apiUrl: pulumi.runtime.getConfig("dfcloud:apiUrl"),
  });
  return lookups(createClient(credentials));
}

/**
 * Lists the account's backups, newest first.
 * @param filter optional `datastoreId`, `source` (`manual` | `scheduled`) and `status`
 */
export function listBackups(filter: BackupFilter = {}): Promise<BackupInfo[]> {
  return api().listBackups(filter);
}

/** Looks one backup up by id (`bkp_…`); rejects with a NotFoundError when it does not exist. */
export function getBackup(backupId: string): Promise<BackupInfo> {
  return api().getBackup(backupId);
}

/** Looks one datastore up by id: status, location, shard count, live schedule and last restore. */
export function getDatastore(datastoreId: string): Promise<DatastoreInfo> {
  return api().getDatastore(datastoreId);
}
