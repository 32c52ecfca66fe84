import { isDeepStrictEqual } from "node:util";
import * as z from "../zod";
import type { ClientContext } from "./context";
import {
  ConflictError,
  InvalidArgumentError,
  isDfCloudError,
  OutcomeUnknownError,
  ReconciliationError,
} from "./errors";
import type { RequestSpec } from "./http";
import { outsideOperation } from "./operation";
import { endpoint, ROUTES } from "./routes";
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

/**
 * Changes a deep copy of a datastore's config (it may modify it in place and return it); returning
 * `undefined` means "nothing to change": no PUT is sent. `current` is the datastore as just read.
 */
export type ConfigMutation = (config: DatastoreConfig, current: Datastore) => DatastoreConfig | undefined;

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

/** `GET /v1/datastores`: the account's datastores that are not deleted. */
export function listDatastores(context: ClientContext): Promise<Datastore[]> {
  return context.transport.request(endpoint(ROUTES.listDatastores, {}), DatastoreListSchema);
}

/** `GET /v1/datastores/{id}`. */
export function getDatastore(context: ClientContext, datastoreId: string): Promise<Datastore> {
  return context.transport.request(endpoint(ROUTES.getDatastore, { datastoreId }), DatastoreSchema);
}

/**
 * What a write whose answer was lost did, judged from the datastore read afterwards: `applied` (return
 * the datastore read), `not-applied` (safe to send again) or an error to throw (the write is not sent
 * again). Given the datastore as read before the write and as read now.
 */
export type LostAnswerJudge = (before: Datastore, now: Datastore) => "applied" | "not-applied" | Error;

/** Options of updateDatastoreConfig. */
export interface UpdateDatastoreConfigOptions {
  /**
   * Judges a PUT whose answer was lost before it is sent again. Default: a datastore busy with the
   * config sent took it, busy with another config is a ConflictError, and an `active` one is sent the
   * PUT again — right for a whole config that changes nothing more when applied twice, wrong for a
   * restore (see startRestore).
   */
  readonly onLostAnswer?: LostAnswerJudge | undefined;
}

/**
 * Read-modify-write of the whole config: GET, refuse unless `active`, apply `mutate` to a deep copy, PUT
 * it all back. The API has no PATCH and PUT replaces the whole config, so building the body from the
 * GET (unknown fields included) is what keeps the fields this call does not mean to change.
 *
 * Two of them on one datastore run one after the other. Pulumi applies a BackupSchedule and a Restore
 * of one datastore in parallel, and both GETs could otherwise come before either PUT: the second PUT,
 * built from a config without the first's change, would undo it (an API whose datastore is `active`
 * again at once, as the emulator's can be, accepts it). After the first, the second reads its change
 * (or a busy datastore, and waits).
 */
export function updateDatastoreConfig(
  context: ClientContext,
  datastoreId: string,
  mutate: ConfigMutation,
  options: UpdateDatastoreConfigOptions = {},
): Promise<Datastore> {
  const before = context.configWrites.get(datastoreId) ?? Promise.resolve();
  const running = before
    .catch(() => undefined)
    .then(() => readModifyWrite(context, datastoreId, mutate, options));
  context.configWrites.set(datastoreId, running);
  const forget = () => {
    if (context.configWrites.get(datastoreId) === running) context.configWrites.delete(datastoreId);
  };
  running.then(forget, forget);
  return running;
}

async function readModifyWrite(
  context: ClientContext,
  datastoreId: string,
  mutate: ConfigMutation,
  options: UpdateDatastoreConfigOptions,
): Promise<Datastore> {
  const current = await getDatastore(context, datastoreId);
  const desired = mutate(structuredClone(current.config), current);
  if (desired === undefined) return current;
  const spec = endpoint(ROUTES.putDatastoreConfig, { datastoreId });
  // The server would answer 409 (docs/api-model.md); checking first avoids a doomed PUT.
  if (current.status !== "active") throw conflictBeforeSending(context, spec, current);
  const judge = options.onLostAnswer ?? judgeRepeatableConfig(context, spec, desired);
  return putConfig(context, { ...spec, body: desired }, current, judge);
}

