/**
 * What a Restore tells the person running Pulumi, defined once: the logic throws, warns and logs
 * these and the tests expect them. The first line says what happened and what to do; the details
 * follow on the next.
 */
import { describeValue } from "../check";
import type { RestoreOutputs } from "./contract";
import { RESTORE_MARKER_KEY } from "./marker";

/** How a message names a trigger: quoted, or `no trigger` when it is unset (a RestoreDrill's too). */
export function triggerText(trigger: string | undefined): string {
  return trigger === undefined ? "no trigger" : `trigger ${JSON.stringify(trigger)}`;
}

/** What an operation was doing, for the error that wraps its failure. */
export const operation = {
  /** A Restore being created (new, or a replacement). */
  restoring: (backupId: string, datastoreId: string) =>
    `restoring backup ${backupId} into datastore ${datastoreId}`,
  /** A recorded Restore run again in place (a new trigger, or the same after a lost answer). */
  rerunning: (backupId: string, datastoreId: string, trigger: string | undefined) =>
    `restoring backup ${backupId} into datastore ${datastoreId} for ${triggerText(trigger)}`,
  /** An update that waits for the restore a create recorded as started. */
  waiting: (backupId: string, datastoreId: string, startedAt: string) =>
    `waiting for the restore of backup ${backupId} into datastore ${datastoreId} started at ${startedAt} (not started again)`,
  reading: (datastoreId: string) => `reading datastore ${datastoreId}`,
  /** An update that writes the rerun marker of a recorded restore (`rerunMarker` turned on since, or its write failed). */
  marking: (backupId: string, datastoreId: string) =>
    `writing the rerun marker of the restore of backup ${backupId} into datastore ${datastoreId} (nothing is restored)`,
};

/** The wait for a restore to finish: its progress line's subject, and what a wait that ran out was for. */
export const waitingFor = {
  progress: (backupId: string, datastoreId: string) =>
    `restore of backup ${backupId} into datastore ${datastoreId}`,
  description: (backupId: string) => `to finish restoring backup ${backupId}`,
};

/** `acknowledgeDataLoss` is anything but the literal true. */
export const mustAcknowledgeDataLoss =
  "must be the literal true: a restore deletes every key in the datastore and replaces it with the backup's data, and cannot be undone";

/** `trigger` is not a string. */
export const triggerMustBeString =
  "must be a string; change it (for example to today's date) to run the restore again";

/** `rerunMarker` is not a boolean. */
export const rerunMarkerMustBeBoolean = "must be true or false (default false)";

/** `ifAlreadyLoaded` is none of its values. */
export function ifAlreadyLoadedMustBeOneOf(values: readonly string[]): string {
  return `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")} (default "fail")`;
}

/** `backupId` names no backup of the account. */
export function backupMissing(backupId: string): string {
  return `backup ${backupId} does not exist in this account`;
}

/** An API without backup endpoints cannot show the backup at preview (a warning; `up` goes on). */
export function backupUnverified(backupId: string, why: string): string {
  return (
    `Restore backupId: backup ${backupId} cannot be verified before \`pulumi up\`; check that it exists and is ready.\n` +
    `${why}. Only the datastore was checked; if the backup does not exist, is not ready or does not fit the ` +
    "datastore, the API refuses the restore at `up` and nothing is changed"
  );
}

/** The backup is not `ready` (pending or failed): nothing to restore yet. */
export function backupNotReady(backupId: string, status: string): string {
  return `backup ${backupId} is ${status}; only a ready backup can be restored`;
}

/** Where a backup or a datastore runs, as messages name it. */
export interface Place {
  cloudProvider: string;
  region: string;
}

/** The backup is in another cloud or region than the datastore. */
export function otherPlace(backupId: string, source: Place, datastoreId: string, target: Place): string {
  return (
    `backup ${backupId} is in ${source.cloudProvider} ${source.region} but datastore ` +
    `${datastoreId} is in ${target.cloudProvider} ${target.region}; a backup restores only into the same cloud and region`
  );
}

/** A multi-shard backup and a datastore of another shard count. */
export function shardMismatch(
  backupId: string,
  backupShards: number,
  datastoreId: string,
  datastoreShards: number,
): string {
  return (
    `backup ${backupId} has ${backupShards} shards but datastore ${datastoreId} has ${datastoreShards}; ` +
    "a multi-shard backup restores only into a datastore with the same shard count"
  );
}

