/**
 * The Backup resource: a one-off (manual) backup of a datastore. A backup cannot be edited, so every
 * change of what it is makes a new one; the resource id is the backup id.
 */
import { isDfCloudError } from "../../client/errors";
import { replacingKeys } from "../../schema/spec";
import { checkFields } from "../check";
import { whenDatastoreIdle } from "../datastore";
import { withinDeadline } from "../deadline";
import type { ResourceDeps } from "../deps";
import { PartialCreateError, withOperation } from "../errors";
import { DEFAULT_WAIT_TIMEOUT_MINUTES } from "../inputs";
import { datastoreExists } from "../listing";
import type { CheckFailure, CheckResult, DiffResult, ReadResult, ResourceLogic } from "../logic";
import { backupInfo, createBackupRequest } from "../model";
import { lookupAtPreview, missingDatastore } from "../preview";
import { progressReporter } from "../progress";
import {
  BACKUP_INFO_TYPE,
  type BackupInfo,
  type BackupInputs,
  type BackupOutputs,
  backupContract,
} from "./contract";
import {
  adoptedBackupMissing,
  adoptionMismatch,
  backupFailed,
  backupNotReady,
  goneWithoutApiTime,
  operation,
} from "./messages";

/**
 * A backup cannot be edited: a change of any of these makes a new one. `existingBackupId` is judged
 * on its own in diff (naming the backup already held is no change).
 */
const REPLACING = replacingKeys(backupContract).filter((key) => key !== "existingBackupId");

/** Every input of the contract. */
const INPUTS = Object.keys(backupContract.inputs) as (keyof BackupInputs)[];

/**
 * The inputs the API reports on a backup (its datastore, description, retention): what an adopted or
 * imported backup's inputs are read from.
 */
const REPORTED_INPUTS = INPUTS.filter((key): key is keyof BackupInputs & keyof BackupInfo =>
  Object.hasOwn(BACKUP_INFO_TYPE.properties, key),
);

/** The Backup resource's logic over the deps a front door gives it. */
export function backupLogic(deps: () => ResourceDeps): ResourceLogic<BackupInputs, BackupOutputs> {
  return {
    check: (olds, news) => check(deps(), olds, news),
    diff: async (_id, olds, news) => diff(olds, news),
    create: (inputs) => create(deps(), inputs),
    update: (_id, olds, news) => keepWaiting(deps(), olds, news),
    read: (id, props) => read(deps(), id, props),
    delete: (id, props) => remove(deps(), id, props),
  };
}

