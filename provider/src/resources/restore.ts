import { z } from "zod";
import { shardCount } from "../client/derived";
import { isDfCloudError } from "../client/errors";
import type { Backup, Datastore } from "../client/schemas";
import {
  type EnumValueOf,
  enumType,
  enumValues,
  type InputsOf,
  optionalOutput,
  output,
  type ResourceOutputsOf,
  resourceContract,
  t,
  updatableKeys,
} from "../schema/spec";
import { checkFields } from "./check";
import { whenDatastoreIdle } from "./datastore";
import { apiTimestamp, withinDeadline } from "./deadline";
import type { ResourceDeps } from "./deps";
import { PartialCreateError, withOperation } from "./errors";
import { backupIdSchema } from "./ids";
import { datastoreIdInput, waitTimeoutInput } from "./inputs";
import type { CheckFailure, CheckResult, DiffResult, ResourceLogic } from "./logic";
import { isActive, isGone } from "./model";
import { findDatastore, lookupAtPreview, missingDatastore } from "./preview";
import { progressReporter } from "./progress";
import { isUnknown } from "./unknowns";

/** What a Restore does when its datastore already holds the backup it names. */
export const IF_ALREADY_LOADED_TYPE = enumType(
  "IfAlreadyLoaded",
  "What a Restore does when its datastore already holds the backup it names.",
  [
    { name: "Fail", value: "fail", description: "Start nothing and say what to check (the default)." },
    { name: "Skip", value: "skip", description: "Record the restore as done without running it." },
    { name: "Restore", value: "restore", description: "Wipe the datastore and restore the backup again." },
  ],
);
/** One of {@link IF_ALREADY_LOADED_TYPE}'s values. */
export type IfAlreadyLoaded = EnumValueOf<typeof IF_ALREADY_LOADED_TYPE>;

/** Where a Restore stands: started and not yet seen to finish, finished, or recorded without running. */
export const RESTORE_STATUS_TYPE = enumType("RestoreStatus", "Where a Restore stands.", [
  {
    name: "Restoring",
    value: "restoring",
    description: "The API accepted the restore; it was not yet seen to finish.",
  },
  {
    name: "Restored",
    value: "restored",
    description: "The datastore was seen active with the backup loaded.",
  },
  {
    name: "Skipped",
    value: "skipped",
    description: "The backup was already loaded and `ifAlreadyLoaded` was `skip`.",
  },
  {
    name: "Unknown",
    value: "unknown",
    description:
      "A new `trigger`'s restore was requested, its answer was lost, and the datastore cannot show whether it took; " +
      "`up` starts nothing until `ifAlreadyLoaded` says what to do.",
  },
]);
/** One of {@link RESTORE_STATUS_TYPE}'s values. */
export type RestoreStatus = EnumValueOf<typeof RESTORE_STATUS_TYPE>;

const DATA_LOSS =
  "must be the literal true: a restore deletes every key in the datastore and replaces it with the backup's data, and cannot be undone";

const IF_ALREADY_LOADED_TEXT = `must be one of ${enumValues(IF_ALREADY_LOADED_TYPE)
  .map((v) => JSON.stringify(v))
  .join(", ")} (default "fail")`;