/** An id not known at preview (a resource this update changes), of a restore that already ran (a warning). */
export function idNotKnownYet(key: "backupId" | "datastoreId"): string {
  return (
    `Restore ${key} is not known until \`pulumi up\`; this restore already ran, so if ${key} changes, ` +
    "`up` will stop before restoring anything unless `trigger` changes too"
  );
}

/** An id of a restore that already ran changed without a new trigger. */
export function idChangedWithoutTrigger(key: "backupId" | "datastoreId", from: unknown, to: unknown): string {
  return (
    `changed from ${JSON.stringify(from)} to ${JSON.stringify(to)}, but this restore already ran ` +
    `and runs again only on purpose: to restore now, also change \`trigger\` (for example to today's date); ` +
    `to keep things as they are, set ${key} back to ${JSON.stringify(from)}`
  );
}

/** The way out every "cannot tell" message gives on its first line: look at the data, then say what to do. */
const CHECK_THE_DATA =
  "check the datastore's data, then set `ifAlreadyLoaded: \"skip\"` if it is the backup's data you wanted (the restore " +
  'is recorded without running), or `ifAlreadyLoaded: "restore"` to wipe the datastore and restore the backup again on purpose';

/**
 * A Restore being created whose datastore already holds its backup: nothing of this stack explains it.
 * @param lastRestore the datastore's last restore as the API sent it
 */
export function alreadyHeld(datastoreId: string, backupId: string, lastRestore: string): string {
  return (
    `No restore was started: datastore ${datastoreId} already holds backup ${backupId}, and this Restore has no ` +
    `restore of its own on record to explain it; ${CHECK_THE_DATA}.\n` +
    `Its config.restore is ${lastRestore}. This Restore is being created (new, or replacing one): an earlier ` +
    "`pulumi up` may have been interrupted after starting this very restore, or it was restored before. Once a " +
    "Restore is recorded, a new `trigger` restores again without `ifAlreadyLoaded`"
  );
}

/** A datastore that holds the backup a re-run names, as the re-run's messages describe it. */
export interface Held {
  datastoreId: string;
  backupId: string;
  /** The datastore's status, e.g. `active`. */
  status: string;
  /** Its last restore as the API sent it. */
  lastRestore: string;
}

/** What the datastore shows of its last restore. */
function heldText(held: Held): string {
  return (
    `datastore ${held.datastoreId} holds backup ${held.backupId} (it is ${held.status}, its config.restore ` +
    `${held.lastRestore})`
  );
}

/** The restore this stack records, as the re-run's messages cite it. */
export type RecordedRestore = Pick<RestoreOutputs, "trigger" | "startedAt" | "restoredAt">;

/** A re-run whose recorded restore was not seen to finish: the datastore cannot say what came after it. */
export function recordNotFinished(held: Held, record: RecordedRestore, trigger: string | undefined): string {
  const recordedTrigger = record.trigger === undefined ? "unset" : JSON.stringify(record.trigger);
  return (
    `No restore was started: the restore this stack records was not seen to finish, so it cannot tell whether the ` +
    `datastore was restored again after it; set \`trigger\` back to ${recordedTrigger} and run \`pulumi up\` to ` +
    `finish the recorded restore (it starts nothing), then check the data before you change \`trigger\` again, ` +
    `or ${CHECK_THE_DATA}.\n` +
    `${capitalised(heldText(held))}; the recorded restore (${triggerText(record.trigger)}) started at ` +
    `${record.startedAt}. An earlier \`pulumi up\` with ${triggerText(trigger)} may have been interrupted after ` +
    "starting this very restore"
  );
}

/** A re-run of a recorded request whose answer was lost: the datastore looks the same either way. */
export function recordLostAnswer(held: Held, record: RecordedRestore): string {
  return (
    `No restore was started: the restore this stack records as requested lost its answer, and the datastore ` +
    `cannot show whether it took; ${CHECK_THE_DATA}.\n` +
    `The restore of backup ${held.backupId} into datastore ${held.datastoreId} was requested at ` +
    `${record.startedAt} (${triggerText(record.trigger)}); ${heldText(held)} either way`
  );
}

