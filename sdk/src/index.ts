/**
 * pulumi-dfcloud: Dragonfly Cloud backups as Pulumi resources.
 * @packageDocumentation
 */
// First: load node:sqlite without its ExperimentalWarning, before @pulumi/pulumi's closure serializer does.
import "./node-warnings";

export { Backup, type BackupArgs } from "./backup";
export { BackupSchedule, type BackupScheduleArgs } from "./backup-schedule";
export { type BackupFilter, getBackup, getDatastore, listBackups } from "./lookups";
export { Restore, type RestoreArgs } from "./restore";
export { RestoreDrill, type RestoreDrillArgs } from "./restore-drill";
export type * from "./types";

import type { Weekday } from "./types";

/** A weekday name as `days` accepts it: `sun` … `sat`, or a full name (`monday`) in any case. */
export type WeekdayName = Weekday | (string & {});
export { BACKUP_SCHEDULE_TYPE, BACKUP_TYPE, RESTORE_DRILL_TYPE, RESTORE_TYPE } from "./tokens";
