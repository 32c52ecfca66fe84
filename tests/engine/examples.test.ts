/**
 * The examples, as a user runs them: the real `pulumi` CLI in examples/<name>, against the
 * emulator. Each test creates a stack, sets the config the example's README names, runs `up`,
 * checks what the engine did (its JSON events) and what the API now holds (the emulator's state),
 * then destroys and checks the API again.
 *
 * - quickstart: a schedule and a manual backup appear, and `destroy` disables the one and deletes the other.
 * - restore-drill: stage `backup` takes the safety backup of data A; the test overwrites A with B;
 *   stage `restore` restores the safety backup, and the datastore holds A again.
 * - guarded-pipeline: the steps of ci-workflow.yml themselves, read from the file and run like a
 *   runner would, for a pull request (preview with the policy pack) and a push to main (up), first
 *   without an API key (the workflow starts its own emulator) and then with one.
 * - weekly-restore-drill: the steps of its workflow, run like a runner would, for a week whose drill
 *   passes and a week whose drill fails: the failure fails the job, and both weeks' evidence is
 *   written, each of its own week.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, TEMPORARY_NAME_PREFIX } from "@pulumi-dfcloud/provider";
import type { RunningEmulator, StateView } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type ChangeCounts,
  completedSteps,
  engineEnv,
  frozenEmulator,
  newWorkDir,
  pulumi,
  pulumiOk,
  ROOT,
  seedTestDatastore,
  takeApiCalls,
} from "./harness";

const API_KEY = "dragonflydb_examples_test_key_0123456789";
const EXAMPLES = path.join(ROOT, "examples");

/** A stack of one example, in place in examples/<name>, with its own state backend. */
class ExampleStack {
  readonly dir: string;
  readonly stack = `test-${randomBytes(4).toString("hex")}`;
  readonly env: NodeJS.ProcessEnv;

  constructor(example: string, extraEnv: Record<string, string> = {}) {
    this.dir = path.join(EXAMPLES, example);
    this.env = engineEnv(newWorkDir(`example-${example}`), extraEnv);
  }

  /** `pulumi stack init`, then each config value (`secret` ones with --secret). */
  async init(config: Record<string, string>, secret: Record<string, string> = {}): Promise<void> {
    await pulumiOk(["stack", "init", this.stack], this.dir, this.env);
    for (const [key, value] of Object.entries(config)) await this.run("config", "set", key, value);
    for (const [key, value] of Object.entries(secret))
      await this.run("config", "set", "--secret", key, value);
  }

  /** Runs `pulumi <args> --stack <stack>`; throws with the output when it fails. */
  async run(...args: string[]): Promise<string> {
    return (await pulumiOk([...args, "--stack", this.stack], this.dir, this.env)).stdout;
  }

  async up(): Promise<ChangeCounts> {
    return completedSteps(await this.run("up", "--yes", "--json"));
  }

  async destroy(): Promise<ChangeCounts> {
    return completedSteps(await this.run("destroy", "--yes", "--json"));
  }

  async outputs(): Promise<Record<string, unknown>> {
    return JSON.parse(await this.run("stack", "output", "--json")) as Record<string, unknown>;
  }

  /** Removes the stack and the `Pulumi.<stack>.yaml` it left in the example's folder. */
  async remove(): Promise<void> {
    await pulumi(["stack", "rm", "--yes", "--force", "--stack", this.stack], this.dir, this.env);
    fs.rmSync(path.join(this.dir, `Pulumi.${this.stack}.yaml`), { force: true });
  }
}

function datastoreIn(state: StateView, id: string) {
  const datastore = state.datastores.find((candidate) => candidate.datastore_id === id);
  if (!datastore) throw new Error(`the emulator has no datastore ${id}`);
  return datastore;
}

function manualBackupsIn(state: StateView, datastoreId: string) {
  return state.backups.filter((backup) => backup.datastore_id === datastoreId && backup.source === "manual");
}

