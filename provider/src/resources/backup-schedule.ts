import { isDfCloudError } from "../client/errors";
import { API_LIMITS } from "../client/modelled";
import type { BackupPolicy, Datastore } from "../client/schemas";
import {
  type InputsOf,
  optionalOutput,
  type ResourceOutputsOf,
  resourceContract,
  t,
  updatableKeys,
} from "../schema/spec";
import { checkFields } from "./check";
import { isActive, isGone, whenDatastoreIdle } from "./datastore";
import { withinDeadline } from "./deadline";
import type { ResourceDeps } from "./deps";
import { withOperation } from "./errors";
import { DEFAULT_WAIT_TIMEOUT_MINUTES, datastoreIdInput, waitTimeoutInput } from "./inputs";
import type { CheckFailure, CheckResult, DiffResult, ResourceLogic } from "./logic";
import {
  conversionOffsetMinutes,
  dayNumbers,
  fromBackupPolicy,
  hourNumbers,
  type StoredSchedule,
  sameSchedule,
  scheduleFromUtc,
  scheduleToUtc,
  storedScheduleAt,
  toBackupPolicy,
} from "./model";
import { findDatastore, lookupAtPreview, missingDatastore } from "./preview";
import { progressReporter } from "./progress";
import {
  DEFAULT_DST_HANDLING,
  DEFAULT_TIME_ZONE,
  DST_HANDLING_TYPE,
  dstHandlingSchema,
  normaliseSchedule,
  type ScheduleSpec,
  scheduleSpecSchema,
  timeZoneSchema,
  WEEKDAY_TYPE,
  type ZonedSchedule,
  type ZoneSettings,
} from "./schedule-spec";
import {
  allOffsets,
  dayShift,
  formatOffset,
  formatSlots,
  isWholeHours,
  MINUTES_PER_HOUR,
  observesDst,
  offsetsInYear,
  shiftSlots,
  slotsOf,
  type YearOffsets,
  yearOf,
} from "./time-zone";

const specFields = scheduleSpecSchema.shape;
const RETENTION = API_LIMITS.retentionDays;
const HOURS = API_LIMITS.hour;

