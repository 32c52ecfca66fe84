import { isDfCloudError } from "../client/errors";
import type { BackupPolicy, Datastore } from "../client/schemas";
import type { ResourceDeps } from "./api";
import { checkFields, type FieldRule } from "./check";
import {
  datastoreIdRule,
  findDatastore,
  isActive,
  isGone,
  lookupAtPreview,
  missingDatastore,
  progressReporter,
  waitTimeoutRule,
  whenDatastoreIdle,
  withinDeadline,
  withOperation,
} from "./common";
import type { CheckResult, DiffResult, ResourceLogic } from "./contract";
import {
  fromBackupPolicy,
  normaliseSchedule,
  type ScheduleSpec,
  sameSchedule,
  scheduleSpecSchema,
  toBackupPolicy,
} from "./schedule-spec";

/** BackupSchedule inputs after `check`: validated and normalised. */
export interface BackupScheduleInputs extends ScheduleSpec {
  datastoreId: string;
  waitTimeoutMinutes: number;
}

/** BackupSchedule outputs: the inputs as they are live on the datastore. */
export type BackupScheduleOutputs = BackupScheduleInputs;

const specFields = scheduleSpecSchema.shape;

/** How each BackupSchedule input is validated. */
export const backupScheduleRules: Record<keyof BackupScheduleInputs, FieldRule> = {
  datastoreId: datastoreIdRule,
  enabled: { schema: specFields.enabled },
  days: { schema: specFields.days, required: `"every" or a list of weekday names such as ["mon", "thu"]` },
  hours: {
    schema: specFields.hours,
    required: `"every" or a list of hours of the day (0-23, UTC) such as [2, 14]`,
  },
  retentionDays: {
    schema: specFields.retentionDays,
    required: "how many whole days each scheduled backup is kept (at least 1)",
  },
  waitTimeoutMinutes: waitTimeoutRule,
};

/**
 * Fields whose change is applied in place; `datastoreId` replaces. `waitTimeoutMinutes` alone writes
 * nothing to the API but must reach state: `destroy` uses it.
 */
const UPDATABLE: readonly (keyof BackupScheduleInputs)[] = [
  "enabled",
  "days",
  "hours",
  "retentionDays",
  "waitTimeoutMinutes",
];

/**
 * The BackupSchedule resource: the datastore's `config.backup_policy`, written by
 * read-modify-write so the rest of the datastore's config is never touched.
 */
export function backupScheduleLogic(
  deps: () => ResourceDeps,
): ResourceLogic<BackupScheduleInputs, BackupScheduleOutputs> {
  /** Writes the schedule unless the datastore already has exactly it; then confirms it took. */
  async function apply(inputs: BackupScheduleInputs, operation: string): Promise<BackupScheduleOutputs> {
    const given = deps();
    const { api, log } = given;
    const id = inputs.datastoreId;
    return withinDeadline(given, inputs.waitTimeoutMinutes, async (deadlineMs) => {
      try {
        // One read-modify-write: it sends nothing when the datastore already has this schedule, and
        // refuses (409, nothing sent) while the datastore is busy, which whenDatastoreIdle waits out.
        const holdsSchedule = (policy: BackupPolicy | null | undefined) => {
          const live = fromBackupPolicy(policy);
          return live !== undefined && sameSchedule(live, inputs);
        };
        const written = await whenDatastoreIdle(given, id, deadlineMs, () =>
          api.setBackupPolicy(id, toBackupPolicy(inputs), { skipIf: holdsSchedule }),
        );
        if (holdsSchedule(written.config.backup_policy) && isActive(written)) return inputs;
        const onProgress = progressReporter(log, `datastore ${id}`);
        const settled = await api.waitForDatastore(id, isActive, { onProgress });
        confirm(settled, inputs);
        return inputs;
      } catch (error) {
        throw withOperation(`${operation} the backup schedule of datastore ${id}`, error);
      }
    });
  }

  return {
    async check(olds, news): Promise<CheckResult<BackupScheduleInputs>> {
      const { values, unknownKeys, failures } = checkFields(backupScheduleRules, news);
      if (failures.length > 0) return { failures };
      const inputs = values as unknown as BackupScheduleInputs;
      // A datastore id that is known and new or changed is looked up now, so a wrong one fails the
      // preview; an unchanged one costs no call.
      if (unknownKeys.has("datastoreId") || olds.datastoreId === inputs.datastoreId) return { inputs };
      const given = deps();
      const problems = await lookupAtPreview(given, async () =>
        (await findDatastore(given, inputs.datastoreId)) ? [] : [missingDatastore(inputs.datastoreId)],
      );
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      if (olds.datastoreId !== news.datastoreId) return { changes: true, replaces: ["datastoreId"] };
      // State written before the seven-names-are-"every" rule may hold the long spelling: compare its
      // canonical form, so that reading it costs no phantom update. `news` comes from check, canonical.
      const before: BackupScheduleInputs = { ...olds, ...normaliseSchedule(olds) };
      const changed = UPDATABLE.some((key) => JSON.stringify(before[key]) !== JSON.stringify(news[key]));
      return { changes: changed };
    },

    async create(inputs) {
      return { id: inputs.datastoreId, outs: await apply(inputs, "creating") };
    },

    async update(_id, _olds, news) {
      return { outs: await apply(news, "updating") };
    },

    async read(id, props) {
      const { api } = deps();
      let datastore: Datastore;
      try {
        datastore = await api.getDatastore(id);
      } catch (error) {
        // The datastore is gone, so is its schedule: drop the resource from state.
        if (isDfCloudError(error, "NotFoundError")) return { id: "" };
        throw withOperation(`reading the backup schedule of datastore ${id}`, error);
      }
      if (isGone(datastore)) return { id: "" };
      const live = fromBackupPolicy(datastore.config.backup_policy);
      // A policy removed in the console reads as a disabled schedule, so `up` turns it back on.
      const state: BackupScheduleOutputs = live
        ? { ...props, ...live, retentionDays: live.retentionDays || props.retentionDays }
        : { ...props, enabled: false };
      return { id, props: state, inputs: state };
    },

    async delete(id, props) {
      const given = deps();
      const { api, log } = given;
      try {
        await withinDeadline(given, props.waitTimeoutMinutes, async (deadlineMs) => {
          // One read-modify-write that flips only `enabled`, keeping the rest of the live policy (and
          // sending nothing when it is already off): the datastore and its backups stay.
          const written = await whenDatastoreIdle(given, id, deadlineMs, () =>
            api.updateDatastoreConfig(id, (config) =>
              config.backup_policy?.enabled === true
                ? { ...config, backup_policy: { ...config.backup_policy, enabled: false } }
                : undefined,
            ),
          );
          if (written.status === "updating") {
            await api.waitForDatastore(id, isActive, {
              onProgress: progressReporter(log, `datastore ${id}`),
            });
          }
        });
      } catch (error) {
        // A deleted datastore has no schedule left to disable.
        if (isDfCloudError(error, "NotFoundError") || isDfCloudError(error, "TerminalStateError")) return;
        throw withOperation(`disabling the backup schedule of datastore ${id}`, error);
      }
    },
  };
}

/** Throws when the datastore did not keep the schedule that was written. */
function confirm(datastore: Datastore, wanted: ScheduleSpec): void {
  const live = fromBackupPolicy(datastore.config.backup_policy);
  if (!live || !sameSchedule(live, wanted)) {
    throw new Error(
      `the API accepted the schedule but the datastore reports ${JSON.stringify(datastore.config.backup_policy ?? null)}`,
    );
  }
}
