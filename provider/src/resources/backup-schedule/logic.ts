/**
 * The BackupSchedule resource: the datastore's schedule (its `config.backup_policy`), written by
 * read-modify-write so the rest of the datastore's config is never touched. The resource id is the
 * datastore id.
 */
import { isDfCloudError } from "../../client/errors";
import type { Datastore } from "../../client/schemas";
import { updatableKeys } from "../../schema/spec";
import { checkFields } from "../check";
import { whenDatastoreIdle } from "../datastore";
import { apiNowMs, withinDeadline } from "../deadline";
import type { ResourceDeps } from "../deps";
import { withOperation } from "../errors";
import { DEFAULT_WAIT_TIMEOUT_MINUTES } from "../inputs";
import { datastoreExists, readDatastore } from "../listing";
import type { CheckResult, DiffResult, ReadResult, ResourceLogic } from "../logic";
import {
  disablingSchedule,
  fromBackupPolicy,
  isActive,
  isUpdating,
  liveSchedule,
  liveScheduleText,
  sameSchedule,
  toBackupPolicy,
} from "../model";
import { lookupAtPreview, missingDatastore } from "../preview";
import { progressReporter } from "../progress";
import {
  conversionOffsetMinutes,
  DEFAULT_DST_HANDLING,
  DEFAULT_TIME_ZONE,
  isWholeHours,
  MINUTES_PER_HOUR,
  normaliseSchedule,
  observesDst,
  offsetsInYear,
  type ScheduleSpec,
  type StoredSchedule,
  scheduleFromUtc,
  scheduleToUtc,
  scheduleZoneFailures,
  storedScheduleAt,
  yearOf,
  type ZoneSettings,
} from "../schedule";
import { type BackupScheduleInputs, type BackupScheduleOutputs, backupScheduleContract } from "./contract";
import { nothingToImport, operation, scheduleNotKept } from "./messages";

/**
 * Fields whose change is applied in place; `datastoreId` replaces. `waitTimeoutMinutes` alone writes
 * nothing to the API but must reach state: `destroy` uses it.
 */
const UPDATABLE = updatableKeys(backupScheduleContract);

/** The BackupSchedule resource's logic over the deps a front door gives it. */
export function backupScheduleLogic(
  deps: () => ResourceDeps,
): ResourceLogic<BackupScheduleInputs, BackupScheduleOutputs> {
  return {
    check: (olds, news) => check(deps(), olds, news),
    diff: async (_id, olds, news) => diff(olds, news),
    create: async (inputs) => ({
      id: inputs.datastoreId,
      outs: await apply(deps(), inputs, operation.creating(inputs.datastoreId)),
    }),
    update: async (_id, _olds, news) => ({
      outs: await apply(deps(), news, operation.updating(news.datastoreId)),
    }),
    read: (id, props) => read(deps(), id, props),
    delete: (id, props) => disable(deps(), id, props),
  };
}

/**
 * Validates and normalises the inputs; a schedule the API cannot store in UTC fails with nothing
 * sent, and a datastore id that is known and new or changed is looked up, so a wrong one fails the
 * preview (an unchanged one costs no call).
 */
async function check(
  deps: ResourceDeps,
  olds: Record<string, unknown>,
  news: Record<string, unknown>,
): Promise<CheckResult<BackupScheduleInputs>> {
  const { values: inputs, unknownKeys, failures } = checkFields(backupScheduleContract.inputs, news);
  if (failures.length > 0) return { failures };
  // Offsets are judged over the whole year, so only the year depends on the clock: the API's time when
  // an earlier answer told it, else this machine's.
  const zoneFailures = scheduleZoneFailures(inputs, unknownKeys, apiNowMs(deps));
  if (zoneFailures.length > 0) return { failures: zoneFailures };
  if (unknownKeys.has("datastoreId") || olds.datastoreId === inputs.datastoreId) return { inputs };
  const problems = await lookupAtPreview(deps, async () =>
    (await datastoreExists(deps, inputs.datastoreId)) ? [] : [missingDatastore(inputs.datastoreId)],
  );
  return problems.length > 0 ? { failures: problems } : { inputs };
}

