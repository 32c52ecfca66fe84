/**
 * `make bench`: what pulumi-dfcloud costs its users, measured against the emulator with the real
 * engine, the same way every time. Its sections (bench/README.md explains each method): engine
 * overhead against a no-op dynamic resource (with the provider process's memory), the native
 * plugin's start and stop, API calls per operation against the minimum, wait latency of Backup and
 * Restore, the restore time a RestoreDrill measures against the emulator's, and state size.
 * Writes bench/results.json (every sample), bench/results.md (the table the README quotes) and
 * bench/results.svg (every ratio to its no-op against its goal, chart.ts); a full run first moves the
 * results.json it replaces to bench/results-previous.json, and results.md and the chart set the two
 * runs' goal rows side by side.
 *
 * BENCH_RUNS (default 3) sets the runs per figure; BENCH_SIZES (default "20,100,300") the N of the
 * overhead section; BENCH_SECTIONS (default all) which sections run.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import {
  DfCloudClient,
  nativeToken,
  PACKAGE,
  POLL_FIRST_INTERVAL_MS,
  POLL_INTERVAL_GROWTH,
  POLL_MAX_INTERVAL_MS,
} from "@pulumi-dfcloud/provider";
import { type RequestLogEntry, type RunningEmulator, startEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeChartFile } from "./chart";
import {
  type BenchResults,
  COMPARISON_HEADING,
  comparisonTable,
  DYNAMIC_TIME_ROWS,
  figureCell,
  figureRows,
  GOALS,
  goalCell,
  growthRows,
  type OverheadAtN,
  rowName,
  SIZE_KEYS,
  STEPS,
  type Step,
  timeGoal,
  verdictCell,
} from "./figures";
import {
  API_KEY,
  BENCH_DIR,
  buildNoopPlugin,
  callKind,
  countCalls,
  DFCLOUD_PLUGIN_DIR,
  ENGINE_SIGINT_GRACE_MS,
  emulatorStack,
  exitOnSigintEnv,
  exportState,
  INSTANT,
  kindOf,
  measurementContext,
  median,
  NativeResource,
  NoopResource,
  type PluginFolder,
  type PluginLifecycle,
  ProviderSampler,
  pluginLifecycle,
  seedDatastores,
  timed,
  warmPlugin,
} from "./lib";
import { NOOP_API_KEY_ENV, NOOP_API_URL_ENV, NOOP_REFRESH_BEFORE_UPDATE_ENV } from "./noop-plugin/env";

/**
 * Runs of each variant at each N; every ratio is the median of the runs' pair ratios. On a 2-core
 * machine one pair moves by up to ±0.15 from run to run, and a median of 5 by less than one of 3.
 */
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
/**
 * The N of the overhead section. 300 shows how each command grows past 100 (the growth table) and
 * takes about 11 of a full run's 30 minutes on 2 cores; `BENCH_SIZES=20,100` leaves it out.
 */
const SIZES = (process.env.BENCH_SIZES ?? "20,100,300")
  .split(",")
  .map((n) => n.trim())
  .filter((n) => n !== "")
  .map(Number);
if (SIZES.length === 0 || SIZES.some((n) => !Number.isInteger(n) || n < 1)) {
  throw new Error(
    `BENCH_SIZES: "${process.env.BENCH_SIZES}" is not a comma-separated list of positive integers`,
  );
}

/**
 * The sections, in the order they run, as BENCH_SECTIONS names them. `size` reports the state sizes
 * that `overhead` and `calls` measure, so it needs both in the same run.
 */
const SECTIONS = ["overhead", "plugins", "calls", "latency", "drill", "size"] as const;
type Section = (typeof SECTIONS)[number];

/** The sections BENCH_SECTIONS (comma-separated) names; all of them when it is unset or empty. */
function chosenSections(value: string | undefined): ReadonlySet<Section> {
  const names = (value ?? "")
    .split(",")
    .map((name) => name.trim())
    .filter((name) => name !== "");
  if (names.length === 0) return new Set(SECTIONS);
  const unknown = names.filter((name) => !(SECTIONS as readonly string[]).includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `BENCH_SECTIONS: no section ${unknown.map((name) => `"${name}"`).join(", ")}; the sections are ${SECTIONS.join(", ")}`,
    );
  }
  return new Set(names as Section[]);
}
const CHOSEN = chosenSections(process.env.BENCH_SECTIONS);
/** Each section's `describe`: skipped unless this run measures that section. */
const suite = Object.fromEntries(
  SECTIONS.map((section) => [section, describe.runIf(CHOSEN.has(section))]),
) as Record<Section, ReturnType<typeof describe.runIf>>;

/** Everything measured; written to bench/results.json. */
const results: Record<string, unknown> = measurementContext(RUNS);
/** Table sections of bench/results.md, in order. */
const tables: string[] = [];

/** The results files: this run's (merged with later runs of some sections), and the full run before it. */
const RESULTS_JSON = path.join(BENCH_DIR, "results.json");
const PREVIOUS_JSON = path.join(BENCH_DIR, "results-previous.json");
const RESULTS_MD = path.join(BENCH_DIR, "results.md");
const RESULTS_SVG = path.join(BENCH_DIR, "results.svg");

/** A results file, or undefined when there is none. */
function readResults(file: string): BenchResults | undefined {
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as BenchResults) : undefined;
}

afterAll(() => {
  const header = `Measured ${results.date} on ${results.machine}, Node ${results.node}; medians of ${RUNS} runs.\n`;
  if (CHOSEN.size < SECTIONS.length) writePartialResults(header);
  else {
    // The full run this one replaces (with any sections measured alone since) becomes the previous run,
    // so results.md can set every goal row of the two side by side.
    if (fs.existsSync(RESULTS_JSON)) fs.renameSync(RESULTS_JSON, PREVIOUS_JSON);
    fs.writeFileSync(RESULTS_JSON, `${JSON.stringify(results, null, 2)}\n`);
    const comparison = comparisonTable(results as BenchResults, readResults(PREVIOUS_JSON));
    const table = [header, comparison, ...tables].join("\n");
    fs.writeFileSync(RESULTS_MD, table);
    console.log(table);
  }
  // Drawn from the file just written, so after a partial run it shows the merged figures too.
  writeChartFile(RESULTS_JSON, RESULTS_SVG, PREVIOUS_JSON);
});

/**
 * A run of some sections only (BENCH_SECTIONS) updates the results files in place, so the other
 * sections keep the figures of the last full run: in results.json the keys its sections measured, and
 * a `partialRuns` entry saying when, where and which; in results.md its tables, found by their heading
 * (a table not there yet is added at the end), each with a line saying when it was measured alone, and
 * the goals table, redrawn from the merged figures against the previous full run's. results-previous.json
 * stays as it is: only a full run replaces it.
 */
