/**
 * What the benchmark (bench.ts) and the soak (soak.ts, tests/engine/soak-short.test.ts) share: an
 * emulator account with seeded datastores, inline-program stacks on the real engine, the no-op
 * dynamic resource that is the baseline, process sampling, request-log accounting and statistics.
 * Everything runs offline against an in-process emulator on loopback.
 */
import { execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import * as grpc from "@grpc/grpc-js";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { PACKAGE } from "@pulumi-dfcloud/provider";
import type { Durations, RequestLogEntry, RunningEmulator } from "dfcloud-emulator";
import {
  configureForEmulator,
  inlineStack,
  type PluginFolder,
  ROOT,
  type StackOptions,
  seedTestDatastore,
} from "../tests/engine/harness";

/** The API key (and so the account) of every bench and soak run. */
export const API_KEY = "dragonflydb_bench_key_0123456789abcdef";

/** Instant transitions: every wait ends on its first poll, so timings measure overhead alone. */
export const INSTANT: Durations = {
  datastoreCreate: 0,
  datastoreUpdate: 0,
  datastoreDelete: 0,
  restore: 0,
  backup: 0,
};

/**
 * Seeds `count` active, single-shard datastores (tests/engine/harness.ts `TEST_DATASTORE_CONFIG`, named
 * `<prefix>-<i>`) in {@link API_KEY}'s account; returns their ids. They all live in aws eu-west-1, so
 * any backup fits any datastore for a restore.
 */
export async function seedDatastores(
  emulator: RunningEmulator,
  count: number,
  prefix: string,
): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < count; i++)
    ids.push(await seedTestDatastore(emulator, API_KEY, { name: `${prefix}-${i}` }));
  return ids;
}

export type { PluginFolder, StackOptions };

/**
 * A stack of an inline program (tests/engine/harness.ts `inlineStack`); with `emulator`, its config
 * points the provider at that emulator, the key set as a secret as users set it. With `plugins`, its
 * project loads those native provider plugins from their folders, as
 * tests/engine/native-plugin.test.ts does; without any, it is the tests' plain inline stack.
 */
export async function emulatorStack(
  name: string,
  program: PulumiFn,
  emulator?: RunningEmulator,
  options: StackOptions = {},
): Promise<{ stack: Stack; workDir: string }> {
  const { plugins, ...rest } = options;
  const created = await inlineStack(name, program, plugins?.length ? options : rest);
  if (emulator) await configureForEmulator(created.stack, emulator, API_KEY);
  return created;
}

/**
 * For a diagnostic only: the environment that makes every Node provider process the engine starts exit
 * as soon as SIGINT arrives. At the end of every command the engine sends its plugins SIGINT and waits
 * up to 5 s for them to exit before it kills them (sdk/go/common/resource/plugin/plugin.go,
 * `InterruptChildren`); a provider that stays up after SIGINT costs each command that wait. With this
 * (a `--require`d handler registered before the provider's own), a variant shows what the same
 * provider costs without it. No operation runs at that moment, so nothing else changes.
 */
export function exitOnSigintEnv(): Record<string, string> {
  const file = path.join(ROOT, ".test-work", "bench-exit-on-sigint.cjs");
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, 'process.on("SIGINT", () => process.exit(130));\n');
  return { NODE_OPTIONS: `--require ${file}` };
}

/**
 * The native dfcloud plugin as users install it: the folder `make tools` builds
 * (scripts/build-plugin.sh; the tarball holds the same files), one esbuild bundle and its launcher.
 */
export const DFCLOUD_PLUGIN_DIR = path.join(ROOT, ".tools", "plugin", PACKAGE);

/** The file names of the no-op plugin's launcher, its bundle's entry and the bundled plugin, in its folder. */
const NOOP_LAUNCHER = "pulumi-resource-noop";
const NOOP_ENTRY = "pulumi-resource-noop.js";
const NOOP_MAIN = "main.js";

/** The line of the no-op's launcher template (bench/noop-plugin/pulumi-resource-noop) that {@link buildNoopPlugin} fills in. */
const RUN_BUNDLE_LINE = "@RUN_BUNDLE@";

/**
 * The command a plugin launcher runs its bundle's entry `"$here/<entry>"` with: its environment,
 * `node` and V8 flags, one line (continuation lines joined), with that entry replaced by `bundle`.
 * Throws when the launcher has no such line, so a launcher rewritten another way fails the build of
 * the no-op instead of leaving it started differently from the plugin it is the floor of.
 */
