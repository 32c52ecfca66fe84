// Proves the policy pack lets a careful program through with its defaults: a daily schedule kept
// two weeks, a weekly drill that proves its backups restore, a protected safety backup, and a
// restore (in a non-production stack) that depends on that backup. Config: `datastoreId`,
// `backupId` (an existing, ready backup of that datastore) and `protectBackup` (default true; false
// leaves only the advisory `backup-protected` to report).
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");

new dfcloud.BackupSchedule("nightly", { datastoreId, days: "every", hours: [3], retentionDays: 14 });

// Previewed only, so it never runs: the pack needs it to be declared, not to have passed.
new dfcloud.RestoreDrill("weekly-drill", {
  datastoreId,
  backupId: config.require("backupId"),
  trigger: "2026-W49",
});

const safety = new dfcloud.Backup(
  "pre-restore",
  { datastoreId, retentionDays: 7 },
  { protect: config.getBoolean("protectBackup") ?? true },
);

new dfcloud.Restore(
  "restore",
  { datastoreId, backupId: config.require("backupId"), acknowledgeDataLoss: true },
  { dependsOn: [safety] },
);
