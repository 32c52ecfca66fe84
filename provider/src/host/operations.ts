/**
 * The resource operations running in a provider process, and what a stop signal does to them. Both
 * front doors run one process per provider, and the engine signals each when a command ends.
 */

/** Counts running operations, so a stop signal can tell an idle process from a busy one. */
export class RunningOperations {
  private running = 0;
  private idle: (() => void) | undefined;

  /** How many operations are running now. */
  get count(): number {
    return this.running;
  }

  /** Runs `operation`, counted while it runs. */
  async run<T>(operation: () => Promise<T>): Promise<T> {
    this.running += 1;
    try {
      return await operation();
    } finally {
      this.running -= 1;
      if (this.running === 0) this.idle?.();
    }
  }

  /** Calls `callback` when the last running operation has settled (replacing an earlier one). */
  whenIdle(callback: () => void): void {
    this.idle = callback;
  }
}

/**
 * How long a stopped process waits for its cancelled operations to report what they started (a
 * restore recorded in state) before it exits anyway: under the engine's 5 s before SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 4_000;

/** How long the last answer is given to leave the process after a stop signal, in milliseconds. */
const REPORT_FLUSH_MS = 250;

let signalsHandled = false;

/**
 * Exits on SIGINT/SIGTERM the way the engine expects. The engine signals every plugin when a command
 * ends, and SIGKILLs it 5 s later: with nothing running the process exits at once. With operations
 * running (Ctrl-C reaches the whole process group) it cancels them through `cancel` and exits when
 * they have reported back — a started restore then reaches state — or after {@link SHUTDOWN_GRACE_MS}.
 * Without a handler the process would die mid-operation and the engine would never learn that a
 * restore had started. Installed once per process.
 */
export function exitOnStopSignals(operations: RunningOperations, cancel: (reason: string) => void): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
      if (operations.count === 0) return exit();
      // Exit once the last operation has answered: a moment after it settles, so its answer (a
      // partial create recording a started restore) is written before the process goes.
      operations.whenIdle(() => setTimeout(exit, REPORT_FLUSH_MS));
      cancel(`the provider received ${signal}`);
      setTimeout(exit, SHUTDOWN_GRACE_MS).unref();
    });
  }
}
