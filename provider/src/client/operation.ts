import { AsyncLocalStorage } from "node:async_hooks";
import { CancelledError } from "./errors";

/**
 * The bounds of one resource operation (a create, an update, a delete): a single deadline that covers
 * every request, retry and wait it makes, and a signal that cancels them. Modelled on Go's
 * `context.Context`: the operation sets it once at its top, and the transport, the retry loop and
 * every poll read it, so the operation cannot overrun by giving each wait a fresh budget.
 */
export interface OperationScope {
  /** No request, retry or poll starts after this instant, in milliseconds on the client's clock. */
  readonly deadlineMs?: number | undefined;
  /** Aborts in-flight requests and ends sleeps and waits at once with a {@link CancelledError}. */
  readonly signal?: AbortSignal | undefined;
  /**
   * What set `deadlineMs`, as a wait that runs out names it: `` `waitTimeoutMinutes` = 30 `` or
   * `` `customTimeouts` = 3 s ``. A user who meets a timeout learns which setting to raise.
   */
  readonly limit?: string | undefined;
}

const scopes = new AsyncLocalStorage<OperationScope>();

/**
 * Runs `operation` with `scope` as the bounds of every client call it makes (directly or through
 * awaited helpers). Nested scopes keep the earlier deadline and both signals.
 */
export function withinOperation<T>(scope: OperationScope, operation: () => Promise<T>): Promise<T> {
  const outer = scopes.getStore();
  const bounding = [outer, scope]
    .filter((s): s is OperationScope & { deadlineMs: number } => s?.deadlineMs !== undefined)
    .sort((a, b) => a.deadlineMs - b.deadlineMs)[0];
  const signals = [outer?.signal, scope.signal].filter((s): s is AbortSignal => s !== undefined);
  const merged: OperationScope = {
    deadlineMs: bounding?.deadlineMs,
    signal: signals.length > 1 ? AbortSignal.any(signals) : signals[0],
    limit: bounding?.limit,
  };
  return scopes.run(merged, operation);
}

/**
 * Runs `work` outside the current operation's bounds: for the one look that must still happen after
 * a cancellation (finding out whether a create already in flight took effect), and nothing else.
 */
export function outsideOperation<T>(work: () => Promise<T>): Promise<T> {
  return scopes.run({}, work);
}

/** The bounds of the operation this call runs in; empty outside any. */
export function currentOperation(): OperationScope {
  return scopes.getStore() ?? {};
}

/** The earlier of `deadlineMs` and the operation's deadline. */
export function effectiveDeadline(deadlineMs: number | undefined): number | undefined {
  const operationDeadline = currentOperation().deadlineMs;
  if (deadlineMs === undefined) return operationDeadline;
  return operationDeadline === undefined ? deadlineMs : Math.min(deadlineMs, operationDeadline);
}

/** Throws a {@link CancelledError} when the operation was cancelled. */
export function throwIfCancelled(doing: string): void {
  const signal = currentOperation().signal;
  if (signal?.aborted) throw new CancelledError(doing, signal.reason);
}

/**
 * Waits for `sleeping` (a clock's sleep), ending early with a {@link CancelledError} when the
 * operation is cancelled; fake clocks in tests need not know about signals.
 */
export async function cancellableSleep(sleeping: Promise<void>, doing: string): Promise<void> {
  const signal = currentOperation().signal;
  if (!signal) return sleeping;
  throwIfCancelled(doing);
  let onAbort: (() => void) | undefined;
  const aborted = new Promise<never>((_, reject) => {
    onAbort = () => reject(new CancelledError(doing, signal.reason));
    signal.addEventListener("abort", onAbort, { once: true });
  });
  try {
    await Promise.race([sleeping, aborted]);
  } finally {
    if (onAbort) signal.removeEventListener("abort", onAbort);
  }
}
