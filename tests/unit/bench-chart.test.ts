/**
 * The bench's chart and derived figures (bench/chart.ts, bench/figures.ts): every ratio of a results
 * file is a bar with its own figure, each goal line sits at its goal on the chart's own axis, verdicts
 * follow the cost-floor goals, two runs' goal rows line up row by row, growth with N is the ratio of the
 * medians, and the committed chart is the one the committed results give.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { renderChart } from "../../bench/chart";
import {
  type BenchResults,
  compareRuns,
  comparisonTable,
  figureRows,
  GOALS,
  growthRows,
  meets,
  ratioRows,
  SIZE_KEYS,
  timeGoal,
} from "../../bench/figures";

const ROOT = path.resolve(__dirname, "../..");

/** A step's figures whose ratios are chosen so each verdict occurs, and whose medians grow known amounts. */
function step(nativeRatio: number, ratio: number, nativeMs: number, oursMs: number) {
  return {
    nativeRatio,
    ratio,
    nativeMs,
    oursMs,
    noopNativeMs: nativeMs / nativeRatio,
    noopMs: oursMs / ratio,
  };
}

const FIXTURE: BenchResults = {
  date: "2026-12-07T10:00:00.000Z",
  runs: 3,
  overhead: {
    n20: {
      preview: step(1.34, 1.21, 1000, 3000),
      up: step(1.15, 1.03, 2000, 4000),
      refresh: step(1.12, 1.29, 1000, 3000),
      destroy: step(1.19, 1.48, 1000, 3000),
      provider: { ratios: { nativeRss: 1.77, rss: 1.37 } },
    },
    n100: {
      preview: step(1.4, 1.45, 2000, 4000),
      up: step(1.28, 1.3, 4000, 8000),
      refresh: step(1.1, 1.39, 2000, 3000),
      destroy: step(1.34, 1.79, 3000, 7000),
      provider: { ratios: { nativeRss: 1.25, rss: 1.43 } },
    },
  },
  pluginProcesses: { ratios: { startMs: 2.2, startRssMiB: 1.25 } },
};

/** The fixture with what a later full run adds: the first GetSchema and the state sizes. */
const WITH_STATE: BenchResults = {
  ...FIXTURE,
  date: "2026-12-08T09:00:00.000Z",
  machine: "2 × test cpu, 8 GiB",
  pluginProcesses: {
    ratios: { startMs: 1.1, startRssMiB: 1.02 },
    dfcloud: { getSchemaMs: 61.5 },
    noop: { getSchemaMs: 9.6 },
  },
  sizes: {
    [SIZE_KEYS.noop]: { provider: 543, state: 2497 },
    [SIZE_KEYS.dynamic]: { provider: 761, state: 3226 },
    [SIZE_KEYS.noopNative]: { provider: 0, state: 1228 },
    [SIZE_KEYS.native]: { provider: 0, state: 1507 },
    Backup: { provider: 2400, state: 6700 },
  },
};

/** Each `<g class="row">` of the chart: its attributes and its value column's text. */
function rowsOf(svg: string) {
  return [...svg.matchAll(/<g class="row" ([^>]*)>([\s\S]*?)<\/g>/g)].map(
    ([, attributes = "", body = ""]) => {
      const attribute = (name: string) => new RegExp(`${name}="([^"]*)"`).exec(attributes)?.[1];
      const bar =
        /<rect class="bar" x="([\d.]+)" y="[\d.]+" width="([\d.]+)" height="\d+" fill="([^"]+)"/.exec(body);
      return {
        door: attribute("data-door"),
        measure: attribute("data-measure"),
        n: attribute("data-n"),
        ratio: attribute("data-ratio"),
        goal: attribute("data-goal"),
        value: /<text class="value"[^>]*>([^<]*)<\/text>/.exec(body)?.[1],
        bar: bar ? { x: Number(bar[1]), width: Number(bar[2]), fill: bar[3] } : undefined,
      };
    },
  );
}

/** The chart's axis: pixels per unit of ratio and where 1.0 is, from its own tick lines. */
function axisOf(svg: string): (ratio: number) => number {
  const ticks = new Map(
    [...svg.matchAll(/<line class="tick" data-value="([\d.]+)" x1="([\d.]+)"/g)].map(([, value, x]) => [
      Number(value),
      Number(x),
    ]),
  );
  const values = [...ticks.keys()].sort((a, b) => a - b);
  const first = values[0] as number;
  const last = values[values.length - 1] as number;
  const perUnit = ((ticks.get(last) as number) - (ticks.get(first) as number)) / (last - first);
  return (ratio) => (ticks.get(first) as number) + (ratio - first) * perUnit;
}