/** The Restore resource's contract: every input and output, declared once. */
export const restoreContract = resourceContract({
  name: "Restore",
  description:
    "Restores a backup into an existing datastore, once per `trigger`. `preview` checks that the backup exists, is ready " +
    "and fits the datastore (same cloud and region, compatible shards), and that a new Restore's datastore does not " +
    "already hold it; `up` waits for the datastore to be active, starts the restore (the request is sent at most once) " +
    "and waits until the backup is loaded. A new `trigger` restores again, in place: the restore this stack records is " +
    "what tells a re-run asked for from an interrupted one. A restore that started and was not seen to finish is " +
    "recorded with status `restoring`, and the next `up` waits for it instead of starting another. `destroy` leaves " +
    "the datastore's data as it is.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore to restore into (`dst_…`). Its data is deleted and replaced by the backup's. Changing it " +
        "without changing `trigger` fails the preview.",
      false,
    ),
    backupId: {
      schema: backupIdSchema,
      type: t.string,
      description:
        "Id of the backup to restore (`bkp_…`). Changing it without changing `trigger` fails the preview.",
      required: "the id of the backup to restore (for example `backup.backupId`)",
    },
    acknowledgeDataLoss: {
      schema: z.literal(true, { error: () => DATA_LOSS }),
      type: t.boolean,
      sdkType: "true",
      description:
        "Must be `true`: you accept that the datastore's current data is deleted. Any other value fails the preview.",
      required:
        "set it to true to accept that a restore deletes every key in the datastore and replaces it with the backup's data",
    },
    trigger: {
      schema: z
        .string({
          error: () => "must be a string; change it (for example to today's date) to run the restore again",
        })
        .optional(),
      type: t.string,
      // Not a replacing input: a new trigger is an update, so `update` sees the restore this stack
      // records (a replacement's `create` would see only the new inputs) and can tell a re-run asked
      // for from a datastore restored again behind that record. A new trigger with another backupId or
      // datastoreId still replaces (see diff): no record of this stack covers that restore.
      description:
        "Any string; the restore runs again only when it changes (for example a date). The new run is an " +
        "in-place update: the restore this stack records explains why the datastore already holds the backup, " +
        "so no `ifAlreadyLoaded` is needed. Changed together with `backupId` or `datastoreId`, it replaces the " +
        "Restore instead. Default: unset.",
    },
    waitTimeoutMinutes: waitTimeoutInput("the restore to finish"),
    ifAlreadyLoaded: {
      schema: z
        .enum(enumValues(IF_ALREADY_LOADED_TYPE), { error: () => IF_ALREADY_LOADED_TEXT })
        .default("fail"),
      type: t.ref(IF_ALREADY_LOADED_TYPE),
      default: "fail",
      description:
        "What to do when the datastore already holds this backup (its `config.restore` names it) and this stack's " +
        "record does not explain it: a Restore being created (new, or replaced), or a re-run whose earlier restore " +
        "was not seen to finish or whose answer was lost. `fail` (default) starts nothing and says what to check, " +
        "since the API cannot tell an interrupted run's restore from an earlier one; `skip` records the restore as " +
        "done without running it; `restore` wipes the datastore and restores the backup again. A Restore recorded " +
        "as `restored` or `skipped` restores again when `trigger` changes, whatever this says.",
    },
  },
  outputs: {
    status: output(
      t.ref(RESTORE_STATUS_TYPE),
      "`restoring` from when the API accepted the restore until it is seen to finish, then `restored`; `skipped` " +
        "when `ifAlreadyLoaded` was `skip` and the backup was already loaded; `unknown` when a new `trigger`'s " +
        "restore request lost its answer and the datastore cannot show whether it took.",
    ),
    startedAt: output(
      t.string,
      "When the API accepted the restore (or it was skipped, or its request was sent and lost its answer), ISO 8601 " +
        "UTC on the API's clock.",
    ),
    restoredAt: optionalOutput(
      t.string,
      "When the datastore was seen active with the backup loaded, ISO 8601 UTC on the API's clock; absent while " +
        "`restoring`, when `skipped` and when `unknown`.",
    ),
  },
});

/** Restore inputs after `check`. */
export type RestoreInputs = InputsOf<typeof restoreContract.inputs>;

/** Restore outputs: the inputs plus where the restore stands. */
export type RestoreOutputs = ResourceOutputsOf<typeof restoreContract>;

/** Inputs that change in place: nothing is sent for them. */
const UPDATABLE = updatableKeys(restoreContract);

