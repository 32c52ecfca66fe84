// @ts-check
// The `pulumirpc.LanguageRuntime` service for Node.js programs and policy packs: a port of the
// parts of pulumi/pulumi's sdk/nodejs/cmd/pulumi-language-nodejs/main.go that preview, up,
// refresh, destroy and `--policy-pack` use. See ../README.md for what differs from the Go host.
"use strict";

const { spawn, execFile } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");

const grpc = require("@grpc/grpc-js");
const emptyPb = require("google-protobuf/google/protobuf/empty_pb.js");
const structPb = require("google-protobuf/google/protobuf/struct_pb.js");
const engineGrpc = require("@pulumi/pulumi/proto/engine_grpc_pb.js");
const enginePb = require("@pulumi/pulumi/proto/engine_pb.js");
const langPb = require("@pulumi/pulumi/proto/language_pb.js");
const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");
const { requiredPackages } = require("./packages.js");
const { PolicyProxy } = require("./policy-proxy.js");
const {
  EXIT_CODE_ALREADY_REPORTED,
  GRPC_OPTIONS,
  HOST_VERSION,
  OomSniffer,
  constructConfig,
  envFromList,
  envMs,
  findNextAvailablePort,
  locateModule,
  lookPath,
  parseOptions,
  shellSplit,
} = require("./util.js");

const DEFAULT_RUN_PATH = "@pulumi/pulumi/cmd/run";
const PREFERRED_DEBUG_PORT = 9229;

/**
 * Milliseconds a child gets to exit after it is asked to stop, before SIGKILL: 5 s as in the Go
 * host. LANGUAGE_HOST_GRACE_MS overrides it so tests need not wait that long.
 */
const DEFAULT_GRACE_MS = 5000;

/**
 * @typedef {import("node:child_process").ChildProcessByStdio<null, import("node:stream").Readable, import("node:stream").Readable>} Child
 * @typedef {{ code: number, signal: NodeJS.Signals | null }} Exit
 * @typedef {import("@pulumi/pulumi/proto/language_pb").ProgramInfo} ProgramInfo
 * @typedef {import("@pulumi/pulumi/proto/language_pb").RunRequest} RunRequest
 * @typedef {import("@pulumi/pulumi/proto/language_pb").RunResponse} RunResponse
 * @typedef {import("@pulumi/pulumi/proto/language_pb").RunPluginRequest} RunPluginRequest
 * @typedef {import("@pulumi/pulumi/proto/language_pb").RunPluginResponse} RunPluginResponse
 */

/** An error the Go host would return as a gRPC error (codes.Unknown, like a plain Go error). */
class RpcError extends Error {
  /**
   * @param {string} message
   * @param {grpc.status} [code]
   */
  constructor(message, code = grpc.status.UNKNOWN) {
    super(message);
    this.code = code;
  }
}

/**
 * A failure Run reports in RunResponse.error rather than as a gRPC error: that field is where the
 * engine looks for the program's own failure (a bad project, a missing SDK, a non-zero exit),
 * while a gRPC error says the Run call itself went wrong.
 */
class ProgramFailure extends Error {}

/**
 * @param {unknown} err
 * @returns {Partial<grpc.StatusObject>}
 */
function toStatus(err) {
  if (err instanceof RpcError) {
    return { code: err.code, details: err.message };
  }
  return { code: grpc.status.UNKNOWN, details: err instanceof Error ? err.message : String(err) };
}

/**
 * Options of Pulumi.yaml / PulumiPolicy.yaml `runtime.options`, as the engine sends them.
 * @param {import("@pulumi/pulumi/proto/language_pb").ProgramInfo | undefined} info
 * @returns {Record<string, unknown>}
 */
function optionsOf(info) {
  const opts = info?.getOptions();
  return opts ? /** @type {Record<string, unknown>} */ (opts.toJavaScript()) : {};
}

/**
 * Waits for a child to finish (all of its output read). Rejects if it could not be started.
 * @param {import("node:child_process").ChildProcess} child
 * @returns {Promise<Exit>}
 */
function waitForExit(child) {
  return new Promise((resolve, reject) => {
    let spawned = false;
    child.once("spawn", () => {
      spawned = true;
    });
    child.once("error", (err) => {
      if (!spawned) {
        reject(err);
      }
    });
    child.once("close", (code, signal) => {
      if (spawned) {
        // Like Go's ExitError.ExitCode(): -1 when the process was killed by a signal.
        resolve({ code: code ?? -1, signal });
      }
    });
  });
}

/** @param {import("node:child_process").ChildProcess} child */
function isRunning(child) {
  return child.exitCode === null && child.signalCode === null;
}

