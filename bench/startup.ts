/**
 * How the native plugin starts, side by side with the no-op plugin (bench/noop-plugin) in one run:
 * each launch mode from spawn to the port on stdout, the first GetSchema over gRPC, the config calls
 * the engine makes before any resource call (GetPluginInfo, CheckConfig, Configure), a first Check
 * sent at once after them (inputs every check refuses before any API call: what the first resource
 * operation of a command pays to load the operations' code, since the engine configures a default
 * provider right before the first Check of its package), and the peak resident memory (VmHWM) at the
 * port and after that Check; then, optionally, the peak memory of the
 * plugin process during `up` of N BackupSchedules against N no-op resources.
 *
 *   npx vitest run --config bench/startup.config.mts
 *
 * `make bench` runs it after bench.ts with STARTUP_UP_SIZE=0 (bench.ts measures the plugin process
 * during `up` itself).
 *
 * STARTUP_RUNS (default 15, 0 to skip) sets the starts per mode (modes take turns, so load on the
 * machine falls on all of them alike); STARTUP_UP_SIZE (default 100, 0 to skip) the N of the `up`
 * section and STARTUP_UP_RUNS (default 2) its runs; STARTUP_COMPARE_DIR another build's plugin folder
 * (a copy of .tools/plugin/dfcloud-backups kept from before a change), measured in the same run as a
 * mode of its own, and in the `up` section. Needs `make plugin` (and `make tools` for the `up`
 * section). Writes .test-work/startup-results.json (every sample) and bench/startup-results.md (the
 * tables docs/performance.md quotes, with when, where and how many starts), and prints the tables.
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
 * - a single-executable application (SEA): the whole plugin bundled into one CommonJS file
 *   (scripts/bundle-plugin.js `bundleSingleFile`, the shipped files' esbuild options), its blob written
 *   by this `node` with V8's code cache (`useCodeCache`) and the launcher's V8 flags (`execArgv`),
 *   injected into a copy of this `node` by postject ({@link buildSea}). What a user would download
 *   instead of the folder: its size and the folder's are reported beside the times.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as os from "node:os";
import * as path from "node:path";
import * as zlib from "node:zlib";
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
  bundleCommand,
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

/**
 * postject, which injects a SEA's blob into a copy of `node` (Node 24 writes the blob but cannot
 * inject it), at a pinned version, fetched by npx into npm's cache at the first build. Not a
 * dependency in package.json: only this measurement uses it, nothing the plugin ships or the tests
 * run, and npm's registry is reachable on every machine this repository supports (`make install`
 * fetches every package from it).
 */
const POSTJECT = "postject@1.0.0-alpha.6";
/** The string Node looks for in its own binary to know a SEA blob was injected (Node's SEA documentation). */
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
/** What Node prints when V8 refuses the code cache in a SEA's blob: the start would then compile everything. */
const CODE_CACHE_REJECTED = /Code cache data rejected/;
/** Decimal megabytes, as download sizes are given. */
const MB = 1_000_000;

/** scripts/bundle-plugin.js's export: the whole plugin as one CommonJS file. */
interface BundlePluginScript {
  bundleSingleFile(outfile: string): Promise<unknown>;
}
const { bundleSingleFile } = createRequire(path.join(ROOT, "package.json"))(
  "./scripts/bundle-plugin.js",
) as BundlePluginScript;

/** How one mode is started: the command, its arguments before the engine address, and its environment. */
interface LaunchMode {
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly env?: Record<string, string>;
  /** Runs before each start (outside the timing). */
  readonly before?: () => void;
  /** Standard error that voids the measurement of this mode: the start fails when it prints it. */
  readonly refuse?: RegExp;
  /** The type of the resource of the first Check. Default: the native BackupSchedule. */
  readonly resourceType?: string;
}

/** A BackupSchedule's inputs that its check refuses before any API call (no such day). */
const REFUSED_SCHEDULE_INPUTS = {
  datastoreId: "dst_startup",
  days: ["someday"],
  hours: [2],
  retentionDays: 7,
};

