/**
 * When the bundled native plugin loads the code of its resource operations (lib/operations.js, about
 * 30 ms of one core). The engine configures a provider only when a deployment follows, and in
 * `preview` and `up` it then starts the program before the first Check; the plugin loads that code
 * in this wait instead of during the first Check, and never during the schema and config calls.
 *
 * The plugin is the folder users install (`make tools`), started by its launcher and spoken to over
 * gRPC as the engine does, without an engine. A `--require`d hook in NODE_OPTIONS reports on stderr
 * each file of the bundle's lib/ as the plugin requires it.
 */
import { type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { PACKAGE } from "@pulumi-dfcloud/provider";
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newWorkDir, ROOT, seedTestDatastore, writeFile } from "./harness";

const require = createRequire(__filename);
// CommonJS modules whose exports Node's ESM loader cannot name (google-protobuf's generated code).
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const providerGrpc =
  require("@pulumi/pulumi/proto/provider_grpc_pb") as typeof import("@pulumi/pulumi/proto/provider_grpc_pb");
const providerPb =
  require("@pulumi/pulumi/proto/provider_pb") as typeof import("@pulumi/pulumi/proto/provider_pb");
const structPb =
  require("google-protobuf/google/protobuf/struct_pb") as typeof import("google-protobuf/google/protobuf/struct_pb");

/** The plugin as `make tools` builds it and users install it (scripts/build-plugin.sh). */
const PLUGIN_DIR = path.join(ROOT, ".tools", "plugin", PACKAGE);
const LAUNCHER = `pulumi-resource-${PACKAGE}`;
const SCHEDULE = `${PACKAGE}:index:BackupSchedule`;
const API_KEY = "dragonflydb_preload_test_key_0123456789";
/** Upper bound for anything that should happen promptly. */
const PROMPT_MS = 20_000;

/** Reports each file of the bundle's lib/ the plugin requires, as `required lib/<file>` on stderr. */
const REQUIRE_HOOK = `const Module = require("node:module");
const compileJs = Module._extensions[".js"];
Module._extensions[".js"] = function (module, filename) {
  const inLib = /[\\/]lib[\\/](\\w+\\.js)$/.exec(filename);
  if (inLib) process.stderr.write("required lib/" + inLib[1] + "\\n");
  return compileJs.apply(this, arguments);
};
`;

/** A started plugin: its gRPC client, and the lines it has written to stderr so far. */
interface RunningPlugin {
  readonly client: InstanceType<typeof providerGrpc.ResourceProviderClient>;
  readonly stderr: string[];
  /** Resolves when a stderr line equal to `line` has been written (at once if it already has). */
  line(line: string): Promise<void>;
  call<Res>(method: string, request: unknown): Promise<Res>;
}

let emulator: RunningEmulator;
let datastoreId = "";
let hookFile = "";
const children: ChildProcessWithoutNullStreams[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ apiKeys: [API_KEY] });
  datastoreId = await seedTestDatastore(emulator, API_KEY);
  const dir = newWorkDir("plugin-preload");
  writeFile(dir, "require-hook.cjs", REQUIRE_HOOK);
  hookFile = path.join(dir, "require-hook.cjs");
});

afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

afterAll(async () => {
  await emulator?.close();
});

