import { type DfCloudError, isDfCloudError, type RequestTarget } from "./errors";
import { cancellableSleep, effectiveDeadline } from "./operation";

/** Bounds of the retry loop. All durations in milliseconds. */
export interface RetryPolicy {
  /** Attempts in total, the first one included; 1 disables retries. Default 5. */
  readonly maxAttempts: number;
  /** Backoff cap of the first retry, doubled for each further retry. Default 500 ms. */
  readonly baseDelayMs: number;
  /** Largest backoff cap, however many retries came before. Default 10 000 ms. */
  readonly maxDelayMs: number;
  /** Longest `Retry-After` obeyed; a longer one is shortened to this. Default 60 000 ms. */
  readonly maxRetryAfterMs: number;
  /** No retry is started whose delay would end later than this after the first attempt began. Default 120 000 ms. */
  readonly maxElapsedMs: number;
}

/** The retry bounds used when the caller sets none. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 10_000,
  // openai-node caps Retry-After at 60 s too; a longer ask is more likely a bug than a plan.
  maxRetryAfterMs: 60_000,
  maxElapsedMs: 120_000,
};

/** Time as the client sees it; injectable so tests can assert delays without waiting for them. */
export interface Clock {
  /** Milliseconds since the Unix epoch. */
  now(): number;
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};

/** Reported before each retry's delay starts. */
export interface RetryEvent extends RequestTarget {
  /** Number of the attempt that failed, from 1. */
  readonly failedAttempt: number;
  /** How long the client waits before the next attempt, in milliseconds. */
  readonly delayMs: number;
  /** Why the attempt failed (its message is free of the API key). */
  readonly error: DfCloudError;
}

/** Everything the retry loop needs besides the operation. */
export interface RetrySettings {
  readonly policy: RetryPolicy;
  readonly clock: Clock;
  /** Returns a number in [0, 1); the jitter source. */
  readonly random: () => number;
  /** Called before each retry (for logging); must not throw. */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
}

/** What an attempt knows about the attempts before it. */
export interface Attempt {
  /**
   * True when an earlier attempt failed in a way that leaves open whether the server acted (see
   * {@link isAmbiguousFailure}), so this attempt may find the change already made.
   */
  readonly earlierAttemptMayHaveActed: boolean;
}

/** Whether a failed attempt may be repeated: connection errors, timeouts, 408, 429 and 5xx. */
export function isRetryable(error: unknown): error is DfCloudError {
  if (isDfCloudError(error, "ConnectionError") || isDfCloudError(error, "TimeoutError")) return true;
  if (!isDfCloudError(error, "ApiError")) return false;
  return error.status === 408 || error.status === 429 || error.status >= 500;
}

/**
 * Whether the server may have acted although the attempt failed. A 429 or 503 is answered before the
 * request is handled (docs/api-model.md, fault kinds), so it means "not done"; a lost answer, a timeout,
 * a 408 or any other 5xx (the emulator's `500` fault answers after handling) means "maybe done".
 */
export function isAmbiguousFailure(error: DfCloudError): boolean {
  if (isDfCloudError(error, "ApiError")) {
    return error.status === 408 || (error.status >= 500 && error.status !== 503);
  }
  return isDfCloudError(error, "ConnectionError") || isDfCloudError(error, "TimeoutError");
}

/**
 * Delay before retry number `retryNumber` (1 for the first retry), in milliseconds: the server's
 * `Retry-After` when it sent one (capped by `maxRetryAfterMs`), else exponential backoff with full
 * jitter — uniform in [0, min(maxDelayMs, baseDelayMs × 2^(retryNumber−1))) — so that many clients
 * failing together do not retry together.
 */
export function retryDelayMs(
  retryNumber: number,
  error: DfCloudError,
  policy: RetryPolicy,
  random: () => number,
): number {
  if (isDfCloudError(error, "ApiError") && error.retryAfterMs !== undefined) {
    return Math.min(error.retryAfterMs, policy.maxRetryAfterMs);
  }
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (retryNumber - 1));
  return Math.round(random() * cap);
}

/** `delay-seconds` of RFC 9110 §10.2.3: one or more digits, nothing else. */
const DELAY_SECONDS = /^\d+$/;
/** An HTTP-date (RFC 9110 §5.6.7) in its preferred form, IMF-fixdate: `Sun, 06 Nov 1994 08:49:37 GMT`. */
const IMF_FIXDATE =
  /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

/**
 * Reads a `Retry-After` header strictly, as ky's retry timing does: `delay-seconds` (digits only) or an
 * IMF-fixdate. Anything else — `1.5`, `-1`, `1e3`, `0x10`, a date in another form — is unreadable
 * and ignored (the client's own backoff applies), rather than guessed at: `Number("0x10")` is 16 and
 * `Date.parse("2")` is the year 2001.
 * @param nowMs the current time, to turn a date into a delay
 * @returns milliseconds to wait (never negative), or undefined when absent or unreadable
 */
export function parseRetryAfterMs(value: string | undefined, nowMs: number): number | undefined {
  const trimmed = value?.trim() ?? "";
  if (DELAY_SECONDS.test(trimmed)) return Number(trimmed) * 1000;
  if (!IMF_FIXDATE.test(trimmed)) return undefined;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - nowMs);
}

/**
 * Runs `attempt` until it succeeds, fails with an error that is not {@link isRetryable}, has been tried
 * `maxAttempts` times, or the next delay would end past `maxElapsedMs` or past the operation's deadline
 * (see withinOperation); then rethrows the last error. A cancelled operation ends the delay at once.
 * Only idempotent operations belong here, or ones that use {@link Attempt.earlierAttemptMayHaveActed}
 * to find out what an earlier attempt did (see createBackup).
 */
export async function withRetries<T>(
  target: RequestTarget,
  attempt: (context: Attempt) => Promise<T>,
  settings: RetrySettings,
): Promise<T> {
  const { policy, clock } = settings;
  const startedAt = clock.now();
  let earlierAttemptMayHaveActed = false;
  for (let number = 1; ; number++) {
    try {
      return await attempt({ earlierAttemptMayHaveActed });
    } catch (error) {
      if (!isRetryable(error) || number >= policy.maxAttempts) throw error;
      const delayMs = retryDelayMs(number, error, policy, settings.random);
      const resumesAt = clock.now() + delayMs;
      if (resumesAt - startedAt > policy.maxElapsedMs) throw error;
      const deadline = effectiveDeadline(undefined);
      if (deadline !== undefined && resumesAt > deadline) throw error;
      settings.onRetry?.({ ...target, failedAttempt: number, delayMs, error });
      earlierAttemptMayHaveActed ||= isAmbiguousFailure(error);
      await cancellableSleep(clock.sleep(delayMs), `waiting to retry ${target.method} ${target.path}`);
    }
  }
}
