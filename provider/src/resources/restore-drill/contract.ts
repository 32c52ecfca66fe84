/**
 * The RestoreDrill resource's contract: every input and output, declared once. A drill restores a
 * backup somewhere harmless, reads the data back over the datastore's own protocol, and records
 * whether it met the objectives: evidence that a backup restores, and how fast.
 */
import {
  type InputsOf,
  optionalOutput,
  output,
  type ResourceOutputsOf,
  resourceContract,
  t,
} from "../../schema/spec";
import * as z from "../../zod";
import { expectKeysInput, minKeysInput } from "../data-checks";
import { backupIdSchema, datastoreIdSchema } from "../ids";
import { datastoreIdInput, waitTimeoutInput } from "../inputs";
import { DEFAULT_MIN_KEYS } from "./defaults";
import {
  maxBackupAgeMustBe,
  maxRestoreMinutesMustBe,
  mustAcknowledgeScratchLoss,
  triggerMustBeString,
} from "./messages";

export { DEFAULT_MIN_KEYS } from "./defaults";

/** The RestoreDrill resource's contract. */
export const restoreDrillContract = resourceContract({
  name: "RestoreDrill",
  description:
    "Proves that a backup restores: restores it into a temporary datastore (or a scratch datastore you name), reads " +
    "the data back over the datastore's Redis protocol, and judges the result against your objectives: keys that must " +
    "exist, a minimum key count, the restore time (RTO) and the backup's age (RPO). The source datastore is never " +
    "written to. A temporary datastore is made like the backup's (same cloud, region, tier and shard count), named " +
    "`dfcloud-drill-…` so that a drill killed midway is found and deleted by the next `up` or `destroy`, and deleted " +
    "when the drill ends, whatever happened. A drill runs on create and again when any input but `waitTimeoutMinutes` " +
    "changes (pass the ISO week as `trigger` for a weekly drill); a failed check fails `up` with every failure listed " +
    "and stays in state with `passed: false` as evidence. `destroy` deletes what a drill left behind, never a scratch " +
    "datastore you named.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore whose backups are drilled (`dst_…`). It is only read, never written to.",
      false,
    ),
    backupId: {
      schema: backupIdSchema.optional(),
      type: t.string,
      description:
        "Id of the backup to drill (`bkp_…`); it must be a ready backup of `datastoreId`. Default: the newest ready " +
        "backup of `datastoreId` when the drill runs. The output holds the backup that was drilled.",
    },
    scratchDatastoreId: {
      schema: datastoreIdSchema.optional(),
      type: t.string,
      description:
        "Id of an existing datastore to restore into instead of a temporary one (`dst_…`). Every drill DELETES ITS DATA " +
        "(set `acknowledgeDataLoss`); it must not be `datastoreId`, and it is never deleted. Default: a temporary " +
        "datastore, created for the drill and deleted after it. The output holds the datastore drilled into.",
    },
    acknowledgeDataLoss: {
      schema: z.literal(true, { error: () => mustAcknowledgeScratchLoss }).optional(),
      type: t.boolean,
      sdkType: "true",
      description:
        "Must be `true` when `scratchDatastoreId` is set: you accept that every drill deletes that datastore's data. " +
        "Not needed for a temporary datastore.",
    },
    expectKeys: expectKeysInput(),
    minKeys: minKeysInput(DEFAULT_MIN_KEYS),
    maxRestoreMinutes: {
      schema: z
        .number({ error: () => maxRestoreMinutesMustBe })
        .positive({ error: () => maxRestoreMinutesMustBe })
        .optional(),
      type: t.number,
      description:
        "The recovery time objective (RTO), in minutes: the longest the restore may take, from the restore request " +
        "until the API shows the backup loaded, on the API's clock. Default: not judged (the time is still recorded).",
    },
    maxBackupAgeHours: {
      schema: z
        .number({ error: () => maxBackupAgeMustBe })
        .positive({ error: () => maxBackupAgeMustBe })
        .optional(),
      type: t.number,
      description:
        "The recovery point objective (RPO), in hours: the oldest the drilled backup may be when the drill starts, on " +
        "the API's clock. Default: not judged (the age is still recorded).",
    },
    trigger: {
      schema: z.string({ error: () => triggerMustBeString }).optional(),
      type: t.string,
      description:
        "Any string; a new value runs a new drill (for example the ISO week, `2026-W49`, from a scheduled pipeline). " +
        "Default: unset.",
    },
    waitTimeoutMinutes: waitTimeoutInput("the whole drill (temporary datastore, restore and read-back)"),
  },
  outputs: {
    backupCreatedAt: optionalOutput(
      t.string,
      "When the drilled backup was taken, ISO 8601 UTC; absent when the API has no backup endpoints to show it.",
    ),
    backupAgeHours: optionalOutput(
      t.number,
      "The drilled backup's age when the drill started, in hours on the API's clock (two decimals).",
    ),
    temporaryScratch: output(
      t.boolean,
      "True when the drill restored into a temporary datastore it made; false for a named `scratchDatastoreId`.",
    ),
    scratchDeleted: output(
      t.boolean,
      "True when the temporary datastore was deleted after the drill; false for a named scratch datastore, and when " +
        "the delete failed (the next `up` or `destroy` tries again).",
    ),
    restoreSeconds: optionalOutput(
      t.number,
      "How long the restore took, in seconds on the API's clock: from the restore request until the API showed the " +
        "backup loaded (accurate to one poll). Absent when the restore did not finish.",
    ),
    keys: optionalOutput(t.integer, "How many keys the restored datastore held when read back (DBSIZE)."),
    missingKeys: output(t.array(t.string), "The keys of `expectKeys` the restored datastore did not hold."),
    passed: output(t.boolean, "True when every check passed."),
    failures: output(
      t.array(t.string),
      "One line per failed check, naming the input it failed (`minKeys`, `expectKeys`, `maxRestoreMinutes`, " +
        "`maxBackupAgeHours`) or what stopped the drill; empty when it passed.",
    ),
    checkedAt: output(t.string, "When the drill ended, ISO 8601 UTC on the API's clock."),
  },
});

/** RestoreDrill inputs after `check`. */
export type RestoreDrillInputs = InputsOf<typeof restoreDrillContract.inputs>;

/** RestoreDrill outputs: the inputs (with `backupId` and `scratchDatastoreId` as drilled) plus the evidence. */
export type RestoreDrillOutputs = ResourceOutputsOf<typeof restoreDrillContract> & {
  backupId: string;
  scratchDatastoreId: string;
};