describe("the examples on the real engine, against the emulator", () => {
  let emulator: RunningEmulator;
  const stacks: ExampleStack[] = [];

  beforeAll(async () => {
    // Frozen emulator time and instant transitions: every wait completes on its next poll, and the
    // scheduler never takes a scheduled backup behind the tests' backs.
    emulator = await frozenEmulator([API_KEY]);
  });

  afterAll(async () => {
    for (const stack of stacks) await stack.remove();
    await emulator?.close();
  });

  /** A fresh datastore holding `data`, and a stack of `example` configured for it. */
  async function setUp(example: string, data: Record<string, string>, config: Record<string, string> = {}) {
    const datastoreId = await seedTestDatastore(emulator, API_KEY);
    await emulator.admin.setData(datastoreId, data);
    const stack = new ExampleStack(example);
    stacks.push(stack);
    await stack.init(
      { [configKey("apiUrl")]: emulator.url, datastoreId, ...config },
      { [configKey("apiKey")]: API_KEY },
    );
    return { stack, datastoreId };
  }

  it("quickstart: up creates the schedule and a ready backup; destroy disables and deletes them", async () => {
    const { stack, datastoreId } = await setUp("quickstart", { cart: "1" });

    expect(await stack.up()).toEqual({ create: 2 });
    let state = await emulator.admin.state();
    expect(datastoreIn(state, datastoreId).config.backup_policy).toEqual({
      enabled: true,
      every_day: true,
      every_hour: false,
      hours: [2, 14],
      retention: 7,
    });
    const backups = manualBackupsIn(state, datastoreId);
    expect(backups.map(({ description, retention, status }) => ({ description, retention, status }))).toEqual(
      [{ description: "before schema migration", retention: 14, status: "ready" }],
    );
    expect(await stack.outputs()).toMatchObject({
      scheduleDays: "every",
      scheduleHours: [2, 14],
      backupId: backups[0]?.backup_id,
      backupStatus: "ready",
    });

    expect(await stack.destroy()).toEqual({ delete: 2 });
    state = await emulator.admin.state();
    expect(datastoreIn(state, datastoreId).config.backup_policy).toMatchObject({ enabled: false });
    expect(manualBackupsIn(state, datastoreId)).toEqual([]);
    expect(datastoreIn(state, datastoreId).data).toEqual({ cart: "1" });
  });

  it("restore-drill: the restore brings back the data the safety backup holds", async () => {
    const before = { order: "A", customer: "alice" };
    const { stack, datastoreId } = await setUp("restore-drill", before, { stage: "backup" });

    // Stage 1: only the safety backup, of data A.
    expect(await stack.up()).toEqual({ create: 1 });
    let state = await emulator.admin.state();
    const [safety] = manualBackupsIn(state, datastoreId);
    expect(safety).toMatchObject({
      description: "restore drill: safety backup",
      retention: 7,
      status: "ready",
    });
    expect(await stack.outputs()).toEqual({
      safetyBackupId: safety?.backup_id,
      safetyBackupStatus: "ready",
      safetyBackupExpiresAt: new Date(((safety?.created_at ?? 0) + 7 * 86_400) * 1000).toISOString(),
    });

    // Between the stages the data changes: this is what the restore must undo.
    await emulator.admin.setData(datastoreId, { order: "B" });

    // Stage 2: the restore of that backup, and nothing else.
    await stack.run("config", "set", "stage", "restore");
    await stack.run("config", "set", "trigger", "drill-2026-11-27");
    expect(await stack.up()).toEqual({ create: 1 });
    state = await emulator.admin.state();
    expect(datastoreIn(state, datastoreId).data).toEqual(before);
    expect(datastoreIn(state, datastoreId).config.restore).toEqual({
      backup_id: safety?.backup_id,
      loaded: true,
    });
    const outputs = await stack.outputs();
    expect(outputs.restoredBackupId).toBe(safety?.backup_id);
    expect(Date.parse(String(outputs.restoredAt))).not.toBeNaN();
    expect(manualBackupsIn(state, datastoreId)).toHaveLength(1);

    // The drill ran once: an unchanged trigger runs nothing again, even after the data changed.
    await emulator.admin.setData(datastoreId, { order: "C" });
    expect(await stack.up()).toEqual({});
    expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "C" });

    // destroy deletes the safety backup and leaves the datastore's data alone.
    expect(await stack.destroy()).toEqual({ delete: 2 });
    state = await emulator.admin.state();
    expect(manualBackupsIn(state, datastoreId)).toEqual([]);
    expect(datastoreIn(state, datastoreId).data).toEqual({ order: "C" });
  });
});

// ---------------------------------------------------------------------------------------------
// The examples' workflows, run step by step like a GitHub Actions runner would.
// ---------------------------------------------------------------------------------------------