export function bundleCommand(launcher: string, entry: string, bundle: string): string {
  const text = fs.readFileSync(launcher, "utf8").replace(/\s*\\\n\s*/g, " ");
  const entryArgument = `"$here/${entry}"`;
  const line = text
    .split("\n")
    .map((candidate) => candidate.trim())
    .find((candidate) => /\bexec node\b/.test(candidate) && candidate.includes(entryArgument));
  if (!line) {
    throw new Error(
      `${launcher}: no "exec node … ${entryArgument}" line to run the no-op plugin's bundle with`,
    );
  }
  return line.replace(entryArgument, `"$here/${bundle}"`);
}

/**
 * The esbuild flags of scripts/bundle-plugin.js's `common` options, which bundles the dfcloud plugin
 * (CommonJS, whitespace and syntax minified, dynamic imports as requires): the no-op is built the same
 * way so that what V8 reads and compiles at each start differs only by the plugins' own code.
 */
const BUNDLE_FLAGS = [
  "--bundle",
  "--platform=node",
  "--target=node22",
  "--format=cjs",
  "--log-level=warning",
  "--legal-comments=none",
  "--minify-whitespace",
  "--minify-syntax",
  "--supported:dynamic-import=false",
];

/**
 * Builds the no-op native plugin (bench/noop-plugin) into `.test-work/noop-plugin` the way
 * scripts/build-plugin.sh builds the dfcloud one, so the two start alike and the bench's ratios are the
 * plugins' own work: the same esbuild options; the same entry (plugin/src/bundle-entry.ts, bundled as
 * `pulumi-resource-noop.js`), which turns on Node's compile cache in `.compile-cache` beside it before
 * the plugin (`main.js`) loads; and a launcher whose command — environment, `node` and V8 flags — is
 * copied from the dfcloud plugin's launcher as built (plugin/bin/pulumi-resource-dfcloud-backups), so a
 * change of those flags reaches both. Returns that folder. The compile cache is written at the first
 * start's exit: {@link warmPlugin} makes that start before anything is timed.
 */
export function buildNoopPlugin(): string {
  const source = path.join(ROOT, "bench", "noop-plugin");
  const dir = path.join(ROOT, ".test-work", "noop-plugin");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const esbuild = path.join(ROOT, "node_modules", ".bin", "esbuild");
  execFileSync(esbuild, [
    path.join(source, "main.ts"),
    ...BUNDLE_FLAGS,
    `--outfile=${path.join(dir, NOOP_MAIN)}`,
  ]);
  execFileSync(esbuild, [
    path.join(ROOT, "plugin", "src", "bundle-entry.ts"),
    ...BUNDLE_FLAGS,
    // The entry starts the plugin with `import("./main.js")`: the no-op's bundle beside it.
    `--external:./${NOOP_MAIN}`,
    `--outfile=${path.join(dir, NOOP_ENTRY)}`,
  ]);
  const command = bundleCommand(
    path.join(DFCLOUD_PLUGIN_DIR, `pulumi-resource-${PACKAGE}`),
    `pulumi-resource-${PACKAGE}.js`,
    NOOP_ENTRY,
  );
  const template = fs.readFileSync(path.join(source, NOOP_LAUNCHER), "utf8").split("\n");
  const at = template.findIndex((line) => line.trim() === RUN_BUNDLE_LINE);
  if (at < 0) throw new Error(`${path.join(source, NOOP_LAUNCHER)}: no ${RUN_BUNDLE_LINE} line`);
  template[at] = command;
  fs.writeFileSync(path.join(dir, NOOP_LAUNCHER), template.join("\n"), { mode: 0o755 });
  return dir;
}

/**
 * Starts and stops the plugin of `launcher` once, as the engine does ({@link pluginLifecycle}), so the
 * first start of a fresh build — which compiles everything and writes Node's compile cache at its exit —
 * is not among the starts a bench times; then checks that the cache is there, beside the bundle.
 */
export async function warmPlugin(launcher: string): Promise<void> {
  await pluginLifecycle(launcher);
  const cache = path.join(path.dirname(launcher), COMPILE_CACHE_DIR);
  if (!fs.existsSync(cache) || fs.readdirSync(cache).length === 0) {
    throw new Error(`${launcher}: no compile cache in ${cache} after its first start`);
  }
}

/** The folder of Node's compile cache beside a plugin's bundle (plugin/src/bundle-entry.ts). */
const COMPILE_CACHE_DIR = ".compile-cache";

/** A resource registered by its schema token, as a generated SDK registers it (`dfcloud-backups:index:BackupSchedule`). */
export class NativeResource extends pulumi.CustomResource {}

/**
 * The baseline: a dynamic provider that does nothing but answer. Same engine path as ours (the
 * same `pulumi-nodejs` provider process, serialised provider, check/diff/create/read/delete RPCs),
 * no API calls, so `ours / no-op` is what our provider adds on top of Pulumi itself.
 */
const noopProvider: pulumi.dynamic.ResourceProvider = {
  async create(inputs) {
    return { id: `noop-${inputs.datastoreId}`, outs: inputs };
  },
};