function writePartialResults(header: string): void {
  const jsonFile = RESULTS_JSON;
  const mdFile = RESULTS_MD;
  const previous: Record<string, unknown> = fs.existsSync(jsonFile)
    ? JSON.parse(fs.readFileSync(jsonFile, "utf8"))
    : {};
  const { date, machine, node, runs, ...measured } = results;
  const partialRuns = Array.isArray(previous.partialRuns) ? previous.partialRuns : [];
  const merged = {
    ...previous,
    ...measured,
    partialRuns: [...partialRuns, { date, machine, node, runs, sections: [...CHOSEN] }],
  };
  fs.writeFileSync(jsonFile, `${JSON.stringify(merged, null, 2)}\n`);
  const note = `_Measured alone (\`BENCH_SECTIONS=${[...CHOSEN].join(",")}\`) ${date} on ${machine}, Node ${node}._`;
  // Each table starts with its `### ` heading; the file's first part is the full run's header.
  const parts = fs.existsSync(mdFile) ? fs.readFileSync(mdFile, "utf8").split(/\n(?=### )/) : [header];
  for (const table of tables) {
    const [heading, ...rest] = table.split("\n");
    const noted = [heading, "", note, ...rest].join("\n");
    const at = parts.findIndex((part) => part.split("\n")[0] === heading);
    if (at >= 0) parts[at] = noted;
    else parts.push(noted);
  }
  // The goals table sits right after the header: replaced where it is, added there when missing.
  const comparison = comparisonTable(merged as BenchResults, readResults(PREVIOUS_JSON));
  const at = parts.findIndex((part) => part.split("\n")[0] === COMPARISON_HEADING);
  if (at >= 0) parts[at] = comparison;
  else parts.splice(1, 0, comparison);
  fs.writeFileSync(mdFile, parts.join("\n"));
  console.log([note, ...tables].join("\n"));
}

const seconds = (ms: number) => (ms / 1000).toFixed(2);
const ratio = (value: number) => value.toFixed(2);

/** The arguments of schedule `i`: the same for ours and the no-op, so the engine's work is the same. */
function scheduleArgs(datastoreId: string) {
  return { datastoreId, days: ["mon", "thu"], hours: [2, 14], retentionDays: 7 };
}

/**
 * The variants of the overhead section, on both front doors. Dynamic: ours, the no-op baseline, and the
 * no-op with a padding input that brings its state to our size (the control that shows how much of our
 * overhead is state size). Native: the dfcloud plugin's BackupSchedule by its schema token, and a
 * no-op native plugin's resource with the same inputs (bench/noop-plugin). Diagnostic: ours and native
 * again, their provider processes made to exit as soon as the engine's end-of-command SIGINT arrives
 * (lib.ts `exitOnSigintEnv`), which isolates what staying up after SIGINT costs each command; and the
 * no-op native plugin asking the engine to refresh its resources before updating them, as the native
 * BackupSchedule does (`refresh_before_update`), which isolates what that protocol feature costs:
 * the engine then refreshes every such resource before any update or destroy of the stack.
 */
const VARIANTS = [
  "noop",
  "padded",
  "ours",
  "noopNative",
  "native",
  "oursExit",
  "nativeExit",
  "noopNativeRefreshing",
  "noopNativeCalling",
] as const;
type Variant = (typeof VARIANTS)[number];
/**
 * Characters of padding: a no-op resource's inputs are also its outputs, so this adds twice as many
 * bytes to its state, about what our larger `__provider` (also stored twice) adds to ours.
 */
const PADDING = 2_100;

/**
 * How the variants are named in tables, and their state sizes in results.json `sizes` (figures.ts
 * `SIZE_KEYS`, which the goal rows read them by).
 */
const VARIANT_NAMES: Record<Variant, string> = {
  noop: SIZE_KEYS.noop,
  padded: "no-op, padded",
  ours: SIZE_KEYS.dynamic,
  noopNative: SIZE_KEYS.noopNative,
  native: SIZE_KEYS.native,
  oursExit: "BackupSchedule, provider exits on SIGINT",
  nativeExit: "native BackupSchedule, plugin exits on SIGINT",
  noopNativeRefreshing: "no-op native, refresh_before_update",
  noopNativeCalling: "no-op native, refresh_before_update and BackupSchedule's API calls",
};

/** The native plugin's executable: `pulumi-resource-dfcloud-backups`. */
const PLUGIN_EXECUTABLE = `pulumi-resource-${PACKAGE}`;

/** The provider process of each variant, by a word of its command line (what ProviderSampler samples). */
const PROVIDER_COMMAND: Record<Variant, string> = {
  noop: "dynamic-provider",
  padded: "dynamic-provider",
  ours: "dynamic-provider",
  noopNative: "pulumi-resource-noop",
  native: PLUGIN_EXECUTABLE,
  oursExit: "dynamic-provider",
  nativeExit: PLUGIN_EXECUTABLE,
  noopNativeRefreshing: "pulumi-resource-noop",
  noopNativeCalling: "pulumi-resource-noop",
};

/** The type of each variant's resources in state. */
const STATE_TYPE: Record<Variant, (type: string) => boolean> = {
  noop: (type) => type.startsWith("pulumi-nodejs:dynamic/"),
  padded: (type) => type.startsWith("pulumi-nodejs:dynamic/"),
  ours: (type) => type.startsWith("pulumi-nodejs:dynamic/"),
  noopNative: (type) => type === "noop:index:Thing",
  native: (type) => type === nativeToken("BackupSchedule"),
  oursExit: (type) => type.startsWith("pulumi-nodejs:dynamic/"),
  nativeExit: (type) => type === nativeToken("BackupSchedule"),
  noopNativeRefreshing: (type) => type === "noop:index:Thing",
  noopNativeCalling: (type) => type === "noop:index:Thing",
};

/** The diagnostic variants, and the variant each repeats. */
const DIAGNOSTIC: Partial<Record<Variant, Variant>> = {
  oursExit: "ours",
  nativeExit: "native",
  noopNativeRefreshing: "noopNative",
  noopNativeCalling: "noopNative",
};

/** The environment of each diagnostic variant's engine runs (and so of its provider processes). */
function diagnosticEnv(variant: Variant, emulator: RunningEmulator): Record<string, string> {
  if (variant === "noopNativeRefreshing") return { [NOOP_REFRESH_BEFORE_UPDATE_ENV]: "true" };
  if (variant === "noopNativeCalling") {
    return {
      [NOOP_REFRESH_BEFORE_UPDATE_ENV]: "true",
      [NOOP_API_URL_ENV]: emulator.url,
      [NOOP_API_KEY_ENV]: API_KEY,
    };
  }
  return exitOnSigintEnv();
}

/** One pass of one variant: ms per step, and the provider process's peak RSS and CPU during `up`. */
interface PassSample {
  ms: Record<Step, number>;
  peakRssMiB: number;
  cpuMs: number;
}

/** Per run, every variant's pass. */
type RunSample = Record<Variant, PassSample>;

/**
 * The variants whose API calls the overhead section counts (its first run), by front door; the
 * calling no-op's are counted to check that they are the native variant's, call for call.
 */
const COUNTED: Partial<Record<Variant, string>> = {
  ours: "dynamic",
  native: "native",
  noopNativeCalling: "no-op native making BackupSchedule's calls",
};

/**
 * The fewest API calls a command of N BackupSchedules needs: {@link MINIMUM}'s per-resource minimum of
 * the operation times N, where a call the operation shares with every resource of the command (the
 * preview's and `up`'s one listing of the account's datastores) counts once.
 */
function commandMinimum(step: Step, n: number): number {
  const operation = { preview: "preview (create)", up: "create", refresh: "refresh", destroy: "destroy" }[
    step
  ];
  const minimum = MINIMUM.BackupSchedule?.[operation];
  if (!minimum) throw new Error(`no minimum for BackupSchedule ${operation}`);
  const shared = minimum.shared ?? 0;
  return shared + (minimum.calls - shared) * n;
}

/**
 * What the counted calls of one command of N BackupSchedules must show, whichever the front door: its
 * preview checks every datastore id in ONE listing of the account's datastores and reads none on its
 * own; `up`'s checks share one listing too, so besides it there are at most two reads of each datastore
 * (its config before the PUT, the poll that sees it active) — a check reading a datastore of its own
 * would add a third. (`up` may list again if it outlasts a listing's freshness.)
 */
function expectSharedLookups(door: string, n: number, calls: Record<Step, RequestLogEntry[]>): void {
  expect(countCalls(calls.preview), `${door} preview of ${n} BackupSchedules`).toEqual({
    "GET /v1/datastores": 1,
  });
  const up = countCalls(calls.up);
  expect(up["GET /v1/datastores"], `${door} up of ${n}: the checks' listing`).toBeGreaterThanOrEqual(1);
  expect(
    up["GET /v1/datastores/{id}"] ?? 0,
    `${door} up of ${n}: reads of one datastore`,
  ).toBeLessThanOrEqual(2 * n);
}

suite.overhead("engine overhead: N BackupSchedules against N no-op resources, dynamic and native", () => {
  let emulator: RunningEmulator;
  let datastores: string[] = [];
  let noopPluginDir = "";
  const sizeSamples: Record<string, StateSize> = {};
  /** The API calls of each counted variant's commands in its first run, per N. */
  const commandCalls: Record<number, Partial<Record<Variant, Record<Step, RequestLogEntry[]>>>> = {};

  beforeAll(async () => {
    // Frozen time and instant transitions: every wait ends on its first poll, so what is timed is
    // the engine, the provider process and the API round trips, not the emulator's durations.
    emulator = await startEmulator({ apiKeys: [API_KEY], timeScale: 0, durations: INSTANT });
    datastores = await seedDatastores(emulator, Math.max(...SIZES), "overhead");
    expect(fs.existsSync(path.join(DFCLOUD_PLUGIN_DIR, PLUGIN_EXECUTABLE))).toBe(true);
    // The goal rows find the native variant's state size by this name (figures.ts SIZE_KEYS).
    expect(SIZE_KEYS.native).toContain(`\`${nativeToken("BackupSchedule")}\``);
    noopPluginDir = buildNoopPlugin();
    // Both plugins' first start writes their compile cache; it is not one of the starts timed.
    await warmPlugin(path.join(noopPluginDir, "pulumi-resource-noop"));
    await warmPlugin(path.join(DFCLOUD_PLUGIN_DIR, PLUGIN_EXECUTABLE));
  });
  afterAll(() => emulator?.close());

  /** The native plugin folders a variant's project loads. */
  function pluginsOf(variant: Variant): PluginFolder[] {
    if (variant === "native" || variant === "nativeExit")
      return [{ name: PACKAGE, path: DFCLOUD_PLUGIN_DIR }];
    if (variant === "noopNative" || variant === "noopNativeRefreshing" || variant === "noopNativeCalling")
      return [{ name: "noop", path: noopPluginDir }];
    return [];
  }

  /** Declares resource `i` of a variant: the same inputs everywhere, so the engine's work is the same. */
  function declare(variant: Variant, i: number): void {
    const name = `schedule-${i}`;
    const args = scheduleArgs(datastores[i] as string);
    switch (variant) {
      case "ours":
      case "oursExit":
        new dfcloud.BackupSchedule(name, args);
        return;
      case "native":
      case "nativeExit":
        new NativeResource(nativeToken("BackupSchedule"), name, args);
        return;
      case "noopNative":
      case "noopNativeRefreshing":
      case "noopNativeCalling":
        new NativeResource("noop:index:Thing", name, args);
        return;
      case "padded":
        new NoopResource(name, { ...args, padding: "x".repeat(PADDING) });
        return;
      case "noop":
        new NoopResource(name, args);
        return;
    }
  }

  /** One pass of preview, up, refresh and destroy on a fresh stack: ms per step, provider RSS and CPU of `up`. */
  async function pass(variant: Variant, n: number, run: number): Promise<PassSample> {
    const program = async () => {
      for (let i = 0; i < n; i++) declare(variant, i);
    };
    const { stack } = await emulatorStack(`overhead-${variant}-${n}-${run}`, program, emulator, {
      plugins: pluginsOf(variant),
      ...(DIAGNOSTIC[variant] ? { env: diagnosticEnv(variant, emulator) } : {}),
    });
    const ms: Partial<Record<Step, number>> = {};
    // In the first run, each counted variant's API calls per command: the request log cleared before
    // each command and read after it, outside the timing.
    const counting = run === 0 && COUNTED[variant] !== undefined;
    const calls: Partial<Record<Step, RequestLogEntry[]>> = {};
    const step = async <T>(name: Step, command: () => Promise<T>) => {
      if (counting) await emulator.admin.clearRequests();
      const result = await timed(command);
      if (counting) calls[name] = await emulator.admin.requests();
      return result;
    };
    ms.preview = (await step("preview", () => stack.preview())).ms;
    const sampler = new ProviderSampler(PROVIDER_COMMAND[variant]);
    const up = await step("up", () => stack.up());
    const provider = sampler.stop();
    expect(up.result.summary.resourceChanges).toMatchObject({ create: n + 1 });
    expect(provider.peakRssMiB, `${variant}: no ${PROVIDER_COMMAND[variant]} process seen`).toBeGreaterThan(
      0,
    );
    ms.up = up.ms;
    if (run === 0 && !DIAGNOSTIC[variant]) {
      sizeSamples[VARIANT_NAMES[variant]] = await stateSizes(stack, n, STATE_TYPE[variant]);
    }
    ms.refresh = (await step("refresh", () => stack.refresh())).ms;
    const destroy = await step("destroy", () => stack.destroy());
    expect(destroy.result.summary.resourceChanges).toMatchObject({ delete: n + 1 });
    ms.destroy = destroy.ms;
    if (counting) {
      const counted = calls as Record<Step, RequestLogEntry[]>;
      expectSharedLookups(COUNTED[variant] ?? variant, n, counted);
      commandCalls[n] = { ...commandCalls[n], [variant]: counted };
    }
    return { ms: ms as Record<Step, number>, ...provider };
  }

  it("times preview, up, refresh and destroy side by side", async () => {
    const overhead: Record<string, unknown> = {};
    const rows: string[] = [];
    const nativeRows: string[] = [];
    const processRows: string[] = [];
    const nativeProcessRows: string[] = [];
    const diagnosticRows: string[] = [];
    const refreshingRows: string[] = [];
    const callingRows: string[] = [];
    const callRows: string[] = [];
    for (const n of SIZES) {
      const samples: RunSample[] = [];
      for (let run = 0; run < RUNS; run++) {
        // Rotate which goes first, so drift of a noisy machine favours none of them.
        const order = VARIANTS.map((_, i) => VARIANTS[(i + run) % VARIANTS.length] as Variant);
        const sample: Partial<RunSample> = {};
        for (const variant of order) sample[variant] = await pass(variant, n, run);
        samples.push(sample as RunSample);
      }
      // The ratio of each run's pair, then the median: both ran in the same run on the same machine.
      const pairRatio = (of: (s: PassSample) => number, top: Variant, bottom: Variant) =>
        median(samples.map((s) => of(s[top]) / of(s[bottom])));
      const perStep = Object.fromEntries(
        STEPS.map((step) => {
          const ms = (s: PassSample) => s.ms[step];
          const of = (variant: Variant) => median(samples.map((s) => s[variant].ms[step]));
          const figures = {
            noopMs: of("noop"),
            paddedMs: of("padded"),
            oursMs: of("ours"),
            noopNativeMs: of("noopNative"),
            nativeMs: of("native"),
            oursExitMs: of("oursExit"),
            nativeExitMs: of("nativeExit"),
            paddedRatio: pairRatio(ms, "padded", "noop"),
            ratio: pairRatio(ms, "ours", "noop"),
            nativeRatio: pairRatio(ms, "native", "noopNative"),
            nativeVsDynamic: pairRatio(ms, "native", "ours"),
            noopNativeVsNoop: pairRatio(ms, "noopNative", "noop"),
            nativeExitRatio: pairRatio(ms, "nativeExit", "noopNative"),
            noopNativeRefreshingMs: of("noopNativeRefreshing"),
            refreshingRatio: pairRatio(ms, "noopNativeRefreshing", "noopNative"),
            nativeVsRefreshing: pairRatio(ms, "native", "noopNativeRefreshing"),
            noopNativeCallingMs: of("noopNativeCalling"),
            callingRatio: pairRatio(ms, "noopNativeCalling", "noopNative"),
            nativeVsCalling: pairRatio(ms, "native", "noopNativeCalling"),
            nativeExitVsDynamicExit: pairRatio(ms, "nativeExit", "oursExit"),
            oursExitRatio: pairRatio(ms, "oursExit", "noop"),
            // What staying up after SIGINT costs a command: the same provider with and without it.
            nativeShutdownMs: median(samples.map((s) => s.native.ms[step] - s.nativeExit.ms[step])),
            oursShutdownMs: median(samples.map((s) => s.ours.ms[step] - s.oursExit.ms[step])),
          };
          const dynamicGoal = timeGoal("dynamic", step, n);
          const nativeTimeGoal = timeGoal("native", step, n);
          rows.push(
            `| ${n} | \`${step}\` | ${seconds(figures.noopMs)} | ${seconds(figures.oursMs)} | **${ratio(figures.ratio)}** | ` +
              `${goalCell(dynamicGoal)} | ${verdictCell(figures.ratio, dynamicGoal)} | ` +
              `${seconds(figures.paddedMs)} | ${ratio(figures.paddedRatio)} |`,
          );
          nativeRows.push(
            `| ${n} | \`${step}\` | ${seconds(figures.noopNativeMs)} | ${seconds(figures.nativeMs)} | ` +
              `**${ratio(figures.nativeRatio)}** | ${goalCell(nativeTimeGoal)} | ${verdictCell(figures.nativeRatio, nativeTimeGoal)} | ` +
              `${seconds(figures.oursMs)} | **${ratio(figures.nativeVsDynamic)}** | ` +
              `${seconds(figures.noopMs)} | ${ratio(figures.noopNativeVsNoop)} |`,
          );
          diagnosticRows.push(
            `| ${n} | \`${step}\` | ${seconds(figures.nativeShutdownMs)} | ${seconds(figures.oursShutdownMs)} | ` +
              `${seconds(figures.noopNativeMs)} | ${seconds(figures.nativeExitMs)} | **${ratio(figures.nativeExitRatio)}** | ` +
              `${seconds(figures.oursExitMs)} | **${ratio(figures.nativeExitVsDynamicExit)}** | ${ratio(figures.oursExitRatio)} |`,
          );
          refreshingRows.push(
            `| ${n} | \`${step}\` | ${seconds(figures.noopNativeMs)} | ${seconds(figures.noopNativeRefreshingMs)} | ` +
              `**${ratio(figures.refreshingRatio)}** | ${seconds(figures.nativeMs)} | **${ratio(figures.nativeVsRefreshing)}** | ` +
              `${ratio(figures.nativeRatio)} |`,
          );
          callingRows.push(
            `| ${n} | \`${step}\` | ${seconds(figures.noopNativeMs)} | ${seconds(figures.noopNativeCallingMs)} | ` +
              `**${ratio(figures.callingRatio)}** | ${seconds(figures.nativeMs)} | **${ratio(figures.nativeVsCalling)}** | ` +
              `${goalCell(nativeTimeGoal)} | ${verdictCell(figures.nativeVsCalling, nativeTimeGoal)} | ${ratio(figures.nativeRatio)} |`,
          );
          return [step, figures];
        }),
      );
      const usage = Object.fromEntries(
        VARIANTS.map((variant) => [
          variant,
          {
            peakRssMiB: median(samples.map((s) => s[variant].peakRssMiB)),
            cpuMs: median(samples.map((s) => s[variant].cpuMs)),
          },
        ]),
      ) as Record<Variant, { peakRssMiB: number; cpuMs: number }>;
      const rss = (s: PassSample) => s.peakRssMiB;
      const cpu = (s: PassSample) => s.cpuMs;
      const usageRatios = {
        rss: pairRatio(rss, "ours", "noop"),
        nativeRss: pairRatio(rss, "native", "noopNative"),
        nativeRssVsDynamic: pairRatio(rss, "native", "ours"),
        nativeCpu: pairRatio(cpu, "native", "noopNative"),
        nativeCpuVsDynamic: pairRatio(cpu, "native", "ours"),
        nativeExitRss: pairRatio(rss, "nativeExit", "noopNative"),
        nativeExitCpu: pairRatio(cpu, "nativeExit", "noopNative"),
      };
      processRows.push(
        `| ${n} | ${usage.noop.peakRssMiB.toFixed(0)} | ${usage.ours.peakRssMiB.toFixed(0)} | **${ratio(usageRatios.rss)}** | ` +
          `${seconds(usage.noop.cpuMs)} | ${seconds(usage.ours.cpuMs)} |`,
      );
      nativeProcessRows.push(
        `| ${n} | ${usage.noopNative.peakRssMiB.toFixed(0)} | ${usage.native.peakRssMiB.toFixed(0)} | ` +
          `**${ratio(usageRatios.nativeRss)}** | ${goalCell(GOALS.peakRss)} | ${verdictCell(usageRatios.nativeRss, GOALS.peakRss)} | ` +
          `${usage.ours.peakRssMiB.toFixed(0)} | **${ratio(usageRatios.nativeRssVsDynamic)}** | ` +
          `${seconds(usage.noopNative.cpuMs)} | ${seconds(usage.native.cpuMs)} | ${ratio(usageRatios.nativeCpu)} | ` +
          `${seconds(usage.ours.cpuMs)} | ${ratio(usageRatios.nativeCpuVsDynamic)} |`,
      );
      // The API calls of each command in the first run, against the fewest it needs.
      const counted = commandCalls[n] ?? {};
      // The calling no-op is a floor only if it sends what the native plugin sends, call for call.
      for (const step of STEPS) {
        const calling = counted.noopNativeCalling?.[step];
        const native = counted.native?.[step];
        if (calling && native) {
          expect(countCalls(calling), `N = ${n}, ${step}: the calling no-op's API calls`).toEqual(
            countCalls(native),
          );
        }
      }
      const apiCalls: Record<string, unknown> = {};
      for (const [variant, door] of Object.entries(COUNTED) as [Variant, string][]) {
        const calls = counted[variant];
        if (calls) {
          apiCalls[door] = Object.fromEntries(
            STEPS.map((step) => [step, { calls: calls[step].length, byKind: countCalls(calls[step]) }]),
          );
        }
      }
      for (const step of STEPS) {
        const of = (variant: Variant) => counted[variant]?.[step];
        const detail = (entries: RequestLogEntry[] | undefined) =>
          entries
            ? Object.entries(countCalls(entries))
                .map(([call, count]) => `${count}× ${call}`)
                .join(", ") || "—"
            : "—";
        callRows.push(
          `| ${n} | \`${step}\` | **${of("ours")?.length ?? "—"}** | **${of("native")?.length ?? "—"}** | ` +
            `${commandMinimum(step, n)} | ${detail(of("ours"))} | ${detail(of("native"))} |`,
        );
      }
      overhead[`n${n}`] = {
        ...perStep,
        provider: { ...usage, ratios: usageRatios },
        apiCalls,
        samples,
      };
    }
    // State bytes per resource, from the stack export of the last N's first run.
    const size = (variant: Variant) => sizeSamples[VARIANT_NAMES[variant]] as StateSize;
    const stateRatios = {
      nativeRatio: size("native").state / size("noopNative").state,
      nativeVsDynamic: size("native").state / size("ours").state,
    };
    // The native rows that have a dynamic twin: every command and memory row, and state per resource
    // (which has no goal; the row still shows native below dynamic). figures.ts gives each its goal.
    const goals = figureRows({
      overhead: overhead as Record<string, OverheadAtN>,
      sizes: sizeSamples,
    }).filter((row) => row.door === "native" && row.vsDynamic !== undefined);
    results.overhead = overhead;
    results.nativeGoals = {
      goal: `native ≤ ${GOALS.nativeTime}× its no-op in time, ≤ ${GOALS.peakRss}× in peak RSS, and below dynamic`,
      stateRatios,
      goals,
    };
    const growth = growthRows({ overhead: overhead as Record<string, OverheadAtN> });
    const growthCell = (value: number | undefined) => (value === undefined ? "—" : ratio(value));
    tables.push(
      [
        "### Engine overhead (seconds, wall clock of the Automation API call)",
        "",
        `Goal: ${DYNAMIC_TIME_ROWS.steps.map((step) => `\`${step}\``).join(" and ")} at N = ${DYNAMIC_TIME_ROWS.sizes.join(", ")} ` +
          `at most ${GOALS.dynamicTime}× the no-op; the other rows have none.`,
        "",
        "| N | step | N no-op resources | N BackupSchedules | ours / no-op | goal | verdict | N no-op, padded to our state size | padded / no-op |",
        "|---|---|---|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### Native plugin against its no-op and against the dynamic provider (seconds; same runs as above)",
        "",
        "| N | step | N no-op native | N native BackupSchedules | native / no-op native | goal | verdict | N dynamic BackupSchedules | native / dynamic | N no-op dynamic | no-op native / no-op dynamic |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
        ...nativeRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### Diagnostic: what the engine's refresh before update costs a no-op native plugin (seconds; same runs)",
        "",
        "The native BackupSchedule asks the engine to refresh it before updating it (`refresh_before_update`), so a",
        "console edit shows in a plain preview. The engine then refreshes every such resource of the stack before any",
        "update or destroy: a Read and a Diff each. Here the no-op native plugin asks the same of its resources, so the",
        "engine does the same work for both; `native / that` is what the dfcloud plugin costs beyond that protocol.",
        "",
        "| N | step | N no-op native | N no-op native, refresh_before_update | that / no-op native | N native BackupSchedules | native / that | native / no-op native |",
        "|---|---|---|---|---|---|---|---|",
        ...refreshingRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### Diagnostic: what BackupSchedule's API calls cost by themselves (seconds; same runs)",
        "",
        "Here the no-op native plugin asks for `refresh_before_update` as above and also sends, per operation, the API",
        "calls the native BackupSchedule sends at the least — one listing of the account's datastores per command for",
        "the checks and reads, and GET, PUT, GET of the datastore per write — on plain `node:http`, with nothing else",
        "(no validation, retries, deadlines or logs). Its calls are checked equal to the native variant's in the first",
        "run, command by command. The emulator answering them shares the machine's cores with the engine and the",
        "plugin, as a remote API would not. `native / that` is what the dfcloud plugin's own code costs beyond the",
        "protocol and the API's calls, against the same goal as the rows above.",
        "",
        "| N | step | N no-op native | N no-op native, refresh_before_update and the API calls | that / no-op native | N native BackupSchedules | native / that | goal | verdict | native / no-op native |",
        "|---|---|---|---|---|---|---|---|---|---|",
        ...callingRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### Diagnostic: the same providers exiting as soon as the engine's end-of-command SIGINT arrives (seconds; same runs)",
        "",
        "The engine sends its plugins SIGINT at the end of every command and waits up to 5 s for them to exit before",
        "killing them. Both dfcloud front doors exit at once on it when nothing is running (with operations running",
        'they cancel them and exit once those have answered, within 4 s), so the "exits on SIGINT" variants (the same',
        "provider with a `--require`d SIGINT handler that exits at once) differ from them only by noise.",
        "",
        "| N | step | native: cost of staying up after SIGINT | dynamic: the same | N no-op native | N native, exits on SIGINT | that / no-op native | N dynamic, exits on SIGINT | native / dynamic, both exit on SIGINT | dynamic exiting on SIGINT / no-op dynamic |",
        "|---|---|---|---|---|---|---|---|---|---|",
        ...diagnosticRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### The dynamic-provider process during `up`: peak RSS (VmHWM, MiB) and CPU time (s)",
        "",
        `No goal: the cost floor's memory goal (≤ ${GOALS.peakRss}× the no-op's) is the native plugin's.`,
        "",
        "| N | RSS no-op | RSS BackupSchedule | ours / no-op | CPU no-op | CPU BackupSchedule |",
        "|---|---|---|---|---|---|",
        ...processRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### The native plugin process during `up`: peak RSS (VmHWM, MiB) and CPU time (s)",
        "",
        "| N | RSS no-op native | RSS native | native / no-op native | goal | verdict | RSS dynamic BackupSchedule | native / dynamic | CPU no-op native | CPU native | native / no-op native | CPU dynamic | native / dynamic |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|",
        ...nativeProcessRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        `### Goal: native at most ${GOALS.nativeTime}× its no-op in time and ${GOALS.peakRss}× in peak RSS, and below the dynamic provider, on every row`,
        "",
        "| row | native / no-op native | goal | verdict | native / dynamic | below dynamic |",
        "|---|---|---|---|---|---|",
        ...goals.map((g) => {
          // A state row is in bytes: its ratio to the no-op native resource's.
          const nativeRatio = g.unit === "ratio" ? g.value : g.noop ? g.value / g.noop : Number.NaN;
          const vsDynamic = g.vsDynamic ?? Number.NaN;
          return (
            `| ${rowName(g)} | ${ratio(nativeRatio)} | ${goalCell(g.goal, g.unit)} | ${verdictCell(g.value, g.goal)} | ` +
            `${ratio(vsDynamic)} | ${vsDynamic < 1 ? "yes" : "**no**"} |`
          );
        }),
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### API calls per command: N BackupSchedules (the engine-overhead stacks, first run)",
        "",
        "Counted by the emulator, its request log cleared before each command. Minimum: the per-resource minimum of",
        '"API calls per operation" times N, a call shared by every resource of the command counted once (the',
        "one listing of the account's datastores that answers every check at preview and at `up`).",
        "",
        "| N | command | dynamic | native | minimum | calls made, dynamic | calls made, native |",
        "|---|---|---|---|---|---|---|",
        ...callRows,
        "",
      ].join("\n"),
    );
    tables.push(
      [
        "### Growth with N: each command's time at one N ÷ its time at the N before (medians; linear = the ratio of the Ns)",
        "",
        "Below linear, a fixed part (the CLI's and the provider's start) still weighs; at linear, the time is all per resource.",
        "",
        "| N | step | no-op native | native | no-op dynamic | dynamic | linear |",
        "|---|---|---|---|---|---|---|",
        ...growth.map(
          (g) =>
            `| ${g.from} → ${g.to} | \`${g.step}\` | ${growthCell(g.noopNative)} | **${growthCell(g.native)}** | ` +
            `${growthCell(g.noop)} | **${growthCell(g.ours)}** | ${ratio(g.linear)} |`,
        ),
        ...(growth.length === 0 ? ["| — | one N measured: no growth | | | | | |"] : []),
        "",
      ].join("\n"),
    );
    results.sizes = { ...((results.sizes as object) ?? {}), ...sizeSamples };
  });
});

