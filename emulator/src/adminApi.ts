/**
 * The admin API under `/_emulator/` (docs/api-model.md, "Emulator admin API"): the hooks tests need
 * to control time, seed state, inject faults and inspect what happened. Not part of Dragonfly Cloud.
 */
import { backupView, seedBackup } from "./backups.ts";
import type { EmulatorClock } from "./clock.ts";
import { createDatastore, datastoreView } from "./datastores.ts";
import { badRequest, notFound } from "./errors.ts";
import { FAULT_DEFAULTS, FAULT_KINDS, type FaultConfig, type FaultInjector } from "./faults.ts";
import { ok, type Reply, type Route } from "./http.ts";
import type { JsonObject, JsonValue } from "./json.ts";
import {
  byteEntries,
  Keyspace,
  type KeyspaceEntry,
  textEntries,
  validateKeyspaceEntries,
} from "./keyspace.ts";
import {
  DESCRIPTION_MAX_LENGTH,
  MAX_ADVANCE_SECONDS,
  RETENTION_MAX_DAYS,
  RETENTION_MIN_DAYS,
  SEEDED_BACKUP_RETENTION_DAYS,
} from "./modelled.ts";
import type { RequestLog } from "./requestLog.ts";
import { check, type Field, type Rule } from "./schema.ts";
import {
  type Backup,
  type BackupSource,
  type BackupStatus,
  DATASTORE_STATUSES,
  type Datastore,
  type DatastoreRecord,
  type DatastoreStatus,
  type Durations,
} from "./types.ts";
import { validateDataMap, validateDatastoreConfig } from "./validation.ts";
import type { World } from "./world.ts";

/** What an admin handler sees. */
export interface AdminContext {
  world: World;
  clock: EmulatorClock;
  faults: FaultInjector;
  log: RequestLog;
  /** The durations the emulator started with; `reset` returns to them. */
  initialDurations: Durations;
  /** The parsed JSON body (`400` when absent or malformed). */
  body: () => JsonValue;
}

/** `GET /_emulator/clock`: emulator time (Unix ms) and the time scale. */
export interface ClockView {
  now: number;
  timeScale: number;
}

/** `GET /_emulator/state`: every datastore (with its string keys as `data`) and backup of every account. */
export interface StateView {
  /** Emulator time, Unix ms. */
  now: number;
  datastores: Array<Datastore & { apiKey: string; data: Record<string, string> }>;
  backups: Array<Backup & { apiKey: string }>;
}

const secondsRule: Rule = { type: "number", min: 0, max: MAX_ADVANCE_SECONDS };
const durationsRule: Rule = {
  type: "object",
  fields: Object.fromEntries(
    ["datastoreCreate", "datastoreUpdate", "datastoreDelete", "restore", "backup"].map((name) => [
      name,
      { rule: secondsRule } satisfies Field,
    ]),
  ),
};
const faultsRule: Rule = {
  type: "object",
  fields: {
    rate: { rule: { type: "number", min: 0, max: 1 }, required: true },
    kinds: {
      rule: { type: "array", items: { type: "string", oneOf: FAULT_KINDS }, minItems: 1 },
      required: true,
    },
    seed: { rule: { type: "integer" } },
    retryAfterSeconds: { rule: { type: "integer", min: 0 } },
    latencyMs: { rule: { type: "integer", min: 0, max: 60_000 } },
    methods: { rule: { type: "array", items: { type: "string", minLength: 1 } } },
    pathPrefix: { rule: { type: "string" } },
    limit: { rule: { type: "integer", min: 1 } },
  },
};
const seedRule: Rule = {
  type: "object",
  fields: {
    apiKey: { rule: { type: "string", minLength: 1 }, required: true },
    config: { rule: { type: "object", fields: {} }, required: true },
    status: { rule: { type: "string", oneOf: DATASTORE_STATUSES } },
  },
};

const seedBackupRule: Rule = {
  type: "object",
  fields: {
    datastoreId: { rule: { type: "string", minLength: 1 }, required: true },
    description: { rule: { type: "string", maxLength: DESCRIPTION_MAX_LENGTH } },
    retention: { rule: { type: "integer", min: RETENTION_MIN_DAYS, max: RETENTION_MAX_DAYS } },
    source: { rule: { type: "string", oneOf: ["manual", "scheduled"] } },
    status: { rule: { type: "string", oneOf: ["pending", "ready", "failed"] } },
  },
};

function clockView({ world, clock }: AdminContext): ClockView {
  return { now: world.now, timeScale: clock.timeScale };
}

function stateView({ world }: AdminContext): StateView {
  return {
    now: world.now,
    datastores: [...world.datastores.values()].map((d) => ({
      apiKey: d.apiKey,
      ...datastoreView(d),
      data: d.data.textStrings(world.now),
    })),
    backups: [...world.backups.values()].map((b) => ({ apiKey: b.apiKey, ...backupView(b) })),
  };
}

function reset(context: AdminContext): Reply {
  context.world.reset();
  context.world.durations = { ...context.initialDurations };
  context.faults.clear();
  context.log.clear();
  return ok({});
}

