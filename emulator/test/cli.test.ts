/**
 * The `dfcloud-emulator` command, spawned from its source (Node strips the types), so no build is
 * needed: the JSON ready line, options, --help, bad arguments, and a clean stop on SIGTERM/SIGINT;
 * and what a new user starts a program with: --seed-datastore, the --env lines, --detach, the
 * default port and what it says when that port is taken.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import * as fs from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { parseCliArgs, USAGE } from "../src/cliArgs.ts";
import { EmulatorAdmin, type JsonObject } from "../src/index.ts";
import { programEnvironment, shellLines } from "../src/startup.ts";

const CLI = path.join(__dirname, "../src/cli.ts");
// The source has no "type" in package.json and is run as an ES module: silence that notice.
const NODE_ARGS = [
  "--disable-warning=MODULE_TYPELESS_PACKAGE_JSON",
  "--disable-warning=ExperimentalWarning",
  CLI,
];

interface Exit {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[]): { child: ChildProcess; exit: Promise<Exit> } {
  const child = spawn(process.execPath, [...NODE_ARGS, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout?.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
  });
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  // `close`, not `exit`: the process can be gone before this side has read what it wrote to its pipes,
  // and `--help` then reads as an empty usage. (The detached start, whose background emulator keeps
  // stderr open, is spawned on its own below.)
  const exit = new Promise<Exit>((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
  return { child, exit };
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing`)));
    if (!child.stdout) throw new Error("no stdout");
    createInterface({ input: child.stdout }).once("line", resolve);
  });
}

describe.concurrent("dfcloud-emulator", () => {
  it("prints exactly one JSON line when ready, serves, and exits 0 on SIGTERM after saving state", async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), "dfcloud-emulator-cli-"));
    const statePath = path.join(dir, "state.json");
    try {
      const { child, exit } = run([
        "--port",
        "0",
        "--state",
        statePath,
        "--api-key",
        "dragonflydb_one",
        "--api-key",
        "dragonflydb_two",
        "--admin-token",
        "admintoken",
        "--time-scale",
        "0",
      ]);
      const ready = JSON.parse(await firstLine(child));
      expect(Object.keys(ready)).toEqual(["url", "apiKeys", "adminToken"]);
      expect(ready).toMatchObject({
        apiKeys: ["dragonflydb_one", "dragonflydb_two"],
        adminToken: "admintoken",
      });
      const response = await fetch(`${ready.url}/v1/datastores`, {
        headers: { authorization: "Bearer dragonflydb_two" },
      });
      expect(response.status).toBe(200);
      await fetch(`${ready.url}/_emulator/clock/advance`, {
        method: "POST",
        headers: { authorization: "Bearer admintoken" },
        body: JSON.stringify({ seconds: 120 }),
      });

      child.kill("SIGTERM");
      const result = await exit;
      expect(result.code).toBe(0);
      expect(result.stdout.trim().split("\n")).toHaveLength(1);
      const saved = JSON.parse(fs.readFileSync(statePath, "utf8"));
      expect(saved.apiKeys).toEqual(["dragonflydb_one", "dragonflydb_two"]);
      expect(saved.clock.advancedOffsetMs).toBe(120_000);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers /v1/backups as an unknown path with --no-backup-endpoints", async () => {
    const { child, exit } = run(["--port", "0", "--no-backup-endpoints", "--api-key", "dragonflydb_one"]);
    const ready = JSON.parse(await firstLine(child));
    const headers = { authorization: "Bearer dragonflydb_one" };
    const backups = await fetch(`${ready.url}/v1/backups`, { headers });
    expect(backups.status).toBe(404);
    expect(await backups.json()).toEqual({ error: "not found: GET /v1/backups" });
    expect((await fetch(`${ready.url}/v1/datastores`, { headers })).status).toBe(200);
    child.kill("SIGTERM");
    expect((await exit).code).toBe(0);
  });

  it("exits 0 on SIGINT", async () => {
    const { child, exit } = run(["--port", "0"]);
    expect(JSON.parse(await firstLine(child)).apiKeys).toHaveLength(1);
    child.kill("SIGINT");
    expect((await exit).code).toBe(0);
  });

  it("prints the usage on --help and exits 0", async () => {
    const result = await run(["--help"]).exit;
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^Usage: dfcloud-emulator \[options\]/);
    expect(result.stdout).toContain("--time-scale N");
    expect(result.stdout).toContain("--no-backup-endpoints");
  });

  it("exits 2 with a message on stderr for an unknown option, printing nothing on stdout", async () => {
    const result = await run(["--nope"]).exit;
    expect(result).toMatchObject({ code: 2, stdout: "" });
    expect(result.stderr).toContain("Unknown option '--nope'");
  });

  it("exits 1 when it cannot start (a port out of range)", async () => {
    const result = await run(["--port", "99999"]).exit;
    expect(result).toMatchObject({ code: 1, stdout: "" });
    expect(result.stderr).toContain("port must be an integer from 0 to 65535");
  });
});

describe("parseCliArgs", () => {
  it("maps every option", () => {
    expect(
      parseCliArgs([
        "--host",
        "0.0.0.0",
        "--port",
        "4010",
        "--state",
        "s.json",
        "--api-key",
        "a",
        "--api-key",
        "b",
        "--admin-token",
        "t",
        "--time-scale",
        "2.5",
        "--no-backup-endpoints",
      ]),
    ).toEqual({
      help: false,
      portGiven: true,
      seedDatastores: [],
      env: false,
      detach: false,
      options: {
        host: "0.0.0.0",
        port: 4010,
        statePath: "s.json",
        apiKeys: ["a", "b"],
        adminToken: "t",
        timeScale: 2.5,
        backupEndpoints: false,
      },
    });
    expect(parseCliArgs([])).toEqual({
      help: false,
      options: { port: 8765 },
      portGiven: false,
      seedDatastores: [],
      env: false,
      detach: false,
    });
  });

  it.each([
    [["--port", "abc"], '--port must be a number, got "abc"'],
    [["--time-scale", ""], '--time-scale must be a number, got ""'],
    [["stray"], "Unexpected argument 'stray'"],
    [
      ["--seed-datastore", "my-app", "--seed-datastore", "my_app"],
      '--seed-datastore "my-app" and "my_app" would both be DFCLOUD_DATASTORE_MY_APP: give names that differ in their letters or digits',
    ],
    [["--seed-datastore", "..."], '--seed-datastore needs a name with a letter or digit, got "..."'],
  ])("rejects %j", (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(message);
  });
});

/** The variables of `export NAME=value` lines, in order; throws on any other line. */
function parseEnv(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split("\n").filter((l) => l !== "")) {
    const match = /^export ([A-Z][A-Z0-9_]*)=(\S+)$/.exec(line);
    if (!match?.[1] || match[2] === undefined) throw new Error(`not an export line: ${JSON.stringify(line)}`);
    env[match[1]] = match[2];
  }
  return env;
}

