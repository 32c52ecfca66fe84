/**
 * The soak: BackupSchedules, Backups, Restores and RestoreDrills through the real engine against an
 * emulator that misbehaves (injected 429 with Retry-After, 500, 503, dropped connections, latency
 * spikes) or whose `pulumi up` is interrupted (SIGINT, Ctrl-C, SIGKILL). After every step the emulator
 * must hold exactly what the Pulumi state says: every schedule live as recorded, every backup of the
 * state present and no other (no duplicate, no orphan), every restore loaded, every drill passed; no
 * drill may have written to the datastore it drills, and no temporary datastore of a drill may be
 * left. Used by bench/soak.ts (`make soak`) and tests/engine/soak-short.test.ts (part of `make test`).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  DfCloudClient,
  fromBackupPolicy,
  type ScheduleSpec,
  sameSchedule,
  TEMPORARY_NAME_PREFIX,
} from "@pulumi-dfcloud/provider";
import {
  type Durations,
  type FaultKind,
  type RequestLogEntry,
  type RunningEmulator,
  type StateView,
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
  /**
   * RestoreDrills, each of a datastore of its own that has no schedule, of a Backup of it the program
   * takes (passed as `backupId`, so the drill waits for it); default 0.
   */
  drills?: number;
}

/** Every fault kind the emulator can inject. */
const FAULT_KINDS: FaultKind[] = ["429", "500", "503", "drop", "latency"];

/**
 * Short but real transitions, so waits poll a few times and faults land in the middle of them. Only
 * drills create and delete datastores (their temporary ones).
 */
const SOAK_DURATIONS: Partial<Durations> = {
  datastoreUpdate: 0.5,
  backup: 1,
  restore: 1,
  datastoreCreate: 0.5,
  datastoreDelete: 0.5,
};
/** Longer ones for the interrupted runs, so that `up` has operations in flight when it is stopped. */
const INTERRUPT_DURATIONS = {
  datastoreUpdate: 1,
  backup: 4,
  restore: 2,
  datastoreCreate: 1,
  datastoreDelete: 1,
} satisfies Partial<Durations>;
/**
 * How long a restore takes in the runs stopped while a restore is in flight, in emulator seconds
 * (= real seconds, time scale 1): far longer than the stop and the recovery take, so the restore is
 * certainly still running until the soak advances the emulator clock by this much, at the moment it
 * chooses. Should that step never come, the restore still ends by itself after this long.
 */
const RESTORE_HOLD_SECONDS = 300;

/**
 * The emulator keeps the newest 10 000 requests (emulator/src/modelled.ts `REQUEST_LOG_LIMIT`); a run
 * whose log reaches it may have lost requests, so its counts are not trusted.
 */
const REQUEST_LOG_LIMIT = 10_000;

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
  /** Every distinct `error:` line of the failed runs (which resource failed, and how). */
  errorLines: string[];
  /** API calls the emulator logged during the step, by fault injected (`none` for clean answers). */
  calls: Record<string, number>;
  /** Progress lines where the provider retried a call, and where it reconciled a lost answer. */
  retries: number;
  reconciled: number;
  /** Restore PUTs the emulator handled during the step (see {@link startedRestore}). */
  restorePuts: number;
  /**
   * The temporary datastores of drills live (neither `deleting` nor `deleted`) after each engine run
   * of the step, by id; one list per run, none when the program declares no drill.
   */
  temporariesAfterRuns: string[][];
}

/** The resources the emulator holds for the account, and what the state disagrees on. */
export interface Agreement {
  schedules: number;
  backups: number;
  restores: number;
  /** RestoreDrills in the state. */
  drills: number;
  /** Temporary datastores of drills the emulator holds live (neither `deleting` nor `deleted`): 0, or one was left. */
  temporaries: number;
  /** Each a sentence; empty when the emulator holds exactly what the state says. */
  discrepancies: string[];
}

/** What the drills of one run did, for the soak's report; `make soak` fails unless the last two are 0. */
export interface DrillCounts {
  /** Drills that ran: the temporary datastores they made (a drill run again after a failure makes another). */
  run: number;
  /** Writes (any method but GET) to a drilled datastore's path in the request log of the whole run. */
  sourceWrites: number;
  /**
   * Temporary datastores found live where none may be: after any engine run of a fault step, after
   * the engine of a SIGINT or Ctrl-C exited, after each converged step and after `destroy`.
   */
  temporariesLeft: number;
}

/** A temporary datastore of a drill as the emulator holds it. */
export interface Temporary {
  id: string;
  name: string;
  status: string;
}

/** What the datastore drilled `k` holds: the keys its drill expects back from the backup. */
export function drillData(k: number): Record<string, string> {
  return {
    [`drill:${k}:orders`]: `orders of drilled datastore ${k}`,
    [`drill:${k}:users`]: `users of drilled datastore ${k}`,
    [`drill:${k}:settings`]: `settings of drilled datastore ${k}`,
  };
}

/** What a drill must leave of the datastore it drills: its status, config and data, as JSON. */
function drillSourceShape(datastore: StateView["datastores"][number] | undefined): string {
  return JSON.stringify({ status: datastore?.status, config: datastore?.config, data: datastore?.data });
}

/** The trigger of every drill until a failed one is drilled again. */
const FIRST_TRIGGER = "soak";

