/**
 * The soak: BackupSchedules, Backups and Restores through the real engine against an emulator that
 * misbehaves (injected 429 with Retry-After, 500, 503, dropped connections, latency spikes) or whose
 * `pulumi up` is interrupted (SIGINT, SIGKILL). After every step the emulator must hold exactly what
 * the Pulumi state says: every schedule live as recorded, every backup of the state present and no
 * other (no duplicate, no orphan), every restore loaded. Used by bench/soak.ts (`make soak`) and
 * tests/engine/soak-short.test.ts (part of `make test`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { DfCloudClient, fromBackupPolicy, type ScheduleSpec, sameSchedule } from "@pulumi-dfcloud/provider";
import {
  type Durations,
  type FaultKind,
  type RequestLogEntry,
  type RunningEmulator,
  startEmulator,
} from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import {
  API_KEY,
  descendants,
  emulatorStack,
  exportState,
  kindOf,
  type StateSnapshot,
  seedDatastores,
} from "./lib";

/** How many resources of each kind a soak declares. */
export interface SoakSize {
  /** BackupSchedules, one per datastore. */
  schedules: number;
  /** Backups, taken from those datastores in turn (so each shares its datastore with a schedule). */
  backups: number;
  /** Restores of the first backups, each into a datastore of its own. */
  restores: number;
}

/** Every fault kind the emulator can inject. */
const FAULT_KINDS: FaultKind[] = ["429", "500", "503", "drop", "latency"];

/** Short but real transitions, so waits poll a few times and faults land in the middle of them. */
const SOAK_DURATIONS: Partial<Durations> = { datastoreUpdate: 0.5, backup: 1, restore: 1 };
/** Longer ones for the interrupted runs, so that `up` has operations in flight when it is stopped. */
const INTERRUPT_DURATIONS: Partial<Durations> = { datastoreUpdate: 1, backup: 4, restore: 2 };

/** Engine runs allowed for one step before it counts as not converging. */
const ATTEMPTS = 3;

/** How an interrupted `up` ended, told apart from a failure. */
class Interrupted extends Error {
  constructor(detail: string) {
    super(`interrupted: ${detail}`);
  }
}

/** One engine step (up, refresh, destroy) as it went. */
export interface StepReport {
  /** Engine runs it took; 1 when the first one succeeded. */
  attempts: number;
  succeeded: boolean;
  ms: number;
  /** The first error line of each failed run. */
  errors: string[];
  /** API calls the emulator logged during the step, by fault injected (`none` for clean answers). */
  calls: Record<string, number>;
  /** Progress lines where the provider retried a call, and where it reconciled a lost answer. */
  retries: number;
  reconciled: number;
}

/** The resources the emulator holds for the account, and what the state disagrees on. */
export interface Agreement {
  schedules: number;
  backups: number;
  restores: number;
  /** Each a sentence; empty when the emulator holds exactly what the state says. */
  discrepancies: string[];
}

/**
 * An emulator with seeded datastores and a stack whose program declares {@link SoakSize} resources.
 * `adopt` is the program's only knob: `existingBackupId` per backup name, as a user sets it to
 * take back a backup an interrupted run created.
 */
export class SoakWorld {
  readonly adopt = new Map<string, string>();
  /** Datastores with a schedule (and backups), and the restore targets. */
  sources: string[] = [];
  targets: string[] = [];
  /** Restores started per target datastore, counted from the request log. */
  readonly restoresStarted = new Map<string, number>();
  /** The stack and its work folder (its file backend is under `.pulumi-state`); set by {@link create}. */
  stack!: Stack;
  workDir = "";

  private constructor(
    readonly emulator: RunningEmulator,
    readonly size: SoakSize,
  ) {}

  /** Starts an emulator (real time, short transitions), seeds datastores and data, creates the stack. */
  static async create(
    name: string,
    size: SoakSize,
    durations: Partial<Durations> = SOAK_DURATIONS,
  ): Promise<SoakWorld> {
    const emulator = await startEmulator({ apiKeys: [API_KEY], timeScale: 1, durations });
    const world = new SoakWorld(emulator, size);
    world.sources = await seedDatastores(emulator, size.schedules, `${name}-source`);
    world.targets = await seedDatastores(emulator, size.restores, `${name}-target`);
    for (const [i, id] of world.sources.entries())
      await emulator.admin.setData(id, { key: `value of source ${i}` });
    for (const id of world.targets) await emulator.admin.setData(id, { key: "data the restore replaces" });
    const created = await emulatorStack(name, () => world.program(), emulator);
    world.stack = created.stack;
    world.workDir = created.workDir;
    return world;
  }

