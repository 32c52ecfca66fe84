/**
 * The Backup resource's contract, and what the API says about one backup in the provider's
 * vocabulary (its outputs, and the lookups' result).
 */
import { API_LIMITS } from "../../client/modelled";
import {
  type InputsOf,
  type OutputsOf,
  objectType,
  output,
  type ResourceOutputsOf,
  resourceContract,
  t,
} from "../../schema/spec";
import * as z from "../../zod";
import { backupIdSchema } from "../ids";
import { datastoreIdInput, waitTimeoutInput } from "../inputs";
import { retentionDaysSchema } from "../schedule";

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

/** Backup outputs: the inputs plus what the API says about the backup. */
export type BackupOutputs = ResourceOutputsOf<typeof backupContract>;
