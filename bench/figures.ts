/**
 * What the bench derives from its own measurements, as pure functions of bench/results.json: the
 * cost-floor goals with each row's verdict against them, and how each row's time grows with N.
 * bench.ts writes its tables with them and chart.ts draws them; nothing here runs or reads anything.
 */

/** The engine commands the overhead section times, in the order they run. */
export const STEPS = ["preview", "up", "refresh", "destroy"] as const;
/** One engine command of the overhead section. */
export type Step = (typeof STEPS)[number];

/** The provider's two front doors, each measured against a no-op of its own kind. */
export type Door = "native" | "dynamic";

/**
 * The cost floor: each figure at most this many times the matching no-op's, measured side by side in
 * one run (a ratio, never seconds across runs).
 */
export const GOALS = {
  /** Native plugin against the no-op native plugin: every timed command, at every N. */
  nativeTime: 1.15,
  /** Dynamic provider against the no-op dynamic resource: only the commands and N of {@link DYNAMIC_TIME_ROWS}. */
  dynamicTime: 1.35,
  /** Native plugin process against the no-op's: from spawn to the port it prints. */
  spawnToPort: 1.3,
  /** Each front door's provider process against its no-op's: peak resident memory (VmHWM). */
  peakRss: 1.3,
} as const;

/** The rows the dynamic time goal covers: `up` and `destroy` of 100 resources. */
export const DYNAMIC_TIME_ROWS: { readonly steps: readonly Step[]; readonly sizes: readonly number[] } = {
  steps: ["up", "destroy"],
  sizes: [100],
};

/** The time goal of one row (door × command × N), or undefined where the cost floor sets none. */
export function timeGoal(door: Door, step: Step, n: number): number | undefined {
  if (door === "native") return GOALS.nativeTime;
  return DYNAMIC_TIME_ROWS.steps.includes(step) && DYNAMIC_TIME_ROWS.sizes.includes(n)
    ? GOALS.dynamicTime
    : undefined;
}

/**
 * Whether `ratio` meets `goal`, judged at the two decimals every table shows, so a row printed
 * "1.15" against a goal of 1.15 reads as met wherever it is printed. Undefined when there is no goal.
 */
export function meets(ratio: number, goal: number | undefined): boolean | undefined {
  if (goal === undefined || !Number.isFinite(ratio)) return undefined;
  return Number(ratio.toFixed(2)) <= goal;
}

/** A goal as a table cell: `≤ 1.15×`, or `—` where there is none. */
export function goalCell(goal: number | undefined): string {
  return goal === undefined ? "—" : `≤ ${goal.toFixed(2)}×`;
}

/** A verdict as a table cell: `pass`, a bold `fail`, or empty where there is no goal. */
export function verdictCell(ratio: number, goal: number | undefined): string {
  const met = meets(ratio, goal);
  if (met === undefined) return "";
  return met ? "pass" : "**fail**";
}

/** One command's medians (ms) and side-by-side ratios at one N, as results.json `overhead.nN.<step>` holds them. */
export interface StepFigures {
  noopMs?: number;
  oursMs?: number;
  noopNativeMs?: number;
  nativeMs?: number;
  /** Dynamic BackupSchedule ÷ no-op dynamic resource. */
  ratio?: number;
  /** Native BackupSchedule ÷ no-op native resource. */
  nativeRatio?: number;
}

/** The provider processes' ratios at one N (results.json `overhead.nN.provider.ratios`). */
export interface ProviderRatios {
  /** Dynamic provider's peak RSS during `up` ÷ the no-op dynamic provider's. */
  rss?: number;
  /** Native plugin's peak RSS during `up` ÷ the no-op native plugin's. */
  nativeRss?: number;
}

/** Everything measured at one N (results.json `overhead.nN`). */
export type OverheadAtN = { [S in Step]?: StepFigures } & { provider?: { ratios?: ProviderRatios } };

/**
 * The part of bench/results.json these functions read. Read tolerantly: a section a partial run did not
 * measure, or an older file without it, is simply absent from what they derive.
 */
export interface BenchResults {
  date?: string;
  runs?: number;
  /** Keyed `n20`, `n100`, …: one entry per N of the overhead section. */
  overhead?: Record<string, OverheadAtN>;
  /** The native plugin processes started and stopped alone (dfcloud ÷ no-op). */
  pluginProcesses?: { ratios?: { startMs?: number; startRssMiB?: number } };
  /** The runs of some sections since the last full run, oldest first (their figures replaced that run's). */
  partialRuns?: { date?: string; runs?: number; sections?: string[] }[];
}

