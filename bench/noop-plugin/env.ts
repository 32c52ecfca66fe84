/**
 * The environment variable that makes the no-op native plugin ask the engine to refresh each of its
 * resources before updating it (`refresh_before_update`), as the native BackupSchedule does: set to
 * `true` by bench.ts's diagnostic variants, read by main.ts.
 */
export const NOOP_REFRESH_BEFORE_UPDATE_ENV = "NOOP_REFRESH_BEFORE_UPDATE";

/**
 * The API (its base URL, e.g. an emulator's) and key that make the no-op native plugin send, per
 * operation, the API calls a native BackupSchedule sends at the least (main.ts `apiCalls`): set by
 * bench.ts's diagnostic variant that shows what those calls cost by themselves.
 */
export const NOOP_API_URL_ENV = "NOOP_API_URL";
/** The key sent with {@link NOOP_API_URL_ENV}'s calls. */
export const NOOP_API_KEY_ENV = "NOOP_API_KEY";