/**
 * Why `backup` cannot be restored into `datastore`, or undefined when it can. The same rules the
 * API applies (docs/api-model.md), checked at preview so that nothing is touched. A fact the API did
 * not send (a location, a shard count it manages itself) is not held against the restore.
 */
export function restoreProblem(backup: Backup, datastore: Datastore): string | undefined {
  if (backup.status !== "ready")
    return `backup ${backup.backup_id} is ${backup.status}; only a ready backup can be restored`;
  const source = backup.location ?? {};
  const target = datastore.config.location ?? {};
  const known = source.provider && source.region && target.provider && target.region;
  if (known && (source.provider !== target.provider || source.region !== target.region)) {
    return (
      `backup ${backup.backup_id} is in ${source.provider} ${source.region} but datastore ` +
      `${datastore.datastore_id} is in ${target.provider} ${target.region}; a backup restores only into the same cloud and region`
    );
  }
  const shards = shardCount(datastore.config);
  const backupShards = backup.shard_count;
  if (backupShards !== undefined && shards !== undefined && backupShards > 1 && shards !== backupShards) {
    return (
      `backup ${backup.backup_id} has ${backupShards} shards but datastore ${datastore.datastore_id} has ${shards}; ` +
      "a multi-shard backup restores only into a datastore with the same shard count"
    );
  }
  return undefined;
}

/** How a message names a trigger: quoted, or `no trigger` when it is unset. */
function triggerText(trigger: string | undefined): string {
  return trigger === undefined ? "no trigger" : `trigger ${JSON.stringify(trigger)}`;
}

/** What the datastore shows of its last restore, for messages. */
function heldText(datastore: Datastore, inputs: RestoreInputs): string {
  return (
    `datastore ${inputs.datastoreId} holds backup ${inputs.backupId} (it is ${datastore.status}, its config.restore ` +
    `${JSON.stringify(datastore.config.restore)})`
  );
}

/** The way out every "cannot tell" message ends with: look at the data, then say what to do. */
const CHECK_THE_DATA =
  "Check the datastore's data. If it is the backup's data you wanted, set `ifAlreadyLoaded: \"skip\"` to record " +
  'the restore without running it. To wipe the datastore and restore the backup again on purpose, set `ifAlreadyLoaded: "restore"`';

/**
 * Why a Restore being created (new, or a replacement) must not start because its datastore already
 * holds the backup, whatever `ifAlreadyLoaded` says; undefined when it may start. A datastore still
 * `restoring` that backup is an interrupted run's restore, waited for instead. The API keeps one
 * `config.restore` and no history: a datastore that holds backup X cannot tell an `up` killed after
 * it restored X from a restore of X long ago, and a Restore being created has no record of its own
 * that could tell them apart. Restoring again then needs `ifAlreadyLoaded` said on purpose.
 */