/** The --env lines of a foreground start, once the last one (DFCLOUD_EMULATOR_PID) is out. */
function envOf(child: ChildProcess): Promise<Record<string, string>> {
  return new Promise((resolve, reject) => {
    let out = "";
    child.once("exit", (code) => reject(new Error(`exited with ${code} before printing: ${out}`)));
    child.stdout?.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      if (/^export DFCLOUD_EMULATOR_PID=\d+\n/m.test(out)) resolve(parseEnv(out));
    });
  });
}

/** `GET /v1/datastores` with the key and URL of the --env lines. */
async function listDatastores(
  env: Record<string, string>,
): Promise<Array<JsonObject & { config: JsonObject }>> {
  const response = await fetch(`${env.DFCLOUD_API_URL}/v1/datastores`, {
    headers: { authorization: `Bearer ${env.DFCLOUD_API_KEY}` },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as Array<JsonObject & { config: JsonObject }>;
}

/** A server holding `port` on 127.0.0.1, or undefined when something else holds it already. */
function holdPort(port: number): Promise<Server | undefined> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", (error: NodeJS.ErrnoException) =>
      error.code === "EADDRINUSE" ? resolve(undefined) : reject(error),
    );
    server.listen(port, "127.0.0.1", () => resolve(server));
  });
}

function closeServer(server: Server | undefined): Promise<void> {
  return new Promise((resolve) => (server ? server.close(() => resolve()) : resolve()));
}

