/** One deadline per resource operation, on the API's clock where it matters. */
import { withinOperation } from "../client/operation";
import type { ResourceDeps } from "./deps";

/** Milliseconds in `minutes`. */
export function minutesToMs(minutes: number): number {
  return minutes * 60_000;
}

/**
 * Runs one resource operation under one deadline, `waitTimeoutMinutes` from now: the idle wait, every
 * request and retry, and the wait for the end state all draw on it, so the operation ends within that
 * budget plus one request (a fresh budget per wait would let it run to about twice the limit). A wait
 * that runs out names `waitTimeoutMinutes`. The deps' signal cancels it, aborting in-flight requests.
 * @returns what `operation` returns; it is given the deadline in milliseconds on the deps' clock
 */
export function withinDeadline<T>(
  deps: ResourceDeps,
  waitTimeoutMinutes: number,
  operation: (deadlineMs: number) => Promise<T>,
): Promise<T> {
  const deadlineMs = deps.now() + minutesToMs(waitTimeoutMinutes);
  const limit = `\`waitTimeoutMinutes\` = ${waitTimeoutMinutes}`;
  return withinOperation({ deadlineMs, signal: deps.signal, limit }, () => operation(deadlineMs));
}

/** The API's time now in Unix milliseconds (this machine's only when the API never sent its `Date`). */
export function apiNowMs(deps: ResourceDeps): number {
  return deps.api.apiNow() ?? deps.now();
}

/** The API's time now as ISO 8601 UTC (the local clock only when the API never sent its `Date`). */
export function apiTimestamp(deps: ResourceDeps): string {
  return new Date(apiNowMs(deps)).toISOString();
}
