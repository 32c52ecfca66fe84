/**
 * The RestoreDrill resource: restores a backup where it harms nothing, reads the data back over the
 * datastore's own protocol, and judges it against the user's objectives. What it may touch:
 * - the source datastore: read, never written (not even its config);
 * - a temporary datastore it creates, named {@link TEMPORARY_NAME_PREFIX}…, and deletes whatever
 *   happened: on success, on a failed check, on a timeout and on cancellation (outside the cancelled
 *   operation, with a budget of its own);
 * - a scratch datastore the user named and acknowledged: its data is replaced, it is never deleted.
 * A drill killed before it could delete its temporary datastore leaves it behind under a name that
 * says which drill made it and until when it could run: the next drill of the same source and
 * trigger, and the next `destroy`, delete it (removeLeftovers).
 */
import { createHash, randomBytes } from "node:crypto";
import { isDfCloudError } from "../../client/errors";
import { outsideOperation, withinOperation } from "../../client/operation";
import type { Backup, Datastore } from "../../client/schemas";
import { updatableKeys } from "../../schema/spec";
import { checkFields } from "../check";
import { judgeKeyspace } from "../data-checks";
import { whenDatastoreIdle } from "../datastore";
import { apiNowMs, apiTimestamp, withinDeadline } from "../deadline";
import type { ResourceDeps } from "../deps";
import { PartialCreateError, withOperation } from "../errors";
import type {
  CheckFailure,
  CheckResult,
  DiffResult,
  ReadResult,
  ResourceLogic,
  UpdateResult,
} from "../logic";
import {
  backupInfo,
  backupTakenAtMs,
  datastoreInfo,
  datastoreName,
  drillDatastoreConfig,
  hasLoadedBackup,
  isGone,
} from "../model";
import { findDatastore, lookupAtPreview, missingDatastore } from "../preview";
import { progressReporter } from "../progress";
import { restoreProblem } from "../restore/logic";
import { isUnknown } from "../unknowns";
import { type RestoreDrillInputs, type RestoreDrillOutputs, restoreDrillContract } from "./contract";
import {
  backupMissing,
  backupNotReady,
  backupOfOtherDatastore,
  backupUnverified,
  cannotImport,
  drillFailed,
  failure,
  leftoverDeleted,
  leftoverNotDeleted,
  newestNeedsBackupEndpoints,
  noReadyBackup,
  noReadyBackupYet,
  operation,
  recordedFailure,
  scratchIsSource,
  scratchMustBeAcknowledged,
  scratchNotDeleted,
  stage,
  waitingFor,
} from "./messages";

/**
 * What every temporary datastore's name starts with: the mark by which a drill's leftovers are
 * found, and by which a person reading the account's datastores sees what made it.
 */
export const TEMPORARY_NAME_PREFIX = "dfcloud-drill-";

/** How long the delete of a temporary datastore may take once the drill itself has ended (one request and its retries). */
export const CLEANUP_BUDGET_MS = 60_000;

/** Milliseconds in an hour. */
const HOUR_MS = 3_600_000;

/**
 * Inputs whose change runs a new drill: everything the evidence was judged by. `waitTimeoutMinutes`
 * is how long to wait, not what is proved.
 */
const DRILL_KEYS = updatableKeys(restoreDrillContract).filter((key) => key !== "waitTimeoutMinutes");

/**
 * The RestoreDrill resource's logic over the deps a front door gives it; as for every resource, the
 * deps (and with them the API client) are built only on the paths that use them.
 */
export function restoreDrillLogic(
  deps: () => ResourceDeps,
): ResourceLogic<RestoreDrillInputs, RestoreDrillOutputs> {
  return {
    check: async (_olds, news) => check(deps, news),
    diff: async (_id, olds, news) => diff(olds, news),
    create: async (inputs) => {
      const given = deps();
      const outs = await drill(given, inputs, undefined);
      return { id: outs.id, outs: outs.outs };
    },
    update: async (id, olds, news) => update(deps, id, olds, news),
    // A drill is evidence this stack recorded, not an object the API keeps: `pulumi import` (no
    // properties) has nothing to read.
    read: async (id, props): Promise<ReadResult<RestoreDrillOutputs, RestoreDrillInputs>> => {
      if (props.datastoreId === undefined) throw new Error(cannotImport(id));
      return { id, props };
    },
    delete: async (_id, props) => {
      const given = deps();
      await withinDeadline(given, props.waitTimeoutMinutes, async () => {
        await deleteRecordedTemporary(given, props);
        await removeLeftovers(given, props);
      });
    },
  };
}

