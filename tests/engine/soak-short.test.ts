/**
 * The short soak of `make test` (the full one is `make soak`, bench/soak.ts): 4 BackupSchedules,
 * 4 Backups (each on a scheduled datastore), 1 Restore and 1 RestoreDrill (of a datastore of its own,
 * of a Backup of it the program takes) through the real engine while 20% of the API's answers are
 * faults — 429 with Retry-After, 500 after the change was made, 503, dropped connections, latency
 * spikes — from one fixed seed. `up`, `refresh` and `destroy` must each converge, after each the
 * emulator must hold exactly what the Pulumi state says, the restore must have started exactly once,
 * the drill must have passed without writing to the datastore it drills, and no temporary datastore
 * of the drill may be left.
 */
import { describe, expect, it } from "vitest";
import { faultSoak } from "../../bench/soak-core";

describe("short soak: 4 schedules, 4 backups, 1 restore, 1 drill, 20% faults", () => {
  it("converges on up, refresh and destroy with the emulator holding exactly the state", async () => {
    const report = await faultSoak("soak-short", { schedules: 4, backups: 4, restores: 1, drills: 1 }, 7);

    expect(report.problems).toEqual([]);
    // The drill's own Backup is the fifth backup.
    const deployed = { schedules: 4, backups: 5, restores: 1, drills: 1, temporaries: 0, discrepancies: [] };
    expect(report.steps.up.agreement).toEqual(deployed);
    expect(report.steps.refresh.agreement).toEqual(deployed);
    expect(report.steps.destroy.agreement).toEqual({
      schedules: 0,
      backups: 0,
      restores: 0,
      drills: 0,
      temporaries: 0,
      discrepancies: [],
    });
    // Each restore started exactly once, by the up (restore PUTs the emulator handled, a 500 or a
    // dropped answer after handling included); refresh and destroy start none.
    expect(report.restoresStarted).toEqual([1]);
    expect([
      report.steps.up.restorePuts,
      report.steps.refresh.restorePuts,
      report.steps.destroy.restorePuts,
    ]).toEqual([1, 0, 0]);
    // The drill made a temporary datastore (one more for each time a fault failed it and it ran
    // again), never wrote to the datastore it drills, and left no temporary datastore after any
    // engine run.
    expect(report.drills).toEqual({
      run: 1 + report.retriggered.length,
      sourceWrites: 0,
      temporariesLeft: 0,
    });
    for (const step of [report.steps.up, report.steps.refresh, report.steps.destroy])
      expect(step.temporariesAfterRuns).toEqual(step.temporariesAfterRuns.map(() => []));
    // The seed must actually have hit the run with faults, or this proves nothing.
    const injected = Object.entries(report.steps.up.calls).filter(([kind]) => kind !== "none");
    expect(injected.reduce((sum, [, count]) => sum + count, 0)).toBeGreaterThan(5);
  });
});
