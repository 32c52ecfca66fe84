/** Progress of long waits, as the resource's status line. */

/**
 * Progress reporting for long waits: nothing for a wait that ends on its first poll, then one line
 * when the status changes and otherwise at most one every `everyMs`, so a 30-minute wait does not
 * print 400 lines.
 */
export function progressReporter(log: (message: string) => void, what: string, everyMs = 10_000) {
  let lastStatus = "";
  let lastAt = -Infinity;
  let polls = 0;
  return (observed: { status: string }, elapsedMs: number): void => {
    // A wait that ends on its first poll (most schedule writes) shows nothing: each line is a message to
    // the engine, and there is nothing to watch. The first poll's status is shown with the second's.
    polls += 1;
    if (polls === 1) return;
    const status = observed.status;
    if (status === lastStatus && elapsedMs - lastAt < everyMs) return;
    lastStatus = status;
    lastAt = elapsedMs;
    log(`${what}: ${status} (${Math.round(elapsedMs / 1000)} s)`);
  };
}