/**
 * PUTs a whole config, retrying. A PUT whose answer was lost (dropped connection, timeout, a 500 sent
 * after handling) may have been applied, so before repeating it the datastore is read and `judge` says
 * whether the lost PUT took, did not, or cannot be told (then nothing is sent again).
 */
function putConfig(
  context: ClientContext,
  spec: RequestSpec<"PUT">,
  before: Datastore,
  judge: LostAnswerJudge,
): Promise<Datastore> {
  return context.transport.retrying(spec, async (attempt) => {
    if (attempt.earlierAttemptMayHaveActed) {
      const reread = endpoint(ROUTES.getDatastore, { datastoreId: before.datastore_id });
      const stored = await context.transport.request(reread, DatastoreSchema);
      const verdict = judge(before, stored);
      context.onReconcile?.({
        ...context.transport.targetOf(spec),
        adoptedId: verdict === "applied" ? stored.datastore_id : undefined,
      });
      if (verdict === "applied") return stored;
      if (verdict instanceof Error) throw verdict;
    }
    return context.transport.send(spec, DatastoreSchema);
  });
}

/**
 * The judge for a whole config that is harmless to apply twice: busy with the config sent means the
 * lost PUT took; busy with another config is a ConflictError, as the server would answer; `active`
 * means send it again, which changes nothing more.
 */
