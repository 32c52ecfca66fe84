/**
 * Restoring a backup onto a datastore (docs/api-model.md, `config.restore`): when a PUT starts a
 * restore, and when it is refused. A refused restore changes nothing.
 */
import { ApiError } from "./errors.ts";
import type { JsonObject } from "./json.ts";
import { shardRefusal, startsRestore } from "./modelled.ts";
import type { DatastoreRecord, Transition } from "./types.ts";
import { configLocation, configRestore, configShardCount } from "./validation.ts";
import type { World } from "./world.ts";

/**
 * What the PUT of `sent` onto `datastore` restores, or undefined when it starts no restore.
 * Throws the doc's refusals: `400` for a backup that does not exist or is another account's, `409`
 * for one not `ready`, `400` for another provider or region, `400` for incompatible shard counts.
 */
export function planRestore(
  world: World,
  datastore: DatastoreRecord,
  sent: JsonObject,
): Transition["restore"] {
  const request = configRestore(sent);
  if (!request || !startsRestore(request, configRestore(datastore.config))) return undefined;
  const refuse = (status: 400 | 409, reason: string) =>
    new ApiError(status, `restore.backup_id: backup ${request.backupId} ${reason}`);

  const backup = world.backups.get(request.backupId);
  if (!backup || backup.apiKey !== datastore.apiKey) throw refuse(400, "not found");
  if (backup.status !== "ready") throw refuse(409, `is ${backup.status}, not ready`);

  const target = configLocation(datastore.config);
  const source = backup.location;
  if (source.provider !== target.provider || source.region !== target.region) {
    throw refuse(
      400,
      `is in ${source.provider}/${source.region}, but datastore ${datastore.id} is in ` +
        `${target.provider}/${target.region}`,
    );
  }
  const targetShards = configShardCount(sent);
  const refusal = shardRefusal(backup.shardCount, targetShards);
  if (refusal === "multi-onto-single") {
    throw refuse(
      400,
      `has ${backup.shardCount} shards and cannot be restored onto single-shard datastore ${datastore.id}`,
    );
  }
  if (refusal === "mismatch") {
    throw refuse(400, `has ${backup.shardCount} shards, but datastore ${datastore.id} has ${targetShards}`);
  }
  return { backupId: backup.id, data: backup.data };
}
