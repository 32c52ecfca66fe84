import * as z from "../zod";
import { describeValue } from "./check";

/**
 * Ids in the shape the Dragonfly Cloud API issues, checked at `check` so that a value the API never
 * issues (a path such as `../../v1/backups`, a URL, an id with a space or `%`) fails the preview
 * with a message instead of reaching a request path. The API documents ids only as opaque strings
 * (`dst_…`, and in our model of backups `bkp_…`; docs/api-model.md), so the rule is deliberately
 * loose about content and strict about the characters: letters, digits, `_` and `-`. No `/`, `.`,
 * `%`, whitespace or anything else that could change which URL a request goes to.
 */

/** Longest id accepted, in characters. Issued ids are about 20; the bound keeps messages short. */
export const MAX_ID_LENGTH = 128;

/** An id the API could issue: 1 to {@link MAX_ID_LENGTH} letters, digits, `_` and `-`. */
export const ID_PATTERN = new RegExp(`^[A-Za-z0-9_-]{1,${MAX_ID_LENGTH}}$`);

/** What an id names, as messages call it. */
export type IdKind = "datastore" | "backup";

/** The prefix the API's ids of each kind carry, for the example in messages. */
const EXAMPLE_PREFIX: Record<IdKind, string> = { datastore: "dst_", backup: "bkp_" };

/** True when `value` is a string in the shape of an id the API could issue (see {@link ID_PATTERN}). */
export function isApiId(value: unknown): value is string {
  return typeof value === "string" && ID_PATTERN.test(value);
}

/**
 * Why `value` is not a `kind` id, or undefined when it is one. The message names the value as it was
 * given and what ids look like, for example
 * `"../../v1/backups" is not a datastore id: ids are 1 to 128 letters, digits, "_" and "-" (for example dst_…)`.
 * Callers put the property in front (`datastoreId: …`).
 */
export function idProblem(kind: IdKind, value: unknown): string | undefined {
  if (isApiId(value)) return undefined;
  return (
    `${describeValue(value, true)} is not a ${kind} id: ids are 1 to ${MAX_ID_LENGTH} letters, ` +
    `digits, "_" and "-" (for example ${EXAMPLE_PREFIX[kind]}…)`
  );
}

/**
 * A zod schema for a `kind` id: accepts exactly what {@link isApiId} accepts, unchanged (no
 * trimming: an id with surrounding whitespace is not one the API issued), and fails with
 * {@link idProblem}'s message. Add `.optional()` for an optional input.
 */
export function idSchema(kind: IdKind): z.ZodType<string, string> {
  return z.custom<string>(isApiId, {
    error: (issue) => idProblem(kind, issue.input) ?? `is not a ${kind} id`,
  });
}

/** A datastore id (`datastoreId` of all three resources, the lookups' datastore argument). */
export const datastoreIdSchema = idSchema("datastore");

/** A backup id (`Restore.backupId`, `Backup.existingBackupId`, the lookups' backup argument). */
export const backupIdSchema = idSchema("backup");
