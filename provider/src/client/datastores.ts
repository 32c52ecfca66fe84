import { isDeepStrictEqual } from "node:util";
import { z } from "zod";
import type { ClientContext } from "./context";
import { ConflictError } from "./errors";
import type { RequestSpec } from "./http";
import { DATASTORES_PATH } from "./modelled";
import { path } from "./path";
import {
  type BackupPolicy,
  BackupPolicySchema,
  type BackupPolicySettings,
  type Datastore,
  type DatastoreConfig,
  DatastoreSchema,
  type DatastoreStatus,
} from "./schemas";
import { pollUntil, type WaitForOptions } from "./wait";

/** Changes a copy of a datastore's config; gets a deep copy, so it may modify it in place and return it. */
/** Changes a copy of the config; returning `undefined` means "nothing to change": no PUT is sent. */
export type ConfigMutation = (config: DatastoreConfig) => DatastoreConfig | undefined;

/** A condition a datastore is awaited to meet. */
export type DatastorePredicate = (datastore: Datastore) => boolean;

/** Options of waitForDatastore. */
export interface WaitForDatastoreOptions extends WaitForOptions<Datastore> {
  /** What a predicate waits for, for messages, e.g. `to finish restoring bkp_x`. Default `to meet the awaited condition`. */
  readonly description?: string | undefined;
}

const DatastoreListSchema = z.array(DatastoreSchema);

/** The fields of `backup_policy` this client models; setBackupPolicy keeps the others as the server has them. */
const MODELLED_POLICY_FIELDS: ReadonlySet<string> = new Set(Object.keys(BackupPolicySchema.shape));

const datastorePath = (datastoreId: string): string => DATASTORES_PATH + path`/${datastoreId}`;

/** `GET /v1/datastores`: the account's datastores that are not deleted. */
export function listDatastores(context: ClientContext): Promise<Datastore[]> {
  return context.transport.request({ method: "GET", path: DATASTORES_PATH }, DatastoreListSchema);
}

/** `GET /v1/datastores/{id}`. */
export function getDatastore(context: ClientContext, datastoreId: string): Promise<Datastore> {
  return context.transport.request({ method: "GET", path: datastorePath(datastoreId) }, DatastoreSchema);
}

/**
 * Read-modify-write of the whole config: GET, refuse unless `active`, apply `mutate` to a deep copy, PUT
 * it all back. The API has no PATCH and PUT replaces the whole config, so building the body from the
 * GET (unknown fields included) is what keeps the fields this call does not mean to change.
 */
export async function updateDatastoreConfig(
  context: ClientContext,
  datastoreId: string,
  mutate: ConfigMutation,
): Promise<Datastore> {
  const current = await getDatastore(context, datastoreId);
  const desired = mutate(structuredClone(current.config));
  if (desired === undefined) return current;
  const spec = { method: "PUT", path: datastorePath(datastoreId) } as const;
  // The server would answer 409 (docs/api-model.md); checking first avoids a doomed PUT.
  if (current.status !== "active") throw conflictBeforeSending(context, spec, current);
  return putConfig(context, { ...spec, body: desired }, desired);
}

/**
 * PUTs a whole config, retrying. A PUT whose answer was lost (dropped connection, timeout, a 500 sent
 * after handling) may have been applied, leaving the datastore `updating` or `restoring`, where a repeat
 * would meet 409. So before repeating it the datastore is read: busy with the config sent means this PUT
 * was applied, and the datastore is returned; busy with another config is a ConflictError, as the server
 * would answer; `active` means the PUT is sent again, which for a whole config changes nothing more.
 */
function putConfig(
  context: ClientContext,
  spec: RequestSpec<"PUT">,
  desired: DatastoreConfig,
): Promise<Datastore> {
  return context.transport.retrying(spec, async (attempt) => {
    if (attempt.earlierAttemptMayHaveActed) {
      const stored = await context.transport.request({ method: "GET", path: spec.path }, DatastoreSchema);
      const applied = stored.status !== "active";
      context.onReconcile?.({
        ...context.transport.targetOf(spec),
        adoptedId: applied ? stored.datastore_id : undefined,
      });
      if (applied && holdsConfig(stored, desired)) return stored;
      if (applied) throw conflictBeforeSending(context, spec, stored);
    }
    return context.transport.send(spec, DatastoreSchema);
  });
}

