/**
 * `make soak`: 20 BackupSchedules, 20 Backups and 2 Restores through the real engine while 20% of
 * the API's answers are faults (429 with Retry-After, 500, 503, dropped connections, latency
 * spikes), over several seeds; then an `up` stopped in the middle by SIGINT, Ctrl-C and SIGKILL,
 * recovered the way bench/README.md tells users. Every run must converge, leave the emulator
 * holding exactly what the state says, and start each restore exactly once. Writes
 * bench/soak-results.json and prints the counts.
 *
 * SOAK_SEEDS (default "1,2,3,4,5,6,7,8,9,10") sets the seeds of the fault runs.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { BENCH_DIR } from "./lib";
import {
  type FaultSoakReport,
  faultSoak,
  type InterruptMoment,
  type InterruptSignal,
  interruptedUp,
  type RecoveryReport,
  type SoakSize,
} from "./soak-core";

const SEEDS = (process.env.SOAK_SEEDS || "1,2,3,4,5,6,7,8,9,10").split(",").map(Number);
const FULL: SoakSize = { schedules: 20, backups: 20, restores: 2 };
/** Fewer resources for the interrupted runs: what matters is what is in flight when `up` stops. */
const INTERRUPTED: SoakSize = { schedules: 8, backups: 8, restores: 2 };

const faults: FaultSoakReport[] = [];
const interrupted: Record<string, RecoveryReport> = {};

afterAll(() => {
  fs.writeFileSync(
    path.join(BENCH_DIR, "soak-results.json"),
    `${JSON.stringify({ date: new Date().toISOString(), faults, interrupted }, null, 2)}\n`,
  );
  console.log(table());
});

describe(`fault soak: ${FULL.schedules} schedules, ${FULL.backups} backups, ${FULL.restores} restores, 20% faults`, () => {
  for (const seed of SEEDS) {
    it(`seed ${seed}: up, refresh and destroy converge; the emulator holds exactly the state`, async () => {
      const report = await faultSoak(`soak-${seed}`, FULL, seed);
      faults.push(report);
      expect(report.problems).toEqual([]);
      expect(report.steps.up.agreement).toMatchObject({ schedules: 20, backups: 20, restores: 2 });
      expect(report.restoresStarted).toEqual([1, 1]);
    });
  }
});

describe("interrupted up, then the documented recovery", () => {
  const cases: [InterruptSignal, InterruptMoment][] = [
    ["SIGINT", "backups in flight"],
    ["SIGKILL", "backups in flight"],
    ["SIGKILL", "restore in flight"],
    ["SIGKILL", "restore finished"],
    ["Ctrl-C", "restore finished"],
  ];
  for (const [signal, moment] of cases) {
    it(`${signal} with ${moment}: refresh and up converge with no orphan, no duplicate, each restore started once`, async () => {
      const name = `interrupted-${signal.toLowerCase().replace(/[^a-z]/g, "")}-${moment.replaceAll(" ", "-")}`;
      const report = await interruptedUp(name, INTERRUPTED, signal, moment);
      interrupted[`${signal}, ${moment}`] = report;
      expect(report.problems).toEqual([]);
      expect(report.agreement).toMatchObject({ schedules: 8, backups: 8, restores: 2 });
      expect(report.restoresStarted).toEqual([1, 1]);
    });
  }
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
    return `| ${r.seed} | ${runs} | ${total} | ${injected} | ${retries} | ${reconciled} | ${r.steps.up.agreement.backups} | ${r.restoresStarted.join(", ")} | ${seconds} | ${r.problems.length === 0 ? "yes" : r.problems.length} |`;
  });
  const interruptedRows = Object.entries(interrupted).map(([signal, r]) => {
    const atStop = Object.values(r.restoresRecordedAtStop);
    const restoreOutcome =
      r.skipped.length > 0
        ? `refused (${r.refusals.length} run${r.refusals.length === 1 ? "" : "s"}), then skipped: ${r.skipped.join(", ")}`
        : r.waitedFor.length > 0
          ? `running ones waited for: ${r.waitedFor.join(", ")}`
          : atStop.includes("restoring")
            ? "recorded ones waited for (update)"
            : "started by the recovery";
    return (
      `| ${signal} | ${r.pendingCreates.length} | ${Object.keys(r.adopted).length} | ${r.lockLeft ? "yes" : "no"} | ` +
      `${r.emptyAttrsRemoved.length} | ${atStop.length > 0 ? atStop.join(", ") : "none"} | ${restoreOutcome} | ` +
      `${r.agreement.backups} | ${r.restoresStarted.join(", ")} | ${r.problems.length === 0 ? "yes" : r.problems.length} |`
    );
  });
  return [
    `### Fault soak: ${FULL.schedules} schedules, ${FULL.backups} backups, ${FULL.restores} restores; 20% of answers faulty`,
    "",
    "| seed | engine runs up / refresh / destroy | API calls | injected 429 / 500 / 503 / drop / latency | retries | lost answers reconciled | backups live after up | restores started | seconds up / refresh / destroy | converged, no orphan, no duplicate, each restore once |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...faultRows,
    "",
    `### Interrupted up (${INTERRUPTED.schedules} schedules, ${INTERRUPTED.backups} backups, ${INTERRUPTED.restores} restores)`,
    "",
    "| signal, moment | creates left pending | backups adopted | lock left | empty .attrs removed | restores in the state at the stop | the recovery and the restores | backups live after recovery | restores started | converged, no orphan, no duplicate, each restore once |",
    "|---|---|---|---|---|---|---|---|---|---|",
    ...interruptedRows,
    "",
  ].join("\n");
}
