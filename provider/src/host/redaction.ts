/**
 * The last line of defence between the resource logic and the engine: the API key and every
 * datastore password read for the data plane, in every spelling, are removed from whatever reaches the engine from a provider process — error messages,
 * stacks, a partial create's `reasons` (stored in state as initErrors), check failures and log lines.
 * The client already redacts what it builds; this covers text built anywhere else.
 */
import { redactError, redactSecrets } from "../client/redact";
import type { CheckFailure } from "../resources/logic";

/** Removes the keys a provider process may hold from text, errors and check failures. */
export class Redaction {
  /**
   * @param keys every key this process may hold, read at each use: the one it uses and, when both
   *   are set, the other source's (only the first is ever sent, but neither belongs in a message)
   */
  constructor(private readonly keys: () => readonly (string | undefined)[]) {}

  /** `text` without any key. */
  text(text: string): string {
    return redactSecrets(text, this.keys());
  }

  /** The same error, its message, stack, reasons and causes without any key. */
  error<T>(error: T): T {
    return redactError(error, this.keys());
  }

  /** Check failures whose reasons hold no key. */
  failures(failures: readonly CheckFailure[]): CheckFailure[] {
    return failures.map((failure) => ({ ...failure, reason: this.text(failure.reason) }));
  }
}
