/**
 * Our `pulumi-language-nodejs` (tools/language-host) shuts down without orphaning the programs it
 * runs: on SIGTERM or SIGINT it passes the signal on to them, SIGKILLs any still running after its
 * grace period (at once on a second signal), and only then exits, with 128 + the signal number.
 * When its engine goes away it ends them too. Its version is the Makefile's PULUMI_ENGINE_VERSION.
 *
 * The host binary is started as a child and a long-lived program is started through its real
 * `Run` RPC (PULUMI_LANGUAGE_NODEJS_RUN_PATH points it at our script instead of
 * @pulumi/pulumi/cmd/run). No Pulumi engine is needed: a loopback gRPC health service stands in
 * for the engine address the host watches.
 */
import { type ChildProcessWithoutNullStreams, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { newWorkDir, ROOT, writeFile } from "./harness";

const require = createRequire(__filename);
// CommonJS modules whose exports Node's ESM loader cannot name (google-protobuf's generated code).
const grpc = require("@grpc/grpc-js") as typeof import("@grpc/grpc-js");
const langGrpc =
  require("@pulumi/pulumi/proto/language_grpc_pb") as typeof import("@pulumi/pulumi/proto/language_grpc_pb");
const langPb =
  require("@pulumi/pulumi/proto/language_pb") as typeof import("@pulumi/pulumi/proto/language_pb");
const emptyPb =
  require("google-protobuf/google/protobuf/empty_pb") as typeof import("google-protobuf/google/protobuf/empty_pb");

const HOST_BIN = path.join(ROOT, "tools/language-host/bin/pulumi-language-nodejs");

/** Upper bound for anything that should happen promptly; far below the grace periods under test. */
const PROMPT_MS = 20_000;

/**
 * The "program": it logs every SIGINT/SIGTERM it gets to the file named by its next-to-last
 * argument, then either exits (mode `exits`) or carries on (mode `ignores`, which only SIGKILL
 * ends). It announces its pid once its handlers are in place.
 */
const PROGRAM = `const fs = require("node:fs");
const [log, mode] = process.argv.slice(-2);
for (const signal of ["SIGINT", "SIGTERM"]) {
  process.on(signal, () => {
    fs.appendFileSync(log, signal + "\\n");
    if (mode === "exits") process.exit(0);
  });
}
setInterval(() => {}, 60_000);
process.stdout.write("program-ready " + process.pid + "\\n");
`;

/** The Makefile's engine version, read the way a person would: its `PULUMI_ENGINE_VERSION :=` line. */
function makefileVersion(): string {
  const match = /^PULUMI_ENGINE_VERSION :?= *(\S+)$/m.exec(
    fs.readFileSync(path.join(ROOT, "Makefile"), "utf8"),
  );
  if (!match?.[1]) throw new Error("no PULUMI_ENGINE_VERSION line in the Makefile");
  return match[1];
}

/** Polls `condition` every 20 ms until it holds; fails after `timeoutMs` naming `what`. */
async function waitUntil(condition: () => boolean, what: string, timeoutMs = PROMPT_MS): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** Whether a process with this pid exists (EPERM: it exists but is not ours). */
function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The environment without make's exports that could hand the host its version. */
function envWithoutMake(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  delete env.PULUMI_ENGINE_VERSION;
  return { ...env, ...extra };
}

/** A loopback stand-in for the engine: only grpc.health.v1.Health/Check, which always answers. */
async function startFakeEngine(): Promise<{ address: string; server: import("@grpc/grpc-js").Server }> {
  const server = new grpc.Server();
  const identity = (b: Buffer) => b;
  const definition: import("@grpc/grpc-js").ServiceDefinition = {
    check: {
      path: "/grpc.health.v1.Health/Check",
      requestStream: false,
      responseStream: false,
      requestSerialize: identity,
      requestDeserialize: identity,
      responseSerialize: identity,
      responseDeserialize: identity,
    },
  };
  server.addService(definition, {
    check: (_call: unknown, callback: (err: null, res: Buffer) => void) => callback(null, Buffer.alloc(0)),
  });
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    ),
  );
  return { address: `127.0.0.1:${port}`, server };
}

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** A running language host: its process, the port it printed, and what it printed after that. */
interface Host {
  proc: ChildProcessWithoutNullStreams;
  port: number;
  /** stdout lines after the port line: the programs' output, which the host forwards. */
  lines: string[];
  stderr: () => string;
  exited: Promise<Exit>;
}

