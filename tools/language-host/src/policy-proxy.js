// @ts-check
// The policy-pack proxy: a port of pulumi/pulumi's sdk/policy_proxy.go (sdk.PolicyProxy).
//
// Since v3.221 the engine starts a Node policy pack through the language host's RunPlugin and
// then talks to it as an `Analyzer` over gRPC. The engine hands the stack's project, stack,
// organization, dry-run flag and config over in `ConfigureStack`, but
// `@pulumi/pulumi/cmd/run-policy-pack` (and @pulumi/policy) still read them from the old
// PULUMI_NODEJS_* / PULUMI_CONFIG environment variables at start-up. So the host first serves this
// proxy (its port is the first stdout line the engine reads), answers `Handshake` itself, waits for
// `ConfigureStack`, then starts the real pack with those variables, reads the pack's own port from
// the pack's first stdout line, replays `ConfigureStack` to it and from then on forwards every
// Analyzer call byte for byte. Forwarding raw bytes (not decoded messages) means fields this
// @pulumi/pulumi's generated code does not know yet still reach the pack unchanged.
"use strict";

const grpc = require("@grpc/grpc-js");
const analyzerGrpc = require("@pulumi/pulumi/proto/analyzer_grpc_pb.js");
const analyzerPb = require("@pulumi/pulumi/proto/analyzer_pb.js");
const { GRPC_OPTIONS } = require("./util.js");

/** @param {Buffer} b */
const identity = (b) => b;

/**
 * @template T
 * @typedef {object} Deferred
 * @property {Promise<T>} promise
 * @property {(value: T) => boolean} resolve first settle wins; returns whether this one did
 * @property {(err: Error) => boolean} reject
 * @property {() => boolean} settled
 */

/**
 * @template T
 * @returns {Deferred<T>}
 */
function deferred() {
  let done = false;
  /** @type {(value: T) => void} */
  let res = () => {};
  /** @type {(err: Error) => void} */
  let rej = () => {};
  /** @type {Promise<T>} */
  const promise = new Promise((resolve, reject) => {
    res = resolve;
    rej = reject;
  });
  // Nobody may be waiting when it is rejected; that is not an unhandled rejection.
  promise.catch(() => {});
  return {
    promise,
    resolve: (value) => {
      if (done) return false;
      done = true;
      res(value);
      return true;
    },
    reject: (err) => {
      if (done) return false;
      done = true;
      rej(err);
      return true;
    },
    settled: () => done,
  };
}

/**
 * @typedef {object} StackConfiguration
 * @property {Buffer} raw the request as the engine sent it, replayed to the pack
 * @property {import("@pulumi/pulumi/proto/analyzer_pb").AnalyzerStackConfigureRequest} request
 */

class PolicyProxy {
  /**
   * @param {(chunk: Buffer) => void} stdout where the proxy's port line and, after the pack's own
   *   port line, the pack's stdout go (the RunPlugin stdout stream)
   */
  constructor(stdout) {
    this.stdout = stdout;
    /** @type {Deferred<StackConfiguration | null>} */
    this.stackConfiguration = deferred();
    /** @type {Deferred<grpc.Client>} */
    this.client = deferred();
    this.port = 0;
    this.server = new grpc.Server(GRPC_OPTIONS);
    /** @type {grpc.Client | undefined} */
    this.packClient = undefined;
  }

