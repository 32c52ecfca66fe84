/**
 * The Restore resource: a one-off action that loads a backup into an existing datastore. It runs
 * on create, and again (an in-place update) only when `trigger` changes, never because an id moved.
 * The restore PUT is sent at most once per trigger: once it may have been sent, every later failure
 * records the restore in state, and the next `up` waits for it (or, when the answer was lost, stops
 * and says what to check) instead of starting another. The one exception is what the API cannot
 * show (see rerunProblem), which `rerunMarker` closes with a key in the data (see markerGuard).
 */
import { isDfCloudError } from "../../client/errors";
import type { Backup, Datastore } from "../../client/schemas";
import { updatableKeys } from "../../schema/spec";
import { checkFields } from "../check";
import { asksForDataChecks, judgeKeyspace } from "../data-checks";
import { whenDatastoreIdle } from "../datastore";
import { apiTimestamp, withinDeadline } from "../deadline";
import type { ResourceDeps } from "../deps";
import { PartialCreateError, withOperation } from "../errors";
import type {
  CheckFailure,
  CheckResult,
  CreateResult,
  DiffResult,
  ReadResult,
  ResourceLogic,
  UpdateResult,
} from "../logic";
import {
  backupInfo,
  datastoreStatus,
  hasLoadedBackup,
  isGone,
  isRestoring,
  isRestoringBackup,
  lastRestore,
  lastRestoreText,
  restoreTarget,
} from "../model";
import { findDatastore, lookupAtPreview, missingDatastore } from "../preview";
import { progressReporter } from "../progress";
import { isUnknown } from "../unknowns";
import { type RestoreInputs, type RestoreOutputs, restoreContract } from "./contract";
import { newMarkerValue, RESTORE_MARKER_KEY } from "./marker";
import {
  alreadyHeld,
  alreadyRestoring,
  answerLost,
  answerLostRecorded,
  backupMissing,
  backupNotReady,
  backupUnverified,
  cannotImport,
  dataChecksFailed,
  type Held,
  idChangedWithoutTrigger,
  idNotKnownYet,
  type MarkerFound,
  markerNotRecorded,
  markerNotWritten,
  markerReplaced,
  markerUnreadable,
  markerWritten,
  notSeenToFinish,
  operation,
  otherPlace,
  recordedDataFailures,
  recordedWithoutRestoring,
  recordLostAnswer,
  recordNotFinished,
  removedFromStack,
  requestedAfterRecord,
  shardMismatch,
  waitingFor,
} from "./messages";

/** Inputs that change in place: nothing is sent for them. */
const UPDATABLE = updatableKeys(restoreContract);

/** The inputs that say which restore this is: moving one is another restore, never an edit of this one. */
const ID_KEYS = ["backupId", "datastoreId"] as const;

/** What the restore request came to: sent (or a running restore of it waited for), or skipped. */
type Start = "started" | "skipped";

/**
 * The Restore resource's logic over the deps a front door gives it. The deps are taken only on the
 * paths that use them: building them builds the API client, which a bad `apiUrl` makes fail, and a
 * check that fails on its inputs or an update that only records needs none.
 */
export function restoreLogic(deps: () => ResourceDeps): ResourceLogic<RestoreInputs, RestoreOutputs> {
  return {
    check: async (olds, news) => check(deps, olds, news),
    diff: async (_id, olds, news) => diff(olds, news),
    create: async (inputs) => create(deps(), inputs),
    update: async (id, olds, news) => update(deps, id, olds, news),
    read: async (id, props) => read(deps, id, props),
    delete: async (_id, props) => deps().log(removedFromStack(props.backupId, props.datastoreId)),
  };
}

/**
 * Validates the inputs. A restore that already ran must keep its ids unless `trigger` changes; a
 * restore about to run is checked against the live backup and datastore, before anything is touched.
 */
