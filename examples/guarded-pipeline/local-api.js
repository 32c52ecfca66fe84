#!/usr/bin/env node
// @ts-check
// For CI runs without a DFCLOUD_API_KEY (forks, first runs, this repository's own tests): starts the
// local Dragonfly Cloud API (the emulator) in the background, gives it one datastore, and prints
// what the later steps need as KEY=value lines, for `>> "$GITHUB_ENV"`:
//
//   DFCLOUD_API_URL, DFCLOUD_API_KEY   the emulator's URL and a key of its one account
//   DATASTORE_ID                       the datastore the program protects
//   DFCLOUD_EMULATOR_ADMIN_TOKEN       for its /_emulator admin API (inspecting state)
//   DFCLOUD_EMULATOR_PID               `kill` it when done; CI runners stop it with the job
//
// Needs the emulator built (`make build`). Its clock runs 60 times faster than real time, so a
// backup that takes the emulator 15 s is ready in a quarter of a second.

const { spawn } = require("node:child_process");
const crypto = require("node:crypto");
const fs = require("node:fs");
const os = require("node:os");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "../..");
const EMULATOR_CLI = path.join(ROOT, "emulator/dist/cli.js");
const READY_TIMEOUT_MS = 20_000;

/** The datastore CI deploys against: a small single-shard cache. */
const DATASTORE_CONFIG = {
  name: "ci-cache",
  location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
  tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
};

/**
 * Starts the emulator detached, its output in files: it must outlive this script, and a child
 * holding this script's stdout would keep `$(...)` and CI steps waiting for it to end.
 * @param {string} apiKey
 * @param {string} adminToken
 * @returns {Promise<{ url: string, pid: number }>}
 */
async function startDetached(apiKey, adminToken) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dfcloud-emulator-"));
  const readyFile = path.join(dir, "ready.json");
  const child = spawn(
    process.execPath,
    [EMULATOR_CLI, "--port", "0", "--time-scale", "60", "--api-key", apiKey, "--admin-token", adminToken],
    {
      detached: true,
      stdio: ["ignore", fs.openSync(readyFile, "w"), fs.openSync(path.join(dir, "emulator.log"), "w")],
    },
  );
  child.unref();
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    // The emulator prints one JSON line once it listens.
    const line = fs.readFileSync(readyFile, "utf8").split("\n")[0] ?? "";
    if (line.endsWith("}")) return { url: JSON.parse(line).url, pid: child.pid ?? 0 };
    if (child.exitCode !== null) break;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const log = fs.readFileSync(path.join(dir, "emulator.log"), "utf8");
  child.kill();
  throw new Error(
    `the emulator did not start within ${READY_TIMEOUT_MS / 1000} s: ${log.trim() || "no output"}`,
  );
}

async function main() {
  if (!fs.existsSync(EMULATOR_CLI)) throw new Error(`${EMULATOR_CLI} is missing: run \`make build\` first`);
  const apiKey = `dragonflydb_ci_${crypto.randomBytes(12).toString("hex")}`;
  const adminToken = crypto.randomBytes(16).toString("hex");
  const { url, pid } = await startDetached(apiKey, adminToken);
  const response = await fetch(`${url}/_emulator/datastores`, {
    method: "POST",
    headers: { authorization: `Bearer ${adminToken}`, "content-type": "application/json" },
    body: JSON.stringify({ apiKey, config: DATASTORE_CONFIG }),
  });
  if (!response.ok) {
    process.kill(pid);
    throw new Error(`seeding the datastore failed: ${response.status} ${await response.text()}`);
  }
  const datastore = /** @type {{ datastore_id: string }} */ (await response.json());
  const env = {
    DFCLOUD_API_URL: url,
    DFCLOUD_API_KEY: apiKey,
    DATASTORE_ID: datastore.datastore_id,
    DFCLOUD_EMULATOR_ADMIN_TOKEN: adminToken,
    DFCLOUD_EMULATOR_PID: String(pid),
  };
  process.stdout.write(
    Object.entries(env)
      .map(([key, value]) => `${key}=${value}\n`)
      .join(""),
  );
  process.stderr.write(
    `local Dragonfly Cloud API at ${url} (pid ${pid}), datastore ${datastore.datastore_id}\n`,
  );
}

main().catch((error) => {
  process.stderr.write(`local-api: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
