/**
 * Every fact about the Dragonfly Cloud wire format that this client relies on and that could turn out
 * to be wrong, in one place. Each constant cites docs/api-model.md; when the real API differs, correct
 * the document and the constant together (the emulator has its own copy in emulator/src/modelled.ts,
 * on purpose: the two share no code, so a wrong guess cannot hide in both).
 */

/**
 * Default base URL of the management API. docs/api-model.md "Transport" [public]: the official
 * Terraform SDK's default `api_host`.
 */
export const DEFAULT_API_URL = "https://api.dragonflydb.cloud";

/** Collection path of datastores. docs/api-model.md "Datastores" [public]. */
export const DATASTORES_PATH = "/v1/datastores";

/**
 * Collection path of backups. docs/api-model.md "Backups" [console → our model]: no public API lists
 * backups; the path follows the API's `/v1/<plural>` convention.
 */
export const BACKUPS_PATH = "/v1/backups";

/**
 * Query parameter of `GET /v1/backups` that filters by datastore. docs/api-model.md "Backups"
 * [console → our model].
 */
export const BACKUPS_DATASTORE_FILTER_PARAM = "datastore_id";

/**
 * Request header that makes `POST /v1/backups` idempotent. docs/api-model.md "Backups", Idempotency
 * [choice]: whether the real API honours it is unknown, so createBackup also reconciles by listing.
 */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";

/**
 * Milliseconds per unit of every `created_at` field. docs/api-model.md "Transport" [choice]: the unit
 * is undocumented; we model Unix seconds.
 */
export const TIMESTAMP_UNIT_MS = 1000;

/**
 * Milliseconds per unit of a backup's `retention` and of `backup_policy.retention`. docs/api-model.md
 * "`config.backup_policy`" [public field; unit inferred from the console's "number of days"].
 */
export const RETENTION_UNIT_MS = 24 * 60 * 60 * 1000;

/**
 * Limits of the values the API takes, each named once: every check, message and doc that names a
 * limit takes it from here.
 */
export const API_LIMITS = {
  /**
   * Retention of a backup or of the schedule's backups, whole days. docs/api-model.md "Backups" and
   * "`config.backup_policy`" [choice: the console says "number of days"; 365 is our model's maximum].
   */
  retentionDays: { min: 1, max: 365 },
  /** Longest backup description, characters. docs/api-model.md "Backups" [choice]. */
  descriptionLength: { max: 256 },
  /** Hours of the day in `backup_policy.hours`, UTC. docs/api-model.md "`config.backup_policy`" [inferred]. */
  hour: { min: 0, max: 23 },
} as const;

/**
 * Weekday names in the order of the API's integers in `backup_policy.weekdays`: index 0 = Sunday.
 * docs/api-model.md "`config.backup_policy`" [inferred from `maintenance_window.weekday`].
 */
export const API_WEEKDAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"] as const;
