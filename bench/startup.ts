/**
 * How the native plugin starts, side by side with the no-op plugin (bench/noop-plugin) in one run:
 * each launch mode from spawn to the port on stdout, the first GetSchema over gRPC, the config calls
 * the engine makes before any resource call (GetPluginInfo, CheckConfig, Configure), and the peak
 * resident memory (VmHWM) at the port and after those calls; then, optionally, the peak memory of the
 * plugin process during `up` of N BackupSchedules against N no-op resources.
 *
 *   npx vitest run --config bench/startup.config.mts
 *
 * STARTUP_RUNS (default 15, 0 to skip) sets the starts per mode (modes take turns, so load on the
 * machine falls on all of them alike); STARTUP_UP_SIZE (default 100, 0 to skip) the N of the `up`
 * section and STARTUP_UP_RUNS (default 2) its runs; STARTUP_COMPARE_DIR another build's plugin folder
 * (a copy of .tools/plugin/dfcloud-backups kept from before a change), measured in the same run as a
 * mode of its own, and in the `up` section. Needs `make plugin` (and `make tools` for the `up`
 * section). Writes .test-work/startup-results.json and prints the tables docs/performance.md quotes.
 *
 * The launch modes, all from the folder scripts/build-plugin.sh builds (.tools/plugin/dfcloud-backups):
 * - the launcher as shipped (`#!/bin/sh` script, then `node` on the bundle's entry), with the compile
 *   cache its earlier starts wrote;
 * - the same with Node's compile cache disabled (NODE_DISABLE_COMPILE_CACHE=1): what V8's code cache
 *   is worth;
 * - the same with the cache folder removed before each start: a first start, which writes the cache;
 * - `PulumiPlugin.yaml` (`runtime: nodejs`): what the Node.js language host runs for such a plugin,
 *   `node @pulumi/pulumi/cmd/run-plugin <folder> <engine>`, with @pulumi/pulumi (and the TypeScript
 *   compiler it loads) resolved from the repository's node_modules, as such a plugin must carry them.
 *   The language host's own start, which the engine pays too for a plugin of a program that is not
 *   Node.js, is not counted.
 * A single-executable application is not measured: Node 24 writes the blob (`--experimental-sea-config`)
 * but injecting it into a copy of `node` takes the `postject` npm package, which this repository does
 * not depend on.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { nativeToken, PACKAGE } from "@pulumi-dfcloud/provider";
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../tests/engine/harness";
import {
  API_KEY,
  buildNoopPlugin,
  DFCLOUD_PLUGIN_DIR,
  ENGINE_SIGINT_GRACE_MS,
  emulatorStack,
  INSTANT,
  measurementContext,
  median,
  NativeResource,
  ProviderSampler,
  seedDatastores,
  timed,
} from "./lib";

const RUNS = Number(process.env.STARTUP_RUNS ?? 15);
const UP_SIZE = Number(process.env.STARTUP_UP_SIZE ?? 100);
const UP_RUNS = Number(process.env.STARTUP_UP_RUNS ?? 2);
/** Another build's plugin folder (a copy of .tools/plugin/dfcloud-backups from before a change), measured beside this one. */
const COMPARE_DIR = process.env.STARTUP_COMPARE_DIR;

/** The plugin's executable, and its JavaScript entry beside it. */
const EXECUTABLE = `pulumi-resource-${PACKAGE}`;
/** The compile cache folder the build warms inside the plugin folder (scripts/build-plugin.sh). */
const CACHE_DIR = ".compile-cache";

/** How one mode is started: the command, its arguments before the engine address, and its environment. */
interface LaunchMode {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** Runs before each start (outside the timing). */
  readonly before?: () => void;
}

/** One start: spawn to port, GetSchema, the config calls, memory; the process is then stopped as the engine stops it. */
interface StartSample {
  startMs: number;
  startRssMiB: number;
  getSchemaMs: number;
  configCallsMs: number;
  afterConfigRssMiB: number;
}

/** Peak resident memory (VmHWM) of `pid`, MiB. */
function peakRssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
  return Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
}

