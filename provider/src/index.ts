export * from "./resources/schedule-spec";
export * from "./resources/unknowns";
export * from "./resources/api";
export * from "./resources/backup";
export * from "./resources/backup-schedule";
export * from "./resources/contract";
export * from "./resources/lookups";
export * from "./resources/restore";
export { createClient, type Credentials, resolveCredentials } from "./runtime";