describe.concurrent("dfcloud-emulator for a program", () => {
  it("seeds each --seed-datastore and prints only export lines with --env, which reach those datastores", async () => {
    const { child, exit } = run([
      "--port",
      "0",
      "--time-scale",
      "0",
      "--seed-datastore",
      "app",
      "--seed-datastore",
      "my-cache.v2",
      "--env",
    ]);
    try {
      const env = await envOf(child);
      expect(Object.keys(env)).toEqual([
        "DFCLOUD_API_URL",
        "DFCLOUD_API_KEY",
        "DFCLOUD_DATASTORE_APP",
        "DFCLOUD_DATASTORE_MY_CACHE_V2",
        "DFCLOUD_EMULATOR_ADMIN_TOKEN",
        "DFCLOUD_EMULATOR_PID",
      ]);
      expect(env.DFCLOUD_API_URL).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(env.DFCLOUD_API_KEY).toMatch(/^dragonflydb_emu_/);
      expect(env.DFCLOUD_EMULATOR_PID).toBe(String(child.pid));

      const datastores = await listDatastores(env);
      expect(datastores).toHaveLength(2);
      const app = datastores.find((d) => d.datastore_id === env.DFCLOUD_DATASTORE_APP);
      expect(app).toMatchObject({
        status: "active",
        config: {
          name: "app",
          location: { provider: "aws", region: "eu-west-1" },
          tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard" },
          // Plain TCP on the data plane: a datastore asking for TLS could not be read back.
          dragonfly: { tls: false },
        },
      });
      expect(app?.addr).toMatch(/^127\.0\.0\.1:\d+$/);
      const cache = datastores.find((d) => d.datastore_id === env.DFCLOUD_DATASTORE_MY_CACHE_V2);
      expect(cache?.config.name).toBe("my-cache.v2");
      // Sample data, so a first backup has something to capture and a restore something to replace.
      const admin = new EmulatorAdmin(env.DFCLOUD_API_URL ?? "", env.DFCLOUD_EMULATOR_ADMIN_TOKEN ?? "");
      expect(Object.keys(await admin.getData(env.DFCLOUD_DATASTORE_APP ?? ""))).toHaveLength(3);
    } finally {
      child.kill("SIGTERM");
    }
    const result = await exit;
    expect(result.code).toBe(0);
    // stdout holds the export lines and nothing else (so `> file` then `source file` works); logs go to stderr.
    expect(Object.keys(parseEnv(result.stdout))).toHaveLength(6);
    expect(result.stderr).toMatch(/^dfcloud-emulator: datastore "app": dst_[a-z0-9]{16}$/m);
    expect(result.stderr).toContain(`(pid ${child.pid})`);
  });

  it("reuses a datastore of that name from the state file instead of seeding a second one", async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), "dfcloud-emulator-cli-"));
    const statePath = path.join(dir, "state.json");
    const args = [
      "--port",
      "0",
      "--state",
      statePath,
      "--api-key",
      "dragonflydb_one",
      "--seed-datastore",
      "app",
    ];
    try {
      const first = run(args);
      const before = JSON.parse(await firstLine(first.child));
      expect(Object.keys(before)).toEqual(["url", "apiKeys", "adminToken", "datastores"]);
      expect(before.datastores).toEqual({ app: expect.stringMatching(/^dst_[a-z0-9]{16}$/) });
      first.child.kill("SIGTERM");
      expect((await first.exit).code).toBe(0);

      const second = run([...args, "--seed-datastore", "jobs", "--env"]);
      try {
        const env = await envOf(second.child);
        expect(env.DFCLOUD_DATASTORE_APP).toBe(before.datastores.app);
        const datastores = await listDatastores(env);
        expect(datastores.map((d) => d.config.name).sort()).toEqual(["app", "jobs"]);
        expect(datastores.find((d) => d.config.name === "jobs")?.datastore_id).toBe(
          env.DFCLOUD_DATASTORE_JOBS,
        );
      } finally {
        second.child.kill("SIGTERM");
      }
      const result = await second.exit;
      expect(result.code).toBe(0);
      expect(result.stderr).toContain(`datastore "app": ${before.datastores.app} (from the state file)`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("with --detach, prints the lines and exits 0, leaving the emulator serving until it is killed", async () => {
    const child = spawn(
      process.execPath,
      [...NODE_ARGS, "--port", "0", "--seed-datastore", "app", "--env", "--detach"],
      { stdio: ["ignore", "pipe", "pipe"] },
    );
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
    });
    child.stderr.resume();
    const exitCode = new Promise<number | null>((resolve) => child.once("exit", resolve));
    // The background emulator holds the inherited stderr: the pipe closes only when it has stopped.
    const closed = new Promise<void>((resolve) => child.stderr.once("close", () => resolve()));
    expect(await exitCode).toBe(0);
    const env = parseEnv(stdout);
    const pid = Number(env.DFCLOUD_EMULATOR_PID);
    try {
      expect(pid).not.toBe(child.pid);
      // Serving after the command has exited.
      const datastores = await listDatastores(env);
      expect(datastores.map((d) => d.datastore_id)).toEqual([env.DFCLOUD_DATASTORE_APP]);
      process.kill(pid, "SIGTERM");
      await closed;
      await expect(fetch(`${env.DFCLOUD_API_URL}/v1/datastores`)).rejects.toThrow();
    } finally {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // already stopped
      }
    }
  });

  it("says which port is taken and to pass --port, printing nothing on stdout", async () => {
    const server = await holdPort(0);
    if (!server) throw new Error("no free port to hold");
    const { port } = server.address() as { port: number };
    try {
      const result = await run(["--port", String(port)]).exit;
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toBe(
        `dfcloud-emulator: port ${port} on 127.0.0.1 is already in use (another dfcloud-emulator?): ` +
          "pass --port N to listen on another port, or --port 0 for any free one\n",
      );
    } finally {
      await closeServer(server);
    }
  });

  it("listens on 8765 without --port, and says so when that port is taken", async () => {
    // Taken either way: by this test, or by whatever holds it already.
    const server = await holdPort(8765);
    try {
      const result = await run(["--api-key", "dragonflydb_one"]).exit;
      expect(result).toMatchObject({ code: 1, stdout: "" });
      expect(result.stderr).toBe(
        "dfcloud-emulator: port 8765 on 127.0.0.1 is already in use (another dfcloud-emulator?); 8765 is " +
          "the default port: pass --port N to listen on another port, or --port 0 for any free one\n",
      );
    } finally {
      await closeServer(server);
    }
  });
});