/** What changed, in the schedule's canonical terms: order, case and spelling are never a change. */
function diff(olds: BackupScheduleOutputs, news: BackupScheduleInputs): DiffResult {
  if (olds.datastoreId !== news.datastoreId)
    return { changes: true, changed: ["datastoreId"], replaces: ["datastoreId"] };
  // State written before the seven-names-are-"every" rule may hold the long spelling: compare its
  // canonical form, so that reading it costs no phantom update. `news` comes from check, canonical.
  // State from before time zones has none: its hours were UTC, the default.
  const before: BackupScheduleInputs = { ...olds, ...zoneOf(olds), ...normaliseSchedule(olds) };
  const changed: string[] = UPDATABLE.filter(
    (key) => JSON.stringify(before[key]) !== JSON.stringify(news[key]),
  );
  // The stored UTC schedule is compared too, at the offset state holds (never the clock's, so a
  // preview is the same on any machine): a live schedule refresh could not read back as weekdays
  // times hours in local time shows up here, as a change of the days and hours it stores.
  for (const key of storedDifferences(olds, news)) if (!changed.includes(key)) changed.push(key);
  return { changes: changed.length > 0, changed };
}

/** Writes the schedule unless the datastore already has exactly it; then confirms it took. */
function apply(
  deps: ResourceDeps,
  inputs: BackupScheduleInputs,
  doing: string,
): Promise<BackupScheduleOutputs> {
  const { api } = deps;
  const id = inputs.datastoreId;
  return withinDeadline(deps, inputs.waitTimeoutMinutes, async (deadlineMs) => {
    try {
      await learnApiTimeForFollow(deps, inputs);
      let stored: StoredSchedule = storedScheduleAt(inputs, apiNowMs(deps));
      const holdsSchedule = (live: ScheduleSpec | undefined) =>
        live !== undefined && sameSchedule(live, stored.utc);
      // One read-modify-write: it sends nothing when the datastore already has this schedule, and
      // refuses (409, nothing sent) while the datastore is busy, which whenDatastoreIdle waits out.
      const written = await whenDatastoreIdle(deps, id, deadlineMs, () => {
        // After a wait for a busy datastore, convert again: the offset may have changed meanwhile.
        stored = storedScheduleAt(inputs, apiNowMs(deps));
        return api.setBackupPolicy(id, toBackupPolicy(stored.utc), {
          skipIf: (policy) => holdsSchedule(fromBackupPolicy(policy)),
        });
      });
      if (!(holdsSchedule(liveSchedule(written)) && isActive(written))) {
        const onProgress = progressReporter(deps.status, `datastore ${id}`);
        const settled = await api.waitForDatastore(id, isActive, { onProgress });
        if (!holdsSchedule(liveSchedule(settled)))
          throw new Error(scheduleNotKept(id, liveScheduleText(settled)));
      }
      return {
        ...inputs,
        utcDays: stored.utc.days,
        utcHours: stored.utc.hours,
        utcOffsetHours: stored.offsetHours,
      };
    } catch (error) {
      throw withOperation(doing, error);
    }
  });
}

/**
 * `follow` converts with the offset in force now on the API's clock; when no answer has told this
 * process the API's time yet, one read does (a client clock on the wrong side of a change of offset
 * would write last season's hours).
 */
async function learnApiTimeForFollow(deps: ResourceDeps, inputs: BackupScheduleInputs): Promise<void> {
  if (inputs.dstHandling !== "follow" || deps.api.apiNow() !== undefined) return;
  if (observesDst(offsetsInYear(inputs.timeZone, yearOf(apiNowMs(deps)))))
    await deps.api.getDatastore(inputs.datastoreId);
}

/**
 * Reads the live schedule back in local time. A gone datastore drops the resource; a schedule
 * removed in the console reads as disabled, so `up` turns it back on. With no properties, this is
 * `pulumi import` of a datastore's schedule by the datastore's id.
 */
async function read(
  deps: ResourceDeps,
  id: string,
  stored: BackupScheduleOutputs,
): Promise<ReadResult<BackupScheduleOutputs, BackupScheduleInputs>> {
  // On import, the inputs are the live schedule in the form check normalises it to (in UTC, the
  // default zone), with the defaults check fills in, so the program declaring them previews no change.
  const importing = stored.datastoreId === undefined;
  const props: BackupScheduleOutputs = importing
    ? { ...stored, datastoreId: id, waitTimeoutMinutes: DEFAULT_WAIT_TIMEOUT_MINUTES }
    : stored;
  let datastore: Datastore | undefined;
  try {
    datastore = await readDatastore(deps, id);
  } catch (error) {
    throw withOperation(operation.reading(id), error);
  }
  if (!datastore) return { id: "" };
  const live = liveSchedule(datastore);
  if (!live && importing) throw new Error(nothingToImport(id));
  const state = live ? readInLocalTime(deps, live, props) : { ...props, ...zoneOf(props), enabled: false };
  // The outputs of our own are not inputs: as inputs they would show as removed on the next diff.
  const { utcDays: _days, utcHours: _hours, utcOffsetHours: _offset, ...inputs } = state;
  return { id, props: state, inputs };
}

