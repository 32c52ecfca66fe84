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
      getRequiredPackages: (_call, cb) => cb(null, new langPb.GetRequiredPackagesResponse()),
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
   * @param {grpc.ServerUnaryCall<import("@pulumi/pulumi/proto/language_pb").RunRequest, unknown>} call
   * @returns {Promise<import("@pulumi/pulumi/proto/language_pb").RunResponse>}
   */
  async run(call) {
    const req = call.request;
    const engineAddress = this.requireEngine();
    const fail = (/** @type {string} */ message) => new langPb.RunResponse().setError(message);

    const info = req.getInfo();
    const programDir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
    const entryPoint = info?.getEntryPoint() || req.getProgram() || ".";

    const nodeBin = lookPath("node");
    if (!nodeBin) {
      return fail('could not find node on the $PATH: exec: "node": executable file not found in $PATH');
    }

    let runPath;
    try {
      runPath = await locateModule(
        process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || DEFAULT_RUN_PATH,
        programDir,
        nodeBin,
        false,
      );
    } catch (err) {
      return fail(/** @type {Error} */ (err).message);
    }

    // Go: constructArguments. The monitor address is the engine's own: the Go host interposes a
    // pass-through ResourceMonitor proxy plus a pipe pair for synchronous invokes (--sync), which
    // @pulumi/pulumi 3.270 no longer uses (runtime.tryGetSyncInvokes has no callers).
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

    /** @type {NodeJS.ProcessEnv} */
    const env = { ...process.env };
    try {
      env.PULUMI_CONFIG = constructConfig(req.getConfigMap().entries());
    } catch (err) {
      return fail(`failed to serialize configuration: ${/** @type {Error} */ (err).message}`);
    }
    env.PULUMI_CONFIG_SECRET_KEYS = JSON.stringify(req.getConfigsecretkeysList());

    let opts;
    let runtimeArgs;
    try {
      opts = parseOptions(optionsOf(info));
      runtimeArgs = shellSplit(opts.nodeargs);
    } catch (err) {
      return fail(/** @type {Error} */ (err).message);
    }
    if (opts.typescript) {
      env.PULUMI_NODEJS_TYPESCRIPT = "true";
    }
    if (opts.tsconfigpath) {
      env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfigpath;
    }

    let debugPort = 0;
    if (req.getAttachDebugger()) {
      try {
        debugPort = await findNextAvailablePort(PREFERRED_DEBUG_PORT);
      } catch (err) {
        return fail(`failed to find available port for debugger: ${/** @type {Error} */ (err).message}`);
      }
      runtimeArgs.push(`--inspect-brk=${debugPort}`, "--inspect-publish-uid=http");
    }

    if (this.stopping) {
      return fail("the language host is shutting down");
    }
    /** @type {Child} */
    const child = spawn(nodeBin, [...runtimeArgs, ...args], { env, stdio: ["ignore", "pipe", "pipe"] });
    this.track(child);
    const exited = waitForExit(child);
    const sniffer = new OomSniffer();
    child.stdout.on("data", (/** @type {Buffer} */ d) => process.stdout.write(d));
    child.stderr.on("data", (/** @type {Buffer} */ d) => {
      process.stderr.write(d);
      sniffer.scan(d);
    });

    // Go: the child is interrupted (then killed 5 s later) when the Cancel RPC fires or the
    // Run call itself goes away.
    const cancel = () => {
      if (isRunning(child)) {
        child.kill("SIGINT");
        setTimeout(() => signalChild(child, "SIGKILL"), this.graceMs).unref();
      }
    };
    this.cancellers.add(cancel);
    call.on("cancelled", cancel);

    try {
      if (req.getAttachDebugger()) {
        await startDebugging(engineAddress, child, debugPort, "Pulumi: Program (nodejs)");
      }
      const { code } = await exited;
      if (code === 0) {
        return new langPb.RunResponse();
      }
      if (code === EXIT_CODE_ALREADY_REPORTED) {
        // The program already printed an actionable message: bail without adding another.
        return new langPb.RunResponse().setBail(true);
      }
      let message = `Program exited with non-zero exit code: ${code}`;
      if (sniffer.detected) {
        message += `. ${sniffer.message()}`;
      }
      return fail(message);
    } catch (err) {
      cancel();
      return fail(
        `Problem executing program (could not run language executor): ${/** @type {Error} */ (err).message}`,
      );
    } finally {
      this.cancellers.delete(cancel);
    }
  }

  /**
   * Starts a plugin. For policy packs (kind "analyzer") this runs
   * `@pulumi/pulumi/cmd/run-policy-pack` behind the {@link PolicyProxy}; other kinds run
   * `@pulumi/pulumi/cmd/run-plugin`. Output streams back as RunPluginResponse messages; the
   * stream ends OK when the plugin exits 0 and with an error status otherwise (as the Go host).
   * @param {grpc.ServerWritableStream<import("@pulumi/pulumi/proto/language_pb").RunPluginRequest, import("@pulumi/pulumi/proto/language_pb").RunPluginResponse>} call
   */
  async runPlugin(call) {
    const req = call.request;
    let finished = false;
    const send = (/** @type {import("@pulumi/pulumi/proto/language_pb").RunPluginResponse} */ msg) => {
      if (!finished && !call.cancelled) {
        call.write(msg);
      }
    };
    const stdout = (/** @type {Buffer} */ b) =>
      send(new langPb.RunPluginResponse().setStdout(new Uint8Array(b)));
    const stderr = (/** @type {Buffer} */ b) =>
      send(new langPb.RunPluginResponse().setStderr(new Uint8Array(b)));
    const finish = (/** @type {unknown} */ err) => {
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
    };

    /** @type {PolicyProxy | undefined} */
    let proxy;
    /** @type {Child | undefined} */
    let child;
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
      const info = req.getInfo();
      const programDir = info?.getProgramDirectory() || req.getPwd() || process.cwd();
      const isAnalyzer = req.getKind() === "analyzer";

      const nodeBin = lookPath("node");
      if (!nodeBin) {
        throw new Error('exec: "node": executable file not found in $PATH');
      }
      const opts = parseOptions(optionsOf(info));

      const envList = req.getEnvList();
      /** @type {NodeJS.ProcessEnv} */
      const env = envList.length > 0 ? envFromList(envList) : { ...process.env };
      if (opts.typescript) {
        env.PULUMI_NODEJS_TYPESCRIPT = "true";
      }
      if (opts.tsconfigpath) {
        env.PULUMI_NODEJS_TSCONFIG_PATH = opts.tsconfigpath;
      }

      // Policy packs need special treatment for back compatibility: they used to be started by the
      // `pulumi-analyzer-policy` shim, which ran this module.
      const runModule = isAnalyzer
        ? "@pulumi/pulumi/cmd/run-policy-pack"
        : process.env.PULUMI_LANGUAGE_NODEJS_RUN_PATH || "@pulumi/pulumi/cmd/run-plugin";
      const runPath = await locateModule(runModule, programDir, nodeBin, true);

      const args = shellSplit(opts.nodeargs);
      let debugPort = 0;
      if (req.getAttachDebugger()) {
        debugPort = await findNextAvailablePort(PREFERRED_DEBUG_PORT);
        args.push(`--inspect-brk=${debugPort}`, "--inspect-publish-uid=http");
      }
      args.push(runPath);
      // Policy packs take the program directory as the _last_ argument; other plugins first.
      if (isAnalyzer) {
        args.push(...req.getArgsList(), programDir);
      } else {
        args.push(programDir, ...req.getArgsList());
      }

      if (isAnalyzer) {
        proxy = new PolicyProxy(stdout);
        await proxy.start();
        const config = await proxy.awaitConfiguration();
        if (config) {
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
      }
      if (call.cancelled) {
        throw new Error("RunPlugin was cancelled");
      }
      if (this.stopping) {
        throw new Error("the language host is shutting down");
      }

      // Node policy packs always ran with the policy pack directory as working directory.
      child = spawn(nodeBin, args, {
        cwd: isAnalyzer ? programDir : req.getPwd() || programDir,
        env,
        stdio: ["ignore", "pipe", "pipe"],
      });
      this.track(child);
      const exited = waitForExit(child);
      child.stderr.on("data", stderr);
      if (req.getAttachDebugger()) {
        await startDebugging(engineAddress, child, debugPort, `Pulumi: Plugin (${req.getName()})`);
      }

      let exit;
      if (proxy) {
        try {
          exit = await proxy.attach(child, exited);
        } catch (err) {
          kill();
          throw new Error(
            `Problem executing plugin program (could not run language executor): could not attach policy pack proxy: ${
              /** @type {Error} */ (err).message
            }`,
          );
        }
      } else {
        child.stdout.on("data", stdout);
        exit = await exited;
      }
      if (exit.code !== 0) {
        throw new Error(`Program exited with non-zero exit code: ${exit.code}`);
      }
      finish(undefined);
    } catch (err) {
      finish(err);
    } finally {
      this.cancellers.delete(kill);
      proxy?.close();
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