const PIPELINE_DIR = path.join(EXAMPLES, "guarded-pipeline");
const PIPELINE_WORKFLOW = path.join(PIPELINE_DIR, "ci-workflow.yml");

/** A step of the workflow as far as a runner of `run:` steps needs it. */
interface WorkflowStep {
  name?: string;
  id?: string;
  if?: string;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  "working-directory"?: string;
}
interface Workflow {
  on: Record<string, unknown>;
  env: Record<string, string>;
  jobs: Record<
    string,
    { defaults?: { run?: { shell?: string; "working-directory"?: string } }; steps: WorkflowStep[] }
  >;
}

// js-yaml comes with @pulumi/pulumi; it has no type declarations here.
const yaml = require("js-yaml") as { load(text: string): unknown };

function readWorkflow(file = PIPELINE_WORKFLOW): Workflow {
  return yaml.load(fs.readFileSync(file, "utf8")) as Workflow;
}

/**
 * The contexts of a run: the event, the repository settings, the inputs of a manually dispatched
 * run (a workflow that reads them must be given them) and the environment so far.
 */
interface RunContext {
  github: Record<string, string>;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  inputs?: Record<string, string>;
  env: Record<string, string>;
}

/** Replaces `${{ secrets.X }}`, `${{ vars.X }}`, `${{ github.X }}`, `${{ inputs.X }}` and `${{ env.X }}` (unset: ""). */
function interpolate(text: string, context: RunContext): string {
  return text.replace(/\$\{\{\s*(\w+)\.(\w+)\s*\}\}/g, (_, scope: string, name: string) => {
    const values = context[scope as keyof RunContext];
    if (!values) throw new Error(`the workflow uses the ${scope} context, which this runner does not know`);
    return values[name] ?? "";
  });
}

/**
 * Evaluates a step's `if:`, for the subset of the expression language the workflows use:
 * comparisons (`==`, `!=`) of `env.X`, `github.X` and 'strings', and `always()`, joined by `&&` and
 * `||`. Anything else throws, so a workflow cannot outgrow this runner unnoticed. (Whether a step
 * runs after an earlier one failed is {@link runJob}'s part.)
 */
function evaluateIf(expression: string, context: RunContext): boolean {
  const operand = (text: string): string => {
    const literal = /^'([^']*)'$/.exec(text);
    if (literal) return literal[1] ?? "";
    const reference = /^(env|github)\.(\w+)$/.exec(text);
    if (reference?.[1] && reference[2]) return context[reference[1] as "env" | "github"][reference[2]] ?? "";
    throw new Error(`unsupported operand in if: ${text}`);
  };
  return expression.split("||").some((any) =>
    any.split("&&").every((all) => {
      if (all.trim() === "always()") return true;
      const comparison = /^\s*(\S+)\s*(==|!=)\s*(\S+)\s*$/.exec(all);
      if (!comparison?.[1] || !comparison[3]) throw new Error(`unsupported if: ${expression}`);
      const equal = operand(comparison[1]) === operand(comparison[3]);
      return comparison[2] === "==" ? equal : !equal;
    }),
  );
}

function bash(
  script: string,
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      "bash",
      ["-eo", "pipefail", "-c", script],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, output: `${stdout}\n${stderr}` });
      },
    );
  });
}

/** What one run of the workflow's job did. */
interface JobRun {
  /** Names of the steps that ran, in order. */
  ran: string[];
  /** Names of the steps that failed, in order. */
  failed: string[];
  /** Exit code of the first failing step, or 0. */
  code: number;
  /** Output of every step that ran. */
  output: string;
  /** The environment after the job (what `$GITHUB_ENV` added included). */
  env: Record<string, string>;
}

/**
 * Runs the job's `run:` steps for one event: `if:` evaluated, `$GITHUB_ENV` applied between steps,
 * `uses:` steps and the tools step skipped (`make test` has already built what `make tools build`
 * would). As on GitHub, once a step failed only the steps whose `if:` says `always()` still run.
 * `beforeStep` may change the environment first. The workflow is examples/guarded-pipeline's
 * unless `workflowFile` names another.
 */
