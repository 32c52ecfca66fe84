/**
 * Datastore operations (docs/api-model.md, "Datastores"): create, full-config PUT, delete, and the
 * status lifecycle `pending → active`, `updating → active`, `restoring → active`,
 * `deleting → deleted`, each completing after its configured duration.
 */
import { configView } from "./configView.ts";
import { badRequest, conflict, notFound } from "./errors.ts";
import { cloneJson, type JsonObject, objectField } from "./json.ts";
import { Keyspace } from "./keyspace.ts";
import {
  DATASTORE_ID_PREFIX,
  DELETABLE_STATUSES,
  dashboardUrl,
  PASSWORD_LENGTH,
  SAMPLE_DATA,
  SECOND_MS,
} from "./modelled.ts";
import { randomAlphanumerics } from "./random.ts";
import { planRestore } from "./restore.ts";
import type { Datastore, DatastoreRecord, DatastoreStatus, Durations, Transition } from "./types.ts";
import { clusterEnabled, configLocation, validateDatastoreConfig } from "./validation.ts";
import type { World } from "./world.ts";

/** Which duration each transition takes, and the status a datastore shows while it runs. */
const TRANSITIONS: Record<Transition["kind"], { duration: keyof Durations; status: DatastoreStatus }> = {
  create: { duration: "datastoreCreate", status: "pending" },
  update: { duration: "datastoreUpdate", status: "updating" },
  restore: { duration: "restore", status: "restoring" },
  delete: { duration: "datastoreDelete", status: "deleting" },
};

/**
 * The wire shape of a datastore (a deep copy: callers may not change the record through it). Its
 * `config` has every key the vendor's Go types serialise, with the server's fill-ins (configView.ts).
 */
export function datastoreView(datastore: DatastoreRecord): Datastore {
  return {
    datastore_id: datastore.id,
    status: datastore.status,
    created_at: Math.floor(datastore.createdAtMs / SECOND_MS),
    password: datastore.password,
    addr: datastore.addr,
    dashboard: datastore.dashboardUrl === null ? null : { url: datastore.dashboardUrl },
    config: configView(datastore.config, datastore.password),
  };
}

/** The account's datastores that are not `deleted`, in creation order (`GET /v1/datastores`). */
export function listDatastores(world: World, apiKey: string): DatastoreRecord[] {
  return [...world.datastores.values()].filter((d) => d.apiKey === apiKey && d.status !== "deleted");
}

/** The account's datastore `id`; `404` when unknown or another account's. */
export function findDatastore(world: World, apiKey: string, id: string): DatastoreRecord {
  const datastore = world.datastores.get(id);
  if (!datastore || datastore.apiKey !== apiKey) throw notFound(`datastore ${id} not found`);
  return datastore;
}

/**
 * Creates a datastore in the account of `apiKey` from a validated config (`POST /v1/datastores`,
 * and the admin seeding call with its `status`): `pending` until `datastoreCreate` has passed. A
 * datastore seeded in another status starts that status's transition (`active` and `deleted` none).
 */
export function createDatastore(
  world: World,
  apiKey: string,
  config: JsonObject,
  status: DatastoreStatus = "pending",
): DatastoreRecord {
  const id = world.newId(DATASTORE_ID_PREFIX, world.datastores);
  const datastore: DatastoreRecord = {
    id,
    apiKey,
    status,
    createdAtMs: world.now,
    password: config.disable_passkey === true ? "" : randomAlphanumerics(PASSWORD_LENGTH),
    addr: "",
    dashboardUrl: null,
    config: cloneJson(config),
    data: Keyspace.fromText(SAMPLE_DATA),
    transition: null,
  };
  world.datastores.set(id, datastore);
  world.dirty = true;
  const kind = transitionShowing(status);
  if (kind) startTransition(world, datastore, kind);
  else settle(datastore, status === "deleted" ? "deleted" : "active");
  return datastore;
}

function transitionShowing(status: DatastoreStatus): Transition["kind"] | undefined {
  return (Object.keys(TRANSITIONS) as Transition["kind"][]).find(
    (kind) => TRANSITIONS[kind].status === status,
  );
}

/**
 * `PUT /v1/datastores/{id}` with the whole config: `404` for an unknown datastore, `400` for an
 * invalid config, `409` unless `active`, `400` when it changes `location.provider`,
 * `location.region` or `cluster.enabled`; then either a restore starts (`restoring`, see
 * restore.ts) or the config is stored as sent (`updating`).
 */