function judgeRepeatableConfig(
  context: ClientContext,
  spec: RequestSpec<"PUT">,
  desired: DatastoreConfig,
): LostAnswerJudge {
  return (_before, stored) => {
    if (stored.status === "active") return "not-applied";
    return holdsConfig(stored, desired) ? "applied" : conflictBeforeSending(context, spec, stored);
  };
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

/** Options of startRestore. */
export interface StartRestoreOptions {
  /**
   * Looks at the datastore as read just before the restore PUT: `false` sends nothing and returns the
   * datastore as read; throwing stops the restore with nothing sent (a caller's own precondition, e.g.
   * "this backup is already loaded").
   */
  readonly precondition?: ((current: Datastore) => boolean) | undefined;
}

/**
 * Starts restoring `backupId` into the datastore (read-modify-write of `config.restore`). Sending
 * `loaded: false` is what starts it, even when the same backup was restored before (docs/api-model.md
 * "`config.restore`"). Returns at once, the datastore `restoring`; await it with waitForDatastore.
 *
 * A restore wipes the datastore, so it is sent at most once per call. When its answer is lost, the
 * datastore is read again: showing this backup requested (restoring, or loaded where another restore
 * was recorded before) means it took; showing `config.restore` exactly as before means it did not, and
 * it is sent again; anything else, including a finished restore of the same backup that was already
 * loaded before, cannot be told apart and is an OutcomeUnknownError, with nothing sent again.
 */
export function startRestore(
  context: ClientContext,
  datastoreId: string,
  backupId: string,
  options: StartRestoreOptions = {},
): Promise<Datastore> {
  const subject = `PUT ${endpoint(ROUTES.putDatastoreConfig, { datastoreId }).path} (the restore of backup ${backupId})`;
  return updateDatastoreConfig(
    context,
    datastoreId,
    (config, current) => {
      if (options.precondition?.(current) === false) return undefined;
      return { ...config, restore: { ...config.restore, backup_id: backupId, loaded: false } };
    },
    {
      onLostAnswer: (before, now) => {
        const was = before.config.restore ?? null;
        const is = now.config.restore ?? null;
        const requested = is?.backup_id === backupId;
        if (requested && (now.status === "restoring" || !isDeepStrictEqual(was, is))) return "applied";
        if (isDeepStrictEqual(was, is) && was?.backup_id !== backupId) return "not-applied";
        return new OutcomeUnknownError(
          subject,
          `datastore ${datastoreId} is now ${now.status} with restore ${JSON.stringify(is)} (before: ${JSON.stringify(was)})`,
        );
      },
    },
  );
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

/** What deleteDatastore found. */
export interface DeleteDatastoreResult {
  /**
   * False when the datastore was already gone (404, or status `deleted`), which counts as deleted;
   * true when this call deleted it or found its deletion under way (`deleting`).
   */
  readonly existed: boolean;
}

/** `GET /v1/datastores/{id}`, with a 404 read as "gone" (undefined) rather than thrown. */
async function getDatastoreOrGone(
  context: ClientContext,
  datastoreId: string,
): Promise<Datastore | undefined> {
  try {
    return await getDatastore(context, datastoreId);
  } catch (error) {
    if (isDfCloudError(error, "NotFoundError")) return undefined;
    throw error;
  }
}

/** Whether a datastore as read (undefined: 404) shows that a DELETE took, or that it is gone anyway. */
function isDeletingOrGone(datastore: Datastore | undefined): boolean {
  return datastore === undefined || datastore.status === "deleting" || datastore.status === "deleted";
}

/**
 * `POST /v1/datastores` with `config` as the body, as given (not wrapped: docs/api-model.md
 * "Datastores"), made safe to retry: one call never creates two datastores, even when an answer is
 * lost after the server acted (a dropped connection, a timeout, a 500 sent after handling). Returns
 * the datastore `pending` as the POST answered it (or as listed, when adopted); await `active` with
 * waitForDatastore.
 *
 * The API takes no idempotency key for datastores, so the name is the one handle on a lost create,
 * and the caller guarantees that `config.name` names no other datastore of the account (nor another
 * create running at the same time). After an attempt that may have acted, and before sending again,
 * the datastores are listed: exactly one not `deleted` with that name is the one the lost attempt
 * created and is returned; none, the POST is sent again; several, ReconciliationError with nothing
 * sent, since adopting the wrong one would orphan the other. A 429 or 503 is answered before the
 * request is handled, so it is retried without looking. A POST cancelled on the wire is looked for
 * once more, as createBackup does, so that a datastore it made is returned to be recorded or deleted
 * rather than left running unseen.
 * @throws InvalidArgumentError when `config.name` is missing or blank (nothing is sent)
 * @throws ReconciliationError when a lost answer matches several datastores of that name
 */
export async function createDatastore(context: ClientContext, config: DatastoreConfig): Promise<Datastore> {
  const name = config.name;
  if (typeof name !== "string" || name.trim() === "") {
    throw new InvalidArgumentError(
      "createDatastore needs a non-empty config.name: a lost answer is reconciled by finding the datastore by its name",
    );
  }
  const spec = endpoint(ROUTES.createDatastore, {}, { body: config });
  const lookForLostCreate = async (): Promise<Datastore | undefined> => {
    const adopted = await findDatastoreNamed(context, name);
    context.onReconcile?.({ ...context.transport.targetOf(spec), adoptedId: adopted?.datastore_id });
    return adopted;
  };
  return context.transport.retrying(spec, async (attempt) => {
    if (attempt.earlierAttemptMayHaveActed) {
      const adopted = await lookForLostCreate();
      if (adopted !== undefined) return adopted;
    }
    try {
      return await context.transport.send(spec, DatastoreSchema);
    } catch (error) {
      if (!isDfCloudError(error, "CancelledError")) throw error;
      // Cancelled with the POST on the wire: the API may have made the datastore. One look, outside
      // the cancelled operation; found, it is returned; not found (or the look fails), the cancellation.
      const adopted = await outsideOperation(lookForLostCreate).catch(() => undefined);
      if (adopted !== undefined) return adopted;
      throw error;
    }
  });
}

/**
 * The one datastore not `deleted` named `name`, undefined when there is none.
 * @throws ReconciliationError when there are several
 */
async function findDatastoreNamed(context: ClientContext, name: string): Promise<Datastore | undefined> {
  const datastores = await listDatastores(context);
  // The list leaves out deleted datastores; checked again, as a server may keep them in it.
  const matches = datastores.filter(
    (datastore) => datastore.status !== "deleted" && datastore.config.name === name,
  );
  if (matches.length > 1) {
    throw new ReconciliationError(
      `datastore "${name}"`,
      matches.map((datastore) => datastore.datastore_id),
      "datastores of that name",
    );
  }
  return matches[0];
}

/**
 * `DELETE /v1/datastores/{id}`, retried. The datastore is read first: gone (404, or `deleted`) is
 * `existed: false` and `deleting` is `existed: true`, with no DELETE sent, so a second delete never
 * depends on how the API answers a DELETE of a datastore it is already deleting. Otherwise (any live
 * status: the emulator accepts a DELETE in each) the DELETE is sent; its body is ignored, as the
 * vendor's client ignores it (a 2xx is enough). A DELETE whose answer was lost is judged by reading
 * the datastore before sending again: `deleting`, `deleted` or 404 mean it took; any other status
 * means it did not, and it is sent again (a second DELETE is harmless). Returns at once; await the
 * end with waitForDatastoreGone.
 *
 * Should the API refuse the DELETE with 409 because the datastore is busy, the ConflictError is
 * thrown as it is: nothing here waits for the datastore to settle, the caller waits and calls again.
 * @throws ConflictError when the API refuses the DELETE (409)
 */
export async function deleteDatastore(
  context: ClientContext,
  datastoreId: string,
): Promise<DeleteDatastoreResult> {
  const spec = endpoint(ROUTES.deleteDatastore, { datastoreId });
  const current = await getDatastoreOrGone(context, datastoreId);
  if (current === undefined || current.status === "deleted") return { existed: false };
  if (current.status === "deleting") return { existed: true };
  try {
    await context.transport.retrying(spec, async (attempt) => {
      if (attempt.earlierAttemptMayHaveActed) {
        const took = isDeletingOrGone(await getDatastoreOrGone(context, datastoreId));
        context.onReconcile?.({
          ...context.transport.targetOf(spec),
          adoptedId: took ? datastoreId : undefined,
        });
        if (took) return;
      }
      try {
        await context.transport.send(spec, z.unknown());
      } catch (error) {
        // Only a 2xx answer is validated: one whose body is not JSON (say, empty) was still accepted.
        if (!isDfCloudError(error, "ResponseValidationError")) throw error;
      }
    });
    return { existed: true };
  } catch (error) {
    // The API answers 404 to a DELETE of a datastore that became `deleted` since it was read.
    if (isDfCloudError(error, "NotFoundError")) return { existed: false };
    throw error;
  }
}

/**
 * Polls the datastore (250 ms, growing ×1.5 to 5 s) until it is gone: 404, or status `deleted`. No
 * status ends the wait early (a datastore whose DELETE was just accepted may still read as before),
 * so it is meant for after deleteDatastore; `onProgress` sees each datastore read while it is there.
 * @throws WaitTimeoutError when the deadline (default 15 minutes) passes first
 */
export async function waitForDatastoreGone(
  context: ClientContext,
  datastoreId: string,
  options: WaitForOptions<Datastore> = {},
): Promise<void> {
  const { onProgress } = options;
  await pollUntil<Datastore | undefined>(
    {
      waitedFor: `datastore ${datastoreId} to be deleted`,
      read: () => getDatastoreOrGone(context, datastoreId),
      statusOf: (datastore) => datastore?.status ?? "not found",
      isDone: (datastore) => datastore === undefined || datastore.status === "deleted",
      isTerminal: () => false,
    },
    {
      ...options,
      onProgress:
        onProgress &&
        ((datastore, elapsedMs) => {
          if (datastore !== undefined) onProgress(datastore, elapsedMs);
        }),
    },
    context.clock,
  );
}
