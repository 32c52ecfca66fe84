/** Inputs every resource declares alike: the datastore it acts on and its wait budget. */
import { type InputSpec, t } from "../schema/spec";
import * as z from "../zod";
import { datastoreIdSchema } from "./ids";

/** Default for every resource's `waitTimeoutMinutes`: how long `up` waits for the API. */
export const DEFAULT_WAIT_TIMEOUT_MINUTES = 30;

/** Upper bound for `waitTimeoutMinutes` (one day). */
export const MAX_WAIT_TIMEOUT_MINUTES = 24 * 60;

/**
 * The `datastoreId` input, shared by all three resources: an id in the shape the API issues, so a
 * path such as `../../v1/backups` fails the preview instead of reaching a request path.
 * @param description what the datastore is to this resource, and what changing it does
 */
export function datastoreIdInput<const R extends boolean>(description: string, replaces: R) {
  return {
    schema: datastoreIdSchema,
    type: t.string,
    description,
    required: "the id of the Dragonfly Cloud datastore (for example `datastore.id` or a dst_… string)",
    replaces,
  } satisfies InputSpec;
}

const WAIT_TIMEOUT_RANGE = `a whole number of minutes from 1 to ${MAX_WAIT_TIMEOUT_MINUTES} (default ${DEFAULT_WAIT_TIMEOUT_MINUTES})`;

/**
 * The `waitTimeoutMinutes` input, shared by all three resources: one budget for the whole operation.
 * @param awaited what `up` waits for, e.g. `the backup to become ready`
 */
export function waitTimeoutInput(awaited: string) {
  const mustBe = () => `must be ${WAIT_TIMEOUT_RANGE}`;
  return {
    schema: z
      .number({ error: mustBe })
      .int({ error: mustBe })
      .min(1, { error: mustBe })
      .max(MAX_WAIT_TIMEOUT_MINUTES, { error: mustBe })
      .default(DEFAULT_WAIT_TIMEOUT_MINUTES),
    type: t.integer,
    default: DEFAULT_WAIT_TIMEOUT_MINUTES,
    description:
      `How long \`up\` waits for ${awaited}, in minutes (1–${MAX_WAIT_TIMEOUT_MINUTES}): one budget for the wait until ` +
      `the datastore is idle, every request and retry, and the wait itself. Default ${DEFAULT_WAIT_TIMEOUT_MINUTES}. ` +
      "Changing it changes nothing else.",
  } satisfies InputSpec;
}