/**
 * Sends `signal` to a child that is still running. A failed kill (the child exited meanwhile) is
 * not an error: the child emits it as an "error" event, which {@link NodeLanguageHost.track}
 * listens for.
 * @param {import("node:child_process").ChildProcess} child
 * @param {NodeJS.Signals} signal
 */
function signalChild(child, signal) {
  if (isRunning(child)) {
    child.kill(signal);
  }
}

class NodeLanguageHost {
  /**
   * @param {{ engineAddress: string, tracing: string, onHandshake?: (engineAddress: string) => void, graceMs?: number }} opts
   *   graceMs: how long a child may take to exit after being asked to stop, before SIGKILL
   *   (default LANGUAGE_HOST_GRACE_MS, else 5000)
   */
  constructor(opts) {
    this.engineAddress = opts.engineAddress;
    this.tracing = opts.tracing;
    this.onHandshake = opts.onHandshake;
    this.graceMs = opts.graceMs ?? envMs("LANGUAGE_HOST_GRACE_MS", DEFAULT_GRACE_MS);
    /** Cancels every running program/plugin (the `Cancel` RPC). */
    /** @type {Set<() => void>} */
    this.cancellers = new Set();
    /**
     * Every program and plugin process this host started that has not exited yet, with a promise
     * of its exit: a shutdown must not leave any of them behind.
     * @type {Map<import("node:child_process").ChildProcess, Promise<void>>}
     */
    this.children = new Map();
    /** Set once {@link stopAll} began; from then on nothing new is started. */
    this.stopping = false;
    /** Set by {@link escalate}: no more grace for anyone. */
    this.insist = false;
    /** Ends a running {@link stopAll}'s grace period early. */
    /** @type {(() => void) | undefined} */
    this.endGrace = undefined;
  }

  /**
   * Records a child just spawned until it exits. "exit" rather than "close": what matters is that
   * the process is gone, not that a grandchild still holds its output pipes.
   * @param {import("node:child_process").ChildProcess} child
   */
  track(child) {
    const gone = new Promise((resolve) => {
      child.once("exit", () => resolve(undefined));
      // A child that could not be spawned has no pid and never emits "exit".
      child.on("error", () => {
        if (child.pid === undefined) {
          resolve(undefined);
        }
      });
    }).then(() => {
      this.children.delete(child);
    });
    this.children.set(child, gone);
  }

  /** Interrupts every program and plugin this host started (the `Cancel` RPC). */
  cancelAll() {
    for (const cancel of [...this.cancellers]) {
      cancel();
    }
  }

  /**
   * Stops every child for a host shutdown: `signal` first; SIGKILL for those still running once
   * the grace period is over, or at once when {@link escalate} is called. Resolves when all of
   * them have exited; a SIGKILLed child that is not gone after another grace period (stuck in the
   * kernel) is given up on. Run and RunPlugin refuse to start anything from here on, so no child
   * outlives the host.
   * @param {NodeJS.Signals} signal
   * @returns {Promise<void>}
   */
  async stopAll(signal) {
    this.stopping = true;
    if (this.children.size === 0) {
      return;
    }
    const allGone = Promise.all(this.children.values());
    for (const child of this.children.keys()) {
      signalChild(child, signal);
    }
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const graceOver = new Promise((resolve) => {
      this.endGrace = () => resolve(undefined);
      timer = setTimeout(resolve, this.insist ? 0 : this.graceMs);
    });
    await Promise.race([allGone, graceOver]);
    clearTimeout(timer);
    if (this.children.size === 0) {
      return;
    }
    for (const child of this.children.keys()) {
      signalChild(child, "SIGKILL");
    }
    await Promise.race([allGone, new Promise((resolve) => setTimeout(resolve, this.graceMs))]);
  }

  /** Ends {@link stopAll}'s grace period now (a second signal: the user insists). */
  escalate() {
    this.insist = true;
    this.endGrace?.();
  }