/** One start: spawn to port, GetSchema, the config calls, memory; the process is then stopped as the engine stops it. */
interface StartSample {
  startMs: number;
  startRssMiB: number;
  getSchemaMs: number;
  configCallsMs: number;
  firstCheckMs: number;
  afterFirstCheckRssMiB: number;
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
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...mode.env },
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${mode.label} did not start`);
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    process.stderr.write(chunk);
  });
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
      const type = mode.resourceType ?? nativeToken("BackupSchedule");
      const firstCheck = await timed(() =>
        call<provproto.CheckRequest, provproto.CheckResponse>(
          client.check.bind(client),
          new provproto.CheckRequest()
            .setUrn(`urn:pulumi:bench::startup::${type}::first`)
            .setType(type)
            .setOlds(new Struct())
            .setNews(Struct.fromJavaScript(REFUSED_SCHEDULE_INPUTS)),
        ),
      );
      if (mode.resourceType === undefined)
        expect(firstCheck.result.getFailuresList().map((failure) => failure.getProperty())).toEqual(["days"]);
      // Printed while the main script loads, before the port: read by now.
      const refused = mode.refuse?.exec(stderr);
      if (refused) throw new Error(`${mode.label}: ${refused[0]}`);
      return {
        startMs,
        startRssMiB,
        getSchemaMs: schemaCall.ms,
        configCallsMs: configCalls.ms,
        firstCheckMs: firstCheck.ms,
        afterFirstCheckRssMiB: peakRssMiB(pid),
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

/** The shipped launcher's command line: the environment it sets and the flags it gives `node`. */
interface LauncherCommandLine {
  /** Names of the variables set before `exec node` (e.g. MALLOC_ARENA_MAX). */
  readonly env: readonly string[];
  /** The options between `node` and the bundle's entry (the V8 flags). */
  readonly nodeFlags: readonly string[];
}

/** The command line of the built launcher (the line bench/lib.ts `bundleCommand` finds, as for the no-op). */
function launcherCommandLine(): LauncherCommandLine {
  const line = bundleCommand(path.join(DFCLOUD_PLUGIN_DIR, EXECUTABLE), `${EXECUTABLE}.js`, "ENTRY");
  const [before = "", after = ""] = line.split(/\bexec node\b/);
  return {
    env: [...before.matchAll(/\b([A-Z_][A-Z0-9_]*)=/g)].map((match) => match[1] as string),
    nodeFlags: after
      .trim()
      .split(/\s+/)
      .filter((token) => token.startsWith("-")),
  };
}

/** A SEA as {@link buildSea} built it, and what a user would download of it and of the plugin folder. */
interface SeaBuild {
  /** The executable, named as the plugin's. */
  readonly executable: string;
  /** The V8 flags in its blob (`execArgv`): the launcher's. */
  readonly execArgv: readonly string[];
  /** The launcher's environment the SEA goes without: a process cannot set it for itself before it starts. */
  readonly envNotSet: readonly string[];
  /** Bytes of the executable, and gzipped (as a release's .tar.gz would carry it). */
  readonly bytes: number;
  readonly gzipBytes: number;
}

/**
 * Builds the plugin as a single-executable application in `work`/sea: one CommonJS file (inside a SEA,
 * `require` loads only Node's built-in modules), a blob with V8's code cache of it and the launcher's
 * V8 flags, injected into a copy of this `node`. The blob is written by `node` run with those same
 * flags: V8 rejects code cache made under other flags, and the SEA then compiles everything at each
 * start (Node warns "Code cache data rejected"; the SEA mode refuses that warning). No startup snapshot
 * (`useSnapshot`): the main script would have to load the plugin without starting it and hand
 * `v8.startupSnapshot.setDeserializeMainFunction` the start, which plugin/src/main.ts does not split,
 * and Node 24's snapshot builder aborts ("global handle not serialized") on a script that only loads
 * @grpc/grpc-js (it warns, too, that it has not verified http, http2 and tls in user snapshots).
 */
async function buildSea(work: string): Promise<SeaBuild> {
  const dir = path.join(work, "sea");
  fs.mkdirSync(dir, { recursive: true });
  const main = path.join(dir, "plugin.js");
  await bundleSingleFile(main);
  const launcher = launcherCommandLine();
  const blob = path.join(dir, "sea-prep.blob");
  const config = path.join(dir, "sea-config.json");
  fs.writeFileSync(
    config,
    JSON.stringify({
      main,
      output: blob,
      disableExperimentalSEAWarning: true,
      useCodeCache: true,
      execArgv: launcher.nodeFlags,
    }),
  );
  execFileSync(process.execPath, [...launcher.nodeFlags, "--experimental-sea-config", config], {
    stdio: "pipe",
  });
  const executable = path.join(dir, EXECUTABLE);
  fs.copyFileSync(process.execPath, executable);
  fs.chmodSync(executable, 0o755);
  // stdio piped: postject warns about every ELF note section it cannot name; shown only when it fails.
  execFileSync("npx", ["--yes", POSTJECT, executable, "NODE_SEA_BLOB", blob, "--sentinel-fuse", SEA_FUSE], {
    stdio: "pipe",
  });
  return {
    executable,
    execArgv: launcher.nodeFlags,
    envNotSet: launcher.env,
    bytes: fs.statSync(executable).size,
    gzipBytes: zlib.gzipSync(fs.readFileSync(executable)).length,
  };
}

/** Bytes of the files in `dir` and below, Node's compile cache left out (each install writes its own). */
function folderBytes(dir: string): number {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && !path.join(entry.parentPath, entry.name).includes(`/${CACHE_DIR}`))
    .reduce((sum, entry) => sum + fs.statSync(path.join(entry.parentPath, entry.name)).size, 0);
}

/** The newest plugin tarball scripts/build-plugin.sh wrote beside the folder, if any. */
function pluginTarball(): string | undefined {
  const dir = path.dirname(DFCLOUD_PLUGIN_DIR);
  return fs
    .readdirSync(dir)
    .filter((name) => name.startsWith(`pulumi-resource-${PACKAGE}-`) && name.endsWith(".tar.gz"))
    .map((name) => path.join(dir, name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
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
  const context = `Measured ${results.date} on ${results.machine}, Node ${results.node}.`;
  console.log([context, "", ...tables].join("\n"));
  // Only a run that measured something replaces the tables of the last one.
  if (tables.length > 0)
    fs.writeFileSync(
      path.join(ROOT, "bench", "startup-results.md"),
      [
        "# The native plugin's start: launch modes side by side",
        "",
        "Written by `bench/startup.ts`, which `make bench` runs after `bench.ts` (with `STARTUP_UP_SIZE=0`: [results.md](results.md)",
        "has the plugin process during `up`); alone: `npx vitest run --config bench/startup.config.mts`. Every sample is in",
        "`.test-work/startup-results.json`. Compare ratios to the no-op, not milliseconds, across runs.",
        "",
        `${context} Starts per mode: ${RUNS}; \`up\` of N = ${UP_SIZE || "—"}.`,
        "",
        ...tables,
      ].join("\n"),
    );
});

