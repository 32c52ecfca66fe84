/**
 * `make soak`: 20 BackupSchedules, 20 Backups, 2 Restores and 2 RestoreDrills through the real engine
 * while 20% of the API's answers are faults (429 with Retry-After, 500, 503, dropped connections,
 * latency spikes), over several seeds; then an `up` stopped in the middle by SIGINT, Ctrl-C and
 * SIGKILL (with backups, restores or drills' restores in flight), recovered the way bench/README.md
 * tells users. Every run must converge, leave the emulator holding exactly what the state says, start
 * each restore exactly once, never write to a drilled datastore, and leave no temporary datastore of
 * a drill. Writes bench/soak-results.json and prints the counts.
 *
 * SOAK_SEEDS (default "1,2,3,4,5,6,7,8,9,10") sets the seeds of the fault runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BENCH_DIR } from "./lib";
import {
  type DrillCounts,
  type FaultSoakReport,
  faultSoak,
  type InterruptMoment,
  type InterruptSignal,
  interruptedUp,
  type RecoveryReport,
  type SoakSize,
} from "./soak-core";

const SEEDS = (process.env.SOAK_SEEDS || "1,2,3,4,5,6,7,8,9,10").split(",").map(Number);
const FULL: SoakSize = { schedules: 20, backups: 20, restores: 2, drills: 2 };
/** Fewer resources for the interrupted runs: what matters is what is in flight when `up` stops. */
const INTERRUPTED: SoakSize = { schedules: 8, backups: 8, restores: 2 };
/**
 * The runs stopped while drills restore: no Restore (a SIGINT with a Restore in flight is not
 * deterministic, see soak-core.ts `interruptedUp`), so only the drills' restores are held.
 */
const INTERRUPTED_DRILLS: SoakSize = { schedules: 4, backups: 4, restores: 0, drills: 2 };

const faults: FaultSoakReport[] = [];
const interrupted: Record<string, RecoveryReport> = {};

/** The drill counts of every run so far, summed: `make soak` fails unless the last two are 0. */
function drillTotals(): DrillCounts {
  const totals: DrillCounts = { run: 0, sourceWrites: 0, temporariesLeft: 0 };
  for (const { drills } of [...faults, ...Object.values(interrupted)]) {
    totals.run += drills.run;
    totals.sourceWrites += drills.sourceWrites;
    totals.temporariesLeft += drills.temporariesLeft;
  }
  return totals;
}