/**
 * Validates the inputs, refuses a scratch datastore that is the source or that was not acknowledged,
 * and looks the source, the backup and the scratch datastore up before anything is touched.
 */
async function check(
  deps: () => ResourceDeps,
  news: Record<string, unknown>,
): Promise<CheckResult<RestoreDrillInputs>> {
  const { values: inputs, unknownKeys, failures } = checkFields(restoreDrillContract.inputs, news);
  if (failures.length > 0) return { failures };
  const scratch = inputs.scratchDatastoreId;
  if (scratch !== undefined && !unknownKeys.has("scratchDatastoreId")) {
    if (!unknownKeys.has("datastoreId") && scratch === inputs.datastoreId) {
      return {
        failures: [
          { property: "scratchDatastoreId", reason: `scratchDatastoreId: ${scratchIsSource(scratch)}` },
        ],
      };
    }
    if (inputs.acknowledgeDataLoss !== true && !unknownKeys.has("acknowledgeDataLoss")) {
      return {
        failures: [
          {
            property: "acknowledgeDataLoss",
            reason: `acknowledgeDataLoss: ${scratchMustBeAcknowledged(scratch)}`,
          },
        ],
      };
    }
  }
  const lookups = ["datastoreId", "backupId", "scratchDatastoreId"].some((key) => unknownKeys.has(key));
  if (lookups) return { inputs };
  const problems = await lookupAtPreview(deps(), () => liveProblems(deps(), inputs));
  return problems.length > 0 ? { failures: problems } : { inputs };
}

/** What, in the account as it is now, stops the drill; an API without backup endpoints only warns for a named backup. */
async function liveProblems(deps: ResourceDeps, inputs: RestoreDrillInputs): Promise<CheckFailure[]> {
  const [source, scratch, backup] = await Promise.all([
    findDatastore(deps, inputs.datastoreId),
    inputs.scratchDatastoreId === undefined ? undefined : findDatastore(deps, inputs.scratchDatastoreId),
    previewBackup(deps, inputs),
  ]);
  if (!source) return [missingDatastore(inputs.datastoreId)];
  if (inputs.scratchDatastoreId !== undefined && !scratch) {
    return [
      {
        property: "scratchDatastoreId",
        reason: `scratchDatastoreId: datastore ${inputs.scratchDatastoreId} does not exist in this account`,
      },
    ];
  }
  if (typeof backup === "string") return [{ property: "backupId", reason: `backupId: ${backup}` }];
  if (backup && scratch) {
    const problem = restoreProblem(backup, scratch);
    if (problem) return [{ property: "scratchDatastoreId", reason: `scratchDatastoreId: ${problem}` }];
  }
  return [];
}

/**
 * The backup a preview judges the drill by: the named one or the newest ready one; a string says why
 * there is none to drill; undefined when none can be shown (said in a warning, `up` decides).
 */
async function previewBackup(
  deps: ResourceDeps,
  inputs: RestoreDrillInputs,
): Promise<Backup | string | undefined> {
  try {
    return await chooseBackup(deps, inputs);
  } catch (error) {
    if (isDfCloudError(error, "EndpointMissingError") && inputs.backupId !== undefined) {
      deps.warn(backupUnverified(inputs.backupId, error.message));
      return undefined;
    }
    if (error instanceof NoBackupError) {
      // A Backup or a schedule in the same stack may take one before the drill runs.
      if (error.mayAppear) {
        deps.warn(noReadyBackupYet(inputs.datastoreId));
        return undefined;
      }
      return error.message;
    }
    throw error;
  }
}

/** There is no backup to drill, and why. */
class NoBackupError extends Error {
  override readonly name = "NoBackupError";
  /**
   * @param mayAppear true when a backup could still be taken before the drill runs (no ready backup
   *   yet), false when the one named cannot be drilled
   */
  constructor(
    message: string,
    readonly mayAppear: boolean,
  ) {
    super(message);
  }
}