/** The BackupSchedule resource's contract: every input and output, declared once. */
export const backupScheduleContract = resourceContract({
  name: "BackupSchedule",
  description:
    "The recurring backup schedule of one datastore (its `config.backup_policy`). `up` writes only the schedule, by " +
    "read-modify-write, and waits until the datastore applied it; `refresh` shows a console edit as drift; " +
    "`destroy` disables the schedule and leaves the datastore and its backups. The resource id is the datastore id.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore whose backups are scheduled (`dst_…`). Changing it replaces the resource.",
      true,
    ),
    enabled: {
      schema: specFields.enabled,
      type: t.boolean,
      default: true,
      description: "Whether scheduled backups are taken. Default `true`.",
    },
    days: {
      schema: specFields.days,
      type: t.oneOf(t.literal("every"), t.array(t.string)),
      outputType: t.oneOf(t.literal("every"), t.array(t.ref(WEEKDAY_TYPE))),
      sdkType: `"every" | pulumi.Input<Weekday | (string & {})>[]`,
      required: `"every" or a list of weekday names such as ["mon", "thu"]`,
      description:
        '`"every"` for every day, or the weekdays to back up on (`sun` … `sat`; full names and any case are ' +
        "accepted), in `timeZone`. Order and duplicates do not matter, and all seven days are the same as " +
        '`"every"`. Read back normalised: short, lower case, Sunday first.',
    },
    hours: {
      schema: specFields.hours,
      type: t.oneOf(t.literal("every"), t.array(t.integer)),
      required: `"every" or a list of hours of the day (${HOURS.min}-${HOURS.max}, UTC unless timeZone is set) such as [2, 14]`,
      description:
        `\`"every"\` for every hour, or hours of the day from ${HOURS.min} to ${HOURS.max}, local to \`timeZone\` ` +
        '(**UTC** by default). Order and duplicates do not matter, and all 24 hours are the same as `"every"`. ' +
        "Read back ascending. `utcDays` and `utcHours` say what the API stores.",
    },
    retentionDays: {
      schema: specFields.retentionDays,
      type: t.integer,
      required: `how many whole days each scheduled backup is kept (${RETENTION.min} to ${RETENTION.max})`,
      description: `How long each scheduled backup is kept, in whole days (${RETENTION.min}–${RETENTION.max}).`,
    },
    timeZone: {
      schema: timeZoneSchema,
      type: t.string,
      default: DEFAULT_TIME_ZONE,
      description:
        "The IANA time zone `days` and `hours` are in (`Europe/Berlin`, `America/New_York`, `UTC`). Default " +
        "`UTC`, the API's own. The API stores whole UTC hours, so the schedule is converted when it is written: " +
        "a zone whose offset is not whole hours (`Asia/Kolkata`) fails the preview, as does a schedule whose " +
        "converted weekdays and hours are not one set of weekdays times one set of hours (an hour crossing " +
        "midnight moves its weekday), and a zone with daylight saving time needs `dstHandling`.",
    },
    dstHandling: {
      schema: dstHandlingSchema,
      type: t.ref(DST_HANDLING_TYPE),
      default: DEFAULT_DST_HANDLING,
      description:
        "What to do when `timeZone` observes daylight saving time: `reject` (the default) fails the preview; " +
        "`standardTime` converts with the zone's standard (winter) offset all year, so backups run one hour " +
        "later in local time during daylight saving time; `follow` converts with the offset in force at the " +
        "time of `up`, so after each change of offset `refresh` shows drift and the next `up` applies the " +
        "schedule again (run `pulumi up --refresh` from a scheduled pipeline).",
    },
    waitTimeoutMinutes: waitTimeoutInput("the datastore to apply the schedule"),
  },
  outputs: {
    utcDays: optionalOutput(
      t.oneOf(t.literal("every"), t.array(t.ref(WEEKDAY_TYPE))),
      "The weekdays the API stores, in UTC: `days` converted from `timeZone` (an hour crossing midnight moves " +
        'its weekday). `"every"` or short names, Sunday first. Read from the datastore on `refresh`. Absent, ' +
        "with `utcHours` and `utcOffsetHours`, only from state written before time zones, until the next " +
        "`refresh` or update.",
    ),
    utcHours: optionalOutput(
      t.oneOf(t.literal("every"), t.array(t.integer)),
      'The hours of the day (0-23) the API stores, in UTC: `hours` converted from `timeZone`. `"every"` or ' +
        "ascending. Read from the datastore on `refresh`.",
    ),
    utcOffsetHours: optionalOutput(
      t.integer,
      "The offset from UTC, in whole hours east (+1 for `Europe/Berlin` in standard time, -11 for " +
        "`Pacific/Pago_Pago`), that `days` and `hours` were converted with at the last `up` or `refresh`: a " +
        "local hour h is stored as h − `utcOffsetHours`, modulo 24, on the weekday before or after when that " +
        "crosses midnight. 0 for `UTC`.",
    ),
  },
});

/** BackupSchedule inputs after `check`: validated and normalised. */
export type BackupScheduleInputs = InputsOf<typeof backupScheduleContract.inputs>;

/** BackupSchedule outputs: the inputs as they are live on the datastore. */
export type BackupScheduleOutputs = ResourceOutputsOf<typeof backupScheduleContract>;

/**
 * Fields whose change is applied in place; `datastoreId` replaces. `waitTimeoutMinutes` alone writes
 * nothing to the API but must reach state: `destroy` uses it.
 */
const UPDATABLE = updatableKeys(backupScheduleContract);

/** The zone of inputs or state; state written before time zones has none, and its hours are UTC. */
function zoneOf(props: Partial<ZoneSettings>): ZoneSettings {
  return {
    timeZone: props.timeZone ?? DEFAULT_TIME_ZONE,
    dstHandling: props.dstHandling ?? DEFAULT_DST_HANDLING,
  };
}

