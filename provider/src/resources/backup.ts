import { z } from "zod";
import { backupExpiresAt } from "../client/derived";
import { isDfCloudError } from "../client/errors";
import { TIMESTAMP_UNIT_MS } from "../client/modelled";
import type { Backup } from "../client/schemas";
import type { ResourceDeps } from "./api";
import { checkFields, type FieldRule } from "./check";
import {
  datastoreIdRule,
  minutesToMs,
  progressReporter,
  waitTimeoutRule,
  whenDatastoreIdle,
  withOperation,
} from "./common";
import type { CheckResult, DiffResult, ResourceLogic } from "./contract";
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
  description: string;
  retentionDays: number;
  /** `manual` or `scheduled`. */
  source: string;
  /** `pending`, `ready`, `failed`, or `expired` once its retention passed and the API deleted it. */
  status: string;
  /** Size in bytes; 0 until ready. */
  sizeBytes: number;
  /** ISO 8601, UTC. */
  createdAt: string;
  /** ISO 8601, UTC: `createdAt` + `retentionDays`, when the API deletes it. */
  expiresAt: string;
  /** Cloud provider of the datastore it was taken from (`aws`, `gcp`, `azure`). */
  cloudProvider: string;
  region: string;
  shardCount: number;
}

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
  existingBackupId: {
    schema: z
      .string({
        error: () => "must be the id of an existing backup (a bkp_… string) to adopt instead of creating one",
      })
      .min(1, {
        error: () => "must be the id of an existing backup (a bkp_… string) to adopt instead of creating one",
      })
      .optional(),
  },
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

/** Maps the API's backup to {@link BackupInfo}. */
export function backupInfo(backup: Backup): BackupInfo {
  return {
    backupId: backup.backup_id,
    datastoreId: backup.datastore_id,
    description: backup.description,
    retentionDays: backup.retention,
    source: backup.source,
    status: backup.status,
    sizeBytes: backup.size_bytes,
    createdAt: new Date(backup.created_at * TIMESTAMP_UNIT_MS).toISOString(),
    expiresAt: backupExpiresAt(backup).toISOString(),
    cloudProvider: backup.location.provider,
    region: backup.location.region,
    shardCount: backup.shard_count,
  };
}

/** Turns the API's backup into outputs. */
export function backupOutputs(inputs: BackupInputs, backup: Backup): BackupOutputs {
  return { ...backupInfo(backup), ...inputs };
}

/**
 * The error a failed `create` throws once the backup exists: carrying `id` and `properties` makes
 * the engine record the backup in state (ErrorResourceInitFailed), so it is never orphaned; the next
 * `up` sees it and waits again.
 */
export class PartialCreateError extends Error {
  override readonly name = "PartialCreateError";
  readonly reasons: string[];
  constructor(
    message: string,
    readonly id: string,
    readonly properties: BackupOutputs,
  ) {
    super(message);
    this.reasons = [message];
  }
}

/** The Backup resource: a one-off (manual) backup of a datastore. */
export function backupLogic(deps: () => ResourceDeps): ResourceLogic<BackupInputs, BackupOutputs> {
  async function adopt(inputs: BackupInputs, backupId: string): Promise<Backup> {
    const backup = await deps().api.getBackup(backupId);
    const mismatches = [
      backup.datastore_id !== inputs.datastoreId && `datastoreId ${JSON.stringify(backup.datastore_id)}`,
      backup.description !== inputs.description && `description ${JSON.stringify(backup.description)}`,
      backup.retention !== inputs.retentionDays && `retentionDays ${backup.retention}`,
    ].filter(Boolean);
    if (mismatches.length > 0) {
      throw new Error(
        `existing backup ${backupId} has ${mismatches.join(", ")}; set the same values on this resource to adopt it`,
      );
    }
    return backup;
  }

  async function waitUntilReady(inputs: BackupInputs, backup: Backup): Promise<BackupOutputs> {
    const { api, log } = deps();
    if (backup.status === "ready") return backupOutputs(inputs, backup);
    try {
      const ready = await api.waitForBackup(backup.backup_id, {
        timeoutMs: minutesToMs(inputs.waitTimeoutMinutes),
        onProgress: progressReporter(log, `backup ${backup.backup_id}`),
      });
      return backupOutputs(inputs, ready);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      throw new PartialCreateError(
        `backup ${backup.backup_id} was created but did not become ready: ${message}. It is recorded in the ` +
          "stack; run `pulumi up` again to keep waiting, or `pulumi destroy` to delete it",
        backup.backup_id,
        backupOutputs(inputs, backup),
      );
    }
  }

  return {
    async check(_olds, news): Promise<CheckResult<BackupInputs>> {
      const { values, failures } = checkFields(backupRules, news);
      return failures.length > 0 ? { failures } : { inputs: values as unknown as BackupInputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
      const replaces: string[] = REPLACING.filter((key) => olds[key] !== news[key]);
      // Naming the backup this resource already holds is no change; naming another one adopts it.
      if (news.existingBackupId !== undefined && news.existingBackupId !== olds.backupId)
        replaces.push("existingBackupId");
      return replaces.length > 0 ? { changes: true, replaces } : { changes: false };
    },

    async create(inputs) {
      const operation = inputs.existingBackupId
        ? `adopting backup ${inputs.existingBackupId}`
        : `creating a backup of datastore ${inputs.datastoreId}`;
      let backup: Backup;
      try {
        const given = deps();
        const deadline = given.now() + minutesToMs(inputs.waitTimeoutMinutes);
        backup = inputs.existingBackupId
          ? await adopt(inputs, inputs.existingBackupId)
          : await whenDatastoreIdle(given, inputs.datastoreId, deadline, () =>
              given.api.createBackup(inputs),
            );
      } catch (error) {
        throw withOperation(operation, error);
      }
      return { id: backup.backup_id, outs: await waitUntilReady(inputs, backup) };
    },

    async update(_id, olds, news) {
      // Only non-replacing inputs (the wait timeout) reach here; nothing to send.
      const outs = { ...olds, waitTimeoutMinutes: news.waitTimeoutMinutes };
      // A create that gave up waiting recorded the backup still pending (PartialCreateError); the engine
      // then runs an update with no change to "continue awaiting" it. Waiting here is what makes
      // `pulumi up` again keep waiting, as that error tells the user.
      if (olds.status !== "pending") return { outs };
      let backup: Backup;
      try {
        backup = await deps().api.getBackup(olds.backupId);
      } catch (error) {
        throw withOperation(`reading backup ${olds.backupId}`, error);
      }
      return { outs: await waitUntilReady(inputsOf(outs), backup) };
    },

    async read(id, props) {
      const { api, now } = deps();
      try {
        const backup = await api.getBackup(id);
        return { id, props: backupOutputs(inputsOf(props), backup), inputs: inputsOf(props) };
      } catch (error) {
        if (!isDfCloudError(error, "NotFoundError")) throw withOperation(`reading backup ${id}`, error);
        // Gone after its expiry: deleted by design; keep it so `up` does not make a new one.
        if (props.expiresAt && now() >= Date.parse(props.expiresAt)) {
          return { id, props: { ...props, status: "expired", sizeBytes: 0 }, inputs: inputsOf(props) };
        }
        // Gone before its expiry: someone deleted it outside Pulumi.
        return { id: "" };
      }
    },

    async delete(id) {
      try {
        await deps().api.deleteBackup(id);
      } catch (error) {
        if (isDfCloudError(error, "NotFoundError")) return;
        throw withOperation(`deleting backup ${id}`, error);
      }
    },
  };
}
