// Quickstart: put a backup schedule on a datastore and take one manual backup of it.
// Config: `datastoreId` (the datastore to protect), plus the credentials `dfcloud-backups:apiKey` (secret)
// and, for the emulator, `dfcloud-backups:apiUrl`. Optional: `hours`, the UTC hours of the schedule as a
// JSON list (default [2, 14]); `make demo` sets it to an hour that does not exist to show the preview
// stopping it before anything reaches the API.
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");
const hours = config.getObject<number[]>("hours") ?? [2, 14];

// Every day at 02:00 and 14:00 UTC (unless `hours` says otherwise), each backup kept for a week.
const schedule = new dfcloud.BackupSchedule("nightly", {
  datastoreId,
  days: "every",
  hours,
  retentionDays: 7,
});

// A one-off backup before a risky change, kept for two weeks.
const beforeMigration = new dfcloud.Backup("before-migration", {
  datastoreId,
  description: "before schema migration",
  retentionDays: 14,
});

export const scheduleDays = schedule.days;
export const scheduleHours = schedule.hours;
export const backupId = beforeMigration.backupId;
export const backupStatus = beforeMigration.status;
export const backupExpiresAt = beforeMigration.expiresAt;
