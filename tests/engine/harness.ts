/**
 * Shared set-up for tests that drive the real Pulumi engine offline: the engine from the repo's
 * tools folder (its plugins linked beside it by scripts/link-plugins.sh), a file backend and PULUMI_HOME in a fresh work folder per test,
 * and helpers that return what the engine reported (change summaries), not just exit codes.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import {
  type EngineEvent,
  LocalWorkspace,
  type ProjectSettings,
  PulumiCommand,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { configKey, PACKAGE, type ResourceKind } from "@pulumi-dfcloud/provider";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "dfcloud-emulator";

/** The repository root. */
export const ROOT = path.resolve(__dirname, "../..");
/** Folder of the Pulumi CLI that `make tools` builds, with its plugins linked beside it. */
export const BUILT_ENGINE_BIN = path.join(ROOT, ".tools/pulumi/bin");
/**
 * The `pulumi` to run: the one `make tools` built or, on a machine where it found a real Pulumi CLI
 * at or above the pinned version and built nothing, that one from PATH.
 */
export const PULUMI = fs.existsSync(path.join(BUILT_ENGINE_BIN, "pulumi"))
  ? path.join(BUILT_ENGINE_BIN, "pulumi")
  : "pulumi";

/** The Automation API's handle on {@link PULUMI}. */
export function pulumiCommand(): Promise<PulumiCommand> {
  return PULUMI === "pulumi"
    ? PulumiCommand.get()
    : PulumiCommand.get({ root: path.dirname(path.dirname(PULUMI)) });
}
/** Test passphrase for the file backend's secrets provider. */
export const PASSPHRASE = "dfcloud-test-passphrase";

/** Creates an empty folder under `.test-work/` (ignored by git) for one test. */
export function newWorkDir(name: string): string {
  const dir = path.join(ROOT, ".test-work", `${name}-${randomBytes(4).toString("hex")}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

/**
 * The environment for an offline engine run whose state lives in `workDir`: our engine, language
 * host and Node first on PATH; no update checks, no plugin downloads.
 */
export function engineEnv(workDir: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const pathEntries = [
    BUILT_ENGINE_BIN,
    path.join(ROOT, ".tools/node/node_modules/node/bin"),
    process.env.PATH ?? "",
  ];
  // The file backend refuses a state folder that does not exist yet.
  fs.mkdirSync(path.join(workDir, ".pulumi-state"), { recursive: true });
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PATH: pathEntries.join(path.delimiter),
    PULUMI_HOME: path.join(workDir, ".pulumi-home"),
    PULUMI_BACKEND_URL: `file://${path.join(workDir, ".pulumi-state")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_SUPPRESS_NEO_LINK: "true",
    PULUMI_CREDENTIAL_STORE: "plaintext",
    ...extra,
  };
  // A developer's own credentials must never leak into a test run.
  delete env.PULUMI_ACCESS_TOKEN;
  for (const key of Object.keys(extra)) if (extra[key] === undefined) delete env[key];
  return env;
}

