/**
 * `make bench-chart`: redraws bench/results.svg from bench/results.json (and the previous full run's
 * bench/results-previous.json, when there is one) without running the bench: the same chart `make bench`
 * writes after its results, e.g. after the chart's drawing changed.
 */
import * as path from "node:path";
import { writeChartFile } from "./chart";

const json = path.join(__dirname, "results.json");
const previous = path.join(__dirname, "results-previous.json");
const svg = path.join(__dirname, "results.svg");
writeChartFile(json, svg, previous);
console.log(`wrote ${path.relative(process.cwd(), svg)} from ${path.relative(process.cwd(), json)}`);
