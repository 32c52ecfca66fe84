/**
 * bench/results.svg: every ratio of bench/results.json to its no-op as one horizontal bar, drawn from the
 * no-op's 1.0 line, with each row's cost-floor goal as a dashed line and, where the previous full run
 * (bench/results-previous.json) measured the same row, its ratio as a hollow dot. Plain SVG (no script, no web
 * font, a white background) so it reads the same in a GitHub README in light and dark mode.
 * `make bench` writes it after results.json; `make bench-chart` redraws it from the committed file.
 */
import * as fs from "node:fs";
import { type BenchResults, type FigureRow, meets, ratioRows, rowKey } from "./figures";

/** Pixel layout of the chart. */
const WIDTH = 900;
/** Row labels end here (right-aligned). */
const LABEL_RIGHT = 212;
/** The plot area's left and right edges. */
const PLOT_LEFT = 224;
const PLOT_RIGHT = 690;
/** Where the value column (ratio, verdict, goal) starts. */
const VALUE_LEFT = 704;
/** The plot's first row starts here, below the title and the legend. */
const PLOT_TOP = 96;
const ROW_HEIGHT = 20;
const BAR_HEIGHT = 12;
const GROUP_HEADER_HEIGHT = 26;
/** Extra space between blocks of rows (another N, or the process rows). */
const BLOCK_GAP = 6;
/** The previous run's dot on a row. */
const PREVIOUS_DOT_RADIUS = 3.5;

const COLOURS = {
  pass: "#2e7d32",
  previous: "#424242",
  fail: "#c62828",
  none: "#90a4ae",
  goal: "#1a237e",
  noop: "#212121",
  grid: "#e0e0e0",
  text: "#212121",
  muted: "#616161",
} as const;

/** How each door's group is headed. */
const GROUP_TITLES: Record<FigureRow["door"], string> = {
  native: "Native plugin ÷ no-op native plugin",
  dynamic: "Dynamic provider ÷ no-op dynamic resource",
};

/** The bench sections whose figures the chart draws (bench.ts BENCH_SECTIONS names). */
const CHARTED_SECTIONS = ["overhead", "plugins"];

/** `1 run`, `3 runs`. */
const plural = (count: number, noun: string) => `${count} ${noun}${count === 1 ? "" : "s"}`;

/** Text for SVG character data and attribute values. */
function escapeXml(text: string): string {
  return text
    .replaceAll("&", "&amp;")
    .replaceAll("<", "&lt;")
    .replaceAll(">", "&gt;")
    .replaceAll('"', "&quot;");
}

/** A number as SVG writes it: at most one decimal, no trailing zeros. */
const px = (value: number) => String(Math.round(value * 10) / 10);

/** A ratio as the chart and the tables print it: `1.34×`. */
export function ratioLabel(ratio: number): string {
  return `${ratio.toFixed(2)}×`;
}

/** The row's label left of its bar: `N = 100 · up`, or the measure alone for rows without N. */
function rowLabel(row: FigureRow): string {
  return row.n === undefined ? row.measure : `N = ${row.n} · ${row.measure}`;
}

/** Which block a row belongs to inside its group: rows of one block sit together, blocks a gap apart. */
function blockOf(row: FigureRow): string {
  if (row.n === undefined) return "process";
  return row.measure === "peak RSS during up" ? "rss" : `time-${row.n}`;
}

/** The x axis: from `low` to `high`, ticks every `step`, all multiples of `step` (1.0 is always a tick). */
function axisFor(
  rows: readonly FigureRow[],
  previous: readonly number[],
): { low: number; high: number; step: number } {
  const values = [
    ...rows.flatMap((row) => (row.goal === undefined ? [row.value] : [row.value, row.goal])),
    ...previous,
  ];
  const smallest = Math.min(0.9, ...values);
  const largest = Math.max(1.5, ...values);
  const span = largest - smallest;
  const step = span <= 1.2 ? 0.1 : span <= 2.4 ? 0.2 : span <= 6 ? 0.5 : 1;
  const low = Math.max(0, Math.floor(smallest / step - 1e-9) * step);
  // One step of room past the largest figure, so no bar ends on the plot's edge.
  const high = (Math.ceil(largest / step + 1e-9) + 1) * step;
  return { low: Math.round(low * 100) / 100, high: Math.round(high * 100) / 100, step };
}