/** Validates the inputs, then looks up the ids that are known and new or changed. */
async function check(
  deps: ResourceDeps,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<CheckResult<BackupInputs>> {
  const { values: inputs, unknownKeys, failures } = checkFields(backupContract.inputs, news);
  if (failures.length > 0) return { failures };
  if (unknownKeys.has("datastoreId") || unknownKeys.has("existingBackupId")) return { inputs };
  const problems = await lookupAtPreview(deps, () => liveProblems(deps, olds, inputs));
  return problems.length > 0 ? { failures: problems } : { inputs };
}

/** Preview-time lookups of the ids that are known and new or changed; unchanged ids cost nothing. */
async function liveProblems(
  deps: ResourceDeps,
  olds: Record<string, unknown>,
  inputs: BackupInputs,
): Promise<CheckFailure[]> {
  const failures: CheckFailure[] = [];
  if (olds.datastoreId !== inputs.datastoreId && !(await datastoreExists(deps, inputs.datastoreId)))
    failures.push(missingDatastore(inputs.datastoreId));
  const adopting = inputs.existingBackupId;
  if (adopting === undefined || olds.existingBackupId === adopting) return failures;
  const problem = await adoptionProblem(deps, inputs, adopting);
  if (problem) failures.push({ property: "existingBackupId", reason: `existingBackupId: ${problem}` });
  return failures;
}

/** Why the backup `existingBackupId` names cannot be adopted, or undefined when it can. */
async function adoptionProblem(
  deps: ResourceDeps,
  inputs: BackupInputs,
  backupId: string,
): Promise<string | undefined> {
  try {
    const mismatches = adoptionMismatches(inputs, backupInfo(await deps.api.getBackup(backupId)));
    return mismatches.length > 0 ? adoptionMismatch(backupId, mismatches) : undefined;
  } catch (error) {
    // Nothing can be adopted through an API that cannot show a backup.
    if (isDfCloudError(error, "EndpointMissingError")) return error.message;
    if (isDfCloudError(error, "NotFoundError")) return adoptedBackupMissing(backupId);
    throw error;
  }
}

/**
 * How an existing backup differs from the inputs that would adopt it (`description "console"`);
 * empty when it matches. Every input the API reports on a backup is compared.
 */
function adoptionMismatches(inputs: BackupInputs, backup: BackupInfo): string[] {
  return REPORTED_INPUTS.filter((key) => backup[key] !== inputs[key]).map(
    (key) => `${key} ${JSON.stringify(backup[key])}`,
  );
}

/** Replaces on any change of what the backup is; the wait timeout alone is an in-place update. */
function diff(olds: BackupOutputs, news: BackupInputs): DiffResult {
  const replaces: string[] = REPLACING.filter((key) => olds[key] !== news[key]);
  // Naming the backup this resource already holds is no change; naming another one adopts it.
  if (news.existingBackupId !== undefined && news.existingBackupId !== olds.backupId)
    replaces.push("existingBackupId");
  const changed = [...replaces];
  if (olds.waitTimeoutMinutes !== news.waitTimeoutMinutes) changed.push("waitTimeoutMinutes");
  if (replaces.length > 0) return { changes: true, changed, replaces };
  return { changes: changed.length > 0, changed };
}

/** Takes the backup (or adopts `existingBackupId`) and waits until it is ready. */
function create(deps: ResourceDeps, inputs: BackupInputs): Promise<{ id: string; outs: BackupOutputs }> {
  const adopting = inputs.existingBackupId;
  const doing = adopting ? operation.adopting(adopting) : operation.creating(inputs.datastoreId);
  return withinDeadline(deps, inputs.waitTimeoutMinutes, async (deadlineMs) => {
    let backup: BackupInfo;
    try {
      backup = backupInfo(
        adopting
          ? await adopt(deps, inputs, adopting)
          : await whenDatastoreIdle(deps, inputs.datastoreId, deadlineMs, () =>
              deps.api.createBackup(createBackupRequest(inputs)),
            ),
      );
    } catch (error) {
      throw withOperation(doing, error);
    }
    return { id: backup.backupId, outs: await waitUntilReady(deps, inputs, backup) };
  });
}

/** The backup `existingBackupId` names, when it matches the inputs. */
async function adopt(deps: ResourceDeps, inputs: BackupInputs, backupId: string) {
  const backup = await deps.api.getBackup(backupId);
  const mismatches = adoptionMismatches(inputs, backupInfo(backup));
  if (mismatches.length > 0) throw new Error(adoptionMismatch(backupId, mismatches));
  return backup;
}

/**
 * Waits until the backup is ready. A backup that fails, or outlives the wait, exists on the API side
 * already: it is recorded in state (a partial create), never orphaned nor taken twice.
 */
async function waitUntilReady(
  deps: ResourceDeps,
  inputs: BackupInputs,
  backup: BackupInfo,
): Promise<BackupOutputs> {
  const outputs = (info: BackupInfo): BackupOutputs => ({ ...info, ...inputs });
  if (backup.status === "ready") return outputs(backup);
  if (backup.status === "failed") {
    throw new PartialCreateError(backupFailed(backup.backupId), backup.backupId, outputs(backup));
  }
  try {
    const ready = await deps.api.waitForBackup(backup.backupId, {
      onProgress: progressReporter(deps.status, `backup ${backup.backupId}`),
    });
    return outputs(backupInfo(ready));
  } catch (error) {
    if (isDfCloudError(error, "TerminalStateError")) {
      const failed = { ...outputs(backup), status: "failed" };
      throw new PartialCreateError(backupFailed(backup.backupId), backup.backupId, failed, { cause: error });
    }
    const why = error instanceof Error ? error.message : String(error);
    throw new PartialCreateError(backupNotReady(backup.backupId, why), backup.backupId, outputs(backup), {
      cause: error,
    });
  }
}

/**
 * Only non-replacing inputs (the wait timeout) reach an update; nothing is sent. A create that gave
 * up waiting recorded the backup still pending (a partial create); the engine then runs an update
 * with no change to "continue awaiting" it, and waiting here is what makes `pulumi up` again keep
 * waiting, as that error tells the user.
 */
async function keepWaiting(
  deps: ResourceDeps,
  olds: BackupOutputs,
  news: BackupInputs,
): Promise<{ outs: BackupOutputs }> {
  const outs = { ...olds, waitTimeoutMinutes: news.waitTimeoutMinutes };
  if (olds.status === "failed") throw new Error(backupFailed(olds.backupId));
  if (olds.status !== "pending") return { outs };
  return withinDeadline(deps, news.waitTimeoutMinutes, async () => {
    let backup: BackupInfo;
    try {
      backup = backupInfo(await deps.api.getBackup(olds.backupId));
    } catch (error) {
      throw withOperation(operation.reading(olds.backupId), error);
    }
    if (backup.status === "failed") throw new Error(backupFailed(olds.backupId));
    return { outs: await waitUntilReady(deps, inputsOf(outs), backup) };
  });
}

/**
 * Reads the backup. One gone before its expiry was deleted outside Pulumi: dropped from state. One
 * gone after its expiry expired by design: kept with status `expired`, so `up` does not make a new
 * one. With no properties, this is `pulumi import` of a backup by its id.
 */
async function read(
  deps: ResourceDeps,
  id: string,
  props: BackupOutputs,
): Promise<ReadResult<BackupOutputs, BackupInputs>> {
  try {
    const backup = backupInfo(await deps.api.getBackup(id));
    // On import the inputs are what the API says, in the form check normalises them to, so the
    // program declaring them previews no change.
    const inputs =
      props.datastoreId === undefined
        ? inputsOf({ ...backup, waitTimeoutMinutes: DEFAULT_WAIT_TIMEOUT_MINUTES } as BackupOutputs)
        : inputsOf(props);
    return { id, props: { ...backup, ...inputs }, inputs };
  } catch (error) {
    if (!isDfCloudError(error, "NotFoundError")) throw withOperation(operation.reading(id), error);
    // Expiry is judged on the API's clock (the Date of the 404 just received), never this machine's:
    // a runner whose clock is off would otherwise drop a backup that merely expired, and `up` would
    // make a new one.
    const apiNow = deps.api.apiNow();
    if (apiNow === undefined) {
      throw withOperation(operation.reading(id), new Error(goneWithoutApiTime, { cause: error }));
    }
    if (props.expiresAt && apiNow >= Date.parse(props.expiresAt)) {
      return { id, props: { ...props, status: "expired", sizeBytes: 0 }, inputs: inputsOf(props) };
    }
    return { id: "" };
  }
}

/** Deletes the backup; one already gone counts as deleted. */
async function remove(deps: ResourceDeps, id: string, props: BackupOutputs): Promise<void> {
  try {
    await withinDeadline(deps, props.waitTimeoutMinutes, () => deps.api.deleteBackup(id));
  } catch (error) {
    if (isDfCloudError(error, "NotFoundError")) return;
    throw withOperation(operation.deleting(id), error);
  }
}

/** The input part of a Backup's state: every input the contract declares that state holds. */
function inputsOf(props: BackupOutputs): BackupInputs {
  return Object.fromEntries(
    INPUTS.filter((key) => props[key] !== undefined).map((key) => [key, props[key]]),
  ) as BackupInputs;
}