const started: { hosts: Host[]; pids: number[] } = { hosts: [], pids: [] };

/** Starts the host binary as the engine would (`pulumi-language-nodejs <engine address>`). */
async function startHost(engineAddress: string, env: NodeJS.ProcessEnv): Promise<Host> {
  const proc = spawn(HOST_BIN, [engineAddress], { env, stdio: ["pipe", "pipe", "pipe"] });
  const exited = new Promise<Exit>((resolve) =>
    proc.once("exit", (code, signal) => resolve({ code, signal })),
  );
  const lines: string[] = [];
  let port = 0;
  let partial = "";
  let stderr = "";
  proc.stdout.on("data", (chunk: Buffer) => {
    partial += chunk.toString("utf8");
    const complete = partial.split("\n");
    partial = complete.pop() ?? "";
    for (const line of complete) {
      if (port === 0) port = Number(line);
      else lines.push(line);
    }
  });
  proc.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString("utf8");
  });
  const host: Host = { proc, port: 0, lines, stderr: () => stderr, exited };
  started.hosts.push(host);
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  await waitUntil(() => port > 0 || gone, "the host to print its port");
  if (port === 0) throw new Error(`the host exited before printing its port:\n${stderr}`);
  host.port = port;
  return host;
}

/**
 * Starts a program through the host's Run RPC and waits for it to be ready.
 * @returns the program's pid and the file its received signals are logged to
 */
async function runProgram(
  host: Host,
  dir: string,
  mode: "exits" | "ignores",
): Promise<{ pid: number; log: string }> {
  const log = path.join(dir, `signals-${host.port}.log`);
  const client = new langGrpc.LanguageRuntimeClient(
    `127.0.0.1:${host.port}`,
    grpc.credentials.createInsecure(),
  );
  const info = new langPb.ProgramInfo().setRootDirectory(dir).setProgramDirectory(dir).setEntryPoint(".");
  const request = new langPb.RunRequest()
    .setProject("lh-shutdown")
    .setStack("dev")
    .setPwd(dir)
    .setInfo(info)
    .setArgsList([log, mode]);
  // The call only ends when the host does; its outcome is not what these tests are about.
  client.run(request, () => client.close());
  let pid = 0;
  await waitUntil(() => {
    const ready = host.lines.find((l) => l.startsWith("program-ready "));
    pid = ready ? Number(ready.split(" ")[1]) : 0;
    return pid > 0;
  }, `the program to start (host stderr: ${host.stderr()})`);
  started.pids.push(pid);
  return { pid, log };
}

/** Waits for the host to exit, failing after {@link PROMPT_MS}. */
async function exitOf(host: Host): Promise<Exit> {
  let exit: Exit | undefined;
  void host.exited.then((e) => {
    exit = e;
  });
  await waitUntil(() => exit !== undefined, "the host to exit");
  return exit as Exit;
}

const signalsLogged = (log: string) => (fs.existsSync(log) ? fs.readFileSync(log, "utf8") : "");

