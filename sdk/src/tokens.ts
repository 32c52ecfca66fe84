/**
 * Pulumi type tokens of the dfcloud resources. A dynamic resource's token is
 * `pulumi-nodejs:dynamic/<module>:<type>`; policy packs and stack exports match on these.
 * One constant each, shared with the policy pack (`dfcloud-backup-guardrails`).
 */

/** Type token of {@link BackupSchedule}. */
export const BACKUP_SCHEDULE_TYPE = "pulumi-nodejs:dynamic/dfcloud:BackupSchedule";
/** Type token of {@link Backup}. */
export const BACKUP_TYPE = "pulumi-nodejs:dynamic/dfcloud:Backup";
/** Type token of {@link Restore}. */
export const RESTORE_TYPE = "pulumi-nodejs:dynamic/dfcloud:Restore";
