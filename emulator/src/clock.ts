/**
 * Emulator time: `startTime + realElapsed × timeScale + advancedOffset`, in Unix milliseconds. Real
 * elapsed time comes from the monotonic clock, and the offset only grows, so emulator time never
 * runs backwards.
 */
export class EmulatorClock {
  /** Emulator milliseconds per real millisecond (0 freezes the clock; only advances move it). */
  readonly timeScale: number;
  private readonly startTime: number;
  private readonly realStart = performance.now();
  private advancedMs: number;

  /**
   * @param startTime emulator time at construction, Unix ms.
   * @param timeScale emulator ms per real ms, at least 0.
   * @param advancedMs offset already advanced (restored from a state file), ms; default 0.
   */
  constructor(startTime: number, timeScale: number, advancedMs = 0) {
    this.startTime = startTime;
    this.timeScale = timeScale;
    this.advancedMs = advancedMs;
  }

  /** Emulator time now, whole Unix milliseconds. */
  now(): number {
    const realElapsed = performance.now() - this.realStart;
    return Math.floor(this.startTime + realElapsed * this.timeScale + this.advancedMs);
  }

  /** Total offset moved by {@link advance}, ms (persisted so a restart keeps it). */
  get advancedOffsetMs(): number {
    return this.advancedMs;
  }

  /** Moves emulator time forward by `ms` milliseconds (negative values are ignored). */
  advance(ms: number): void {
    this.advancedMs += Math.max(0, ms);
  }

  /** Moves emulator time forward to at least `time` (Unix ms), e.g. the saved time of a state file. */
  catchUpTo(time: number): void {
    this.advance(time - this.now());
  }
}
