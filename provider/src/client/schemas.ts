import * as z from "../zod";

/*
 * Response schemas, from docs/api-model.md. Read tolerantly, write exactly: a field is required only
 * where the provider cannot work without it (ids, statuses, what it compares); everything else is
 * optional, so one difference in the real API cannot break every operation, destroy included. Every
 * object inside `config` is `z.looseObject`, at every depth: the API stores config fields this client
 * does not know and returns them unchanged, and a read-modify-write PUTs the whole config back, so a
 * parsed config must keep them or the PUT would delete them. The datastore's top level is stripped to
 * what the provider uses: its `password`, `addr` and `dashboard` are never parsed nor held.
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

/** A status as read: one of the known ones, or a newer one this client does not know (never refused). */
const readStatus = <S extends string>(_known: z.ZodEnum<Record<S, S>>) =>
  z.string() as z.ZodType<S | (string & {})>;

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
  name: z.string().exactOptional(),
  network_id: z.string().nullable().exactOptional(),
  location: z
    .looseObject({
      provider: z.string().exactOptional(),
      region: z.string().exactOptional(),
      availability_zones: z.array(z.string()).nullable().exactOptional(),
    })
    .nullable()
    .exactOptional(),
  tier: z
    .looseObject({
      /** Bytes. */
      max_memory_bytes: z.number().nonnegative().exactOptional(),
      performance_tier: z.string().exactOptional(),
      replicas: nullableInt.exactOptional(),
    })
    .nullable()
    .exactOptional(),
  cluster: z
    .looseObject({
      enabled: nullableBoolean.exactOptional(),
      /** Bytes per shard; omitted when clustering is off, 0 or omitted when the API manages it. */
      shard_memory: z.number().nonnegative().exactOptional(),
    })
    .nullable()
    .exactOptional(),
  dragonfly: z.looseObject({}).nullable().exactOptional(),
  backup_policy: BackupPolicySchema.nullable().exactOptional(),
  restore: RestoreSchema.nullable().exactOptional(),
  maintenance_window: z.looseObject({}).nullable().exactOptional(),
  disable_passkey: z.boolean().nullable().exactOptional(),
  byoc: z.looseObject({}).nullable().exactOptional(),
});
/** A datastore's whole configuration; unknown fields (at any depth) are kept. */
export type DatastoreConfig = z.infer<typeof DatastoreConfigSchema>;

/**
 * A datastore as `GET /v1/datastores/{id}` returns it, stripped to what the provider uses (`z.object`
 * drops the rest: the passkey is never held). The config is PUT back, so it keeps everything.
 */
export const DatastoreSchema = z.object({
  datastore_id: z.string(),
  status: readStatus(DatastoreStatusSchema),
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
  /** Compared when a lost create is reconciled; absent reads as "". */
  description: z.string().exactOptional(),
  retention: z.int(),
  source: readStatus(BackupSourceSchema).exactOptional(),
  status: readStatus(BackupStatusSchema),
  created_at: z.int(),
  size_bytes: z.number().nonnegative().exactOptional(),
  location: z
    .looseObject({ provider: z.string().exactOptional(), region: z.string().exactOptional() })
    .nullable()
    .exactOptional(),
  shard_count: z.int().positive().exactOptional(),
});
/** A backup, as the API returns it. */
export type Backup = z.infer<typeof BackupSchema>;
