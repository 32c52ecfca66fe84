/**
 * The `dfcloud-emulator` command, spawned from its source (Node strips the types), so no build is
 * needed: the JSON ready line, options, --help, bad arguments, and a clean stop on SIGTERM/SIGINT.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { createInterface } from "node:readline";
import { describe, expect, it } from "vitest";
import { parseCliArgs } from "../src/cliArgs.ts";

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
  const exit = new Promise<Exit>((resolve) => child.on("exit", (code) => resolve({ code, stdout, stderr })));
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
    const { child, exit } = run(["--no-backup-endpoints", "--api-key", "dragonflydb_one"]);
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
    const { child, exit } = run([]);
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
    expect(parseCliArgs([])).toEqual({ help: false, options: {} });
  });

  it.each([
    [["--port", "abc"], '--port must be a number, got "abc"'],
    [["--time-scale", ""], '--time-scale must be a number, got ""'],
    [["stray"], "Unexpected argument 'stray'"],
  ])("rejects %j", (args, message) => {
    expect(() => parseCliArgs(args)).toThrow(message);
  });
});