/** Starts the plugin in `dir` with the require hook, and connects to the port it prints. */
async function startPlugin(dir: string): Promise<RunningPlugin> {
  const child = spawn(path.join(dir, LAUNCHER), [], {
    env: { ...process.env, NODE_OPTIONS: `--require ${hookFile}` },
  });
  children.push(child);
  const stderr: string[] = [];
  const waiters: { line: string; resolve: () => void }[] = [];
  let partial = "";
  child.stderr.on("data", (chunk: Buffer) => {
    const lines = (partial + chunk.toString()).split("\n");
    partial = lines.pop() ?? "";
    for (const line of lines) {
      stderr.push(line);
      for (const waiter of waiters.filter((w) => w.line === line)) waiter.resolve();
    }
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(
      () => reject(new Error(`no port from the plugin in ${PROMPT_MS} ms`)),
      PROMPT_MS,
    );
    child.stdout.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const match = /^(\d+)\n/.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(Number(match[1]));
      }
    });
    child.once("exit", (code) => reject(new Error(`plugin exited with ${code}: ${stderr.join("\n")}`)));
  });
  const client = new providerGrpc.ResourceProviderClient(
    `127.0.0.1:${port}`,
    grpc.credentials.createInsecure(),
  );
  return {
    client,
    stderr,
    line: (line) =>
      stderr.includes(line)
        ? Promise.resolve()
        : new Promise((resolve, reject) => {
            const timer = setTimeout(
              () =>
                reject(
                  new Error(`no "${line}" on the plugin's stderr in ${PROMPT_MS} ms: ${stderr.join("\n")}`),
                ),
              PROMPT_MS,
            );
            waiters.push({
              line,
              resolve: () => {
                clearTimeout(timer);
                resolve();
              },
            });
          }),
    call: (method, request) =>
      new Promise((resolve, reject) => {
        const rpc = Reflect.get(client, method) as (
          request: unknown,
          callback: (error: Error | null, response: unknown) => void,
        ) => void;
        rpc.call(client, request, (error, response) => (error ? reject(error) : resolve(response as never)));
      }),
  };
}

const struct = (values: Record<string, unknown>) => structPb.Struct.fromJavaScript(values as never);

function configureRequest() {
  return new providerPb.ConfigureRequest()
    .setArgs(struct({ apiKey: API_KEY, apiUrl: emulator.url, allowInsecureHttp: "true", version: "0.1.0" }))
    .setAcceptsecrets(true);
}

function checkRequest() {
  return new providerPb.CheckRequest()
    .setUrn(`urn:pulumi:dev::preload::${SCHEDULE}::nightly`)
    .setType(SCHEDULE)
    .setOlds(struct({}))
    .setNews(struct({ datastoreId, days: ["mon"], hours: [2], retentionDays: 7 }));
}

describe("the bundled native plugin's operations code", () => {
  it("is not loaded by the schema and config calls, and is loaded once the engine has configured the provider, before any resource operation", async () => {
    const plugin = await startPlugin(PLUGIN_DIR);
    await plugin.call("getSchema", new providerPb.GetSchemaRequest());
    await plugin.call("checkConfig", new providerPb.CheckRequest().setNews(struct({ apiKey: API_KEY })));
    expect(plugin.stderr.filter((line) => line.startsWith("required "))).toEqual(["required lib/plugin.js"]);

    await plugin.call("configure", configureRequest());
    await plugin.line("required lib/operations.js");
    // The restore drill's data-plane client is loaded only by a drill's read-back.
    expect(plugin.stderr.filter((line) => line.startsWith("required "))).toEqual([
      "required lib/plugin.js",
      "required lib/operations.js",
    ]);

    const checked = await plugin.call<InstanceType<typeof providerPb.CheckResponse>>("check", checkRequest());
    expect(checked.getFailuresList()).toEqual([]);
    expect(checked.getInputs()?.toJavaScript()).toMatchObject({ datastoreId, days: ["mon"], hours: [2] });
  });

  it("that cannot be loaded leaves Configure answered and the plugin up: the first operation that needs it reports why", async () => {
    const damaged = newWorkDir("plugin-preload-damaged");
    fs.cpSync(PLUGIN_DIR, damaged, { recursive: true });
    fs.rmSync(path.join(damaged, ".compile-cache"), { recursive: true, force: true });
    fs.writeFileSync(
      path.join(damaged, "lib", "operations.js"),
      'throw new Error("lib/operations.js is damaged");\n',
    );
    const plugin = await startPlugin(damaged);

    const configured = await plugin.call<InstanceType<typeof providerPb.ConfigureResponse>>(
      "configure",
      configureRequest(),
    );
    expect(configured.getSupportspreview()).toBe(true);
    await plugin.line("required lib/operations.js");

    await expect(plugin.call("check", checkRequest())).rejects.toThrow("lib/operations.js is damaged");
    // Asked again, the same answer: the process did not die of the failed load.
    await expect(plugin.call("check", checkRequest())).rejects.toThrow("lib/operations.js is damaged");
  });
});