/**
 * The live UTC schedule read back in local time at the offset `up` would use now (on the API's
 * clock, known from the answer just read): unchanged, it reads exactly as declared; a console edit,
 * or a `follow` schedule after a change of offset, reads as drift in local terms.
 */
function readInLocalTime(
  deps: ResourceDeps,
  live: ScheduleSpec,
  props: BackupScheduleOutputs,
): BackupScheduleOutputs {
  const zone = zoneOf(props);
  const offsetHours = readingOffsetHours(zone, props, apiNowMs(deps));
  const local = scheduleFromUtc(live, offsetHours);
  return {
    ...props,
    ...zone,
    ...local,
    retentionDays: local.retentionDays || props.retentionDays,
    utcDays: live.days,
    utcHours: live.hours,
    utcOffsetHours: offsetHours,
  };
}

/**
 * Turns the schedule off with one read-modify-write that flips only `enabled`, keeping the rest of
 * the live policy (and sending nothing when it is already off): the datastore and its backups stay.
 * A deleted datastore has no schedule left to disable.
 */
async function disable(deps: ResourceDeps, id: string, props: BackupScheduleOutputs): Promise<void> {
  try {
    await withinDeadline(deps, props.waitTimeoutMinutes, async (deadlineMs) => {
      const written = await whenDatastoreIdle(deps, id, deadlineMs, () =>
        deps.api.updateDatastoreConfig(id, disablingSchedule),
      );
      if (isUpdating(written)) {
        await deps.api.waitForDatastore(id, isActive, {
          onProgress: progressReporter(deps.status, `datastore ${id}`),
        });
      }
    });
  } catch (error) {
    if (isDfCloudError(error, "NotFoundError") || isDfCloudError(error, "TerminalStateError")) return;
    throw withOperation(operation.disabling(id), error);
  }
}

/** The zone of inputs or state; state written before time zones has none, and its hours are UTC. */
function zoneOf(props: Partial<ZoneSettings>): ZoneSettings {
  return {
    timeZone: props.timeZone ?? DEFAULT_TIME_ZONE,
    dstHandling: props.dstHandling ?? DEFAULT_DST_HANDLING,
  };
}

/**
 * Which of `days` and `hours` the UTC schedule in state (`utcDays`, `utcHours`) holds otherwise than
 * `news` converts to at the offset state was converted with. State written before time zones has no
 * UTC outputs and held UTC hours, which the comparison of the inputs already covers.
 */
function storedDifferences(olds: BackupScheduleOutputs, news: BackupScheduleInputs): ("days" | "hours")[] {
  const { utcDays, utcHours, utcOffsetHours } = olds;
  if (utcDays === undefined || utcHours === undefined || utcOffsetHours === undefined) return [];
  const converted = scheduleToUtc(news, utcOffsetHours);
  if (!converted) return ["days", "hours"];
  const stored = normaliseSchedule({ ...converted, days: utcDays, hours: utcHours });
  return (["days", "hours"] as const).filter(
    (key) => JSON.stringify(converted[key]) !== JSON.stringify(stored[key]),
  );
}

/**
 * The offset to read a live UTC schedule in, in whole hours: the one `up` would convert with now.
 * Should the platform's time zone data no longer know the zone, or give it a fraction of an hour
 * (data newer than the state's), the offset state was written with is kept, so refresh still reads
 * the live schedule instead of failing.
 */
function readingOffsetHours(zone: ZoneSettings, props: Partial<BackupScheduleOutputs>, atMs: number): number {
  try {
    const minutes = conversionOffsetMinutes(zone, atMs);
    if (isWholeHours(minutes)) return minutes / MINUTES_PER_HOUR;
  } catch {
    // An unknown zone: fall through to the stored offset.
  }
  return props.utcOffsetHours ?? 0;
}