describe("language host shutdown", () => {
  let workDir: string;
  let engine: Awaited<ReturnType<typeof startFakeEngine>>;
  let programScript: string;

  beforeAll(async () => {
    workDir = newWorkDir("language-host-shutdown");
    programScript = path.join(workDir, "program.js");
    writeFile(workDir, "program.js", PROGRAM);
    engine = await startFakeEngine();
  });

  afterEach(() => {
    // Whatever a failed test left running must not outlive it.
    for (const host of started.hosts) if (host.proc.exitCode === null) host.proc.kill("SIGKILL");
    for (const pid of started.pids) if (pidAlive(pid)) process.kill(pid, "SIGKILL");
    started.hosts = [];
    started.pids = [];
  });

  afterAll(() => {
    engine?.server.forceShutdown();
    if (workDir && !process.env.KEEP_TEST_WORK) fs.rmSync(workDir, { recursive: true, force: true });
  });

  /** The host's environment: our program instead of @pulumi/pulumi/cmd/run, and a grace period. */
  const hostEnv = (graceMs: number, extra: Record<string, string> = {}) =>
    envWithoutMake({
      PULUMI_LANGUAGE_NODEJS_RUN_PATH: programScript,
      LANGUAGE_HOST_GRACE_MS: String(graceMs),
      ...extra,
    });

  it("on SIGTERM passes SIGTERM to its program, waits for it to exit, then exits 143", async () => {
    // A grace period far longer than the wait below: the host must not need it.
    const host = await startHost(engine.address, hostEnv(600_000));
    const program = await runProgram(host, workDir, "exits");

    const t0 = Date.now();
    host.proc.kill("SIGTERM");
    const exit = await exitOf(host);
    console.log(`host exit after SIGTERM, cooperative program: ${Date.now() - t0} ms`);

    expect(exit, host.stderr()).toEqual({ code: 143, signal: null });
    expect(signalsLogged(program.log)).toBe("SIGTERM\n");
    expect(pidAlive(program.pid)).toBe(false);
  });

  it("on SIGINT passes SIGINT to its program and exits 130", async () => {
    const host = await startHost(engine.address, hostEnv(600_000));
    const program = await runProgram(host, workDir, "exits");

    host.proc.kill("SIGINT");
    const exit = await exitOf(host);

    expect(exit, host.stderr()).toEqual({ code: 130, signal: null });
    expect(signalsLogged(program.log)).toBe("SIGINT\n");
    expect(pidAlive(program.pid)).toBe(false);
  });

  it("SIGKILLs a program that ignores the signal once the grace period is over", async () => {
    const graceMs = 500;
    const host = await startHost(engine.address, hostEnv(graceMs));
    const program = await runProgram(host, workDir, "ignores");

    const t0 = Date.now();
    host.proc.kill("SIGTERM");
    const exit = await exitOf(host);
    const elapsed = Date.now() - t0;
    console.log(`host exit after SIGTERM, program ignoring it, grace ${graceMs} ms: ${elapsed} ms`);

    expect(exit, host.stderr()).toEqual({ code: 143, signal: null });
    // It was asked first, and it was given the grace period before the SIGKILL.
    expect(signalsLogged(program.log)).toBe("SIGTERM\n");
    expect(elapsed).toBeGreaterThanOrEqual(graceMs);
    expect(pidAlive(program.pid)).toBe(false);
  });

  it("SIGKILLs at once on a second signal instead of waiting out the grace period", async () => {
    const host = await startHost(engine.address, hostEnv(600_000));
    const program = await runProgram(host, workDir, "ignores");

    host.proc.kill("SIGTERM");
    await waitUntil(() => signalsLogged(program.log) === "SIGTERM\n", "the program to get SIGTERM");
    host.proc.kill("SIGINT");
    const exit = await exitOf(host);

    // The first signal decides the exit code; the second only cut the grace period short.
    expect(exit, host.stderr()).toEqual({ code: 143, signal: null });
    expect(signalsLogged(program.log)).toBe("SIGTERM\n");
    expect(pidAlive(program.pid)).toBe(false);
  });

  it("ends its programs, SIGKILLing one that ignores SIGINT, before exiting when its engine goes away", async () => {
    const ownEngine = await startFakeEngine();
    const host = await startHost(ownEngine.address, hostEnv(500, { LANGUAGE_HOST_HEALTHCHECK_MS: "100" }));
    const program = await runProgram(host, workDir, "ignores");

    ownEngine.server.forceShutdown();
    const exit = await exitOf(host);

    // No signal ended the host: it left because its engine did.
    expect(exit, host.stderr()).toEqual({ code: 0, signal: null });
    expect(signalsLogged(program.log)).toBe("SIGINT\n");
    expect(pidAlive(program.pid)).toBe(false);
  });
});