  /** @returns {import("@pulumi/pulumi/proto/language_grpc_pb").ILanguageRuntimeServer} */
  service() {
    /**
     * @template Req, Res
     * @param {string} name
     * @returns {grpc.handleUnaryCall<Req, Res>}
     */
    const unimplemented = (name) => (_call, callback) =>
      callback({ code: grpc.status.UNIMPLEMENTED, details: `method ${name} not implemented` });
    return {
      handshake: (call, cb) => cb(null, this.handshake(call.request)),
      getRequiredPlugins: (_call, cb) => cb(null, new langPb.GetRequiredPluginsResponse()),
      getRequiredPackages: (call, cb) => {
        const dir = call.request.getInfo()?.getProgramDirectory() || process.cwd();
        cb(null, new langPb.GetRequiredPackagesResponse().setPackagesList(requiredPackages(dir)));
      },
      run: (call, cb) => {
        this.run(call).then(
          (res) => cb(null, res),
          (err) => cb(toStatus(err)),
        );
      },
      getPluginInfo: (_call, cb) => cb(null, new pluginPb.PluginInfo().setVersion(HOST_VERSION)),
      installDependencies: (call) => {
        this.installDependencies(call);
      },
      runtimeOptionsPrompts: (_call, cb) => cb(null, new langPb.RuntimeOptionsResponse()),
      template: (_call, cb) => cb(null, new langPb.TemplateResponse()),
      about: (call, cb) => {
        this.about(call.request).then(
          (res) => cb(null, res),
          (err) => cb(toStatus(err)),
        );
      },
      getProgramDependencies: (call, cb) => {
        try {
          cb(null, this.getProgramDependencies(call.request));
        } catch (err) {
          cb(toStatus(err));
        }
      },
      runPlugin: (call) => {
        this.runPlugin(call);
      },
      generateProgram: unimplemented("GenerateProgram"),
      generateProject: unimplemented("GenerateProject"),
      generatePackage: unimplemented("GeneratePackage"),
      pack: unimplemented("Pack"),
      link: unimplemented("Link"),
      cancel: (_call, cb) => {
        this.cancelAll();
        cb(null, new emptyPb.Empty());
      },
    };
  }

  /**
   * @param {import("@pulumi/pulumi/proto/language_pb").LanguageHandshakeRequest} req
   */
  handshake(req) {
    const addr = req.getEngineAddress();
    if (addr) {
      this.engineAddress = addr;
      this.onHandshake?.(addr);
    }
    return new langPb.LanguageHandshakeResponse();
  }

  /** Go: connectToEngine. */
  requireEngine() {
    if (!this.engineAddress) {
      throw new RpcError("when debugging or running explicitly, must call Handshake before Run");
    }
    return this.engineAddress;
  }

  /**
   * Runs a program: `node [nodeargs] <@pulumi/pulumi/cmd/run> --monitor … <entry point> [args]`.
   * @param {grpc.ServerUnaryCall<RunRequest, unknown>} call
   * @returns {Promise<RunResponse>}
   */
  async run(call) {
    const req = call.request;
    // Without an engine address the program has nothing to talk to. That is the caller's mistake,
    // not the program's, so it is a gRPC error rather than a RunResponse error (Go: connectToEngine).
    const engineAddress = this.requireEngine();
    let launch;
    try {
      launch = await this.prepareProgram(req, engineAddress);
    } catch (err) {
      if (err instanceof ProgramFailure) {
        return failedRun(err.message);
      }
      throw err;
    }
    // A shutdown has begun (stopAll): a program started now would outlive the host.
    if (this.stopping) {
      return failedRun("the language host is shutting down");
    }
    const { child, exited } = this.spawnTracked(launch.nodeBin, launch.argv, { env: launch.env });
    const sniffer = relayProgramOutput(child);
    const cancel = this.interruptOnCancel(call, child);
    try {
      if (req.getAttachDebugger()) {
        await startDebugging(engineAddress, child, launch.debugPort, "Pulumi: Program (nodejs)");
      }
      return runResponseFor(await exited, sniffer);
    } catch (err) {
      // node could not be started, or no debugger will attach to a program waiting at
      // --inspect-brk: stop whatever did start, as a cancel would.
      cancel();
      return failedRun(
        `Problem executing program (could not run language executor): ${/** @type {Error} */ (err).message}`,
      );
    } finally {
      this.cancellers.delete(cancel);
    }
  }

  /**
   * Works out how Run starts the program: node, the run script, its arguments, environment and
   * node flags. What goes wrong here is the program's or its project's problem, so it is thrown as
   * a {@link ProgramFailure}. The checks run in this order, which decides the message when more
   * than one thing is wrong.
   * @param {RunRequest} req
   * @param {string} engineAddress
   * @returns {Promise<{ nodeBin: string, argv: string[], env: NodeJS.ProcessEnv, debugPort: number }>}
   */
  async prepareProgram(req, engineAddress) {
    const info = req.getInfo();
    const programDir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
    const nodeBin = lookPath("node");
    if (!nodeBin) {
      throw new ProgramFailure(
        'could not find node on the $PATH: exec: "node": executable file not found in $PATH',
      );
    }
    const runPath = await locateRunScript(programDir, nodeBin);
    const args = this.programArguments(req, engineAddress, runPath, programDir);
    const env = programEnvironment(req);
    const { options, nodeArgs } = programRuntimeOptions(info);
    setTypeScriptEnvironment(env, options);
    let debugPort = 0;
    if (req.getAttachDebugger()) {
      debugPort = await programDebugPort();
      nodeArgs.push(...inspectArgs(debugPort));
    }
    return { nodeBin, argv: [...nodeArgs, ...args], env, debugPort };
  }