afterAll(() => {
  fs.writeFileSync(
    path.join(BENCH_DIR, "soak-results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), drills: drillTotals(), faults, interrupted }, null, 2)}\n`,
  );
  console.log(table());
});

describe(`fault soak: ${FULL.schedules} schedules, ${FULL.backups} backups, ${FULL.restores} restores, ${FULL.drills} drills, 20% faults`, () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: up, refresh and destroy converge; the emulator holds exactly the state; drills write nothing to their source and leave nothing`, async () => {
      const report = await faultSoak(`soak-${seed}`, FULL, seed);
      faults.push(report);
      expect(report.problems).toEqual([]);
      // Each drill's own Backup is a backup too.
      expect(report.steps.up.agreement).toMatchObject({
        schedules: 20,
        backups: 22,
        restores: 2,
        drills: 2,
        temporaries: 0,
      });
      expect(report.restoresStarted).toEqual([1, 1]);
      expect(report.drills).toEqual({
        run: 2 + report.retriggered.length,
        sourceWrites: 0,
        temporariesLeft: 0,
      });
    });
  }
});

describe("interrupted up, then the documented recovery", () => {
  const cases: [InterruptSignal, InterruptMoment, SoakSize][] = [
    ["SIGINT", "backups in flight", INTERRUPTED],
    ["SIGKILL", "backups in flight", INTERRUPTED],
    ["SIGKILL", "restore in flight", INTERRUPTED],
    ["SIGKILL", "restore finished", INTERRUPTED],
    ["Ctrl-C", "restore finished", INTERRUPTED],
    ["SIGINT", "drill restore in flight", INTERRUPTED_DRILLS],
    ["Ctrl-C", "drill restore in flight", INTERRUPTED_DRILLS],
    ["SIGKILL", "drill restore in flight", INTERRUPTED_DRILLS],
  ];
  for (const [signal, moment, size] of cases) {
    it(`${signal} with ${moment}: refresh and up converge with no orphan, no duplicate, each restore started once, no temporary datastore left`, async () => {
      const name = `interrupted-${signal.toLowerCase().replace(/[^a-z]/g, "")}-${moment.replaceAll(" ", "-")}`;
      const report = await interruptedUp(name, size, signal, moment);
      interrupted[`${signal}, ${moment}`] = report;
      expect(report.problems).toEqual([]);
      expect(report.agreement).toMatchObject({
        schedules: size.schedules,
        backups: size.backups + (size.drills ?? 0),
        restores: size.restores,
        drills: size.drills ?? 0,
        temporaries: 0,
      });
      expect(report.restoresStarted).toEqual(Array.from({ length: size.restores }, () => 1));
      expect(report.drills.sourceWrites).toBe(0);
      expect(report.drills.temporariesLeft).toBe(0);
      // A SIGKILL leaves each drill's temporary datastore; the recovery `up` deleted every one.
      if (moment === "drill restore in flight" && signal === "SIGKILL") {
        expect(report.drillStop.temporariesAtStop).toHaveLength(size.drills ?? 0);
        expect(report.drillStop.deletedByRecoveryUp).toEqual(report.drillStop.temporariesAtStop);
      } else expect(report.drillStop.temporariesAtStop).toEqual([]);
    });
  }
});

describe("drills over the whole soak", () => {
  it("ran, never wrote to a drilled datastore, and left no temporary datastore", () => {
    const totals = drillTotals();
    // Without drills that ran, the two zeros below would prove nothing.
    expect(totals.run).toBeGreaterThan(0);
    expect({ sourceWrites: totals.sourceWrites, temporariesLeft: totals.temporariesLeft }).toEqual({
      sourceWrites: 0,
      temporariesLeft: 0,
    });
  });
});

/** The counts as a markdown table (the README quotes it). */
function table(): string {
  const faultRows = faults.map((r) => {
    const calls = (step: keyof FaultSoakReport["steps"]) => r.steps[step].calls;
    const merged: Record<string, number> = {};
    for (const step of ["up", "refresh", "destroy"] as const)
      for (const [kind, count] of Object.entries(calls(step))) merged[kind] = (merged[kind] ?? 0) + count;
    const total = Object.values(merged).reduce((a, b) => a + b, 0);
    const injected = ["429", "500", "503", "drop", "latency"].map((k) => merged[k] ?? 0).join(" / ");
    const runs = (["up", "refresh", "destroy"] as const).map((s) => r.steps[s].attempts).join(" / ");
    const retries = (["up", "refresh", "destroy"] as const).reduce((n, s) => n + r.steps[s].retries, 0);
    const reconciled = (["up", "refresh", "destroy"] as const).reduce((n, s) => n + r.steps[s].reconciled, 0);
    const seconds = (["up", "refresh", "destroy"] as const)
      .map((s) => (r.steps[s].ms / 1000).toFixed(0))
      .join(" / ");
    return `| ${r.seed} | ${runs} | ${total} | ${injected} | ${retries} | ${reconciled} | ${r.steps.up.agreement.backups} | ${r.restoresStarted.join(", ")} | ${drillCells(r.drills, r.retriggered.length)} | ${seconds} | ${r.problems.length === 0 ? "yes" : r.problems.length} |`;
  });
  const interruptedRows = Object.entries(interrupted).map(([signal, r]) => {
    const atStop = Object.values(r.restoresRecordedAtStop);
    const restoreOutcome =
      r.restoresStarted.length === 0
        ? "no restores"
        : r.skipped.length > 0
          ? `refused (${r.refusals.length} run${r.refusals.length === 1 ? "" : "s"}), then skipped: ${r.skipped.join(", ")}`
          : r.waitedFor.length > 0
            ? `running ones waited for: ${r.waitedFor.join(", ")}`
            : atStop.includes("restoring")
              ? "recorded ones waited for (update)"
              : "started by the recovery";
    return (
      `| ${signal} | ${r.pendingCreates.length} | ${Object.keys(r.adopted).length} | ${r.lockLeft ? "yes" : "no"} | ` +
      `${r.emptyAttrsRemoved.length} | ${atStop.length > 0 ? atStop.join(", ") : "none"} | ${restoreOutcome} | ` +
      `${r.agreement.backups} | ${r.restoresStarted.join(", ") || "none"} | ${temporariesAtStop(r)} | ` +
      `${drillCells(r.drills)} | ${r.problems.length === 0 ? "yes" : r.problems.length} |`
    );
  });
  const totals = drillTotals();
  return [
    `### Fault soak: ${FULL.schedules} schedules, ${FULL.backups} backups, ${FULL.restores} restores, ${FULL.drills} drills; 20% of answers faulty`,
    "",
    "| seed | engine runs up / refresh / destroy | API calls | injected 429 / 500 / 503 / drop / latency | retries | lost answers reconciled | backups live after up | restores started | drills run / source writes / temporary datastores left | seconds up / refresh / destroy | converged, no orphan, no duplicate, each restore once, drills clean |",
    "|---|---|---|---|---|---|---|---|---|---|---|",
    ...faultRows,
    "",
    `### Interrupted up (${INTERRUPTED.schedules} schedules, ${INTERRUPTED.backups} backups, ${INTERRUPTED.restores} restores; with drills in flight ${INTERRUPTED_DRILLS.schedules} schedules, ${INTERRUPTED_DRILLS.backups} backups, ${INTERRUPTED_DRILLS.drills} drills)`,
    "",
    "| signal, moment | creates left pending | backups adopted | lock left | empty .attrs removed | restores in the state at the stop | the recovery and the restores | backups live after recovery | restores started | temporary datastores at the stop | drills run / source writes / temporary datastores left | converged, no orphan, no duplicate, each restore once, drills clean |",
    "|---|---|---|---|---|---|---|---|---|---|---|---|",
    ...interruptedRows,
    "",
    `Drills over the whole soak: ${totals.run} run, ${totals.sourceWrites} writes to a drilled datastore, ` +
      `${totals.temporariesLeft} temporary datastores left (both must be 0).`,
    "",
  ].join("\n");
}

/** A run's drill counts as one cell: `run / source writes / temporaries left`, and drills run again after a failure. */
function drillCells(drills: DrillCounts, retriggered = 0): string {
  if (drills.run === 0) return "no drills";
  const again = retriggered > 0 ? ` (${retriggered} run again after a failure)` : "";
  return `${drills.run} / ${drills.sourceWrites} / ${drills.temporariesLeft}${again}`;
}

/** What the stop left of the drills' temporary datastores, and what the recovery `up` deleted of it. */
function temporariesAtStop(r: RecoveryReport): string {
  const { temporariesAtStop: left, deletedByRecoveryUp } = r.drillStop;
  if (left.length === 0) return "none";
  return `${left.length}, ${deletedByRecoveryUp.length} deleted by the recovery up`;
}