/** Whether a logged request writes to the datastore `datastoreId` (its path or one below it). */
export function writesTo(entry: RequestLogEntry, datastoreId: string): boolean {
  const bare = entry.path.replace(/[?].*$/, "");
  return (
    entry.method !== "GET" &&
    entry.method !== "HEAD" &&
    (bare === `/v1/datastores/${datastoreId}` || bare.startsWith(`/v1/datastores/${datastoreId}/`))
  );
}

/**
 * An emulator with seeded datastores and a stack whose program declares {@link SoakSize} resources.
 * `adopt` and `ifAlreadyLoaded` are the program's knobs, set between engine runs as a user edits
 * the program: `existingBackupId` per backup name (to take back a backup an interrupted run
 * created) and `ifAlreadyLoaded` per restore name (to record a restore an interrupted run finished).
 */
export class SoakWorld {
  readonly adopt = new Map<string, string>();
  /**
   * `ifAlreadyLoaded` per restore name, as a user sets it after an `up` refused to restore a backup
   * the datastore already holds (unset: the default, `fail`).
   */
  readonly ifAlreadyLoaded = new Map<string, "fail" | "skip" | "restore">();
  /** Datastores with a schedule (and backups), and the restore targets. */
  sources: string[] = [];
  targets: string[] = [];
  /**
   * The drilled datastores, one per drill: no schedule, only a Backup of the program and the drill
   * touch them, and neither may write to them (a Backup is `POST /v1/backups`), so every write to
   * their path in the request log is a write no one should have sent.
   */
  drillSources: string[] = [];
  /**
   * `trigger` per drill name, as a user sets it after an `up` failed a drill: the failure message says
   * to change it to drill again (unset: {@link FIRST_TRIGGER}).
   */
  readonly drillTriggers = new Map<string, string>();
  /** Drills run again with a new trigger after a failed one, and the failures each recorded. */
  readonly retriggered: { drill: string; trigger: string; failures: string[] }[] = [];
  /** Each drilled datastore's status, config and data as seeded: a drill must leave them as they were. */
  private readonly drillSourceSeeds = new Map<string, string>();
  /** Temporary datastores found live where none may be (see {@link DrillCounts.temporariesLeft}). */
  readonly temporariesLeft = new Set<string>();
  /**
   * Where the current step's requests begin in the emulator's request log. The log is never cleared
   * during a run, so a request that lands between two steps (one a killed provider had already sent,
   * say) is still counted in {@link restoresStarted}.
   */
  stepStart = 0;
  /** The engine output of every step so far, kept for {@link keepEvidence}. */
  private readonly transcript: string[] = [];
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
    world.drillSources = await seedDatastores(emulator, size.drills ?? 0, `${name}-drilled`);
    for (const [i, id] of world.sources.entries())
      await emulator.admin.setData(id, { key: `value of source ${i}` });
    for (const id of world.targets) await emulator.admin.setData(id, { key: "data the restore replaces" });
    for (const [k, id] of world.drillSources.entries()) await emulator.admin.setData(id, drillData(k));
    const seeded = await emulator.admin.state();
    for (const id of world.drillSources) {
      const datastore = seeded.datastores.find((d) => d.datastore_id === id);
      world.drillSourceSeeds.set(id, drillSourceShape(datastore));
    }
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
      const name = `restore-${j}`;
      const ifAlreadyLoaded = this.ifAlreadyLoaded.get(name);
      new dfcloud.Restore(name, {
        datastoreId: this.targets[j] as string,
        backupId: (backups[j] as dfcloud.Backup).backupId,
        acknowledgeDataLoss: true,
        trigger: "soak",
        ...(ifAlreadyLoaded ? { ifAlreadyLoaded } : {}),
      });
    }
    for (let k = 0; k < this.drills; k++) {
      const backupName = `drill-backup-${k}`;
      const existingBackupId = this.adopt.get(backupName);
      const backup = new dfcloud.Backup(backupName, {
        datastoreId: this.drillSources[k] as string,
        description: `soak drill backup ${k}`,
        retentionDays: 3,
        ...(existingBackupId ? { existingBackupId } : {}),
      });
      const keys = Object.keys(drillData(k));
      new dfcloud.RestoreDrill(`drill-${k}`, {
        datastoreId: this.drillSources[k] as string,
        backupId: backup.backupId,
        expectKeys: keys,
        minKeys: keys.length,
        trigger: this.drillTrigger(`drill-${k}`),
      });
    }
  }

  /** RestoreDrills the program declares. */
  get drills(): number {
    return this.size.drills ?? 0;
  }

  /** The `trigger` the program gives the drill `name`. */
  drillTrigger(name: string): string {
    return this.drillTriggers.get(name) ?? FIRST_TRIGGER;
  }

  /**
   * The user's answer to a failed drill, before an engine run: a drill the state records as failed
   * with the trigger the program gives it is not drilled again with the same inputs (the evidence
   * stands; the failure message says to change `trigger`), so a run of the same program could never
   * converge it. Each such drill gets a new trigger; its failures are kept in {@link retriggered}, so
   * a drill that fails for a reason other than a fault shows, and fails again.
   */
  async retriggerFailedDrills(): Promise<void> {
    if (this.drills === 0) return;
    for (const resource of (await exportState(this.stack)).resources) {
      if (kindOf(resource.type) !== "RestoreDrill") continue;
      const name = resourceName(resource.urn);
      const outs = resource.outputs as
        | { passed?: boolean; trigger?: string; failures?: string[] }
        | undefined;
      if (outs?.passed !== false || outs.trigger !== this.drillTrigger(name)) continue;
      const trigger = `${FIRST_TRIGGER}-${this.retriggered.filter((r) => r.drill === name).length + 2}`;
      this.drillTriggers.set(name, trigger);
      this.retriggered.push({ drill: name, trigger, failures: outs.failures ?? [] });
    }
  }

  /** Every temporary datastore of a drill the emulator holds (in any status, `deleted` included). */
  async temporaries(): Promise<Temporary[]> {
    const { datastores } = await this.emulator.admin.state();
    return datastores
      .filter((d) => d.apiKey === API_KEY && String(d.config.name ?? "").startsWith(TEMPORARY_NAME_PREFIX))
      .map((d) => ({ id: d.datastore_id, name: String(d.config.name), status: d.status }));
  }

  /** The temporary datastores of drills that are live: neither `deleting` nor `deleted`. */
  async liveTemporaries(): Promise<Temporary[]> {
    return (await this.temporaries()).filter((t) => t.status !== "deleting" && t.status !== "deleted");
  }

  /** Writes to the drilled datastores in the request log of the whole run (see {@link writesTo}). */
  async drillSourceWrites(): Promise<RequestLogEntry[]> {
    const log = await this.emulator.admin.requests();
    return log.filter((entry) => this.drillSources.some((id) => writesTo(entry, id)));
  }

  /** What the drills of this run did, as the report counts it. */
  async drillCounts(): Promise<DrillCounts> {
    return {
      run: (await this.temporaries()).length,
      sourceWrites: (await this.drillSourceWrites()).length,
      temporariesLeft: this.temporariesLeft.size,
    };
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
      errorLines: [],
      calls: {},
      retries: 0,
      reconciled: 0,
      restorePuts: 0,
      temporariesAfterRuns: [],
    };
    const started = performance.now();
    this.stepStart = (await this.emulator.admin.requests()).length;
    const output: string[] = [];
    while (!report.succeeded && report.attempts < attempts) {
      report.attempts++;
      try {
        await run((line) => output.push(line));
        report.succeeded = true;
      } catch (error) {
        report.errors.push(error instanceof Interrupted ? error.message : firstErrorLine(error));
        const text = error instanceof Error ? error.message : String(error);
        for (const line of text.split("\n"))
          if (/error: /.test(line) && !/ retrying /.test(line) && !report.errorLines.includes(line.trim()))
            report.errorLines.push(line.trim().slice(0, 2000));
      }
      // The engine has exited: a drill it ran, passed, failed or cancelled, has deleted its temporary
      // datastore by now (only a killed one cannot).
      if (this.drills > 0) report.temporariesAfterRuns.push((await this.liveTemporaries()).map((t) => t.id));
    }
    report.ms = performance.now() - started;
    const log = (await this.emulator.admin.requests()).slice(this.stepStart);
    for (const entry of log)
      report.calls[entry.fault ?? "none"] = (report.calls[entry.fault ?? "none"] ?? 0) + 1;
    report.restorePuts = log.filter((e) => this.targets.some((t) => startedRestore(e, t))).length;
    // Progress lines show twice, live (after the stack's name) and again under "Diagnostics"; the
    // live ones count.
    const text = output.join("");
    this.transcript.push(text);
    report.retries = text.match(/pulumi:pulumi:Stack [^\n]*retrying (GET|PUT|POST|DELETE) /g)?.length ?? 0;
    report.reconciled = text.match(/pulumi:pulumi:Stack [^\n]*the answer was lost/g)?.length ?? 0;
    return report;
  }

  /**
   * Restores started so far, per target (in {@link targets} order), counted from the whole request
   * log of the run (see {@link startedRestore}), and a problem for each count other than 1, with
   * every request the emulator logged for that datastore, to say which one started the extra restore.
   */
  async restoresStarted(): Promise<{ counts: number[]; problems: string[] }> {
    const log = await this.emulator.admin.requests();
    const problems: string[] = [];
    if (log.length >= REQUEST_LOG_LIMIT)
      problems.push(
        `the request log reached its limit (${REQUEST_LOG_LIMIT}); restores started may be undercounted`,
      );
    const first = log[0]?.realTime ?? 0;
    const counts = this.targets.map((target, j) => {
      const started = log.filter((e) => startedRestore(e, target)).length;
      if (started !== 1) {
        const trail = log
          .filter((e) => e.path.replace(/[?].*$/, "") === `/v1/datastores/${target}`)
          .map(
            (e) =>
              `${e.method} ${e.status}${e.fault ? ` (${e.fault})` : ""}${startedRestore(e, target) ? " STARTED" : ""} @${((e.realTime - first) / 1000).toFixed(2)}s`,
          );
        problems.push(`restore-${j} started ${started} times; requests of ${target}: ${trail.join(", ")}`);
      }
      return started;
    });
    return { counts, problems };
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
    const drills = ofKind("RestoreDrill");
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
      const { datastoreId, backupId, status } = resource.outputs as {
        datastoreId: string;
        backupId: string;
        status?: string;
      };
      // A step that converged saw every restore finish (or recorded it as skipped on purpose).
      if (status !== "restored" && status !== "skipped")
        discrepancies.push(`restore into ${datastoreId}: status ${JSON.stringify(status)} in the state`);
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

    // A drill that converged passed on the backup of its own Backup, read back every key the
    // drilled datastore held, and deleted its temporary datastore.
    const backupOf = new Map(backups.map((r) => [resourceName(r.urn), r.id]));
    for (const resource of drills) {
      const name = resourceName(resource.urn);
      const k = Number(name.replace(/^drill-/, ""));
      const outs = (resource.outputs ?? {}) as Record<string, unknown>;
      const keys = Object.keys(drillData(k));
      const evidence = {
        datastoreId: outs.datastoreId,
        backupId: outs.backupId,
        passed: outs.passed,
        temporaryScratch: outs.temporaryScratch,
        scratchDeleted: outs.scratchDeleted,
        keys: outs.keys,
        missingKeys: outs.missingKeys,
        failures: outs.failures,
      };
      const wanted = {
        datastoreId: this.drillSources[k],
        backupId: backupOf.get(`drill-backup-${k}`),
        passed: true,
        temporaryScratch: true,
        scratchDeleted: true,
        keys: keys.length,
        missingKeys: [],
        failures: [],
      };
      if (JSON.stringify(evidence) !== JSON.stringify(wanted))
        discrepancies.push(`${name}: evidence ${JSON.stringify(evidence)}, wanted ${JSON.stringify(wanted)}`);
    }
    // At every agreement no temporary datastore may be live, and no drilled datastore may have been
    // written to or changed, whatever the phase.
    const liveTemporaries = live.datastores.filter(
      (d) =>
        d.apiKey === API_KEY &&
        String(d.config.name ?? "").startsWith(TEMPORARY_NAME_PREFIX) &&
        d.status !== "deleting" &&
        d.status !== "deleted",
    );
    for (const temporary of liveTemporaries) {
      this.temporariesLeft.add(temporary.datastore_id);
      discrepancies.push(
        `temporary datastore ${temporary.datastore_id} (${String(temporary.config.name)}) left ${temporary.status}`,
      );
    }
    discrepancies.push(...(await this.drillSourceProblems(live)));

    if (phase === "deployed") {
      const counts = {
        BackupSchedule: schedules.length,
        Backup: backups.length,
        Restore: restores.length,
        RestoreDrill: drills.length,
      };
      const wanted = {
        BackupSchedule: this.size.schedules,
        Backup: this.size.backups + this.drills,
        Restore: this.size.restores,
        RestoreDrill: this.drills,
      };
      if (JSON.stringify(counts) !== JSON.stringify(wanted))
        discrepancies.push(
          `the state holds ${JSON.stringify(counts)}, the program declares ${JSON.stringify(wanted)}`,
        );
    } else {
      const left = schedules.length + backups.length + restores.length + drills.length;
      if (left > 0) discrepancies.push(`${left} resources left in the state`);
      for (const id of this.sources) {
        const policy = datastore(id)?.config.backup_policy as { enabled?: boolean } | undefined;
        if (policy?.enabled === true) discrepancies.push(`schedule of ${id} still enabled after destroy`);
      }
    }
    return {
      schedules: schedules.length,
      backups: manual.length,
      restores: restores.length,
      drills: drills.length,
      temporaries: liveTemporaries.length,
      discrepancies,
    };
  }

  /**
   * Every write to a drilled datastore in the request log of the whole run, and every drilled
   * datastore whose config or data is not as seeded: a drill only reads the datastore it drills.
   */
  async drillSourceProblems(live: StateView): Promise<string[]> {
    const problems: string[] = [];
    const log = await this.emulator.admin.requests();
    if (this.drills > 0 && log.length >= REQUEST_LOG_LIMIT)
      problems.push(
        `the request log reached its limit (${REQUEST_LOG_LIMIT}); writes to drilled datastores may be undercounted`,
      );
    const first = log[0]?.realTime ?? 0;
    for (const id of this.drillSources) {
      const writes = log.filter((entry) => writesTo(entry, id));
      if (writes.length > 0)
        problems.push(
          `drilled datastore ${id} was written to: ${writes
            .map(
              (e) =>
                `${e.method} ${e.path} ${e.status}${e.fault ? ` (${e.fault})` : ""} @${((e.realTime - first) / 1000).toFixed(2)}s`,
            )
            .join(", ")}`,
        );
      const now = drillSourceShape(live.datastores.find((d) => d.datastore_id === id));
      if (now !== this.drillSourceSeeds.get(id))
        problems.push(`drilled datastore ${id} changed: ${now}, seeded ${this.drillSourceSeeds.get(id)}`);
    }
    return problems;
  }

  /**
   * When a run found problems, or an engine run of it failed (even one a later run made good),
   * writes what is needed to tell why into its work folder, `soak-evidence.json` (the whole request
   * log, the emulator's state, the engine output of every step), and returns its path.
   */
  async keepEvidence(problems: readonly string[], engineRunsFailed = false): Promise<string | undefined> {
    if (problems.length === 0 && !engineRunsFailed) return undefined;
    const file = path.join(this.workDir, "soak-evidence.json");
    const evidence = {
      problems,
      targets: this.targets,
      sources: this.sources,
      drillSources: this.drillSources,
      retriggered: this.retriggered,
      requests: await this.emulator.admin.requests(),
      state: await this.emulator.admin.state(),
      output: this.transcript,
    };
    fs.writeFileSync(file, `${JSON.stringify(evidence, null, 2)}\n`);
    return path.relative(process.cwd(), file);
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
  /** What the drills did: run, writes to drilled datastores (0) and temporary datastores left (0). */
  drills: DrillCounts;
  /** Drills that failed and were run again with a new trigger, with what each failure recorded. */
  retriggered: SoakWorld["retriggered"];
  /** Discrepancies of every step, prefixed with the step; empty when the run converged and agreed. */
  problems: string[];
  /** Where {@link SoakWorld.keepEvidence} wrote the run's evidence, when a problem or a failed engine run asked for it. */
  evidence?: string;
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
      // A drill that a fault stopped (its restore wait or read-back ran out of retries, say) fails
      // `up` and is recorded as failed; a step's next run (up to ATTEMPTS) would only repeat that
      // record, so before each run the program gives such a drill a new trigger, as its failure
      // message tells users. The drill deleted its temporary datastore either way: that is checked
      // after every run, the failed ones included.
      up: async (onOutput: (line: string) => void) => {
        await world.retriggerFailedDrills();
        return world.stack.up({ onOutput });
      },
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
      for (const [run, left] of report.temporariesAfterRuns.entries()) {
        for (const id of left) world.temporariesLeft.add(id);
        if (left.length > 0)
          problems.push(`after ${step} run ${run + 1}: temporary datastores left: ${left.join(", ")}`);
      }
      problems.push(...agreement.discrepancies.map((d) => `after ${step}: ${d}`));
    }
    const started = await world.restoresStarted();
    problems.push(...started.problems);
    const drills = await world.drillCounts();
    const engineRunsFailed = Object.values(steps).some((step) => step.errors.length > 0);
    const evidence = await world.keepEvidence(problems, engineRunsFailed);
    if (evidence && problems.length > 0) problems.push(`evidence: ${evidence}`);
    return {
      seed,
      size,
      faultRate,
      steps,
      restoresStarted: started.counts,
      drills,
      retriggered: world.retriggered,
      problems,
      ...(evidence ? { evidence } : {}),
    };
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
  /** The status of each Restore the state held right after the stop, by resource name. */
  restoresRecordedAtStop: Record<string, string>;
  refresh: StepReport;
  /**
   * Recovery `up`s that refused to restore a backup the datastore already held (the restore had
   * finished before the recovery): each run's refusal lines, one per restore it named.
   */
  refusals: string[][];
  /** Restores set to `ifAlreadyLoaded: "skip"` after a refusal, as the refusal tells users. */
  skipped: string[];
  /** Restores whose recovery `up` said it waited for the restore still running. */
  waitedFor: string[];
  /** The recovery `up` that converged. */
  up: StepReport;
  agreement: Agreement;
  /** The status of each Restore in the state after the recovery, by resource name. */
  restoreStatus: Record<string, string>;
  destroy: StepReport & { agreement: Agreement };
  /** Restores started per Restore over the whole run (the interrupted up included). */
  restoresStarted: number[];
  /** What the stop left of the drills, and what the recovery did with it. */
  drillStop: DrillStop;
  /** What the drills did over the whole run: run, writes to drilled datastores (0), temporary datastores left (0). */
  drills: DrillCounts;
  problems: string[];
}