function heldByNewRestore(datastore: Datastore, inputs: RestoreInputs): string | undefined {
  const restore = datastore.config.restore;
  if (restore?.backup_id !== inputs.backupId || datastore.status === "restoring") return undefined;
  return (
    `datastore ${inputs.datastoreId} already holds backup ${inputs.backupId} (its config.restore is ` +
    `${JSON.stringify(restore)}), and this Restore is being created (new, or replacing one), so it has no restore ` +
    "of its own on record to explain that: an earlier `pulumi up` may have been interrupted after starting this " +
    `very restore, or it was restored before. No restore was started. ${CHECK_THE_DATA}. Once a Restore is ` +
    "recorded, a new `trigger` restores again without `ifAlreadyLoaded`"
  );
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
  const restore = datastore.config.restore;
  if (restore?.backup_id !== inputs.backupId) return undefined;
  const restoring = datastore.status === "restoring";
  if (record.status === "restoring") {
    return (
      `${heldText(datastore, inputs)}, but the restore of it this stack records (${triggerText(record.trigger)}, ` +
      `started at ${record.startedAt}) was not seen to finish, so this stack cannot tell whether the datastore was ` +
      `restored again after it: an earlier \`pulumi up\` with ${triggerText(inputs.trigger)} may have been interrupted ` +
      `after starting this very restore. No restore was started. To finish the recorded restore first, set \`trigger\` ` +
      `back to ${record.trigger === undefined ? "unset" : JSON.stringify(record.trigger)} and run \`pulumi up\` (it ` +
      `waits for that restore, starting nothing), then check the data before you change \`trigger\` again. ${CHECK_THE_DATA}`
    );
  }
  if (record.status === "unknown") {
    if (restoring) return undefined;
    return (
      `the restore of backup ${inputs.backupId} into datastore ${inputs.datastoreId} this stack records as requested ` +
      `at ${record.startedAt} (${triggerText(record.trigger)}) lost its answer, and the datastore cannot show whether ` +
      `it took: ${heldText(datastore, inputs)} either way. No restore was started. ${CHECK_THE_DATA}`
    );
  }
  if (restoring || record.status === "skipped" || restore.loaded === true) return undefined;
  return (
    `${heldText(datastore, inputs)}, which is not what this stack recorded when it restored it at ` +
    `${record.restoredAt ?? record.startedAt} (${triggerText(record.trigger)}): a restore of it was requested after that ` +
    `and was not seen to finish loading. No restore was started. ${CHECK_THE_DATA}`
  );
}

/**
 * The Restore resource: a one-off action that loads a backup into an existing datastore. It runs
 * on create, and again (an in-place update) only when `trigger` changes, never because an id moved.
 * The restore PUT is sent at most once per trigger: once it may have been sent, every later failure
 * records the restore in state, and the next `up` waits for it (or, when the answer was lost, stops
 * and says what to check) instead of starting another. The one exception is what the API cannot
 * show: see rerunProblem.
 */
