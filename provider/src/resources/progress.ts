/** Progress of long waits, as the resource's status line. */

/**
 * Progress reporting for long waits: one line when the status changes and otherwise at most one
 * every `everyMs`, so a 30-minute wait does not print 400 lines.
 */
export function progressReporter(log: (message: string) => void, what: string, everyMs = 10_000) {
  let lastStatus = "";
  let lastAt = -Infinity;
  return (observed: { status: string }, elapsedMs: number): void => {
    const status = observed.status;
    if (status === lastStatus && elapsedMs - lastAt < everyMs) return;
    lastStatus = status;
    lastAt = elapsedMs;
    log(`${what}: ${status} (${Math.round(elapsedMs / 1000)} s)`);
  };
}