/**
 * The backup to drill: the one named, which must be a ready backup of the source, or the newest ready
 * backup of the source.
 * @throws NoBackupError when there is none to drill
 */
async function chooseBackup(deps: ResourceDeps, inputs: RestoreDrillInputs): Promise<Backup> {
  if (inputs.backupId !== undefined) {
    const backupId = inputs.backupId;
    const backup = await deps.api.getBackup(backupId).catch((error: unknown) => {
      if (isDfCloudError(error, "NotFoundError")) throw new NoBackupError(backupMissing(backupId), false);
      throw error;
    });
    const named = backupInfo(backup);
    if (named.datastoreId !== inputs.datastoreId) {
      throw new NoBackupError(backupOfOtherDatastore(backupId, named.datastoreId, inputs.datastoreId), false);
    }
    if (named.status !== "ready") throw new NoBackupError(backupNotReady(backupId, named.status), false);
    return backup;
  }
  const backups = await deps.api
    .listBackups({ datastoreId: inputs.datastoreId, status: "ready" })
    .catch((error: unknown) => {
      if (isDfCloudError(error, "EndpointMissingError")) {
        throw new NoBackupError(newestNeedsBackupEndpoints(inputs.datastoreId, error.message), false);
      }
      throw error;
    });
  const newest = backups
    .filter((backup) => {
      const { status, datastoreId } = backupInfo(backup);
      return status === "ready" && datastoreId === inputs.datastoreId;
    })
    .sort((a, b) => backupTakenAtMs(b) - backupTakenAtMs(a))[0];
  if (!newest) throw new NoBackupError(noReadyBackup(inputs.datastoreId), true);
  return newest;
}

/**
 * The backup a drill that runs drills: {@link chooseBackup}'s, or only the id a user named when the
 * API has no backup endpoints (the restore itself proves it exists; its age cannot be read).
 */
async function backupToDrill(deps: ResourceDeps, inputs: RestoreDrillInputs): Promise<Backup | string> {
  try {
    return await chooseBackup(deps, inputs);
  } catch (error) {
    if (isDfCloudError(error, "EndpointMissingError") && inputs.backupId !== undefined)
      return inputs.backupId;
    throw error;
  }
}

/** Whether `news` asks for another drill than the one `olds` records; only `waitTimeoutMinutes` does not. */
function changedKeys(olds: RestoreDrillOutputs, news: RestoreDrillInputs): string[] {
  return DRILL_KEYS.filter((key) => {
    const now: unknown = news[key];
    if (isUnknown(now)) return true;
    // Unset means "the newest ready backup" and "a temporary datastore": the record holds what was
    // drilled, so only a named value is compared with it.
    if (key === "backupId") return now !== undefined && now !== olds.backupId;
    if (key === "scratchDatastoreId") {
      return now === undefined
        ? !olds.temporaryScratch
        : olds.temporaryScratch || now !== olds.scratchDatastoreId;
    }
    return JSON.stringify(now) !== JSON.stringify(olds[key]);
  });
}

/** Any input but `waitTimeoutMinutes` runs a new drill, in place: the record it replaces stays readable in the diff. */
function diff(olds: RestoreDrillOutputs, news: RestoreDrillInputs): DiffResult {
  const changed = changedKeys(olds, news);
  if (olds.waitTimeoutMinutes !== news.waitTimeoutMinutes) changed.push("waitTimeoutMinutes");
  return { changes: changed.length > 0, changed };
}

/**
 * A new drill when what it proves changed; otherwise the record is kept. A failed drill kept with the
 * same inputs fails again (the engine updates a resource recorded with errors at every `up`): the
 * evidence says the backup did not pass, and only a new drill can say otherwise.
 */