/** A re-run whose datastore shows the backup requested again after the record and not loaded. */
export function requestedAfterRecord(held: Held, record: RecordedRestore): string {
  return (
    `No restore was started: datastore ${held.datastoreId} was asked to restore backup ${held.backupId} again ` +
    `after the restore this stack records, and that restore was not seen to finish loading; ${CHECK_THE_DATA}.\n` +
    `${capitalised(heldText(held))}; this stack recorded restoring it at ${record.restoredAt ?? record.startedAt} ` +
    `(${triggerText(record.trigger)})`
  );
}

/** The restore this stack records, as the rerun marker's messages cite it. */
export type MarkedRestore = Pick<RestoreOutputs, "trigger" | "startedAt" | "restoredAt" | "markerValue">;

/**
 * What a re-run found where the rerun marker should be: no key, another value, or no reading because
 * a restore of the backup was seen running when the marker was to be read (it has finished since).
 */
export type MarkerFound = { kind: "missing" } | { kind: "other"; value: string } | { kind: "restore-seen" };

/** What the marker's key showed, for the details line. */
function foundText(found: MarkerFound): string {
  switch (found.kind) {
    case "missing":
      return "the key is not there";
    case "other":
      return `it holds ${describeValue(found.value, true)}`;
    case "restore-seen":
      return "a restore of the backup was seen running when the key was to be read, and it has finished since";
  }
}

/**
 * A re-run with `rerunMarker` whose marker is gone or changed: the datastore's data was replaced
 * after the restore this stack records, perhaps by this trigger's own interrupted `up`.
 */
export function markerReplaced(held: Held, record: MarkedRestore, found: MarkerFound): string {
  return (
    `No restore was started: the rerun marker this stack wrote after its restore is ` +
    `${found.kind === "other" ? "changed" : "gone"}, so datastore ${held.datastoreId}'s data was replaced after ` +
    `that restore (perhaps by an interrupted \`pulumi up\` whose restore of backup ${held.backupId} finished since, ` +
    `or by a restore or flush outside this stack); ${CHECK_THE_DATA}.\n` +
    `Key ${RESTORE_MARKER_KEY} was to hold ${JSON.stringify(record.markerValue ?? "")}, written when this stack ` +
    `recorded restoring it at ${record.restoredAt ?? record.startedAt} (${triggerText(record.trigger)}); ` +
    `${foundText(found)}. ${capitalised(heldText(held))}`
  );
}

/**
 * A re-run with `rerunMarker` whose record has no marker to compare with: recorded with
 * `rerunMarker` off, or its marker could not be written.
 */
export function markerNotRecorded(held: Held, record: MarkedRestore): string {
  return (
    "No restore was started: `rerunMarker` is on, but the restore this stack records has no marker to compare " +
    `with (it was recorded with \`rerunMarker\` off, or writing its marker failed), so it cannot tell whether the ` +
    `datastore was restored again after it; ${CHECK_THE_DATA}.\n` +
    `${capitalised(heldText(held))}; this stack recorded restoring it at ${record.restoredAt ?? record.startedAt} ` +
    `(${triggerText(record.trigger)}). Turning \`rerunMarker\` on without changing \`trigger\` writes the marker ` +
    "and restores nothing"
  );
}

/**
 * A re-run with `rerunMarker` whose marker could not be read (the data plane unreachable,
 * authentication refused, a timeout): nothing is sent.
 * @param why the data-plane failure, its password removed
 */
export function markerUnreadable(datastoreId: string, why: string): string {
  return (
    `No restore was started: the rerun marker (key ${RESTORE_MARKER_KEY}) could not be read, so it is not known ` +
    `whether datastore ${datastoreId} was restored again after the restore this stack records; make its data ` +
    "plane reachable from the machine running Pulumi and run `pulumi up` again, or set `rerunMarker: false` to " +
    "restore again without the check.\n" +
    `${why}`
  );
}

/**
 * The restore finished and is recorded, but its rerun marker could not be written.
 * @param why the data-plane failure, its password removed
 */
