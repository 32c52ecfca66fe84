/**
 * What the bench derives from its own measurements, as pure functions of bench/results.json: the
 * cost-floor goals with each row's verdict against them, two runs' goal rows side by side, and how each
 * row's time grows with N. bench.ts writes its tables with them and chart.ts draws them; nothing here
 * runs or reads anything.
 */

/** The engine commands the overhead section times, in the order they run. */
export const STEPS = ["preview", "up", "refresh", "destroy"] as const;
/** One engine command of the overhead section. */
export type Step = (typeof STEPS)[number];

/** The provider's two front doors, each measured against a no-op of its own kind. */
export type Door = "native" | "dynamic";

/**
 * The cost floor: each ratio goal is a figure at most this many times the matching no-op's, measured side
 * by side in one run (a ratio, never seconds across runs); `getSchemaMs` and `providerBytes` are absolute.
 */
export const GOALS = {
  /** Native plugin against the no-op native plugin: every timed command, at every N. */
  nativeTime: 1.15,
  /** Dynamic provider against the no-op dynamic resource: only the commands and N of {@link DYNAMIC_TIME_ROWS}. */
  dynamicTime: 1.35,
  /** Native plugin process against the no-op's: from spawn to the port it prints. */
  spawnToPort: 1.3,
  /**
   * Native plugin process against the no-op native plugin's: peak resident memory (VmHWM) during `up`
   * and at its port. The dynamic provider has no memory goal (its process is Pulumi's `pulumi-nodejs`
   * dynamic-provider host, which its no-op shares); its figures are reported without a verdict.
   */
  peakRss: 1.3,
  /** The native plugin's first GetSchema, from the request to its answer over gRPC: at most this many ms. */
  getSchemaMs: 50,
  /** A dynamic resource's serialised provider (`__provider`) in state: at most this many bytes per resource (0.8 KB). */
  providerBytes: 800,
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

/** What a row's figure counts: a ratio to the matching no-op, milliseconds, or bytes. */
export type Unit = "ratio" | "ms" | "bytes";

/** A figure as the tables print it: `1.34×`, `18.2 ms`, `761 B`. */
export function figureCell(value: number, unit: Unit = "ratio"): string {
  if (unit === "ms") return `${value.toFixed(1)} ms`;
  if (unit === "bytes") return `${Math.round(value).toLocaleString("en-US")} B`;
  return `${value.toFixed(2)}×`;
}

/** A goal as a table cell: `≤ 1.15×` (`≤ 50.0 ms`, `≤ 800 B`), or `—` where there is none. */
export function goalCell(goal: number | undefined, unit: Unit = "ratio"): string {
  return goal === undefined ? "—" : `≤ ${figureCell(goal, unit)}`;
}

/** A verdict as a table cell: `pass`, a bold `fail`, or empty where there is no goal. */
export function verdictCell(value: number, goal: number | undefined): string {
  const met = meets(value, goal);
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
  /** Native BackupSchedule ÷ dynamic BackupSchedule. */
  nativeVsDynamic?: number;
}

/** The provider processes' ratios at one N (results.json `overhead.nN.provider.ratios`). */
export interface ProviderRatios {
  /** Dynamic provider's peak RSS during `up` ÷ the no-op dynamic provider's. */
  rss?: number;
  /** Native plugin's peak RSS during `up` ÷ the no-op native plugin's. */
  nativeRss?: number;
  /** Native plugin's peak RSS during `up` ÷ the dynamic provider's. */
  nativeRssVsDynamic?: number;
}

/** Everything measured at one N (results.json `overhead.nN`). */
export type OverheadAtN = { [S in Step]?: StepFigures } & { provider?: { ratios?: ProviderRatios } };

/** Bytes per resource in state, as results.json `sizes.<name>` holds them. */
export interface StateSizeFigures {
  /** Mean `__provider` bytes (0 for a native resource). */
  provider?: number;
  /** Mean bytes of the whole resource in the checkpoint. */
  state?: number;
}

/**
 * The names results.json `sizes` gives the overhead section's variants (bench.ts names its variants with
 * them), and the dynamic resource kinds whose `__provider` the cost floor caps: the overhead section's
 * BackupSchedules and the API-calls section's one resource of each kind.
 */
export const SIZE_KEYS = {
  noop: "no-op",
  dynamic: "BackupSchedule",
  noopNative: "no-op native (`noop:index:Thing`)",
  native: "native BackupSchedule (`dfcloud-backups:index:BackupSchedule`)",
  dynamicKinds: ["BackupSchedule", "Backup", "Restore"],
} as const;

/** One plugin's medians as results.json `pluginProcesses.<plugin>` holds them. */
export interface PluginFigures {
  startMs?: number;
  startRssMiB?: number;
  /** The first GetSchema after the port, request to answer over gRPC (ms). */
  getSchemaMs?: number;
}

/**
 * The part of bench/results.json these functions read. Read tolerantly: a section a partial run did not
 * measure, or an older file without it, is simply absent from what they derive.
 */
export interface BenchResults {
  date?: string;
  machine?: string;
  node?: string;
  runs?: number;
  /** Keyed `n20`, `n100`, …: one entry per N of the overhead section. */
  overhead?: Record<string, OverheadAtN>;
  /** The native plugin processes started and stopped alone: each plugin's medians, and dfcloud ÷ no-op. */
  pluginProcesses?: {
    dfcloud?: PluginFigures;
    noop?: PluginFigures;
    ratios?: { startMs?: number; startRssMiB?: number };
  };
  /** Bytes per resource in state, keyed by variant or resource kind ({@link SIZE_KEYS}). */
  sizes?: Record<string, StateSizeFigures>;
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

/** What a row measures: a timed command, a property of the provider process, or of a resource in state. */
export type Measure =
  | Step
  | "peak RSS during up"
  | "spawn to port"
  | "peak RSS at the port"
  | "first GetSchema"
  | "`__provider` per resource"
  | "state per resource";

/** One figure of a front door, with its goal where the cost floor sets one. */
export interface FigureRow {
  door: Door;
  measure: Measure;
  /** The N of the overhead section; absent for the plugin processes started alone and for state sizes. */
  n?: number;
  /** The resource kind of a state row of the dynamic door (BackupSchedule, Backup, Restore). */
  kind?: string;
  unit: Unit;
  /** A ratio (ours ÷ the no-op's, the median of per-run pairs), ms or bytes, as `unit` says. */
  value: number;
  goal?: number;
  /** The no-op's figure in the same unit, where `unit` is not a ratio and a no-op was measured. */
  noop?: number;
  /** Native ÷ dynamic on the same row, for the native door's rows that have both. */
  vsDynamic?: number;
}

/**
 * Every figure results.json holds that the cost floor judges or that sits beside its goals, grouped by
 * door, in the order the chart draws and the tables list them: per N the four commands, then the
 * provider process's peak RSS during `up`; for the native door the plugin process started alone (spawn
 * to port, peak RSS at the port, first GetSchema) and its state per resource; for the dynamic door the
 * `__provider` of each kind and its state per resource. Rows whose figure is missing are left out.
 * The one place a row gets its goal: chart.ts draws the ratio rows ({@link ratioRows}), bench.ts's
 * tables list them and {@link compareRuns} sets two runs side by side.
 */
export function figureRows(results: BenchResults): FigureRow[] {
  const rows: FigureRow[] = [];
  const add = (
    row: Omit<FigureRow, "value" | "goal" | "unit"> & { unit?: Unit },
    value: unknown,
    goal?: number,
  ) => {
    if (typeof value !== "number" || !Number.isFinite(value)) return;
    rows.push({ unit: "ratio", ...row, value, ...(goal === undefined ? {} : { goal }) });
  };
  const finite = (value: unknown) =>
    typeof value === "number" && Number.isFinite(value) ? value : undefined;
  const sizes = sizesOf(results);
  const stateOf = (key: string) => finite(results.sizes?.[key]?.state);
  for (const door of ["native", "dynamic"] as const) {
    for (const n of sizes) {
      const atN = results.overhead?.[`n${n}`];
      for (const step of STEPS) {
        const figures = atN?.[step];
        if (door === "native") {
          const vsDynamic = finite(figures?.nativeVsDynamic);
          add(
            { door, measure: step, n, ...(vsDynamic === undefined ? {} : { vsDynamic }) },
            figures?.nativeRatio,
            timeGoal(door, step, n),
          );
        } else add({ door, measure: step, n }, figures?.ratio, timeGoal(door, step, n));
      }
    }
    for (const n of sizes) {
      const ratios = results.overhead?.[`n${n}`]?.provider?.ratios;
      if (door === "native") {
        const vsDynamic = finite(ratios?.nativeRssVsDynamic);
        add(
          { door, measure: "peak RSS during up", n, ...(vsDynamic === undefined ? {} : { vsDynamic }) },
          ratios?.nativeRss,
          GOALS.peakRss,
        );
      } else add({ door, measure: "peak RSS during up", n }, ratios?.rss);
    }
    if (door === "native") {
      const plugins = results.pluginProcesses;
      add({ door, measure: "spawn to port" }, plugins?.ratios?.startMs, GOALS.spawnToPort);
      add({ door, measure: "peak RSS at the port" }, plugins?.ratios?.startRssMiB, GOALS.peakRss);
      const noopSchema = finite(plugins?.noop?.getSchemaMs);
      add(
        {
          door,
          measure: "first GetSchema",
          unit: "ms",
          ...(noopSchema === undefined ? {} : { noop: noopSchema }),
        },
        plugins?.dfcloud?.getSchemaMs,
        GOALS.getSchemaMs,
      );
      const native = stateOf(SIZE_KEYS.native);
      const noop = stateOf(SIZE_KEYS.noopNative);
      const dynamic = stateOf(SIZE_KEYS.dynamic);
      add(
        {
          door,
          measure: "state per resource",
          unit: "bytes",
          ...(noop === undefined ? {} : { noop }),
          ...(native === undefined || !dynamic ? {} : { vsDynamic: native / dynamic }),
        },
        native,
      );
    } else {
      for (const kind of SIZE_KEYS.dynamicKinds) {
        const provider = finite(results.sizes?.[kind]?.provider);
        if (provider)
          add(
            { door, measure: "`__provider` per resource", kind, unit: "bytes" },
            provider,
            GOALS.providerBytes,
          );
      }
      const noop = stateOf(SIZE_KEYS.noop);
      add(
        {
          door,
          measure: "state per resource",
          kind: SIZE_KEYS.dynamic,
          unit: "bytes",
          ...(noop === undefined ? {} : { noop }),
        },
        stateOf(SIZE_KEYS.dynamic),
      );
    }
  }
  return rows;
}

/** The rows the chart draws: every ratio of {@link figureRows} (time and memory against the no-op). */
export function ratioRows(results: BenchResults): FigureRow[] {
  return figureRows(results).filter((row) => row.unit === "ratio");
}

/** The same row in two runs has the same key: door, measure, N and kind. */
export function rowKey(row: FigureRow): string {
  return [row.door, row.measure, row.n ?? "", row.kind ?? ""].join("|");
}

/** How the tables name each front door. */
export const DOOR_NAMES: Record<Door, string> = { native: "native plugin", dynamic: "dynamic provider" };

/** A row as the tables name it: `native plugin · N = 100 · \`up\``, `dynamic provider · Backup · state per resource`. */
export function rowName(row: FigureRow): string {
  const measure = (STEPS as readonly string[]).includes(row.measure) ? `\`${row.measure}\`` : row.measure;
  return [DOOR_NAMES[row.door], row.n === undefined ? undefined : `N = ${row.n}`, row.kind, measure]
    .filter((part) => part !== undefined)
    .join(" · ");
}

/** A row the goals table lists, with its figure in each run (absent where that run did not measure it). */
export interface ComparedRow {
  key: string;
  /** The row as it stands in the current run, or in the previous one when only that run has it. */
  row: FigureRow;
  previous?: FigureRow;
  current?: FigureRow;
}

/** Whether the goals table lists a row: it has a goal, or it is a state size (which sits beside the `__provider` goal). */
function listed(row: FigureRow): boolean {
  return row.goal !== undefined || row.measure === "state per resource";
}

/**
 * Every row with a goal (and the state sizes) of two runs, matched by {@link rowKey}, in the order
 * {@link figureRows} gives the figures of both runs together (so a row only one run has, another N,
 * sits among its own kind).
 */
export function compareRuns(current: BenchResults, previous: BenchResults | undefined): ComparedRow[] {
  const before = new Map(
    figureRows(previous ?? {})
      .filter(listed)
      .map((row) => [rowKey(row), row]),
  );
  const now = new Map(
    figureRows(current)
      .filter(listed)
      .map((row) => [rowKey(row), row]),
  );
  const both: BenchResults = {
    overhead: { ...previous?.overhead, ...current.overhead },
    pluginProcesses: { ...previous?.pluginProcesses, ...current.pluginProcesses },
    sizes: { ...previous?.sizes, ...current.sizes },
  };
  const keys = new Set([...figureRows(both).map(rowKey), ...now.keys(), ...before.keys()]);
  return [...keys].flatMap((key) => {
    const was = before.get(key);
    const is = now.get(key);
    const row = is ?? was;
    if (!row) return [];
    return [{ key, row, ...(was ? { previous: was } : {}), ...(is ? { current: is } : {}) }];
  });
}

/** When, where and how a results file was measured: `2026-12-06 22:44 UTC on …, Node …; N = 20, 100; medians of 3 runs`. */
export function runContext(results: BenchResults): string {
  const when = results.date ? `${results.date.slice(0, 16).replace("T", " ")} UTC` : "an unknown date";
  const where = results.machine ? ` on ${results.machine}` : "";
  const node = results.node ? `, Node ${results.node}` : "";
  const sizes = sizesOf(results);
  const ns = sizes.length > 0 ? `; N = ${sizes.join(", ")}` : "";
  const runs = results.runs ? `; medians of ${results.runs} run${results.runs === 1 ? "" : "s"}` : "";
  const alone = (results.partialRuns ?? [])
    .map((run) => `${(run.sections ?? []).join(", ")} ${run.date ? run.date.slice(0, 10) : ""}`.trim())
    .join("; ");
  return `${when}${where}${node}${ns}${runs}${alone ? ` (measured alone since: ${alone})` : ""}`;
}

/** The heading of the goals table in results.md (bench.ts finds and replaces it by this heading). */
export const COMPARISON_HEADING = "### Goals, this run and the previous run side by side";

/**
 * The goals table of results.md: every row with a goal (and the state sizes) with its figure and verdict
 * in the previous full run and in this one, `—` where a run lacks the row. The caption gives both runs'
 * measurement context, since only ratios measured side by side in one run compare across runs.
 */
export function comparisonTable(current: BenchResults, previous: BenchResults | undefined): string {
  const cell = (row: FigureRow | undefined) => {
    if (!row) return "—";
    const noop = row.noop === undefined ? "" : ` (no-op ${figureCell(row.noop, row.unit)})`;
    return `${figureCell(row.value, row.unit)}${noop}`;
  };
  const verdict = (row: FigureRow | undefined) => (row ? verdictCell(row.value, row.goal) : "");
  const rows = compareRuns(current, previous).map(
    ({ row, previous: was, current: now }) =>
      `| ${rowName(row)} | ${goalCell(row.goal, row.unit)} | ${cell(was)} | ${verdict(was)} | ${cell(now)} | ${verdict(now)} |`,
  );
  return [
    COMPARISON_HEADING,
    "",
    `Previous run: ${previous ? runContext(previous) : "none kept yet (the next full `make bench` keeps this one in bench/results-previous.json)"}.`,
    `This run: ${runContext(current)}.`,
    "Ratios are to the no-op measured side by side in the same run; compare ratios, not seconds, across runs.",
    "ms and bytes are absolute. `—`: that run did not measure the row.",
    "",
    "| row | goal | previous run | verdict | this run | verdict |",
    "|---|---|---|---|---|---|",
    ...rows,
    ...(rows.length === 0 ? ["| — | no figures in these results | | | | |"] : []),
    "",
  ].join("\n");
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