  /** The inline program. */
  private async program(): Promise<void> {
    const backups: dfcloud.Backup[] = [];
    for (let i = 0; i < this.size.schedules; i++) {
      new dfcloud.BackupSchedule(`schedule-${i}`, {
        datastoreId: this.sources[i] as string,
        days: ["mon", "thu"],
        hours: [i % 24],
        retentionDays: 7,
      });
    }
    for (let i = 0; i < this.size.backups; i++) {
      const name = `backup-${i}`;
      const existingBackupId = this.adopt.get(name);
      backups.push(
        new dfcloud.Backup(name, {
          datastoreId: this.sources[i % this.size.schedules] as string,
          description: `soak backup ${i}`,
          retentionDays: 3,
          ...(existingBackupId ? { existingBackupId } : {}),
        }),
      );
    }
    for (let j = 0; j < this.size.restores; j++) {
      new dfcloud.Restore(`restore-${j}`, {
        datastoreId: this.targets[j] as string,
        backupId: (backups[j] as dfcloud.Backup).backupId,
        acknowledgeDataLoss: true,
        trigger: "soak",
      });
    }
  }

  /**
   * Runs `run` (one engine command) until it succeeds, at most {@link ATTEMPTS} times, and reads
   * what it cost from the request log and the provider's progress lines.
   */
  async step(
    run: (onOutput: (line: string) => void) => Promise<unknown>,
    attempts = ATTEMPTS,
  ): Promise<StepReport> {
    const report: StepReport = {
      attempts: 0,
      succeeded: false,
      ms: 0,
      errors: [],
      calls: {},
      retries: 0,
      reconciled: 0,
    };
    const started = performance.now();
    await this.emulator.admin.clearRequests();
    const output: string[] = [];
    while (!report.succeeded && report.attempts < attempts) {
      report.attempts++;
      try {
        await run((line) => output.push(line));
        report.succeeded = true;
      } catch (error) {
        report.errors.push(error instanceof Interrupted ? error.message : firstErrorLine(error));
      }
    }
    report.ms = performance.now() - started;
    const log = await this.emulator.admin.requests();
    for (const entry of log)
      report.calls[entry.fault ?? "none"] = (report.calls[entry.fault ?? "none"] ?? 0) + 1;
    this.countRestores(log);
    // Progress lines show twice, live (after the stack's name) and again under "Diagnostics"; the
    // live ones count.
    const text = output.join("");
    report.retries = text.match(/pulumi:pulumi:Stack [^\n]*retrying (GET|PUT|POST|DELETE) /g)?.length ?? 0;
    report.reconciled = text.match(/pulumi:pulumi:Stack [^\n]*the answer was lost/g)?.length ?? 0;
    return report;
  }

  /**
   * Restores started, per target: a PUT of a target's config the emulator handled (answered 200, or
   * handled and then answered 500 or dropped). Only restores write to targets, so each is one.
   */
  private countRestores(log: readonly RequestLogEntry[]): void {
    for (const target of this.targets) {
      const handled = log.filter(
        (e) =>
          e.method === "PUT" &&
          e.path === `/v1/datastores/${target}` &&
          (e.status === 200 || e.fault === "500" || e.fault === "drop"),
      ).length;
      this.restoresStarted.set(target, (this.restoresStarted.get(target) ?? 0) + handled);
    }
  }