/**
 * The chart of every ratio results.json holds (figures.ts `ratioRows`): per door a group of bars, one
 * per row (command × N, then the process's memory and start-up), each drawn from the no-op's 1.0 line
 * to its ratio and coloured by its verdict (meets its goal, misses it, no goal); each run of rows with
 * one goal gets one dashed goal line at that goal. Each bar's row is a `<g class="row">` whose
 * `data-ratio` and `data-goal` carry the figures, and whose value column prints them. With `previous`
 * (the previous full run's results), a row that run also measured gets a hollow dot at its ratio then
 * (`<circle class="previous">`, its figure in the row's `data-previous`).
 */
export function renderChart(results: BenchResults, previous?: BenchResults): string {
  const rows = ratioRows(results);
  const before = new Map(ratioRows(previous ?? {}).map((row) => [rowKey(row), row.value]));
  const previousOf = (row: FigureRow) => before.get(rowKey(row));
  const { low, high, step } = axisFor(
    rows,
    rows.map(previousOf).filter((value): value is number => value !== undefined),
  );
  const x = (ratio: number) =>
    PLOT_LEFT + ((Math.min(Math.max(ratio, low), high) - low) / (high - low)) * (PLOT_RIGHT - PLOT_LEFT);

  // Lay the rows out: a header per door, a gap between blocks.
  const placed: { row: FigureRow; y: number }[] = [];
  const headers: { title: string; y: number }[] = [];
  let y = PLOT_TOP;
  let above: FigureRow | undefined;
  for (const row of rows) {
    if (row.door !== above?.door) {
      headers.push({ title: GROUP_TITLES[row.door], y });
      y += GROUP_HEADER_HEIGHT;
    } else if (blockOf(row) !== blockOf(above)) {
      y += BLOCK_GAP;
    }
    placed.push({ row, y });
    y += ROW_HEIGHT;
    above = row;
  }
  const plotBottom = y + 4;
  const height = plotBottom + 58;

  const parts: string[] = [];
  const date = results.date ? ` of ${results.date.slice(0, 10)}` : "";
  const previousNote =
    previous && before.size > 0
      ? ` Dots: the previous run${previous.date ? ` of ${previous.date.slice(0, 10)}` : ""}.`
      : "";
  const runs = results.runs ? `, medians of per-run ratios over ${plural(results.runs, "run")}` : "";
  // The latest run of some sections that replaced figures this chart draws, if any.
  const partial = (results.partialRuns ?? [])
    .filter((run) => run.sections?.some((section) => CHARTED_SECTIONS.includes(section)))
    .at(-1);
  const partialNote = partial
    ? `; ${(partial.sections ?? []).join(", ")} measured alone${partial.date ? ` ${partial.date.slice(0, 10)}` : ""}` +
      `${partial.runs ? ` (${plural(partial.runs, "run")})` : ""}`
    : "";
  parts.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${px(height)}" viewBox="0 0 ${WIDTH} ${px(height)}" ` +
      `font-family="Helvetica, Arial, sans-serif" font-size="12" role="img" aria-labelledby="chart-title chart-desc">`,
    `<title id="chart-title">pulumi-dfcloud against no-op providers</title>`,
    `<desc id="chart-desc">Each bar is one measured row: the provider's time or memory divided by a no-op provider's, measured side by side. Dashed lines are the goals.</desc>`,
    `<rect width="100%" height="100%" fill="#ffffff"/>`,
    `<text x="16" y="24" font-size="15" font-weight="bold" fill="${COLOURS.text}">pulumi-dfcloud against no-op providers: time and memory ÷ the no-op's (lower is better)</text>`,
    `<text x="16" y="43" fill="${COLOURS.muted}">${escapeXml(`make bench${date}${runs}${partialNote}; each pair ran side by side in one run.${previousNote}`)}</text>`,
  );

  // Legend.
  const legend: [string, string][] = [
    [COLOURS.pass, "meets its goal"],
    [COLOURS.fail, "misses its goal"],
    [COLOURS.none, "no goal for this row"],
  ];
  let lx = 16;
  for (const [colour, text] of legend) {
    parts.push(
      `<rect x="${lx}" y="56" width="14" height="${BAR_HEIGHT}" fill="${colour}"/>`,
      `<text x="${lx + 19}" y="66" fill="${COLOURS.text}">${text}</text>`,
    );
    lx += 19 + text.length * 6.5 + 18;
  }
  parts.push(
    `<line x1="${px(lx)}" y1="62" x2="${px(lx + 22)}" y2="62" stroke="${COLOURS.goal}" stroke-width="2" stroke-dasharray="4 3"/>`,
    `<text x="${px(lx + 27)}" y="66" fill="${COLOURS.text}">goal (at most)</text>`,
  );
  lx += 27 + 14 * 6.5 + 18;
  parts.push(
    `<line x1="${px(lx)}" y1="62" x2="${px(lx + 22)}" y2="62" stroke="${COLOURS.noop}" stroke-width="2"/>`,
    `<text x="${px(lx + 27)}" y="66" fill="${COLOURS.text}">the no-op (1.00×)</text>`,
  );
  if (previousNote) {
    lx += 27 + 17 * 6.5 + 18;
    parts.push(
      `<circle cx="${px(lx + 6)}" cy="62" r="${PREVIOUS_DOT_RADIUS}" fill="#ffffff" stroke="${COLOURS.previous}" stroke-width="1.5"/>`,
      `<text x="${px(lx + 15)}" y="66" fill="${COLOURS.text}">previous run</text>`,
    );
  }

  // Grid and x axis (at the bottom), with the no-op's 1.0 line over the grid.
  const ticks: number[] = [];
  for (let i = 0; low + i * step <= high + 1e-9; i++) ticks.push(Math.round((low + i * step) * 100) / 100);
  for (const tick of ticks) {
    parts.push(
      `<line class="tick" data-value="${tick.toFixed(2)}" x1="${px(x(tick))}" y1="${PLOT_TOP - 4}" x2="${px(x(tick))}" y2="${px(plotBottom)}" stroke="${COLOURS.grid}" stroke-width="1"/>`,
      `<text x="${px(x(tick))}" y="${px(plotBottom + 16)}" text-anchor="middle" fill="${COLOURS.text}">${tick.toFixed(1)}×</text>`,
    );
  }
  parts.push(
    `<line x1="${PLOT_LEFT}" y1="${px(plotBottom)}" x2="${PLOT_RIGHT}" y2="${px(plotBottom)}" stroke="${COLOURS.noop}" stroke-width="1"/>`,
    `<text x="${px((PLOT_LEFT + PLOT_RIGHT) / 2)}" y="${px(plotBottom + 36)}" text-anchor="middle" fill="${COLOURS.text}">ratio to the matching no-op (× ; 1.0 = costs what the no-op costs)</text>`,
  );

  // Each door's header on a band of its own, over the grid.
  for (const header of headers) {
    parts.push(
      `<rect x="30" y="${px(header.y)}" width="${WIDTH - 30}" height="${GROUP_HEADER_HEIGHT - 2}" fill="#ffffff"/>`,
      `<text x="34" y="${header.y + 17}" font-weight="bold" fill="${COLOURS.text}">${escapeXml(header.title)}</text>`,
    );
  }

  parts.push(
    `<text transform="translate(18 ${px((PLOT_TOP + plotBottom) / 2)}) rotate(-90)" text-anchor="middle" fill="${COLOURS.text}">front door · measure · N</text>`,
  );

  // The bars, each in its row's group.
  for (const { row, y: top } of placed) {
    const met = meets(row.value, row.goal);
    const colour = met === undefined ? COLOURS.none : met ? COLOURS.pass : COLOURS.fail;
    const from = x(Math.min(1, row.value));
    const to = x(Math.max(1, row.value));
    const barTop = top + (ROW_HEIGHT - BAR_HEIGHT) / 2;
    const verdict = met === undefined ? "" : met ? "meets" : "misses";
    const value =
      row.goal === undefined
        ? ratioLabel(row.value)
        : `${ratioLabel(row.value)} · ${verdict} ≤ ${ratioLabel(row.goal)}`;
    const goalAttribute = row.goal === undefined ? "" : ` data-goal="${row.goal.toFixed(2)}"`;
    const was = previousOf(row);
    const previousAttribute = was === undefined ? "" : ` data-previous="${was.toFixed(2)}"`;
    const previousTitle = was === undefined ? "" : `; previous run ${ratioLabel(was)}`;
    parts.push(
      `<g class="row" data-door="${row.door}" data-measure="${escapeXml(row.measure)}"${row.n === undefined ? "" : ` data-n="${row.n}"`} data-ratio="${row.value.toFixed(2)}"${goalAttribute}${previousAttribute}>`,
      `<title>${escapeXml(`${GROUP_TITLES[row.door]}, ${rowLabel(row)}: ${value}${previousTitle}`)}</title>`,
      `<text x="${LABEL_RIGHT}" y="${px(top + 14)}" text-anchor="end" fill="${COLOURS.text}">${escapeXml(rowLabel(row))}</text>`,
      `<rect class="bar" x="${px(from)}" y="${px(barTop)}" width="${px(Math.max(to - from, 1))}" height="${BAR_HEIGHT}" fill="${colour}"/>`,
      `<text class="value" x="${VALUE_LEFT}" y="${px(top + 14)}" fill="${met === false ? COLOURS.fail : COLOURS.text}">${escapeXml(value)}</text>`,
      ...(was === undefined
        ? []
        : [
            `<circle class="previous" cx="${px(x(was))}" cy="${px(top + ROW_HEIGHT / 2)}" r="${PREVIOUS_DOT_RADIUS}" fill="#ffffff" fill-opacity="0.7" stroke="${COLOURS.previous}" stroke-width="1.5"/>`,
          ]),
      `</g>`,
    );
  }

  // One dashed goal line per run of consecutive rows of one door with the same goal.
  for (let i = 0; i < placed.length; ) {
    const first = placed[i] as { row: FigureRow; y: number };
    let j = i + 1;
    while (
      j < placed.length &&
      placed[j]?.row.goal === first.row.goal &&
      placed[j]?.row.door === first.row.door
    )
      j++;
    const last = placed[j - 1] as { row: FigureRow; y: number };
    const goal = first.row.goal;
    if (goal !== undefined) {
      parts.push(
        `<line class="goal" data-goal="${goal.toFixed(2)}" x1="${px(x(goal))}" y1="${px(first.y + 1)}" x2="${px(x(goal))}" y2="${px(last.y + ROW_HEIGHT - 1)}" stroke="${COLOURS.goal}" stroke-width="2" stroke-dasharray="4 3"/>`,
      );
    }
    i = j;
  }

  // The no-op's 1.0 line of each door last, so it shows over every bar; below each header, not through it.
  headers.forEach((header, i) => {
    const top = header.y + GROUP_HEADER_HEIGHT - 2;
    const bottom = headers[i + 1]?.y ?? plotBottom;
    parts.push(
      `<line class="noop" data-value="1.00" x1="${px(x(1))}" y1="${px(top)}" x2="${px(x(1))}" y2="${px(bottom)}" stroke="${COLOURS.noop}" stroke-width="2"/>`,
    );
  });
  if (rows.length === 0) {
    parts.push(
      `<text x="${px((PLOT_LEFT + PLOT_RIGHT) / 2)}" y="${PLOT_TOP + 16}" text-anchor="middle" fill="${COLOURS.muted}">no ratios in these results</text>`,
    );
  }
  parts.push("</svg>");
  return `${parts.join("\n")}\n`;
}

/**
 * Reads bench results from `jsonFile` and writes their chart to `svgFile`, with the previous full run's
 * ratios from `previousFile` when that file exists.
 */
export function writeChartFile(jsonFile: string, svgFile: string, previousFile?: string): void {
  const results = JSON.parse(fs.readFileSync(jsonFile, "utf8")) as BenchResults;
  const previous =
    previousFile && fs.existsSync(previousFile)
      ? (JSON.parse(fs.readFileSync(previousFile, "utf8")) as BenchResults)
      : undefined;
  fs.writeFileSync(svgFile, renderChart(results, previous));
}