suite.plugins("native plugin processes: start and stop, as the engine does them", () => {
  it("times each plugin from spawn to its port, its first GetSchema and from SIGINT to its exit", async () => {
    const plugins = {
      dfcloud: path.join(DFCLOUD_PLUGIN_DIR, PLUGIN_EXECUTABLE),
      noop: path.join(buildNoopPlugin(), "pulumi-resource-noop"),
    };
    // Each plugin's first start writes its compile cache; the starts timed are the ones after it.
    for (const launcher of Object.values(plugins)) await warmPlugin(launcher);
    const samples: Record<keyof typeof plugins, PluginLifecycle[]> = { dfcloud: [], noop: [] };
    // Alternating, so drift of a noisy machine favours neither.
    for (let run = 0; run < 2 * RUNS; run++) {
      for (const name of run % 2 === 0 ? (["dfcloud", "noop"] as const) : (["noop", "dfcloud"] as const)) {
        samples[name].push(await pluginLifecycle(plugins[name]));
      }
    }
    const figures = Object.fromEntries(
      (["dfcloud", "noop"] as const).map((name) => [
        name,
        {
          startMs: median(samples[name].map((s) => s.startMs)),
          startRssMiB: median(samples[name].map((s) => s.startRssMiB)),
          getSchemaMs: median(samples[name].map((s) => s.getSchemaMs)),
          exitMs: median(samples[name].map((s) => s.exitMs)),
          killed: samples[name].filter((s) => s.killed).length,
          runs: samples[name].length,
        },
      ]),
    ) as Record<
      "dfcloud" | "noop",
      {
        startMs: number;
        startRssMiB: number;
        getSchemaMs: number;
        exitMs: number;
        killed: number;
        runs: number;
      }
    >;
    const pair = (of: (s: PluginLifecycle) => number) =>
      median(samples.dfcloud.map((s, i) => of(s) / of(samples.noop[i] as PluginLifecycle)));
    const ratios = { startMs: pair((s) => s.startMs), startRssMiB: pair((s) => s.startRssMiB) };
    results.pluginProcesses = { ...figures, ratios, samples };
    const row = (name: string, f: (typeof figures)["noop"]) =>
      `| ${name} | ${Math.round(f.startMs)} | ${f.startRssMiB.toFixed(0)} | ${figureCell(f.getSchemaMs, "ms")} | ` +
      `${Math.round(f.exitMs)} | ${f.killed} of ${f.runs} |`;
    tables.push(
      [
        "### Native plugin processes: from spawn to the port, the first GetSchema, and from the end-of-command SIGINT to the exit",
        "",
        `Started and stopped as the engine does (own process group, GetSchema once the port is printed, SIGINT to the group, SIGKILL after ${ENGINE_SIGINT_GRACE_MS / 1000} s); medians of ${2 * RUNS},`,
        "after one start of each that wrote its compile cache. Both are launched alike: the no-op's launcher runs its bundle with the",
        "dfcloud launcher's node and V8 flags, and its entry turns on the compile cache (bench/lib.ts `buildNoopPlugin`).",
        "",
        "| plugin | spawn to port (ms) | peak RSS at the port (MiB) | first GetSchema | SIGINT to exit (ms) | killed after the engine's grace |",
        "|---|---|---|---|---|---|",
        row(`\`${PLUGIN_EXECUTABLE}\` (bundle)`, figures.dfcloud),
        row("`pulumi-resource-noop` (bundle)", figures.noop),
        `| dfcloud / no-op | **${ratio(ratios.startMs)}** | **${ratio(ratios.startRssMiB)}** | | | |`,
        `| goal | ${goalCell(GOALS.spawnToPort)} | ${goalCell(GOALS.peakRss)} | ${goalCell(GOALS.getSchemaMs, "ms")} (dfcloud) | | |`,
        `| verdict | ${verdictCell(ratios.startMs, GOALS.spawnToPort)} | ${verdictCell(ratios.startRssMiB, GOALS.peakRss)} | ` +
          `${verdictCell(figures.dfcloud.getSchemaMs, GOALS.getSchemaMs)} | | |`,
        "",
        "Launch modes side by side: [startup-results.md](startup-results.md) (bench/startup.ts, which `make bench` runs after this file).",
        "",
      ].join("\n"),
    );
  });
});

