// Restore drill: prove that a datastore can be brought back from a backup, before the day it has to.
// A safety backup is taken first; then that backup is restored into the same datastore.
//
// Config:
//   datastoreId  the datastore to drill on (its data is replaced by the backup's — use a staging copy)
//   stage        "backup" takes only the safety backup; "restore" (the default) also restores it.
//                Running `backup` first and `restore` later lets you change data in between and see
//                the restore undo the change.
//   trigger      any string (default "drill-1"); change it, e.g. to today's date, to run the restore again
// plus the credentials `dfcloud-backups:apiKey` (secret) and, for the emulator, `dfcloud-backups:apiUrl`.
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");
const stage = config.get("stage") ?? "restore";
if (stage !== "backup" && stage !== "restore") {
  throw new Error(`config stage must be "backup" or "restore", not ${JSON.stringify(stage)}`);
}

// The safety backup: the data as it is now, kept for a week. It is what the drill restores, and
// it is also what you would restore by hand if the drill went wrong.
const safety = new dfcloud.Backup("safety", {
  datastoreId,
  description: "restore drill: safety backup",
  retentionDays: 7,
});

export const safetyBackupId = safety.backupId;
export const safetyBackupStatus = safety.status;
export const safetyBackupExpiresAt = safety.expiresAt;

// Restoring `safety.backupId` makes the Restore wait for the backup to be ready, and satisfies the
// policy pack's restore-needs-safety-backup rule. It runs once; a new `trigger` runs it again.
const restore =
  stage === "restore"
    ? new dfcloud.Restore("drill", {
        datastoreId,
        backupId: safety.backupId,
        acknowledgeDataLoss: true,
        trigger: config.get("trigger") ?? "drill-1",
      })
    : undefined;

export const restoredBackupId = restore?.backupId;
export const restoredAt = restore?.restoredAt;