async function update(
  deps: () => ResourceDeps,
  id: string,
  olds: RestoreDrillOutputs,
  news: RestoreDrillInputs,
): Promise<UpdateResult<RestoreDrillOutputs>> {
  const given = deps();
  // A temporary datastore the recorded drill could not delete goes first, whatever runs next: a new
  // drill's own name differs from it, and its usable-until time may not have passed yet.
  const cleaned = await withinDeadline(given, news.waitTimeoutMinutes, () =>
    deleteRecordedTemporary(given, olds),
  );
  if (changedKeys(olds, news).length > 0) return { outs: (await drill(given, news, id)).outs };
  const outs: RestoreDrillOutputs = {
    ...olds,
    scratchDeleted: cleaned,
    waitTimeoutMinutes: news.waitTimeoutMinutes,
  };
  if (!olds.passed) throw new PartialCreateError(recordedFailure(olds), id, outs);
  return { outs };
}

/**
 * Deletes the temporary datastore a recorded drill made and could not delete (`scratchDeleted:
 * false`); one already gone counts as deleted.
 * @returns whether the record's temporary datastore is now deleted (false for a named scratch one)
 */
async function deleteRecordedTemporary(deps: ResourceDeps, record: RestoreDrillOutputs): Promise<boolean> {
  if (!record.temporaryScratch || record.scratchDatastoreId === "") return false;
  if (record.scratchDeleted) return true;
  await deps.api.deleteDatastore(record.scratchDatastoreId);
  deps.log(operation.deleted(record.scratchDatastoreId));
  return true;
}

/** The evidence of one drill while it runs. */
interface Evidence {
  backupId: string;
  backupCreatedAt?: string;
  backupAgeHours?: number;
  scratchDatastoreId: string;
  temporaryScratch: boolean;
  scratchDeleted: boolean;
  restoreSeconds?: number;
  keys?: number;
  missingKeys: string[];
  failures: string[];
}

/**
 * Runs one drill under one deadline. Nothing is recorded when it cannot start (no source, no backup
 * to drill) or is cancelled; once it started, its outcome is recorded, and a failed one fails `up` as
 * a partial create (or update) that keeps the evidence in state.
 * @param resourceId the recorded drill's id when it runs again in place; undefined for a new one
 */
async function drill(
  deps: ResourceDeps,
  inputs: RestoreDrillInputs,
  resourceId: string | undefined,
): Promise<{ id: string; outs: RestoreDrillOutputs }> {
  const doing = operation.drilling(inputs.datastoreId, inputs.trigger);
  let evidence: Evidence | undefined;
  try {
    evidence = await withinDeadline(deps, inputs.waitTimeoutMinutes, async (deadlineMs) => {
      const source = await deps.api.getDatastore(inputs.datastoreId);
      if (isGone(source)) throw new Error(missingDatastore(inputs.datastoreId).reason);
      await removeLeftovers(deps, inputs);
      const backup = await backupToDrill(deps, inputs);
      const startedMs = apiNowMs(deps);
      const takenMs = typeof backup === "string" ? undefined : backupTakenAtMs(backup);
      const backupId = typeof backup === "string" ? backup : backupInfo(backup).backupId;
      return runChecks(deps, inputs, source, backupId, deadlineMs, {
        backupId,
        ...(takenMs === undefined
          ? {}
          : {
              backupCreatedAt: new Date(takenMs).toISOString(),
              backupAgeHours: round2((startedMs - takenMs) / HOUR_MS),
            }),
        scratchDatastoreId: inputs.scratchDatastoreId ?? "",
        temporaryScratch: inputs.scratchDatastoreId === undefined,
        scratchDeleted: false,
        missingKeys: [],
        failures: [],
      });
    });
  } catch (error) {
    throw withOperation(doing, error);
  }
  const checkedAt = apiTimestamp(deps);
  const id = resourceId ?? `${inputs.datastoreId}/drill/${checkedAt}`;
  const outs: RestoreDrillOutputs = {
    ...inputs,
    ...evidence,
    passed: evidence.failures.length === 0,
    checkedAt,
  };
  if (!outs.passed) throw new PartialCreateError(drillFailed(doing, outs), id, outs);
  deps.log(operation.passed(outs));
  return { id, outs };
}

/**
 * Restores the backup into the scratch datastore (made for the drill unless named), reads the data
 * back and judges it. A failure of any step after the scratch datastore is chosen is evidence, not an
 * error: it is one line of `failures`, and the steps after it do not run. Cancellation is the one
 * exception: it ends the drill unrecorded, once the temporary datastore is deleted.
 */