/** What an interrupted `up` left of its drills. */
export interface DrillStop {
  /**
   * Temporary datastores live once the interrupted engine had exited, by id: none after SIGINT or
   * Ctrl-C (the drill deletes its own), one per drill in flight after SIGKILL.
   */
  temporariesAtStop: string[];
  /** Each RestoreDrill the state held right after the stop, by resource name: whether it passed. */
  recordedAtStop: Record<string, boolean>;
  /** Of {@link temporariesAtStop}, those the recovery `up` sent a DELETE for (a leftover of the same drill). */
  deletedByRecoveryUp: string[];
}

/**
 * How `up` is stopped: `SIGINT` is the Automation API's cancel (SIGINT to the `pulumi` process
 * only); `Ctrl-C` is SIGINT to `pulumi` and every process it started (its provider processes), as a
 * terminal sends it to the foreground process group; `SIGKILL` kills them all at once, as when a CI
 * runner is killed.
 */
export type InterruptSignal = "SIGINT" | "Ctrl-C" | "SIGKILL";

/**
 * When to stop `up`, and what the recovery finds:
 * - `backups in flight`: once the emulator has taken half of the backups (their creates are waiting
 *   for them to become ready);
 * - `restore in flight`: once every restore has started. Restores take {@link RESTORE_HOLD_SECONDS},
 *   so they are still running when the recovery `up` starts; once that `up` has said, for every
 *   restore, that it waits for it, the emulator clock is advanced and they finish;
 * - `restore finished`: stopped at the same moment, then the emulator clock is advanced at once, so
 *   every restore has finished before the recovery begins;
 * - `drill restore in flight`: once every drill's restore into its temporary datastore has started
 *   (the program then has no Restore: a drill's restore is held, like a Restore's, for
 *   {@link RESTORE_HOLD_SECONDS}). After SIGINT, which reaches only the engine, the engine waits for
 *   the drill, so the clock is advanced once it says it is cancelling and the drill finishes; after
 *   Ctrl-C the provider cancels the drill, which deletes its temporary datastore; after SIGKILL the
 *   temporary datastore is left, still restoring, and the recovery `up`'s drill (same trigger) must
 *   delete it. The recovery's own drills restore in {@link INTERRUPT_DURATIONS}' time.
 */