describe("bench chart (bench/results.svg)", () => {
  const svg = renderChart(FIXTURE);
  const rows = rowsOf(svg);

  it("draws one bar per row of results, labelled with its own ratio", () => {
    // 2 doors × 2 N × 4 commands, 2 doors × 2 N of peak RSS, the native plugin's spawn and RSS at the port.
    expect(rows).toHaveLength(22);
    const n100Preview = rows.find((r) => r.door === "native" && r.measure === "preview" && r.n === "100");
    expect(n100Preview?.ratio).toBe("1.40");
    expect(n100Preview?.value).toBe("1.40× · misses ≤ 1.15×");
    const spawn = rows.find((r) => r.measure === "spawn to port");
    expect(spawn).toMatchObject({ door: "native", n: undefined, ratio: "2.20", goal: "1.30" });
    const dynamic20Up = rows.find((r) => r.door === "dynamic" && r.measure === "up" && r.n === "20");
    expect(dynamic20Up?.value).toBe("1.03×");
    for (const row of rows) {
      expect(row.value?.startsWith(`${row.ratio}×`), `${row.door} ${row.measure} ${row.n}`).toBe(true);
    }
  });

  it("draws each bar from the no-op's 1.0 line to its ratio on the chart's axis", () => {
    const x = axisOf(svg);
    const noopLines = [...svg.matchAll(/<line class="noop" data-value="1.00" x1="([\d.]+)"/g)];
    expect(noopLines).toHaveLength(2);
    for (const [, x1] of noopLines) expect(Number(x1)).toBeCloseTo(x(1), 0);
    for (const row of rows) {
      expect(row.bar?.x).toBeCloseTo(x(1), 0);
      expect((row.bar?.x ?? 0) + (row.bar?.width ?? 0)).toBeCloseTo(x(Number(row.ratio)), 0);
    }
  });

  it("colours a bar by its verdict: meets, misses, or no goal", () => {
    const fill = (door: string, measure: string, n?: string) =>
      rows.find((r) => r.door === door && r.measure === measure && r.n === n)?.bar?.fill;
    expect(fill("native", "up", "20")).toBe("#2e7d32");
    expect(fill("native", "preview", "20")).toBe("#c62828");
    expect(fill("native", "peak RSS during up", "100")).toBe("#2e7d32");
    expect(fill("dynamic", "up", "100")).toBe("#2e7d32");
    expect(fill("dynamic", "destroy", "100")).toBe("#c62828");
    expect(fill("dynamic", "preview", "100")).toBe("#90a4ae");
  });

  it("draws the goal lines at the goal values, only on rows that have a goal", () => {
    const x = axisOf(svg);
    const lines = [
      ...svg.matchAll(/<line class="goal" data-goal="([\d.]+)" x1="([\d.]+)" y1="[\d.]+" x2="([\d.]+)"/g),
    ];
    expect(new Set(lines.map(([, goal]) => goal))).toEqual(new Set(["1.15", "1.30", "1.35"]));
    for (const [, goal, x1, x2] of lines) {
      expect(Number(x1)).toBeCloseTo(x(Number(goal)), 0);
      expect(x2).toBe(x1);
    }
    const goals = (door: string, n: string) =>
      rows
        .filter((r) => r.door === door && r.n === n && r.measure !== "peak RSS during up")
        .map((r) => r.goal);
    expect(goals("native", "20")).toEqual(["1.15", "1.15", "1.15", "1.15"]);
    expect(goals("dynamic", "20")).toEqual([undefined, undefined, undefined, undefined]);
    expect(goals("dynamic", "100")).toEqual([undefined, "1.35", undefined, "1.35"]);
  });

  it("is plain SVG a README can show: no script, no external font or reference", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/<script|@import|@font-face|url\(|href=/i);
    expect(svg).toMatch(/ratio to the matching no-op/);
    expect(svg).toMatch(/front door · measure · N/);
  });

  it("leaves out what a partial results file lacks", () => {
    const { pluginProcesses: _, ...withoutPlugins } = FIXTURE;
    expect(rowsOf(renderChart(withoutPlugins)).map((r) => r.measure)).not.toContain("spawn to port");
    expect(renderChart({})).toMatch(/no ratios in these results/);
  });

  it("bench/results.svg is the chart of bench/results.json (run `make bench-chart` after editing it)", () => {
    const read = (file: string) =>
      fs.existsSync(path.join(ROOT, file))
        ? (JSON.parse(fs.readFileSync(path.join(ROOT, file), "utf8")) as BenchResults)
        : undefined;
    const results = read("bench/results.json") ?? {};
    const onDisk = fs.readFileSync(path.join(ROOT, "bench/results.svg"), "utf8");
    expect(
      onDisk === renderChart(results, read("bench/results-previous.json")),
      "bench/results.svg is stale: run make bench-chart",
    ).toBe(true);
  });
});