async function runChecks(
  deps: ResourceDeps,
  inputs: RestoreDrillInputs,
  source: Datastore,
  backupId: string,
  deadlineMs: number,
  evidence: Evidence,
): Promise<Evidence> {
  let current: string = stage.scratch;
  try {
    if (evidence.temporaryScratch) await createTemporary(deps, inputs, source, deadlineMs, evidence);
    const scratchId = evidence.scratchDatastoreId;
    current = stage.restore;
    // The RTO clock starts when the restore is requested: at the read just before the PUT (its
    // answer's Date), not when startRestore returns, which after a lost answer is a re-read later.
    let requestedMs = apiNowMs(deps);
    const markRequest = () => {
      requestedMs = apiNowMs(deps);
      return true;
    };
    await whenDatastoreIdle(deps, scratchId, deadlineMs, () =>
      deps.api.startRestore(scratchId, backupId, { precondition: markRequest }),
    );
    await deps.api.waitForDatastore(scratchId, (d) => hasLoadedBackup(d, backupId), {
      onProgress: progressReporter(deps.status, waitingFor.progress(backupId, scratchId)),
      description: waitingFor.description(backupId),
    });
    // Both instants come from the API's Date header, whole seconds: a restore that finished within
    // the second it was asked in reads as 0, never below.
    evidence.restoreSeconds = round2(Math.max(0, apiNowMs(deps) - requestedMs) / 1000);
    current = stage.readBack;
    const reading = await deps.api.readKeyspace(scratchId, {
      expectKeys: inputs.expectKeys ?? [],
      signal: deps.signal,
      timeoutMs: Math.max(0, deadlineMs - deps.now()),
    });
    evidence.keys = reading.keys;
    evidence.missingKeys = reading.missingKeys;
  } catch (error) {
    if (isDfCloudError(error, "CancelledError")) {
      await deleteTemporary(deps, evidence);
      throw error;
    }
    evidence.failures.push(failure.stopped(current, error instanceof Error ? error.message : String(error)));
  }
  await deleteTemporary(deps, evidence);
  evidence.failures.push(...judge(inputs, evidence));
  return evidence;
}

/** The objectives' verdicts: one line per failed check, naming the input it failed. */
function judge(inputs: RestoreDrillInputs, evidence: Evidence): string[] {
  const failures =
    evidence.keys === undefined
      ? []
      : judgeKeyspace({ keys: evidence.keys, missingKeys: evidence.missingKeys }, inputs);
  if (inputs.maxRestoreMinutes !== undefined && evidence.restoreSeconds !== undefined) {
    if (evidence.restoreSeconds > inputs.maxRestoreMinutes * 60) {
      failures.push(failure.maxRestoreMinutes(evidence.restoreSeconds, inputs.maxRestoreMinutes));
    }
  }
  if (inputs.maxBackupAgeHours !== undefined && evidence.backupAgeHours === undefined) {
    failures.push(failure.backupAgeUnknown(evidence.backupId));
  }
  if (inputs.maxBackupAgeHours !== undefined && evidence.backupAgeHours !== undefined) {
    if (evidence.backupAgeHours > inputs.maxBackupAgeHours) {
      failures.push(
        failure.maxBackupAgeHours(evidence.backupId, evidence.backupAgeHours, inputs.maxBackupAgeHours),
      );
    }
  }
  return failures;
}

/**
 * Creates the drill's temporary datastore and waits until it is active. Its name carries the source,
 * a tag of the source and trigger (leftovers of the same drill are found by it) and the instant, on
 * the API's clock, after which no drill can still be using it (any drill's leftovers are found by it).
 * Its id goes into `evidence` as soon as it exists, before the wait: a drill that runs out of time or
 * is cancelled while the datastore is provisioning still deletes it.
 */