function advance(context: AdminContext): Reply {
  const body = context.body();
  check(body, { type: "object", fields: { seconds: { rule: secondsRule, required: true } } }, "");
  context.clock.advance((body as { seconds: number }).seconds * 1000);
  context.world.advanceTo(context.clock.now());
  context.world.dirty = true;
  return ok(clockView(context));
}

function seedDatastore({ world, body }: AdminContext): Reply {
  const request = body();
  check(request, seedRule, "");
  const { apiKey, config, status } = request as {
    apiKey: string;
    config: JsonObject;
    status?: DatastoreStatus;
  };
  if (!world.apiKeys.has(apiKey)) throw badRequest("apiKey: not a key of this emulator");
  const datastore = createDatastore(
    world,
    apiKey,
    validateDatastoreConfig(config, "config"),
    status ?? "active",
  );
  // Rendered when the answer is sent: by then the server has opened the datastore's data-plane
  // listener (server.ts), so `addr` is the address to connect to.
  return ok({ toJSON: () => datastoreView(datastore) });
}

/** `POST /_emulator/backups`: a backup of any account's datastore, `ready` at once unless `status` says otherwise. */
function seedBackupCall(context: AdminContext): Reply {
  const request = context.body();
  check(request, seedBackupRule, "");
  const { datastoreId, description, retention, source, status } = request as {
    datastoreId: string;
    description?: string;
    retention?: number;
    source?: BackupSource;
    status?: BackupStatus;
  };
  const backup = seedBackup(
    context.world,
    anyDatastore(context, datastoreId),
    {
      source: source ?? "manual",
      description: description ?? "",
      retention: retention ?? SEEDED_BACKUP_RETENTION_DAYS,
    },
    status ?? "ready",
  );
  return ok(backupView(backup));
}

/** Any account's datastore `id` (the admin API sees every account); `404` when unknown. */
function anyDatastore({ world }: AdminContext, id: string): DatastoreRecord {
  const datastore = world.datastores.get(id);
  if (!datastore) throw notFound(`datastore ${id} not found`);
  return datastore;
}

/** `PUT …/data`: the datastore holds exactly these string keys, without expiry. Answers its string keys. */
function replaceData(context: AdminContext, id: string): Reply {
  const datastore = anyDatastore(context, id);
  datastore.data = Keyspace.fromText(validateDataMap(context.body(), "body"));
  context.world.dirty = true;
  return ok(datastore.data.textStrings(context.world.now));
}

/** `GET …/keyspace`: every live key of any type, as text. */
function keyspaceView(context: AdminContext, id: string): KeyspaceEntry[] {
  return textEntries(anyDatastore(context, id).data.entries(context.world.now));
}

/** `PUT …/keyspace`: the datastore holds exactly these keys (text). Answers them as stored. */
function replaceKeyspace(context: AdminContext, id: string): Reply {
  const datastore = anyDatastore(context, id);
  const entries = validateKeyspaceEntries(context.body(), "body");
  datastore.data = Keyspace.fromEntries(byteEntries(entries));
  context.world.dirty = true;
  return ok(keyspaceView(context, id));
}

function setDurations({ world, body }: AdminContext): Reply {
  const request = body();
  check(request, durationsRule, "");
  world.durations = { ...world.durations, ...(request as Partial<Durations>) };
  return ok(world.durations);
}

function setFaults({ faults, body }: AdminContext): Reply {
  const request = body();
  check(request, faultsRule, "");
  faults.configure({ ...FAULT_DEFAULTS, ...(request as Partial<FaultConfig>) } as FaultConfig);
  return ok(faults.config);
}

/** The `/_emulator` routes. */
export const adminRoutes: readonly Route<AdminContext>[] = [
  { pattern: ["_emulator", "reset"], methods: { POST: reset } },
  { pattern: ["_emulator", "clock"], methods: { GET: (context) => ok(clockView(context)) } },
  { pattern: ["_emulator", "clock", "advance"], methods: { POST: advance } },
  { pattern: ["_emulator", "datastores"], methods: { POST: seedDatastore } },
  { pattern: ["_emulator", "backups"], methods: { POST: seedBackupCall } },
  {
    pattern: ["_emulator", "datastores", ":id", "data"],
    methods: {
      GET: (context, { id = "" }) => ok(anyDatastore(context, id).data.textStrings(context.world.now)),
      PUT: (context, { id = "" }) => replaceData(context, id),
    },
  },
  {
    pattern: ["_emulator", "datastores", ":id", "keyspace"],
    methods: {
      GET: (context, { id = "" }) => ok(keyspaceView(context, id)),
      PUT: (context, { id = "" }) => replaceKeyspace(context, id),
    },
  },
  {
    pattern: ["_emulator", "durations"],
    methods: { GET: ({ world }) => ok(world.durations), PUT: setDurations },
  },
  {
    pattern: ["_emulator", "faults"],
    methods: {
      GET: ({ faults }) => ok(faults.config),
      PUT: setFaults,
      DELETE: ({ faults }) => {
        faults.clear();
        return ok(null);
      },
    },
  },
  {
    pattern: ["_emulator", "requests"],
    methods: {
      GET: ({ log }) => ok(log.list()),
      DELETE: ({ log }) => {
        log.clear();
        return ok([]);
      },
    },
  },
  { pattern: ["_emulator", "state"], methods: { GET: (context) => ok(stateView(context)) } },
];