/** A no-op dynamic resource with the same inputs as a BackupSchedule (so state sizes compare). */
export class NoopResource extends pulumi.dynamic.Resource {
  /**
   * @param name the unique name of the resource
   * @param props what a BackupSchedule would get
   */
  constructor(name: string, props: Record<string, unknown>) {
    super(noopProvider, name, props, undefined, "bench", "Noop");
  }
}

/** The resources of an exported stack (`pulumi stack export`), as far as the bench reads them. */
export interface StateResource {
  urn: string;
  type: string;
  id?: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** A stack's deployment: its resources and the operations an interrupted run left pending. */
export interface StateSnapshot {
  resources: StateResource[];
  pendingOperations: { type: string; resource: StateResource }[];
}

/** Exports the stack's state. */
export async function exportState(stack: Stack): Promise<StateSnapshot> {
  const deployment = (await stack.exportStack()).deployment as {
    resources?: StateResource[];
    pending_operations?: { type: string; resource: StateResource }[];
  };
  return { resources: deployment.resources ?? [], pendingOperations: deployment.pending_operations ?? [] };
}

/** The last segment of a type token: `pulumi-nodejs:dynamic/dfcloud:Backup` → `Backup`. */
export function kindOf(type: string): string {
  return type.split(":").pop() ?? type;
}

/** `GET /v1/backups/bkp_x?datastore_id=…` → `GET /v1/backups/{id}`: calls of one kind count together. */
export function callKind(entry: Pick<RequestLogEntry, "method" | "path">): string {
  const bare = entry.path.replace(/[?].*$/, "").replace(/\/(dst|bkp)_[a-z0-9]+/g, "/{id}");
  return `${entry.method} ${bare}`;
}

/** Counts per call kind, e.g. `{"GET /v1/datastores/{id}": 2, "PUT /v1/datastores/{id}": 1}`. */
export function countCalls(entries: readonly RequestLogEntry[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const entry of entries) counts[callKind(entry)] = (counts[callKind(entry)] ?? 0) + 1;
  return counts;
}

/** The median (the mean of the middle two for an even count). */
export function median(values: readonly number[]): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

/** Milliseconds `run` took, and its result. */
export async function timed<T>(run: () => Promise<T>): Promise<{ ms: number; result: T }> {
  const started = performance.now();
  const result = await run();
  return { ms: performance.now() - started, result };
}

/** A process found under this one: its pid and command line. */
interface ProcessInfo {
  pid: number;
  cmdline: string;
}

/**
 * The processes below `root` in the process tree (children, grandchildren, …), read from /proc.
 * Scoped to our own tree because other engine runs may share the machine.
 */
export function descendants(root: number = process.pid): ProcessInfo[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      // Field 4 is the parent pid; field 2 (the command) is in parentheses and may contain spaces.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      parentOf.set(Number(entry), Number(fields[1]));
    } catch {
      // The process ended while we looked.
    }
  }
  const found: ProcessInfo[] = [];
  const under = new Set([root]);
  // Parents have lower pids except after pid wrap-around, so repeat until nothing new turns up.
  for (let grew = true; grew; ) {
    grew = false;
    for (const [pid, parent] of parentOf) {
      if (under.has(parent) && !under.has(pid)) {
        under.add(pid);
        grew = true;
        try {
          found.push({ pid, cmdline: fs.readFileSync(`/proc/${pid}/cmdline`, "utf8").replaceAll("\0", " ") });
        } catch {
          // Ended meanwhile.
        }
      }
    }
  }
  return found;
}

/** Peak resident memory (VmHWM) in KiB and CPU time used so far in ms, or undefined once the process is gone. */
function processUsage(pid: number): { peakKiB: number; cpuMs: number } | undefined {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields 14 and 15 (utime, stime) in clock ticks, counted after the parenthesised command.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const ticks = Number(fields[11]) + Number(fields[12]);
    const peak = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return peak ? { peakKiB: Number(peak[1]), cpuMs: (ticks * 1000) / CLOCK_TICKS_PER_SECOND } : undefined;
  } catch {
    return undefined;
  }
}

/** USER_HZ: Linux reports CPU times in /proc in hundredths of a second on every architecture Node runs on. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * Samples the provider processes below this one (by default the Pulumi dynamic-provider's; a native
 * plugin's by its executable's name) while an engine command runs: the
 * peak resident memory (VmHWM, the kernel's own high-water mark, so sampling only has to catch the
 * process alive, not at its peak) and the CPU time they used (as of the last sample).
 */
export class ProviderSampler {
  readonly #seen = new Map<number, { peakKiB: number; cpuMs: number }>();
  readonly #timer: NodeJS.Timeout;

  readonly #command: string;