describe.runIf(RUNS > 0)("the native plugin's start", () => {
  it("measures each launch mode against the no-op plugin, turn by turn", async () => {
    expect(fs.existsSync(path.join(DFCLOUD_PLUGIN_DIR, EXECUTABLE))).toBe(true);
    const launcher = path.join(DFCLOUD_PLUGIN_DIR, EXECUTABLE);
    const coldDir = path.join(work, "cold");
    fs.cpSync(DFCLOUD_PLUGIN_DIR, coldDir, { recursive: true });
    const yamlDir = pulumiPluginYamlFolder(work);
    const sea = await buildSea(work);
    const modes: LaunchMode[] = [
      {
        label: "`pulumi-resource-noop`: launcher + bundle",
        command: path.join(buildNoopPlugin(), "pulumi-resource-noop"),
        args: [],
        resourceType: "noop:index:Thing",
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
      {
        label: `single-executable application (code cache in the blob; \`execArgv\`: \`${sea.execArgv.join(" ")}\`${
          sea.envNotSet.length > 0 ? `; no ${sea.envNotSet.map((name) => `\`${name}\``).join(", ")}` : ""
        })`,
        command: sea.executable,
        args: [],
        refuse: CODE_CACHE_REJECTED,
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
        firstCheckMs: of(list, "firstCheckMs"),
        afterFirstCheckRssMiB: of(list, "afterFirstCheckRssMiB"),
      };
      return { mode: mode.label, ...figures, startRatio: figures.startMs / of(noop, "startMs") };
    });
    results.modes = rows;
    results.samples = Object.fromEntries(modes.map((mode) => [mode.label, samples.get(mode)]));
    const ms = (value: number) => value.toFixed(0);
    tables.push(
      `### Start-up by launch mode (medians of ${RUNS} starts each, modes taking turns)`,
      "",
      "| mode | spawn to port (ms) | / no-op | GetSchema (ms) | GetPluginInfo + CheckConfig + Configure (ms) | first Check, at once (ms) | peak RSS at the port (MiB) | / no-op | after the first Check (MiB) | / no-op |",
      "|---|---|---|---|---|---|---|---|---|---|",
      ...rows.map(
        (row) =>
          `| ${row.mode} | ${ms(row.startMs)} | ${row.startRatio.toFixed(2)} | ${row.getSchemaMs.toFixed(1)} | ` +
          `${row.configCallsMs.toFixed(1)} | ${row.firstCheckMs.toFixed(1)} | ${row.startRssMiB.toFixed(1)} | ` +
          `${(row.startRssMiB / of(noop, "startRssMiB")).toFixed(2)} | ${row.afterFirstCheckRssMiB.toFixed(1)} | ` +
          `${(row.afterFirstCheckRssMiB / of(noop, "afterFirstCheckRssMiB")).toFixed(2)} |`,
      ),
      "",
    );
    const tarball = pluginTarball();
    const download = {
      folderBytes: folderBytes(DFCLOUD_PLUGIN_DIR),
      tarballBytes: tarball ? fs.statSync(tarball).size : undefined,
      seaBytes: sea.bytes,
      seaGzipBytes: sea.gzipBytes,
    };
    results.sea = { execArgv: sea.execArgv, envNotSet: sea.envNotSet, postject: POSTJECT, ...download };
    const mb = (bytes: number | undefined) => (bytes === undefined ? "—" : (bytes / MB).toFixed(1));
    tables.push(
      "### What a user downloads and installs (`pulumi plugin install resource … --file`)",
      "",
      "| mode | on disk (MB) | compressed (MB) | needs on the machine |",
      "|---|---|---|---|",
      `| launcher + bundle: the plugin folder, its .tar.gz | ${mb(download.folderBytes)} | ${mb(download.tarballBytes)} | \`node\` (22 or later) on PATH |`,
      `| single-executable application, linux-x64 (one per platform) | ${mb(download.seaBytes)} | ${mb(download.seaGzipBytes)} (gzip) | nothing |`,
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
