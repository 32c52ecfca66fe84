import { z } from "zod";
import { isDfCloudError } from "../client/errors";
import { API_LIMITS } from "../client/modelled";
import type { Backup } from "../client/schemas";
import {
  type InputsOf,
  type OutputsOf,
  objectType,
  output,
  type ResourceOutputsOf,
  replacingKeys,
  resourceContract,
  t,
} from "../schema/spec";
import { checkFields } from "./check";
import { whenDatastoreIdle } from "./datastore";
import { withinDeadline } from "./deadline";
import type { ResourceDeps } from "./deps";
import { PartialCreateError, withOperation } from "./errors";
import { backupIdSchema } from "./ids";
import { DEFAULT_WAIT_TIMEOUT_MINUTES, datastoreIdInput, waitTimeoutInput } from "./inputs";
import type { CheckFailure, CheckResult, DiffResult, ResourceLogic } from "./logic";
import { backupInfo, createBackupRequest } from "./model";
import { findDatastore, lookupAtPreview, missingDatastore } from "./preview";
import { progressReporter } from "./progress";
import { retentionDaysSchema } from "./schedule-spec";

const DESCRIPTION_MAX = API_LIMITS.descriptionLength.max;
const RETENTION = API_LIMITS.retentionDays;

/** What the API says about one backup, in the provider's vocabulary: Backup's outputs and the lookups' result. */
export const BACKUP_INFO_TYPE = objectType("BackupInfo", "One backup, as the API reports it.", {
  backupId: output(t.string, "Id of the backup (`bkp_…`)."),
  datastoreId: output(t.string, "Id of the datastore it was taken from."),
  description: output(t.string, "Its description; empty when none was given."),
  retentionDays: output(t.integer, "How long the API keeps it, in whole days."),
  source: output(
    t.string,
    "`manual`, or `scheduled` when the datastore's schedule took it; empty when the API did not say.",
  ),
  status: output(
    t.string,
    "`pending`, `ready` or `failed`; a `Backup` resource also shows `expired` once its retention passed.",
  ),
  sizeBytes: output(t.integer, "Size in bytes; 0 until it is ready (or when the API did not say)."),
  createdAt: output(t.string, "When it was taken, ISO 8601 UTC."),
  expiresAt: output(t.string, "When the API deletes it (`createdAt` plus `retentionDays`), ISO 8601 UTC."),
  cloudProvider: output(
    t.string,
    "Cloud provider of its datastore (`aws`, `gcp` or `azure`); it restores only into a datastore of the same cloud. Empty when the API did not say.",
  ),
  region: output(
    t.string,
    "Region of its datastore; it restores only into a datastore of the same region. Empty when the API did not say.",
  ),
  shardCount: output(
    t.integer,
    "Shard count of its datastore when it was taken; a backup of more than one shard restores only into a datastore with the same count. 0 when the API did not say.",
  ),
});

/** What the API says about one backup (see {@link BACKUP_INFO_TYPE}). */
export type BackupInfo = OutputsOf<typeof BACKUP_INFO_TYPE.properties>;

const {
  datastoreId: _datastoreId,
  description: _description,
  retentionDays: _retentionDays,
  ...backupOnlyOutputs
} = BACKUP_INFO_TYPE.properties;

/** The Backup resource's contract: every input and output, declared once. */
export const backupContract = resourceContract({
  name: "Backup",
  description:
    "A one-off (manual) backup of a datastore. `up` creates it and waits until it is `ready`; a change of datastore, " +
    "description or retention makes a new one; `refresh` drops a backup deleted outside Pulumi and keeps one that " +
    "expired (status `expired`, judged on the API's clock) without re-creating it; a backup the API marks `failed` " +
    "is reported as final with how to replace it; `destroy` deletes it — protect it (`protect: true` or " +
    "`retainOnDelete: true`) to keep it. The resource id is the backup id.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore to back up (`dst_…`). Changing it makes a new backup.",
      true,
    ),
    description: {
      schema: z
        .string({ error: () => `must be a string of at most ${DESCRIPTION_MAX} characters (default "")` })
        .max(DESCRIPTION_MAX, { error: () => `must be at most ${DESCRIPTION_MAX} characters` })
        .default(""),
      type: t.string,
      default: "",
      replaces: true,
      description: `Text that helps you find the backup later (at most ${DESCRIPTION_MAX} characters). Default \`""\`. Changing it makes a new backup.`,
    },
    retentionDays: {
      schema: retentionDaysSchema,
      type: t.integer,
      replaces: true,
      required: `how many whole days the backup is kept (${RETENTION.min} to ${RETENTION.max})`,
      description: `How long the API keeps the backup, in whole days (${RETENTION.min}–${RETENTION.max}); it is deleted automatically after. Changing it makes a new backup.`,
    },
    waitTimeoutMinutes: waitTimeoutInput("the backup to become ready"),
    existingBackupId: {
      schema: backupIdSchema.optional(),
      type: t.string,
      replaces: true,
      description:
        "Adopt this existing backup (`bkp_…`) instead of creating one. Its datastore, description and retention must " +
        "match the other inputs (checked at preview). Default: unset (create a new backup). Naming another backup " +
        "replaces the resource.",
    },
  },
  outputs: backupOnlyOutputs,
});

