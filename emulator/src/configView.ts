/**
 * The `config` of a datastore as the API answers it (docs/api-model.md, "What a GET returns"): every
 * key the vendor's Go types always serialise is present, with the value the server fills in or Go's
 * zero value, because the server plausibly marshals the same types (the types are
 * terraform-provider-dfcloud internal/sdk/datastore.go:11-128 at commit e4ff7e3). Keys those types
 * mark `omitempty` (e.g. `cluster.shard_memory`, `backup_policy.retention`, `byoc.account_id`) appear
 * only when sent. Keys the types do not know are kept as sent, after the known ones.
 *
 * The stored config stays as sent; the view is computed on every read, so a state file written before
 * this rule reads the same way.
 */
import { cloneJson, isJsonObject, type JsonObject, type JsonValue } from "./json.ts";
import { DRAGONFLY_FLAG_DEFAULT, defaultAclRules } from "./modelled.ts";

/** How one always-present key reads back. */
type Slot =
  /** A value: `zero` when not sent; `nullAs` (when given) replaces a sent `null`. */
  | { zero: JsonValue; nullAs?: JsonValue }
  /** A struct: a sent `null` or no value reads as the struct of its fields' zero values (Go decodes `null` into a struct as a no-op). */
  | { fields: Shape };

/** The always-present keys of an object, in the order the Go struct declares them. */
type Shape = Readonly<Record<string, Slot>>;

const flag: Slot = { zero: DRAGONFLY_FLAG_DEFAULT, nullAs: DRAGONFLY_FLAG_DEFAULT };

/** The `DatastoreConfig` keys (internal/sdk/datastore.go:82-102), for a datastore whose password is `password`. */
function datastoreConfigShape(password: string): Shape {
  const aclRules = defaultAclRules(password);
  return {
    name: { zero: "" },
    network_id: { zero: "" },
    // DatastoreLocation, datastore.go:17-23.
    location: {
      fields: { provider: { zero: "" }, region: { zero: "" }, availability_zones: { zero: null } },
    },
    // DatastoreTier, datastore.go:54-66 (byoc_instance_family is omitempty).
    tier: {
      fields: { max_memory_bytes: { zero: 0 }, performance_tier: { zero: "" }, replicas: { zero: null } },
    },
    // DatastoreClusterConfig, datastore.go:11-14 (shard_memory is omitempty; see clusterView).
    cluster: { fields: { enabled: { zero: null } } },
    // DatastoreDragonflyConfig, datastore.go:68-75; the server fills in null flags and ACL rules
    // (internal/provider/datastore_test.go:81-84).
    dragonfly: {
      fields: {
        cache_mode: flag,
        tls: flag,
        bullmq: flag,
        sidekiq: flag,
        memcached: flag,
        acl_rules: { zero: aclRules, nullAs: aclRules },
      },
    },
    // BackupPolicy, datastore.go:121-128 (every field but enabled is omitempty).
    backup_policy: { fields: { enabled: { zero: null } } },
    // RestoreBackup, datastore.go:114-119.
    restore: { fields: { backup_id: { zero: "" }, loaded: { zero: false } } },
    // MaintenanceWindow, datastore.go:104-112 (omitempty on a struct omits nothing in encoding/json).
    maintenance_window: {
      fields: { weekday: { zero: null }, hour: { zero: null }, duration_hours: { zero: null } },
    },
    disable_passkey: { zero: false },
    // BYOCConfig, datastore.go:77-79 (account_id is omitempty).
    byoc: { fields: {} },
  };
}

/**
 * The config `stored` as a GET answers it, for a datastore whose password is `password` (the default
 * ACL rule names it). A new object: changing it does not change `stored`.
 */
export function configView(stored: JsonObject, password: string): JsonObject {
  const view = shaped(cloneJson(stored), datastoreConfigShape(password));
  const cluster = view.cluster;
  if (isJsonObject(cluster)) view.cluster = clusterView(cluster);
  return view;
}

/**
 * A Swarm datastore without a shard size (absent, `null` or 0) reads `shard_memory: 0`: its shard
 * memory is "managed automatically" (internal/provider/datastore.go:94), and the vendor reads a
 * returned 0 as unset (internal/resource_model/datastore.go:55-58). The emulator computes the shard
 * count with an automatic size (modelled.ts, AUTOMATIC_SHARD_MEMORY_BYTES) but does not show it: the
 * vendor's `shard_memory` is Optional and not Computed (internal/provider/datastore.go:93-96), so a
 * server-chosen value would read as a change the user did not make [choice]. A `null` sent for
 * a single-shard datastore is dropped, as Go's `omitempty` drops a nil pointer.
 */
function clusterView(cluster: JsonObject): JsonObject {
  const shardMemory = cluster.shard_memory;
  if (cluster.enabled === true && (shardMemory === undefined || shardMemory === null)) {
    return shaped(cluster, { enabled: { zero: null }, shard_memory: { zero: 0, nullAs: 0 } });
  }
  if (shardMemory === null) {
    const { shard_memory: _dropped, ...rest } = cluster;
    return rest;
  }
  return cluster;
}

/** `value` (an object, or null/absent for the zero struct) with every key of `shape`, then its other keys as sent. */
function shaped(value: JsonValue | undefined, shape: Shape): JsonObject {
  const sent = isJsonObject(value) ? value : {};
  const result: JsonObject = {};
  for (const [key, slot] of Object.entries(shape)) {
    const given = Object.hasOwn(sent, key) ? sent[key] : undefined;
    if ("fields" in slot) {
      setOwn(result, key, shaped(given, slot.fields));
    } else if (given === undefined) {
      setOwn(result, key, cloneJson(slot.zero));
    } else {
      setOwn(result, key, given === null && slot.nullAs !== undefined ? cloneJson(slot.nullAs) : given);
    }
  }
  for (const [key, given] of Object.entries(sent)) {
    if (!Object.hasOwn(shape, key)) setOwn(result, key, given);
  }
  return result;
}

/** Sets an own enumerable property, so a key named `__proto__` stays a plain key. */
function setOwn(object: JsonObject, key: string, value: JsonValue): void {
  Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
}
