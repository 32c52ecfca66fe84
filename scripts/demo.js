#!/usr/bin/env node
// `make demo`: starts the local Dragonfly Cloud API (the emulator), gives it one datastore, and runs
// examples/quickstart with the real engine against it, the way the product is meant to be used:
//   1. `pulumi preview` with an hour that does not exist (config `hours` = [2, 25]): the preview
//      fails, its message names the property and what is allowed, and the API's request log shows
//      that nothing was written;
//   2. the hour fixed (config `hours` removed, the example's own [2, 14]): the preview passes and
//      shows the plan, still without a write;
//   3. `pulumi up`, then what was created: from Pulumi's side (stack outputs) and from the API's
//      side (the datastore's schedule, the backups, the writes the update made).
// It ends with how long the run took. tests/engine/demo.test.ts runs `runDemo` against its own emulator.
const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");
const { configKey } = require("@pulumi-dfcloud/provider");

const ROOT = path.resolve(__dirname, "..");
/** The program the demo runs. */
const PROGRAM = path.join(ROOT, "examples/quickstart");
/** The hours of the failing preview: 25 is no hour of the day. */
const BAD_HOURS = "[2, 25]";
/** Methods of requests that change something in the API. */
const WRITE_METHODS = new Set(["POST", "PUT", "PATCH", "DELETE"]);

/**
 * Starts the emulator CLI and resolves with its ready line `{url, apiKeys, adminToken}` and the
 * child process. Emulator time runs 30x faster, so waits that take minutes in the cloud take seconds here.
 */
function startEmulatorProcess() {
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "emulator/dist/cli.js"), "--port", "0", "--time-scale", "30"],
    { stdio: ["ignore", "pipe", "inherit"] },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the emulator exited with ${code} before it was ready`)));
    readline
      .createInterface({ input: child.stdout })
      .once("line", (line) => resolve({ child, ...JSON.parse(line) }));
  });
}

/** One call of the emulator's admin API (`/_emulator/<route>`); throws on any non-2xx answer. */
async function admin(emulator, method, route, body) {
  const response = await fetch(`${emulator.url}/_emulator/${route}`, {
    method,
    headers: { authorization: `Bearer ${emulator.adminToken}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`${method} /_emulator/${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

/** A GET of the public API (`/v1/…`) with the demo account's key. */
async function api(emulator, route) {
  const response = await fetch(`${emulator.url}${route}`, {
    headers: { authorization: `Bearer ${emulator.apiKeys[0]}` },
  });
  if (!response.ok) throw new Error(`GET ${route}: ${response.status} ${await response.text()}`);
  return response.json();
}

/**
 * The `/v1` requests the emulator logged since the last call, split into reads and writes
 * (`METHOD /path`, queries left out), and clears its log: what one step sent to the API.
 * The admin API's own calls are never logged.
 */
async function takeRequests(emulator) {
  const log = await admin(emulator, "GET", "requests");
  await admin(emulator, "DELETE", "requests");
  const calls = log.map((entry) => ({
    method: entry.method,
    call: `${entry.method} ${entry.path.replace(/\?.*$/, "")}`,
  }));
  return {
    reads: calls.filter(({ method }) => !WRITE_METHODS.has(method)).map(({ call }) => call),
    writes: calls.filter(({ method }) => WRITE_METHODS.has(method)).map(({ call }) => call),
  };
}

/**
 * Runs `pulumi <args> --stack <stack> --non-interactive` in the program's folder, echoing the
 * command and then its output (both streams, as they come) to `write`.
 * @returns its exit code and everything it printed
 */
function pulumi(context, args, options = {}) {
  const { stack, env, write, color } = context;
  if (!options.quiet) write(`$ pulumi ${args.map(quoteArg).join(" ")}\n`);
  const child = spawn(
    "pulumi",
    [...args, "--stack", stack, "--non-interactive", ...(options.noColor ? [] : [`--color=${color}`])],
    { cwd: PROGRAM, env, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  const take = (chunk) => {
    const text = chunk.toString();
    output += text;
    if (!options.quiet) write(text);
  };
  child.stdout.on("data", take);
  child.stderr.on("data", take);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code) => resolve({ code: code ?? 1, output }));
  });
}

/** Runs a pulumi command that must succeed; throws with its output when it does not. */
async function pulumiOk(context, args, options) {
  const result = await pulumi(context, args, options);
  if (result.code !== 0) {
    throw new Error(
      `pulumi ${args.join(" ")} exited ${result.code}${options?.quiet ? `:\n${result.output}` : ""}`,
    );
  }
  return result;
}

/** An argument as a shell would need it typed, for the echoed command lines. */
function quoteArg(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

/** `3 reads (GET /v1/datastores/dst_1), 0 writes`. */
function describeRequests({ reads, writes }) {
  const list = (calls) => (calls.length === 0 ? "" : ` (${[...new Set(calls)].join(", ")})`);
  return (
    `${reads.length} ${reads.length === 1 ? "read" : "reads"}${list(reads)}, ` +
    `${writes.length} ${writes.length === 1 ? "write" : "writes"}${list(writes)}`
  );
}

/**
 * The demo against a running emulator: seeds a datastore, creates the stack, runs the failing
 * preview, the passing preview and the update, and prints each with what the API received.
 * @param emulator `{url, apiKeys, adminToken}` of a running emulator; its first key is the account used
 * @param options `stack` (default `demo`), `stateDir` (the file backend's folder; created, default
 *   `.pulumi-demo/state`), `env` (the environment `pulumi` runs in, with the engine on PATH; default
 *   this process's), `write` (where the transcript goes; default stdout), `color` (`always`, `never`
 *   or `auto`; default `never`)
 * @returns what each step printed and the API requests it made, and the datastore's id
 */
async function runDemo(emulator, options = {}) {
  const write = options.write ?? ((text) => process.stdout.write(text));
  const stack = options.stack ?? "demo";
  const stateDir = options.stateDir ?? path.join(ROOT, ".pulumi-demo", "state");
  fs.mkdirSync(stateDir, { recursive: true });
  const context = {
    stack,
    write,
    color: options.color ?? "never",
    env: {
      ...(options.env ?? process.env),
      PULUMI_BACKEND_URL: `file://${stateDir}`,
      PULUMI_CONFIG_PASSPHRASE: "demo",
    },
  };
  const heading = (text) => write(`\n▶ ${text}\n`);

  heading(`Local Dragonfly Cloud API at ${emulator.url}`);
  const datastore = await admin(emulator, "POST", "datastores", {
    apiKey: emulator.apiKeys[0],
    config: {
      name: "demo-cache",
      location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
      tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
    },
  });
  write(`▶ Datastore ${datastore.datastore_id} (demo-cache, aws eu-west-1)\n`);

  fs.rmSync(path.join(PROGRAM, `Pulumi.${stack}.yaml`), { force: true });
  await pulumiOk(context, ["stack", "init"], { quiet: true, noColor: true });
  await pulumiOk(context, ["config", "set", "datastoreId", datastore.datastore_id], { noColor: true });
  await pulumiOk(context, ["config", "set", configKey("apiUrl"), emulator.url], { noColor: true });
  await pulumiOk(context, ["config", "set", "--secret", configKey("apiKey"), emulator.apiKeys[0]], {
    noColor: true,
  });
  await takeRequests(emulator);

  heading(`1/3 A mistake: the schedule's hours set to ${BAD_HOURS}. The preview checks every input first.`);
  await pulumiOk(context, ["config", "set", "hours", BAD_HOURS], { noColor: true });
  const failed = await pulumi(context, ["preview"]);
  const failedRequests = await takeRequests(emulator);
  if (failed.code === 0) throw new Error(`the preview with hours ${BAD_HOURS} passed; it must fail`);
  write(
    `\n▶ The preview failed (exit code ${failed.code}) and nothing was sent to change the API. ` +
      `Its request log: ${describeRequests(failedRequests)}.\n`,
  );
  if (failedRequests.writes.length > 0) throw new Error("the failed preview wrote to the API");

  heading("2/3 The hours fixed (config `hours` removed: the example's [2, 14]). The preview shows the plan.");
  await pulumiOk(context, ["config", "rm", "hours"], { noColor: true });
  const preview = await pulumiOk(context, ["preview"]);
  const previewRequests = await takeRequests(emulator);
  write(`\n▶ A preview only reads. Its request log: ${describeRequests(previewRequests)}.\n`);
  if (previewRequests.writes.length > 0) throw new Error("the preview wrote to the API");

  heading("3/3 pulumi up: the plan above, carried out.");
  const up = await pulumiOk(context, ["up", "--yes", "--skip-preview"]);
  const upRequests = await takeRequests(emulator);

  heading("Stack outputs (Pulumi's view)");
  const outputs = await pulumiOk(context, ["stack", "output", "--json"], { quiet: true, noColor: true });
  write(`${outputs.output.trim()}\n`);
  const live = await api(emulator, `/v1/datastores/${encodeURIComponent(datastore.datastore_id)}`);
  heading("The datastore's backup_policy (the API's view)");
  write(`${JSON.stringify(live.config.backup_policy, null, 2)}\n`);
  heading("Backups in the account (the API's view)");
  for (const backup of await api(emulator, "/v1/backups")) {
    write(
      `  ${backup.backup_id}  ${backup.status}  ${backup.source}  "${backup.description}"  retention ${backup.retention} d\n`,
    );
  }
  heading(`What pulumi up sent: ${describeRequests(upRequests)}`);
  await takeRequests(emulator);
  return {
    datastoreId: datastore.datastore_id,
    failedPreview: { ...failed, requests: failedRequests },
    preview: { ...preview, requests: previewRequests },
    up: { ...up, requests: upRequests },
  };
}