describe("language host version", () => {
  /** Runs a language host launcher with `-version` outside make's environment. */
  const version = (bin: string) =>
    new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(bin, ["-version"], { env: envWithoutMake() }, (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
      });
    });

  it("prints the Makefile's PULUMI_ENGINE_VERSION with -version, without make's environment", async () => {
    const expected = makefileVersion();
    expect(expected).toMatch(/^v\d+\.\d+\.\d+$/);
    expect(await version(HOST_BIN)).toEqual({ code: 0, stdout: `${expected}\n`, stderr: "" });
  });

  it("reports the same version to the engine through GetPluginInfo", async () => {
    const host = await startHost("", envWithoutMake());
    const client = new langGrpc.LanguageRuntimeClient(
      `127.0.0.1:${host.port}`,
      grpc.credentials.createInsecure(),
    );
    try {
      const info = await new Promise<import("@pulumi/pulumi/proto/plugin_pb").PluginInfo>((resolve, reject) =>
        client.getPluginInfo(new emptyPb.Empty(), (err, res) => (err ? reject(err) : resolve(res))),
      );
      expect(info.getVersion()).toBe(makefileVersion());
    } finally {
      client.close();
      host.proc.kill("SIGKILL");
    }
  });

  it("reads the Makefile on a fresh clone, and once linked the version scripts/link-plugins.sh recorded", async () => {
    // A copy of the parts of the repository the host and the link script use, with its own Makefile.
    const clone = newWorkDir("language-host-clone");
    try {
      const hostDir = path.join(clone, "tools/language-host");
      fs.cpSync(path.join(ROOT, "tools/language-host"), hostDir, {
        recursive: true,
        filter: (src) => path.basename(src) !== "engine-version.generated.txt",
      });
      fs.mkdirSync(path.join(clone, "scripts"));
      fs.copyFileSync(
        path.join(ROOT, "scripts/link-plugins.sh"),
        path.join(clone, "scripts/link-plugins.sh"),
      );
      fs.symlinkSync(path.join(ROOT, "node_modules"), path.join(clone, "node_modules"));
      writeFile(clone, "Makefile", "NODE_VERSION := 24.9.0\nPULUMI_ENGINE_VERSION := v9.9.9\n");
      const cloneHost = path.join(hostDir, "bin/pulumi-language-nodejs");
      const linkedHost = path.join(clone, ".tools/pulumi/bin/pulumi-language-nodejs");

      expect(await version(cloneHost)).toEqual({ code: 0, stdout: "v9.9.9\n", stderr: "" });

      // Linked by `make PULUMI_ENGINE_VERSION=v9.9.10 tools`: the version make exported wins.
      fs.mkdirSync(path.dirname(linkedHost), { recursive: true });
      const link = (env: NodeJS.ProcessEnv) =>
        new Promise<number>((resolve) =>
          execFile(path.join(clone, "scripts/link-plugins.sh"), { env }, (error) =>
            resolve(error ? Number(error.code ?? 1) : 0),
          ),
        );
      expect(await link(envWithoutMake({ PULUMI_ENGINE_VERSION: "v9.9.10" }))).toBe(0);
      expect(await version(linkedHost)).toEqual({ code: 0, stdout: "v9.9.10\n", stderr: "" });
      expect(fs.readFileSync(path.join(hostDir, "engine-version.generated.txt"), "utf8")).toMatch(
        /^# Generated by scripts\/link-plugins\.sh.*\nv9\.9\.10\n$/,
      );

      // Linked by hand, outside make: the script reads the Makefile itself.
      expect(await link(envWithoutMake())).toBe(0);
      expect(await version(linkedHost)).toEqual({ code: 0, stdout: "v9.9.9\n", stderr: "" });
    } finally {
      if (!process.env.KEEP_TEST_WORK) fs.rmSync(clone, { recursive: true, force: true });
    }
  });
});
