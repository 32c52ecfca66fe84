// Weekly restore drill: once a week, prove that the datastore's newest backup restores, that it
// holds the keys that matter, that the restore is fast enough (RTO) and that the backup was fresh
// enough (RPO). The drill restores into a temporary datastore made like the source and deletes it
// afterwards; the source datastore is only read. The week is the drill's `trigger`: a new week runs
// a new drill, and another `pulumi up` in the same week runs nothing.
//
// Config:
//   datastoreId         the datastore whose backups are drilled (required; only read)
//   isoWeek             the week to drill as, e.g. 2026-W49 (the workflow passes it; default: the
//                       current ISO week in UTC)
//   expectKeys          keys that must exist after the restore, as a JSON list (default [])
//   minKeys             the fewest keys the restored datastore may hold (default 1)
//   maxRestoreMinutes   the recovery time objective (RTO) in minutes (default 30)
//   maxBackupAgeHours   the recovery point objective (RPO) in hours (default 24)
//   backupId            a backup to drill instead of the newest ready one (default: the newest)
// Credentials come from the environment (DFCLOUD_API_KEY, and DFCLOUD_API_URL for the emulator) or
// from `dfcloud-backups:apiKey` (set it with --secret) and `dfcloud-backups:apiUrl`.
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";
import { ISO_WEEK_PATTERN, isoWeekOf } from "./iso-week";

const config = new pulumi.Config();
const week = config.get("isoWeek") ?? isoWeekOf(new Date());
if (!ISO_WEEK_PATTERN.test(week)) {
  throw new Error(`config isoWeek must be an ISO week such as 2026-W49, not ${JSON.stringify(week)}`);
}

const drill = new dfcloud.RestoreDrill("weekly", {
  datastoreId: config.require("datastoreId"),
  backupId: config.get("backupId"),
  expectKeys: config.getObject<string[]>("expectKeys") ?? [],
  minKeys: config.getNumber("minKeys"),
  maxRestoreMinutes: config.getNumber("maxRestoreMinutes") ?? 30,
  maxBackupAgeHours: config.getNumber("maxBackupAgeHours") ?? 24,
  trigger: week,
});

// The evidence, named as the RestoreDrill names it: what was drilled, the objectives it was judged
// by, and what the drill measured. A failed check fails `pulumi up`, and a failed `up` records no
// stack outputs, so the workflow reads the week's evidence from the state instead (evidence.js),
// where the drill is kept with `passed: false` and its failures.
export const trigger = drill.trigger;
export const datastoreId = drill.datastoreId;
export const backupId = drill.backupId;
export const backupCreatedAt = drill.backupCreatedAt;
export const backupAgeHours = drill.backupAgeHours;
export const maxBackupAgeHours = drill.maxBackupAgeHours;
export const restoreSeconds = drill.restoreSeconds;
export const maxRestoreMinutes = drill.maxRestoreMinutes;
export const keys = drill.keys;
export const minKeys = drill.minKeys;
export const expectKeys = drill.expectKeys;
export const missingKeys = drill.missingKeys;
export const scratchDatastoreId = drill.scratchDatastoreId;
export const temporaryScratch = drill.temporaryScratch;
export const scratchDeleted = drill.scratchDeleted;
export const passed = drill.passed;
export const failures = drill.failures;
export const checkedAt = drill.checkedAt;
