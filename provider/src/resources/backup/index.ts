/** The Backup resource: its contract, its logic and its messages. */
export * from "./contract";
export { backupLogic } from "./logic";
export * as backupMessages from "./messages";
