// @ts-check
// Small helpers for the language host: PATH lookup, module resolution in a child `node`, runtime
// option parsing, config serialisation and a shell-words splitter. Each mirrors a piece of the Go
// host (sdk/nodejs/cmd/pulumi-language-nodejs/main.go in pulumi/pulumi); the Go name is noted.
"use strict";

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const net = require("node:net");
const path = require("node:path");

/** Where this host's folder (tools/language-host) is, wherever the launcher was linked to. */
const HOST_DIR = path.resolve(__dirname, "..");

/**
 * The engine version scripts/link-plugins.sh recorded when it linked this host next to the engine
 * (generated, ignored by git). It wins over the Makefile because it names the engine actually
 * linked, also when make was run with `PULUMI_ENGINE_VERSION=…` on its command line.
 */
const ENGINE_VERSION_FILE = path.join(HOST_DIR, "engine-version.generated.txt");

/** The one place the engine version is pinned: `PULUMI_ENGINE_VERSION := vX.Y.Z` in the Makefile. */
const MAKEFILE = path.join(HOST_DIR, "..", "..", "Makefile");

/**
 * The version this host reports (`-version`, GetPluginInfo): that of the engine it is paired with,
 * verbatim (`v3.274.1`), as the Go host reports its build's `version.Version`; the engine parses it
 * with semver.ParseTolerant. Read from {@link ENGINE_VERSION_FILE}, or on a fresh clone where
 * nothing was linked yet, from the Makefile. The environment is not consulted: the engine starts
 * the host from whatever shell the user has, without the Makefile's exports.
 * @returns {string | undefined} undefined when neither file names a version
 */
function engineVersion() {
  try {
    const line = fs
      .readFileSync(ENGINE_VERSION_FILE, "utf8")
      .split("\n")
      .map((l) => l.trim())
      .find((l) => l !== "" && !l.startsWith("#"));
    if (line) {
      return line;
    }
  } catch {
    // not linked yet: fall back to the Makefile
  }
  try {
    const match = /^PULUMI_ENGINE_VERSION[ \t]*[:?]?=[ \t]*(\S+)/m.exec(fs.readFileSync(MAKEFILE, "utf8"));
    return match?.[1];
  } catch {
    return undefined;
  }
}

/** {@link engineVersion}, read once at start-up. */
const HOST_VERSION = engineVersion() ?? "";

/**
 * Milliseconds from a `name` environment variable, or `fallback` when it is unset or not a
 * non-negative integer.
 * @param {string} name
 * @param {number} fallback
 */
function envMs(name, fallback) {
  const raw = process.env[name];
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : fallback;
}

/**
 * Exit code `@pulumi/pulumi/cmd/run` uses for "the user already got an actionable message"
 * (Go: nodeJSProcessExitedAfterShowingUserActionableMessage).
 */
const EXIT_CODE_ALREADY_REPORTED = 32;

/** Largest gRPC message we accept or send: the same 400 MiB the Node SDK and the engine use. */
const MAX_RPC_MESSAGE_SIZE = 1024 * 1024 * 400;

/** @type {Record<string, number>} */
const GRPC_OPTIONS = {
  "grpc.max_receive_message_length": MAX_RPC_MESSAGE_SIZE,
  "grpc.max_send_message_length": MAX_RPC_MESSAGE_SIZE,
};

/**
 * Finds an executable on PATH, like Go's exec.LookPath. Returns undefined when there is none.
 * @param {string} name
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string | undefined}
 */
function lookPath(name, env = process.env) {
  if (name.includes(path.sep)) {
    return isExecutable(name) ? path.resolve(name) : undefined;
  }
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir === "" ? "." : dir, name);
    if (isExecutable(candidate)) {
      return path.resolve(candidate);
    }
  }
  return undefined;
}