export type InterruptMoment =
  | "backups in flight"
  | "restore in flight"
  | "restore finished"
  | "drill restore in flight";

/**
 * `up`, stopped with `signal` at `moment`, then the documented recovery (bench/README.md, "After an
 * interrupted up"), then a check that the emulator holds exactly what the state says and that each
 * restore started exactly once, then `destroy`.
 *
 * Around restores it also checks what the provider promises: a restore started before a SIGKILL and
 * still running is waited for by the recovery `up`, not started again; one that finished before the
 * recovery makes the recovery `up` fail with the `ifAlreadyLoaded` message and start nothing, and
 * `ifAlreadyLoaded: "skip"` then records it (status `skipped`); a restore a Ctrl-C cut short is in
 * the state as `restoring` and the recovery `up` waits for it (status `restored`). Around drills: no
 * temporary datastore is left once the engine of a SIGINT or Ctrl-C has exited, the one a SIGKILL
 * left is deleted by the recovery `up`, none is left after it nor after `destroy`, and the drilled
 * datastores are never written to.
 */
export async function interruptedUp(
  name: string,
  size: SoakSize,
  signal: InterruptSignal,
  moment: InterruptMoment = "backups in flight",
): Promise<RecoveryReport> {
  const aroundRestore = moment === "restore in flight" || moment === "restore finished";
  const aroundDrill = moment === "drill restore in flight";
  if (aroundDrill && !(size.drills ?? 0)) throw new Error(`${name}: "${moment}" needs a program with drills`);
  // A restore a SIGINT cut short is in the state as `restoring` and its `up` waits without saying so
  // in a line this could wait for; only its finished case is deterministic here.
  if (moment === "restore in flight" && signal !== "SIGKILL")
    throw new Error(
      `${name}: ${signal} with a restore in flight is not a case of the soak; use "restore finished"`,
    );
  const world = await SoakWorld.create(
    name,
    size,
    aroundRestore || aroundDrill
      ? { ...INTERRUPT_DURATIONS, restore: RESTORE_HOLD_SECONDS }
      : INTERRUPT_DURATIONS,
  );
  const reached = async (log: RequestLogEntry[]): Promise<boolean> => {
    if (aroundDrill) {
      // Each drill's temporary datastore (named after its source) had its restore PUT handled.
      const temporaries = await world.temporaries();
      return world.drillSources.every((source) =>
        temporaries.some(
          (t) =>
            t.name.startsWith(`${TEMPORARY_NAME_PREFIX}${source}-`) &&
            log.some((e) => startedRestore(e, t.id)),
        ),
      );
    }
    if (aroundRestore) return world.targets.every((t) => log.some((e) => startedRestore(e, t)));
    return log.filter((e) => e.method === "POST").length >= Math.ceil(size.backups / 2);
  };
  const restoreName = (target: string) => `restore-${world.targets.indexOf(target)}`;
  const problems: string[] = [];
  try {
    // After a SIGINT the engine waits for the drills in flight, whose restores are held: the clock is
    // advanced once the engine has said it is cancelling, so that they finish while it waits.
    const releaseOnCancel = aroundDrill && signal === "SIGINT";
    let released: Promise<unknown> | undefined;
    const interruption = await world.step(async (onOutput) => {
      const controller = new AbortController();
      let stopped = false;
      let looking = false;
      const afterStop: string[] = [];
      const output = (line: string) => {
        onOutput(line);
        if (!releaseOnCancel || !stopped || released) return;
        afterStop.push(line);
        if (/received; cancelling/.test(afterStop.join("")))
          released = world.emulator.admin.advance(RESTORE_HOLD_SECONDS);
      };
      const look = async () => {
        if (stopped || looking) return;
        looking = true;
        try {
          const log = (await world.emulator.admin.requests()).slice(world.stepStart);
          if (stopped || !(await reached(log))) return;
        } finally {
          looking = false;
        }
        if (stopped) return;
        stopped = true;
        if (signal === "SIGINT") controller.abort();
        // Ctrl-C reaches the engine and its provider processes; so does a SIGKILL of a CI runner.
        else
          for (const { pid } of descendants()) signalQuietly(pid, signal === "Ctrl-C" ? "SIGINT" : "SIGKILL");
      };
      // Engine events arrive all through the run, but not while every operation is waiting; the
      // request log is also looked at every 100 ms until the moment comes.
      const watcher = setInterval(() => void look().catch(() => {}), 100);
      try {
        await world.stack
          .up({ onOutput: output, signal: controller.signal, onEvent: () => void look().catch(() => {}) })
          .then(
            () => {
              throw new Error("up finished before it could be interrupted");
            },
            (error: unknown) => {
              if (!stopped) throw error;
              throw new Interrupted(firstErrorLine(error));
            },
          );
      } finally {
        clearInterval(watcher);
      }
    }, 1);
    const howItEnded = interruption.errors.join(" | ");
    if (!howItEnded.startsWith("interrupted:"))
      throw new Error(`${name}: the up was not interrupted: ${howItEnded}`);
    await released;
    if (releaseOnCancel && !released)
      problems.push(
        "after SIGINT: the engine never said it was cancelling; the drills' restores ended by themselves",
      );

    // What the stop left of the drills, looked at once the engine had exited.
    const temporariesAtStop = interruption.temporariesAfterRuns[0] ?? [];
    if (signal !== "SIGKILL")
      for (const id of temporariesAtStop) {
        world.temporariesLeft.add(id);
        problems.push(`after ${signal}: temporary datastore ${id} was left once the engine had exited`);
      }
    else if (aroundDrill && temporariesAtStop.length !== world.drills)
      problems.push(
        `after SIGKILL: ${temporariesAtStop.length} temporary datastores left, not ${world.drills} (one per drill whose restore was in flight): the recovery's removal of leftovers is not exercised`,
      );

    // The recovery, step by step as bench/README.md tells users.
    const emptyAttrsRemoved = removeEmptyAttrs(path.join(world.workDir, ".pulumi-state"));
    const lockLeft = hasLock(path.join(world.workDir, ".pulumi-state"));
    await world.stack.cancel();
    const atStop = await exportState(world.stack);
    const restoresRecordedAtStop = restoreStatuses(atStop);
    const drillsRecordedAtStop = drillOutcomes(atStop);
    if (aroundDrill && signal === "SIGINT")
      for (let k = 0; k < world.drills; k++)
        if (drillsRecordedAtStop[`drill-${k}`] !== true)
          problems.push(
            `after SIGINT: drill-${k} is ${JSON.stringify(drillsRecordedAtStop[`drill-${k}`])} in the state, not passed (the engine waits for a drill in flight)`,
          );
    if (aroundDrill && signal === "Ctrl-C" && Object.keys(drillsRecordedAtStop).length > 0)
      problems.push(
        `after Ctrl-C: drills in the state ${JSON.stringify(drillsRecordedAtStop)}; a cancelled drill ends unrecorded`,
      );
    // The recovery's own drills need no hold; the restore a SIGKILL left running keeps its 300 s (a
    // transition keeps the duration it started with), so the recovery meets that leftover restoring.
    if (aroundDrill) await world.emulator.admin.setDurations({ restore: INTERRUPT_DURATIONS.restore });
    if (signal === "Ctrl-C" && aroundRestore)
      for (const target of world.targets)
        if (restoresRecordedAtStop[restoreName(target)] !== "restoring")
          problems.push(
            `after Ctrl-C: ${restoreName(target)} is ${JSON.stringify(restoresRecordedAtStop[restoreName(target)])} in the state, not "restoring" (its restore had started)`,
          );
    if (moment === "restore finished") await world.emulator.admin.advance(RESTORE_HOLD_SECONDS);
    const pending = atStop.pendingOperations.filter((op) => op.type === "creating");
    const adopted = await adoptInterruptedBackups(world, pending);
    const refresh = await world.step((onOutput) =>
      world.stack.refresh({ onOutput, ...(pending.length > 0 ? { clearPendingCreates: true } : {}) }),
    );

    // The recovery `up`. A restore still running must be waited for; the clock moves on only once the
    // `up` has said so for every one (a restore it had not yet looked at would otherwise be found
    // finished, which is the other case).
    const waitedFor = new Set<string>();
    let advanced: Promise<unknown> | undefined;
    const refusals: string[][] = [];
    const skipped: string[] = [];
    let up: StepReport;
    for (;;) {
      let failure = "";
      const output: string[] = [];
      up = await world.step(
        async (onOutput) => {
          try {
            await world.stack.up({
              onOutput: (line) => {
                onOutput(line);
                if (moment !== "restore in flight" || advanced) return;
                output.push(line);
                for (const [, id] of output.join("").matchAll(/datastore (\S+) is already restoring backup/g))
                  if (id && world.targets.includes(id)) waitedFor.add(restoreName(id));
                if (waitedFor.size === world.targets.length)
                  advanced = world.emulator.admin.advance(RESTORE_HOLD_SECONDS);
              },
            });
          } catch (error) {
            failure = error instanceof Error ? error.message : String(error);
            throw error;
          }
        },
        // A refusal is not retried: it is answered by changing the program.
        moment === "restore finished" && signal === "SIGKILL" ? 1 : ATTEMPTS,
      );
      await advanced;
      if (up.succeeded || moment !== "restore finished" || signal !== "SIGKILL") break;
      // The restores had finished and nothing in the state records them: the `up` must refuse, name
      // the datastore, say `ifAlreadyLoaded`, and start nothing.
      const refused = refusalLines(failure, world.targets);
      refusals.push([...refused.values()]);
      if (up.restorePuts > 0) problems.push(`a refused recovery up sent ${up.restorePuts} restore PUTs`);
      const fresh = [...refused.keys()].map(restoreName).filter((r) => !skipped.includes(r));
      if (fresh.length === 0) {
        problems.push(
          `recovery up failed without refusing an already loaded backup: ${up.errors.join(" | ")}`,
        );
        break;
      }
      for (const line of refused.values())
        if (!line.includes("ifAlreadyLoaded") || !line.includes("No restore was started"))
          problems.push(`refusal without "ifAlreadyLoaded" and "No restore was started": ${line}`);
      // The documented answer: the data is the backup's (checked below), so record the restore.
      for (const restore of fresh) {
        world.ifAlreadyLoaded.set(restore, "skip");
        skipped.push(restore);
      }
    }
    // A leftover of a killed drill is deleted by the next drill of the same source and trigger: the
    // recovery `up`'s (its requests are those since the step began).
    const recoveryLog = (await world.emulator.admin.requests()).slice(world.stepStart);
    const deletedByRecoveryUp = temporariesAtStop.filter((id) =>
      recoveryLog.some(
        (e) => e.method === "DELETE" && e.path.replace(/[?].*$/, "") === `/v1/datastores/${id}`,
      ),
    );
    if (aroundDrill && signal === "SIGKILL")
      for (const id of temporariesAtStop)
        if (!deletedByRecoveryUp.includes(id))
          problems.push(`the recovery up did not delete temporary datastore ${id}, which the SIGKILL left`);
    const agreement = await world.agreement("deployed");
    const restoreStatus = restoreStatuses(await exportState(world.stack));
    if (aroundRestore && up.restorePuts > 0)
      problems.push(
        `the recovery up sent ${up.restorePuts} restore PUTs; every restore had started before the stop`,
      );
    for (const target of world.targets) {
      const restore = restoreName(target);
      const wanted = moment === "restore finished" && signal === "SIGKILL" ? "skipped" : "restored";
      if (restoreStatus[restore] !== wanted)
        problems.push(
          `after recovery: ${restore} is ${JSON.stringify(restoreStatus[restore])}, not "${wanted}"`,
        );
      if (moment === "restore in flight" && signal === "SIGKILL" && !waitedFor.has(restore))
        problems.push(`the recovery up did not say it waited for the running restore of ${restore}`);
      if (moment === "restore finished" && signal === "SIGKILL" && !skipped.includes(restore))
        problems.push(`the recovery up did not refuse ${restore}, whose restore had finished`);
    }
    const destroyStep = await world.step((onOutput) => world.stack.destroy({ onOutput }));
    const destroy = { ...destroyStep, agreement: await world.agreement("destroyed") };
    const started = await world.restoresStarted();
    const drills = await world.drillCounts();

    problems.push(
      ...(refresh.succeeded ? [] : [`refresh failed: ${refresh.errors.join(" | ")}`]),
      ...(up.succeeded ? [] : [`up failed: ${up.errors.join(" | ")}`]),
      ...(destroy.succeeded ? [] : [`destroy failed: ${destroy.errors.join(" | ")}`]),
      ...agreement.discrepancies.map((d) => `after recovery: ${d}`),
      ...destroy.agreement.discrepancies.map((d) => `after destroy: ${d}`),
      ...started.problems,
    );
    const evidence = await world.keepEvidence(problems);
    if (evidence) problems.push(`evidence: ${evidence}`);
    return {
      interruptedUp: howItEnded,
      lockLeft,
      emptyAttrsRemoved,
      pendingCreates: pending.map((op) => op.resource.urn.split("::").pop() ?? op.resource.urn),
      adopted,
      restoresRecordedAtStop,
      refresh,
      refusals,
      skipped,
      waitedFor: [...waitedFor].sort(),
      up,
      agreement,
      restoreStatus,
      destroy,
      restoresStarted: started.counts,
      drillStop: { temporariesAtStop, recordedAtStop: drillsRecordedAtStop, deletedByRecoveryUp },
      drills,
      problems,
    };
  } finally {
    await world.close();
  }
}