export function restoreLogic(deps: () => ResourceDeps): ResourceLogic<RestoreInputs, RestoreOutputs> {
  /**
   * Looks the backup and the datastore up and says what stops the restore, if anything. An API without
   * backup endpoints cannot show the backup: that is a warning, not a failure (a backup id from the
   * console is how such an API is used), the datastore is still checked, and at `up` the API itself
   * refuses a restore of a backup that is missing, not ready or does not fit, changing nothing.
   * @param rerun true for a new trigger of the restore this stack records (same backup and datastore):
   *   `update` judges the datastore against that record (rerunProblem), so the rule for a Restore
   *   being created, that its datastore must not hold the backup already, is not applied
   */
  async function liveProblems(inputs: RestoreInputs, rerun: boolean): Promise<CheckFailure[]> {
    const given = deps();
    const [backup, datastore] = await Promise.all([
      given.api.getBackup(inputs.backupId).catch((error: unknown) => {
        if (isDfCloudError(error, "NotFoundError")) return undefined;
        if (isDfCloudError(error, "EndpointMissingError")) return error;
        return Promise.reject(error);
      }),
      findDatastore(given, inputs.datastoreId),
    ]);
    if (isDfCloudError(backup, "EndpointMissingError")) {
      given.log(
        `warning: Restore backupId: backup ${inputs.backupId} cannot be verified before \`pulumi up\`: ${backup.message}. ` +
          "Only the datastore was checked; if the backup does not exist, is not ready or does not fit the datastore, " +
          "the API refuses the restore at `up` and nothing is changed",
      );
    } else if (!backup) {
      return [
        {
          property: "backupId",
          reason: `backupId: backup ${inputs.backupId} does not exist in this account`,
        },
      ];
    }
    if (!datastore) return [missingDatastore(inputs.datastoreId)];
    const problem = isDfCloudError(backup, "EndpointMissingError")
      ? undefined
      : restoreProblem(backup, datastore);
    if (problem) return [{ property: "backupId", reason: `backupId: ${problem}` }];
    const loaded = rerun ? undefined : alreadyLoadedProblem(datastore, inputs);
    // Named on backupId, the input the user set (ifAlreadyLoaded is the way out the message names).
    return loaded ? [{ property: "backupId", reason: `backupId: ${loaded}` }] : [];
  }

  /** Waits until the datastore is `active` with the backup loaded; returns when that was seen. */
  async function waitRestored(given: ResourceDeps, inputs: RestoreInputs): Promise<string> {
    await given.api.waitForDatastore(
      inputs.datastoreId,
      (d) =>
        isActive(d) && d.config.restore?.backup_id === inputs.backupId && d.config.restore?.loaded === true,
      {
        onProgress: progressReporter(
          given.log,
          `restore of backup ${inputs.backupId} into datastore ${inputs.datastoreId}`,
        ),
        description: `to finish restoring backup ${inputs.backupId}`,
      },
    );
    return apiTimestamp(given);
  }

  /**
   * Starts the restore of `inputs` at most once: the one PUT, or none when a restore of the same backup
   * is already running (an interrupted run's, waited for instead) or when it is skipped. `unexplained`
   * says what about the datastore, as read just before the PUT, this stack cannot explain; then
   * `ifAlreadyLoaded` decides: `fail` stops with that message and nothing sent, `skip` records the
   * restore without running it (never while a restore of it runs: that one is waited for), `restore`
   * restores anyway.
   * @returns whether the restore was started (or is running) or skipped
   */
  async function startOnce(
    given: ResourceDeps,
    inputs: RestoreInputs,
    deadlineMs: number,
    unexplained: (current: Datastore) => string | undefined,
  ): Promise<"started" | "skipped"> {
    const { api, log } = given;
    const id = inputs.datastoreId;
    let skipped = false;
    // startRestore reads the datastore first and refuses (409) unless it is active; whenDatastoreIdle
    // then waits for it. A datastore already restoring this backup is an `up` that was killed
    // mid-restore: wait for that restore instead of running a second one.
    await whenDatastoreIdle(
      given,
      id,
      deadlineMs,
      () =>
        api.startRestore(id, inputs.backupId, {
          precondition: (current) => {
            const problem = unexplained(current);
            if (problem === undefined) return true;
            if (inputs.ifAlreadyLoaded === "fail") throw new Error(`backupId: ${problem}`);
            skipped = inputs.ifAlreadyLoaded === "skip" && current.status !== "restoring";
            return !skipped;
          },
        }),
      (busy) => {
        if (busy.status !== "restoring" || busy.config.restore?.backup_id !== inputs.backupId)
          return undefined;
        log(
          `datastore ${id} is already restoring backup ${inputs.backupId} (an interrupted run?); waiting for that restore`,
        );
        return busy;
      },
    );
    if (!skipped) return "started";
    log(
      `datastore ${id} already holds backup ${inputs.backupId}; recorded without restoring (ifAlreadyLoaded: "skip")`,
    );
    return "skipped";
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
  async function rerun(id: string, olds: RestoreOutputs, news: RestoreInputs) {
    const given = deps();
    const sameRestore = olds.backupId === news.backupId && olds.datastoreId === news.datastoreId;
    const unexplained = (current: Datastore) =>
      sameRestore ? rerunProblem(olds, current, news) : heldByNewRestore(current, news);
    const restoring = `restoring backup ${news.backupId} into datastore ${news.datastoreId} for ${triggerText(news.trigger)}`;
    return withinDeadline(given, news.waitTimeoutMinutes, async (deadlineMs) => {
      let started: "started" | "skipped";
      try {
        started = await startOnce(given, news, deadlineMs, unexplained);
      } catch (error) {
        if (isDfCloudError(error, "OutcomeUnknownError")) {
          const startedAt = apiTimestamp(given);
          throw new PartialCreateError(
            `${restoring}: ${error.message}. The restore was not sent again. It is recorded in the stack with status ` +
              '"unknown", and `pulumi up` starts nothing until you say what to do. Check the datastore\'s data: if it ' +
              'holds the backup\'s data, set `ifAlreadyLoaded: "skip"` and run `pulumi up` to record the restore; to ' +
              'restore on purpose, set `ifAlreadyLoaded: "restore"`',
            id,
            { ...news, status: "unknown" as const, startedAt },
            { cause: error },
          );
        }
        throw withOperation(restoring, error);
      }
      const startedAt = apiTimestamp(given);
      if (started === "skipped") return { outs: { ...news, status: "skipped" as const, startedAt } };
      try {
        const restoredAt = await waitRestored(given, news);
        return { outs: { ...news, status: "restored" as const, startedAt, restoredAt } };
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        throw new PartialCreateError(
          `${restoring}: the restore started at ${startedAt} but was not seen to finish: ${message}. It is recorded ` +
            "in the stack and will not be started again; run `pulumi up` again to keep waiting for it",
          id,
          { ...news, status: "restoring" as const, startedAt },
          { cause: error },
        );
      }
    });
  }

  return {
    async check(olds, news): Promise<CheckResult<RestoreInputs>> {
      const { values: inputs, unknownKeys, failures } = checkFields(restoreContract.inputs, news);
      if (failures.length > 0) return { failures };
      const ran = typeof olds.backupId === "string";
      const sameTrigger = olds.trigger === inputs.trigger;
      if (ran && sameTrigger) {
        for (const key of ["backupId", "datastoreId"] as const) {
          if (unknownKeys.has(key)) {
            // The value comes from a resource this update changes (a replaced Backup, say): the preview
            // cannot compare it, so it says now what `up` will do if it moved.
            deps().log(
              `warning: Restore ${key} is not known until \`pulumi up\`; this restore already ran, so if ${key} changes, ` +
                "`up` will stop before restoring anything unless `trigger` changes too",
            );
          } else if (olds[key] !== inputs[key]) {
            failures.push({
              property: key,
              reason:
                `${key}: changed from ${JSON.stringify(olds[key])} to ${JSON.stringify(inputs[key])}, but this restore already ran ` +
                `and runs again only on purpose: to restore now, also change \`trigger\` (for example to today's date); ` +
                `to keep things as they are, set ${key} back to ${JSON.stringify(olds[key])}`,
            });
          }
        }
        return failures.length > 0 ? { failures } : { inputs };
      }
      // A restore about to run: check the backup fits the datastore now, before anything is touched.
      if (unknownKeys.has("backupId") || unknownKeys.has("datastoreId")) return { inputs };
      // Old inputs are in state only once a create of this Restore was recorded: with the same backup
      // and datastore, a new trigger re-runs the restore this stack records (diff: an update).
      const rerun = ran && olds.backupId === inputs.backupId && olds.datastoreId === inputs.datastoreId;
      const problems = await lookupAtPreview(deps(), () => liveProblems(inputs, rerun));
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      const changed = UPDATABLE.filter((key) => olds[key] !== news[key]);
      if (olds.trigger !== news.trigger) {
        // A new trigger restores again. For the backup and datastore of the restore this stack records
        // it is an update, whose `update` sees that record and the datastore side by side (rerunProblem).
        // With another backup or datastore (or one not known yet) no record covers the restore: a new
        // Restore replaces this one, and its create applies the rule for a Restore being created.
        const moved = (["backupId", "datastoreId"] as const).filter(
          (key) => isUnknown(news[key]) || olds[key] !== news[key],
        );
        return moved.length > 0 ? { changes: true, changed, replaces: moved } : { changes: true, changed };
      }
      // An id not known at preview may move; check() then stops `up` unless the trigger changes too.
      const unknown = (["backupId", "datastoreId"] as const).filter((key) => isUnknown(news[key]));
      if (unknown.length > 0) return { changes: true, changed: unknown };
      // check() has already refused an id change without a new trigger. A restore not seen to finish
      // (`restoring`) or whose answer was lost (`unknown`) has work left with every input as it was.
      const pending = olds.status === "restoring" || olds.status === "unknown";
      return { changes: changed.length > 0 || pending, changed };
    },

    async create(inputs) {
      const given = deps();
      const id = inputs.datastoreId;
      const restoring = `restoring backup ${inputs.backupId} into datastore ${id}`;
      return withinDeadline(given, inputs.waitTimeoutMinutes, async (deadlineMs) => {
        let started: "started" | "skipped";
        try {
          started = await startOnce(given, inputs, deadlineMs, (current) =>
            heldByNewRestore(current, inputs),
          );
        } catch (error) {
          if (isDfCloudError(error, "OutcomeUnknownError")) {
            throw withOperation(
              restoring,
              new Error(
                `${error.message}. The restore was not sent again. Check the datastore's data: if it holds the backup's ` +
                  'data, set `ifAlreadyLoaded: "skip"` and run `pulumi up` to record the restore; to restore on purpose, ' +
                  'set `ifAlreadyLoaded: "restore"`',
                { cause: error },
              ),
            );
          }
          throw withOperation(restoring, error);
        }
        const startedAt = apiTimestamp(given);
        const resourceId = `${id}/${inputs.backupId}/${startedAt}`;
        if (started === "skipped") {
          return { id: resourceId, outs: { ...inputs, status: "skipped" as const, startedAt } };
        }
        // From here the restore has started: whatever fails next, it is recorded in state, and the next
        // `up` waits for it (update) instead of starting another.
        try {
          const restoredAt = await waitRestored(given, inputs);
          return { id: resourceId, outs: { ...inputs, status: "restored" as const, startedAt, restoredAt } };
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          throw new PartialCreateError(
            `${restoring}: the restore started at ${startedAt} but was not seen to finish: ${message}. It is recorded ` +
              "in the stack and will not be started again; run `pulumi up` again to keep waiting for it",
            resourceId,
            { ...inputs, status: "restoring" as const, startedAt },
            { cause: error },
          );
        }
      });
    },

    async update(id, olds, news) {
      // A new trigger, or a request whose answer was lost: a restore to run, judged against this record.
      if (olds.trigger !== news.trigger || olds.status === "unknown") return rerun(id, olds, news);
      const outs: RestoreOutputs = { ...olds, ...news, status: olds.status, startedAt: olds.startedAt };
      if (olds.restoredAt !== undefined) outs.restoredAt = olds.restoredAt;
      // A restore recorded as started (its create gave up waiting or was cancelled): wait for it, never
      // start it again.
      if (olds.status !== "restoring") return { outs };
      const given = deps();
      try {
        const restoredAt = await withinDeadline(given, news.waitTimeoutMinutes, () =>
          waitRestored(given, news),
        );
        return { outs: { ...outs, status: "restored", restoredAt } };
      } catch (error) {
        throw withOperation(
          `waiting for the restore of backup ${olds.backupId} into datastore ${olds.datastoreId} started at ${olds.startedAt} (not started again)`,
          error,
        );
      }
    },

    async read(id, props) {
      if (props.datastoreId === undefined) {
        // `pulumi import`: a restore is an action the API keeps no record of, not an object.
        throw new Error(
          `a Restore cannot be imported (${id}): the API keeps no record of restores, only the datastore's last ` +
            'config.restore. Declare the Restore with ifAlreadyLoaded: "skip" to record one that already ran',
        );
      }
      try {
        const datastore = await deps().api.getDatastore(props.datastoreId);
        return isGone(datastore) ? { id: "" } : { id, props };
      } catch (error) {
        if (isDfCloudError(error, "NotFoundError")) return { id: "" };
        throw withOperation(`reading datastore ${props.datastoreId}`, error);
      }
    },

    async delete(_id, props) {
      deps().log(
        `Restore of backup ${props.backupId} removed from the stack; datastore ${props.datastoreId} keeps its data (a restore cannot be undone)`,
      );
    },
  };
}