/** Backup inputs after `check`. */
export type BackupInputs = InputsOf<typeof backupContract.inputs>;

export { PartialCreateError } from "./errors";

/** Backup outputs: the inputs plus what the API says about the backup. */
export type BackupOutputs = ResourceOutputsOf<typeof backupContract>;

/**
 * A backup cannot be edited: a change of any of these makes a new one. `existingBackupId` is judged
 * on its own in diff (naming the backup already held is no change).
 */
const REPLACING = replacingKeys(backupContract).filter((key) => key !== "existingBackupId");

/** The input part of a Backup's state. */
function inputsOf(props: BackupOutputs): BackupInputs {
  const { datastoreId, description, retentionDays, waitTimeoutMinutes, existingBackupId } = props;
  return {
    datastoreId,
    description,
    retentionDays,
    waitTimeoutMinutes,
    ...(existingBackupId ? { existingBackupId } : {}),
  };
}

/** Turns the API's backup into outputs. */
export function backupOutputs(inputs: BackupInputs, backup: Backup): BackupOutputs {
  return { ...backupInfo(backup), ...inputs };
}

/** What to tell the user about a backup the API reports `failed`: it will never become ready. */
function failedBackupMessage(backupId: string): string {
  return (
    `backup ${backupId} failed on the API side (status "failed"): it will never become ready, and waiting again ` +
    "does not help. Replace it with a new backup: `pulumi up --replace <urn>` with this Backup's URN " +
    "(`pulumi stack --show-urns` lists it); `pulumi destroy --target <urn>` deletes it instead"
  );
}

/** How an existing backup differs from the inputs that would adopt it; empty when it matches. */
function adoptionMismatches(inputs: BackupInputs, backup: Backup): string[] {
  return [
    backup.datastore_id !== inputs.datastoreId && `datastoreId ${JSON.stringify(backup.datastore_id)}`,
    (backup.description ?? "") !== inputs.description &&
      `description ${JSON.stringify(backup.description ?? "")}`,
    backup.retention !== inputs.retentionDays && `retentionDays ${backup.retention}`,
  ].filter((mismatch): mismatch is string => typeof mismatch === "string");
}

