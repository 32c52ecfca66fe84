/**
 * What a RestoreDrill tells the person running Pulumi, defined once: the logic throws, warns and logs
 * these and the tests expect them. The first line says what happened and what to do; the details
 * follow on the next.
 */

import { dataFailure, minKeysMustBe as minKeysMustBeText } from "../data-checks";
import { triggerText } from "../restore/messages";
import type { RestoreDrillOutputs } from "./contract";
import { DEFAULT_MIN_KEYS } from "./defaults";

/** Seconds as a message shows them: minutes with one decimal from one minute up. */
function durationText(seconds: number): string {
  return seconds < 60 ? `${seconds} s` : `${(seconds / 60).toFixed(1)} minutes (${seconds} s)`;
}

/** What the drill was doing, for the error that wraps a failure, and its log lines. */
export const operation = {
  drilling: (datastoreId: string, trigger: string | undefined) =>
    `restore drill of datastore ${datastoreId} for ${triggerText(trigger)}`,
  created: (datastoreId: string, name: string) =>
    `created temporary datastore ${datastoreId} (${name}) to restore into; it is deleted when the drill ends`,
  deleted: (datastoreId: string) => `deleted temporary datastore ${datastoreId}`,
  passed: (outs: RestoreDrillOutputs) =>
    `restore drill passed: backup ${outs.backupId} restored into ${outs.scratchDatastoreId} in ` +
    `${outs.restoreSeconds === undefined ? "an unmeasured time" : durationText(outs.restoreSeconds)}, ` +
    `${outs.keys ?? 0} keys read back`,
};

/** The steps a drill can stop at, as a failure line names them. */
export const stage = {
  scratch: "scratch datastore",
  restore: "restore",
  readBack: "read-back",
};

/** The wait for the restore to finish: its progress line's subject, and what a wait that ran out was for. */
export const waitingFor = {
  progress: (backupId: string, datastoreId: string) =>
    `drill restore of backup ${backupId} into datastore ${datastoreId}`,
  description: (backupId: string) => `to finish restoring backup ${backupId}`,
};

/** One line of `failures` per failed check, naming the input it failed. */
export const failure = {
  ...dataFailure,
  maxRestoreMinutes: (seconds: number, maxMinutes: number) =>
    `maxRestoreMinutes: the restore took ${durationText(seconds)}; the objective is ${maxMinutes} minutes`,
  maxBackupAgeHours: (backupId: string, ageHours: number, maxHours: number) =>
    `maxBackupAgeHours: backup ${backupId} was ${ageHours} hours old when the drill started; the objective is ${maxHours} hours`,
  backupAgeUnknown: (backupId: string) =>
    `maxBackupAgeHours: the age of backup ${backupId} cannot be read (the API has no backup endpoints); set no maxBackupAgeHours to drill it`,
  /** A step that did not complete: the checks after it could not run. */
  stopped: (step: string, why: string) => `${step}: ${why}`,
};

/** The error of a drill that failed a check: every failure, and where the evidence is. */
export function drillFailed(doing: string, outs: RestoreDrillOutputs): string {
  return (
    `${doing} failed ${outs.failures.length === 1 ? "a check" : `${outs.failures.length} checks`}; ` +
    "it is recorded in state with `passed: false`; fix the cause and change `trigger` to drill again.\n" +
    outs.failures.map((line) => `- ${line}`).join("\n")
  );
}

/** A recorded failed drill with the same inputs: it is not run again. */
export function recordedFailure(outs: RestoreDrillOutputs): string {
  return (
    `restore drill of datastore ${outs.datastoreId} for ${triggerText(outs.trigger)} failed at ${outs.checkedAt} and ` +
    "is not run again with the same inputs; change `trigger` to drill again.\n" +
    outs.failures.map((line) => `- ${line}`).join("\n")
  );
}

/** `scratchDatastoreId` is the source: a drill would wipe the data it is meant to prove. */
export function scratchIsSource(datastoreId: string): string {
  return (
    `must not be the drilled datastore ${datastoreId}: a drill replaces the scratch datastore's data. ` +
    "Name another datastore, or leave it unset for a temporary one"
  );
}

