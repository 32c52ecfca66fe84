/**
 * Bad inputs and the check failure each gives, written once: the unit test runs every case against
 * the resource logic (provider/test/resources/bad-inputs.test.ts), and the parity suite previews the
 * cases with a `shown` through both front doors (tests/engine/parity-cases.ts).
 */
import { restoreMessages } from "../../src/resources/restore";
import { restoreDrillMessages } from "../../src/resources/restore-drill";
import { scheduleMessages } from "../../src/resources/schedule";

const DAYS = `must be "every" or a non-empty list of weekday names (sun, mon, tue, wed, thu, fri, sat; full names and any case accepted)`;
const HOURS = `must be "every" or a non-empty list of whole hours of the day from 0 to 23 (UTC), local to timeZone when one is set`;
const RETENTION = "must be a whole number of days from 1 to 365";
const ALLOWED_HOURS = `allowed: "every" or a non-empty list of whole hours of the day from 0 to 23 (UTC), local to timeZone when one is set`;
const ALLOWED_DAYS = `allowed: "every" or a non-empty list of weekday names (sun, mon, tue, wed, thu, fri, sat; full names and any case accepted)`;
const ENABLED = "must be true or false (default true)";
const ID_SHAPE = 'ids are 1 to 128 letters, digits, "_" and "-"';
const DATASTORE_ID = `is not a datastore id: ${ID_SHAPE} (for example dst_…)`;
const BACKUP_ID = `is not a backup id: ${ID_SHAPE} (for example bkp_…)`;
const DESCRIPTION = 'must be a string of at most 256 characters (default "")';
const DATA_LOSS = restoreMessages.mustAcknowledgeDataLoss;
const TRIGGER = restoreMessages.triggerMustBeString;
const WAIT = "must be a whole number of minutes from 1 to 1440 (default 30)";
const ZONE = `allowed: an IANA time zone name such as "Europe/Berlin", "America/New_York" or "UTC" (default "UTC")`;
/** The refusal of a zone with daylight saving time under dstHandling "reject" (the harness clock is in 2026). */
const observesDst = (zone: string, standard: string, summer: string) =>
  scheduleMessages.observesDst({
    zone,
    offsets: `${standard} in standard time and ${summer} in daylight saving time`,
    year: 2026,
    standard,
    standardTimeEffect: `backups run one hour later in local time while the zone is at ${summer}`,
  });
const DST = `must be "reject", "standardTime" or "follow" (default "reject")`;

/** The resource a case is about. */
export type Kind = "BackupSchedule" | "Backup" | "Restore" | "RestoreDrill";
/** Ids of live objects a case may refer to, made fresh for each case. */
export interface Fixture {
  datastore: string;
  pendingBackup: string;
  otherRegionBackup: string;
  otherAccountBackup: string;
}
/** One input `check` refuses, with the failure it gives. */
export interface Case {
  name: string;
  kind: Kind;
  inputs: (f: Fixture) => Record<string, unknown>;
  property: string;
  /**
   * How the engine shows the value it handed to check (Go's rendering of a property value), for the
   * cases the parity suite also previews through both front doors (tests/engine/parity.test.ts).
   */
  shown?: string | ((f: Fixture) => string);
  reason: string | ((f: Fixture) => string);
}

const schedule = (f: Fixture) => ({ datastoreId: f.datastore, days: ["mon"], hours: [2], retentionDays: 7 });
const backup = (f: Fixture) => ({ datastoreId: f.datastore, description: "d", retentionDays: 7 });
const drill = (f: Fixture) => ({ datastoreId: f.datastore, trigger: "2026-W49" });
const restore = (f: Fixture) => ({
  datastoreId: f.datastore,
  backupId: f.pendingBackup,
  acknowledgeDataLoss: true,
});