/** The N the overhead section measured, ascending. */
export function sizesOf(results: BenchResults): number[] {
  return Object.keys(results.overhead ?? {})
    .map((key) => /^n(\d+)$/.exec(key)?.[1])
    .filter((n): n is string => n !== undefined)
    .map(Number)
    .sort((a, b) => a - b);
}

/** What a ratio row measures: a timed command, or a property of the provider process. */
export type Measure = Step | "peak RSS during up" | "spawn to port" | "peak RSS at the port";

/** One ratio of a front door to its no-op, with its goal where the cost floor sets one. */
export interface RatioRow {
  door: Door;
  measure: Measure;
  /** The N of the overhead section; absent for the plugin processes started alone. */
  n?: number;
  /** Ours ÷ the no-op's, the median of per-run pairs. */
  ratio: number;
  goal?: number;
}

/**
 * Every ratio results.json holds against a no-op, grouped by door: per N the four commands, then the
 * process's peak RSS during `up`; for the native door also the plugin process started alone (spawn to
 * port, peak RSS at the port). Rows whose figure is missing are left out.
 */
export function ratioRows(results: BenchResults): RatioRow[] {
  const rows: RatioRow[] = [];
  const add = (
    row: Omit<RatioRow, "ratio" | "goal">,
    ratio: number | undefined,
    goal: number | undefined,
  ) => {
    if (typeof ratio !== "number" || !Number.isFinite(ratio)) return;
    rows.push({ ...row, ratio, ...(goal === undefined ? {} : { goal }) });
  };
  const sizes = sizesOf(results);
  for (const door of ["native", "dynamic"] as const) {
    for (const n of sizes) {
      const atN = results.overhead?.[`n${n}`];
      for (const step of STEPS) {
        const figures = atN?.[step];
        add(
          { door, measure: step, n },
          door === "native" ? figures?.nativeRatio : figures?.ratio,
          timeGoal(door, step, n),
        );
      }
    }
    for (const n of sizes) {
      const ratios = results.overhead?.[`n${n}`]?.provider?.ratios;
      add(
        { door, measure: "peak RSS during up", n },
        door === "native" ? ratios?.nativeRss : ratios?.rss,
        GOALS.peakRss,
      );
    }
    if (door === "native") {
      const ratios = results.pluginProcesses?.ratios;
      add({ door, measure: "spawn to port" }, ratios?.startMs, GOALS.spawnToPort);
      add({ door, measure: "peak RSS at the port" }, ratios?.startRssMiB, GOALS.peakRss);
    }
  }
  return rows;
}

/** How one command's time grows from one N to the next: t(to) ÷ t(from) of each variant's median. */
export interface GrowthRow {
  step: Step;
  from: number;
  to: number;
  /** What linear growth would give: to ÷ from (3.00 from 100 to 300). */
  linear: number;
  noopNative?: number;
  native?: number;
  noop?: number;
  ours?: number;
}

/**
 * For each pair of consecutive N the overhead section measured and each command, how much longer the
 * command took at the larger N, per variant: the ratio of the medians (runs at different N are
 * different runs, so there are no pairs to take per run). Equal to `linear` when the time is
 * proportional to N; below it when a fixed part (CLI and plugin start) dominates.
 */
export function growthRows(results: BenchResults): GrowthRow[] {
  const sizes = sizesOf(results);
  const rows: GrowthRow[] = [];
  const grow = (to: number | undefined, from: number | undefined) =>
    typeof to === "number" && typeof from === "number" && from > 0 ? to / from : undefined;
  for (let i = 1; i < sizes.length; i++) {
    const from = sizes[i - 1] as number;
    const to = sizes[i] as number;
    for (const step of STEPS) {
      const a = results.overhead?.[`n${from}`]?.[step];
      const b = results.overhead?.[`n${to}`]?.[step];
      const row: GrowthRow = { step, from, to, linear: to / from };
      const figures = {
        noopNative: grow(b?.noopNativeMs, a?.noopNativeMs),
        native: grow(b?.nativeMs, a?.nativeMs),
        noop: grow(b?.noopMs, a?.noopMs),
        ours: grow(b?.oursMs, a?.oursMs),
      };
      for (const [key, value] of Object.entries(figures)) {
        if (value !== undefined) row[key as keyof typeof figures] = value;
      }
      rows.push(row);
    }
  }
  return rows;
}