  /**
   * Compares the emulator's state with the stack's: after `up` and `refresh` every declared resource
   * must be in the state and live; after `destroy` no backup of the account may remain and every
   * schedule must be disabled.
   */
  async agreement(phase: "deployed" | "destroyed"): Promise<Agreement> {
    const snapshot = await exportState(this.stack);
    const live = await this.emulator.admin.state();
    const discrepancies: string[] = [];
    const ofKind = (kind: string) => snapshot.resources.filter((r) => kindOf(r.type) === kind);
    const schedules = ofKind("BackupSchedule");
    const backups = ofKind("Backup");
    const restores = ofKind("Restore");
    if (snapshot.pendingOperations.length > 0)
      discrepancies.push(`${snapshot.pendingOperations.length} pending operations left in the state`);

    const manual = live.backups.filter((b) => b.apiKey === API_KEY && b.source === "manual");
    const held = new Set(backups.map((r) => r.id));
    for (const backup of manual)
      if (!held.has(backup.backup_id))
        discrepancies.push(`orphan: backup ${backup.backup_id} (${backup.description}) is not in the state`);
    const liveIds = new Set(manual.map((b) => b.backup_id));
    for (const id of held)
      if (!liveIds.has(id ?? "")) discrepancies.push(`backup ${id} is in the state but not live`);
    const perDescription = new Map<string, number>();
    for (const backup of manual)
      perDescription.set(backup.description, (perDescription.get(backup.description) ?? 0) + 1);
    for (const [description, count] of perDescription)
      if (count > 1) discrepancies.push(`duplicate: ${count} backups "${description}"`);

    const datastore = (id: string) => live.datastores.find((d) => d.datastore_id === id);
    for (const resource of schedules) {
      const recorded = resource.outputs as unknown as ScheduleSpec;
      const policy = fromBackupPolicy(datastore(resource.id ?? "")?.config.backup_policy as never);
      if (!policy || !sameSchedule(policy, recorded) || policy.enabled !== recorded.enabled)
        discrepancies.push(
          `schedule of ${resource.id}: live ${JSON.stringify(policy)}, state ${JSON.stringify(recorded)}`,
        );
    }
    for (const resource of restores) {
      const { datastoreId, backupId } = resource.outputs as { datastoreId: string; backupId: string };
      const target = datastore(datastoreId);
      const restore = target?.config.restore as { backup_id?: string; loaded?: boolean } | undefined;
      if (restore?.backup_id !== backupId || restore.loaded !== true)
        discrepancies.push(
          `restore into ${datastoreId}: live ${JSON.stringify(restore)}, state backup ${backupId}`,
        );
      const source = live.backups.find((b) => b.backup_id === backupId);
      const sourceIndex = this.sources.indexOf(source?.datastore_id ?? "");
      if (target && JSON.stringify(target.data) !== JSON.stringify({ key: `value of source ${sourceIndex}` }))
        discrepancies.push(`restore into ${datastoreId}: data ${JSON.stringify(target.data)}`);
    }

    if (phase === "deployed") {
      const counts = { BackupSchedule: schedules.length, Backup: backups.length, Restore: restores.length };
      const wanted = {
        BackupSchedule: this.size.schedules,
        Backup: this.size.backups,
        Restore: this.size.restores,
      };
      if (JSON.stringify(counts) !== JSON.stringify(wanted))
        discrepancies.push(
          `the state holds ${JSON.stringify(counts)}, the program declares ${JSON.stringify(wanted)}`,
        );
    } else {
      if (schedules.length + backups.length + restores.length > 0)
        discrepancies.push(
          `${schedules.length + backups.length + restores.length} resources left in the state`,
        );
      for (const id of this.sources) {
        const policy = datastore(id)?.config.backup_policy as { enabled?: boolean } | undefined;
        if (policy?.enabled === true) discrepancies.push(`schedule of ${id} still enabled after destroy`);
      }
    }
    return { schedules: schedules.length, backups: manual.length, restores: restores.length, discrepancies };
  }

  /** Stops the emulator. */
  close(): Promise<void> {
    return this.emulator.close();
  }
}

/** What one seed of the fault soak found. */
export interface FaultSoakReport {
  seed: number;
  size: SoakSize;
  faultRate: number;
  steps: Record<"up" | "refresh" | "destroy", StepReport & { agreement: Agreement }>;
  /** Restores started per Restore: 1 each, or a restore ran twice. */
  restoresStarted: number[];
  /** Discrepancies of every step, prefixed with the step; empty when the run converged and agreed. */
  problems: string[];
}

/**
 * `up`, `refresh` and `destroy` with `faultRate` of the API's answers replaced by a fault, drawn
 * from `seed`; after each, the emulator is compared with the state.
 */
