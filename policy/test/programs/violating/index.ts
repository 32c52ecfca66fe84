// Breaks each of the ten policies of dfcloud-backup-guardrails exactly once (run it in a stack
// whose name starts with "prod"). Config: `datastoreId` (scheduled twice, restored without a safety
// backup), `otherDatastoreId` (backed up, never scheduled) and `backupId` (a ready backup of
// `datastoreId`).
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");

// schedule-min-retention (3 < 7), schedule-min-frequency (1 a week < 7), schedule-enabled.
new dfcloud.BackupSchedule("weekly", {
  datastoreId,
  enabled: false,
  days: ["mon"],
  hours: [3],
  retentionDays: 3,
});

// schedule-max-retention (90 > 35), and a second schedule on the datastore: one-schedule-per-datastore.
// No RestoreDrill drills the scheduled datastore: datastore-has-restore-drill (advisory).
new dfcloud.BackupSchedule("forever", { datastoreId, days: "every", hours: [3], retentionDays: 90 });

// backup-protected (advisory), and datastore-has-schedule: nothing schedules this datastore.
new dfcloud.Backup("unprotected", { datastoreId: config.require("otherDatastoreId"), retentionDays: 7 });

// restore-allowed-stacks (a prod stack) and restore-needs-safety-backup (it depends on no Backup).
new dfcloud.Restore("restore", {
  datastoreId,
  backupId: config.require("backupId"),
  acknowledgeDataLoss: true,
});
