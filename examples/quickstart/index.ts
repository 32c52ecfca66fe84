// Quickstart: put a backup schedule on a datastore and take one manual backup of it.
// Config: `datastoreId` (the datastore to protect), plus the credentials `dfcloud-backups:apiKey` (secret)
// and, for the emulator, `dfcloud-backups:apiUrl`.
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");

// Every day at 02:00 and 14:00 UTC, each backup kept for a week.
const schedule = new dfcloud.BackupSchedule("nightly", {
  datastoreId,
  days: "every",
  hours: [2, 14],
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
