/** The pure pieces: the event queue's order, the modelled rules, the clock, the fault PRNG. */
import { describe, expect, it } from "vitest";
import { EmulatorClock } from "../src/clock.ts";
import { EventQueue } from "../src/eventQueue.ts";
import { FaultInjector } from "../src/faults.ts";
import { shardCount, shardRefusal, startsRestore } from "../src/modelled.ts";
import { matches } from "../src/scheduler.ts";

describe("EventQueue", () => {
  it("pops by time, and by insertion order at equal times", () => {
    const queue = new EventQueue();
    const fired: string[] = [];
    const times = [50, 10, 30, 10, 70, 30, 10, 0, 90, 20];
    times.forEach((time, index) => {
      queue.push(time, () => fired.push(`${time}#${index}`));
    });
    while (queue.peekTime() !== undefined) queue.pop()?.();
    expect(fired).toEqual(["0#7", "10#1", "10#3", "10#6", "20#9", "30#2", "30#5", "50#0", "70#4", "90#8"]);
    expect(queue.pop()).toBeUndefined();
  });
});

describe("modelled rules", () => {
  it.each([
    [false, 100, 10, 1],
    [true, 100, 10, 10],
    [true, 101, 10, 11],
    [true, 5, 10, 1],
  ])("shardCount(enabled %s, %i bytes, shards of %i) = %i", (enabled, memory, shard, expected) => {
    expect(shardCount(enabled, memory, shard)).toBe(expected);
  });

  it.each([
    [{ backupId: "", loaded: false }, { backupId: "" }, false],
    [{ backupId: "b", loaded: true }, { backupId: "b" }, false],
    [{ backupId: "b", loaded: false }, { backupId: "b" }, true],
    [{ backupId: "b", loaded: true }, { backupId: "a" }, true],
    [{ backupId: "b", loaded: true }, undefined, true],
  ])("startsRestore(%j over %j) = %s", (sent, stored, expected) => {
    expect(startsRestore(sent, stored)).toBe(expected);
  });

  it.each([
    [1, 1, undefined],
    [1, 4, undefined],
    [4, 4, undefined],
    [4, 1, "multi-onto-single"],
    [4, 2, "mismatch"],
  ])("shardRefusal(backup %i shards onto %i) = %s", (backup, target, expected) => {
    expect(shardRefusal(backup, target)).toBe(expected);
  });

  it("matches schedules by UTC weekday and hour", () => {
    const schedule = { weekdays: [1, 4], hours: [2, 14], retention: 1 };
    expect(matches(schedule, 1, 14)).toBe(true);
    expect(matches(schedule, 2, 14)).toBe(false);
    expect(matches(schedule, 4, 3)).toBe(false);
    expect(matches({ weekdays: "every", hours: "every", retention: 1 }, 0, 23)).toBe(true);
  });
});

describe("EmulatorClock", () => {
  it("stands still at time scale 0, moves by advance, and never goes back on catchUpTo", () => {
    const clock = new EmulatorClock(1_000_000, 0);
    expect(clock.now()).toBe(1_000_000);
    clock.advance(5_000);
    clock.advance(-9_999);
    expect(clock.now()).toBe(1_005_000);
    clock.catchUpTo(1_000);
    expect(clock.now()).toBe(1_005_000);
    clock.catchUpTo(2_000_000);
    expect(clock.now()).toBe(2_000_000);
    expect(clock.advancedOffsetMs).toBe(1_000_000);
  });
});

describe("FaultInjector", () => {
  function draws(seed: number): Array<string | undefined> {
    const injector = new FaultInjector();
    injector.configure({
      rate: 0.5,
      kinds: ["429", "500", "drop"],
      seed,
      retryAfterSeconds: 1,
      latencyMs: 0,
    });
    return Array.from({ length: 50 }, () => injector.decide("GET", "/v1/datastores")?.kind);
  }

  it("gives one sequence per seed, with roughly the configured rate", () => {
    const first = draws(1);
    expect(draws(1)).toEqual(first);
    expect(draws(2)).not.toEqual(first);
    const injected = first.filter((kind) => kind !== undefined).length;
    expect(injected).toBeGreaterThan(10);
    expect(injected).toBeLessThan(40);
  });

  it("injects nothing when off", () => {
    expect(new FaultInjector().decide("GET", "/v1/datastores")).toBeUndefined();
  });
});