/** The Backup resource: a one-off (manual) backup of a datastore. */
export function backupLogic(deps: () => ResourceDeps): ResourceLogic<BackupInputs, BackupOutputs> {
  async function adopt(inputs: BackupInputs, backupId: string): Promise<Backup> {
    const backup = await deps().api.getBackup(backupId);
    const mismatches = adoptionMismatches(inputs, backup);
    if (mismatches.length > 0) {
      throw new Error(
        `existing backup ${backupId} has ${mismatches.join(", ")}; set the same values on this resource to adopt it`,
      );
    }
    return backup;
  }

  /** Preview-time lookups of the ids that are known and new or changed; unchanged ids cost nothing. */
  async function liveProblems(olds: Record<string, unknown>, inputs: BackupInputs): Promise<CheckFailure[]> {
    const given = deps();
    const failures: CheckFailure[] = [];
    if (olds.datastoreId !== inputs.datastoreId && !(await findDatastore(given, inputs.datastoreId)))
      failures.push(missingDatastore(inputs.datastoreId));
    const adopting = inputs.existingBackupId;
    if (adopting !== undefined && olds.existingBackupId !== adopting) {
      try {
        const mismatches = adoptionMismatches(inputs, await given.api.getBackup(adopting));
        if (mismatches.length > 0)
          failures.push({
            property: "existingBackupId",
            reason: `existingBackupId: backup ${adopting} has ${mismatches.join(", ")}; set the same values on this resource to adopt it`,
          });
      } catch (error) {
        // Nothing can be adopted through an API that cannot show a backup.
        const missingEndpoints = isDfCloudError(error, "EndpointMissingError");
        if (!missingEndpoints && !isDfCloudError(error, "NotFoundError")) throw error;
        failures.push({
          property: "existingBackupId",
          reason: missingEndpoints
            ? `existingBackupId: ${error.message}`
            : `existingBackupId: backup ${adopting} does not exist in this account`,
        });
      }
    }
    return failures;
  }

  async function waitUntilReady(inputs: BackupInputs, backup: Backup): Promise<BackupOutputs> {
    const { api, status } = deps();
    if (backup.status === "ready") return backupOutputs(inputs, backup);
    if (backup.status === "failed") {
      throw new PartialCreateError(
        failedBackupMessage(backup.backup_id),
        backup.backup_id,
        backupOutputs(inputs, backup),
      );
    }
    try {
      const ready = await api.waitForBackup(backup.backup_id, {
        onProgress: progressReporter(status, `backup ${backup.backup_id}`),
      });
      return backupOutputs(inputs, ready);
    } catch (error) {
      if (isDfCloudError(error, "TerminalStateError")) {
        throw new PartialCreateError(
          failedBackupMessage(backup.backup_id),
          backup.backup_id,
          { ...backupOutputs(inputs, backup), status: "failed" },
          { cause: error },
        );
      }
      const message = error instanceof Error ? error.message : String(error);
      throw new PartialCreateError(
        `backup ${backup.backup_id} was created but did not become ready: ${message}. It is recorded in the ` +
          "stack; run `pulumi up` again to keep waiting, or `pulumi destroy` to delete it",
        backup.backup_id,
        backupOutputs(inputs, backup),
        { cause: error },
      );
    }
  }

  return {
    async check(olds, news): Promise<CheckResult<BackupInputs>> {
      const { values: inputs, unknownKeys, failures } = checkFields(backupContract.inputs, news);
      if (failures.length > 0) return { failures };
      if (unknownKeys.has("datastoreId") || unknownKeys.has("existingBackupId")) return { inputs };
      const problems = await lookupAtPreview(deps(), () => liveProblems(olds, inputs));
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      const replaces: string[] = REPLACING.filter((key) => olds[key] !== news[key]);
      // Naming the backup this resource already holds is no change; naming another one adopts it.
      if (news.existingBackupId !== undefined && news.existingBackupId !== olds.backupId)
        replaces.push("existingBackupId");
      const changed = [...replaces];
      if (olds.waitTimeoutMinutes !== news.waitTimeoutMinutes) changed.push("waitTimeoutMinutes");
      if (replaces.length > 0) return { changes: true, changed, replaces };
      return { changes: changed.length > 0, changed };
    },

    async create(inputs) {
      const operation = inputs.existingBackupId
        ? `adopting backup ${inputs.existingBackupId}`
        : `creating a backup of datastore ${inputs.datastoreId}`;
      const given = deps();
      return withinDeadline(given, inputs.waitTimeoutMinutes, async (deadlineMs) => {
        let backup: Backup;
        try {
          backup = inputs.existingBackupId
            ? await adopt(inputs, inputs.existingBackupId)
            : await whenDatastoreIdle(given, inputs.datastoreId, deadlineMs, () =>
                given.api.createBackup(createBackupRequest(inputs)),
              );
        } catch (error) {
          throw withOperation(operation, error);
        }
        return { id: backup.backup_id, outs: await waitUntilReady(inputs, backup) };
      });
    },

    async update(_id, olds, news) {
      // Only non-replacing inputs (the wait timeout) reach here; nothing to send.
      const outs = { ...olds, waitTimeoutMinutes: news.waitTimeoutMinutes };
      if (olds.status === "failed") throw new Error(failedBackupMessage(olds.backupId));
      // A create that gave up waiting recorded the backup still pending (PartialCreateError); the engine
      // then runs an update with no change to "continue awaiting" it. Waiting here is what makes
      // `pulumi up` again keep waiting, as that error tells the user.
      if (olds.status !== "pending") return { outs };
      const given = deps();
      return withinDeadline(given, news.waitTimeoutMinutes, async () => {
        let backup: Backup;
        try {
          backup = await given.api.getBackup(olds.backupId);
        } catch (error) {
          throw withOperation(`reading backup ${olds.backupId}`, error);
        }
        if (backup.status === "failed") throw new Error(failedBackupMessage(olds.backupId));
        return { outs: await waitUntilReady(inputsOf(outs), backup) };
      });
    },

    async read(id, props) {
      const { api } = deps();
      try {
        const backup = await api.getBackup(id);
        // No properties: `pulumi import` of a backup by its id. Its inputs are what the API says, in
        // the form check normalises them to, so the program declaring them previews no change.
        const inputs =
          props.datastoreId === undefined
            ? {
                datastoreId: backup.datastore_id,
                description: backup.description ?? "",
                retentionDays: backup.retention,
                waitTimeoutMinutes: DEFAULT_WAIT_TIMEOUT_MINUTES,
              }
            : inputsOf(props);
        return { id, props: backupOutputs(inputs, backup), inputs };
      } catch (error) {
        if (!isDfCloudError(error, "NotFoundError")) throw withOperation(`reading backup ${id}`, error);
        // Expiry is judged on the API's clock (the Date of the 404 just received), never this machine's:
        // a runner whose clock is off would otherwise drop a backup that merely expired, and `up` would
        // make a new one.
        const apiNow = api.apiNow();
        if (apiNow === undefined) {
          throw withOperation(
            `reading backup ${id}`,
            new Error(
              "it is gone, and the API sent no Date header to tell whether its retention ran out; " +
                "nothing was changed in the stack",
              { cause: error },
            ),
          );
        }
        // Gone after its expiry: deleted by design; keep it so `up` does not make a new one.
        if (props.expiresAt && apiNow >= Date.parse(props.expiresAt)) {
          return { id, props: { ...props, status: "expired", sizeBytes: 0 }, inputs: inputsOf(props) };
        }
        // Gone before its expiry: someone deleted it outside Pulumi.
        return { id: "" };
      }
    },

    async delete(id, props) {
      const given = deps();
      try {
        await withinDeadline(given, props.waitTimeoutMinutes, () => given.api.deleteBackup(id));
      } catch (error) {
        if (isDfCloudError(error, "NotFoundError")) return;
        throw withOperation(`deleting backup ${id}`, error);
      }
    },
  };
}