/** A unary call on the provider client as a promise. */
function call<Req, Res>(
  method: (request: Req, callback: (error: grpc.ServiceError | null, response: Res) => void) => unknown,
  request: Req,
): Promise<Res> {
  return new Promise((resolve, reject) =>
    method(request, (error, response) => (error ? reject(error) : resolve(response))),
  );
}

/**
 * Starts `mode` in a process group of its own with an engine address nothing listens on (as
 * bench/lib.ts `pluginLifecycle`), waits for its port, asks GetSchema, then GetPluginInfo, CheckConfig
 * and Configure with the emulator-free config a stack would send, reads its peak memory, and stops it
 * with SIGINT to the group (SIGKILL after the engine's grace), so that a first start writes its cache.
 */
async function startOnce(mode: LaunchMode): Promise<StartSample> {
  mode.before?.();
  const started = performance.now();
  const child = spawn(mode.command, [...mode.args, "127.0.0.1:1"], {
    detached: true,
    stdio: ["ignore", "pipe", "inherit"],
    env: { ...process.env, ...mode.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${mode.label} did not start`);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  try {
    const port = await new Promise<number>((resolve, reject) => {
      let text = "";
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`${mode.label} exited (${code}) before its port`)));
      child.stdout.on("data", (chunk: Buffer) => {
        text += chunk.toString();
        const line = text.split("\n");
        if (line.length > 1) resolve(Number(line[0]));
      });
    });
    const startMs = performance.now() - started;
    const startRssMiB = peakRssMiB(pid);
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    try {
      const schemaCall = await timed(() =>
        call<provproto.GetSchemaRequest, provproto.GetSchemaResponse>(
          client.getSchema.bind(client),
          new provproto.GetSchemaRequest().setVersion(0),
        ),
      );
      expect(JSON.parse(schemaCall.result.getSchema()).name).toBeTypeOf("string");
      const config = Struct.fromJavaScript({ apiUrl: "http://127.0.0.1:9", apiKey: "dragonflydb_x" });
      const configCalls = await timed(async () => {
        await call(client.getPluginInfo.bind(client), new emptyproto.Empty());
        await call(client.checkConfig.bind(client), new provproto.CheckRequest().setNews(config));
        await call(client.configure.bind(client), new provproto.ConfigureRequest().setArgs(config));
      });
      return {
        startMs,
        startRssMiB,
        getSchemaMs: schemaCall.ms,
        configCallsMs: configCalls.ms,
        afterConfigRssMiB: peakRssMiB(pid),
      };
    } finally {
      client.close();
    }
  } finally {
    const grace = setTimeout(() => process.kill(-pid, "SIGKILL"), ENGINE_SIGINT_GRACE_MS);
    process.kill(-pid, "SIGINT");
    await exited;
    clearTimeout(grace);
  }
}

/** The plugin's JavaScript entry in `dir`: the file its launcher runs. */
function entryOf(dir: string): string {
  const entry = fs.readdirSync(dir).find((name) => /^pulumi-resource-.*\.(c|m)?js$/.test(name));
  if (!entry) throw new Error(`no pulumi-resource-*.js entry in ${dir}`);
  return path.join(dir, entry);
}

/**
 * A copy of the plugin folder laid out as a `PulumiPlugin.yaml` plugin (`runtime: nodejs`,
 * package.json's `main` the bundle's entry) whose node_modules is the repository's.
 */
function pulumiPluginYamlFolder(work: string): string {
  const dir = path.join(work, "pulumiplugin-yaml");
  fs.cpSync(DFCLOUD_PLUGIN_DIR, dir, { recursive: true });
  fs.rmSync(path.join(dir, EXECUTABLE));
  fs.writeFileSync(path.join(dir, "PulumiPlugin.yaml"), "runtime: nodejs\n");
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ name: `pulumi-resource-${PACKAGE}`, main: path.basename(entryOf(dir)) }),
  );
  fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(dir, "node_modules"));
  return dir;
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "dfcloud-startup-"));
const results: Record<string, unknown> = measurementContext(RUNS);
const tables: string[] = [];

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
  fs.mkdirSync(path.join(ROOT, ".test-work"), { recursive: true });
  fs.writeFileSync(
    path.join(ROOT, ".test-work", "startup-results.json"),
    `${JSON.stringify(results, null, 2)}\n`,
  );
  console.log(
    [`Measured ${results.date} on ${results.machine}, Node ${results.node}.`, "", ...tables].join("\n"),
  );
});

describe.runIf(RUNS > 0)("the native plugin's start", () => {
  it("measures each launch mode against the no-op plugin, turn by turn", async () => {
    expect(fs.existsSync(path.join(DFCLOUD_PLUGIN_DIR, EXECUTABLE))).toBe(true);
    const launcher = path.join(DFCLOUD_PLUGIN_DIR, EXECUTABLE);
    const coldDir = path.join(work, "cold");
    fs.cpSync(DFCLOUD_PLUGIN_DIR, coldDir, { recursive: true });
    const yamlDir = pulumiPluginYamlFolder(work);
    const modes: LaunchMode[] = [
      {
        label: "`pulumi-resource-noop`: launcher + bundle",
        command: path.join(buildNoopPlugin(), "pulumi-resource-noop"),
        args: [],
      },
      { label: "launcher + bundle, as built", command: launcher, args: [] },
      {
        label: "launcher + bundle, compile cache off",
        command: launcher,
        args: [],
        env: { NODE_DISABLE_COMPILE_CACHE: "1" },
      },
      {
        label: "launcher + bundle, first start (no cache yet)",
        command: path.join(coldDir, EXECUTABLE),
        args: [],
        before: () => fs.rmSync(path.join(coldDir, CACHE_DIR), { recursive: true, force: true }),
      },
      ...(COMPARE_DIR
        ? [
            {
              label: `launcher + bundle, from ${COMPARE_DIR}`,
              command: path.join(COMPARE_DIR, EXECUTABLE),
              args: [],
            },
          ]
        : []),
      {
        label: "`PulumiPlugin.yaml`, `runtime: nodejs`",
        command: process.execPath,
        args: [path.join(ROOT, "node_modules/@pulumi/pulumi/cmd/run-plugin/index.js"), yamlDir],
      },
    ];
    const samples = new Map<LaunchMode, StartSample[]>(modes.map((mode) => [mode, []]));
    // One warm-up start each (not counted): the first start of a process after a build pays for the page cache.
    for (const mode of modes) await startOnce(mode);
    for (let run = 0; run < RUNS; run++) {
      const order = run % 2 === 0 ? modes : [...modes].reverse();
      for (const mode of order) samples.get(mode)?.push(await startOnce(mode));
    }
    const noop = samples.get(modes[0] as LaunchMode) ?? [];
    const of = (list: StartSample[], key: keyof StartSample) => median(list.map((s) => s[key]));
    const rows = modes.map((mode) => {
      const list = samples.get(mode) ?? [];
      const figures = {
        startMs: of(list, "startMs"),
        startRssMiB: of(list, "startRssMiB"),
        getSchemaMs: of(list, "getSchemaMs"),
        configCallsMs: of(list, "configCallsMs"),
        afterConfigRssMiB: of(list, "afterConfigRssMiB"),
      };
      return { mode: mode.label, ...figures, startRatio: figures.startMs / of(noop, "startMs") };
    });
    results.modes = rows;
    results.samples = Object.fromEntries(modes.map((mode) => [mode.label, samples.get(mode)]));
    const ms = (value: number) => value.toFixed(0);
    tables.push(
      `### Start-up by launch mode (medians of ${RUNS} starts each, modes taking turns)`,
      "",
      "| mode | spawn to port (ms) | / no-op | GetSchema (ms) | GetPluginInfo + CheckConfig + Configure (ms) | peak RSS at the port (MiB) | / no-op | after those calls (MiB) |",
      "|---|---|---|---|---|---|---|---|",
      ...rows.map(
        (row) =>
          `| ${row.mode} | ${ms(row.startMs)} | ${row.startRatio.toFixed(2)} | ${row.getSchemaMs.toFixed(1)} | ` +
          `${row.configCallsMs.toFixed(1)} | ${row.startRssMiB.toFixed(1)} | ` +
          `${(row.startRssMiB / of(noop, "startRssMiB")).toFixed(2)} | ${row.afterConfigRssMiB.toFixed(1)} |`,
      ),
      "| single-executable application | not measured: injecting the blob needs `postject` (Node 24) | | | | | | |",
      "",
    );
  });
});

