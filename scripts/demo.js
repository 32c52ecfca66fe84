#!/usr/bin/env node
// `make demo`: starts the local Dragonfly Cloud API (the emulator), gives it one datastore, runs
// `pulumi up` of examples/quickstart with the real engine against it, and prints what was created —
// from Pulumi's side (stack outputs) and from the API's side (the datastore's schedule, the backups).
const { spawn, execFileSync } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const readline = require("node:readline");
const { configKey } = require("@pulumi-dfcloud/provider");

const ROOT = path.resolve(__dirname, "..");
const PROGRAM = path.join(ROOT, "examples/quickstart");
const WORK = path.join(ROOT, ".pulumi-demo");
const STACK = "demo";

/** Starts the emulator CLI and resolves with its ready line `{url, apiKeys, adminToken}`. */
function startEmulator() {
  // Emulator time runs 30x faster, so waits that take minutes in the cloud take seconds here.
  const child = spawn(
    process.execPath,
    [path.join(ROOT, "emulator/dist/cli.js"), "--port", "0", "--time-scale", "30"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the emulator exited with ${code} before it was ready`)));
    readline
      .createInterface({ input: child.stdout })
      .once("line", (line) => resolve({ child, ...JSON.parse(line) }));
  });
}

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

async function api(emulator, route) {
  const response = await fetch(`${emulator.url}${route}`, {
    headers: { authorization: `Bearer ${emulator.apiKeys[0]}` },
  });
  return response.json();
}

function pulumi(args, env, options = {}) {
  return execFileSync("pulumi", [...args, "--stack", STACK, "--non-interactive"], {
    cwd: PROGRAM,
    env,
    stdio: options.capture ? ["ignore", "pipe", "inherit"] : "inherit",
    encoding: "utf8",
  });
}

async function main() {
  fs.rmSync(WORK, { recursive: true, force: true });
  fs.mkdirSync(path.join(WORK, "state"), { recursive: true });
  fs.rmSync(path.join(PROGRAM, `Pulumi.${STACK}.yaml`), { force: true });
  const env = {
    ...process.env,
    PULUMI_BACKEND_URL: `file://${path.join(WORK, "state")}`,
    PULUMI_CONFIG_PASSPHRASE: "demo",
  };

  const emulator = await startEmulator();
  try {
    console.log(`\n▶ Local Dragonfly Cloud API at ${emulator.url}`);
    const datastore = await admin(emulator, "POST", "datastores", {
      apiKey: emulator.apiKeys[0],
      config: {
        name: "demo-cache",
        location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
        tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
      },
    });
    console.log(`▶ Datastore ${datastore.datastore_id} (demo-cache, aws eu-west-1)\n`);

    execFileSync("pulumi", ["stack", "init", STACK, "--non-interactive"], {
      cwd: PROGRAM,
      env,
      stdio: "inherit",
    });
    pulumi(["config", "set", "datastoreId", datastore.datastore_id], env);
    pulumi(["config", "set", configKey("apiUrl"), emulator.url], env);
    pulumi(["config", "set", "--secret", configKey("apiKey"), emulator.apiKeys[0]], env);
    pulumi(["up", "--yes", "--skip-preview"], env);

    console.log("\n▶ Stack outputs (Pulumi's view)");
    console.log(pulumi(["stack", "output", "--json"], env, { capture: true }).trim());
    const live = await api(emulator, `/v1/datastores/${encodeURIComponent(datastore.datastore_id)}`);
    console.log("\n▶ The datastore's backup_policy (the API's view)");
    console.log(JSON.stringify(live.config.backup_policy, null, 2));
    console.log("\n▶ Backups in the account (the API's view)");
    for (const backup of await api(emulator, "/v1/backups")) {
      console.log(
        `  ${backup.backup_id}  ${backup.status}  ${backup.source}  "${backup.description}"  retention ${backup.retention} d`,
      );
    }
    console.log(
      "\nDone. The emulator stops now; `make emulator` keeps one running for your own programs " +
        "(see emulator/README.md), and `make demo` starts from scratch every time.",
    );
  } finally {
    emulator.child.kill("SIGTERM");
  }
}

main().catch((error) => {
  console.error(`demo failed: ${error.message}`);
  process.exit(1);
});