async function runJob(
  context: Omit<RunContext, "env">,
  baseEnv: NodeJS.ProcessEnv,
  beforeStep: (step: WorkflowStep, env: Record<string, string>) => Promise<void> = async () => {},
  workflowFile = PIPELINE_WORKFLOW,
): Promise<JobRun> {
  const workflow = readWorkflow(workflowFile);
  const [job] = Object.values(workflow.jobs);
  if (!job) throw new Error(`${path.basename(workflowFile)} has no job`);
  const runnerTemp = newWorkDir("pipeline-runner");
  const envFile = path.join(runnerTemp, "github-env");
  const partial: RunContext = { ...context, env: {} };
  const env: Record<string, string> = {
    ...Object.fromEntries(
      Object.entries(workflow.env).map(([key, value]) => [key, interpolate(value, partial)]),
    ),
    GITHUB_SHA: context.github.sha ?? "",
    GITHUB_ENV: envFile,
    RUNNER_TEMP: runnerTemp,
  };
  const run: JobRun = { ran: [], failed: [], code: 0, output: "", env };
  for (const step of job.steps) {
    if (step.uses || step.id === "tools" || !step.run) continue;
    if (run.code !== 0 && !/\balways\(\)/.test(step.if ?? "")) continue;
    if (step.if && !evaluateIf(step.if, { ...context, env })) continue;
    await beforeStep(step, env);
    fs.writeFileSync(envFile, "");
    const cwd = path.join(ROOT, step["working-directory"] ?? job.defaults?.run?.["working-directory"] ?? ".");
    const result = await bash(step.run, cwd, { ...baseEnv, ...env });
    run.ran.push(step.name ?? step.run);
    run.output += `\n--- ${step.name}\n${result.output}`;
    for (const line of fs.readFileSync(envFile, "utf8").split("\n")) {
      const eq = line.indexOf("=");
      if (eq > 0) env[line.slice(0, eq)] = line.slice(eq + 1);
    }
    if (result.code !== 0) {
      run.failed.push(step.name ?? step.run);
      if (run.code === 0) run.code = result.code;
    }
  }
  return run;
}

const PULL_REQUEST = { event_name: "pull_request", ref: "refs/pull/7/merge", sha: "1111111aaaaaaa" };
const PUSH_TO_MAIN = { event_name: "push", ref: "refs/heads/main", sha: "2222222bbbbbbb" };
const STEP = {
  account: "Dragonfly Cloud account and state backend",
  local: "Local Dragonfly Cloud API and throwaway state (no DFCLOUD_API_KEY secret)",
  config: "Stack and config",
  preview: "Preview with the policy pack",
  deploy: "Deploy with the policy pack",
};