  /** Starts serving on a free loopback port. @returns {Promise<number>} */
  async start() {
    /** @type {Record<string, grpc.MethodDefinition<Buffer, Buffer>>} */
    const definition = {};
    /** @type {grpc.UntypedServiceImplementation} */
    const handlers = {};
    for (const [name, method] of Object.entries(analyzerGrpc.AnalyzerService)) {
      const path = method.path;
      definition[name] = {
        path,
        requestStream: false,
        responseStream: false,
        requestSerialize: identity,
        requestDeserialize: identity,
        responseSerialize: identity,
        responseDeserialize: identity,
      };
      if (name === "handshake") {
        // Answered here: the engine's handshake is with the proxy, not with the pack.
        handlers[name] = /** @type {grpc.handleUnaryCall<Buffer, Buffer>} */ (_call, callback) => {
          callback(null, Buffer.from(new analyzerPb.AnalyzerHandshakeResponse().serializeBinary()));
        };
      } else if (name === "configureStack") {
        handlers[name] = /** @type {grpc.handleUnaryCall<Buffer, Buffer>} */ (call, callback) => {
          try {
            const request = analyzerPb.AnalyzerStackConfigureRequest.deserializeBinary(
              new Uint8Array(call.request),
            );
            this.stackConfiguration.resolve({ raw: call.request, request });
            callback(null, Buffer.from(new analyzerPb.AnalyzerStackConfigureResponse().serializeBinary()));
          } catch (err) {
            callback({ code: grpc.status.INVALID_ARGUMENT, details: String(err) });
          }
        };
      } else {
        handlers[name] = /** @type {grpc.handleUnaryCall<Buffer, Buffer>} */ (call, callback) => {
          this.forward(path, call, callback);
        };
      }
    }
    this.server.addService(definition, handlers);
    this.port = await new Promise((resolve, reject) => {
      this.server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    return this.port;
  }

  /**
   * Prints the proxy's port (the engine dials it) and waits for the stack configuration. Resolves
   * to null when the engine called something else first (e.g. `pulumi policy publish` has no stack).
   * @returns {Promise<StackConfiguration | null>}
   */
  awaitConfiguration() {
    this.stdout(Buffer.from(`${this.port}\n`));
    return this.stackConfiguration.promise;
  }

  /**
   * Reads the pack's port from the first line of its stdout, connects, replays the stack
   * configuration and then proxies. Resolves with the pack's exit once it exits; rejects if the
   * pack never printed a port or refused the configuration.
   * @param {import("node:child_process").ChildProcessByStdio<null, import("node:stream").Readable, import("node:stream").Readable>} child
   * @param {Promise<{ code: number, signal: NodeJS.Signals | null }>} exited
   * @returns {Promise<{ code: number, signal: NodeJS.Signals | null }>}
   */
  async attach(child, exited) {
    /** @type {Deferred<number>} */
    const portLine = deferred();
    let head = Buffer.alloc(0);
    child.stdout.on("data", (/** @type {Buffer} */ chunk) => {
      if (portLine.settled()) {
        this.stdout(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(10);
      if (nl < 0) {
        return;
      }
      const line = head.subarray(0, nl).toString("utf8");
      const rest = head.subarray(nl + 1);
      const m = /^\s*(\d+)\s*$/.exec(line);
      if (m?.[1]) {
        portLine.resolve(Number(m[1]));
      } else {
        portLine.reject(
          new Error(`could not read policy pack port: expected a port number, got ${JSON.stringify(line)}`),
        );
        this.stdout(head.subarray(0, nl + 1));
      }
      if (rest.length > 0) {
        this.stdout(rest);
      }
    });
    exited.then(() => {
      if (head.length > 0 && !portLine.settled()) {
        this.stdout(head);
      }
      portLine.reject(new Error("could not read policy pack port: EOF"));
    });

    let port;
    try {
      port = await portLine.promise;
    } catch (err) {
      this.client.reject(/** @type {Error} */ (err));
      throw err;
    }

    const client = new grpc.Client(`127.0.0.1:${port}`, grpc.credentials.createInsecure(), GRPC_OPTIONS);
    this.packClient = client;
    const config = this.stackConfiguration.settled() ? await this.stackConfiguration.promise : null;
    if (config) {
      try {
        await new Promise((resolve, reject) => {
          client.makeUnaryRequest(
            "/pulumirpc.Analyzer/ConfigureStack",
            identity,
            identity,
            config.raw,
            (/** @type {grpc.ServiceError | null} */ err, /** @type {Buffer | undefined} */ res) =>
              err ? reject(err) : resolve(res),
          );
        });
      } catch (e) {
        const err = /** @type {grpc.ServiceError} */ (e);
        // Older packs do not implement ConfigureStack; that is fine.
        if (err.code !== grpc.status.UNIMPLEMENTED) {
          const configErr = new Error(`policy pack configuration failed: ${err.message}`);
          this.client.reject(configErr);
          throw configErr;
        }
      }
    }
    this.client.resolve(client);
    return exited;
  }

  /**
   * @param {string} path
   * @param {grpc.ServerUnaryCall<Buffer, Buffer>} call
   * @param {grpc.sendUnaryData<Buffer>} callback
   */
  async forward(path, call, callback) {
    // The engine sometimes calls other methods before ConfigureStack (e.g. `pulumi policy
    // publish`): then start the pack without stack configuration.
    this.stackConfiguration.resolve(null);
    let client;
    try {
      client = await this.client.promise;
    } catch (err) {
      callback({
        code: grpc.status.UNKNOWN,
        details: `policy pack not started: ${/** @type {Error} */ (err).message}`,
      });
      return;
    }
    /** @type {grpc.CallOptions} */
    const options = {};
    const deadline = call.getDeadline();
    if (deadline instanceof Date || (typeof deadline === "number" && Number.isFinite(deadline))) {
      options.deadline = deadline;
    }
    const outgoing = client.makeUnaryRequest(
      path,
      identity,
      identity,
      call.request,
      new grpc.Metadata(),
      options,
      (/** @type {grpc.ServiceError | null} */ err, /** @type {Buffer | undefined} */ res) => {
        if (err) {
          callback(err);
        } else {
          callback(null, res);
        }
      },
    );
    call.on("cancelled", () => outgoing.cancel());
  }

  /** Stops the proxy server and drops the connection to the pack. */
  close() {
    this.stackConfiguration.reject(new Error("policy pack proxy closed"));
    this.client.reject(new Error("policy pack proxy closed"));
    this.packClient?.close();
    this.server.forceShutdown();
  }
}

module.exports = { PolicyProxy, deferred };
