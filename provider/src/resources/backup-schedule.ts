import { isDfCloudError } from "../client/errors";
import { API_LIMITS } from "../client/modelled";
import type { BackupPolicy, Datastore } from "../client/schemas";
import { type InputsOf, type ResourceOutputsOf, resourceContract, t, updatableKeys } from "../contract/spec";
import type { ResourceDeps } from "./api";
import { checkFields } from "./check";
import {
  datastoreIdInput,
  findDatastore,
  isActive,
  isGone,
  lookupAtPreview,
  missingDatastore,
  progressReporter,
  waitTimeoutInput,
  whenDatastoreIdle,
  withinDeadline,
  withOperation,
} from "./common";
import type { CheckResult, DiffResult, ResourceLogic } from "./contract";
import { fromBackupPolicy, sameSchedule, toBackupPolicy } from "./model";
import {
  EVERY_TYPE,
  normaliseSchedule,
  type ScheduleSpec,
  scheduleSpecSchema,
  WEEKDAY_TYPE,
} from "./schedule-spec";

const specFields = scheduleSpecSchema.shape;
const RETENTION = API_LIMITS.retentionDays;
const HOURS = API_LIMITS.hour;

/** The BackupSchedule resource's contract: every input and output, declared once. */
export const backupScheduleContract = resourceContract({
  name: "BackupSchedule",
  description:
    "The recurring backup schedule of one datastore (its `config.backup_policy`). `up` writes only the schedule, by " +
    "read-modify-write, and waits until the datastore applied it; `refresh` shows a console edit as drift; " +
    "`destroy` disables the schedule and leaves the datastore and its backups. The resource id is the datastore id.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore whose backups are scheduled (`dst_…`). Changing it replaces the resource.",
      true,
    ),
    enabled: {
      schema: specFields.enabled,
      type: t.boolean,
      default: true,
      description: "Whether scheduled backups are taken. Default `true`.",
    },
    days: {
      schema: specFields.days,
      type: t.oneOf(t.ref(EVERY_TYPE), t.array(t.string)),
      outputType: t.oneOf(t.ref(EVERY_TYPE), t.array(t.ref(WEEKDAY_TYPE))),
      sdkType: `"every" | pulumi.Input<Weekday | (string & {})>[]`,
      required: `"every" or a list of weekday names such as ["mon", "thu"]`,
      description:
        '`"every"` for every day, or the weekdays to back up on (`sun` … `sat`; full names and any case are ' +
        'accepted). Order and duplicates do not matter, and all seven days are the same as `"every"`. Read ' +
        "back normalised: short, lower case, Sunday first.",
    },
    hours: {
      schema: specFields.hours,
      type: t.oneOf(t.ref(EVERY_TYPE), t.array(t.integer)),
      required: `"every" or a list of hours of the day (${HOURS.min}-${HOURS.max}, UTC) such as [2, 14]`,
      description:
        `\`"every"\` for every hour, or hours of the day from ${HOURS.min} to ${HOURS.max}, in **UTC**. Order and ` +
        'duplicates do not matter, and all 24 hours are the same as `"every"`. Read back ascending.',
    },
    retentionDays: {
      schema: specFields.retentionDays,
      type: t.integer,
      required: `how many whole days each scheduled backup is kept (${RETENTION.min} to ${RETENTION.max})`,
      description: `How long each scheduled backup is kept, in whole days (${RETENTION.min}–${RETENTION.max}).`,
    },
    waitTimeoutMinutes: waitTimeoutInput("the datastore to apply the schedule"),
  },
  outputs: {},
});

/** BackupSchedule inputs after `check`: validated and normalised. */
export type BackupScheduleInputs = InputsOf<typeof backupScheduleContract.inputs>;

/** BackupSchedule outputs: the inputs as they are live on the datastore. */
export type BackupScheduleOutputs = ResourceOutputsOf<typeof backupScheduleContract>;

/**
 * Fields whose change is applied in place; `datastoreId` replaces. `waitTimeoutMinutes` alone writes
 * nothing to the API but must reach state: `destroy` uses it.
 */
const UPDATABLE = updatableKeys(backupScheduleContract);

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
      const { values: inputs, unknownKeys, failures } = checkFields(backupScheduleContract.inputs, news);
      if (failures.length > 0) return { failures };
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