async function check(
  deps: () => ResourceDeps,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<CheckResult<RestoreInputs>> {
  const { values: inputs, unknownKeys, failures } = checkFields(restoreContract.inputs, news);
  if (failures.length > 0) return { failures };
  const ran = typeof olds.backupId === "string";
  if (ran && olds.trigger === inputs.trigger) {
    const moved = idsMoved(deps, olds, inputs, unknownKeys);
    return moved.length > 0 ? { failures: moved } : { inputs };
  }
  if (unknownKeys.has("backupId") || unknownKeys.has("datastoreId")) return { inputs };
  // Old inputs are in state only once a create of this Restore was recorded: with the same backup
  // and datastore, a new trigger re-runs the restore this stack records (diff: an update).
  const rerun = ran && olds.backupId === inputs.backupId && olds.datastoreId === inputs.datastoreId;
  const problems = await lookupAtPreview(deps(), () => liveProblems(deps(), inputs, rerun));
  return problems.length > 0 ? { failures: problems } : { inputs };
}

/** The ids of a restore that already ran that moved without a new trigger: it runs again only on purpose. */
function idsMoved(
  deps: () => ResourceDeps,
  olds: Record<string, unknown>,
  inputs: RestoreInputs,
  unknownKeys: Set<string>,
): CheckFailure[] {
  const failures: CheckFailure[] = [];
  for (const key of ID_KEYS) {
    if (unknownKeys.has(key)) {
      // The value comes from a resource this update changes (a replaced Backup, say): the preview
      // cannot compare it, so it says now what `up` will do if it moved.
      deps().warn(idNotKnownYet(key));
    } else if (olds[key] !== inputs[key]) {
      failures.push({
        property: key,
        reason: `${key}: ${idChangedWithoutTrigger(key, olds[key], inputs[key])}`,
      });
    }
  }
  return failures;
}

/**
 * Looks the backup and the datastore up and says what stops the restore, if anything. An API without
 * backup endpoints cannot show the backup: that is a warning, not a failure (a backup id from the
 * console is how such an API is used), the datastore is still checked, and at `up` the API itself
 * refuses a restore of a backup that is missing, not ready or does not fit, changing nothing.
 * @param rerun true for a new trigger of the restore this stack records (same backup and datastore):
 *   `update` judges the datastore against that record (rerunProblem), so the rule for a Restore
 *   being created, that its datastore must not hold the backup already, is not applied
 */
async function liveProblems(
  deps: ResourceDeps,
  inputs: RestoreInputs,
  rerun: boolean,
): Promise<CheckFailure[]> {
  const [backup, datastore] = await Promise.all([
    findBackup(deps, inputs.backupId),
    findDatastore(deps, inputs.datastoreId),
  ]);
  const unverifiable = isDfCloudError(backup, "EndpointMissingError");
  if (unverifiable) deps.warn(backupUnverified(inputs.backupId, backup.message));
  else if (!backup) return [{ property: "backupId", reason: `backupId: ${backupMissing(inputs.backupId)}` }];
  if (!datastore) return [missingDatastore(inputs.datastoreId)];
  const problem = unverifiable ? undefined : restoreProblem(backup, datastore);
  if (problem) return [{ property: "backupId", reason: `backupId: ${problem}` }];
  const loaded = rerun ? undefined : alreadyLoadedProblem(datastore, inputs);
  // Named on backupId, the input the user set (ifAlreadyLoaded is the way out the message names).
  return loaded ? [{ property: "backupId", reason: `backupId: ${loaded}` }] : [];
}

/** The backup for a preview check: undefined when there is none, the error when the API has no backup endpoints. */
function findBackup(deps: ResourceDeps, backupId: string) {
  return deps.api.getBackup(backupId).catch((error: unknown) => {
    if (isDfCloudError(error, "NotFoundError")) return undefined;
    if (isDfCloudError(error, "EndpointMissingError")) return error;
    return Promise.reject(error);
  });
}

/**
 * Why `backup` cannot be restored into `datastore`, or undefined when it can. The same rules the
 * API applies (docs/api-model.md), checked at preview so that nothing is touched. A fact the API did
 * not send (a location, a shard count it manages itself) is not held against the restore.
 */
export function restoreProblem(backup: Backup, datastore: Datastore): string | undefined {
  const source = backupInfo(backup);
  const target = restoreTarget(datastore);
  if (source.status !== "ready") return backupNotReady(source.backupId, source.status);
  const known = source.cloudProvider && source.region && target.cloudProvider && target.region;
  if (known && (source.cloudProvider !== target.cloudProvider || source.region !== target.region))
    return otherPlace(source.backupId, source, target.datastoreId, target);
  // A backup of one shard restores into any datastore; 0 is a backup whose shard count was not sent.
  const shards = target.shardCount;
  if (shards !== undefined && source.shardCount > 1 && shards !== source.shardCount)
    return shardMismatch(source.backupId, source.shardCount, target.datastoreId, shards);
  return undefined;
}

/**
 * Why a Restore being created (new, or a replacement) must not start because its datastore already
 * holds the backup, whatever `ifAlreadyLoaded` says; undefined when it may start. A datastore still
 * `restoring` that backup is an interrupted run's restore, waited for instead. The API keeps one
 * `config.restore` and no history: a datastore that holds backup X cannot tell an `up` killed after
 * it restored X from a restore of X long ago, and a Restore being created has no record of its own
 * that could tell them apart. Restoring again then needs `ifAlreadyLoaded` said on purpose.
 */
function heldByNewRestore(datastore: Datastore, inputs: RestoreInputs): string | undefined {
  if (lastRestore(datastore)?.backupId !== inputs.backupId || isRestoring(datastore)) return undefined;
  return alreadyHeld(inputs.datastoreId, inputs.backupId, lastRestoreText(datastore));
}

/**
 * Why the restore of a Restore being created must not start because the datastore already holds its
 * backup and `ifAlreadyLoaded` is `fail`, or undefined (see heldByNewRestore).
 */
export function alreadyLoadedProblem(datastore: Datastore, inputs: RestoreInputs): string | undefined {
  return inputs.ifAlreadyLoaded === "fail" ? heldByNewRestore(datastore, inputs) : undefined;
}

/**
 * Why a recorded Restore's new run (a new `trigger`, or the same one after a lost answer) must not
 * start, judged against `record`, the restore this stack records for the same backup and datastore;
 * undefined when it may start, whatever `ifAlreadyLoaded` says.
 *
 * What the API shows: `config.restore` is `{backup_id, loaded}` with no time, counter or history, and
 * a finished restore leaves exactly what the recorded one left. So:
 * - the datastore's last restore names another backup (or none): nothing to mistake, restore;
 * - recorded `restored` or `skipped` and the datastore shows the backup as the record saw it: that
 *   is the record's own restore, restore again (the re-run asked for). A restore of it that an `up`
 *   with this trigger started before it was killed, and that has finished since, looks the same:
 *   the API cannot show it, so that one is restored again;
 * - recorded `restored` or `skipped` and the datastore is `restoring` the backup: a restore started
 *   after the record, most likely this trigger's by an interrupted `up`; it is waited for and
 *   recorded, never started twice (undefined here; the caller waits for it);
 * - recorded `restored` but the datastore shows the backup requested and not loaded: something
 *   restored it after the record and did not finish; stop;
 * - recorded `restoring` (a trigger's restore not seen to finish) or `unknown` (a request whose
 *   answer was lost): the record cannot say whether the datastore was restored after it; stop.
 */
export function rerunProblem(
  record: RestoreOutputs,
  datastore: Datastore,
  inputs: RestoreInputs,
): string | undefined {
  const last = lastRestore(datastore);
  if (last?.backupId !== inputs.backupId) return undefined;
  const restoring = isRestoring(datastore);
  const held = heldBy(datastore, inputs);
  if (record.status === "restoring") return recordNotFinished(held, record, inputs.trigger);
  if (record.status === "unknown") return restoring ? undefined : recordLostAnswer(held, record);
  if (restoring || record.status === "skipped" || last.loaded) return undefined;
  return requestedAfterRecord(held, record);
}

/** The datastore holding the backup a re-run names, as the re-run's messages describe it. */
function heldBy(datastore: Datastore, inputs: RestoreInputs): Held {
  return {
    datastoreId: inputs.datastoreId,
    backupId: inputs.backupId,
    status: datastoreStatus(datastore),
    lastRestore: lastRestoreText(datastore),
  };
}

/**
 * Whether a re-run with `rerunMarker` on must prove with the marker that nothing restored the
 * datastore since `record`: exactly when rerunProblem lets it restore a datastore that shows the
 * backup and runs no restore, the case the API cannot tell from a killed re-run whose restore finished.
 */
function judgedByMarker(record: RestoreOutputs, datastore: Datastore, inputs: RestoreInputs): boolean {
  return (
    inputs.rerunMarker === true &&
    lastRestore(datastore)?.backupId === inputs.backupId &&
    !isRestoring(datastore) &&
    rerunProblem(record, datastore, inputs) === undefined
  );
}

/**
 * Why a re-run with `rerunMarker` on must not start, judged by what the marker's key showed against
 * the value `record` holds; undefined when the key holds it (no restore replaced the data since the
 * record). Applies only where {@link judgedByMarker} says; a record without a value proves nothing.
 * @param found what the key held, as read just before the restore would be sent
 */
export function markerProblem(
  record: RestoreOutputs,
  datastore: Datastore,
  inputs: RestoreInputs,
  found: MarkerFound | { kind: "value"; value: string },
): string | undefined {
  if (!judgedByMarker(record, datastore, inputs)) return undefined;
  const held = heldBy(datastore, inputs);
  if (record.markerValue === undefined) return markerNotRecorded(held, record);
  if (found.kind === "value") {
    if (found.value === record.markerValue) return undefined;
    return markerReplaced(held, record, { kind: "other", value: found.value });
  }
  return markerReplaced(held, record, found);
}

/**
 * The marker check of a re-run: `prepare` runs before each attempt to send the restore, reads the
 * datastore and, when the marker is to judge it ({@link judgedByMarker}), the marker's key over the
 * data plane; `problem` then judges the datastore as read just before the PUT (startOnce's
 * precondition) by what was read. A key that cannot be read stops the re-run with nothing sent, the
 * password never in the message. A datastore running a restore is not read: the restore is waited
 * for (an interrupted `up`'s, recorded with this trigger), never started twice.
 */
function markerGuard(deps: ResourceDeps, record: RestoreOutputs, inputs: RestoreInputs) {
  let found: MarkerFound | { kind: "value"; value: string } = { kind: "restore-seen" };
  return {
    async prepare(): Promise<void> {
      found = { kind: "restore-seen" };
      const current = await deps.api.getDatastore(inputs.datastoreId);
      if (!judgedByMarker(record, current, inputs) || record.markerValue === undefined) return;
      let value: string | undefined;
      try {
        value = await deps.api.readDataPlaneString(inputs.datastoreId, {
          key: RESTORE_MARKER_KEY,
          signal: deps.signal,
        });
      } catch (error) {
        if (isDfCloudError(error, "CancelledError")) throw error;
        const why = error instanceof Error ? error.message : String(error);
        throw new Error(`rerunMarker: ${markerUnreadable(inputs.datastoreId, why)}`, { cause: error });
      }
      found = value === undefined ? { kind: "missing" } : { kind: "value", value };
    },
    problem(current: Datastore): string | undefined {
      const problem = markerProblem(record, current, inputs, found);
      return problem === undefined ? undefined : `rerunMarker: ${problem}`;
    },
  };
}

/**
 * Writes the rerun marker into the datastore when `rerunMarker` is on, after a restore that is
 * recorded (restored, or skipped): the outputs with its value. The restore itself is done, so a write
 * that fails records `outs` without a value (a partial create or update under `resourceId`) and says
 * so; the next `up` writes it.
 */
async function withMarker(
  deps: ResourceDeps,
  inputs: RestoreInputs,
  outs: RestoreOutputs,
  doing: string,
  resourceId: string,
): Promise<RestoreOutputs> {
  const { markerValue: _old, ...recorded } = outs;
  if (inputs.rerunMarker !== true) return recorded;
  const value = newMarkerValue(inputs.backupId, inputs.trigger);
  try {
    await deps.api.writeDataPlaneString(inputs.datastoreId, {
      key: RESTORE_MARKER_KEY,
      value,
      signal: deps.signal,
    });
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new PartialCreateError(
      `${doing}: ${markerNotWritten(inputs.datastoreId, why)}`,
      resourceId,
      recorded,
      { cause: error },
    );
  }
  deps.log(markerWritten(inputs.datastoreId, value));
  return { ...recorded, markerValue: value };
}

/**
 * A recorded restore (restored or skipped) that has `rerunMarker` on and no marker recorded: turned on
 * since, or its write failed. The next `up` writes it, restoring nothing.
 */
function markerDue(olds: RestoreOutputs, news: RestoreInputs): boolean {
  return (
    news.rerunMarker === true &&
    olds.markerValue === undefined &&
    (olds.status === "restored" || olds.status === "skipped")
  );
}

/** `property: problem`, or undefined when there is no problem. */
function onProperty(property: string, problem: string | undefined): string | undefined {
  return problem === undefined ? undefined : `${property}: ${problem}`;
}

/** A new `trigger` restores again; nothing else does, and an id moves only with it. */
function diff(olds: RestoreOutputs, news: RestoreInputs): DiffResult {
  // By value: `expectKeys` is a list, a new array each time.
  const changed = UPDATABLE.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
  if (olds.trigger !== news.trigger) {
    // A new trigger restores again. For the backup and datastore of the restore this stack records
    // it is an update, whose `update` sees that record and the datastore side by side (rerunProblem).
    // With another backup or datastore (or one not known yet) no record covers the restore: a new
    // Restore replaces this one, and its create applies the rule for a Restore being created.
    const moved = ID_KEYS.filter((key) => isUnknown(news[key]) || olds[key] !== news[key]);
    return moved.length > 0 ? { changes: true, changed, replaces: moved } : { changes: true, changed };
  }
  // An id not known at preview may move; check() then stops `up` unless the trigger changes too.
  const unknown = ID_KEYS.filter((key) => isUnknown(news[key]));
  if (unknown.length > 0) return { changes: true, changed: unknown };
  // check() has already refused an id change without a new trigger. A restore not seen to finish
  // (`restoring`) or whose answer was lost (`unknown`) has work left with every input as it was.
  // A recorded restore whose rerun marker is due (turned on since, or its write failed) gets it.
  const pending = olds.status === "restoring" || olds.status === "unknown" || markerDue(olds, news);
  return { changes: changed.length > 0 || pending, changed };
}

/**
 * Restores the backup of a Restore being created: at most one PUT, refused when the datastore
 * already holds the backup unexplained (heldByNewRestore). The resource id names the datastore,
 * the backup and when the restore started.
 */
function create(deps: ResourceDeps, inputs: RestoreInputs): Promise<CreateResult<RestoreOutputs>> {
  const doing = operation.restoring(inputs.backupId, inputs.datastoreId);
  return withinDeadline(deps, inputs.waitTimeoutMinutes, async (deadlineMs) => {
    const unexplained = (current: Datastore) => onProperty("backupId", heldByNewRestore(current, inputs));
    // A lost answer of a new Restore: nothing to record it in, so the error says what to check.
    const lost = (error: Error) =>
      withOperation(doing, new Error(answerLost(error.message), { cause: error }));
    const started = await start(deps, inputs, deadlineMs, unexplained, doing, lost);
    const startedAt = apiTimestamp(deps);
    const resourceId = `${inputs.datastoreId}/${inputs.backupId}/${startedAt}`;
    if (started === "skipped") {
      const skipped: RestoreOutputs = { ...inputs, status: "skipped" as const, startedAt };
      return { id: resourceId, outs: await withMarker(deps, inputs, skipped, doing, resourceId) };
    }
    // From here the restore has started: whatever fails next, it is recorded in state, and the next
    // `up` waits for it (update) instead of starting another.
    return { id: resourceId, outs: await finish(deps, inputs, doing, startedAt, resourceId) };
  });
}

/**
 * A new trigger, or a request whose answer was lost: a restore to run, judged against this record.
 * Otherwise the inputs are only recorded, and a restore recorded as started (its create gave up
 * waiting or was cancelled) is waited for, never started again.
 */
async function update(
  deps: () => ResourceDeps,
  id: string,
  olds: RestoreOutputs,
  news: RestoreInputs,
): Promise<UpdateResult<RestoreOutputs>> {
  if (olds.trigger !== news.trigger || olds.status === "unknown") return rerun(deps(), id, olds, news);
  let outs: RestoreOutputs = { ...olds, ...news, status: olds.status, startedAt: olds.startedAt };
  if (olds.restoredAt !== undefined) outs.restoredAt = olds.restoredAt;
  // A marker is recorded only while `rerunMarker` is on: turned off, the value is dropped, and turned
  // on again, a new one is written.
  if (news.rerunMarker !== true) delete outs.markerValue;
  if (olds.status !== "restoring") {
    if (markerDue(olds, news)) {
      // Restores nothing: the marker tags the data as it is now, so a later new trigger can tell
      // whether a restore replaced it after this.
      const given = deps();
      const doing = operation.marking(olds.backupId, olds.datastoreId);
      const marked = outs;
      outs = await withinDeadline(given, news.waitTimeoutMinutes, () =>
        withMarker(given, news, marked, doing, id),
      );
    }
    // Restored data that failed its checks stays failed: only a new restore can say otherwise.
    if (olds.failures !== undefined && olds.failures.length > 0) {
      throw new PartialCreateError(recordedDataFailures(olds), id, outs);
    }
    return { outs };
  }
  const given = deps();
  const doing = operation.waiting(olds.backupId, olds.datastoreId, olds.startedAt);
  let restored: RestoreOutputs;
  try {
    restored = await withinDeadline(given, news.waitTimeoutMinutes, async () => {
      const seen: RestoreOutputs = {
        ...outs,
        status: "restored" as const,
        restoredAt: await waitRestored(given, news),
        ...(await verifyData(given, news)),
      };
      return withMarker(given, news, seen, doing, id);
    });
  } catch (error) {
    if (error instanceof PartialCreateError) throw error;
    throw withOperation(doing, error);
  }
  if (restored.failures !== undefined && restored.failures.length > 0) {
    throw new PartialCreateError(dataChecksFailed(doing, restored.failures), id, restored);
  }
  return { outs: restored };
}

/**
 * Runs a recorded Restore again in place: a new `trigger`, or the same one after a request whose
 * answer was lost. `olds` is the restore this stack records; with the same backup and datastore it
 * explains why the datastore holds the backup (rerunProblem), so no `ifAlreadyLoaded` is needed for
 * the re-run asked for. At most one PUT: once it may have been sent, every failure is recorded in
 * state (a partial update, as a partial create is) with the new trigger, so the next `up` waits for
 * it (`restoring`) or stops and says what to check (`unknown`); before that, a failure leaves the
 * record as it was and nothing was sent.
 */
function rerun(
  deps: ResourceDeps,
  id: string,
  olds: RestoreOutputs,
  news: RestoreInputs,
): Promise<UpdateResult<RestoreOutputs>> {
  const sameRestore = olds.backupId === news.backupId && olds.datastoreId === news.datastoreId;
  // With `rerunMarker`, what the API cannot show (a restore of the same backup that finished after the
  // record) is judged by the key the recorded restore wrote into the data.
  const guard = sameRestore && news.rerunMarker === true ? markerGuard(deps, olds, news) : undefined;
  const unexplained = (current: Datastore) =>
    sameRestore
      ? (onProperty("backupId", rerunProblem(olds, current, news)) ?? guard?.problem(current))
      : onProperty("backupId", heldByNewRestore(current, news));
  const doing = operation.rerunning(news.backupId, news.datastoreId, news.trigger);
  // A lost answer is recorded as `unknown`, so the next `up` starts nothing until the user says.
  const lost = (error: Error) =>
    new PartialCreateError(
      `${doing}: ${answerLostRecorded(error.message)}`,
      id,
      { ...news, status: "unknown" as const, startedAt: apiTimestamp(deps) },
      { cause: error },
    );
  return withinDeadline(deps, news.waitTimeoutMinutes, async (deadlineMs) => {
    const started = await start(deps, news, deadlineMs, unexplained, doing, lost, guard?.prepare);
    const startedAt = apiTimestamp(deps);
    if (started === "skipped") {
      const skipped: RestoreOutputs = { ...news, status: "skipped" as const, startedAt };
      return { outs: await withMarker(deps, news, skipped, doing, id) };
    }
    return { outs: await finish(deps, news, doing, startedAt, id) };
  });
}

/**
 * Starts the restore at most once (startOnce). A request whose answer was lost may have taken: it is
 * never sent again, and `lost` makes the error that says so; any other failure says what was being done.
 */
async function start(
  deps: ResourceDeps,
  inputs: RestoreInputs,
  deadlineMs: number,
  unexplained: (current: Datastore) => string | undefined,
  doing: string,
  lost: (error: Error) => Error,
  prepare?: () => Promise<void>,
): Promise<Start> {
  try {
    return await startOnce(deps, inputs, deadlineMs, unexplained, prepare);
  } catch (error) {
    if (isDfCloudError(error, "OutcomeUnknownError")) throw lost(error);
    throw withOperation(doing, error);
  }
}

/**
 * Starts the restore of `inputs` at most once: the one PUT, or none when a restore of the same backup
 * is already running (an interrupted run's, waited for instead) or when it is skipped. `unexplained`
 * says what about the datastore, as read just before the PUT, this stack cannot explain (as
 * `property: reason`); then `ifAlreadyLoaded` decides: `fail` stops with that message and nothing
 * sent, `skip` records the restore without running it (never while a restore of it runs: that one is
 * waited for), `restore` restores anyway. `prepare`, when given, runs before each attempt to send
 * (a read that `unexplained` judges by); what it throws stops the restore with nothing sent.
 */
async function startOnce(
  deps: ResourceDeps,
  inputs: RestoreInputs,
  deadlineMs: number,
  unexplained: (current: Datastore) => string | undefined,
  prepare?: () => Promise<void>,
): Promise<Start> {
  const id = inputs.datastoreId;
  let skipped = false;
  const precondition = (current: Datastore) => {
    const problem = unexplained(current);
    if (problem === undefined) return true;
    if (inputs.ifAlreadyLoaded === "fail") throw new Error(problem);
    skipped = inputs.ifAlreadyLoaded === "skip" && !isRestoring(current);
    return !skipped;
  };
  // startRestore reads the datastore first and refuses (409) unless it is active; whenDatastoreIdle
  // then waits for it. A datastore already restoring this backup is an `up` that was killed
  // mid-restore: wait for that restore instead of running a second one.
  await whenDatastoreIdle(
    deps,
    id,
    deadlineMs,
    async () => {
      await prepare?.();
      return deps.api.startRestore(id, inputs.backupId, { precondition });
    },
    (busy) => {
      if (!isRestoringBackup(busy, inputs.backupId)) return undefined;
      deps.log(alreadyRestoring(id, inputs.backupId));
      return busy;
    },
  );
  if (!skipped) return "started";
  deps.log(recordedWithoutRestoring(id, inputs.backupId));
  return "skipped";
}

/**
 * Waits for a started restore to finish. A restore that outlives the wait (or whose wait is
 * cancelled) has started on the API side: it is recorded in state as `restoring` (a partial create,
 * or a partial update under `resourceId`), and the next `up` waits for it instead of starting another.
 */
async function finish(
  deps: ResourceDeps,
  inputs: RestoreInputs,
  doing: string,
  startedAt: string,
  resourceId: string,
): Promise<RestoreOutputs> {
  let restoredAt: string;
  try {
    restoredAt = await waitRestored(deps, inputs);
  } catch (error) {
    const why = error instanceof Error ? error.message : String(error);
    throw new PartialCreateError(
      `${doing}: ${notSeenToFinish(startedAt, why)}`,
      resourceId,
      { ...inputs, status: "restoring" as const, startedAt },
      { cause: error },
    );
  }
  const seen: RestoreOutputs = {
    ...inputs,
    status: "restored" as const,
    startedAt,
    restoredAt,
    ...(await verifyData(deps, inputs)),
  };
  // Written after the data checks, so that they count the backup's keys only.
  const outs = await withMarker(deps, inputs, seen, doing, resourceId);
  // The restore finished; data that failed its checks is recorded with it, and fails `up`.
  if (outs.failures !== undefined && outs.failures.length > 0) {
    throw new PartialCreateError(dataChecksFailed(doing, outs.failures), resourceId, outs);
  }
  return outs;
}

/**
 * Reads the restored datastore back over its own protocol when `expectKeys` or `minKeys` asks for
 * it, and judges it: the evidence to record (nothing when no check was asked for). A read-back that
 * fails is one failure line: the restore itself finished, and is recorded as such.
 */
async function verifyData(
  deps: ResourceDeps,
  inputs: RestoreInputs,
): Promise<Pick<RestoreOutputs, "keys" | "missingKeys" | "failures">> {
  if (!asksForDataChecks(inputs)) return {};
  try {
    const reading = await deps.api.readKeyspace(inputs.datastoreId, {
      expectKeys: inputs.expectKeys ?? [],
      signal: deps.signal,
    });
    return { keys: reading.keys, missingKeys: reading.missingKeys, failures: judgeKeyspace(reading, inputs) };
  } catch (error) {
    return {
      missingKeys: [],
      failures: [`read-back: ${error instanceof Error ? error.message : String(error)}`],
    };
  }
}

/** Waits until the datastore is `active` with the backup loaded; returns when that was seen. */
async function waitRestored(deps: ResourceDeps, inputs: RestoreInputs): Promise<string> {
  await deps.api.waitForDatastore(inputs.datastoreId, (d) => hasLoadedBackup(d, inputs.backupId), {
    onProgress: progressReporter(deps.status, waitingFor.progress(inputs.backupId, inputs.datastoreId)),
    description: waitingFor.description(inputs.backupId),
  });
  return apiTimestamp(deps);
}

/**
 * Keeps the Restore while its datastore exists; one deleted or gone drops it from state. A restore
 * is an action the API keeps no record of, not an object, so `pulumi import` (no properties) fails.
 */
async function read(
  deps: () => ResourceDeps,
  id: string,
  props: RestoreOutputs,
): Promise<ReadResult<RestoreOutputs, RestoreInputs>> {
  if (props.datastoreId === undefined) throw new Error(cannotImport(id));
  try {
    const datastore = await deps().api.getDatastore(props.datastoreId);
    return isGone(datastore) ? { id: "" } : { id, props };
  } catch (error) {
    if (isDfCloudError(error, "NotFoundError")) return { id: "" };
    throw withOperation(operation.reading(props.datastoreId), error);
  }
}