describe("bench figures (bench/figures.ts)", () => {
  it("sets the cost floor's goals: native time on every row, dynamic time on up and destroy at N = 100", () => {
    expect(timeGoal("native", "preview", 20)).toBe(GOALS.nativeTime);
    expect(timeGoal("native", "refresh", 300)).toBe(GOALS.nativeTime);
    expect(timeGoal("dynamic", "up", 100)).toBe(GOALS.dynamicTime);
    expect(timeGoal("dynamic", "destroy", 100)).toBe(GOALS.dynamicTime);
    expect(timeGoal("dynamic", "preview", 100)).toBeUndefined();
    expect(timeGoal("dynamic", "up", 20)).toBeUndefined();
    expect(GOALS).toEqual({
      nativeTime: 1.15,
      dynamicTime: 1.35,
      spawnToPort: 1.3,
      peakRss: 1.3,
      getSchemaMs: 50,
      providerBytes: 800,
    });
  });

  it("judges a ratio at the two decimals the tables print", () => {
    expect(meets(1.154, 1.15)).toBe(true);
    expect(meets(1.156, 1.15)).toBe(false);
    expect(meets(2, undefined)).toBeUndefined();
  });

  it("lists rows in the chart's order, native first, each with its goal", () => {
    const rows = ratioRows(FIXTURE);
    expect(rows.slice(0, 4).map((r) => `${r.door} ${r.measure} ${r.n} ${r.goal}`)).toEqual([
      "native preview 20 1.15",
      "native up 20 1.15",
      "native refresh 20 1.15",
      "native destroy 20 1.15",
    ]);
    expect(
      rows.filter((r) => r.door === "dynamic" && r.measure === "peak RSS during up").map((r) => r.value),
    ).toEqual([1.37, 1.43]);
  });

  it("sets no memory goal for the dynamic provider: its RSS rows keep their figures, without a verdict", () => {
    const rss = figureRows(FIXTURE).filter((r) => r.measure === "peak RSS during up");
    expect(rss.map((r) => `${r.door} ${r.n} ${r.value} ${r.goal}`)).toEqual([
      "native 20 1.77 1.3",
      "native 100 1.25 1.3",
      "dynamic 20 1.37 undefined",
      "dynamic 100 1.43 undefined",
    ]);
  });

  it("judges the first GetSchema in ms and each dynamic kind's __provider in bytes, not as ratios", () => {
    const rows = figureRows(WITH_STATE);
    expect(rows.find((r) => r.measure === "first GetSchema")).toEqual({
      door: "native",
      measure: "first GetSchema",
      unit: "ms",
      value: 61.5,
      goal: GOALS.getSchemaMs,
      noop: 9.6,
    });
    const provider = rows.filter((r) => r.measure === "`__provider` per resource");
    expect(provider.map((r) => [r.kind, r.value, r.goal, meets(r.value, r.goal)])).toEqual([
      ["BackupSchedule", 761, 800, true],
      ["Backup", 2400, 800, false],
    ]);
    // Only ratios are drawn: the chart has no axis for ms or bytes.
    expect(ratioRows(WITH_STATE).every((r) => r.unit === "ratio")).toBe(true);
    expect(ratioRows(WITH_STATE)).toHaveLength(22);
  });
});