/** `scratchDatastoreId` without `acknowledgeDataLoss: true`. */
export function scratchMustBeAcknowledged(datastoreId: string): string {
  return `must be true when scratchDatastoreId is set: every drill deletes the data of datastore ${datastoreId}`;
}

/** `acknowledgeDataLoss` is anything but the literal true. */
export const mustAcknowledgeScratchLoss =
  "must be the literal true when set: every drill deletes the scratch datastore's data";

/** `trigger` is not a string. */
export const triggerMustBeString =
  "must be a string; change it (for example to the ISO week, 2026-W49) to run a new drill";

export { expectKeysMustBeStrings } from "../data-checks";

/** `minKeys` is not a whole number from 0. */
export const minKeysMustBe = minKeysMustBeText(`default ${DEFAULT_MIN_KEYS}`);

/** `maxRestoreMinutes` is not a positive number. */
export const maxRestoreMinutesMustBe = "must be a number of minutes above 0 (default: not judged)";

/** `maxBackupAgeHours` is not a positive number. */
export const maxBackupAgeMustBe = "must be a number of hours above 0 (default: not judged)";

/** `backupId` names no backup of the account. */
export function backupMissing(backupId: string): string {
  return `backup ${backupId} does not exist in this account`;
}

/** `backupId` is a backup of another datastore. */
export function backupOfOtherDatastore(backupId: string, owner: string, datastoreId: string): string {
  return `backup ${backupId} is a backup of datastore ${owner}, not of ${datastoreId}; a drill proves the backups of datastoreId`;
}

/** The backup is not `ready`. */
export function backupNotReady(backupId: string, status: string): string {
  return `backup ${backupId} is ${status}; only a ready backup can be drilled`;
}

/** No ready backup of the source to drill. */
export function noReadyBackup(datastoreId: string): string {
  return (
    `datastore ${datastoreId} has no ready backup to drill; take one (a Backup resource, passed as backupId) or ` +
    "wait for its schedule's next backup"
  );
}

/** No ready backup yet at preview: one may be taken before the drill runs. */
export function noReadyBackupYet(datastoreId: string): string {
  return (
    `RestoreDrill: datastore ${datastoreId} has no ready backup yet; \`up\` fails unless one is ready when the drill ` +
    "runs (make the drill depend on the Backup that takes it)"
  );
}

/** The newest backup cannot be found without the backup endpoints. */
export function newestNeedsBackupEndpoints(datastoreId: string, why: string): string {
  return `set backupId: the newest backup of datastore ${datastoreId} cannot be found (${why})`;
}

/** An API without backup endpoints cannot show the named backup at preview. */
export function backupUnverified(backupId: string, why: string): string {
  return (
    `RestoreDrill backupId: backup ${backupId} cannot be verified before \`pulumi up\`; check that it exists and is ready.\n` +
    `${why}. Its age cannot be read either, so a maxBackupAgeHours fails the drill`
  );
}

/** A temporary datastore's delete failed: said, recorded, and retried by the next drill or destroy. */
export function scratchNotDeleted(datastoreId: string, why: string): string {
  return (
    `RestoreDrill: temporary datastore ${datastoreId} was not deleted; the next \`pulumi up\` or \`pulumi destroy\` ` +
    `of this stack deletes it (or delete it in the console).\n${why}`
  );
}

/** `pulumi import` of a drill: there is nothing to import. */
export function cannotImport(id: string): string {
  return (
    `a RestoreDrill cannot be imported (${id}); declare it, and \`up\` runs the drill.\n` +
    "A drill is evidence this stack records (what was restored, read back and judged), not an object the API keeps"
  );
}

/** A leftover of an earlier drill was deleted. */
export function leftoverDeleted(datastoreId: string, name: string): string {
  return `deleted temporary datastore ${datastoreId} (${name}), left behind by an earlier drill that did not finish`;
}

/** A leftover of an earlier drill could not be deleted. */
export function leftoverNotDeleted(datastoreId: string, why: string): string {
  return `RestoreDrill: temporary datastore ${datastoreId}, left behind by an earlier drill, was not deleted; delete it in the console.\n${why}`;
}