/** @param {string} file */
function isExecutable(file) {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Resolves a module the way the Go host does (locateModule): a child `node -e require.resolve(...)`
 * whose working directory is the program (or plugin) directory, so the program's own
 * node_modules decide which @pulumi/pulumi runs it.
 * @param {string} mod module specifier, e.g. "@pulumi/pulumi/cmd/run"
 * @param {string} programDir
 * @param {string} nodeBin
 * @param {boolean} isPlugin
 * @returns {Promise<string>} the resolved file; rejects with the child's stderr as message
 */
function locateModule(mod, programDir, nodeBin, isPlugin) {
  const installCommand = isPlugin ? `npm install in ${programDir}` : "pulumi install";
  const script =
    `try { console.log(require.resolve(${JSON.stringify(mod)})); } catch (error) {` +
    ` if (error.code === 'MODULE_NOT_FOUND') {` +
    ` console.error(${JSON.stringify(`It looks like the Pulumi SDK has not been installed. Have you run ${installCommand}?`)}) }` +
    ` else { console.error(error.message); } process.exit(1); }`;
  return new Promise((resolve, reject) => {
    const child = spawn(nodeBin, ["-e", script], { cwd: programDir, stdio: ["ignore", "pipe", "pipe"] });
    /** @type {Buffer[]} */
    const out = [];
    /** @type {Buffer[]} */
    const err = [];
    child.stdout.on("data", (d) => out.push(d));
    child.stderr.on("data", (d) => err.push(d));
    child.on("error", reject);
    child.on("close", (code) => {
      if (code === 0) {
        resolve(Buffer.concat(out).toString("utf8").trim());
      } else {
        reject(new Error(Buffer.concat(err).toString("utf8")));
      }
    });
  });
}

/**
 * @typedef {object} NodeOptions
 * @property {boolean} typescript use ts-node at runtime (default true)
 * @property {string} tsconfigpath path to the tsconfig.json to use
 * @property {string} nodeargs extra arguments for the node process
 * @property {string} packagemanager auto | npm | yarn | pnpm | bun
 */

/**
 * Parses the `runtime.options` of Pulumi.yaml / PulumiPolicy.yaml (Go: parseOptions).
 * @param {Record<string, unknown>} options
 * @returns {NodeOptions}
 */
function parseOptions(options) {
  /** @type {NodeOptions} */
  const opts = { typescript: true, tsconfigpath: "", nodeargs: "", packagemanager: "auto" };
  if ("typescript" in options) {
    if (typeof options.typescript !== "boolean") {
      throw new Error("typescript option must be a boolean");
    }
    opts.typescript = options.typescript;
  }
  if ("tsconfig" in options) {
    if (typeof options.tsconfig !== "string") {
      throw new Error("tsconfigpath option must be a string");
    }
    opts.tsconfigpath = options.tsconfig;
  }
  if ("nodeargs" in options) {
    if (typeof options.nodeargs !== "string") {
      throw new Error("nodeargs option must be a string");
    }
    opts.nodeargs = options.nodeargs;
  }
  if ("packagemanager" in options) {
    const pm = options.packagemanager;
    if (typeof pm !== "string") {
      throw new Error("packagemanager option must be a string");
    }
    if (!["auto", "npm", "yarn", "pnpm", "bun"].includes(pm)) {
      throw new Error(`packagemanager option must be one of auto, npm, yarn, pnpm or bun, got "${pm}"`);
    }
    opts.packagemanager = pm;
  }
  return opts;
}

/**
 * Parses a config key the way Go's config.ParseKey does: `<namespace>:<name>`, or the legacy
 * `<namespace>:config:<name>`.
 * @param {string} key
 * @returns {{ namespace: string, name: string }}
 */
function parseConfigKey(key) {
  const parts = key.split(":");
  if (parts.length === 2 && parts[0] !== undefined && parts[1] !== undefined) {
    return { namespace: parts[0], name: parts[1] };
  }
  if (parts.length === 3 && parts[1] === "config" && parts[0] && parts[2]) {
    return { namespace: parts[0], name: parts[2] };
  }
  throw new Error(
    `could not parse ${key} as a configuration key ` +
      "(configuration keys should be of the form `<namespace>:<name>`)",
  );
}

/**
 * JSON for PULUMI_CONFIG as the Go host builds it (constructConfig): keys are rewritten to the
 * legacy `<namespace>:config:<name>` form, which every @pulumi/pulumi version understands.
 * @param {Map<string, string> | Iterable<[string, string]>} config
 * @returns {string}
 */
function constructConfig(config) {
  /** @type {Record<string, string>} */
  const out = {};
  for (const [k, v] of config) {
    const key = parseConfigKey(k);
    out[`${key.namespace}:config:${key.name}`] = v;
  }
  return JSON.stringify(out);
}

/**
 * Splits a string into words like a POSIX shell would, without expansions (the Go host uses
 * github.com/google/shlex): blanks separate words; single quotes are literal; double quotes allow
 * backslash escapes of `"`, `\`, `$`, `` ` `` and newline; a backslash outside quotes escapes the
 * next character; `#` at the start of a word starts a comment.
 * @param {string} s
 * @returns {string[]}
 */
function shellSplit(s) {
  /** @type {string[]} */
  const words = [];
  let word = "";
  let inWord = false;
  let i = 0;
  while (i < s.length) {
    const c = /** @type {string} */ (s[i]);
    if (c === " " || c === "\t" || c === "\n" || c === "\r") {
      if (inWord) {
        words.push(word);
        word = "";
        inWord = false;
      }
      i++;
    } else if (c === "#" && !inWord) {
      while (i < s.length && s[i] !== "\n") {
        i++;
      }
    } else if (c === "\\") {
      if (i + 1 >= s.length) {
        throw new Error("EOF found after escape character");
      }
      word += s[i + 1];
      inWord = true;
      i += 2;
    } else if (c === "'") {
      const end = s.indexOf("'", i + 1);
      if (end < 0) {
        throw new Error("EOF found when expecting closing quote");
      }
      word += s.slice(i + 1, end);
      inWord = true;
      i = end + 1;
    } else if (c === '"') {
      i++;
      let closed = false;
      while (i < s.length) {
        const d = /** @type {string} */ (s[i]);
        if (d === '"') {
          closed = true;
          i++;
          break;
        }
        if (d === "\\" && i + 1 < s.length && '"\\$`\n'.includes(/** @type {string} */ (s[i + 1]))) {
          word += s[i + 1];
          i += 2;
        } else {
          word += d;
          i++;
        }
      }
      if (!closed) {
        throw new Error("EOF found when expecting closing quote");
      }
      inWord = true;
    } else {
      word += c;
      inWord = true;
      i++;
    }
  }
  if (inWord) {
    words.push(word);
  }
  return words;
}

/**
 * Turns a list of `KEY=VALUE` strings into an environment object; later entries win, as with
 * Go's exec.Cmd.Env.
 * @param {Iterable<string>} list
 * @returns {NodeJS.ProcessEnv}
 */
function envFromList(list) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {};
  for (const entry of list) {
    const eq = entry.indexOf("=");
    if (eq > 0) {
      env[entry.slice(0, eq)] = entry.slice(eq + 1);
    }
  }
  return env;
}