  /**
   * The run script's command line: how @pulumi/pulumi/cmd/run learns the engine, monitor, stack
   * and program to run (Go: constructArguments). The monitor address is the engine's own: the Go
   * host interposes a pass-through ResourceMonitor proxy plus a pipe pair for synchronous invokes
   * (--sync), which @pulumi/pulumi 3.270 no longer uses (runtime.tryGetSyncInvokes has no callers).
   * @param {RunRequest} req
   * @param {string} engineAddress
   * @param {string} runPath the resolved run script
   * @param {string} programDir
   * @returns {string[]}
   */
  programArguments(req, engineAddress, runPath, programDir) {
    const info = req.getInfo();
    // "." makes node load the package's "main" (index.js by default), as `pulumi up` in a
    // project folder expects.
    const entryPoint = info?.getEntryPoint() || req.getProgram() || ".";
    const args = [runPath];
    const maybeAppendArg = (/** @type {string} */ k, /** @type {string | undefined} */ v) => {
      if (v) {
        args.push(`--${k}`, v);
      }
    };
    maybeAppendArg("monitor", req.getMonitorAddress());
    maybeAppendArg("engine", engineAddress);
    maybeAppendArg("organization", req.getOrganization());
    maybeAppendArg("project", req.getProject());
    maybeAppendArg("root-directory", info?.getRootDirectory());
    maybeAppendArg("stack", req.getStack());
    maybeAppendArg("pwd", programDir);
    if (req.getDryrun()) {
      args.push("--dry-run");
    }
    maybeAppendArg("parallel", String(req.getParallel()));
    maybeAppendArg("tracing", this.tracing);
    args.push(entryPoint, ...req.getArgsList());
    return args;
  }