/** Per resource in state: the mean `__provider` bytes (dynamic resources only) and whole-resource bytes. */
interface StateSize {
  provider: number;
  state: number;
  /** Bytes of the JSON of its inputs and of its outputs (each holds `__provider` on a dynamic resource). */
  inputs: number;
  outputs: number;
  /** Output properties that are not inputs: what the provider adds to state. */
  outputsBeyondInputs: string[];
}

/**
 * Mean `__provider` bytes, state bytes (the resource's JSON in the checkpoint), inputs and outputs bytes of
 * the program's resources.
 */
async function stateSizes(
  stack: Stack,
  expected: number,
  ofProgram: (type: string) => boolean = STATE_TYPE.ours,
): Promise<StateSize> {
  const { resources } = await exportState(stack);
  const ours = resources.filter((r) => ofProgram(r.type));
  expect(ours).toHaveLength(expected);
  const mean = (values: number[]) => Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  const first = ours[0];
  return {
    provider: mean(ours.map((r) => Buffer.byteLength(String(r.inputs?.__provider ?? "")))),
    state: mean(ours.map((r) => Buffer.byteLength(JSON.stringify(r)))),
    inputs: mean(ours.map((r) => Buffer.byteLength(JSON.stringify(r.inputs ?? {})))),
    outputs: mean(ours.map((r) => Buffer.byteLength(JSON.stringify(r.outputs ?? {})))),
    outputsBeyondInputs: Object.keys(first?.outputs ?? {}).filter((key) => !(key in (first?.inputs ?? {}))),
  };
}

