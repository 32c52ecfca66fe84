// @ts-check
// Entry point of our `pulumi-language-nodejs`: parses the flags the engine passes, serves the
// LanguageRuntime service on a free loopback port and prints that port as the first and only line
// on stdout (everything else a program prints goes to stdout later, through the engine).
"use strict";

const os = require("node:os");

const grpc = require("@grpc/grpc-js");
const langGrpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const { NodeLanguageHost } = require("./host.js");
const { ENGINE_VERSION_FILE, GRPC_OPTIONS, HOST_VERSION, envMs } = require("./util.js");

/**
 * How often the engine's health is checked (Go: rpcutil.Healthcheck(ctx, addr, 5*time.Minute, …)).
 * LANGUAGE_HOST_HEALTHCHECK_MS overrides it so a test can see the host notice a vanished engine.
 */
const HEALTHCHECK_INTERVAL_MS = envMs("LANGUAGE_HOST_HEALTHCHECK_MS", 5 * 60 * 1000);

/**
 * Go `flag` style parsing: `-name=value`, `--name=value`, `-name value` for the value flags we
 * know, booleans otherwise; parsing stops at the first positional argument or `--`. Unknown flags
 * are accepted and ignored (the Go host would refuse them).
 * @param {string[]} argv
 */
function parseArgs(argv) {
  const valueFlags = new Set(["tracing", "runtime", "root"]);
  /** @type {Record<string, string>} */
  const flags = {};
  let i = 0;
  for (; i < argv.length; i++) {
    const a = /** @type {string} */ (argv[i]);
    if (a === "--") {
      i++;
      break;
    }
    if (!a.startsWith("-") || a === "-") {
      break;
    }
    const body = a.replace(/^--?/, "");
    const eq = body.indexOf("=");
    if (eq >= 0) {
      flags[body.slice(0, eq)] = body.slice(eq + 1);
    } else if (valueFlags.has(body) && i + 1 < argv.length) {
      flags[body] = /** @type {string} */ (argv[++i]);
    } else {
      flags[body] = "true";
    }
  }
  return { flags, positional: argv.slice(i) };
}

/** @param {string} message */
function exitWithError(message) {
  process.stderr.write(`error: ${message}\n`);
  process.exit(1);
}

/**
 * Polls the engine's grpc.health.v1 service; once it stops answering the engine is gone and so do
 * we. UNIMPLEMENTED counts as alive.
 * @param {string} address
 * @param {() => void} onGone
 */
function startHealthcheck(address, onGone) {
  const client = new grpc.Client(address, grpc.credentials.createInsecure(), GRPC_OPTIONS);
  const identity = (/** @type {Buffer} */ b) => b;
  const check = () => {
    client.makeUnaryRequest(
      "/grpc.health.v1.Health/Check",
      identity,
      identity,
      Buffer.alloc(0),
      (/** @type {grpc.ServiceError | null} */ err) => {
        if (err && err.code !== grpc.status.UNIMPLEMENTED) {
          onGone();
          return;
        }
        setTimeout(check, HEALTHCHECK_INTERVAL_MS).unref();
      },
    );
  };
  setTimeout(check, HEALTHCHECK_INTERVAL_MS).unref();
}

async function main() {
  const { flags, positional } = parseArgs(process.argv.slice(2));
  if (flags.version === "true") {
    if (!HOST_VERSION) {
      exitWithError(`no engine version: neither ${ENGINE_VERSION_FILE} nor the Makefile names one`);
    }
    process.stdout.write(`${HOST_VERSION}\n`);
    return;
  }
  const runtime = flags.runtime ?? "nodejs";
  if (runtime !== "nodejs") {
    exitWithError(`unsupported runtime: ${runtime} (this language host only runs nodejs)`);
  }
  const engineAddress = positional[0] ?? "";

  const server = new grpc.Server(GRPC_OPTIONS);
  /** @type {Set<string>} */
  const watched = new Set();
  const host = new NodeLanguageHost({
    engineAddress,
    tracing: flags.tracing ?? "",
    onHandshake: (addr) => watch(addr),
  });
  let stopping = false;
  /**
   * Ends the host without orphaning what it started: every child is asked to stop with `signal`
   * and SIGKILLed if it is still running after the grace period (see NodeLanguageHost.stopAll);
   * only then does the host exit. A second signal (another Ctrl-C) skips the rest of the grace.
   * @param {NodeJS.Signals} signal
   * @param {number} code exit code once the children are gone
   * @param {boolean} bySignal whether a signal asked for this, rather than the engine vanishing
   */
  const shutdown = (signal, code, bySignal) => {
    if (stopping) {
      if (bySignal) {
        host.escalate();
      }
      return;
    }
    stopping = true;
    host.stopAll(signal).finally(() => {
      server.forceShutdown();
      process.exit(code);
    });
  };
  // Exit code 128 + signal number, as a shell reports a command a signal ended (130 for SIGINT,
  // 143 for SIGTERM): the host did not finish its work, so whoever started it must not read
  // success. The children are asked to stop with the same signal the host received.
  for (const signal of /** @type {const} */ (["SIGINT", "SIGTERM"])) {
    process.on(signal, () => shutdown(signal, 128 + os.constants.signals[signal], true));
  }
  /** @param {string} addr */
  const watch = (addr) => {
    if (!watched.has(addr)) {
      watched.add(addr);
      // The engine is gone, so nobody needs these programs any more: stop them as the Cancel RPC
      // would (SIGINT). Exit 0: no signal ended the host, it shut down because its client left.
      startHealthcheck(addr, () => shutdown("SIGINT", 0, false));
    }
  };
  if (engineAddress) {
    watch(engineAddress);
  }

  server.addService(langGrpc.LanguageRuntimeService, host.service());
  const port = await new Promise((resolve, reject) => {
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, p) =>
      err ? reject(err) : resolve(p),
    );
  });
  // The spawner reads this line to learn where to connect.
  process.stdout.write(`${port}\n`);
}

main().catch((err) => exitWithError(`could not start language host RPC server: ${err?.message ?? err}`));
