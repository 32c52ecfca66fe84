/**
 * pulumi-dfcloud: Dragonfly Cloud backups as Pulumi resources.
 * @packageDocumentation
 */
export { Backup, type BackupArgs } from "./backup";
export { BackupSchedule, type BackupScheduleArgs, type WeekdayName } from "./backup-schedule";
export {
  type BackupFilter,
  type BackupInfo,
  type DatastoreInfo,
  getBackup,
  getDatastore,
  listBackups,
} from "./lookups";
export { Restore, type RestoreArgs } from "./restore";
export { BACKUP_SCHEDULE_TYPE, BACKUP_TYPE, RESTORE_TYPE } from "./tokens";