/**
 * Why each operation of one resource needs at least this many calls (bench/README.md repeats the
 * table). `shared`: how many of them the resource shares with every resource of the same kind in the
 * command (a command of N such resources makes them once, not N times).
 */
const MINIMUM: Record<string, Record<string, { calls: number; shared?: number; why: string }>> = {
  BackupSchedule: {
    "preview (create)": {
      calls: 1,
      shared: 1,
      why:
        "GET /v1/datastores: one listing of the account's datastores, shared by every check of the command, " +
        "so a wrong datastore id fails the preview (a design choice); an id missing from it is read on its own",
    },
    create: {
      calls: 4,
      shared: 1,
      why: "the check at up (the listing, shared by every resource of the command), GET the config, PUT it back with the schedule, GET until active",
    },
    "unchanged preview": { calls: 0, why: "diff compares inputs with state" },
    update: {
      calls: 3,
      why: "GET the config, PUT it back, GET until active (same datastore: no check call)",
    },
    refresh: {
      calls: 1,
      shared: 1,
      why:
        "GET /v1/datastores: a listing sent at most 2 s before the read, shared by every schedule read " +
        "with it (the engine sends a stack's reads over a few hundred milliseconds: one listing)",
    },
    destroy: {
      calls: 3,
      why:
        "GET, PUT with the schedule disabled, GET until active (the native plugin's stack is refreshed first, " +
        "for refresh_before_update: one shared listing more)",
    },
  },
  Backup: {
    "preview (create)": {
      calls: 0,
      why: "inputs are checked locally; its datastore check (1 call: the listing the command's checks share) is a design choice",
    },
    create: { calls: 2, why: "POST, GET until ready" },
    "unchanged preview": { calls: 0, why: "diff compares inputs with state" },
    update: { calls: 3, why: "a new description replaces: create (2) and DELETE the old one (1)" },
    refresh: { calls: 1, why: "GET the backup" },
    destroy: { calls: 1, why: "DELETE" },
  },
  Restore: {
    "preview (create)": {
      calls: 2,
      why: "GET the backup and the datastore itself (not the listing: its state is judged): the preview refuses a restore that cannot work (a design choice)",
    },
    create: {
      calls: 5,
      why: "the check at up (2), GET the config, PUT it with the restore, GET until loaded",
    },
    "unchanged preview": { calls: 0, why: "a restore that ran is not checked again" },
    update: {
      calls: 7,
      why: "a new trigger runs it again: as create, plus the engine checks a replacement a second time (2)",
    },
    refresh: { calls: 1, why: "GET the datastore (gone datastore drops the restore)" },
    destroy: { calls: 0, why: "a restore cannot be undone; nothing to call" },
  },
};