  /**
   * Starts a program or plugin with its stdout and stderr piped to this host, and tracks it until
   * it exits, so that a shutdown can stop it.
   * @param {string} nodeBin
   * @param {string[]} args
   * @param {{ cwd?: string, env: NodeJS.ProcessEnv }} options
   * @returns {{ child: Child, exited: Promise<Exit> }}
   */
  spawnTracked(nodeBin, args, options) {
    /** @type {Child} */
    const child = spawn(nodeBin, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    this.track(child);
    return { child, exited: waitForExit(child) };
  }

  /**
   * Interrupts the program when the engine asks, with the Cancel RPC or by dropping the Run call.
   * SIGINT first, so the program can end its own way; SIGKILL after the grace period for one that
   * does not. The Go host does the same, with a 5 s grace.
   * @param {grpc.ServerUnaryCall<RunRequest, unknown>} call
   * @param {Child} child
   * @returns {() => void} the canceller, to be removed from {@link cancellers} once Run answers
   */
  interruptOnCancel(call, child) {
    const cancel = () => {
      if (isRunning(child)) {
        child.kill("SIGINT");
        setTimeout(() => signalChild(child, "SIGKILL"), this.graceMs).unref();
      }
    };
    this.cancellers.add(cancel);
    call.on("cancelled", cancel);
    return cancel;
  }

  /**
   * Starts a plugin. For policy packs (kind "analyzer") this runs
   * `@pulumi/pulumi/cmd/run-policy-pack` behind the {@link PolicyProxy}; other kinds run
   * `@pulumi/pulumi/cmd/run-plugin`. Output streams back as RunPluginResponse messages; the
   * stream ends OK when the plugin exits 0 and with an error status otherwise (as the Go host).
   * @param {grpc.ServerWritableStream<RunPluginRequest, RunPluginResponse>} call
   */
  async runPlugin(call) {
    const req = call.request;
    const output = pluginOutputStream(call);
    /** @type {PolicyProxy | undefined} */
    let proxy;
    /** @type {Child | undefined} */
    let child;
    // A plugin only serves the engine. Once the engine cancels or drops the call nobody is left
    // to use it, so unlike a program it is killed at once, without an interrupt first.
    const kill = () => {
      if (child) {
        signalChild(child, "SIGKILL");
      }
      proxy?.close();
    };
    call.on("cancelled", kill);
    this.cancellers.add(kill);

    try {
      const engineAddress = this.requireEngine();
      const launch = await preparePlugin(req);
      if (launch.isAnalyzer) {
        proxy = new PolicyProxy(output.stdout);
        await configurePolicyPack(proxy, launch.env);
      }
      this.ensurePluginMayStart(call);
      const started = this.spawnTracked(launch.nodeBin, launch.args, { cwd: launch.cwd, env: launch.env });
      child = started.child;
      child.stderr.on("data", output.stderr);
      if (req.getAttachDebugger()) {
        await startDebugging(engineAddress, child, launch.debugPort, `Pulumi: Plugin (${req.getName()})`);
      }
      const exit = proxy
        ? await attachPolicyPack(proxy, child, started.exited, kill)
        : await relayPluginStdout(child, started.exited, output.stdout);
      if (exit.code !== 0) {
        throw new Error(`Program exited with non-zero exit code: ${exit.code}`);
      }
      output.finish(undefined);
    } catch (err) {
      output.finish(err);
    } finally {
      this.cancellers.delete(kill);
      proxy?.close();
    }
  }

  /**
   * Refuses to start a plugin nobody wants any more: the engine dropped the call while the policy
   * proxy waited for ConfigureStack, or a shutdown began (a plugin started now would outlive the
   * host).
   * @param {grpc.ServerWritableStream<RunPluginRequest, RunPluginResponse>} call
   */
  ensurePluginMayStart(call) {
    if (call.cancelled) {
      throw new Error("RunPlugin was cancelled");
    }
    if (this.stopping) {
      throw new Error("the language host is shutting down");
    }
  }

  /**
   * There is no network here, so nothing is installed: dependencies come from `npm ci` at the
   * repository root. This only checks that @pulumi/pulumi resolves from the program directory.
   * @param {grpc.ServerWritableStream<import("@pulumi/pulumi/proto/language_pb").InstallDependenciesRequest, import("@pulumi/pulumi/proto/language_pb").InstallDependenciesResponse>} call
   */
  async installDependencies(call) {
    const req = call.request;
    const dir = req.getInfo()?.getProgramDirectory() || req.getDirectory() || process.cwd();
    const out = (/** @type {string} */ s) =>
      call.write(new langPb.InstallDependenciesResponse().setStdout(new Uint8Array(Buffer.from(s))));
    out(
      "Skipping dependency installation: this offline language host does not run a package manager;\n" +
        "dependencies are expected to be installed already (npm ci at the repository root).\n",
    );
    const nodeBin = lookPath("node");
    try {
      if (!nodeBin) {
        throw new Error('could not find node on the $PATH: exec: "node": executable file not found in $PATH');
      }
      const sdk = await locateModule("@pulumi/pulumi", dir, nodeBin, req.getIsPlugin());
      out(`Found @pulumi/pulumi at ${path.dirname(sdk)}\n`);
      call.end();
    } catch (err) {
      call.emit("error", toStatus(err));
    }
  }

  /**
   * @param {import("@pulumi/pulumi/proto/language_pb").AboutRequest} _req
   * @returns {Promise<import("@pulumi/pulumi/proto/language_pb").AboutResponse>}
   */
  async about(_req) {
    const nodeBin = lookPath("node");
    if (!nodeBin) {
      throw new Error('could not find executable "node"');
    }
    const version = (/** @type {string} */ bin) =>
      new Promise((resolve) => {
        execFile(bin, ["--version"], { timeout: 10_000 }, (err, out) =>
          resolve(err ? "" : String(out).trim()),
        );
      });
    const npmBin = lookPath("npm");
    const [nodeVersion, npmVersion] = await Promise.all([version(nodeBin), npmBin ? version(npmBin) : ""]);
    const res = new langPb.AboutResponse().setExecutable(nodeBin).setVersion(String(nodeVersion));
    res.getMetadataMap().set("packagemanager", "npm");
    if (npmVersion) {
      res.getMetadataMap().set("packagemanagerVersion", String(npmVersion));
    }
    return res;
  }

  /**
   * The program's direct dependencies (package.json dependencies and devDependencies) with the
   * installed version where one is found in a node_modules above the program.
   * @param {import("@pulumi/pulumi/proto/language_pb").GetProgramDependenciesRequest} req
   */
  getProgramDependencies(req) {
    const dir = req.getInfo()?.getProgramDirectory() || req.getPwd() || process.cwd();
    const res = new langPb.GetProgramDependenciesResponse();
    let manifest;
    try {
      manifest = JSON.parse(fs.readFileSync(path.join(dir, "package.json"), "utf8"));
    } catch {
      return res;
    }
    /** @type {Record<string, string>} */
    const deps = { ...(manifest.devDependencies ?? {}), ...(manifest.dependencies ?? {}) };
    for (const [name, range] of Object.entries(deps).sort(([a], [b]) => a.localeCompare(b))) {
      res.addDependencies(
        new langPb.DependencyInfo().setName(name).setVersion(installedVersion(dir, name) ?? String(range)),
      );
    }
    return res;
  }
}

// ---- Run: the steps that start a program and turn its exit into a RunResponse ----

/** @param {string} message */
function failedRun(message) {
  return new langPb.RunResponse().setError(message);
}

/**
 * The run script that starts a program, resolved from the program directory so that the
 * program's own @pulumi/pulumi runs it. PULUMI_LANGUAGE_NODEJS_RUN_PATH replaces it, as in the Go
 * host, so tests can run a stand-in.
 * @param {string} programDir
 * @param {string} nodeBin
 * @returns {Promise<string>}
 */
async function locateRunScript(programDir, nodeBin) {
  try {
    return await locateModule(
      process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || DEFAULT_RUN_PATH,
      programDir,
      nodeBin,
      false,
    );
  } catch (err) {
    throw new ProgramFailure(/** @type {Error} */ (err).message);
  }
}

/**
 * The program's environment: the host's own plus the stack's config and the names of its secret
 * keys. @pulumi/pulumi reads these at start-up (PULUMI_CONFIG, PULUMI_CONFIG_SECRET_KEYS); config
 * keys take the legacy `<namespace>:config:<name>` form that every @pulumi/pulumi version reads.
 * @param {RunRequest} req
 * @returns {NodeJS.ProcessEnv}
 */
function programEnvironment(req) {
  /** @type {NodeJS.ProcessEnv} */
  const env = { ...process.env };
  try {
    env.PULUMI_CONFIG = constructConfig(req.getConfigMap().entries());
  } catch (err) {
    throw new ProgramFailure(`failed to serialize configuration: ${/** @type {Error} */ (err).message}`);
  }
  env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(req.getConfigsecretkeysList());
  return env;
}

/**
 * The `runtime.options` of Pulumi.yaml, and the node flags its `nodeargs` splits into. A bad
 * option is the project's mistake, reported as the program's error.
 * @param {ProgramInfo | undefined} info
 * @returns {{ options: import("./util.js").NodeOptions, nodeArgs: string[] }}
 */
function programRuntimeOptions(info) {
  try {
    const options = parseOptions(optionsOf(info));
    return { options, nodeArgs: shellSplit(options.nodeargs) };
  } catch (err) {
    throw new ProgramFailure(/** @type {Error} */ (err).message);
  }
}

/**
 * A free port for the program's inspector: node's default 9229 when it is free, so the debug
 * configuration sent to the engine need not name it (see {@link startDebugging}).
 */
async function programDebugPort() {
  try {
    return await findNextAvailablePort(PREFERRED_DEBUG_PORT);
  } catch (err) {
    throw new ProgramFailure(
      `failed to find available port for debugger: ${/** @type {Error} */ (err).message}`,
    );
  }
}

/**
 * Passes the program's output through to the host's own stdout and stderr, which the engine shows
 * as the program's output. stderr is also watched for V8's out-of-memory banner, so that a
 * crashed program's error can say how to give it more memory (Go: oomSniffer).
 * @param {Child} child
 * @returns {OomSniffer}
 */
function relayProgramOutput(child) {
  const sniffer = new OomSniffer();
  child.stdout.on("data", (/** @type {Buffer} */ d) => process.stdout.write(d));
  child.stderr.on("data", (/** @type {Buffer} */ d) => {
    process.stderr.write(d);
    sniffer.scan(d);
  });
  return sniffer;
}

/**
 * Run's answer for a program that exited. {@link EXIT_CODE_ALREADY_REPORTED} (32) means the run
 * script already printed an actionable message: `bail` tells the engine to fail without adding
 * one of its own.
 * @param {Exit} exit
 * @param {OomSniffer} sniffer
 * @returns {RunResponse}
 */
function runResponseFor(exit, sniffer) {
  if (exit.code === 0) {
    return new langPb.RunResponse();
  }
  if (exit.code === EXIT_CODE_ALREADY_REPORTED) {
    return new langPb.RunResponse().setBail(true);
  }
  let message = `Program exited with non-zero exit code: ${exit.code}`;
  if (sniffer.detected) {
    message += `. ${sniffer.message()}`;
  }
  return failedRun(message);
}

// ---- RunPlugin: the steps that start a plugin and stream its output back ----

/**
 * RunPlugin's response stream: the plugin's stdout and stderr as RunPluginResponse messages, then
 * exactly one end, OK or an error status. Nothing is written once the stream has ended or the
 * engine has dropped the call, since nobody reads it any more.
 * @param {grpc.ServerWritableStream<RunPluginRequest, RunPluginResponse>} call
 */
function pluginOutputStream(call) {
  let finished = false;
  const send = (/** @type {RunPluginResponse} */ msg) => {
    if (!finished && !call.cancelled) {
      call.write(msg);
    }
  };
  return {
    stdout: (/** @type {Buffer} */ b) => send(new langPb.RunPluginResponse().setStdout(new Uint8Array(b))),
    stderr: (/** @type {Buffer} */ b) => send(new langPb.RunPluginResponse().setStderr(new Uint8Array(b))),
    /** Ends the stream: OK without `err`, else with `err` as the status. */
    finish: (/** @type {unknown} */ err) => {
      if (finished) {
        return;
      }
      finished = true;
      if (call.cancelled) {
        return;
      }
      if (err) {
        call.emit("error", toStatus(err));
      } else {
        call.end();
      }
    },
  };
}

/**
 * Works out how RunPlugin starts the plugin: node, the run script for its kind, its arguments,
 * working directory and environment, with the runtime options of PulumiPolicy.yaml or
 * PulumiPlugin.yaml applied. The checks run in this order, which decides the error when more than
 * one thing is wrong.
 * @param {RunPluginRequest} req
 */
async function preparePlugin(req) {
  const info = req.getInfo();
  const programDir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
  const isAnalyzer = req.getKind() === "analyzer";
  const nodeBin = lookPath("node");
  if (!nodeBin) {
    throw new Error('exec: "node": executable file not found in $PATH');
  }
  const options = parseOptions(optionsOf(info));
  const env = pluginEnvironment(req, options);
  const runPath = await locateModule(pluginRunModule(isAnalyzer), programDir, nodeBin, true);
  const args = shellSplit(options.nodeargs);
  let debugPort = 0;
  if (req.getAttachDebugger()) {
    debugPort = await findNextAvailablePort(PREFERRED_DEBUG_PORT);
    args.push(...inspectArgs(debugPort));
  }
  // Policy packs take the program directory as the _last_ argument; other plugins first.
  if (isAnalyzer) {
    args.push(runPath, ...req.getArgsList(), programDir);
  } else {
    args.push(runPath, programDir, ...req.getArgsList());
  }
  // Node policy packs always ran with the policy pack directory as working directory.
  const cwd = isAnalyzer ? programDir : req.getPwd() || programDir;
  return { nodeBin, args, cwd, env, isAnalyzer, debugPort };
}

/**
 * The plugin's environment: the one the engine put in the request when it sent one (the engine
 * decides what a plugin sees), else the host's own; plus the TypeScript options.
 * @param {RunPluginRequest} req
 * @param {import("./util.js").NodeOptions} options
 * @returns {NodeJS.ProcessEnv}
 */
function pluginEnvironment(req, options) {
  const envList = req.getEnvList();
  /** @type {NodeJS.ProcessEnv} */
  const env = envList.length > 0 ? envFromList(envList) : { ...process.env };
  setTypeScriptEnvironment(env, options);
  return env;
}

/**
 * The module that runs a plugin of this kind. Policy packs need special treatment for back
 * compatibility: they used to be started by the `pulumi-analyzer-policy` shim, which ran
 * run-policy-pack.
 * @param {boolean} isAnalyzer
 */
function pluginRunModule(isAnalyzer) {
  return isAnalyzer
    ? "@pulumi/pulumi/cmd/run-policy-pack"
    : process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || "@pulumi/pulumi/cmd/run-plugin";
}

/**
 * Serves the policy proxy, waits for the engine's ConfigureStack and puts the stack's
 * organization, project, stack, dry-run flag and config into the pack's environment. The engine
 * now sends them over gRPC, but `@pulumi/pulumi/cmd/run-policy-pack` and `@pulumi/policy` still
 * read them from these variables at start-up (see policy-proxy.js). Without ConfigureStack
 * (`pulumi policy publish` has no stack) the pack starts without them.
 * @param {PolicyProxy} proxy
 * @param {NodeJS.ProcessEnv} env the pack's environment, completed here
 */
async function configurePolicyPack(proxy, env) {
  await proxy.start();
  const config = await proxy.awaitConfiguration();
  if (!config) {
    return;
  }
  const r = config.request;
  const maybeSetEnv = (/** @type {string} */ k, /** @type {string} */ v) => {
    if (v) {
      env[k] = v;
    }
  };
  maybeSetEnv("PULUMI_NODEJS_ORGANIZATION", r.getOrganization());
  maybeSetEnv("PULUMI_NODEJS_PROJECT", r.getProject());
  maybeSetEnv("PULUMI_NODEJS_STACK", r.getStack());
  maybeSetEnv("PULUMI_NODEJS_DRY_RUN", String(r.getDryRun()));
  const cfg = r.getConfigMap();
  if (cfg.getLength() > 0) {
    maybeSetEnv("PULUMI_CONFIG", JSON.stringify(Object.fromEntries(cfg.entries())));
  }
}

/**
 * Hands the started pack to the proxy, which reads the pack's port, replays ConfigureStack and
 * forwards the engine's Analyzer calls until the pack exits. A pack the proxy cannot reach is of
 * no use to the engine, so it is killed.
 * @param {PolicyProxy} proxy
 * @param {Child} child
 * @param {Promise<Exit>} exited
 * @param {() => void} kill
 * @returns {Promise<Exit>}
 */
async function attachPolicyPack(proxy, child, exited, kill) {
  try {
    return await proxy.attach(child, exited);
  } catch (err) {
    kill();
    throw new Error(
      `Problem executing plugin program (could not run language executor): could not attach policy pack proxy: ${
        /** @type {Error} */ (err).message
      }`,
    );
  }
}

/**
 * Streams a plugin's stdout to the engine (a policy pack's goes through {@link attachPolicyPack}
 * instead, which first reads the pack's port from it).
 * @param {Child} child
 * @param {Promise<Exit>} exited
 * @param {(chunk: Buffer) => void} stdout
 * @returns {Promise<Exit>}
 */
function relayPluginStdout(child, exited, stdout) {
  child.stdout.on("data", stdout);
  return exited;
}

// ---- Shared by Run and RunPlugin ----

/**
 * Tells @pulumi/pulumi's run scripts whether to register ts-node and with which tsconfig.json.
 * They read these variables, not Pulumi.yaml, so the `typescript` and `tsconfig` runtime options
 * take effect only through them.
 * @param {NodeJS.ProcessEnv} env
 * @param {import("./util.js").NodeOptions} options
 */
function setTypeScriptEnvironment(env, options) {
  if (options.typescript) {
    env.PULUMI_NODEJS_TYPESCRIPT = "true";
  }
  if (options.tsconfigpath) {
    env.PULUMI_NODEJS_TSCONFIG_PATH = options.tsconfigpath;
  }
}

/**
 * Node flags that open the inspector on `port` and stop before the first line, so the debugger
 * the engine attaches (StartDebugging) misses nothing. The inspector's URL goes only to its HTTP
 * endpoint, not to stderr, where it would show up as the program's output.
 * @param {number} port
 */
function inspectArgs(port) {
  return [`--inspect-brk=${port}`, "--inspect-publish-uid=http"];
}

/**
 * @param {string} dir
 * @param {string} name
 * @returns {string | undefined}
 */
function installedVersion(dir, name) {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(d, "node_modules", name, "package.json"), "utf8"));
      if (typeof pkg.version === "string") {
        return pkg.version;
      }
    } catch {
      // not here; keep walking up
    }
    if (path.dirname(d) === d) {
      return undefined;
    }
  }
}

