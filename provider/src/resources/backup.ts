import { z } from "zod";
import { backupExpiresAt } from "../client/derived";
import { isDfCloudError } from "../client/errors";
import { TIMESTAMP_UNIT_MS } from "../client/modelled";
import type { Backup } from "../client/schemas";
import type { ResourceDeps } from "./api";
import { checkFields, type FieldRule } from "./check";
import {
  datastoreIdRule,
  findDatastore,
  lookupAtPreview,
  missingDatastore,
  PartialCreateError,
  progressReporter,
  waitTimeoutRule,
  whenDatastoreIdle,
  withinDeadline,
  withOperation,
} from "./common";
import type { CheckFailure, CheckResult, DiffResult, ResourceLogic } from "./contract";
import { backupIdSchema } from "./ids";
import { retentionDaysSchema } from "./schedule-spec";

/** Longest description the API takes (docs/api-model.md, a modelled choice). */
export const MAX_DESCRIPTION_LENGTH = 256;

/** Backup inputs after `check`. */
export interface BackupInputs {
  datastoreId: string;
  description: string;
  retentionDays: number;
  waitTimeoutMinutes: number;
  existingBackupId?: string;
}

/** What the API says about one backup, in the provider's vocabulary (used by outputs and lookups). */
export interface BackupInfo {
  backupId: string;
  datastoreId: string;
  /** Empty when the API did not say. */
  description: string;
  retentionDays: number;
  /** `manual` or `scheduled`; empty when the API did not say. */
  source: string;
  /** `pending`, `ready`, `failed`, or `expired` once its retention passed and the API deleted it. */
  status: string;
  /** Size in bytes; 0 until ready (or when the API did not say). */
  sizeBytes: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC: `createdAt` + `retentionDays`, when the API deletes it. */
  expiresAt: string;
  /** Cloud provider of the datastore it was taken from (`aws`, `gcp`, `azure`); empty when not said. */
  cloudProvider: string;
  /** Region of the datastore it was taken from; empty when not said. */
  region: string;
  /** Shards of the datastore it was taken from; 0 when the API did not say. */
  shardCount: number;
}

export { PartialCreateError } from "./common";

/** Backup outputs: the inputs plus what the API says about the backup. */
export type BackupOutputs = BackupInputs & BackupInfo;

/** How each Backup input is validated. */
export const backupRules: Record<keyof BackupInputs, FieldRule> = {
  datastoreId: datastoreIdRule,
  description: {
    schema: z
      .string({
        error: () => `must be a string of at most ${MAX_DESCRIPTION_LENGTH} characters (default "")`,
      })
      .max(MAX_DESCRIPTION_LENGTH, { error: () => `must be at most ${MAX_DESCRIPTION_LENGTH} characters` })
      .default(""),
  },
  retentionDays: {
    schema: retentionDaysSchema,
    required: "how many whole days the backup is kept (at least 1)",
  },
  waitTimeoutMinutes: waitTimeoutRule,
  existingBackupId: { schema: backupIdSchema.optional() },
};

/** A backup cannot be edited: a change of any of these makes a new one. */
const REPLACING: readonly (keyof BackupInputs)[] = ["datastoreId", "description", "retentionDays"];

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

/** Maps the API's backup to {@link BackupInfo}; what the API did not send reads as empty. */
export function backupInfo(backup: Backup): BackupInfo {
  return {
    backupId: backup.backup_id,
    datastoreId: backup.datastore_id,
    description: backup.description ?? "",
    retentionDays: backup.retention,
    source: backup.source ?? "",
    status: backup.status,
    sizeBytes: backup.size_bytes ?? 0,
    createdAt: new Date(backup.created_at * TIMESTAMP_UNIT_MS).toISOString(),
    expiresAt: backupExpiresAt(backup).toISOString(),
    cloudProvider: backup.location?.provider ?? "",
    region: backup.location?.region ?? "",
    shardCount: backup.shard_count ?? 0,
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
    const { api, log } = deps();
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
        onProgress: progressReporter(log, `backup ${backup.backup_id}`),
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
      const { values, unknownKeys, failures } = checkFields(backupRules, news);
      if (failures.length > 0) return { failures };
      const inputs = values as unknown as BackupInputs;
      if (unknownKeys.has("datastoreId") || unknownKeys.has("existingBackupId")) return { inputs };
      const problems = await lookupAtPreview(deps(), () => liveProblems(olds, inputs));
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      const replaces: string[] = REPLACING.filter((key) => olds[key] !== news[key]);
      // Naming the backup this resource already holds is no change; naming another one adopts it.
      if (news.existingBackupId !== undefined && news.existingBackupId !== olds.backupId)
        replaces.push("existingBackupId");
      if (replaces.length > 0) return { changes: true, replaces };
      return { changes: olds.waitTimeoutMinutes !== news.waitTimeoutMinutes };
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
                given.api.createBackup(inputs),
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
        return { id, props: backupOutputs(inputsOf(props), backup), inputs: inputsOf(props) };
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