describe("two runs side by side (results.md goals table)", () => {
  it("matches rows by door, measure, N and kind, with — where a run lacks the row", () => {
    const { n20: _, ...only100 } = FIXTURE.overhead ?? {};
    const previous: BenchResults = { ...FIXTURE, overhead: only100 };
    const compared = compareRuns(WITH_STATE, previous);
    const at = (key: string) => compared.find((c) => c.key === key);
    expect(at("native|up|100|")?.previous?.value).toBe(1.28);
    expect(at("native|up|100|")?.current?.value).toBe(1.28);
    expect(at("native|up|20|")?.previous).toBeUndefined();
    expect(at("native|spawn to port||")).toMatchObject({ previous: { value: 2.2 }, current: { value: 1.1 } });
    // Rows without a goal are not listed, except the state sizes beside the __provider goal.
    expect(at("dynamic|preview|100|")).toBeUndefined();
    expect(at("dynamic|peak RSS during up|100|")).toBeUndefined();
    expect(at("dynamic|state per resource||BackupSchedule")?.current?.value).toBe(3226);

    const table = comparisonTable(WITH_STATE, previous);
    const line = (start: string) => table.split("\n").find((l) => l.startsWith(start));
    expect(line("| native plugin · N = 20 · `preview` |")).toBe(
      "| native plugin · N = 20 · `preview` | ≤ 1.15× | — |  | 1.34× | **fail** |",
    );
    expect(line("| native plugin · spawn to port |")).toBe(
      "| native plugin · spawn to port | ≤ 1.30× | 2.20× | **fail** | 1.10× | pass |",
    );
    expect(line("| native plugin · first GetSchema |")).toBe(
      "| native plugin · first GetSchema | ≤ 50.0 ms | — |  | 61.5 ms (no-op 9.6 ms) | **fail** |",
    );
    expect(line("| dynamic provider · N = 100 · `destroy` |")).toBe(
      "| dynamic provider · N = 100 · `destroy` | ≤ 1.35× | 1.79× | **fail** | 1.79× | **fail** |",
    );
    expect(line("| dynamic provider · Backup · `__provider` per resource |")).toBe(
      "| dynamic provider · Backup · `__provider` per resource | ≤ 800 B | — |  | 2,400 B | **fail** |",
    );
    // Both runs' context in the caption: date, machine, N.
    expect(table).toContain("Previous run: 2026-12-07 10:00 UTC; N = 100; medians of 3 runs.");
    expect(table).toContain(
      "This run: 2026-12-08 09:00 UTC on 2 × test cpu, 8 GiB; N = 20, 100; medians of 3 runs.",
    );
  });

  it("keeps a row only the previous run measured, with — for this run", () => {
    const compared = compareRuns({ overhead: { n100: FIXTURE.overhead?.n100 ?? {} } }, FIXTURE);
    const only = compared.find((c) => c.key === "native|destroy|20|");
    expect(only?.previous?.value).toBe(1.19);
    expect(only?.current).toBeUndefined();
    expect(comparisonTable({}, undefined)).toContain("Previous run: none kept yet");
  });

  it("draws the previous run's ratio as a dot on the same row", () => {
    const previous: BenchResults = { ...FIXTURE, overhead: { n100: FIXTURE.overhead?.n100 ?? {} } };
    const svg = renderChart(WITH_STATE, previous);
    const x = axisOf(svg);
    const dots = [...svg.matchAll(/<g class="row" ([^>]*)>([\s\S]*?)<\/g>/g)].flatMap(
      ([, attributes = "", body = ""]) => {
        const cx = /<circle class="previous" cx="([\d.]+)"/.exec(body)?.[1];
        return cx === undefined ? [] : [{ attributes, cx: Number(cx) }];
      },
    );
    // Per door the four commands and the RSS row at N = 100, and the two plugin rows; none at N = 20,
    // which the previous run lacks.
    expect(dots).toHaveLength(2 * 5 + 2);
    for (const { attributes, cx } of dots) {
      expect(attributes).not.toContain('data-n="20"');
      const was = Number(/data-previous="([\d.]+)"/.exec(attributes)?.[1]);
      expect(cx).toBeCloseTo(x(was), 0);
    }
    expect(renderChart(WITH_STATE)).not.toContain('class="previous"');
  });

  it("gives each command's growth from one N to the next as the ratio of the medians, against linear", () => {
    const results: BenchResults = {
      overhead: {
        n300: { up: { nativeMs: 9000, noopNativeMs: 6000, oursMs: 24000, noopMs: 12000 } },
        n100: { up: { nativeMs: 4000, noopNativeMs: 3000, oursMs: 8000, noopMs: 6000 } },
      },
    };
    const up = growthRows(results).find((g) => g.step === "up");
    expect(up).toEqual({
      step: "up",
      from: 100,
      to: 300,
      linear: 3,
      native: 2.25,
      noopNative: 2,
      ours: 3,
      noop: 2,
    });
    // A command missing at one N has no growth figures, only the pair of N.
    expect(growthRows(results).find((g) => g.step === "preview")).toEqual({
      step: "preview",
      from: 100,
      to: 300,
      linear: 3,
    });
    expect(growthRows({ overhead: { n20: {} } })).toEqual([]);
  });
});