export function markerNotWritten(datastoreId: string, why: string): string {
  return (
    `the restore finished and is recorded, but its rerun marker (key ${RESTORE_MARKER_KEY}) could not be written ` +
    `into datastore ${datastoreId}; run \`pulumi up\` again to write it (it restores nothing): until then a new ` +
    "`trigger` stops before restoring.\n" +
    `${why}`
  );
}

/** The rerun marker was written after a recorded restore (kept in the output: it is a write into the data). */
export function markerWritten(datastoreId: string, value: string): string {
  return `wrote the rerun marker ${RESTORE_MARKER_KEY} = ${JSON.stringify(value)} into datastore ${datastoreId}`;
}

/** A sentence's first letter in upper case. */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** A restore of the same backup already runs (an interrupted run's): it is waited for, not repeated. */
export function alreadyRestoring(datastoreId: string, backupId: string): string {
  return `datastore ${datastoreId} is already restoring backup ${backupId} (an interrupted run?); waiting for that restore`;
}

/** `ifAlreadyLoaded: "skip"` recorded the restore without running it. */
export function recordedWithoutRestoring(datastoreId: string, backupId: string): string {
  return `datastore ${datastoreId} already holds backup ${backupId}; recorded without restoring (ifAlreadyLoaded: "skip")`;
}

/**
 * A new Restore's restore request lost its answer and the datastore cannot show whether it took.
 * @param why the client's account of the lost answer
 */
export function answerLost(why: string): string {
  return (
    "The restore request lost its answer and was not sent again; check the datastore's data: if it holds the " +
    'backup\'s data, set `ifAlreadyLoaded: "skip"` and run `pulumi up` to record the restore; to restore on purpose, ' +
    'set `ifAlreadyLoaded: "restore"`.\n' +
    `${why}`
  );
}

/**
 * A re-run's restore request lost its answer: recorded as `unknown`, and nothing starts until the
 * user says what to do.
 * @param why the client's account of the lost answer
 */
export function answerLostRecorded(why: string): string {
  return (
    "The restore request lost its answer and was not sent again; check the datastore's data: if it holds the " +
    'backup\'s data, set `ifAlreadyLoaded: "skip"` and run `pulumi up` to record the restore; to restore on purpose, ' +
    'set `ifAlreadyLoaded: "restore"`.\n' +
    `It is recorded in the stack with status "unknown", and \`pulumi up\` starts nothing until you say what to do. ${why}`
  );
}

/**
 * A restore that started and was not seen to finish: recorded in state, waited for by the next `up`.
 * @param why what ended the wait (ran out, cancelled, a failed read)
 */
export function notSeenToFinish(startedAt: string, why: string): string {
  return (
    `the restore started at ${startedAt} but was not seen to finish; run \`pulumi up\` again to keep waiting for it ` +
    "(it is recorded in the stack and will not be started again).\n" +
    `${why}`
  );
}

/** `pulumi import` of a Restore. */
export function cannotImport(id: string): string {
  return (
    `a Restore cannot be imported (${id}); declare it with ifAlreadyLoaded: "skip" to record one that already ran.\n` +
    "The API keeps no record of restores, only the datastore's last config.restore"
  );
}

/** `destroy` of a Restore: the data stays. */
export function removedFromStack(backupId: string, datastoreId: string): string {
  return `Restore of backup ${backupId} removed from the stack; datastore ${datastoreId} keeps its data (a restore cannot be undone)`;
}

/** The restored data failed its checks: the restore is recorded, with every failure. */
export function dataChecksFailed(doing: string, failures: readonly string[]): string {
  return (
    `${doing}: the restore finished but its data failed ${failures.length === 1 ? "a check" : `${failures.length} checks`}; ` +
    "it is recorded with its `failures`, and every `up` fails until `trigger` changes.\n" +
    failures.map((line) => `- ${line}`).join("\n")
  );
}

/** A recorded restore whose data failed its checks, with the same trigger: not restored again. */
export function recordedDataFailures(record: RestoreOutputs): string {
  return (
    `the restore of backup ${record.backupId} into datastore ${record.datastoreId} for ${triggerText(record.trigger)} ` +
    `finished at ${record.restoredAt ?? record.startedAt} but its data failed its checks; change \`trigger\` to restore again.\n` +
    (record.failures ?? []).map((line) => `- ${line}`).join("\n")
  );
}