/** Seconds with one decimal: `41.3 s`. */
function seconds(ms) {
  return `${(ms / 1000).toFixed(1)} s`;
}

async function main() {
  const started = Date.now();
  const work = path.join(ROOT, ".pulumi-demo");
  fs.rmSync(work, { recursive: true, force: true });
  const emulator = await startEmulatorProcess();
  try {
    await runDemo(emulator, {
      stateDir: path.join(work, "state"),
      color: process.stdout.isTTY ? "always" : "never",
    });
  } finally {
    emulator.child.kill("SIGTERM");
  }
  const finished = Date.now();
  // The Makefile passes when `make demo` started (Unix seconds, `date +%s.%N`; a `date` without %N
  // leaves whole seconds), so the prerequisites count too.
  const makeStarted = Number.parseFloat(process.env.DEMO_MAKE_STARTED ?? "") * 1000;
  const took =
    Number.isFinite(makeStarted) && makeStarted > 0
      ? `make demo took ${seconds(finished - makeStarted)}: prerequisites (Node, engine, npm packages, build) ` +
        `${seconds(started - makeStarted)}, the demo ${seconds(finished - started)}`
      : `The demo took ${seconds(finished - started)}`;
  console.log(
    "\nDone. The emulator stops now; `make emulator` keeps one running for your own programs " +
      "(see emulator/README.md), and `make demo` starts from scratch every time.\n" +
      `${took}.`,
  );
}

module.exports = { runDemo, takeRequests, BAD_HOURS, PROGRAM };

if (require.main === module) {
  main().catch((error) => {
    console.error(`demo failed: ${error.message}`);
    process.exit(1);
  });
}
