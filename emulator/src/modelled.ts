/**
 * Every modelled choice of the emulator, in one place. Each constant cites the line of
 * docs/api-model.md ("the doc") it implements; "[choice]" marks facts the public material does not
 * give, so correcting one means changing the doc and this file (and provider/src/client/modelled.ts).
 */

/** Milliseconds in one second. */
export const SECOND_MS = 1000;
/** Milliseconds in one hour: the scheduler's tick (the doc: "at every matching whole UTC hour"). */
export const HOUR_MS = 3600 * SECOND_MS;
/** Milliseconds in one day: `retention` counts whole days (the doc, `backup_policy.retention`). */
export const DAY_MS = 24 * HOUR_MS;

/** Datastore IDs are `dst_` + 16 lowercase alphanumerics (the doc, "Datastores": [choice]). */
export const DATASTORE_ID_PREFIX = "dst_";
/** Backup IDs are `bkp_` + 16 lowercase alphanumerics (the doc, "Backups": [choice]). */
export const BACKUP_ID_PREFIX = "bkp_";
/** Length of the random part of an ID (the doc: "16 lowercase alphanumerics"). */
export const ID_RANDOM_LENGTH = 16;
/** The alphabet of the random part of an ID (the doc: "lowercase alphanumerics"). */
export const ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789";

/** Generated API keys look like real ones, `dragonflydb_…` (the doc, "Transport": [public]). */
export const GENERATED_API_KEY_PREFIX = "dragonflydb_emu_";

/** The 401 message for a missing or wrong API key (the doc, "Transport": [choice]). */
export const UNAUTHORIZED_MESSAGE = "unauthorized: missing or invalid API key";
/** The 401 message of the admin API (the doc, "Emulator admin API"; wording is ours). */
export const ADMIN_UNAUTHORIZED_MESSAGE = "unauthorized: missing or invalid admin token";

/** Largest accepted request body, 1 MiB; larger ones get `413` (the doc, "Transport": [choice]). */
export const MAX_BODY_BYTES = 1024 * 1024;
/**
 * A body over {@link MAX_BODY_BYTES} is still read (and thrown away) up to this many bytes, 64 MiB,
 * before the `413` is sent, so a client still sending sees the answer instead of a reset (the
 * doc, "Transport" [choice]). Beyond it, or when an `Expect: 100-continue` request declares a
 * length over the limit, the emulator answers at once and closes the connection.
 */
export const MAX_DRAINED_BODY_BYTES = 64 * 1024 * 1024;
/**
 * Deepest accepted nesting of arrays and objects in a JSON body; deeper is `400` (a deep body
 * would overflow the stack and answer 500; the doc, "Transport" [choice]). Real configs nest
 * 3 levels; Go's encoding/json, which the vendor's server plausibly uses, stops at 10 000.
 */
export const MAX_JSON_DEPTH = 100;

/** `retention` is whole days from 1 to 365 (the doc, `backup_policy` and "Backups": [choice]). */
export const RETENTION_MIN_DAYS = 1;
/** See {@link RETENTION_MIN_DAYS}. */
export const RETENTION_MAX_DAYS = 365;
/** A manual backup's `description` is at most 256 characters (the doc, "Backups"). */
export const DESCRIPTION_MAX_LENGTH = 256;
/** The description of backups the scheduler takes (the brief; the doc names only `source`). */
export const SCHEDULED_BACKUP_DESCRIPTION = "Scheduled backup";

/**
 * How long an `Idempotency-Key` is remembered: 24 h of emulator time, per account (the doc,
 * "Idempotency" [choice]).
 */
export const IDEMPOTENCY_WINDOW_MS = 24 * HOUR_MS;
/** Longest accepted `Idempotency-Key` header value [choice; the doc gives no limit]. */
export const IDEMPOTENCY_KEY_MAX_LENGTH = 255;

/** `location.provider` values (the research file §2.3, from the official SDK: [public]). */
export const CLOUD_PROVIDERS = ["aws", "gcp", "azure"] as const;
/** `tier.performance_tier` values (the research file §2.3: SDK constants plus the TF docs' table). */
export const PERFORMANCE_TIERS = ["dev", "standard", "enhanced", "extreme", "byoc"] as const;
/** `tier.replicas` is at most 2: one primary plus up to two replica zones (research §2.5). */
export const MAX_REPLICAS = 2;

/**
 * The shard size the emulator uses for a Swarm datastore whose `cluster.shard_memory` is unset (absent,
 * `null` or 0), 6.25 GB: the vendor documents an unset shard memory as "managed automatically"
 * (terraform-provider-dfcloud internal/provider/datastore.go:94); which size the service picks is
 * unknown, so the smallest permitted size, listed first there [choice].
 */
export const AUTOMATIC_SHARD_MEMORY_BYTES = 6_250_000_000;

/**
 * Shard count of a datastore (the doc, "Shard count of a datastore" [choice, from the docs' Swarm
 * rules]): 1 unless `cluster.enabled`; then `ceil(tier.max_memory_bytes / cluster.shard_memory)`,
 * with {@link AUTOMATIC_SHARD_MEMORY_BYTES} when `shardMemory` is undefined or 0.
 */
export function shardCount(
  clusterEnabled: boolean,
  maxMemoryBytes: number,
  shardMemory: number | undefined,
): number {
  if (!clusterEnabled) return 1;
  const size = shardMemory === undefined || shardMemory <= 0 ? AUTOMATIC_SHARD_MEMORY_BYTES : shardMemory;
  return Math.max(1, Math.ceil(maxMemoryBytes / size));
}

