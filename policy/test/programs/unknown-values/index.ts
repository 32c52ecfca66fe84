// Proves no policy fails on values that are unknown during preview: the schedule's retention and
// the restore's backup both come from a Backup that does not exist yet. The schedule policies say
// they could not check retentionDays yet; the restore depends on the Backup through `backupId`. The
// drill's datastore is not known yet either, so whether the schedule's datastore is drilled waits
// for `pulumi up` rather than being reported. Config: `datastoreId`.
import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";

const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");

const safety = new dfcloud.Backup("pre-restore", { datastoreId, retentionDays: 7 }, { protect: true });

new dfcloud.BackupSchedule("nightly", {
  datastoreId,
  days: "every",
  hours: [3],
  retentionDays: safety.backupId.apply(() => 14),
});

new dfcloud.Restore("restore", { datastoreId, backupId: safety.backupId, acknowledgeDataLoss: true });

new dfcloud.RestoreDrill("weekly-drill", {
  datastoreId: safety.backupId.apply(() => datastoreId),
  trigger: "2026-W49",
});