/**
 * Whether the datastore holds `desired`. `restore.loaded` is ignored: the server turns it true when the
 * restore completes. The JSON round trip drops `undefined` fields, as the PUT body did.
 */
function holdsConfig(datastore: Datastore, desired: DatastoreConfig): boolean {
  const withoutRestoreProgress = (config: DatastoreConfig): unknown => ({
    ...config,
    restore: { ...config.restore, loaded: undefined },
  });
  const sent: DatastoreConfig = JSON.parse(JSON.stringify(desired));
  return isDeepStrictEqual(withoutRestoreProgress(datastore.config), withoutRestoreProgress(sent));
}

/** The ConflictError the server would answer to a PUT on a datastore that is not `active`. */
function conflictBeforeSending(
  context: ClientContext,
  spec: RequestSpec<"PUT">,
  datastore: Datastore,
): ConflictError {
  return new ConflictError({
    ...context.transport.targetOf(spec),
    status: 409,
    serverMessage: `datastore ${datastore.datastore_id} is ${datastore.status}; wait until it is active (checked before sending)`,
  });
}

/** Options of setBackupPolicy. */
export interface SetBackupPolicyOptions {
  /**
   * Called with the stored policy; when it answers true nothing is sent and the datastore is returned
   * as read (one GET), whatever its status. Lets a caller skip a write the datastore already holds.
   */
  readonly skipIf?: ((current: BackupPolicy | null | undefined) => boolean) | undefined;
}

/**
 * Replaces the modelled fields of `config.backup_policy` with `policy` (read-modify-write). Fields of the
 * stored policy this client does not model are kept; modelled fields absent from `policy` are removed.
 */
export function setBackupPolicy(
  context: ClientContext,
  datastoreId: string,
  policy: BackupPolicySettings,
  options: SetBackupPolicyOptions = {},
): Promise<Datastore> {
  return updateDatastoreConfig(context, datastoreId, (config) => {
    if (options.skipIf?.(config.backup_policy)) return undefined;
    const unmodelledFields = Object.entries(config.backup_policy ?? {}).filter(
      ([field]) => !MODELLED_POLICY_FIELDS.has(field),
    );
    return { ...config, backup_policy: { ...Object.fromEntries(unmodelledFields), ...policy } };
  });
}

/**
 * Starts restoring `backupId` into the datastore (read-modify-write of `config.restore`). Sending
 * `loaded: false` is what starts it, even when the same backup was restored before (docs/api-model.md
 * "`config.restore`"). Returns at once, the datastore `restoring`; await it with waitForDatastore.
 */
export function startRestore(
  context: ClientContext,
  datastoreId: string,
  backupId: string,
): Promise<Datastore> {
  return updateDatastoreConfig(context, datastoreId, (config) => ({
    ...config,
    restore: { ...config.restore, backup_id: backupId, loaded: false },
  }));
}

/**
 * Polls the datastore until it has status `until` or meets the predicate `until`. Fails fast when it is
 * `deleted` (and that is not awaited) or answers 404 (NotFoundError).
 */
export function waitForDatastore(
  context: ClientContext,
  datastoreId: string,
  until: DatastoreStatus | DatastorePredicate,
  options: WaitForDatastoreOptions = {},
): Promise<Datastore> {
  const isDone = typeof until === "string" ? (datastore: Datastore) => datastore.status === until : until;
  const goal =
    typeof until === "string"
      ? `to become ${until}`
      : (options.description ?? "to meet the awaited condition");
  return pollUntil(
    {
      waitedFor: `datastore ${datastoreId} ${goal}`,
      read: () => getDatastore(context, datastoreId),
      statusOf: (datastore) => datastore.status,
      isDone,
      isTerminal: (datastore) => datastore.status === "deleted",
    },
    options,
    context.clock,
  );
}
