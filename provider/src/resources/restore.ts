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
} from "../contract/spec";
import type { ResourceDeps } from "./api";
import { checkFields } from "./check";
import {
  apiTimestamp,
  datastoreIdInput,
  findDatastore,
  isActive,
  isGone,
  lookupAtPreview,
  missingDatastore,
  PartialCreateError,
  progressReporter,
  waitTimeoutInput,
  whenDatastoreIdle,
  withinDeadline,
  withOperation,
} from "./common";
import type { CheckFailure, CheckResult, DiffResult, ResourceLogic } from "./contract";
import { backupIdSchema } from "./ids";
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
    "and fits the datastore (same cloud and region, compatible shards), and that the datastore does not already hold " +
    "it; `up` waits for the datastore to be active, starts the restore (the request is sent at most once) and waits " +
    "until the backup is loaded. A restore that started and was not seen to finish is recorded with status " +
    "`restoring`, and the next `up` waits for it instead of starting another. `destroy` leaves the datastore's data as it is.",
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
      replaces: true,
      description:
        "Any string; the restore runs again only when it changes (for example a date). Default: unset.",
    },
    waitTimeoutMinutes: waitTimeoutInput("the restore to finish"),
    ifAlreadyLoaded: {
      schema: z
        .enum(enumValues(IF_ALREADY_LOADED_TYPE), { error: () => IF_ALREADY_LOADED_TEXT })
        .default("fail"),
      type: t.ref(IF_ALREADY_LOADED_TYPE),
      default: "fail",
      description:
        "What to do when the datastore already holds this backup (its `config.restore` names it): `fail` (default) " +
        "starts nothing and says what to check, since the API cannot tell an interrupted run's restore from an " +
        "earlier one; `skip` records the restore as done without running it; `restore` wipes the datastore and " +
        "restores the backup again.",
    },
  },
  outputs: {
    status: output(
      t.ref(RESTORE_STATUS_TYPE),
      "`restoring` from when the API accepted the restore until it is seen to finish, then `restored`; `skipped` " +
        "when `ifAlreadyLoaded` was `skip` and the backup was already loaded.",
    ),
    startedAt: output(
      t.string,
      "When the API accepted the restore (or it was skipped), ISO 8601 UTC on the API's clock.",
    ),
    restoredAt: optionalOutput(
      t.string,
      "When the datastore was seen active with the backup loaded, ISO 8601 UTC on the API's clock; absent while " +
        "`restoring` and when `skipped`.",
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

/**
 * Why the restore must not start because the datastore already holds its backup, or undefined.
 * The API keeps one `config.restore` and no history: a datastore that holds backup X cannot tell an
 * `up` killed after it restored X from a restore of X long ago, so a new trigger alone cannot tell a
 * recovery from a repeat. Restoring again then needs `ifAlreadyLoaded` said on purpose.
 */
export function alreadyLoadedProblem(datastore: Datastore, inputs: RestoreInputs): string | undefined {
  const restore = datastore.config.restore;
  if (inputs.ifAlreadyLoaded !== "fail" || restore?.backup_id !== inputs.backupId) return undefined;
  if (datastore.status === "restoring") return undefined;
  return (
    `datastore ${inputs.datastoreId} already holds backup ${inputs.backupId} (its config.restore is ` +
    `${JSON.stringify(restore)}), and nothing in this stack records restoring it: an earlier \`pulumi up\` may have ` +
    "been interrupted after starting this very restore, or it was restored before. No restore was started. " +
    "Check the datastore's data. If it is the backup's data you wanted, set `ifAlreadyLoaded: \"skip\"` to record " +
    'the restore without running it. To wipe the datastore and restore the backup again on purpose, set `ifAlreadyLoaded: "restore"` ' +
    "for that one `pulumi up`"
  );
}

/**
 * The Restore resource: a one-off action that loads a backup into an existing datastore. It runs
 * on create only; it runs again only when `trigger` changes, never because an id moved. The restore
 * PUT is sent at most once per trigger: once the API accepted it, every later failure records the
 * restore in state, and the next `up` waits for it instead of starting another.
 */
export function restoreLogic(deps: () => ResourceDeps): ResourceLogic<RestoreInputs, RestoreOutputs> {
  /**
   * Looks the backup and the datastore up and says what stops the restore, if anything. An API without
   * backup endpoints cannot show the backup: that is a warning, not a failure (a backup id from the
   * console is how such an API is used), the datastore is still checked, and at `up` the API itself
   * refuses a restore of a backup that is missing, not ready or does not fit, changing nothing.
   */
  async function liveProblems(inputs: RestoreInputs): Promise<CheckFailure[]> {
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
    const loaded = alreadyLoadedProblem(datastore, inputs);
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
      const problems = await lookupAtPreview(deps(), () => liveProblems(inputs));
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      if (olds.trigger !== news.trigger)
        return { changes: true, changed: ["trigger"], replaces: ["trigger"] };
      // An id not known at preview may move; check() then stops `up` unless the trigger changes too.
      const unknown = (["backupId", "datastoreId"] as const).filter((key) => isUnknown(news[key]));
      if (unknown.length > 0) return { changes: true, changed: unknown };
      // check() has already refused an id change without a new trigger.
      const changed = UPDATABLE.filter((key) => olds[key] !== news[key]);
      return { changes: changed.length > 0 || olds.status === "restoring", changed };
    },

    async create(inputs) {
      const given = deps();
      const { api, log } = given;
      const id = inputs.datastoreId;
      const restoring = `restoring backup ${inputs.backupId} into datastore ${id}`;
      return withinDeadline(given, inputs.waitTimeoutMinutes, async (deadlineMs) => {
        let skipped = false;
        try {
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
                  const problem = alreadyLoadedProblem(current, inputs);
                  if (problem) throw new Error(`backupId: ${problem}`);
                  skipped =
                    inputs.ifAlreadyLoaded === "skip" &&
                    current.status !== "restoring" &&
                    current.config.restore?.backup_id === inputs.backupId;
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
        if (skipped) {
          log(
            `datastore ${id} already holds backup ${inputs.backupId}; recorded without restoring (ifAlreadyLoaded: "skip")`,
          );
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

    async update(_id, olds, news) {
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