suite.calls("API calls per operation, counted by the emulator", () => {
  let emulator: RunningEmulator;
  let datastores: string[] = [];
  let client: DfCloudClient;
  const sizes: Record<string, StateSize> = {};

  beforeAll(async () => {
    // Instant transitions show each operation's calls on the happy path, where every wait ends on
    // its first poll: the count to hold against the minimum.
    emulator = await startEmulator({ apiKeys: [API_KEY], timeScale: 0, durations: INSTANT });
    datastores = await seedDatastores(emulator, 3, "calls");
    client = new DfCloudClient({ apiKey: API_KEY, apiUrl: emulator.url });
  });
  afterAll(async () => {
    await client?.close();
    await emulator?.close();
  });

  /** The calls the emulator saw since the last call of this function. */
  async function calls(): Promise<RequestLogEntry[]> {
    const log = await emulator.admin.requests();
    await emulator.admin.clearRequests();
    return log;
  }

  /** Runs the six operations of one resource kind on its own stack (one kind per provider process). */
  async function operations(
    kind: string,
    declare: (version: 1 | 2) => void,
  ): Promise<Record<string, RequestLogEntry[]>> {
    let version: 1 | 2 = 1;
    const { stack } = await emulatorStack(`calls-${kind}`, async () => declare(version), emulator);
    await calls();
    const seen: Record<string, RequestLogEntry[]> = {};
    await stack.preview();
    seen["preview (create)"] = await calls();
    await stack.up();
    seen.create = await calls();
    sizes[kind] = await stateSizes(stack, 1);
    await stack.preview();
    seen["unchanged preview"] = await calls();
    version = 2;
    await stack.up();
    seen.update = await calls();
    await stack.refresh();
    seen.refresh = await calls();
    await stack.destroy();
    seen.destroy = await calls();
    return seen;
  }

  it("counts each resource's calls for create, update, unchanged preview, refresh and destroy", async () => {
    const [scheduled, backedUp, restored] = datastores as [string, string, string];
    const source = await client.createBackup({
      datastore_id: backedUp,
      description: "restore source",
      retention: 7,
    });
    await client.waitForBackup(source.backup_id);
    const kinds: Record<string, (version: 1 | 2) => void> = {
      BackupSchedule: (version) =>
        new dfcloud.BackupSchedule("schedule", {
          ...scheduleArgs(scheduled),
          hours: version === 1 ? [2, 14] : [3],
        }),
      Backup: (version) =>
        new dfcloud.Backup("backup", {
          datastoreId: backedUp,
          description: `version ${version}`,
          retentionDays: 7,
        }),
      Restore: (version) =>
        new dfcloud.Restore("restore", {
          datastoreId: restored,
          backupId: source.backup_id,
          acknowledgeDataLoss: true,
          // The update restores the same backup into the same datastore again, on purpose.
          ifAlreadyLoaded: "restore",
          trigger: `run ${version}`,
        }),
    };
    const counted: Record<string, unknown> = {};
    const rows: string[] = [];
    for (const [kind, declare] of Object.entries(kinds)) {
      const seen = await operations(kind, declare);
      const perOperation: Record<string, unknown> = {};
      for (const [operation, entries] of Object.entries(seen)) {
        const minimum = MINIMUM[kind]?.[operation];
        const detail = Object.entries(countCalls(entries))
          .map(([call, count]) => `${count}× ${call}`)
          .join(", ");
        perOperation[operation] = {
          calls: entries.length,
          minimum: minimum?.calls,
          detail: entries.map(callKind),
        };
        rows.push(
          `| ${kind} | ${operation} | ${entries.length} | ${minimum?.calls ?? "?"} | ${detail || "—"} | ${minimum?.why ?? ""} |`,
        );
      }
      counted[kind] = perOperation;
    }
    results.apiCalls = counted;
    results.sizes = { ...((results.sizes as object) ?? {}), ...sizes };
    tables.push(
      [
        "### API calls per operation (instant transitions: every wait ends on its first poll)",
        "",
        "| resource | operation | calls | minimum | calls made | why the minimum |",
        "|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
  });
});

/** The polls and the latency a poll schedule gives for an operation of `durationMs`: the first poll at or after it. */
function pollModel(
  durationMs: number,
  intervals: (poll: number) => number,
): { latencyMs: number; polls: number } {
  let at = 0;
  for (let poll = 1; ; poll++) {
    if (at >= durationMs) return { latencyMs: at - durationMs, polls: poll };
    at += intervals(poll);
  }
}
/**
 * What a poll schedule costs on average for operations taking 75% to 125% of `durationMs`: where the
 * end falls between two polls is chance, and a single duration can land right on a poll.
 */
function expectedPollModel(
  durationMs: number,
  intervals: (poll: number) => number,
): { latencyMs: number; polls: number } {
  const samples = Array.from({ length: 201 }, (_, i) => pollModel(durationMs * (0.75 + i / 400), intervals));
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return { latencyMs: mean(samples.map((m) => m.latencyMs)), polls: mean(samples.map((m) => m.polls)) };
}
const modelCell = (model: { latencyMs: number; polls: number }) =>
  `${Math.round(model.latencyMs)} ms, ${Number(model.polls.toFixed(1))}`;
/** Our schedule (provider/src/client/wait.ts): 250 ms, growing ×1.5, at most 5 s. */
const oursSchedule = (poll: number) =>
  Math.min(POLL_FIRST_INTERVAL_MS * POLL_INTERVAL_GROWTH ** (poll - 1), POLL_MAX_INTERVAL_MS);
/** The official Terraform provider's: every 5 s. */
const terraformSchedule = () => 5_000;

suite.latency("wait latency of Backup and Restore", () => {
  /** The two cases: emulator seconds of the transition and the time scale that runs it. */
  const CASES = [
    { name: "short", seconds: 2, timeScale: 1 },
    { name: "long", seconds: 120, timeScale: 30 },
  ] as const;

  it("measures how long after the emulator finished the provider returned, and its polls", async () => {
    const latency: Record<string, unknown> = {};
    const rows: string[] = [];
    for (const { name, seconds: emulatorSeconds, timeScale } of CASES) {
      const emulator = await startEmulator({
        apiKeys: [API_KEY],
        timeScale,
        durations: { ...INSTANT, backup: emulatorSeconds, restore: emulatorSeconds },
      });
      const client = new DfCloudClient({ apiKey: API_KEY, apiUrl: emulator.url });
      try {
        const [backedUp, restored] = (await seedDatastores(emulator, 2, "latency")) as [string, string];
        const source = await client.createBackup({
          datastore_id: backedUp,
          description: "source",
          retention: 7,
        });
        await client.waitForBackup(source.backup_id);
        const realMs = (emulatorSeconds * 1000) / timeScale;
        const samples = { Backup: [] as WaitSample[], Restore: [] as WaitSample[] };
        for (let run = 0; run < RUNS; run++) {
          samples.Backup.push(
            await measureWait(
              emulator,
              `latency-backup-${name}-${run}`,
              timeScale,
              emulatorSeconds,
              "Backup",
              () => {
                new dfcloud.Backup("backup", {
                  datastoreId: backedUp,
                  description: `run ${run}`,
                  retentionDays: 1,
                });
              },
            ),
          );
          samples.Restore.push(
            await measureWait(
              emulator,
              `latency-restore-${name}-${run}`,
              timeScale,
              emulatorSeconds,
              "Restore",
              () => {
                new dfcloud.Restore("restore", {
                  datastoreId: restored,
                  backupId: source.backup_id,
                  acknowledgeDataLoss: true,
                  // Every run restores the same backup into the same datastore, on purpose.
                  ifAlreadyLoaded: "restore",
                  trigger: `run ${run}`,
                });
              },
            ),
          );
        }
        // The model at the measured real duration checks the model against the measurement; the
        // expected cost at the emulator duration is what an operation that long costs for real.
        const ours = pollModel(realMs, oursSchedule);
        const oursReal = expectedPollModel(emulatorSeconds * 1000, oursSchedule);
        const terraformReal = expectedPollModel(emulatorSeconds * 1000, terraformSchedule);
        for (const kind of ["Backup", "Restore"] as const) {
          const latencyMs = median(samples[kind].map((s) => s.latencyMs));
          const polls = median(samples[kind].map((s) => s.polls));
          latency[`${kind} ${name}`] = {
            emulatorSeconds,
            timeScale,
            realMs,
            latencyMs,
            polls,
            modelAtRealDuration: ours,
            expectedAtEmulatorDuration: { ours: oursReal, terraform: terraformReal },
            samples: samples[kind],
          };
          rows.push(
            `| ${kind} | ${emulatorSeconds} s (${seconds(realMs)} s real) | ${Math.round(latencyMs)} ms | ${polls} | ` +
              `${modelCell(ours)} | ${modelCell(oursReal)} | ${modelCell(terraformReal)} |`,
          );
        }
      } finally {
        await client.close();
        await emulator.close();
      }
    }
    results.waitLatency = latency;
    tables.push(
      [
        "### Wait latency: from the moment the emulator finished to the provider's poll that saw it",
        "",
        "Measured at the real duration shown. The model applies our poll schedule to that duration (it checks the",
        "model); the expected columns apply each schedule to operations of the emulator duration taken as real",
        "(75% to 125% of it, averaged): what a real 2-second and 2-minute operation costs.",
        "",
        "| resource | operation takes | latency, measured | polls, measured | ours, model | ours, expected | Terraform's every 5 s, expected |",
        "|---|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
  });
});

/** What one wait cost. */
interface WaitSample {
  /** Real ms from the transition's end to the request of the poll that saw it. */
  latencyMs: number;
  /** GETs of the awaited object from the start of the transition to the end of the wait. */
  polls: number;
  /** Real ms of the whole `up`. */
  upMs: number;
}

/**
 * Runs `up` of a one-resource program and reads the request log: the write that started the
 * transition (the backup's POST, the restore's PUT) gives its end in emulator time (start +
 * duration), converted to real time by the time scale; the first GET at or after it is the poll
 * that saw the end, and the provider returns on its answer.
 */
async function measureWait(
  emulator: RunningEmulator,
  name: string,
  timeScale: number,
  durationSeconds: number,
  kind: "Backup" | "Restore",
  declare: () => void,
): Promise<WaitSample> {
  const { stack } = await emulatorStack(name, async () => declare(), emulator);
  await emulator.admin.clearRequests();
  const up = await timed(() => stack.up());
  const log = await emulator.admin.requests();
  const start = log.find(
    (e) => e.status === 200 && (kind === "Backup" ? e.method === "POST" : e.method === "PUT"),
  );
  if (!start) throw new Error(`${name}: no ${kind === "Backup" ? "POST" : "PUT"} in the request log`);
  const awaited =
    kind === "Backup"
      ? (e: RequestLogEntry) => e.method === "GET" && /^\/v1\/backups\/bkp_/.test(e.path)
      : (e: RequestLogEntry) => e.method === "GET" && e.path === start.path;
  const polls = log.filter((e) => awaited(e) && e.time >= start.time);
  const doneAt = start.time + durationSeconds * 1000;
  const seen = polls.find((e) => e.time >= doneAt);
  if (!seen) throw new Error(`${name}: no poll after the ${kind} finished`);
  const doneAtReal = start.realTime + (doneAt - start.time) / timeScale;
  await stack.destroy();
  return { latencyMs: seen.realTime - doneAtReal, polls: polls.length, upMs: up.ms };
}

/**
 * The restores a RestoreDrill is timed against: the emulator's restore duration (API seconds) and the
 * time scale that runs it in a few real seconds. The real seconds differ, so the drills end at
 * different points of the poll schedule.
 */
const DRILL_CASES = [
  { seconds: 30, timeScale: 20 },
  { seconds: 120, timeScale: 60 },
  { seconds: 600, timeScale: 200 },
] as const;

/** The front doors a drill runs through: the dynamic SDK's class, and the native plugin's by its schema token. */
const DRILL_DOORS = ["dynamic", "native"] as const;
type DrillDoor = (typeof DRILL_DOORS)[number];

/** One drill's restore time, as it measured it and as the emulator ran it. */
interface DrillSample {
  door: DrillDoor;
  /** The emulator's restore duration, API seconds. */
  configuredSeconds: number;
  timeScale: number;
  /** The drill's `restoreSeconds` output, from the state. */
  measuredSeconds: number;
  /** measured − configured, API seconds. */
  errorSeconds: number;
  /**
   * The poll interval at the end of the wait, API seconds: the real time between the poll that saw
   * the backup loaded and the request before it on the datastore (the previous poll, or the restore
   * PUT when the first poll saw it), times the time scale. The restore ended inside it, so the
   * measurement can be off by about this much.
   */
  pollIntervalSeconds: number;
  /** The pause our poll schedule set before that poll (provider/src/client/wait.ts), API seconds; 0 for the first poll. */
  scheduledIntervalSeconds: number;
  /** From the request log: API seconds from the restore PUT to the poll that saw the backup loaded. */
  loggedSeconds: number;
  /** Polls of the datastore from the restore PUT to the one that saw the backup loaded. */
  polls: number;
  /** Whether |error| ≤ the poll interval. */
  pass: boolean;
  /** The drill's own verdict (`passed`): the backup restored and read back. */
  drillPassed: boolean;
  /** Real ms of the whole `up`. */
  upMs: number;
}

suite.drill("restore time a RestoreDrill measures, against the emulator's restore duration", () => {
  it("runs one drill per restore duration through each front door and judges restoreSeconds by the poll interval", async () => {
    const samples: DrillSample[] = [];
    for (const [index, { seconds: configured, timeScale }] of DRILL_CASES.entries()) {
      // Instant apart from the restore: the temporary datastore is made and deleted at once.
      const emulator = await startEmulator({
        apiKeys: [API_KEY],
        timeScale,
        durations: { ...INSTANT, restore: configured },
      });
      try {
        // A plain datastore (no `dragonfly` TLS setting): the emulator's data plane is plain TCP,
        // and the drill reads the restored keys back over it.
        const [source] = (await seedDatastores(emulator, 1, "drill")) as [string];
        await emulator.admin.setData(source, { "order:1": "A", "order:2": "B" });
        const backup = await emulator.admin.seedBackup(source, { description: "drilled" });
        // Alternate which door goes first, so drift of a noisy machine favours neither.
        const doors = index % 2 === 0 ? DRILL_DOORS : [...DRILL_DOORS].reverse();
        for (const door of doors) {
          const sample = await measureDrill(emulator, door, configured, timeScale, source, backup.backup_id);
          console.log(
            `RestoreDrill (${door}), restore of ${configured} s at time scale ${timeScale}: restoreSeconds ` +
              `${sample.measuredSeconds}, error ${sample.errorSeconds.toFixed(2)} s, poll interval at the end ` +
              `${sample.pollIntervalSeconds.toFixed(1)} s: ${sample.pass ? "PASS" : "FAIL"}`,
          );
          samples.push(sample);
        }
      } finally {
        await emulator.close();
      }
    }
    results.restoreDrillTime = {
      rule: "pass when |restoreSeconds − configured| ≤ the poll interval at the end of the wait (API seconds)",
      passed: samples.every((sample) => sample.pass),
      samples,
    };
    const rows = samples.map(
      (s) =>
        `| ${s.door} | ${s.configuredSeconds} s (${seconds((s.configuredSeconds * 1000) / s.timeScale)} s real, ×${s.timeScale}) | ` +
        `${s.measuredSeconds} | ${s.errorSeconds >= 0 ? "+" : "−"}${Math.abs(s.errorSeconds).toFixed(2)} | ` +
        `${s.pollIntervalSeconds.toFixed(1)} | ${s.loggedSeconds.toFixed(1)} | ${s.polls} | ${s.pass ? "PASS" : "**FAIL**"} |`,
    );
    tables.push(
      [
        "### Restore time a RestoreDrill measures (`restoreSeconds`) against the emulator's restore duration",
        "",
        "API seconds throughout (the emulator's clock, which its `Date` header carries). A row passes when",
        "|error| ≤ the poll interval at the end of the wait: the real time between the poll that saw the backup",
        "loaded and the request before it, times the time scale. The request-log column is the API time from the",
        "restore PUT to that poll, which the drill reads from whole-second `Date` headers.",
        "",
        "| front door | restore takes | `restoreSeconds` | error (s) | poll interval at the end (s) | request log: PUT to the poll that saw it (s) | polls | verdict |",
        "|---|---|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
  });
});

/**
 * Runs `up` of a one-drill program through `door`, reads `restoreSeconds` from the state and the
 * restore's polls from the request log: the restore PUT of the drill's datastore ends it at PUT time +
 * the duration (emulator time); the first GET of that datastore at or after then is the poll that saw
 * the backup loaded, and the drill stops its clock on that answer.
 */
async function measureDrill(
  emulator: RunningEmulator,
  door: DrillDoor,
  configured: number,
  timeScale: number,
  datastoreId: string,
  backupId: string,
): Promise<DrillSample> {
  const name = `drill-${door}-${configured}`;
  const args = { datastoreId, backupId, trigger: name };
  const program = async () => {
    if (door === "native") new NativeResource(nativeToken("RestoreDrill"), "drill", args);
    else new dfcloud.RestoreDrill("drill", args);
  };
  const { stack } = await emulatorStack(
    name,
    program,
    emulator,
    door === "native" ? { plugins: [{ name: PACKAGE, path: DFCLOUD_PLUGIN_DIR }] } : {},
  );
  await emulator.admin.clearRequests();
  const up = await timed(() => stack.up());
  const { resources } = await exportState(stack);
  const outputs = resources.find((r) => kindOf(r.type) === "RestoreDrill")?.outputs ?? {};
  const measured = outputs.restoreSeconds;
  if (typeof measured !== "number") throw new Error(`${name}: no restoreSeconds in the state`);
  const scratchPath = `/v1/datastores/${String(outputs.scratchDatastoreId)}`;
  const bare = (entry: RequestLogEntry) => entry.path.replace(/[?].*$/, "");
  const log = await emulator.admin.requests();
  const putAt = log.findIndex((e) => e.method === "PUT" && e.status === 200 && bare(e) === scratchPath);
  const put = log[putAt];
  if (!put) throw new Error(`${name}: no restore PUT of ${scratchPath} in the request log`);
  const polls = log.slice(putAt + 1).filter((e) => e.method === "GET" && bare(e) === scratchPath);
  const seenAt = polls.findIndex((e) => e.time >= put.time + configured * 1000);
  const seen = polls[seenAt];
  if (!seen) throw new Error(`${name}: no poll of ${scratchPath} after the restore finished`);
  const before = seenAt === 0 ? put : (polls[seenAt - 1] as RequestLogEntry);
  const pollIntervalSeconds = ((seen.realTime - before.realTime) * timeScale) / 1000;
  const errorSeconds = measured - configured;
  return {
    door,
    configuredSeconds: configured,
    timeScale,
    measuredSeconds: measured,
    errorSeconds,
    pollIntervalSeconds,
    scheduledIntervalSeconds: seenAt === 0 ? 0 : (oursSchedule(seenAt) * timeScale) / 1000,
    loggedSeconds: (seen.time - put.time) / 1000,
    polls: seenAt + 1,
    pass: Math.abs(errorSeconds) <= pollIntervalSeconds,
    drillPassed: outputs.passed === true,
    upMs: up.ms,
  };
}

suite.size("size in state", () => {
  it("reports __provider and state bytes per resource", () => {
    const sizes = results.sizes as Record<string, StateSize> | undefined;
    expect(sizes).toBeDefined();
    const rows = Object.entries(sizes ?? {}).map(
      ([kind, size]) =>
        `| ${kind} | ${size.provider || "—"} | ${size.inputs} | ${size.outputs} | ${size.state} | ` +
        `${size.outputsBeyondInputs.map((key) => `\`${key}\``).join(", ") || "—"} |`,
    );
    tables.push(
      [
        "### Size in state, bytes per resource",
        "",
        "| resource | `__provider` | inputs | outputs | whole resource in the checkpoint | outputs that are not inputs |",
        "|---|---|---|---|---|---|",
        ...rows,
        "",
      ].join("\n"),
    );
  });
});
