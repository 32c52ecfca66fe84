import { TerminalStateError, WaitTimeoutError } from "./errors";
import { cancellableSleep, currentOperation, effectiveDeadline } from "./operation";
import type { Clock } from "./retry";

/** First pause between polls, in milliseconds: most transitions in tests and small changes are quick. */
export const POLL_FIRST_INTERVAL_MS = 250;
/** Each pause is this much longer than the one before, up to {@link POLL_MAX_INTERVAL_MS}. */
export const POLL_INTERVAL_GROWTH = 1.5;
/** Longest pause between polls, in milliseconds (the official Terraform provider polls every 5 s). */
export const POLL_MAX_INTERVAL_MS = 5_000;
/** How long a wait lasts when the caller sets neither `timeoutMs` nor `deadlineMs`: 15 minutes. */
export const DEFAULT_WAIT_TIMEOUT_MS = 15 * 60 * 1000;

/** How long to wait and whom to tell about it. */
export interface WaitForOptions<T> {
  /** Give up this many milliseconds after the wait starts. Default 15 minutes; ignored when `deadlineMs` is set. */
  readonly timeoutMs?: number | undefined;
  /** Give up at this instant, in milliseconds since the Unix epoch on the client's clock. */
  readonly deadlineMs?: number | undefined;
  /** Called with every object polled and the milliseconds since the wait started; must not throw. */
  readonly onProgress?: ((observed: T, elapsedMs: number) => void) | undefined;
}

/** What to poll and when to stop. */
export interface PollSpec<T> {
  /** What is awaited, for messages: `datastore dst_x to become active`. */
  readonly waitedFor: string;
  /** Reads the object once (retries included). */
  readonly read: () => Promise<T>;
  readonly statusOf: (observed: T) => string;
  readonly isDone: (observed: T) => boolean;
  /** Whether the object can no longer become done (checked after `isDone`). */
  readonly isTerminal: (observed: T) => boolean;
}

/**
 * Polls until `spec.isDone`, fast at first and slower later (250 ms growing ×1.5 to 5 s), never sleeping
 * past the deadline (the earlier of the options' and the operation's, see withinOperation): the last poll
 * happens at the deadline itself. A cancelled operation ends the wait at once.
 * @throws TerminalStateError when the object reaches a terminal state
 * @throws WaitTimeoutError when the deadline passes first
 */
export async function pollUntil<T>(spec: PollSpec<T>, options: WaitForOptions<T>, clock: Clock): Promise<T> {
  const startedAt = clock.now();
  const ownDeadline = options.deadlineMs ?? startedAt + (options.timeoutMs ?? DEFAULT_WAIT_TIMEOUT_MS);
  const deadline = effectiveDeadline(ownDeadline) ?? Number.POSITIVE_INFINITY;
  // The operation's limit is named only when it is the one that ends this wait.
  const operation = currentOperation();
  const limit =
    operation.deadlineMs !== undefined && operation.deadlineMs <= ownDeadline ? operation.limit : undefined;
  let intervalMs = POLL_FIRST_INTERVAL_MS;
  for (;;) {
    const observed = await spec.read();
    const wait = {
      waitedFor: spec.waitedFor,
      lastStatus: spec.statusOf(observed),
      elapsedMs: clock.now() - startedAt,
    };
    options.onProgress?.(observed, wait.elapsedMs);
    if (spec.isDone(observed)) return observed;
    if (spec.isTerminal(observed)) throw new TerminalStateError(wait);
    const remainingMs = deadline - clock.now();
    if (remainingMs <= 0) throw new WaitTimeoutError({ ...wait, limit });
    await cancellableSleep(
      clock.sleep(Math.min(Math.round(intervalMs), remainingMs)),
      `waiting for ${spec.waitedFor}`,
    );
    intervalMs = Math.min(intervalMs * POLL_INTERVAL_GROWTH, POLL_MAX_INTERVAL_MS);
  }
}