describe("guarded-pipeline: ci-workflow.yml on the real engine", () => {
  /** Emulators the workflow started (local-api.js), stopped by their process ids. */
  const startedPids: number[] = [];
  const stackFile = () => path.join(PIPELINE_DIR, `Pulumi.${readWorkflow().env.STACK}.yaml`);
  let baseEnv: NodeJS.ProcessEnv;

  beforeAll(() => {
    if (
      !fs.existsSync(path.join(ROOT, "policy/dist/index.js")) ||
      !fs.existsSync(path.join(ROOT, "emulator/dist/cli.js"))
    ) {
      throw new Error("policy/dist or emulator/dist is missing: build first (`make build` or `npx tsc -b`)");
    }
    // The runner's environment: our engine and Node on PATH (what the tools step adds), no
    // credentials of the developer's own.
    baseEnv = engineEnv(newWorkDir("pipeline"));
    for (const key of [
      "DFCLOUD_API_KEY",
      "DFCLOUD_API_URL",
      "PULUMI_BACKEND_URL",
      "PULUMI_CONFIG_PASSPHRASE",
    ]) {
      delete baseEnv[key];
    }
  });

  afterAll(() => {
    for (const pid of startedPids) {
      try {
        process.kill(pid);
      } catch {
        // Already gone.
      }
    }
    fs.rmSync(stackFile(), { force: true });
  });

  /** Runs the job and remembers the emulator it started, if any; each run starts from a clean stack file. */
  async function job(...args: Parameters<typeof runJob>): Promise<JobRun> {
    fs.rmSync(stackFile(), { force: true });
    const run = await runJob(...args);
    if (run.env.DFCLOUD_EMULATOR_PID) startedPids.push(Number(run.env.DFCLOUD_EMULATOR_PID));
    return run;
  }

  it("triggers on pull requests and pushes to main, previewing and deploying with ../../policy", () => {
    const workflow = readWorkflow();
    expect(workflow.on).toEqual({ pull_request: null, push: { branches: ["main"] } });
    const steps = Object.values(workflow.jobs).flatMap((job) => job.steps);
    const byName = (name: string) => steps.find((step) => step.name === name);
    expect(byName(STEP.preview)).toMatchObject({ if: "github.event_name == 'pull_request'" });
    expect(byName(STEP.preview)?.run).toMatch(/^pulumi preview .*--policy-pack \.\.\/\.\.\/policy/);
    expect(byName(STEP.deploy)).toMatchObject({
      if: "github.event_name == 'push' && github.ref == 'refs/heads/main'",
    });
    expect(byName(STEP.deploy)?.run).toMatch(/^pulumi up .*--policy-pack \.\.\/\.\.\/policy .*--yes/);
    expect(byName(STEP.local)).toMatchObject({ if: "env.SECRET_API_KEY == ''" });
    expect(steps.find((step) => step.id === "tools")?.run).toContain("make tools build");
  });

  it("without an API key: a pull request previews against its own emulator, with only advisory warnings", async () => {
    const run = await job({ github: PULL_REQUEST, secrets: {}, vars: {} }, baseEnv);
    expect(run.ran, run.output).toEqual([STEP.local, STEP.config, STEP.preview]);
    expect(run.code, run.output).toBe(0);
    expect(run.env.DFCLOUD_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    // The stack and its two resources would be created; the pack only advises protecting the backup
    // and drilling the scheduled datastore (examples/weekly-restore-drill does that elsewhere).
    expect(run.output).toMatch(/\+ 3 to create/);
    expect(run.output).toContain("[advisory] [severity: low]  backup-protected");
    expect(run.output).toContain("[advisory] [severity: medium]  datastore-has-restore-drill");
    expect(run.output).not.toContain("[mandatory]");
    // A preview changes nothing in the API.
    const state = await fetch(`${run.env.DFCLOUD_API_URL}/_emulator/state`, {
      headers: { authorization: `Bearer ${run.env.DFCLOUD_EMULATOR_ADMIN_TOKEN}` },
    }).then((response) => response.json() as Promise<StateView>);
    // Never written: the API fills in the vendor's zero value, `{enabled: null}` (docs/api-model.md).
    expect(datastoreIn(state, run.env.DATASTORE_ID ?? "").config.backup_policy).toEqual({ enabled: null });
    expect(manualBackupsIn(state, run.env.DATASTORE_ID ?? "")).toEqual([]);
  });

  it("without an API key: a push to main deploys the schedule and the pre-deploy backup to its own emulator", async () => {
    const run = await job({ github: PUSH_TO_MAIN, secrets: {}, vars: {} }, baseEnv);
    expect(run.ran, run.output).toEqual([STEP.local, STEP.config, STEP.deploy]);
    expect(run.code, run.output).toBe(0);
    const state = await fetch(`${run.env.DFCLOUD_API_URL}/_emulator/state`, {
      headers: { authorization: `Bearer ${run.env.DFCLOUD_EMULATOR_ADMIN_TOKEN}` },
    }).then((response) => response.json() as Promise<StateView>);
    const datastoreId = run.env.DATASTORE_ID ?? "";
    expect(datastoreIn(state, datastoreId).config.backup_policy).toEqual({
      enabled: true,
      every_day: true,
      every_hour: false,
      hours: [3],
      retention: 14,
    });
    expect(manualBackupsIn(state, datastoreId).map((backup) => [backup.description, backup.status])).toEqual([
      [`before release ${PUSH_TO_MAIN.sha}`, "ready"],
    ]);
  });

  describe("with an API key and a state backend", () => {
    let emulator: RunningEmulator;
    let datastoreId = "";
    let settings: Pick<RunContext, "secrets" | "vars">;
    let env: NodeJS.ProcessEnv;

    beforeAll(async () => {
      emulator = await frozenEmulator([API_KEY]);
      datastoreId = await seedTestDatastore(emulator, API_KEY);
      const stateDir = path.join(newWorkDir("pipeline-state"), "state");
      fs.mkdirSync(stateDir);
      settings = {
        secrets: { DFCLOUD_API_KEY: API_KEY, PULUMI_CONFIG_PASSPHRASE: "pipeline-passphrase" },
        vars: { DFCLOUD_DATASTORE_ID: datastoreId, PULUMI_BACKEND_URL: `file://${stateDir}` },
      };
      // The stand-in for Dragonfly Cloud: the workflow itself never sets DFCLOUD_API_URL with a real key.
      env = { ...baseEnv, DFCLOUD_API_URL: emulator.url };
    });

    afterAll(async () => {
      await emulator?.close();
    });

    it("refuses to deploy for real without a state backend", async () => {
      const run = await job(
        { github: PUSH_TO_MAIN, secrets: settings.secrets, vars: { DFCLOUD_DATASTORE_ID: datastoreId } },
        env,
      );
      expect(run.ran).toEqual([STEP.account]);
      expect(run.code).toBe(1);
      expect(run.output).toContain("vars.PULUMI_BACKEND_URL and vars.DFCLOUD_DATASTORE_ID are needed too");
    });

    it("deploys on main, replaces the pre-deploy backup per release, and blocks a pull request that weakens the schedule", async () => {
      const first = await job({ github: PUSH_TO_MAIN, ...settings }, env);
      expect(first.ran, first.output).toEqual([STEP.account, STEP.config, STEP.deploy]);
      expect(first.code, first.output).toBe(0);

      // The next release: a new pre-deploy backup; the previous one stays (retainOnDelete).
      const next = await job({ github: { ...PUSH_TO_MAIN, sha: "3333333ccccccc" }, ...settings }, env);
      expect(next.code, next.output).toBe(0);
      let state = await emulator.admin.state();
      expect(
        manualBackupsIn(state, datastoreId)
          .map((backup) => backup.description)
          .sort(),
      ).toEqual([`before release ${PUSH_TO_MAIN.sha}`, "before release 3333333ccccccc"]);

      // A pull request that keeps nightly backups only 3 days: the pack's mandatory rule fails the check.
      const weakened = await job({ github: PULL_REQUEST, ...settings }, env, async (step, stepEnv) => {
        if (step.name === STEP.preview) {
          await pulumiOk(
            ["config", "set", "retentionDays", "3", "--stack", stepEnv.STACK ?? ""],
            PIPELINE_DIR,
            {
              ...env,
              ...stepEnv,
            },
          );
        }
      });
      expect(weakened.ran, weakened.output).toEqual([STEP.account, STEP.config, STEP.preview]);
      expect(weakened.code, weakened.output).not.toBe(0);
      expect(weakened.output).toContain(
        `BackupSchedule "nightly" must keep backups for at least 7 days (minRetentionDays), but its retentionDays is 3.`,
      );
      state = await emulator.admin.state();
      expect(datastoreIn(state, datastoreId).config.backup_policy).toMatchObject({ retention: 14 });

      // Tearing the stack down disables the schedule and, by retainOnDelete, keeps every backup.
      const stack = { ...env, ...first.env };
      const destroyed = await pulumiOk(
        ["destroy", "--yes", "--json", "--stack", first.env.STACK ?? ""],
        PIPELINE_DIR,
        stack,
      );
      expect(completedSteps(destroyed.stdout)).toEqual({ delete: 2 });
      state = await emulator.admin.state();
      expect(datastoreIn(state, datastoreId).config.backup_policy).toMatchObject({ enabled: false });
      expect(manualBackupsIn(state, datastoreId)).toHaveLength(2);
    });
  });
});

// ---------------------------------------------------------------------------------------------
// weekly-restore-drill: its workflow, run step by step like a GitHub Actions runner would.
// ---------------------------------------------------------------------------------------------

const DRILL_DIR = path.join(EXAMPLES, "weekly-restore-drill");
const DRILL_WORKFLOW = path.join(DRILL_DIR, ".github/workflows/weekly-restore-drill.yml");
const DRILL_STEP = {
  week: "ISO week",
  account: "Dragonfly Cloud account and state backend",
  config: "Stack and config",
  drill: "Restore drill",
  evidence: "Evidence",
  keep: "Keep the evidence",
};
/** A GitHub Actions expression as a workflow file spells it: `${{ env.X }}`. */
const expression = (text: string): string => `\${{ ${text} }}`;

/** A run started by hand for a given week (a scheduled run computes the week; see tests/unit/iso-week.test.ts). */
const DISPATCH = { event_name: "workflow_dispatch", ref: "refs/heads/main", sha: "4444444ddddddd" };

describe("weekly-restore-drill: its workflow on the real engine", () => {
  const workflow = () => readWorkflow(DRILL_WORKFLOW);
  const stackFile = () => path.join(DRILL_DIR, `Pulumi.${workflow().env.STACK}.yaml`);
  let emulator: RunningEmulator;
  let datastoreId = "";
  let backupId = "";
  let baseEnv: NodeJS.ProcessEnv;
  let settings: Pick<RunContext, "secrets" | "vars">;
  const data = { "order:1": "A", "customer:1": "alice" };

  beforeAll(async () => {
    emulator = await frozenEmulator([API_KEY]);
    datastoreId = await seedTestDatastore(emulator, API_KEY);
    await emulator.admin.setData(datastoreId, data);
    backupId = (await emulator.admin.seedBackup(datastoreId, { description: "nightly" })).backup_id;
    const stateDir = path.join(newWorkDir("drill-state"), "state");
    fs.mkdirSync(stateDir);
    settings = {
      secrets: { DFCLOUD_API_KEY: API_KEY, PULUMI_CONFIG_PASSPHRASE: "drill-passphrase" },
      vars: { DFCLOUD_DATASTORE_ID: datastoreId, PULUMI_BACKEND_URL: `file://${stateDir}` },
    };
    // The runner's environment, with no credentials of the developer's own; the emulator stands in
    // for Dragonfly Cloud (the workflow itself never sets DFCLOUD_API_URL).
    baseEnv = { ...engineEnv(newWorkDir("drill-pipeline")), DFCLOUD_API_URL: emulator.url };
    for (const key of ["DFCLOUD_API_KEY", "PULUMI_BACKEND_URL", "PULUMI_CONFIG_PASSPHRASE"])
      delete baseEnv[key];
  });

  afterAll(async () => {
    fs.rmSync(stackFile(), { force: true });
    await emulator?.close();
  });

  /** Runs the job for `week`, from a clean stack file as on a fresh runner. */
  function job(week: string, overrides: Partial<Pick<RunContext, "secrets" | "vars">> = {}): Promise<JobRun> {
    fs.rmSync(stackFile(), { force: true });
    const context = { github: DISPATCH, ...settings, ...overrides, inputs: { isoWeek: week } };
    return runJob(context, baseEnv, undefined, DRILL_WORKFLOW);
  }

  /** The evidence file the run wrote for `week`, as the artifact step uploads it. */
  function evidenceOf(run: JobRun, week: string): Record<string, unknown> {
    const file = path.join(run.env.RUNNER_TEMP ?? "", `restore-drill-evidence-${week}.json`);
    return JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>;
  }

  /** The account's temporary datastores that are not deleted: a drill must leave none behind. */
  async function liveTemporaries(): Promise<string[]> {
    const state = await emulator.admin.state();
    return state.datastores
      .filter((datastore) => String(datastore.config.name ?? "").startsWith(TEMPORARY_NAME_PREFIX))
      .filter((datastore) => datastore.status !== "deleted" && datastore.status !== "deleting")
      .map((datastore) => datastore.datastore_id);
  }

  it("runs weekly and by hand, drills with the week, and keeps the evidence even when the drill fails", () => {
    const drillWorkflow = workflow();
    const schedule = drillWorkflow.on.schedule as { cron: string }[];
    // One run a week: a fixed minute, hour and weekday.
    expect(schedule.map((entry) => entry.cron)).toEqual([expect.stringMatching(/^\d+ \d+ \* \* [0-6]$/)]);
    expect(drillWorkflow.on.workflow_dispatch).toMatchObject({ inputs: { isoWeek: { required: false } } });
    const [drillJob] = Object.values(drillWorkflow.jobs);
    // The runner runs every step with -eo pipefail; the workflow asks GitHub for the same.
    expect(drillJob?.defaults?.run?.shell).toBe("bash");
    const steps = drillJob?.steps ?? [];
    const byName = (name: string) => steps.find((step) => step.name === name);
    expect(byName(DRILL_STEP.drill)?.run).toMatch(/^pulumi up .*--config "isoWeek=\$ISO_WEEK" .*--yes/);
    expect(byName(DRILL_STEP.drill)?.if).toBeUndefined();
    expect(byName(DRILL_STEP.evidence)?.if).toBe("always() && env.ISO_WEEK != ''");
    expect(byName(DRILL_STEP.keep)).toMatchObject({
      if: "always() && env.ISO_WEEK != ''",
      uses: "actions/upload-artifact@v4",
      with: {
        name: `restore-drill-evidence-${expression("env.ISO_WEEK")}`,
        path: `${expression("runner.temp")}/restore-drill-evidence-${expression("env.ISO_WEEK")}.json`,
        "if-no-files-found": "error",
      },
    });
    expect(byName(DRILL_STEP.evidence)?.run).toContain(
      `"$RUNNER_TEMP/restore-drill-evidence-$ISO_WEEK.json"`,
    );
  });

  it("passes a week whose backup restores with the expected keys, and writes that week's evidence", async () => {
    const vars = { ...settings.vars, DFCLOUD_DRILL_EXPECT_KEYS: JSON.stringify(Object.keys(data)) };
    await takeApiCalls(emulator);
    const run = await job("2026-W49", { vars });
    expect(run.ran, run.output).toEqual([
      DRILL_STEP.week,
      DRILL_STEP.account,
      DRILL_STEP.config,
      DRILL_STEP.drill,
      DRILL_STEP.evidence,
    ]);
    expect(run.code, run.output).toBe(0);
    expect(run.env.ISO_WEEK).toBe("2026-W49");
    const evidence = evidenceOf(run, "2026-W49");
    expect(evidence).toMatchObject({
      week: "2026-W49",
      trigger: "2026-W49",
      datastoreId,
      backupId,
      expectKeys: Object.keys(data),
      maxRestoreMinutes: 30,
      maxBackupAgeHours: 24,
      backupAgeHours: 0,
      restoreSeconds: 0,
      keys: 2,
      missingKeys: [],
      temporaryScratch: true,
      scratchDeleted: true,
      passed: true,
      failures: [],
    });
    // Evidence is not a place for the provider's code.
    expect(evidence).not.toHaveProperty("__provider");
    // The source was only read; the temporary datastore the drill restored into is gone again.
    const writes = (await takeApiCalls(emulator)).filter((call) => !call.startsWith("GET "));
    expect(writes.filter((call) => call.includes(datastoreId))).toEqual([]);
    expect(writes).toEqual([
      "POST /v1/datastores",
      `PUT /v1/datastores/${evidence.scratchDatastoreId}`,
      `DELETE /v1/datastores/${evidence.scratchDatastoreId}`,
    ]);
    expect(await liveTemporaries()).toEqual([]);
    expect(await emulator.admin.getData(datastoreId)).toEqual(data);
  });

  it("fails the job on a week whose restore lacks an expected key, and still writes that week's evidence", async () => {
    const vars = { ...settings.vars, DFCLOUD_DRILL_EXPECT_KEYS: JSON.stringify(["order:1", "invoice:1"]) };
    const run = await job("2026-W50", { vars });
    expect(run.ran, run.output).toEqual([
      DRILL_STEP.week,
      DRILL_STEP.account,
      DRILL_STEP.config,
      DRILL_STEP.drill,
      DRILL_STEP.evidence,
    ]);
    expect(run.failed, run.output).toEqual([DRILL_STEP.drill]);
    expect(run.code).not.toBe(0);
    const failure = 'expectKeys: 1 of 2 keys missing after the restore: "invoice:1"';
    expect(run.output).toContain(`- ${failure}`);
    // Of this week, not the last one that passed (which is what `pulumi stack output` would still show).
    expect(evidenceOf(run, "2026-W50")).toMatchObject({
      week: "2026-W50",
      trigger: "2026-W50",
      datastoreId,
      backupId,
      keys: 2,
      missingKeys: ["invoice:1"],
      scratchDeleted: true,
      passed: false,
      failures: [failure],
    });
    expect(await liveTemporaries()).toEqual([]);
  });

  it("fails without an API key, drilling nothing, and its evidence says no drill of the week is recorded", async () => {
    await takeApiCalls(emulator);
    const run = await job("2026-W51", { secrets: { PULUMI_CONFIG_PASSPHRASE: "drill-passphrase" } });
    expect(run.ran, run.output).toEqual([DRILL_STEP.week, DRILL_STEP.account, DRILL_STEP.evidence]);
    expect(run.failed, run.output).toEqual([DRILL_STEP.account, DRILL_STEP.evidence]);
    expect(run.output).toContain("a drill proves real backups, so there is no emulator fallback");
    expect(evidenceOf(run, "2026-W51")).toEqual({
      week: "2026-W51",
      passed: false,
      failures: [
        'no restore drill of 2026-W51 is recorded: `pulumi up` failed before the drill ran (see the log above); the last drill recorded is of "2026-W50"',
      ],
    });
    expect(await takeApiCalls(emulator)).toEqual([]);
  });
});
