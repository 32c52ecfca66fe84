/**
 * schema.json through the real engine: `pulumi package gen-sdk schema.json` binds and validates the
 * schema (the engine's metaschema and its own checks) and has each language's plugin generate an
 * SDK from it. The generated Node.js SDK must type-check with the repository's TypeScript, the
 * Python one must compile, and a broken schema must be refused with the engine's diagnostic.
 *
 * The generators are the engine's own (pkg/v3/codegen/{nodejs,python}), served by
 * tools/codegen-host: the real pulumi-language-nodejs and -python plugins cannot be built offline
 * here (see its main.go), and our Node.js language host runs programs but generates no code.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { engineEnv, newWorkDir, PULUMI, pulumi, ROOT } from "./harness";

const SCHEMA = path.join(ROOT, "schema.json");
const CODEGEN_BIN = path.join(ROOT, ".tools/codegen/bin");

function run(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<{ code: number; output: string }>((resolve) => {
    execFile(command, args, { ...options, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : 1) : 0;
      resolve({ code, output: `${stdout}\n${stderr}` });
    });
  });
}

/** Every file under `dir`, relative to it, sorted. */
function filesUnder(dir: string): string[] {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(dir, path.join(entry.parentPath, entry.name)))
    .sort();
}

function hasCommand(command: string): boolean {
  return (process.env.PATH ?? "")
    .split(path.delimiter)
    .some((dir) => dir !== "" && fs.existsSync(path.join(dir, command)));
}

describe("pulumi package gen-sdk schema.json", () => {
  let workDir = "";
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    // Our built engine came with Go (scripts/build-engine.sh), so the codegen host can be built the
    // same way; a real Pulumi CLI from PATH ships the real language plugins instead.
    const extraPath: string[] = [];
    if (PULUMI !== "pulumi") {
      const build = await run(path.join(ROOT, "tools/codegen-host/build.sh"), []);
      if (build.code !== 0) throw new Error(`tools/codegen-host/build.sh failed:\n${build.output}`);
      extraPath.push(CODEGEN_BIN);
    }
    workDir = newWorkDir("gen-sdk");
    const base = engineEnv(workDir);
    // First on PATH, ahead of the Node.js language host linked beside the engine.
    env = { ...base, PATH: [...extraPath, base.PATH ?? ""].join(path.delimiter) };
  }, 600_000);

  async function genSdk(schema: string, language: string) {
    const out = path.join(workDir, `sdk-${path.basename(schema, ".json")}`);
    const result = await pulumi(
      ["package", "gen-sdk", schema, "--language", language, "--out", out],
      workDir,
      env,
    );
    return { ...result, dir: path.join(out, language) };
  }

  it("generates the Node.js SDK, which type-checks against @pulumi/pulumi", async () => {
    const result = await genSdk(SCHEMA, "nodejs");
    expect(result.code, result.stderr).toBe(0);
    expect(result.stderr).toContain("SDK has been written to");
    if (PULUMI !== "pulumi") {
      expect(result.stderr).toContain(
        `using pulumi-language-nodejs from $PATH at ${CODEGEN_BIN}/pulumi-language-nodejs`,
      );
    }
    expect(filesUnder(result.dir).filter((file) => file.endsWith(".ts"))).toEqual([
      "backup.ts",
      "backupSchedule.ts",
      "config/index.ts",
      "config/vars.ts",
      "getBackup.ts",
      "getDatastore.ts",
      "index.ts",
      "listBackups.ts",
      "provider.ts",
      "restore.ts",
      "types/enums/index.ts",
      "types/index.ts",
      "types/input.ts",
      "types/output.ts",
      "utilities.ts",
    ]);
    const read = (file: string) => fs.readFileSync(path.join(result.dir, file), "utf8");
    // What the schema says shows in the code: tokens, required inputs, defaults, secrets, enums.
    expect(read("backupSchedule.ts")).toContain(
      "public static readonly __pulumiType = 'dfcloud:index:BackupSchedule';",
    );
    expect(read("backupSchedule.ts")).toContain(
      `throw new Error("Missing required property 'retentionDays'");`,
    );
    expect(read("backupSchedule.ts")).toContain(
      `resourceInputs["waitTimeoutMinutes"] = (args?.waitTimeoutMinutes) ?? 30;`,
    );
    expect(read("backupSchedule.ts")).toContain(
      "days: pulumi.Input<enums.Every | pulumi.Input<enums.Weekday>[]>;",
    );
    expect(read("provider.ts")).toContain(`pulumi.secret(args.apiKey)`);
    expect(read("config/vars.ts")).toContain(
      `(utilities.getEnv("DFCLOUD_API_URL") || "https://api.dragonflydb.cloud")`,
    );
    expect(read("getBackup.ts")).toContain(
      "export function getBackup(backupId: string, opts?: pulumi.InvokeOptions)",
    );
    for (const day of ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]) {
      expect(read("types/enums/index.ts")).toContain(`: "${day}",`);
    }

    // It resolves @pulumi/pulumi and @types/node from the repository's node_modules (.test-work is inside it).
    const tsc = await run(process.execPath, [
      path.join(ROOT, "node_modules/typescript/bin/tsc"),
      "--noEmit",
      "-p",
      result.dir,
    ]);
    expect(tsc.output.trim()).toBe("");
    expect(tsc.code).toBe(0);
  });

  it("generates the Python SDK", async () => {
    const result = await genSdk(SCHEMA, "python");
    expect(result.code, result.stderr).toBe(0);
    expect(filesUnder(result.dir).filter((file) => file.endsWith(".py"))).toEqual([
      "pulumi_dfcloud/__init__.py",
      "pulumi_dfcloud/_enums.py",
      "pulumi_dfcloud/_utilities.py",
      "pulumi_dfcloud/backup.py",
      "pulumi_dfcloud/backup_schedule.py",
      "pulumi_dfcloud/config/__init__.py",
      "pulumi_dfcloud/config/vars.py",
      "pulumi_dfcloud/get_backup.py",
      "pulumi_dfcloud/get_datastore.py",
      "pulumi_dfcloud/list_backups.py",
      "pulumi_dfcloud/outputs.py",
      "pulumi_dfcloud/provider.py",
      "pulumi_dfcloud/restore.py",
      "setup.py",
    ]);
    const enums = fs.readFileSync(path.join(result.dir, "pulumi_dfcloud/_enums.py"), "utf8");
    expect(enums).toContain("class Weekday(_builtins.str, Enum):");
    expect(enums).toContain('SUNDAY = "sun"');
  });

  it.skipIf(!hasCommand("python3"))("the Python SDK compiles", async () => {
    const result = await genSdk(SCHEMA, "python");
    expect(result.code, result.stderr).toBe(0);
    const compile = await run("python3", ["-m", "compileall", "-q", result.dir]);
    expect(compile.output.trim()).toBe("");
    expect(compile.code).toBe(0);
  });

  it("refuses a broken schema with the engine's diagnostic, generating nothing", async () => {
    const broken = JSON.parse(fs.readFileSync(SCHEMA, "utf8")) as {
      resources: Record<string, { requiredInputs: string[] }>;
    };
    broken.resources["dfcloud:index:Backup"]?.requiredInputs.push("retentionHours");
    const file = path.join(workDir, "broken.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    const result = await genSdk(file, "nodejs");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `#/resources/dfcloud:index:Backup/requiredInputs/2: unknown required property "retentionHours"`,
    );
    expect(fs.existsSync(result.dir)).toBe(false);
  });
});
