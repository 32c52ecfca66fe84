/** The BackupSchedule resource: its contract, its logic and its messages. */
export * from "./contract";
export { backupScheduleLogic } from "./logic";
export * as backupScheduleMessages from "./messages";