export function updateDatastore(world: World, apiKey: string, id: string, body: unknown): DatastoreRecord {
  const datastore = findDatastore(world, apiKey, id);
  const config = validateDatastoreConfig(body);
  if (datastore.status !== "active") throw conflict(`datastore ${id} is ${datastore.status}, not active`);
  checkImmutableFields(datastore.config, config);
  const restore = planRestore(world, datastore, config);
  datastore.config = cloneJson(config);
  if (restore) {
    const restoreBlock = objectField(datastore.config, "restore");
    if (restoreBlock) restoreBlock.loaded = false;
    startTransition(world, datastore, "restore", restore);
  } else {
    startTransition(world, datastore, "update");
  }
  return datastore;
}

/** The doc: location provider and region and cluster mode cannot change after creation. */
function checkImmutableFields(stored: JsonObject, sent: JsonObject): void {
  const before = configLocation(stored);
  const after = configLocation(sent);
  for (const field of ["provider", "region"] as const) {
    if (before[field] !== after[field]) {
      throw badRequest(
        `location.${field}: cannot change after creation (is ${JSON.stringify(before[field])}, ` +
          `sent ${JSON.stringify(after[field])})`,
      );
    }
  }
  if (clusterEnabled(stored) !== clusterEnabled(sent)) {
    throw badRequest(`cluster.enabled: cannot change after creation (is ${clusterEnabled(stored)})`);
  }
}

/**
 * `DELETE /v1/datastores/{id}`: `deleting`, then `deleted` (its data gone) after
 * `datastoreDelete`. Any transition in flight (e.g. a restore) is abandoned. While already
 * `deleting`: the datastore as it is, nothing restarted; once `deleted`: `404` (see
 * DELETABLE_STATUSES in modelled.ts).
 */
export function deleteDatastore(world: World, apiKey: string, id: string): DatastoreRecord {
  const datastore = findDatastore(world, apiKey, id);
  if (datastore.status === "deleted") throw notFound(`datastore ${id} is deleted`);
  if (DELETABLE_STATUSES.includes(datastore.status)) startTransition(world, datastore, "delete");
  return datastore;
}

/** Puts the datastore in the status of `kind` and completes the transition after its duration. */
function startTransition(
  world: World,
  datastore: DatastoreRecord,
  kind: Transition["kind"],
  restore?: Transition["restore"],
): void {
  const { duration, status } = TRANSITIONS[kind];
  const dueAt = world.now + Math.round(world.durations[duration] * SECOND_MS);
  datastore.transition = restore ? { kind, dueAt, restore } : { kind, dueAt };
  datastore.status = status;
  world.dirty = true;
  watchTransition(world, datastore);
}

/** Schedules the completion of the datastore's transition in flight, if any (also after a restart). */
export function watchTransition(world: World, datastore: DatastoreRecord): void {
  const transition = datastore.transition;
  if (!transition) return;
  world.at(transition.dueAt, () => {
    // A later DELETE replaces the transition; the replaced one must not complete.
    if (datastore.transition === transition && world.datastores.get(datastore.id) === datastore) {
      completeTransition(world, datastore, transition);
    }
  });
}

function completeTransition(world: World, datastore: DatastoreRecord, transition: Transition): void {
  datastore.transition = null;
  world.dirty = true;
  if (transition.kind === "delete") {
    settle(datastore, "deleted");
    return;
  }
  if (transition.kind === "restore") finishRestore(datastore, transition);
  settle(datastore, "active");
}

/** The doc: after a restore the datastore's data is the backup's and `restore.loaded` is true. */
function finishRestore(datastore: DatastoreRecord, transition: Transition): void {
  const data = transition.restore?.data;
  // A datastore seeded as `restoring` has no backup to read: its data stays.
  if (data) datastore.data = Keyspace.fromEntries(data);
  const restoreBlock = objectField(datastore.config, "restore");
  if (restoreBlock) restoreBlock.loaded = true;
}

/**
 * Puts a datastore at rest in `active` (reachable: its data plane opens a listener and sets `addr`,
 * see dataPlane.ts; a dashboard) or `deleted` (data gone).
 */
function settle(datastore: DatastoreRecord, status: "active" | "deleted"): void {
  datastore.status = status;
  if (status === "deleted") {
    datastore.data = new Keyspace();
    return;
  }
  datastore.dashboardUrl = dashboardUrl(datastore.id);
}
