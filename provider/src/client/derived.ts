import { RETENTION_UNIT_MS, TIMESTAMP_UNIT_MS } from "./modelled";
import type { Backup, DatastoreConfig } from "./schemas";

/**
 * Number of shards of a datastore with this config, by docs/api-model.md "Shard count" [choice, from
 * the docs' Swarm rules]: 1 unless `cluster.enabled`, else `ceil(tier.max_memory_bytes / cluster.shard_memory)`.
 * Restores need matching shard counts, so callers can check one before the server refuses it.
 * @returns undefined when the config does not tell: clustering on with `shard_memory` absent or 0 (the
 *   vendor documents it as optional, "managed automatically", and reads 0 as unset:
 *   internal/provider/datastore.go:94 of dragonflydb/terraform-provider-dfcloud), or no memory size
 */
export function shardCount(config: Pick<DatastoreConfig, "tier" | "cluster">): number | undefined {
  if (config.cluster?.enabled !== true) return 1;
  const shardMemory = config.cluster.shard_memory;
  const memory = config.tier?.max_memory_bytes;
  if (shardMemory === undefined || shardMemory <= 0 || memory === undefined) return undefined;
  return Math.ceil(memory / shardMemory);
}

/** When the server deletes the backup on its own: `created_at` (Unix seconds) plus `retention` days. */
export function backupExpiresAt(backup: Pick<Backup, "created_at" | "retention">): Date {
  return new Date(backup.created_at * TIMESTAMP_UNIT_MS + backup.retention * RETENTION_UNIT_MS);
}