/** Every case, in the order the unit test runs them. */
export const BAD_INPUT_CASES: Case[] = [
  {
    name: "hour 24",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [24] }),
    property: "hours",
    shown: "{[{24}]}",
    reason: `hours[0]: 24 is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour -1",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [2, -1] }),
    property: "hours",
    reason: `hours[1]: -1 is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour 1.5",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [1.5] }),
    property: "hours",
    reason: `hours[0]: 1.5 is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: 'hour "2"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: ["2"] }),
    property: "hours",
    shown: "{[{2}]}",
    reason: `hours[0]: the string "2" is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour NaN",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [Number.NaN] }),
    property: "hours",
    shown: "{[{NaN}]}",
    reason: `hours[0]: NaN is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour Infinity",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [2, Number.POSITIVE_INFINITY] }),
    property: "hours",
    reason: `hours[1]: Infinity is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour -Infinity",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [Number.NEGATIVE_INFINITY] }),
    property: "hours",
    reason: `hours[0]: -Infinity is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour null",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [null] }),
    property: "hours",
    reason: `hours[0]: null is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour true",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [true] }),
    property: "hours",
    reason: `hours[0]: the boolean true is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hour as a list",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [[2, 14]] }),
    property: "hours",
    reason: `hours[0]: the list [2,14] is not an hour; ${ALLOWED_HOURS}`,
  },
  {
    name: "hours a number",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: 2 }),
    property: "hours",
    reason: `hours: ${HOURS}, got 2`,
  },
  {
    name: "hours an object",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: { from: 2, to: 4 } }),
    property: "hours",
    reason: `hours: ${HOURS}, got the object {"from":2,"to":4}`,
  },
  {
    name: "empty hours",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: [] }),
    property: "hours",
    reason: `hours: ${HOURS}, got an empty list`,
  },
  {
    name: 'hours "hourly"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: "hourly" }),
    property: "hours",
    shown: "{hourly}",
    reason: `hours: ${HOURS}, got the string "hourly"`,
  },
  {
    name: "missing hours",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), hours: undefined }),
    property: "hours",
    reason: `hours is required: "every" or a list of hours of the day (0-23, UTC unless timeZone is set) such as [2, 14]`,
  },
  {
    name: "unknown day",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: ["mon", "funday"] }),
    property: "days",
    shown: "{[{mon} {funday}]}",
    reason: `days[1]: "funday" is not a weekday; ${ALLOWED_DAYS}`,
  },
  {
    name: "day as number",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: [1] }),
    property: "days",
    reason: `days[0]: 1 is not a weekday; ${ALLOWED_DAYS}`,
  },
  {
    name: "day NaN",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: ["mon", Number.NaN] }),
    property: "days",
    reason: `days[1]: NaN is not a weekday; ${ALLOWED_DAYS}`,
  },
  {
    name: "day as an object",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: [{ day: "mon" }] }),
    property: "days",
    reason: `days[0]: the object {"day":"mon"} is not a weekday; ${ALLOWED_DAYS}`,
  },
  {
    name: "days a boolean",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: true }),
    property: "days",
    reason: `days: ${DAYS}, got the boolean true`,
  },
  {
    name: "empty days",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: [] }),
    property: "days",
    reason: `days: ${DAYS}, got an empty list`,
  },
  {
    name: 'days "daily"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: "daily" }),
    property: "days",
    shown: "{daily}",
    reason: `days: ${DAYS}, got the string "daily"`,
  },
  {
    name: "retention 0",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: 0 }),
    property: "retentionDays",
    shown: "{0}",
    reason: `retentionDays: ${RETENTION}, got 0`,
  },
  {
    name: "retention 2.5",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: 2.5 }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got 2.5`,
  },
  {
    name: 'retention "14"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: "14" }),
    property: "retentionDays",
    shown: "{14}",
    reason: `retentionDays: ${RETENTION}, got the string "14"`,
  },
  {
    name: "retention NaN",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: Number.NaN }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got NaN`,
  },
  {
    name: "retention Infinity",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: Number.POSITIVE_INFINITY }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got Infinity`,
  },
  {
    name: "retention true",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: true }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got the boolean true`,
  },
  {
    name: "retention [7]",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: [7] }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got the list [7]`,
  },
  {
    name: "retention 366",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retentionDays: 366 }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got 366`,
  },
  {
    name: 'enabled "yes"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), enabled: "yes" }),
    property: "enabled",
    shown: "{yes}",
    reason: `enabled: ${ENABLED}, got the string "yes"`,
  },
  {
    name: "enabled 1",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), enabled: 1 }),
    property: "enabled",
    reason: `enabled: ${ENABLED}, got 1`,
  },
  {
    name: "missing datastoreId",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), datastoreId: undefined }),
    property: "datastoreId",
    reason:
      "datastoreId is required: the id of the Dragonfly Cloud datastore (for example `datastore.id` or a dst_… string)",
  },
  {
    name: "empty datastoreId",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), datastoreId: "  " }),
    property: "datastoreId",
    reason: `datastoreId: "  " ${DATASTORE_ID}`,
  },
  {
    name: "datastoreId a number",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), datastoreId: 42 }),
    property: "datastoreId",
    reason: `datastoreId: 42 ${DATASTORE_ID}`,
  },
  {
    name: "datastoreId a path",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), datastoreId: "../../v1/backups" }),
    property: "datastoreId",
    shown: "{../../v1/backups}",
    reason: `datastoreId: "../../v1/backups" ${DATASTORE_ID}`,
  },
  {
    name: "datastoreId of no datastore",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), datastoreId: "dst_doesnotexist" }),
    property: "datastoreId",
    shown: "{dst_doesnotexist}",
    reason: "datastoreId: datastore dst_doesnotexist does not exist in this account",
  },
  {
    name: "backup datastoreId with a query",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), datastoreId: `${f.datastore}?x=1` }),
    property: "datastoreId",
    shown: (f) => `{${f.datastore}?x=1}`,
    reason: (f) => `datastoreId: "${f.datastore}?x=1" ${DATASTORE_ID}`,
  },
  {
    name: "misspelt property",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), retention: 7 }),
    property: "retention",
    reason:
      "retention is not a property of this resource; allowed: datastoreId, enabled, days, hours, retentionDays, timeZone, dstHandling, waitTimeoutMinutes",
  },
  {
    name: "wait timeout 0",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), waitTimeoutMinutes: 0 }),
    property: "waitTimeoutMinutes",
    reason: `waitTimeoutMinutes: ${WAIT}, got 0`,
  },
  {
    name: 'wait timeout "30"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), waitTimeoutMinutes: "30" }),
    property: "waitTimeoutMinutes",
    reason: `waitTimeoutMinutes: ${WAIT}, got the string "30"`,
  },
  {
    name: "wait timeout NaN",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), waitTimeoutMinutes: Number.NaN }),
    property: "waitTimeoutMinutes",
    reason: `waitTimeoutMinutes: ${WAIT}, got NaN`,
  },
  {
    name: "timeZone misspelt",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Europe/Berln" }),
    property: "timeZone",
    shown: "{Europe/Berln}",
    reason: `timeZone: "Europe/Berln" is not a known time zone (closest valid names: "Europe/Berlin"); ${ZONE}`,
  },
  {
    name: "timeZone a city alone",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "New York" }),
    property: "timeZone",
    reason: `timeZone: "New York" is not a known time zone (closest valid names: "America/New_York"); ${ZONE}`,
  },
  {
    name: "timeZone nowhere",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Mars/Olympus_Mons" }),
    property: "timeZone",
    reason: `timeZone: "Mars/Olympus_Mons" is not a known time zone (no close match); ${ZONE}`,
  },
  {
    name: "timeZone an offset",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "+02:00" }),
    property: "timeZone",
    reason: `timeZone: "+02:00" is a UTC offset, not a time zone name; ${ZONE}; for UTC+2 all year use "Etc/GMT-2" (tzdata's Etc names invert the sign)`,
  },
  {
    name: "timeZone a number",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: 2 }),
    property: "timeZone",
    reason: `timeZone: must be ${ZONE.replace("allowed: ", "")}, got 2`,
  },
  {
    name: "timeZone Asia/Kolkata (UTC+5:30)",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Asia/Kolkata" }),
    property: "timeZone",
    shown: "{Asia/Kolkata}",
    reason: scheduleMessages.notWholeHours("Asia/Kolkata", "UTC+5:30"),
  },
  {
    name: "timeZone Asia/Kathmandu (UTC+5:45)",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Asia/Kathmandu", dstHandling: "standardTime" }),
    property: "timeZone",
    reason: scheduleMessages.notWholeHours("Asia/Kathmandu", "UTC+5:45"),
  },
  {
    name: "timeZone Australia/Adelaide (UTC+9:30, +10:30), even with follow",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Australia/Adelaide", dstHandling: "follow" }),
    property: "timeZone",
    reason: scheduleMessages.notWholeHours(
      "Australia/Adelaide",
      "UTC+9:30 in standard time and UTC+10:30 in daylight saving time",
    ),
  },
  {
    name: "timeZone Europe/Berlin under the default reject",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Europe/Berlin" }),
    property: "timeZone",
    reason: observesDst("Europe/Berlin", "UTC+1", "UTC+2"),
  },
  {
    name: "timeZone America/New_York under reject",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "America/New_York", dstHandling: "reject" }),
    property: "timeZone",
    reason: observesDst("America/New_York", "UTC-5", "UTC-4"),
  },
  {
    name: "timeZone Australia/Sydney (southern summer in January) under reject",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Australia/Sydney" }),
    property: "timeZone",
    reason: observesDst("Australia/Sydney", "UTC+10", "UTC+11"),
  },
  {
    name: 'dstHandling "Follow"',
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), timeZone: "Europe/Berlin", dstHandling: "Follow" }),
    property: "dstHandling",
    shown: "{Follow}",
    reason: `dstHandling: ${DST}, got the string "Follow"`,
  },
  {
    name: "dstHandling true",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), dstHandling: true }),
    property: "dstHandling",
    reason: `dstHandling: ${DST}, got the boolean true`,
  },
  {
    name: "Monday at 01:00 and 23:00 in UTC+2: not a product in UTC",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: ["mon"], hours: [1, 23], timeZone: "Africa/Johannesburg" }),
    property: "hours",
    shown: "{[{1} {23}]}",
    reason: scheduleMessages.notAProduct({
      days: '["mon"]',
      hours: "[1,23]",
      where: "Africa/Johannesburg (UTC+2)",
      utcSlots: "Sunday 23:00; Monday 21:00",
      alternatives: 'days "every" (backups every day at these hours), or only hours [1], or only hours [23]',
    }),
  },
  {
    name: "Monday and Tuesday at 10:00 and 20:00 in UTC+14: not a product in UTC",
    kind: "BackupSchedule",
    inputs: (f) => ({
      ...schedule(f),
      days: ["mon", "tue"],
      hours: [10, 20],
      timeZone: "Pacific/Kiritimati",
    }),
    property: "hours",
    reason: scheduleMessages.notAProduct({
      days: '["mon","tue"]',
      hours: "[10,20]",
      where: "Pacific/Kiritimati (UTC+14)",
      utcSlots: "Sunday 20:00; Monday 06:00, 20:00; Tuesday 06:00",
      alternatives: 'days "every" (backups every day at these hours), or only hours [10], or only hours [20]',
    }),
  },
  {
    name: "every hour of a Monday in UTC-11: not a product in UTC",
    kind: "BackupSchedule",
    inputs: (f) => ({ ...schedule(f), days: ["mon"], hours: "every", timeZone: "Pacific/Pago_Pago" }),
    property: "hours",
    reason: scheduleMessages.notAProduct({
      days: '["mon"]',
      hours: '"every"',
      where: "Pacific/Pago_Pago (UTC-11)",
      utcSlots: "Monday 11:00\u201323:00; Tuesday 00:00\u201310:00",
      alternatives:
        'days "every" (backups every day at these hours), or only hours [0,1,2,3,4,5,6,7,8,9,10,11,12], or only hours [13,14,15,16,17,18,19,20,21,22,23]',
    }),
  },
  {
    name: "follow: Monday at 00:00 and 01:00 in Berlin is a product in summer, not in winter",
    kind: "BackupSchedule",
    inputs: (f) => ({
      ...schedule(f),
      days: ["mon"],
      hours: [0, 1],
      timeZone: "Europe/Berlin",
      dstHandling: "follow",
    }),
    property: "hours",
    reason: scheduleMessages.notAProduct({
      days: '["mon"]',
      hours: "[0,1]",
      where: "Europe/Berlin at UTC+1 (standard time)",
      utcSlots: "Sunday 23:00; Monday 00:00",
      alternatives: 'days "every" (backups every day at these hours), or only hours [0], or only hours [1]',
    }),
  },
  {
    name: "standardTime: Saturday at 08:00 and 20:00 in New York, the later one moving to Sunday",
    kind: "BackupSchedule",
    inputs: (f) => ({
      ...schedule(f),
      days: ["saturday"],
      hours: [20, 8],
      timeZone: "America/New_York",
      dstHandling: "standardTime",
    }),
    property: "hours",
    reason: scheduleMessages.notAProduct({
      days: '["sat"]',
      hours: "[8,20]",
      where: "America/New_York at UTC-5 (standard time)",
      utcSlots: "Sunday 01:00; Saturday 13:00",
      alternatives: 'days "every" (backups every day at these hours), or only hours [8], or only hours [20]',
    }),
  },
  {
    name: "backup retention 0",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), retentionDays: 0 }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got 0`,
  },
  {
    name: 'backup retention "14"',
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), retentionDays: "14" }),
    property: "retentionDays",
    reason: `retentionDays: ${RETENTION}, got the string "14"`,
  },
  {
    name: "backup retention Infinity",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), retentionDays: Number.POSITIVE_INFINITY }),
    property: "retentionDays",
    shown: "{+Inf}",
    reason: `retentionDays: ${RETENTION}, got Infinity`,
  },
  {
    name: "backup missing retention",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), retentionDays: undefined }),
    property: "retentionDays",
    reason: "retentionDays is required: how many whole days the backup is kept (1 to 365)",
  },
  {
    name: "backup description too long",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), description: "x".repeat(257) }),
    property: "description",
    shown: `{${"x".repeat(257)}}`,
    reason: "description: must be at most 256 characters, got a string of 257 characters",
  },
  {
    name: "backup description number",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), description: 5 }),
    property: "description",
    reason: `description: ${DESCRIPTION}, got 5`,
  },
  {
    name: "backup description an object",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), description: { text: "d" } }),
    property: "description",
    reason: `description: ${DESCRIPTION}, got the object {"text":"d"}`,
  },
  {
    name: "backup existingBackupId empty",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), existingBackupId: "" }),
    property: "existingBackupId",
    shown: "{}",
    reason: `existingBackupId: "" ${BACKUP_ID}`,
  },
  {
    name: "backup existingBackupId a number",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), existingBackupId: 7 }),
    property: "existingBackupId",
    reason: `existingBackupId: 7 ${BACKUP_ID}`,
  },
  {
    name: "backup wait timeout 2 days",
    kind: "Backup",
    inputs: (f) => ({ ...backup(f), waitTimeoutMinutes: 2880 }),
    property: "waitTimeoutMinutes",
    reason: `waitTimeoutMinutes: ${WAIT}, got 2880`,
  },
  {
    name: "restore acknowledgeDataLoss missing",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), acknowledgeDataLoss: undefined }),
    property: "acknowledgeDataLoss",
    reason:
      "acknowledgeDataLoss is required: set it to true to accept that a restore deletes every key in the datastore and replaces it with the backup's data",
  },
  {
    name: "restore acknowledgeDataLoss false",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), acknowledgeDataLoss: false }),
    property: "acknowledgeDataLoss",
    shown: "{false}",
    reason: `acknowledgeDataLoss: ${DATA_LOSS}, got the boolean false`,
  },
  {
    name: 'restore acknowledgeDataLoss "true"',
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), acknowledgeDataLoss: "true" }),
    property: "acknowledgeDataLoss",
    shown: "{true}",
    reason: `acknowledgeDataLoss: ${DATA_LOSS}, got the string "true"`,
  },
  {
    name: "restore missing backupId",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), backupId: undefined }),
    property: "backupId",
    reason: "backupId is required: the id of the backup to restore (for example `backup.backupId`)",
  },
  {
    name: "restore backupId a number",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), backupId: 7 }),
    property: "backupId",
    shown: "{7}",
    reason: `backupId: 7 ${BACKUP_ID}`,
  },
  {
    name: "restore backupId with a slash and a dot",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), backupId: `${f.pendingBackup}/../x` }),
    property: "backupId",
    reason: (f) => `backupId: "${f.pendingBackup}/../x" ${BACKUP_ID}`,
  },
  {
    name: "restore trigger number",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), trigger: 20261127 }),
    property: "trigger",
    reason: `trigger: ${TRIGGER}, got 20261127`,
  },
  {
    name: "restore trigger a boolean",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), trigger: true }),
    property: "trigger",
    reason: `trigger: ${TRIGGER}, got the boolean true`,
  },
  {
    name: "restore backup not ready",
    kind: "Restore",
    inputs: restore,
    property: "backupId",
    shown: (f) => `{${f.pendingBackup}}`,
    reason: (f) => `backupId: ${restoreMessages.backupNotReady(f.pendingBackup, "pending")}`,
  },
  {
    name: "restore backup of another region",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), backupId: f.otherRegionBackup }),
    property: "backupId",
    shown: (f) => `{${f.otherRegionBackup}}`,
    reason: (f) =>
      `backupId: ${restoreMessages.otherPlace(
        f.otherRegionBackup,
        { cloudProvider: "gcp", region: "europe-west1" },
        f.datastore,
        { cloudProvider: "aws", region: "eu-west-1" },
      )}`,
  },
  {
    name: "restore backup of another account",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), backupId: f.otherAccountBackup }),
    property: "backupId",
    reason: (f) => `backupId: ${restoreMessages.backupMissing(f.otherAccountBackup)}`,
  },
  {
    name: "restore unknown datastore",
    kind: "Restore",
    inputs: (f) => ({ ...restore(f), datastoreId: "dst_nope", backupId: f.otherRegionBackup }),
    property: "datastoreId",
    shown: "{dst_nope}",
    reason: "datastoreId: datastore dst_nope does not exist in this account",
  },
  {
    name: "drill into the drilled datastore",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), scratchDatastoreId: f.datastore, acknowledgeDataLoss: true }),
    property: "scratchDatastoreId",
    shown: (f) => `{${f.datastore}}`,
    reason: (f) => `scratchDatastoreId: ${restoreDrillMessages.scratchIsSource(f.datastore)}`,
  },
  {
    name: "drill scratch datastore without acknowledgeDataLoss",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), scratchDatastoreId: "dst_scratch" }),
    property: "acknowledgeDataLoss",
    reason: `acknowledgeDataLoss: ${restoreDrillMessages.scratchMustBeAcknowledged("dst_scratch")}`,
  },
  {
    name: "drill minKeys below 0",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), minKeys: -1 }),
    property: "minKeys",
    shown: "{-1}",
    reason: `minKeys: ${restoreDrillMessages.minKeysMustBe}, got -1`,
  },
  {
    name: "drill maxRestoreMinutes 0",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), maxRestoreMinutes: 0 }),
    property: "maxRestoreMinutes",
    shown: "{0}",
    reason: `maxRestoreMinutes: ${restoreDrillMessages.maxRestoreMinutesMustBe}, got 0`,
  },
  {
    name: "drill maxBackupAgeHours a string",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), maxBackupAgeHours: "24h" }),
    property: "maxBackupAgeHours",
    reason: `maxBackupAgeHours: ${restoreDrillMessages.maxBackupAgeMustBe}, got the string "24h"`,
  },
  {
    name: "drill expectKeys one string",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), expectKeys: "order:1" }),
    property: "expectKeys",
    reason: `expectKeys: ${restoreDrillMessages.expectKeysMustBeStrings}, got the string "order:1"`,
  },
  {
    name: "drill a pending backup",
    kind: "RestoreDrill",
    inputs: (f) => ({ ...drill(f), backupId: f.pendingBackup }),
    property: "backupId",
    shown: (f) => `{${f.pendingBackup}}`,
    reason: (f) => `backupId: ${restoreDrillMessages.backupNotReady(f.pendingBackup, "pending")}`,
  },
  {
    name: "drill an unknown datastore",
    kind: "RestoreDrill",
    inputs: () => ({ datastoreId: "dst_nope" }),
    property: "datastoreId",
    shown: "{dst_nope}",
    reason: "datastoreId: datastore dst_nope does not exist in this account",
  },
];
