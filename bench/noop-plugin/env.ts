/**
 * The environment variable that makes the no-op native plugin ask the engine to refresh each of its
 * resources before updating it (`refresh_before_update`), as the native BackupSchedule does: set to
 * `true` by bench.ts's diagnostic variant, read by main.ts.
 */
export const NOOP_REFRESH_BEFORE_UPDATE_ENV = "NOOP_REFRESH_BEFORE_UPDATE";