export async function faultSoak(
  name: string,
  size: SoakSize,
  seed: number,
  faultRate = 0.2,
): Promise<FaultSoakReport> {
  const world = await SoakWorld.create(name, size);
  try {
    await world.emulator.admin.setFaults({
      rate: faultRate,
      kinds: FAULT_KINDS,
      seed,
      retryAfterSeconds: 1,
      latencyMs: 1_500,
    });
    const problems: string[] = [];
    const steps = {} as FaultSoakReport["steps"];
    const commands = {
      up: (onOutput: (line: string) => void) => world.stack.up({ onOutput }),
      refresh: (onOutput: (line: string) => void) => world.stack.refresh({ onOutput }),
      destroy: (onOutput: (line: string) => void) => world.stack.destroy({ onOutput }),
    };
    for (const [step, command] of Object.entries(commands) as [
      keyof typeof commands,
      (typeof commands)["up"],
    ][]) {
      const report = await world.step(command);
      const agreement = await world.agreement(step === "destroy" ? "destroyed" : "deployed");
      steps[step] = { ...report, agreement };
      if (!report.succeeded)
        problems.push(`${step} did not converge in ${ATTEMPTS} runs: ${report.errors.join(" | ")}`);
      problems.push(...agreement.discrepancies.map((d) => `after ${step}: ${d}`));
    }
    const restoresStarted = world.targets.map((t) => world.restoresStarted.get(t) ?? 0);
    for (const [j, started] of restoresStarted.entries())
      if (started !== 1) problems.push(`restore-${j} started ${started} times`);
    return { seed, size, faultRate, steps, restoresStarted, problems };
  } finally {
    await world.close();
  }
}

/** What the recovery after an interrupted `up` had to do. */
export interface RecoveryReport {
  /** How the interrupted `up` ended, first error line. */
  interruptedUp: string;
  /** Whether a lock file was left (removed with `pulumi cancel`). */
  lockLeft: boolean;
  /** Empty `*.attrs` files of the file backend removed (a write cut short by SIGKILL). */
  emptyAttrsRemoved: string[];
  /** Resources whose create was in flight: the state's pending CREATE operations. */
  pendingCreates: string[];
  /** Backups adopted with `existingBackupId`, by resource name. */
  adopted: Record<string, string>;
  refresh: StepReport;
  up: StepReport;
  agreement: Agreement;
  destroy: StepReport & { agreement: Agreement };
  /** Restores started per Restore over the whole run (the interrupted up included). */
  restoresStarted: number[];
  problems: string[];
}

/**
 * When to stop `up`: once the emulator has taken half of the backups (their creates are waiting for
 * them to become ready), or once a restore has started (its create is waiting for it to finish).
 */
export type InterruptMoment = "backups in flight" | "restore in flight";

/**
 * `up`, stopped with `signal` at `moment`, then the documented recovery (bench/README.md, "After an interrupted up"), then a check
 * that the emulator holds exactly what the state says, then `destroy`.
 */
export async function interruptedUp(
  name: string,
  size: SoakSize,
  signal: "SIGINT" | "SIGKILL",
  moment: InterruptMoment = "backups in flight",
): Promise<RecoveryReport> {
  const world = await SoakWorld.create(name, size, INTERRUPT_DURATIONS);
  const reached =
    moment === "backups in flight"
      ? (log: RequestLogEntry[]) =>
          log.filter((e) => e.method === "POST").length >= Math.ceil(size.backups / 2)
      : (log: RequestLogEntry[]) =>
          log.some(
            (e) => e.method === "PUT" && e.status === 200 && world.targets.some((t) => e.path.endsWith(t)),
          );
  try {
    const interruption = await world.step(async (onOutput) => {
      const controller = new AbortController();
      let stopped = false;
      let looking = false;
      const up = world.stack.up({
        onOutput,
        signal: controller.signal,
        // Engine events arrive all through the run; each looks at how far the API got.
        onEvent: async () => {
          if (stopped || looking) return;
          looking = true;
          const log = await world.emulator.admin.requests();
          looking = false;
          if (stopped || !reached(log)) return;
          stopped = true;
          if (signal === "SIGINT") controller.abort();
          // The engine and its provider processes die together, as when a CI runner is killed.
          else for (const { pid } of descendants()) killQuietly(pid);
        },
      });
      await up.then(
        () => {
          throw new Error("up finished before it could be interrupted");
        },
        (error: unknown) => {
          if (!stopped) throw error;
          throw new Interrupted(firstErrorLine(error));
        },
      );
    }, 1);
    const howItEnded = interruption.errors.join(" | ");
    if (!howItEnded.startsWith("interrupted:"))
      throw new Error(`${name}: the up was not interrupted: ${howItEnded}`);

    // The recovery, step by step as bench/README.md tells users.
    const emptyAttrsRemoved = removeEmptyAttrs(path.join(world.workDir, ".pulumi-state"));
    const lockLeft = hasLock(path.join(world.workDir, ".pulumi-state"));
    await world.stack.cancel();
    const pending = (await exportState(world.stack)).pendingOperations.filter((op) => op.type === "creating");
    const adopted = await adoptInterruptedBackups(world, pending);
    const refresh = await world.step((onOutput) =>
      world.stack.refresh({ onOutput, ...(pending.length > 0 ? { clearPendingCreates: true } : {}) }),
    );
    const up = await world.step((onOutput) => world.stack.up({ onOutput }));
    const agreement = await world.agreement("deployed");
    const destroyStep = await world.step((onOutput) => world.stack.destroy({ onOutput }));
    const destroy = { ...destroyStep, agreement: await world.agreement("destroyed") };

    const problems = [
      ...(refresh.succeeded ? [] : [`refresh failed: ${refresh.errors.join(" | ")}`]),
      ...(up.succeeded ? [] : [`up failed: ${up.errors.join(" | ")}`]),
      ...(destroy.succeeded ? [] : [`destroy failed: ${destroy.errors.join(" | ")}`]),
      ...agreement.discrepancies.map((d) => `after recovery: ${d}`),
      ...destroy.agreement.discrepancies.map((d) => `after destroy: ${d}`),
    ];
    return {
      interruptedUp: howItEnded,
      lockLeft,
      emptyAttrsRemoved,
      pendingCreates: pending.map((op) => op.resource.urn.split("::").pop() ?? op.resource.urn),
      adopted,
      refresh,
      up,
      agreement,
      destroy,
      restoresStarted: world.targets.map((t) => world.restoresStarted.get(t) ?? 0),
      problems,
    };
  } finally {
    await world.close();
  }
}