  /** Starts sampling every `everyMs` milliseconds the processes whose command line contains `command`. */
  constructor(command = "dynamic-provider", everyMs = 50) {
    this.#command = command;
    this.#timer = setInterval(() => this.#sample(), everyMs);
  }

  #sample(): void {
    for (const { pid, cmdline } of descendants()) {
      if (!cmdline.includes(this.#command)) continue;
      const usage = processUsage(pid);
      if (usage) this.#seen.set(pid, usage);
    }
  }

  /** Stops sampling: the largest peak RSS of any provider process in MiB, and their CPU time in ms (0 when none was seen). */
  stop(): { peakRssMiB: number; cpuMs: number } {
    clearInterval(this.#timer);
    const usages = [...this.#seen.values()];
    return {
      peakRssMiB: Math.max(0, ...usages.map((u) => u.peakKiB)) / 1024,
      cpuMs: usages.reduce((sum, u) => sum + u.cpuMs, 0),
    };
  }
}

/** Where bench and soak results go (bench/results.json, bench/results.md, bench/soak-results.json). */
export const BENCH_DIR = path.join(ROOT, "bench");

/** What every results file starts with: when, on what machine and Node, and how many runs each median has. */
export function measurementContext(runs: number): Record<string, unknown> {
  return {
    date: new Date().toISOString(),
    machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? "cpu"}, ${Math.round(os.totalmem() / 2 ** 30)} GiB`,
    node: process.version,
    runs,
  };
}

/** How long the engine waits for a plugin to exit after its end-of-command SIGINT before it kills it. */
export const ENGINE_SIGINT_GRACE_MS = 5_000;

/** One start and stop of a provider plugin, as the engine does them. */
export interface PluginLifecycle {
  /** From spawn to the port on its first line of stdout. */
  startMs: number;
  /** Peak resident memory (VmHWM) when it printed its port. */
  startRssMiB: number;
  /** The first GetSchema, asked once the port is printed: from the request to the answer over gRPC. */
  getSchemaMs: number;
  /** From SIGINT (sent to its process group, as the engine does) to its exit; the engine's grace when killed then. */
  exitMs: number;
  /** True when it was still running at the end of the engine's grace and was killed, as the engine kills it. */
  killed: boolean;
}

/** Asks the plugin on `port` for its schema, as the engine does first: ms from the request to the answer. */
async function timeGetSchema(port: number): Promise<number> {
  const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
  try {
    const { ms, result } = await timed(
      () =>
        new Promise<provproto.GetSchemaResponse>((resolve, reject) =>
          client.getSchema(new provproto.GetSchemaRequest().setVersion(0), (error, response) =>
            error ? reject(error) : resolve(response),
          ),
        ),
    );
    const schema = JSON.parse(result.getSchema()) as { name?: unknown };
    if (typeof schema.name !== "string")
      throw new Error(`GetSchema on port ${port}: a schema without a name`);
    return ms;
  } finally {
    client.close();
  }
}

/**
 * Starts a plugin by its launcher in a process group of its own, as the engine does, with an engine
 * address nothing listens on (it is only dialled for a log line); waits for its port, reads its peak
 * RSS, asks GetSchema (the engine's first call), then sends the group SIGINT, as the engine does at the
 * end of every command, and times the exit. A plugin still running after
 * {@link ENGINE_SIGINT_GRACE_MS} is killed with SIGKILL, as the engine kills it; the wait is a cap,
 * never a measured sleep.
 */
export function pluginLifecycle(launcher: string): Promise<PluginLifecycle> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(launcher, ["127.0.0.1:1"], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const pid = child.pid;
    if (pid === undefined) return reject(new Error(`${launcher} did not start`));
    child.once("error", reject);
    let stdout = "";
    const onData = (chunk: Buffer) => {
      stdout += chunk.toString();
      const newline = stdout.indexOf("\n");
      if (newline < 0) return;
      child.stdout.off("data", onData);
      const startMs = performance.now() - started;
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const startRssMiB = Number(/^VmHWM:\s+(\d+) kB/m.exec(status)?.[1] ?? 0) / 1024;
      const stop = (getSchemaMs: number) => {
        const interrupted = performance.now();
        let killed = false;
        const grace = setTimeout(() => {
          killed = true;
          process.kill(-pid, "SIGKILL");
        }, ENGINE_SIGINT_GRACE_MS);
        child.once("exit", () => {
          clearTimeout(grace);
          if (Number.isNaN(getSchemaMs)) return;
          resolve({ startMs, startRssMiB, getSchemaMs, exitMs: performance.now() - interrupted, killed });
        });
        process.kill(-pid, "SIGINT");
      };
      timeGetSchema(Number(stdout.slice(0, newline))).then(stop, (error: unknown) => {
        stop(Number.NaN);
        reject(error);
      });
    };
    child.stdout.on("data", onData);
  });
}