/** The API's time when an answer told it, else this machine's: time is the API's time. */
function apiTime(deps: ResourceDeps): number {
  return deps.api.apiNow() ?? deps.now();
}

/**
 * True when the UTC schedule in state (`utcDays`, `utcHours`) is what `news` converts to at the offset
 * state was converted with. State written before time zones has no UTC outputs and held UTC hours,
 * which the comparison of the inputs already covers.
 */
function storedMatches(olds: BackupScheduleOutputs, news: BackupScheduleInputs): boolean {
  const { utcDays, utcHours, utcOffsetHours } = olds;
  if (utcDays === undefined || utcHours === undefined || utcOffsetHours === undefined) return true;
  const converted = scheduleToUtc(news, utcOffsetHours);
  if (!converted) return false;
  const stored = normaliseSchedule({ ...converted, days: utcDays, hours: utcHours });
  return JSON.stringify([converted.days, converted.hours]) === JSON.stringify([stored.days, stored.hours]);
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

/**
 * The BackupSchedule resource: the datastore's `config.backup_policy`, written by
 * read-modify-write so the rest of the datastore's config is never touched.
 */
export function backupScheduleLogic(
  deps: () => ResourceDeps,
): ResourceLogic<BackupScheduleInputs, BackupScheduleOutputs> {
  /** Writes the schedule unless the datastore already has exactly it; then confirms it took. */
  async function apply(inputs: BackupScheduleInputs, operation: string): Promise<BackupScheduleOutputs> {
    const given = deps();
    const { api } = given;
    const id = inputs.datastoreId;
    return withinDeadline(given, inputs.waitTimeoutMinutes, async (deadlineMs) => {
      try {
        // `follow` converts with the offset in force now on the API's clock; when no answer has told
        // this process the API's time yet, one read does (a client clock on the wrong side of a
        // change of offset would write last season's hours).
        const offsets = offsetsInYear(inputs.timeZone, yearOf(apiTime(given)));
        if (inputs.dstHandling === "follow" && observesDst(offsets) && api.apiNow() === undefined) {
          await api.getDatastore(id);
        }
        let stored: StoredSchedule = storedScheduleAt(inputs, apiTime(given));
        const outputs = (): BackupScheduleOutputs => ({
          ...inputs,
          utcDays: stored.utc.days,
          utcHours: stored.utc.hours,
          utcOffsetHours: stored.offsetHours,
        });
        // One read-modify-write: it sends nothing when the datastore already has this schedule, and
        // refuses (409, nothing sent) while the datastore is busy, which whenDatastoreIdle waits out.
        const holdsSchedule = (policy: BackupPolicy | null | undefined) => {
          const live = fromBackupPolicy(policy);
          return live !== undefined && sameSchedule(live, stored.utc);
        };
        const written = await whenDatastoreIdle(given, id, deadlineMs, () => {
          // After a wait for a busy datastore, convert again: the offset may have changed meanwhile.
          stored = storedScheduleAt(inputs, apiTime(given));
          return api.setBackupPolicy(id, toBackupPolicy(stored.utc), { skipIf: holdsSchedule });
        });
        if (holdsSchedule(written.config.backup_policy) && isActive(written)) return outputs();
        const onProgress = progressReporter(given.status, `datastore ${id}`);
        const settled = await api.waitForDatastore(id, isActive, { onProgress });
        confirm(settled, stored.utc);
        return outputs();
      } catch (error) {
        throw withOperation(`${operation} the backup schedule of datastore ${id}`, error);
      }
    });
  }

  return {
    async check(olds, news): Promise<CheckResult<BackupScheduleInputs>> {
      const { values: inputs, unknownKeys, failures } = checkFields(backupScheduleContract.inputs, news);
      if (failures.length > 0) return { failures };
      // The zone is judged before any call: a schedule the API cannot store fails the preview with
      // nothing sent. The API's time when an earlier answer told it, else this machine's: offsets
      // are judged over the whole year, so only the year depends on it.
      const given = deps();
      const zoneFailures = scheduleZoneFailures(inputs, unknownKeys, apiTime(given));
      if (zoneFailures.length > 0) return { failures: zoneFailures };
      // A datastore id that is known and new or changed is looked up now, so a wrong one fails the
      // preview; an unchanged one costs no call.
      if (unknownKeys.has("datastoreId") || olds.datastoreId === inputs.datastoreId) return { inputs };
      const problems = await lookupAtPreview(given, async () =>
        (await findDatastore(given, inputs.datastoreId)) ? [] : [missingDatastore(inputs.datastoreId)],
      );
      return problems.length > 0 ? { failures: problems } : { inputs };
    },

    async diff(_id, olds, news): Promise<DiffResult> {
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
      if (!storedMatches(olds, news)) {
        for (const key of ["days", "hours"] as const) if (!changed.includes(key)) changed.push(key);
      }
      return { changes: changed.length > 0, changed };
    },

    async create(inputs) {
      return { id: inputs.datastoreId, outs: await apply(inputs, "creating") };
    },

    async update(_id, _olds, news) {
      return { outs: await apply(news, "updating") };
    },

    async read(id, stored) {
      // No properties: `pulumi import` of a datastore's schedule by the datastore's id. The inputs are
      // the live policy in the form check normalises it to (in UTC, the default zone), with the
      // defaults check fills in, so the program declaring them previews no change.
      const importing = stored.datastoreId === undefined;
      const props: BackupScheduleOutputs = importing
        ? { ...stored, datastoreId: id, waitTimeoutMinutes: DEFAULT_WAIT_TIMEOUT_MINUTES }
        : stored;
      const given = deps();
      const { api } = given;
      let datastore: Datastore;
      try {
        datastore = await api.getDatastore(id);
      } catch (error) {
        // The datastore is gone, so is its schedule: drop the resource from state.
        if (isDfCloudError(error, "NotFoundError")) return { id: "" };
        throw withOperation(`reading the backup schedule of datastore ${id}`, error);
      }
      if (isGone(datastore)) return { id: "" };
      const zone = zoneOf(props);
      const live = fromBackupPolicy(datastore.config.backup_policy);
      let state: BackupScheduleOutputs;
      if (live) {
        // The live UTC schedule, read back in local time at the offset `up` would use now (on the
        // API's clock, known from this very answer): unchanged, it reads exactly as declared; a
        // console edit, or a `follow` schedule after a change of offset, reads as drift in local terms.
        const offsetHours = readingOffsetHours(zone, props, apiTime(given));
        const local = scheduleFromUtc(live, offsetHours);
        state = {
          ...props,
          ...zone,
          ...local,
          retentionDays: local.retentionDays || props.retentionDays,
          utcDays: live.days,
          utcHours: live.hours,
          utcOffsetHours: offsetHours,
        };
      } else if (importing) {
        throw new Error(
          `datastore ${id} has no backup schedule to import (its config.backup_policy is unset)`,
        );
      } else {
        // A policy removed in the console reads as a disabled schedule, so `up` turns it back on.
        state = { ...props, ...zone, enabled: false };
      }
      // The outputs of our own are not inputs: as inputs they would show as removed on the next diff.
      const { utcDays: _days, utcHours: _hours, utcOffsetHours: _offset, ...inputs } = state;
      return { id, props: state, inputs };
    },

    async delete(id, props) {
      const given = deps();
      const { api } = given;
      try {
        await withinDeadline(given, props.waitTimeoutMinutes, async (deadlineMs) => {
          // One read-modify-write that flips only `enabled`, keeping the rest of the live policy (and
          // sending nothing when it is already off): the datastore and its backups stay.
          const written = await whenDatastoreIdle(given, id, deadlineMs, () =>
            api.updateDatastoreConfig(id, (config) =>
              config.backup_policy?.enabled === true
                ? { ...config, backup_policy: { ...config.backup_policy, enabled: false } }
                : undefined,
            ),
          );
          if (written.status === "updating") {
            await api.waitForDatastore(id, isActive, {
              onProgress: progressReporter(given.status, `datastore ${id}`),
            });
          }
        });
      } catch (error) {
        // A deleted datastore has no schedule left to disable.
        if (isDfCloudError(error, "NotFoundError") || isDfCloudError(error, "TerminalStateError")) return;
        throw withOperation(`disabling the backup schedule of datastore ${id}`, error);
      }
    },
  };
}

/** Throws when the datastore did not keep the schedule that was written. */
function confirm(datastore: Datastore, wanted: ScheduleSpec): void {
  const live = fromBackupPolicy(datastore.config.backup_policy);
  if (!live || !sameSchedule(live, wanted)) {
    throw new Error(
      `the API accepted the schedule but the datastore reports ${JSON.stringify(datastore.config.backup_policy ?? null)}`,
    );
  }
}

/** `UTC+1 in standard time and UTC+2 in daylight saving time`, or `UTC+9` for a zone without it. */
function describeOffsets(offsets: YearOffsets): string {
  const standard = formatOffset(offsets.standardMinutes);
  if (!observesDst(offsets)) return standard;
  return `${standard} in standard time and ${offsets.otherMinutes.map(formatOffset).join(" or ")} in daylight saving time`;
}

/** What `standardTime` means for the zone's local time, in its own offsets. */
function standardTimeEffect(offsets: YearOffsets): string {
  const effects = offsets.otherMinutes.map((other) => {
    const minutes = other - offsets.standardMinutes;
    const amount =
      Math.abs(minutes) === MINUTES_PER_HOUR ? "one hour" : `${Math.abs(minutes) / MINUTES_PER_HOUR} hours`;
    return `${amount} ${minutes > 0 ? "later" : "earlier"} in local time while the zone is at ${formatOffset(other)}`;
  });
  return `backups run ${effects.join(", and ")}`;
}

/** Where a conversion happened, for messages: ` (UTC+2)` or ` at UTC+1 (standard time)`. */
function atOffset(offsets: YearOffsets, minutes: number): string {
  if (!observesDst(offsets)) return ` (${formatOffset(minutes)})`;
  const season = minutes === offsets.standardMinutes ? "standard time" : "daylight saving time";
  return ` at ${formatOffset(minutes)} (${season})`;
}

/** `"every"` or a JSON list, as a message quotes a declared value. */
function quoted(value: unknown): string {
  return JSON.stringify(value);
}

/**
 * Why a declared schedule cannot be stored in UTC, for `check` (nothing has been sent when it fails):
 * a zone whose offset is not whole hours; a zone with daylight saving time under `reject`; weekdays
 * and hours whose UTC slots are not one set of weekdays times one set of hours, at any offset the
 * schedule will be converted with (`follow` uses each of the zone's offsets in turn, so it is judged
 * at each now rather than failing at an `up` half a year later). Inputs still unknown during preview
 * are judged at `up`.
 * @param atMs the instant whose year the zone's offsets are read for (the API's time when known)
 */
export function scheduleZoneFailures(
  inputs: ZonedSchedule,
  unknownKeys: ReadonlySet<string>,
  atMs: number,
): CheckFailure[] {
  if (unknownKeys.has("timeZone") || unknownKeys.has("dstHandling")) return [];
  const zone = inputs.timeZone;
  const offsets = offsetsInYear(zone, yearOf(atMs));
  const all = allOffsets(offsets);
  if (!all.every(isWholeHours)) {
    return [
      {
        property: "timeZone",
        reason:
          `timeZone: ${zone} is ${describeOffsets(offsets)}, not a whole number of hours from UTC, and the API ` +
          'schedules whole UTC hours; declare the hours in UTC (timeZone "UTC") or in a zone whose offset is whole hours',
      },
    ];
  }
  if (observesDst(offsets) && inputs.dstHandling === "reject") {
    const standard = formatOffset(offsets.standardMinutes);
    return [
      {
        property: "timeZone",
        reason:
          `timeZone: ${zone} observes daylight saving time (${describeOffsets(offsets)} in ${offsets.year}) and ` +
          'the API stores fixed UTC hours, so dstHandling "reject" (the default) refuses it; set dstHandling to ' +
          `"standardTime" (${standard} all year: ${standardTimeEffect(offsets)}) or "follow" (the offset in force ` +
          "at each `up`: after each change of offset `refresh` shows drift until the next `up` applies it again)",
      },
    ];
  }
  if (unknownKeys.has("days") || unknownKeys.has("hours")) return [];
  const used = inputs.dstHandling === "follow" ? all : [offsets.standardMinutes];
  for (const minutes of used) {
    const offsetHours = minutes / MINUTES_PER_HOUR;
    if (scheduleToUtc(inputs, offsetHours)) continue;
    const utcSlots = shiftSlots(slotsOf(dayNumbers(inputs.days), hourNumbers(inputs.hours)), offsetHours);
    return [
      {
        property: "hours",
        reason:
          `hours: days ${quoted(inputs.days)} × hours ${quoted(inputs.hours)} in ${zone}${atOffset(offsets, minutes)} ` +
          `are ${formatSlots(utcSlots)} in UTC: not one set of weekdays times one set of hours, the only schedule ` +
          `the API stores (an hour crossing midnight moves its weekday); declare instead ${alternatives(inputs, used)}`,
      },
    ];
  }
  return [];
}

/**
 * Schedules that could be declared instead of one whose UTC slots are not a product: every day at
 * the same hours (every weekday shifted is still every weekday), or only the hours that move to the
 * same UTC day at every offset used.
 */
function alternatives(inputs: ZonedSchedule, offsetsMinutes: readonly number[]): string {
  const groups = new Map<string, number[]>();
  for (const hour of hourNumbers(inputs.hours)) {
    const key = offsetsMinutes.map((minutes) => dayShift(hour, minutes / MINUTES_PER_HOUR)).join(",");
    groups.set(key, [...(groups.get(key) ?? []), hour]);
  }
  const choices = [
    ...(inputs.days === "every" ? [] : ['days "every" (backups every day at these hours)']),
    ...[...groups.values()].map((hours) => `only hours ${quoted(hours)}`),
  ];
  return choices.join(", or ");
}

/** What the API stores for a declared schedule, as the policy pack judges it. */
export type StoredScheduleView =
  | { readonly ok: true; readonly utcDays: ScheduleSpec["days"]; readonly utcHours: ScheduleSpec["hours"] }
  | { readonly ok: false; readonly reason: string };

/**
 * The UTC weekdays and hours the API would store for a BackupSchedule's raw inputs (as a policy pack
 * sees them: any spelling, defaults left out), converted as `up` would at `atMs`; or, for inputs
 * `check` refuses, its first reason. Values must be known (not preview-time unknowns).
 * @param atMs the instant `follow` converts at (Unix milliseconds; default now)
 */
export function storedScheduleOf(
  props: Readonly<Record<string, unknown>>,
  atMs = Date.now(),
): StoredScheduleView {
  const { days, hours, timeZone, dstHandling } = backupScheduleContract.inputs;
  const rules = { days, hours, timeZone, dstHandling };
  const given = {
    days: props.days,
    hours: props.hours,
    timeZone: props.timeZone,
    dstHandling: props.dstHandling,
  };
  const { values, failures } = checkFields(rules, given);
  // Retention and enabled do not move in time; any valid value will do.
  const schedule: ZonedSchedule = { ...values, retentionDays: 1, enabled: true };
  const problems = failures.length > 0 ? failures : scheduleZoneFailures(schedule, new Set(), atMs);
  const first = problems[0];
  if (first) return { ok: false, reason: first.reason };
  const { utc } = storedScheduleAt(schedule, atMs);
  return { ok: true, utcDays: utc.days, utcHours: utc.hours };
}