/**
 * First free TCP port on 127.0.0.1 at or above `preferred` (Go: netutil.FindNextAvailablePort).
 * @param {number} preferred
 * @returns {Promise<number>}
 */
async function findNextAvailablePort(preferred) {
  for (let port = preferred; port < 65536; port++) {
    const free = await new Promise((resolve) => {
      const srv = net.createServer();
      srv.once("error", () => resolve(false));
      srv.listen(port, "127.0.0.1", () => srv.close(() => resolve(true)));
    });
    if (free) {
      return port;
    }
  }
  throw new Error(`no free port at or above ${preferred}`);
}

/**
 * Watches stderr of a program for V8's out-of-memory banner (Go: oomSniffer).
 */
class OomSniffer {
  constructor() {
    this.detected = false;
    this.tail = "";
  }

  /** @param {Buffer} chunk */
  scan(chunk) {
    if (this.detected) {
      return;
    }
    const text = this.tail + chunk.toString("utf8");
    if (
      text.includes("<--- Last few GCs --->") ||
      text.includes("Check failed: needs_context && current_scope_ == closure_scope_")
    ) {
      this.detected = true;
    }
    // Keep enough of the end to match a banner split across two chunks.
    this.tail = text.slice(-80);
  }

  message() {
    return (
      "Detected a possible out of memory error. Consider increasing the memory available to the nodejs process " +
      "by setting the `nodeargs` runtime option in Pulumi.yaml to `nodeargs: --max-old-space-size=<size>` where " +
      "`<size>` is the maximum memory in megabytes that can be allocated to nodejs. " +
      "See https://www.pulumi.com/docs/concepts/projects/project-file/#runtime-options"
    );
  }
}

module.exports = {
  ENGINE_VERSION_FILE,
  EXIT_CODE_ALREADY_REPORTED,
  GRPC_OPTIONS,
  HOST_VERSION,
  MAX_RPC_MESSAGE_SIZE,
  OomSniffer,
  constructConfig,
  engineVersion,
  envFromList,
  envMs,
  findNextAvailablePort,
  locateModule,
  lookPath,
  parseConfigKey,
  parseOptions,
  shellSplit,
};