describe.runIf(UP_SIZE > 0)("the plugin process during `up`", () => {
  let emulator: RunningEmulator;

  afterAll(() => emulator?.close());

  it(`peaks at a memory against the no-op plugin's, N = ${UP_SIZE}`, async () => {
    emulator = await startEmulator({ apiKeys: [API_KEY], timeScale: 0, durations: INSTANT });
    const datastores = await seedDatastores(emulator, UP_SIZE, "startup");
    const noopDir = buildNoopPlugin();
    const variants = {
      noop: {
        plugin: { name: "noop", path: noopDir },
        command: "pulumi-resource-noop",
        token: "noop:index:Thing",
      },
      native: {
        plugin: { name: PACKAGE, path: DFCLOUD_PLUGIN_DIR },
        command: EXECUTABLE,
        token: nativeToken("BackupSchedule"),
      },
      compared: {
        plugin: { name: PACKAGE, path: COMPARE_DIR ?? "" },
        command: EXECUTABLE,
        token: nativeToken("BackupSchedule"),
      },
    } as const;
    const names = COMPARE_DIR ? (["noop", "native", "compared"] as const) : (["noop", "native"] as const);
    const peaks: Record<keyof typeof variants, { peakRssMiB: number; cpuMs: number; upMs: number }[]> = {
      noop: [],
      native: [],
      compared: [],
    };
    for (let run = 0; run < UP_RUNS; run++) {
      for (const name of names) {
        const variant = variants[name];
        const { stack } = await emulatorStack(
          `startup-${name}-${run}`,
          async () => {
            for (let i = 0; i < UP_SIZE; i++) {
              new NativeResource(variant.token, `schedule-${i}`, {
                datastoreId: datastores[i] as string,
                days: ["mon", "thu"],
                hours: [2, 14],
                retentionDays: 7,
              });
            }
          },
          emulator,
          { plugins: [variant.plugin] },
        );
        const sampler = new ProviderSampler(variant.command);
        const up = await timed(() => stack.up());
        const usage = sampler.stop();
        expect(up.result.summary.resourceChanges).toMatchObject({ create: UP_SIZE + 1 });
        peaks[name].push({ peakRssMiB: usage.peakRssMiB, cpuMs: usage.cpuMs, upMs: up.ms });
        await stack.destroy();
      }
    }
    const rss = (name: keyof typeof variants) => median(peaks[name].map((p) => p.peakRssMiB));
    const upMs = (name: keyof typeof variants) => median(peaks[name].map((p) => p.upMs));
    const cpuMs = (name: keyof typeof variants) => median(peaks[name].map((p) => p.cpuMs));
    results.up = { n: UP_SIZE, runs: UP_RUNS, peaks };
    tables.push(
      `### The plugin process during \`up\` of N = ${UP_SIZE} (medians of ${UP_RUNS})`,
      "",
      "| plugin | peak RSS (MiB) | / no-op | CPU (s) | `up` (s) |",
      "|---|---|---|---|---|",
      `| \`pulumi-resource-noop\` | ${rss("noop").toFixed(0)} | 1.00 | ${(cpuMs("noop") / 1000).toFixed(2)} | ${(upMs("noop") / 1000).toFixed(2)} |`,
      ...names
        .filter((name) => name !== "noop")
        .map(
          (name) =>
            `| \`${EXECUTABLE}\`${name === "compared" ? ` from ${COMPARE_DIR}` : ""} | ${rss(name).toFixed(0)} | ` +
            `${(rss(name) / rss("noop")).toFixed(2)} | ${(cpuMs(name) / 1000).toFixed(2)} | ${(upMs(name) / 1000).toFixed(2)} |`,
        ),
      "",
    );
  });
});