async function createTemporary(
  deps: ResourceDeps,
  inputs: RestoreDrillInputs,
  source: Datastore,
  deadlineMs: number,
  evidence: Evidence,
): Promise<void> {
  const usableUntilMs = apiNowMs(deps) + Math.max(0, deadlineMs - deps.now()) + CLEANUP_BUDGET_MS;
  const name = `${drillPrefix(inputs)}${Math.ceil(usableUntilMs / 1000).toString(36)}-${randomBytes(3).toString("hex")}`;
  const created = await deps.api.createDatastore(drillDatastoreConfig(inputs, source, name));
  const { datastoreId } = datastoreInfo(created);
  evidence.scratchDatastoreId = datastoreId;
  deps.log(operation.created(datastoreId, name));
  await deps.api.waitForDatastore(datastoreId, "active", {
    onProgress: progressReporter(deps.status, `temporary datastore ${datastoreId}`),
  });
}

/**
 * Deletes the drill's temporary datastore, if it made one, outside the drill's own bounds: a drill
 * that ran out of time or was cancelled still deletes it, within {@link CLEANUP_BUDGET_MS}. A delete
 * that fails is said in a warning and recorded (`scratchDeleted: false`); the next drill of the same
 * source and trigger, or `destroy`, deletes it.
 */
async function deleteTemporary(deps: ResourceDeps, evidence: Evidence): Promise<void> {
  if (!evidence.temporaryScratch || evidence.scratchDatastoreId === "" || evidence.scratchDeleted) return;
  const id = evidence.scratchDatastoreId;
  try {
    await outsideOperation(() =>
      withinOperation({ deadlineMs: deps.now() + CLEANUP_BUDGET_MS }, () => deps.api.deleteDatastore(id)),
    );
    evidence.scratchDeleted = true;
    deps.log(operation.deleted(id));
  } catch (error) {
    deps.warn(scratchNotDeleted(id, error instanceof Error ? error.message : String(error)));
  }
}

/** What names a drill's leftovers: `dfcloud-drill-<source>-<tag of source and trigger>-`. */
function drillPrefix(inputs: Pick<RestoreDrillInputs, "datastoreId" | "trigger">): string {
  const tag = createHash("sha256")
    .update(`${inputs.datastoreId}\0${inputs.trigger ?? ""}`)
    .digest("hex")
    .slice(0, 8);
  return `${TEMPORARY_NAME_PREFIX}${inputs.datastoreId}-${tag}-`;
}

/**
 * When a temporary datastore named `name` stops being in use, Unix ms on the API's clock; undefined
 * for a name no drill of `datastoreId` made.
 */
function usableUntilMs(name: string, datastoreId: string): number | undefined {
  const prefix = `${TEMPORARY_NAME_PREFIX}${datastoreId}-`;
  if (!name.startsWith(prefix)) return undefined;
  const [, until] = name.slice(prefix.length).split("-");
  const seconds = until === undefined ? Number.NaN : Number.parseInt(until, 36);
  return Number.isFinite(seconds) ? seconds * 1000 : undefined;
}

/**
 * Deletes the temporary datastores earlier drills of this source left behind: those of the same
 * trigger (this drill's own earlier run, killed), and any whose drill can no longer be running.
 * Another stack's drill of the same source that is still running is left alone.
 */
async function removeLeftovers(
  deps: ResourceDeps,
  inputs: Pick<RestoreDrillInputs, "datastoreId" | "trigger">,
): Promise<void> {
  const own = drillPrefix(inputs);
  const datastores = await deps.api.listDatastores();
  // Read after the list's answer, whose `Date` sets the API's clock: a destroy's first request.
  const nowMs = apiNowMs(deps);
  const leftovers = datastores.filter((datastore) => {
    const name = datastoreName(datastore);
    const until = usableUntilMs(name, inputs.datastoreId);
    if (until === undefined || isGone(datastore)) return false;
    return name.startsWith(own) || until < nowMs;
  });
  for (const leftover of leftovers) {
    const { datastoreId, name } = datastoreInfo(leftover);
    try {
      await deps.api.deleteDatastore(datastoreId);
      deps.log(leftoverDeleted(datastoreId, name));
    } catch (error) {
      deps.warn(leftoverNotDeleted(datastoreId, error instanceof Error ? error.message : String(error)));
    }
  }
}

/** Rounds to two decimals, as the evidence records hours and seconds. */
function round2(value: number): number {
  // `+ 0` turns -0 into 0, which state would otherwise keep as "-0".
  return Math.round(value * 100) / 100 + 0;
}
