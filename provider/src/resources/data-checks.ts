/**
 * Checks of a restored datastore's data, read back over its own protocol: the keys that must exist
 * and the fewest keys it may hold. One definition for every resource that restores: a RestoreDrill
 * judges its scratch datastore by them, a Restore its target.
 */
import type { KeyspaceReading } from "../client/data-plane";
import { type InputSpec, t } from "../schema/spec";
import * as z from "../zod";

/** Most keys `expectKeys` may name: each is one EXISTS, and the evidence lists the missing ones. */
export const MAX_EXPECT_KEYS = 1000;

/** `expectKeys` is not a list of strings. */
export const expectKeysMustBeStrings = `must be a list of at most ${MAX_EXPECT_KEYS} key names (strings)`;

/** `minKeys` is not a whole number from 0; `defaultText` says what leaving it out means. */
export function minKeysMustBe(defaultText: string): string {
  return `must be a whole number from 0 (${defaultText})`;
}

/** The `expectKeys` input: keys that must exist after the restore. Default: none. */
export function expectKeysInput() {
  return {
    schema: z
      .array(z.string({ error: () => expectKeysMustBeStrings }), { error: () => expectKeysMustBeStrings })
      .max(MAX_EXPECT_KEYS, { error: () => expectKeysMustBeStrings })
      .optional(),
    type: t.array(t.string),
    description: `Keys that must exist after the restore (at most ${MAX_EXPECT_KEYS}), each checked with EXISTS over the datastore's Redis protocol. Default: none.`,
  } satisfies InputSpec;
}

/** The `minKeys` input of a resource that checks it unless told otherwise. */
export function minKeysInput(defaultKeys: number) {
  const mustBe = () => minKeysMustBe(`default ${defaultKeys}`);
  return {
    schema: z.number({ error: mustBe }).int({ error: mustBe }).min(0, { error: mustBe }).default(defaultKeys),
    type: t.integer,
    default: defaultKeys,
    description: `The fewest keys the restored datastore may hold (DBSIZE), a whole number from 0. Default ${defaultKeys}.`,
  } satisfies InputSpec;
}

/** The `minKeys` input of a resource that checks it only when set. */
export function optionalMinKeysInput() {
  const mustBe = () => minKeysMustBe("default: not checked");
  return {
    schema: z.number({ error: mustBe }).int({ error: mustBe }).min(0, { error: mustBe }).optional(),
    type: t.integer,
    description:
      "The fewest keys the restored datastore may hold (DBSIZE), a whole number from 0, read over its Redis " +
      "protocol once the restore finished. Default: not checked.",
  } satisfies InputSpec;
}

/** One line per failed data check, naming the input it failed. */
export const dataFailure = {
  minKeys: (keys: number, minKeys: number) =>
    `minKeys: the restored datastore held ${keys} keys; at least ${minKeys} required`,
  expectKeys: (missing: readonly string[], expected: number) =>
    `expectKeys: ${missing.length} of ${expected} keys missing after the restore: ${missing
      .slice(0, 10)
      .map((key) => JSON.stringify(key))
      .join(", ")}${missing.length > 10 ? ", …" : ""}`,
};

/** The data checks asked for; undefined or absent ones are not judged. */
export interface DataChecks {
  expectKeys?: readonly string[] | undefined;
  minKeys?: number | undefined;
}

/** Whether any data check is asked for (a read-back is needed). */
export function asksForDataChecks(checks: DataChecks): boolean {
  return checks.minKeys !== undefined || (checks.expectKeys?.length ?? 0) > 0;
}

/** The failed data checks of a reading, one line each. */
export function judgeKeyspace(
  reading: Pick<KeyspaceReading, "keys" | "missingKeys">,
  checks: DataChecks,
): string[] {
  const failures: string[] = [];
  if (checks.minKeys !== undefined && reading.keys < checks.minKeys) {
    failures.push(dataFailure.minKeys(reading.keys, checks.minKeys));
  }
  if (reading.missingKeys.length > 0) {
    failures.push(dataFailure.expectKeys(reading.missingKeys, checks.expectKeys?.length ?? 0));
  }
  return failures;
}