describe("what --env says", () => {
  it("names the variables the provider reads its URL and key from", () => {
    // The emulator shares no code with the provider: this reads the provider's source as text.
    const credentials = fs.readFileSync(
      path.join(__dirname, "../../provider/src/host/credentials.ts"),
      "utf8",
    );
    const urlEnv = /export const API_URL_ENV = "(\w+)"/.exec(credentials)?.[1];
    const keyEnv = /export const API_KEY_ENV = "(\w+)"/.exec(credentials)?.[1];
    const names = programEnvironment({
      url: "http://127.0.0.1:1",
      apiKeys: ["k"],
      adminToken: "t",
      datastores: [],
      pid: 1,
    }).map(([name]) => name);
    expect(urlEnv).toBe("DFCLOUD_API_URL");
    expect(names.slice(0, 2)).toEqual([urlEnv, keyEnv]);
  });

  it("gives the loopback URL when listening on every interface", () => {
    const environment = programEnvironment({
      url: "http://0.0.0.0:8765",
      apiKeys: ["k"],
      adminToken: "t",
      datastores: [],
      pid: 1,
    });
    expect(environment[0]).toEqual(["DFCLOUD_API_URL", "http://127.0.0.1:8765"]);
  });

  it("quotes values for the shell only where needed, and a shell reads them back exactly", () => {
    const values: Array<[string, string]> = [
      ["PLAIN", "dragonflydb_emu_abc"],
      ["QUOTED", "it's $HOME `x` \\"],
    ];
    const text = shellLines(values);
    expect(text.split("\n")[0]).toBe("export PLAIN=dragonflydb_emu_abc");
    const read = execFileSync("sh", ["-c", `${text}printf '%s|%s' "$PLAIN" "$QUOTED"`], { encoding: "utf8" });
    expect(read).toBe("dragonflydb_emu_abc|it's $HOME `x` \\");
  });

  it("documents the default port in --help and the README", () => {
    expect(USAGE).toContain("--port PORT             TCP port; 0 picks any free port (default 8765)");
    const readme = fs.readFileSync(path.join(__dirname, "../README.md"), "utf8");
    expect(readme).toContain("| `--port PORT` | `8765` |");
  });
});