/**
 * Asks the engine to attach a debugger to a child started with --inspect-brk (Go: startDebugging).
 * @param {string} engineAddress
 * @param {import("node:child_process").ChildProcess} child
 * @param {number} port
 * @param {string} name
 */
async function startDebugging(engineAddress, child, port, name) {
  /** @type {Record<string, unknown>} */
  const cfg = {
    name,
    type: "node",
    request: "attach",
    processId: child.pid,
    continueOnAttach: true,
    skipFiles: ["<node_internals>/**"],
  };
  if (port !== PREFERRED_DEBUG_PORT) {
    cfg.port = port;
  }
  let message = `on process id ${child.pid}`;
  if (port !== PREFERRED_DEBUG_PORT) {
    message += ` and port ${port}`;
  }
  const req = new enginePb.StartDebuggingRequest()
    .setConfig(structPb.Struct.fromJavaScript(/** @type {never} */ (cfg)))
    .setMessage(message);
  const client = new engineGrpc.EngineClient(engineAddress, grpc.credentials.createInsecure(), GRPC_OPTIONS);
  try {
    await new Promise((resolve, reject) => {
      client.startDebugging(req, (err, res) => (err ? reject(err) : resolve(res)));
    });
  } catch (err) {
    throw new Error(`unable to start debugging: ${/** @type {Error} */ (err).message}`);
  } finally {
    client.close();
  }
}

module.exports = { NodeLanguageHost };
