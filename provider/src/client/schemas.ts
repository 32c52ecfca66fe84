import { z } from "zod";

/*
 * Response schemas, from docs/api-model.md. Every object is `z.looseObject`, at every depth: the API
 * stores config fields this client does not know and returns them unchanged, and a read-modify-write
 * PUTs the whole config back, so a parsed object must keep them or the PUT would delete them.
 * Nullable/optional follow the official Go SDK's types (`*bool` → nullable, `omitempty` → optional),
 * widened where the API model accepts `null` for a whole section: a reader must not refuse what the API
 * can return.
 */

const nullableBoolean = z.boolean().nullable();
const nullableInt = z.int().nullable();

/** Datastore lifecycle states (docs/api-model.md "Status lifecycle"). */
export const DatastoreStatusSchema = z.enum([
  "pending",
  "active",
  "updating",
  "restoring",
  "deleting",
  "deleted",
]);
/** A datastore's `status`. */
export type DatastoreStatus = z.infer<typeof DatastoreStatusSchema>;

const backupPolicyShape = {
  enabled: nullableBoolean,
  every_day: z.boolean().exactOptional(),
  weekdays: z.array(z.int()).nullable().exactOptional(),
  every_hour: z.boolean().exactOptional(),
  hours: z.array(z.int()).nullable().exactOptional(),
  retention: z.int().exactOptional(),
};
/**
 * `config.backup_policy`: the schedule of `scheduled` backups. `weekdays` 0–6 with 0 = Sunday, `hours`
 * 0–23 UTC, `retention` whole days. `enabled: false` or `null` means no scheduled backups.
 */
export const BackupPolicySchema = z.looseObject(backupPolicyShape);
/** A datastore's backup schedule (`config.backup_policy`); unknown fields are kept. */
export type BackupPolicy = z.infer<typeof BackupPolicySchema>;

/** The fields of a backup schedule this client models: what setBackupPolicy takes. */
export type BackupPolicySettings = z.infer<z.ZodObject<typeof backupPolicyShape>>;

/** `config.restore`: the last restore requested; `loaded` turns true when it completed. */
export const RestoreSchema = z.looseObject({
  backup_id: z.string(),
  loaded: z.boolean(),
});
/** A datastore's restore request (`config.restore`). */
export type Restore = z.infer<typeof RestoreSchema>;

/** The whole datastore configuration: the body of `PUT /v1/datastores/{id}` and `config` of a datastore. */
export const DatastoreConfigSchema = z.looseObject({
  name: z.string(),
  network_id: z.string().exactOptional(),
  location: z.looseObject({
    provider: z.string(),
    region: z.string(),
    availability_zones: z.array(z.string()).nullable().exactOptional(),
  }),
  tier: z.looseObject({
    /** Bytes. */
    max_memory_bytes: z.number().nonnegative(),
    performance_tier: z.string(),
    replicas: nullableInt.exactOptional(),
  }),
  cluster: z
    .looseObject({
      enabled: nullableBoolean,
      /** Bytes per shard; omitted when clustering is off. */
      shard_memory: z.number().nonnegative().exactOptional(),
    })
    .nullable()
    .exactOptional(),
  dragonfly: z.looseObject({}).nullable().exactOptional(),
  backup_policy: BackupPolicySchema.nullable().exactOptional(),
  restore: RestoreSchema.nullable().exactOptional(),
  maintenance_window: z.looseObject({}).nullable().exactOptional(),
  disable_passkey: z.boolean().exactOptional(),
  byoc: z.looseObject({}).nullable().exactOptional(),
});
/** A datastore's whole configuration; unknown fields (at any depth) are kept. */
export type DatastoreConfig = z.infer<typeof DatastoreConfigSchema>;

/** A datastore as `GET /v1/datastores/{id}` returns it. `created_at` is in Unix seconds. */
export const DatastoreSchema = z.looseObject({
  datastore_id: z.string(),
  status: DatastoreStatusSchema,
  created_at: z.int(),
  password: z.string(),
  addr: z.string(),
  dashboard: z.looseObject({ url: z.string() }).nullable(),
  config: DatastoreConfigSchema,
});
/** A datastore, as the API returns it. */
export type Datastore = z.infer<typeof DatastoreSchema>;

/** Backup states: `pending` until the snapshot is taken, then `ready` or `failed`. */
export const BackupStatusSchema = z.enum(["pending", "ready", "failed"]);
/** A backup's `status`. */
export type BackupStatus = z.infer<typeof BackupStatusSchema>;

/** Who made a backup: a user (`manual`) or the datastore's backup policy (`scheduled`). */
export const BackupSourceSchema = z.enum(["manual", "scheduled"]);
/** A backup's `source`. */
export type BackupSource = z.infer<typeof BackupSourceSchema>;

/**
 * A backup (docs/api-model.md "Backups", our model). `retention` in whole days, `created_at` in Unix
 * seconds, `size_bytes` 0 until `ready`; `location` and `shard_count` are the datastore's at backup time.
 */
export const BackupSchema = z.looseObject({
  backup_id: z.string(),
  datastore_id: z.string(),
  description: z.string(),
  retention: z.int(),
  source: BackupSourceSchema,
  status: BackupStatusSchema,
  created_at: z.int(),
  size_bytes: z.number().nonnegative(),
  location: z.looseObject({ provider: z.string(), region: z.string() }),
  shard_count: z.int().positive(),
});
/** A backup, as the API returns it. */
export type Backup = z.infer<typeof BackupSchema>;