/** A resource's name: the last part of its URN. */
function resourceName(urn: string): string {
  return urn.split("::").pop() ?? urn;
}

/** Whether each RestoreDrill of a state passed, by resource name. */
function drillOutcomes(snapshot: StateSnapshot): Record<string, boolean> {
  const outcomes: Record<string, boolean> = {};
  for (const resource of snapshot.resources)
    if (kindOf(resource.type) === "RestoreDrill")
      outcomes[resourceName(resource.urn)] = resource.outputs?.passed === true;
  return outcomes;
}

/** The `status` output of each Restore of a state, by resource name. */
function restoreStatuses(snapshot: StateSnapshot): Record<string, string> {
  const statuses: Record<string, string> = {};
  for (const resource of snapshot.resources)
    if (kindOf(resource.type) === "Restore")
      statuses[resource.urn.split("::").pop() ?? resource.urn] = String(resource.outputs?.status);
  return statuses;
}

/**
 * The lines of a failed engine run that refuse a restore because its datastore already holds the
 * backup, by target datastore (the engine prints each twice: live and under "Diagnostics").
 */
function refusalLines(text: string, targets: readonly string[]): Map<string, string> {
  const found = new Map<string, string>();
  for (const line of text.split("\n")) {
    if (!line.includes("error:")) continue;
    const target = targets.find((t) => line.includes(`datastore ${t} already holds backup`));
    if (target && !found.has(target)) found.set(target, line.trim());
  }
  return found;
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

/** `signal` to `pid`; a process that already ended is fine. */
function signalQuietly(pid: number, signal: "SIGINT" | "SIGKILL"): void {
  try {
    process.kill(pid, signal);
  } catch {
    // Gone already.
  }
}

/**
 * Whether a logged request started a restore of `target`: a PUT of its config that the emulator
 * handled — answered 200 (a `latency` fault included), or handled and then answered 500 or dropped
 * (`429` and `503` faults answer before handling). The log holds no bodies, so this rests on what
 * the soak's programs do: only Restores write to a target datastore, each PUT's body is its config
 * with `restore: {backup_id, loaded: false}`, which starts a restore (docs/api-model.md), and the
 * provider sends it only after reading the datastore `active` (nothing else changes a target, so
 * the emulator does not refuse it with a 409). A refused PUT (4xx without a fault) is not counted.
 */
export function startedRestore(entry: RequestLogEntry, target: string): boolean {
  return (
    entry.method === "PUT" &&
    entry.path.replace(/[?].*$/, "") === `/v1/datastores/${target}` &&
    (entry.status === 200 || entry.fault === "500" || entry.fault === "drop")
  );
}

/** The first line of an engine error worth reading: the provider's error, else the message's first line. */
export function firstErrorLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const detail = /error: (?!update failed|\d+ errors? occurred)(.+)/.exec(text)?.[1];
  return (detail ?? text.split("\n")[0] ?? text).trim().slice(0, 300);
}