/**
 * The restore trigger rule (the doc, `config.restore` [choice]): a PUT starts a restore when
 * `restore.backup_id` is non-empty and either differs from the stored one or is sent with
 * `loaded: false`. An absent `loaded` counts as false, as Go's zero value would.
 */
export function startsRestore(
  sent: { backupId: string; loaded: boolean },
  stored: { backupId: string } | undefined,
): boolean {
  if (sent.backupId === "") return false;
  return sent.backupId !== stored?.backupId || !sent.loaded;
}

/**
 * Why a backup of `backupShards` shards cannot be restored onto a datastore of `targetShards`, or
 * undefined when it can (the doc, restore refusals; research §3.3: a multi-shard backup needs the
 * same shard count, a single-shard backup can be restored onto a Swarm datastore).
 */
export function shardRefusal(
  backupShards: number,
  targetShards: number,
): "multi-onto-single" | "mismatch" | undefined {
  if (backupShards <= 1) return undefined;
  if (targetShards === 1) return "multi-onto-single";
  return backupShards === targetShards ? undefined : "mismatch";
}

/**
 * Datastore statuses in which the scheduler takes backups: the datastore is provisioned and holds
 * data [choice; the doc says only "at every matching whole UTC hour"].
 */
export const SCHEDULABLE_STATUSES: readonly string[] = ["active", "updating", "restoring"];

/**
 * Datastore statuses a DELETE starts the deletion in [choice; the doc lists only
 * `deleting → deleted`]: any live status. A DELETE while `deleting` answers 200 with the datastore
 * as it is and changes nothing (a DELETE is idempotent, RFC 9110 §9.2.2; the vendor provider then
 * waits for `deleted` as after its own DELETE, internal/provider/datastore.go:416-418) [choice]. A
 * DELETE once `deleted` is `404`: the vendor treats only 404 as "already deleted"
 * (internal/provider/datastore.go:404-410, added by commit 2c1ce6a "fix(client): Handle 404").
 */
export const DELETABLE_STATUSES: readonly string[] = ["pending", "active", "updating", "restoring"];

/**
 * The value a `dragonfly` flag (`cache_mode`, `tls`, `bullmq`, `sidekiq`, `memcached`) sent as `null`
 * or not at all reads back as: `false`. The vendor's acceptance tests against the live API create a
 * datastore without a `dragonfly` block (so every flag is sent as null) and expect `cache_mode` and
 * `tls` to read `false` (internal/provider/datastore_test.go:81-82); the other three flags: the same,
 * by analogy [choice].
 */
export const DRAGONFLY_FLAG_DEFAULT = false;

/**
 * The ACL rules a datastore reads back when `dragonfly.acl_rules` is sent as `null` or not at all:
 * one rule for the default user with the datastore's password, as the vendor's acceptance tests
 * expect from the live API (`USER default ON >… ~* &* +@ALL`, internal/provider/datastore_test.go:83-84).
 * Without a password (`disable_passkey`) the rule says `nopass`, Dragonfly's ACL word for it [choice].
 */
export function defaultAclRules(password: string): string[] {
  return [`USER default ON ${password === "" ? "nopass" : `>${password}`} ~* &* +@ALL`];
}

/**
 * The `retention` (days) of a backup seeded with `POST /_emulator/backups` without one [choice].
 */
export const SEEDED_BACKUP_RETENTION_DAYS = 7;

/**
 * Default transition durations in seconds of emulator time (the doc: "Each transition takes a
 * configurable duration"; the values are ours: realistic but small).
 */
export const DEFAULT_DURATIONS = {
  datastoreCreate: 30,
  datastoreUpdate: 5,
  datastoreDelete: 10,
  restore: 20,
  backup: 15,
} as const;

/** The data a new datastore starts with, so a first backup has something to capture (the brief). */
export const SAMPLE_DATA: Readonly<Record<string, string>> = {
  greeting: "hello from the dfcloud emulator",
  "counter:visits": "0",
  "user:1:name": "Ada",
};

/**
 * `size_bytes` of a ready backup [choice; the doc says only "0 until ready"]: the bytes of every
 * key and of its content (string values, hash fields and values, list and set elements, sorted-set
 * members plus 8 bytes per score; keyspace.ts entriesBytes) plus a fixed header, as an RDB file has
 * one even when empty.
 */
export const BACKUP_HEADER_BYTES = 64;

/*
 * `addr` of a datastore [choice; the real host name scheme is undocumented]: `127.0.0.1:<port>` of
 * the RESP listener its data plane opens when it first becomes active (dataPlane.ts), so any Redis
 * client can connect to it with its `password`. After a restart with a state file the datastore
 * listens on the same port again when it is free.
 */

/** `dashboard.url` of an active datastore [choice; research §2.2 says only "public Grafana dashboard"]. */
export function dashboardUrl(datastoreId: string): string {
  return `https://dashboards.dragonflydb.cloud/public/${datastoreId}`;
}

/** Length of a generated datastore password [choice]. */
export const PASSWORD_LENGTH = 32;

/** `Retry-After` of an injected `429` unless the fault config says otherwise (the brief: default 1). */
export const DEFAULT_RETRY_AFTER_SECONDS = 1;

/** The request log keeps this many newest entries, so a long CI run cannot exhaust memory [choice]. */
export const REQUEST_LOG_LIMIT = 10_000;

/** Longest single clock advance, ten years of seconds, so one call cannot run for minutes [choice]. */
export const MAX_ADVANCE_SECONDS = 10 * 365 * 24 * 3600;
