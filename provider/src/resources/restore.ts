import { z } from "zod";
import { shardCount } from "../client/derived";
import { isDfCloudError } from "../client/errors";
import type { Backup, Datastore } from "../client/schemas";
import type { ResourceDeps } from "./api";
import { checkFields, type FieldRule } from "./check";
import {
  datastoreIdRule,
  isActive,
  isGone,
  minutesToMs,
  progressReporter,
  waitTimeoutRule,
  whenDatastoreIdle,
  withOperation,
} from "./common";
import type { CheckFailure, CheckResult, DiffResult, ResourceLogic } from "./contract";

/** Restore inputs after `check`. */
export interface RestoreInputs {
  datastoreId: string;
  backupId: string;
  acknowledgeDataLoss: true;
  trigger?: string;
  waitTimeoutMinutes: number;
}

/** Restore outputs. */
export interface RestoreOutputs extends RestoreInputs {
  /** ISO 8601, UTC: when the datastore came back `active` with the backup loaded. */
  restoredAt: string;
}

const DATA_LOSS =
  "must be the literal true: a restore deletes every key in the datastore and replaces it with the backup's data, and cannot be undone";

/** How each Restore input is validated. */
export const restoreRules: Record<keyof RestoreInputs, FieldRule> = {
  datastoreId: datastoreIdRule,
  backupId: {
    schema: z
      .string({ error: () => "must be a backup id (a bkp_… string)" })
      .min(1, { error: () => "must be a backup id (a bkp_… string)" }),
    required: "the id of the backup to restore (for example `backup.backupId`)",
  },
  acknowledgeDataLoss: {
    schema: z.literal(true, { error: () => DATA_LOSS }),
    required:
      "set it to true to accept that a restore deletes every key in the datastore and replaces it with the backup's data",
  },
  trigger: {
    schema: z
      .string({
        error: () => "must be a string; change it (for example to today's date) to run the restore again",
      })
      .optional(),
  },
  waitTimeoutMinutes: waitTimeoutRule,
};

/**
 * Why `backup` cannot be restored into `datastore`, or undefined when it can. The same rules the
 * API applies (docs/api-model.md), checked at preview so that nothing is touched.
 */
export function restoreProblem(backup: Backup, datastore: Datastore): string | undefined {
  if (backup.status !== "ready")
    return `backup ${backup.backup_id} is ${backup.status}; only a ready backup can be restored`;
  const target = datastore.config.location ?? {};
  if (backup.location.provider !== target.provider || backup.location.region !== target.region) {
    return (
      `backup ${backup.backup_id} is in ${backup.location.provider} ${backup.location.region} but datastore ` +
      `${datastore.datastore_id} is in ${target.provider} ${target.region}; a backup restores only into the same cloud and region`
    );
  }
  const shards = shardCount(datastore.config);
  if (backup.shard_count > 1 && shards !== backup.shard_count) {
    return (
      `backup ${backup.backup_id} has ${backup.shard_count} shards but datastore ${datastore.datastore_id} has ${shards}; ` +
      "a multi-shard backup restores only into a datastore with the same shard count"
    );
  }
  return undefined;
}

/**
 * The Restore resource: a one-off action that loads a backup into an existing datastore. It runs
 * on create only; it runs again only when `trigger` changes, never because an id moved.
 */
export function restoreLogic(deps: () => ResourceDeps): ResourceLogic<RestoreInputs, RestoreOutputs> {
  /** Looks the backup and the datastore up and says what stops the restore, if anything. */
  async function liveProblems(inputs: RestoreInputs): Promise<CheckFailure[]> {
    const { api } = deps();
    const [backup, datastore] = await Promise.all([
      api
        .getBackup(inputs.backupId)
        .catch((error: unknown) =>
          isDfCloudError(error, "NotFoundError") ? undefined : Promise.reject(error),
        ),
      api
        .getDatastore(inputs.datastoreId)
        .catch((error: unknown) =>
          isDfCloudError(error, "NotFoundError") ? undefined : Promise.reject(error),
        ),
    ]);
    if (!backup)
      return [
        {
          property: "backupId",
          reason: `backupId: backup ${inputs.backupId} does not exist in this account`,
        },
      ];
    if (!datastore || isGone(datastore)) {
      return [
        {
          property: "datastoreId",
          reason: `datastoreId: datastore ${inputs.datastoreId} does not exist in this account`,
        },
      ];
    }
    const problem = restoreProblem(backup, datastore);
    return problem ? [{ property: "backupId", reason: `backupId: ${problem}` }] : [];
  }

  return {
    async check(olds, news): Promise<CheckResult<RestoreInputs>> {
      const { values, unknownKeys, failures } = checkFields(restoreRules, news);
      if (failures.length > 0) return { failures };
      const inputs = values as unknown as RestoreInputs;
      const ran = typeof olds.backupId === "string";
      const sameTrigger = olds.trigger === inputs.trigger;
      if (ran && sameTrigger) {
        for (const key of ["backupId", "datastoreId"] as const) {
          if (!unknownKeys.has(key) && olds[key] !== inputs[key]) {
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
      const problems = await liveProblems(inputs);
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      // check() has already refused an id change without a new trigger.
      if (olds.trigger !== news.trigger) return { changes: true, replaces: ["trigger"] };
      return { changes: false };
    },

    async create(inputs) {
      const given = deps();
      const { api, log, now } = given;
      const id = inputs.datastoreId;
      const timeoutMs = minutesToMs(inputs.waitTimeoutMinutes);
      const onProgress = progressReporter(log, `restore of backup ${inputs.backupId} into datastore ${id}`);
      try {
        // startRestore reads the datastore first and refuses (409) unless it is active; whenDatastoreIdle
        // then waits for it. A separate wait before would read the datastore once more on every restore.
        // A datastore already restoring this backup is an `up` that was killed mid-restore: wait for
        // that restore instead of running a second one.
        await whenDatastoreIdle(
          given,
          id,
          now() + timeoutMs,
          () => api.startRestore(id, inputs.backupId),
          (busy) => {
            if (busy.status !== "restoring" || busy.config.restore?.backup_id !== inputs.backupId)
              return undefined;
            log(
              `datastore ${id} is already restoring backup ${inputs.backupId} (an interrupted run?); waiting for that restore`,
            );
            return busy;
          },
        );
        await api.waitForDatastore(
          id,
          (d) =>
            isActive(d) &&
            d.config.restore?.backup_id === inputs.backupId &&
            d.config.restore?.loaded === true,
          { timeoutMs, onProgress, description: `to finish restoring backup ${inputs.backupId}` },
        );
      } catch (error) {
        throw withOperation(`restoring backup ${inputs.backupId} into datastore ${id}`, error);
      }
      const restoredAt = new Date(now()).toISOString();
      return { id: `${id}/${inputs.backupId}/${restoredAt}`, outs: { ...inputs, restoredAt } };
    },

    async update(_id, olds, news) {
      // Only the wait timeout or the acknowledgement can change in place; nothing to send.
      return { outs: { ...olds, ...news, restoredAt: olds.restoredAt } };
    },

    async read(id, props) {
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
