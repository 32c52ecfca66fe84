/**
 * What the emulator accepts in request bodies (docs/api-model.md, "Datastores" and "Backups"), and
 * typed readers of the parts of a stored `DatastoreConfig` the emulator acts on.
 */
import { badRequest } from "./errors.ts";
import { type JsonObject, objectField } from "./json.ts";
import {
  CLOUD_PROVIDERS,
  DESCRIPTION_MAX_LENGTH,
  MAX_REPLICAS,
  PERFORMANCE_TIERS,
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  shardCount,
} from "./modelled.ts";
import { check, childPath, type Field, type Rule } from "./schema.ts";

const boolOrNull: Field = { rule: { type: "boolean" }, nullable: true };
const retentionRule: Rule = { type: "integer", min: RETENTION_MIN_DAYS, max: RETENTION_MAX_DAYS };
const weekdayRule: Rule = { type: "integer", min: 0, max: 6 };
const hourRule: Rule = { type: "integer", min: 0, max: 23 };

/** The `DatastoreConfig` fields the emulator knows (the doc, "Datastores"); others pass through. */
const datastoreConfigRule: Rule = {
  type: "object",
  fields: {
    name: { rule: { type: "string", minLength: 1 }, required: true },
    network_id: { rule: { type: "string" } },
    location: {
      required: true,
      rule: {
        type: "object",
        fields: {
          provider: { rule: { type: "string", oneOf: CLOUD_PROVIDERS }, required: true },
          region: { rule: { type: "string", minLength: 1 }, required: true },
          availability_zones: { rule: { type: "array", items: { type: "string" } }, nullable: true },
        },
      },
    },
    tier: {
      required: true,
      rule: {
        type: "object",
        fields: {
          max_memory_bytes: { rule: { type: "integer", min: 1 }, required: true },
          performance_tier: { rule: { type: "string", oneOf: PERFORMANCE_TIERS }, required: true },
          replicas: { rule: { type: "integer", min: 0, max: MAX_REPLICAS }, nullable: true },
        },
      },
    },
    cluster: {
      nullable: true,
      rule: {
        type: "object",
        // shard_memory may be left out, null or 0: "managed automatically" (internal/provider/datastore.go:94
        // of terraform-provider-dfcloud).
        fields: { enabled: boolOrNull, shard_memory: { rule: { type: "integer", min: 0 }, nullable: true } },
      },
    },
    dragonfly: {
      nullable: true,
      rule: {
        type: "object",
        fields: {
          cache_mode: boolOrNull,
          tls: boolOrNull,
          bullmq: boolOrNull,
          sidekiq: boolOrNull,
          memcached: boolOrNull,
          acl_rules: { rule: { type: "array", items: { type: "string" } }, nullable: true },
        },
      },
    },
    backup_policy: {
      nullable: true,
      rule: {
        type: "object",
        fields: {
          enabled: boolOrNull,
          every_day: { rule: { type: "boolean" } },
          weekdays: { rule: { type: "array", items: weekdayRule }, nullable: true },
          every_hour: { rule: { type: "boolean" } },
          hours: { rule: { type: "array", items: hourRule }, nullable: true },
          retention: { rule: retentionRule },
        },
      },
    },
    restore: {
      nullable: true,
      rule: {
        type: "object",
        fields: { backup_id: { rule: { type: "string" } }, loaded: { rule: { type: "boolean" } } },
      },
    },
    maintenance_window: {
      nullable: true,
      rule: {
        type: "object",
        fields: {
          weekday: { rule: weekdayRule, nullable: true },
          hour: { rule: hourRule, nullable: true },
          duration_hours: { rule: { type: "integer", min: 0 }, nullable: true },
        },
      },
    },
    disable_passkey: { rule: { type: "boolean" } },
    byoc: { nullable: true, rule: { type: "object", fields: { account_id: { rule: { type: "string" } } } } },
  },
};

/**
 * Checks a `DatastoreConfig` body and returns it typed; throws `400` naming the first bad field.
 * `path` prefixes the field paths (the admin seeding call passes `config`).
 */
export function validateDatastoreConfig(body: unknown, path = ""): JsonObject {
  check(body, datastoreConfigRule, path);
  const config = body as JsonObject;
  checkEnabledPolicyIsComplete(config, path);
  return config;
}

