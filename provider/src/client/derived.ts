import { InvalidArgumentError } from "./errors";
import { RETENTION_UNIT_MS, TIMESTAMP_UNIT_MS } from "./modelled";
import type { Backup, DatastoreConfig } from "./schemas";

/**
 * Number of shards of a datastore with this config, by docs/api-model.md "Shard count" [choice, from
 * the docs' Swarm rules]: 1 unless `cluster.enabled`, else `ceil(tier.max_memory_bytes / cluster.shard_memory)`.
 * Restores need matching shard counts, so callers can check one before the server refuses it.
 * @throws InvalidArgumentError when clustering is on but `cluster.shard_memory` is not a positive number
 */
export function shardCount(config: Pick<DatastoreConfig, "tier" | "cluster">): number {
  if (config.cluster?.enabled !== true) return 1;
  const shardMemory = config.cluster.shard_memory;
  if (shardMemory === undefined || shardMemory <= 0) {
    throw new InvalidArgumentError(
      `cluster.enabled is true but cluster.shard_memory is ${shardMemory ?? "missing"}; the shard count is undefined`,
    );
  }
  return Math.ceil(config.tier.max_memory_bytes / shardMemory);
}

/** When the server deletes the backup on its own: `created_at` (Unix seconds) plus `retention` days. */
export function backupExpiresAt(backup: Pick<Backup, "created_at" | "retention">): Date {
  return new Date(backup.created_at * TIMESTAMP_UNIT_MS + backup.retention * RETENTION_UNIT_MS);
}