/**
 * Recovery step 3 (bench/README.md): a Backup whose create was in flight may exist although the state
 * does not hold it. The user lists the datastore's manual backups with the resource's description
 * (the console, or `dfcloud.listBackups`), leaves out those the stack holds, and adopts the one
 * left with `existingBackupId`. Two left would be a duplicate, which this must never see.
 */
async function adoptInterruptedBackups(
  world: SoakWorld,
  pending: StateSnapshot["pendingOperations"],
): Promise<Record<string, string>> {
  const client = new DfCloudClient({ apiKey: API_KEY, apiUrl: world.emulator.url });
  try {
    const held = new Set((await exportState(world.stack)).resources.map((r) => r.id));
    const adopted: Record<string, string> = {};
    for (const op of pending.filter((p) => kindOf(p.resource.type) === "Backup")) {
      const name = op.resource.urn.split("::").pop() ?? "";
      const { datastoreId, description } = op.resource.inputs as { datastoreId: string; description: string };
      const candidates = (await client.listBackups({ datastoreId, source: "manual" })).filter(
        (b) => b.description === description && !held.has(b.backup_id),
      );
      if (candidates.length > 1)
        throw new Error(`${name}: ${candidates.length} backups "${description}" not in the state`);
      const [found] = candidates;
      if (found) {
        world.adopt.set(name, found.backup_id);
        adopted[name] = found.backup_id;
      }
    }
    return adopted;
  } finally {
    await client.close();
  }
}

/**
 * Recovery step 1: the file backend writes `<stack>.json.attrs` beside each checkpoint without
 * an atomic rename, so a SIGKILL can leave it empty and every later command fails with
 * `failed to load checkpoint: EOF`. An absent attrs file is read as the default, so deleting the
 * empty one is safe.
 */
function removeEmptyAttrs(stateDir: string): string[] {
  const removed: string[] = [];
  for (const file of fs.readdirSync(stateDir, { recursive: true }) as string[]) {
    const full = path.join(stateDir, file);
    if (file.endsWith(".attrs") && fs.statSync(full).isFile() && fs.statSync(full).size === 0) {
      fs.rmSync(full);
      removed.push(file);
    }
  }
  return removed;
}

/** Whether the file backend has a lock file for a stack (left by a killed command). */
function hasLock(stateDir: string): boolean {
  const locks = path.join(stateDir, ".pulumi", "locks");
  if (!fs.existsSync(locks)) return false;
  return (fs.readdirSync(locks, { recursive: true }) as string[]).some((f) => f.endsWith(".json"));
}

/** SIGKILL to `pid`; a process that already ended is fine. */
function killQuietly(pid: number): void {
  try {
    process.kill(pid, "SIGKILL");
  } catch {
    // Gone already.
  }
}

/** The first line of an engine error worth reading: the provider's error, else the message's first line. */
export function firstErrorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const detail = /error: (?!update failed)(.+)/.exec(text)?.[1];
  return (detail ?? text.split("\n")[0] ?? text).trim().slice(0, 300);
}