/** What a finished CLI command printed, and how it exited. */
export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the `pulumi` CLI with `args` in `cwd`; never throws on a non-zero exit. */
export function pulumi(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  return new Promise((resolve) => {
    execFile(
      PULUMI,
      [...args, "--non-interactive"],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** Runs `pulumi` and throws with both streams when it fails, for steps that must succeed. */
export async function pulumiOk(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<CommandResult> {
  const result = await pulumi(args, cwd, env);
  if (result.code !== 0) {
    throw new Error(`pulumi ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
  }
  return result;
}

/** True for the stack resource and provider resources, which every program has. */
export function isInfrastructure(type: string): boolean {
  return type === "pulumi:pulumi:Stack" || type.startsWith("pulumi:providers:");
}

/** Operation counts per kind, without the stack resource itself (`pulumi:pulumi:Stack`). */
export type ChangeCounts = Record<string, number>;

interface JsonStep {
  op: string;
  urn: string;
}

/**
 * Reads the engine's `--json` output of preview/up/refresh/destroy and counts the steps per
 * operation, leaving out the stack, provider resources and `same` steps, so `{create: 1}` means exactly one
 * resource of the program is created.
 */
export function stepCounts(jsonOutput: string): ChangeCounts {
  const parsed = JSON.parse(jsonOutput) as { steps?: JsonStep[] };
  const counts: ChangeCounts = {};
  for (const step of parsed.steps ?? []) {
    const type = step.urn.split("::")[2] ?? "";
    if (isInfrastructure(type) || step.op === "same") continue;
    counts[step.op] = (counts[step.op] ?? 0) + 1;
  }
  return counts;
}

/** Writes a file under `dir`, creating folders. */
export function writeFile(dir: string, name: string, content: string): void {
  const file = path.join(dir, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, content);
}

/** A native provider plugin a project loads from a folder (Pulumi.yaml `plugins.providers`). */
export interface PluginFolder {
  /** The package name: the folder holds `pulumi-resource-<name>`. */
  name: string;
  /** The folder. */
  path: string;
}

/** What a stack adds to a plain {@link inlineStack}. */
export interface StackOptions {
  /**
   * Native provider plugins its project loads from their folders (Pulumi.yaml `plugins.providers`).
   * Given, even empty, the project settings are written out (name, runtime and these plugins);
   * absent, the Automation API's default project is used. Default: absent.
   */
  plugins?: readonly PluginFolder[];
  /** More environment for the engine and every plugin it starts. Default: none. */
  env?: Record<string, string>;
  /** The work folder, when a test prepared one (e.g. installed a plugin into its PULUMI_HOME). Default: a fresh {@link newWorkDir}. */
  workDir?: string;
}

/**
 * A stack of an inline Automation API program with its state in a fresh work folder under
 * `.test-work/`, run by our engine, fully offline. The folder sits inside the repository, so the
 * dynamic-provider process resolves `@pulumi/pulumi` and `pulumi-dfcloud` from the root node_modules.
 */
export async function inlineStack(
  name: string,
  program: PulumiFn,
  options: StackOptions = {},
): Promise<{ stack: Stack; workDir: string }> {
  const workDir = options.workDir ?? newWorkDir(name);
  const env = engineEnv(workDir);
  const projectName = `dfcloud-${name}`;
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: name, projectName, program },
    {
      workDir,
      pulumiCommand: await pulumiCommand(),
      pulumiHome: path.join(workDir, ".pulumi-home"),
      ...(options.plugins
        ? {
            // ProjectSettings does not declare `plugins`; the CLI reads it from the Pulumi.yaml written from this.
            projectSettings: {
              name: projectName,
              runtime: "nodejs",
              ...(options.plugins.length > 0
                ? { plugins: { providers: options.plugins.map((plugin) => ({ ...plugin })) } }
                : {}),
            } as ProjectSettings,
          }
        : {}),
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(workDir, ".pulumi-state")}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        PATH: env.PATH ?? "",
        ...options.env,
      },
    },
  );
  return { stack, workDir };
}

/**
 * Points a stack's provider at `emulator` as `apiKey`'s account: `dfcloud-backups:apiUrl`, and the
 * key as a secret, as users set it.
 */
export async function configureForEmulator(
  stack: Stack,
  emulator: RunningEmulator,
  apiKey: string,
): Promise<void> {
  await stack.setConfig(configKey("apiKey"), { value: apiKey, secret: true });
  await stack.setConfig(configKey("apiUrl"), { value: emulator.url });
}

/**
 * Counts the engine's resource steps per operation from Automation API events, without the stack,
 * provider resources and `same` steps: pass `onEvent` to preview/up/refresh/destroy, read `counts`
 * (and `events`, every event the engine sent, e.g. for {@link detailedDiffs}).
 */
export function stepRecorder(): {
  counts: ChangeCounts;
  events: EngineEvent[];
  onEvent: (event: EngineEvent) => void;
} {
  const counts: ChangeCounts = {};
  const events: EngineEvent[] = [];
  const onEvent = (event: EngineEvent) => {
    events.push(event);
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata || isInfrastructure(metadata.type) || metadata.op === "same") return;
    counts[metadata.op] = (counts[metadata.op] ?? 0) + 1;
  };
  return { counts, events, onEvent };
}

/**
 * The detailed diff the engine reported for each resource of a preview or update, by resource
 * name, as `{property: diffKind}` (e.g. `{days: "update", datastoreId: "update-replace"}`); a
 * resource with several steps (a refresh, then an update) keeps its last step's.
 */
export function detailedDiffs(events: readonly EngineEvent[]): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata?.detailedDiff) continue;
    found[metadata.urn.split("::").pop() ?? ""] = Object.fromEntries(
      Object.entries(metadata.detailedDiff).map(([key, diff]) => [key, diff.diffKind]),
    );
  }
  return found;
}

/**
 * What a `pulumi up`, `refresh` or `destroy` with `--json` completed, per operation, without the
 * stack, provider resources and `same` steps (so `{create: 2}` means two resources of the program).
 * The output is the preview's JSON document, if any, followed by one JSON event a line; the
 * completed steps are its `resOutputsEvent`s.
 */
export function completedSteps(jsonOutput: string): ChangeCounts {
  const counts: ChangeCounts = {};
  for (const line of jsonOutput.split("\n")) {
    if (!line.startsWith('{"sequence"')) continue;
    const metadata = (JSON.parse(line) as { resOutputsEvent?: { metadata: { op: string; type: string } } })
      .resOutputsEvent?.metadata;
    if (!metadata || isInfrastructure(metadata.type) || metadata.op === "same") continue;
    counts[metadata.op] = (counts[metadata.op] ?? 0) + 1;
  }
  return counts;
}

/**
 * Runs a preview of `stack` that must fail, and returns the error's message (what the engine
 * printed, diagnostics included); throws when the preview succeeds.
 * @param onOutput receives the engine's output lines as they come
 */
export async function failedPreview(stack: Stack, onOutput?: (line: string) => void): Promise<string> {
  const failed: unknown = await stack.preview(onOutput ? { onOutput } : {}).catch((error: unknown) => error);
  if (!(failed instanceof Error)) throw new Error("the preview succeeded, and it should have failed");
  return failed.message;
}

/**
 * An emulator for engine tests: the given accounts, its clock frozen (it moves only when a test
 * advances it) and every transition instant, so every wait ends on its next poll.
 * @param options further emulator options (e.g. `backupEndpoints: false`)
 */
export function frozenEmulator(
  apiKeys: string[],
  options: Omit<EmulatorOptions, "apiKeys" | "timeScale" | "durations"> = {},
): Promise<RunningEmulator> {
  return startEmulator({
    apiKeys,
    timeScale: 0,
    durations: { datastoreCreate: 0, datastoreUpdate: 0, datastoreDelete: 0, restore: 0, backup: 0 },
    ...options,
  });
}

/** The datastore engine tests back up and restore into: aws eu-west-1, one 6.25 GB shard. */
export const TEST_DATASTORE_CONFIG = {
  name: "orders",
  location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
  tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
  cluster: { enabled: false },
};

/** Seeds a {@link TEST_DATASTORE_CONFIG} datastore in `apiKey`'s account and returns its id. */
export async function seedTestDatastore(
  emulator: RunningEmulator,
  apiKey: string,
  overrides: Record<string, unknown> = {},
): Promise<string> {
  return (await emulator.admin.seedDatastore(apiKey, { ...TEST_DATASTORE_CONFIG, ...overrides }))
    .datastore_id;
}

/**
 * Readies the emulator for the next test of a file that shares one: `emulator.admin.reset()`
 * (which also returns to the durations it started with, instant for a {@link frozenEmulator}), then
 * seeds a fresh {@link TEST_DATASTORE_CONFIG} datastore in `apiKey`'s account, holding `data` when given.
 * @returns the new datastore's id
 */
export async function freshTestDatastore(
  emulator: RunningEmulator,
  apiKey: string,
  data?: Record<string, string>,
): Promise<string> {
  await emulator.admin.reset();
  const datastoreId = await seedTestDatastore(emulator, apiKey);
  if (data) await emulator.admin.setData(datastoreId, data);
  return datastoreId;
}

/**
 * A datastore's `backup_policy` as the emulator holds it now, read through its admin API (so the
 * request log is left as it is); undefined when the emulator has no such datastore.
 */
export async function livePolicy(emulator: RunningEmulator, datastoreId: string): Promise<unknown> {
  const { datastores } = await emulator.admin.state();
  return datastores.find((d) => d.datastore_id === datastoreId)?.config.backup_policy;
}

/**
 * The API calls the emulator saw since the last call, as `METHOD /path` (queries left out), and
 * clears its request log: what one engine step sent.
 */
export async function takeApiCalls(emulator: RunningEmulator): Promise<string[]> {
  const log = await emulator.admin.requests();
  await emulator.admin.clearRequests();
  return log.map((entry) => `${entry.method} ${entry.path.replace(/[?].*$/, "")}`);
}

/** The calls of {@link takeApiCalls} that change something: every one but a GET. */
export function writesIn(calls: readonly string[]): string[] {
  return calls.filter((call) => !call.startsWith("GET "));
}

/** Folder of the codegen language hosts that `make tools` builds (tools/codegen-host). */
export const CODEGEN_BIN = path.join(ROOT, ".tools/codegen/bin");

/** The folder holding the native plugin's launcher, as a project's `plugins.providers` names it. */
export const NATIVE_PLUGIN_DIR = path.join(ROOT, "plugin", "bin");

/**
 * The Node.js SDK generated from schema.json (`pulumi package gen-sdk`), compiled: what a TypeScript
 * user of the native plugin imports. Generated once per schema.json content and reused (concurrent
 * callers build apart and the first rename wins). It lies inside the repository, so its
 * `@pulumi/pulumi` is the root node_modules' one, the same module an inline program registers with.
 * @returns the folder of the compiled package (`require(dir)` loads it)
 */
export async function generatedNodeSdk(): Promise<string> {
  const schema = fs.readFileSync(path.join(ROOT, "schema.json"));
  const hash = (await import("node:crypto")).createHash("sha256").update(schema).digest("hex").slice(0, 12);
  const dir = path.join(ROOT, ".test-work", `generated-nodejs-${hash}`);
  if (fs.existsSync(path.join(dir, "index.js"))) return dir;
  const workDir = newWorkDir("gen-nodejs");
  const base = engineEnv(workDir);
  const env = { ...base, PATH: [CODEGEN_BIN, base.PATH ?? ""].join(path.delimiter) };
  const out = path.join(workDir, "sdk");
  await pulumiOk(
    ["package", "gen-sdk", path.join(ROOT, "schema.json"), "--language", "nodejs", "--out", out],
    workDir,
    env,
  );
  const sources = path.join(out, "nodejs");
  const compiled = await new Promise<{ code: number; output: string }>((resolve) =>
    execFile(
      path.join(ROOT, "node_modules/.bin/tsc"),
      ["-p", sources, "--outDir", path.join(workDir, "bin")],
      { cwd: workDir },
      (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
    ),
  );
  if (compiled.code !== 0) throw new Error(`the generated Node.js SDK does not compile:\n${compiled.output}`);
  fs.copyFileSync(path.join(sources, "package.json"), path.join(workDir, "bin", "package.json"));
  try {
    fs.renameSync(path.join(workDir, "bin"), dir);
  } catch (error) {
    if (!fs.existsSync(path.join(dir, "index.js"))) throw error;
  }
  return dir;
}

/** A resource class of the generated Node.js SDK, as tests use it (its outputs by name). */
export type GeneratedResourceClass = new (
  name: string,
  args: Record<string, unknown>,
  opts?: import("@pulumi/pulumi").CustomResourceOptions,
) => import("@pulumi/pulumi").CustomResource & Record<string, import("@pulumi/pulumi").Output<unknown>>;

/** The generated Node.js SDK's exports that tests use. */
export interface GeneratedNodeSdk {
  BackupSchedule: GeneratedResourceClass;
  Backup: GeneratedResourceClass;
  Restore: GeneratedResourceClass;
  RestoreDrill: GeneratedResourceClass;
  Provider: new (
    name: string,
    args: Record<string, unknown>,
    opts?: import("@pulumi/pulumi").ResourceOptions,
  ) => import("@pulumi/pulumi").ProviderResource;
  /** The list itself: the schema's one-property result, unwrapped by the SDK's invokeSingle. */
  listBackups(
    args?: Record<string, unknown>,
    opts?: import("@pulumi/pulumi").InvokeOptions,
  ): Promise<unknown[]>;
  getBackup(
    backupId: string,
    opts?: import("@pulumi/pulumi").InvokeOptions,
  ): Promise<Record<string, unknown>>;
  getDatastore(
    datastoreId: string,
    opts?: import("@pulumi/pulumi").InvokeOptions,
  ): Promise<Record<string, unknown>>;
}

/** Loads the generated Node.js SDK (see {@link generatedNodeSdk}). */
export async function loadGeneratedNodeSdk(): Promise<GeneratedNodeSdk> {
  return require(await generatedNodeSdk()) as GeneratedNodeSdk;
}

/** The package's two front doors over its one implementation. */
export type DoorName = "dynamic" | "native";

/** Both front doors, in the order a parity suite runs them. */
export const DOOR_NAMES: readonly DoorName[] = ["dynamic", "native"];

/** A resource class as either door's Node.js SDK exports it (its outputs by name). */
export type DoorResourceClass = GeneratedResourceClass;

/** The lookups (`listBackups`, `getBackup`, `getDatastore`) as one door's SDK offers them to a program. */
export interface DoorLookups {
  /** The account's backups, newest first (the native invoke's one-property result, unwrapped by the SDK). */
  listBackups(filter?: Record<string, unknown>): Promise<unknown[]>;
  getBackup(backupId: string): Promise<Record<string, unknown>>;
  getDatastore(datastoreId: string): Promise<Record<string, unknown>>;
}

/** One package resource as a stack's state holds it. */
export interface DoorStateResource {
  urn: string;
  /** Its type token in this door (`dfcloud-backups:index:Backup`, `pulumi-nodejs:dynamic/dfcloud:Backup`). */
  type: string;
  kind: ResourceKind;
  id: string;
  inputs: Record<string, unknown>;
  outputs: Record<string, unknown>;
}

/** How a door's stack gets its provider settings. */
export interface DoorCredentials {
  /** `dfcloud-backups:apiKey`; none when unset. */
  apiKey?: string;
  /** Store the key as plain text rather than as a secret. Default false. */
  plainTextKey?: boolean;
  /** `dfcloud-backups:apiUrl`; none when unset. */
  apiUrl?: string;
}

/**
 * One front door as an engine test drives it: how a program declares each resource and calls each
 * lookup, the stack that runs such a program, and how to read what state holds. A scenario written
 * against this runs unchanged through both doors.
 */
export interface Door {
  readonly name: DoorName;
  /** The resource classes: the dynamic SDK's (`pulumi-dfcloud`) or the generated SDK's. */
  readonly resources: Readonly<Record<ResourceKind, DoorResourceClass>>;
  /** The lookups, each resolving to the same shape through both doors. */
  readonly lookups: DoorLookups;
  /** The type token state holds for `kind`. */
  token(kind: ResourceKind): string;
  /**
   * A stack of an inline program run through this door, state in a fresh work folder: the dynamic
   * SDK's provider from the root node_modules, or the native plugin from {@link NATIVE_PLUGIN_DIR}
   * (the project's `plugins.providers`). The settings go under `dfcloud-backups:`, the one
   * namespace both doors read.
   */
  stack(
    name: string,
    program: PulumiFn,
    credentials?: DoorCredentials,
  ): Promise<{ stack: Stack; workDir: string }>;
  /** The package's resources in `stack`'s state, by resource name (secrets shown). */
  state(stack: Stack): Promise<Record<string, DoorStateResource>>;
}

/** The package's own resources in an exported deployment, by name, with their kind from `kindOf`. */
function packageResources(
  deployment: { resources?: { urn: string; type: string; id?: string; inputs?: object; outputs?: object }[] },
  kindOf: (type: string) => DoorStateResource["kind"] | undefined,
): Record<string, DoorStateResource> {
  const found: Record<string, DoorStateResource> = {};
  for (const resource of deployment.resources ?? []) {
    const kind = kindOf(resource.type);
    if (!kind) continue;
    found[resource.urn.split("::").pop() ?? ""] = {
      urn: resource.urn,
      type: resource.type,
      kind,
      id: resource.id ?? "",
      inputs: (resource.inputs ?? {}) as Record<string, unknown>,
      outputs: (resource.outputs ?? {}) as Record<string, unknown>,
    };
  }
  return found;
}

/** What sets the two doors apart: their classes and lookups, and how a stack of theirs is made. */
type DoorParts = Pick<Door, "resources" | "lookups"> & {
  /** A stack of an inline program run through this door, before its settings are set. */
  newStack(name: string, program: PulumiFn): Promise<{ stack: Stack; workDir: string }>;
};

/** The dynamic SDK's classes and lookups (`pulumi-dfcloud`), its provider from the root node_modules. */
async function dynamicDoorParts(): Promise<DoorParts> {
  const sdk = await import("pulumi-dfcloud");
  return {
    resources: {
      BackupSchedule: sdk.BackupSchedule as unknown as DoorResourceClass,
      Backup: sdk.Backup as unknown as DoorResourceClass,
      Restore: sdk.Restore as unknown as DoorResourceClass,
      RestoreDrill: sdk.RestoreDrill as unknown as DoorResourceClass,
    },
    lookups: {
      listBackups: (filter = {}) => sdk.listBackups(filter),
      getBackup: async (backupId) => ({ ...(await sdk.getBackup(backupId)) }),
      getDatastore: async (datastoreId) => ({ ...(await sdk.getDatastore(datastoreId)) }),
    },
    newStack: (name, program) => inlineStack(name, program),
  };
}

/** The generated Node.js SDK's classes and invokes, the native plugin loaded by {@link pluginStack}. */
async function nativeDoorParts(): Promise<DoorParts> {
  const sdk = await loadGeneratedNodeSdk();
  return {
    resources: {
      BackupSchedule: sdk.BackupSchedule,
      Backup: sdk.Backup,
      Restore: sdk.Restore,
      RestoreDrill: sdk.RestoreDrill,
    },
    lookups: {
      listBackups: (filter = {}) => sdk.listBackups(filter),
      getBackup: (backupId) => sdk.getBackup(backupId),
      getDatastore: (datastoreId) => sdk.getDatastore(datastoreId),
    },
    newStack: pluginStack,
  };
}

/** Opens one front door (loading the generated Node.js SDK, built once, for the native one). */
export async function openDoor(name: DoorName): Promise<Door> {
  const provider = await import("@pulumi-dfcloud/provider");
  const settings = async (stack: Stack, credentials: DoorCredentials) => {
    if (credentials.apiKey !== undefined) {
      await stack.setConfig(provider.configKey("apiKey"), {
        value: credentials.apiKey,
        secret: !credentials.plainTextKey,
      });
    }
    if (credentials.apiUrl !== undefined) {
      await stack.setConfig(provider.configKey("apiUrl"), { value: credentials.apiUrl });
    }
  };
  const { resources, lookups, newStack } =
    name === "dynamic" ? await dynamicDoorParts() : await nativeDoorParts();
  const token = (kind: DoorStateResource["kind"]) =>
    name === "dynamic" ? provider.dynamicToken(kind) : provider.nativeToken(kind);
  return {
    name,
    resources,
    lookups,
    token,
    async stack(stackName, program, credentials = {}) {
      const made = await newStack(stackName, program);
      await settings(made.stack, credentials);
      return made;
    },
    async state(stack) {
      const { deployment } = await stack.exportStack();
      return packageResources(deployment, (type) =>
        provider.RESOURCE_KINDS.find((kind) => token(kind) === type),
      );
    },
  };
}

/**
 * Opens each front door at most once, for a test file that runs its scenarios through both: the
 * native door builds and loads the generated SDK on first use, and every later call shares it.
 */
export function doorsOpenedOnce(): (name: DoorName) => Promise<Door> {
  const doors = new Map<DoorName, Promise<Door>>();
  return (name) => {
    let opened = doors.get(name);
    if (!opened) {
      opened = openDoor(name);
      doors.set(name, opened);
    }
    return opened;
  };
}

/**
 * A stack of an inline program whose project loads the native plugin from {@link NATIVE_PLUGIN_DIR}
 * (Pulumi.yaml's `plugins.providers`, passed through by the Automation API), state in a fresh work
 * folder, fully offline.
 */
export function pluginStack(name: string, program: PulumiFn): Promise<{ stack: Stack; workDir: string }> {
  return inlineStack(name, program, { plugins: [{ name: PACKAGE, path: NATIVE_PLUGIN_DIR }] });
}

/**
 * At most `slots` of the given tasks at a time, in the order they ask: for engine tests that run
 * concurrently on a small machine (each engine run starts the CLI, a language host, the program and
 * a provider process).
 */
export function taskSlots(slots: number): <T>(task: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async (task) => {
    // A finishing task hands its slot straight to the next in line, so none can jump the queue.
    if (running >= slots) await new Promise<void>((resolve) => waiting.push(resolve));
    else running++;
    try {
      return await task();
    } finally {
      const next = waiting.shift();
      if (next) next();
      else running--;
    }
  };
}

/**
 * Replaces a datastore's schedule through the public API, behind the stack's back, as a console edit
 * (or another tool's PUT of the whole config) does; the datastore's other settings are kept.
 */
export async function consoleScheduleEdit(
  emulator: RunningEmulator,
  apiKey: string,
  datastoreId: string,
  backupPolicy: Record<string, unknown>,
): Promise<void> {
  const url = `${emulator.url}/v1/datastores/${datastoreId}`;
  const headers = { authorization: `Bearer ${apiKey}`, "content-type": "application/json" };
  const { config } = (await fetch(url, { headers }).then((r) => r.json())) as { config: object };
  const put = await fetch(url, {
    method: "PUT",
    headers,
    body: JSON.stringify({ ...config, backup_policy: backupPolicy }),
  });
  if (put.status !== 200) throw new Error(`the console edit was refused: ${put.status} ${await put.text()}`);
}

/**
 * A message as the engine prints it in its Diagnostics section (and in the error a failed command
 * reports): each later line of a multi-line message indented to the first's.
 */
export function asPrinted(message: string): string {
  return message.replaceAll("\n", "\n    ");
}

/** A diagnostic as the engine's Diagnostics section prints it under its resource: its severity first. */
export function diagnosticText(severity: "warning" | "error", message: string): string {
  return `${severity}: ${asPrinted(message)}`;
}