/**
 * The doc, `backup_policy`: when `enabled` is true, either `every_day: true` or a non-empty
 * `weekdays`, either `every_hour: true` or a non-empty `hours`, and a `retention` — otherwise 400.
 */
function checkEnabledPolicyIsComplete(config: JsonObject, path: string): void {
  const policy = objectField(config, "backup_policy");
  if (policy?.enabled !== true) return;
  const policyPath = childPath(path, "backup_policy");
  const hasItems = (value: unknown) => Array.isArray(value) && value.length > 0;
  if (policy.every_day !== true && !hasItems(policy.weekdays)) {
    throw badRequest(`${policyPath}.weekdays: must be non-empty when enabled is true and every_day is not`);
  }
  if (policy.every_hour !== true && !hasItems(policy.hours)) {
    throw badRequest(`${policyPath}.hours: must be non-empty when enabled is true and every_hour is not`);
  }
  if (policy.retention === undefined) {
    throw badRequest(`${policyPath}.retention: is required when enabled is true`);
  }
}

/** The body of `POST /v1/backups`, checked. */
export interface BackupRequest {
  datastoreId: string;
  description: string;
  retention: number;
}

const backupRequestRule: Rule = {
  type: "object",
  fields: {
    datastore_id: { rule: { type: "string", minLength: 1 }, required: true },
    description: { rule: { type: "string", maxLength: DESCRIPTION_MAX_LENGTH } },
    retention: { rule: retentionRule, required: true },
  },
};

/** Checks a `POST /v1/backups` body; throws `400` naming the first bad field. */
export function validateBackupRequest(body: unknown): BackupRequest {
  check(body, backupRequestRule, "");
  const request = body as JsonObject;
  return {
    datastoreId: request.datastore_id as string,
    description: typeof request.description === "string" ? request.description : "",
    retention: request.retention as number,
  };
}

/** `location.provider` and `location.region` of a validated config. */
export function configLocation(config: JsonObject): { provider: string; region: string } {
  const location = objectField(config, "location");
  return { provider: String(location?.provider ?? ""), region: String(location?.region ?? "") };
}

/** Whether `cluster.enabled` is true (absent and `null` count as false). */
export function clusterEnabled(config: JsonObject): boolean {
  return objectField(config, "cluster")?.enabled === true;
}

/** The shard count of a validated config (see {@link shardCount}; an unset shard memory is automatic). */
export function configShardCount(config: JsonObject): number {
  const maxMemory = objectField(config, "tier")?.max_memory_bytes;
  const shardMemory = objectField(config, "cluster")?.shard_memory;
  if (typeof maxMemory !== "number") return 1;
  return shardCount(
    clusterEnabled(config),
    maxMemory,
    typeof shardMemory === "number" ? shardMemory : undefined,
  );
}

/** The `restore` block of a config, with the Go zero values for absent fields. */
export function configRestore(config: JsonObject): { backupId: string; loaded: boolean } | undefined {
  const restore = objectField(config, "restore");
  if (!restore) return undefined;
  return {
    backupId: typeof restore.backup_id === "string" ? restore.backup_id : "",
    loaded: restore.loaded === true,
  };
}

/** An enabled backup schedule: which UTC weekdays and hours, and the retention in days. */
export interface Schedule {
  weekdays: "every" | readonly number[];
  hours: "every" | readonly number[];
  retention: number;
}

/** The schedule of a config, or undefined when `backup_policy.enabled` is not true. */
export function configSchedule(config: JsonObject): Schedule | undefined {
  const policy = objectField(config, "backup_policy");
  if (policy?.enabled !== true || typeof policy.retention !== "number") return undefined;
  const numbers = (value: unknown) =>
    Array.isArray(value) ? value.filter((n) => typeof n === "number") : [];
  return {
    weekdays: policy.every_day === true ? "every" : numbers(policy.weekdays),
    hours: policy.every_hour === true ? "every" : numbers(policy.hours),
    retention: policy.retention,
  };
}

/** Checks that `value` is a JSON object of string values (the admin data call's body); throws `400`. */
export function validateDataMap(value: unknown, path: string): Record<string, string> {
  check(value, { type: "map", values: { type: "string" } }, path);
  return value as Record<string, string>;
}
