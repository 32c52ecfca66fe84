import type { Clock } from "../../../src/client/retry";

/** A clock whose `sleep` returns at once and records the delay, so tests assert delays without waiting. */
export interface FakeClock extends Clock {
  /** Every delay slept, in order, in milliseconds. */
  readonly sleeps: number[];
}

/** Starts at a whole second (HTTP dates have whole seconds), 2026-01-01T00:00:00Z by default. */
export function fakeClock(startMs = Date.UTC(2026, 0, 1)): FakeClock {
  let now = startMs;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => now,
    sleep: async (ms) => {
      sleeps.push(ms);
      now += ms;
    },
  };
}
