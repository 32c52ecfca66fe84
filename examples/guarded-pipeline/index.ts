// Guarded pipeline: the backups of a service's datastore, deployed by CI (ci-workflow.yml) behind
// the dfcloud-backup-guardrails policy pack. Pull requests preview with the pack; the main branch
// runs `pulumi up` with it, so a change that weakens the backups never reaches the datastore.
//
// Config:
//   datastoreId     the datastore to protect
//   release         what is being deployed, e.g. the commit (CI sets $GITHUB_SHA); default "local"
//   retentionDays   days each nightly backup is kept (default 14; the pack requires 7 to 35)
// Credentials come from the environment (DFCLOUD_API_KEY, and DFCLOUD_API_URL for the emulator)
// or from `dfcloud-backups:apiKey` (set it with --secret: Pulumi stores the stack config in the state) and
// `dfcloud-backups:apiUrl` in the stack config.
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");
const release = config.get("release") ?? "local";

// A backup before every release. Its description names the release, so deploying a new release
// replaces it with a fresh backup. retainOnDelete leaves the replaced ones in Dragonfly Cloud, where
// they expire after their 7 days: the last week of releases can always be rolled back to. (The
// pack's advisory backup-protected rule cannot see retainOnDelete, so it prints a warning for this
// backup; `protect: true` would instead make every new release fail to replace it.)
const preDeploy = new dfcloud.Backup(
  "pre-deploy",
  { datastoreId, description: `before release ${release}`, retentionDays: 7 },
  { retainOnDelete: true },
);

// Every night at 03:00 UTC. The pack blocks a schedule that keeps backups under 7 or over 35 days,
// takes fewer than 7 a week, or is disabled. It waits for the pre-deploy backup, so the backup
// captures the datastore before anything else in the deployment changes it.
const nightly = new dfcloud.BackupSchedule(
  "nightly",
  { datastoreId, days: "every", hours: [3], retentionDays: config.getNumber("retentionDays") ?? 14 },
  { dependsOn: [preDeploy] },
);

export const scheduleDays = nightly.days;
export const scheduleHours = nightly.hours;
export const scheduleRetentionDays = nightly.retentionDays;
export const preDeployBackupId = preDeploy.backupId;
export const preDeployBackupStatus = preDeploy.status;
