// @ts-check
// Entry point of our `pulumi-language-nodejs`: parses the flags the engine passes, serves the
// LanguageRuntime service on a free loopback port and prints that port as the first and only line
// on stdout (everything else a program prints goes to stdout later, through the engine).
"use strict";

const grpc = require("@grpc/grpc-js");
const langGrpc = require("@pulumi/pulumi/proto/language_grpc_pb.js");
const { NodeLanguageHost } = require("./host.js");
const { GRPC_OPTIONS, HOST_VERSION } = require("./util.js");

/** How often the engine's health is checked (Go: rpcutil.Healthcheck(ctx, addr, 5*time.Minute, …)). */
const HEALTHCHECK_INTERVAL_MS = 5 * 60 * 1000;

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
  const shutdown = () => {
    host.cancelAll();
    server.forceShutdown();
    process.exit(0);
  };
  /** @param {string} addr */
  const watch = (addr) => {
    if (!watched.has(addr)) {
      watched.add(addr);
      startHealthcheck(addr, shutdown);
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
  process.on("SIGINT", shutdown);
  process.on("SIGTERM", shutdown);
  // The spawner reads this line to learn where to connect.
  process.stdout.write(`${port}\n`);
}

main().catch((err) => exitWithError(`could not start language host RPC server: ${err?.message ?? err}`));
