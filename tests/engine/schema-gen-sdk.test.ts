/**
 * schema.json through the real engine: `pulumi package gen-sdk schema.json` binds and validates the
 * schema (the engine's metaschema and its own checks) and has each language's plugin generate an
 * SDK from it, and each SDK must be usable with that language's own tools:
 * - Node.js: named pulumi-dfcloud-backups at the schema's version, type-checks with the repository's tsc;
 * - Python: pulumi_dfcloud_backups at the schema's version, byte-compiles, `pip install`s into a fresh
 *   virtualenv with the `pulumi` package from PyPI, imports there, and `pip check` finds it whole;
 * - Go: the package dfcloudbackups at github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups (not the
 *   generator's example.com default), asking for the plugin at the schema's version; in a module
 *   that requires github.com/pulumi/pulumi/sdk/v3 (the version tools/codegen-host builds with) it
 *   and a small program using it pass `go build` and `go vet` with no output;
 * and a broken schema must be refused with the engine's diagnostic.
 *
 * The generators are the engine's own (pkg/v3/codegen/{nodejs,python,go}), served by
 * tools/codegen-host: the real pulumi-language-nodejs, -python and -go plugins cannot be built
 * offline here (see its main.go), and our Node.js language host runs programs but generates no code.
 *
 * Downloads are cached where a later run finds them: Python wheels in .tools/python-wheels (one
 * folder per Python and pulumi version, filled once with pip download), Go modules in Go's own
 * module cache. A fresh machine fills both from PyPI and the Go module proxy on its first run.
 */
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { nativeToken, PACKAGE, tokenOf } from "@pulumi-dfcloud/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { engineEnv, newWorkDir, PULUMI, pulumi, ROOT } from "./harness";

const SCHEMA = path.join(ROOT, "schema.json");
const CODEGEN_BIN = path.join(ROOT, ".tools/codegen/bin");
/** The package version every SDK must carry and ask the engine for (its plugin's version). */
const VERSION = (JSON.parse(fs.readFileSync(SCHEMA, "utf8")) as { version: string }).version;
/** The Go import path of the SDK's root package, as schema.json's language.go says. */
const GO_IMPORT = "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups";
/** The module that holds it: the import path without its last two elements (`go/dfcloudbackups`). */
const GO_MODULE = "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk";
/** The Go SDK version the generated Go SDK is built against: the one tools/codegen-host builds with. */
const GO_PULUMI_SDK = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)$/m.exec(
  fs.readFileSync(path.join(ROOT, "tools/codegen-host/go.mod"), "utf8"),
)?.[1];
/**
 * The `pulumi` Python package the Python SDK is installed with: the newest PyPI serves (`pip index
 * versions pulumi`), pinned so that every run installs the same thing from the cached wheels.
 */
const PYTHON_PULUMI = "3.272.0";

/** A Go program using the Go SDK: a schedule, a backup and a getBackup lookup of it. */
const GO_PROGRAM = `package main

import (
	"${GO_IMPORT}"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		datastoreID := config.Require(ctx, "datastoreId")
		schedule, err := dfcloudbackups.NewBackupSchedule(ctx, "nightly", &dfcloudbackups.BackupScheduleArgs{
			DatastoreId:   pulumi.String(datastoreID),
			// A union of "every" and a list is pulumi.Input in Go: either spelling goes through.
			Days:          pulumi.String("every"),
			Hours:         pulumi.IntArray{pulumi.Int(2), pulumi.Int(14)},
			RetentionDays: pulumi.Int(7),
		})
		if err != nil {
			return err
		}
		backup, err := dfcloudbackups.NewBackup(ctx, "before-migration", &dfcloudbackups.BackupArgs{
			DatastoreId:   pulumi.String(datastoreID),
			Description:   pulumi.String("before schema migration"),
			RetentionDays: pulumi.Int(14),
		}, pulumi.RetainOnDelete(true))
		if err != nil {
			return err
		}
		found := dfcloudbackups.LookupBackupOutput(ctx, backup.BackupId)
		ctx.Export("scheduleDays", schedule.Days)
		ctx.Export("backupStatus", found.Status())
		return nil
	})
}
`;

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

/** Runs `command` and throws with its output unless it exits 0; returns the output. */
async function runOk(
  command: string,
  args: string[],
  options: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
) {
  const result = await run(command, args, options);
  if (result.code !== 0) {
    throw new Error(`${command} ${args.join(" ")} exited ${result.code}:\n${result.output}`);
  }
  return result.output;
}

/** True when python3 can make a virtualenv with pip in it (Debian splits venv into python3-venv). */
function canMakeVenv(): boolean {
  if (!hasCommand("python3")) return false;
  try {
    execFileSync("python3", ["-c", "import venv, ensurepip"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * A folder of wheels from which `pulumi==PYTHON_PULUMI`, setuptools and wheel (what pip builds the
 * generated setup.py with) install without a package index: downloaded once per Python and pulumi
 * version with `pip download`, into a temporary folder renamed into place when complete.
 */
async function pythonWheelhouse(pip: string, pythonVersion: string): Promise<string> {
  const dir = path.join(ROOT, ".tools/python-wheels", `py${pythonVersion}-pulumi-${PYTHON_PULUMI}`);
  if (fs.existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  await runOk(pip, [
    "download",
    "--quiet",
    "--dest",
    partial,
    `pulumi==${PYTHON_PULUMI}`,
    "setuptools",
    "wheel",
  ]);
  fs.renameSync(partial, dir);
  return dir;
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
      `public static readonly __pulumiType = '${nativeToken("BackupSchedule")}';`,
    );
    expect(read("backupSchedule.ts")).toContain(
      `throw new Error("Missing required property 'retentionDays'");`,
    );
    expect(read("backupSchedule.ts")).toContain(
      `resourceInputs["waitTimeoutMinutes"] = (args?.waitTimeoutMinutes) ?? 30;`,
    );
    // Days in: "every" or any spelling of weekdays; days out: "every" or the normalised weekdays.
    expect(read("backupSchedule.ts")).toContain("days: pulumi.Input<string | pulumi.Input<string>[]>;");
    expect(read("backupSchedule.ts")).toContain(
      "public readonly days: pulumi.Output<string | enums.Weekday[]>;",
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
    // The npm package, and the plugin it asks the engine for, at the schema's version.
    expect(JSON.parse(read("package.json"))).toMatchObject({
      name: "pulumi-dfcloud-backups",
      version: VERSION,
      dependencies: { "@pulumi/pulumi": "^3.220.0" },
      pulumi: { resource: true, name: PACKAGE, version: VERSION },
    });

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
      "pulumi_dfcloud_backups/__init__.py",
      "pulumi_dfcloud_backups/_enums.py",
      "pulumi_dfcloud_backups/_utilities.py",
      "pulumi_dfcloud_backups/backup.py",
      "pulumi_dfcloud_backups/backup_schedule.py",
      "pulumi_dfcloud_backups/config/__init__.py",
      "pulumi_dfcloud_backups/config/vars.py",
      "pulumi_dfcloud_backups/get_backup.py",
      "pulumi_dfcloud_backups/get_datastore.py",
      "pulumi_dfcloud_backups/list_backups.py",
      "pulumi_dfcloud_backups/outputs.py",
      "pulumi_dfcloud_backups/provider.py",
      "pulumi_dfcloud_backups/restore.py",
      "setup.py",
    ]);
    const read = (file: string) => fs.readFileSync(path.join(result.dir, file), "utf8");
    const enums = read("pulumi_dfcloud_backups/_enums.py");
    expect(enums).toContain("class Weekday(_builtins.str, Enum):");
    expect(enums).toContain('SUNDAY = "sun"');
    expect(read("setup.py")).toContain(`VERSION = "${VERSION}"`);
    expect(read("setup.py")).toContain("setup(name='pulumi_dfcloud_backups',");
    expect(read("setup.py")).toContain("'pulumi>=3.0.0,<4.0.0',");
    expect(JSON.parse(read("pulumi_dfcloud_backups/pulumi-plugin.json"))).toEqual({
      resource: true,
      name: PACKAGE,
      version: VERSION,
    });
  });

  it.skipIf(!hasCommand("python3"))("the Python SDK compiles", async () => {
    const result = await genSdk(SCHEMA, "python");
    expect(result.code, result.stderr).toBe(0);
    const compile = await run("python3", ["-m", "compileall", "-q", result.dir]);
    expect(compile.output.trim()).toBe("");
    expect(compile.code).toBe(0);
    // Every module was compiled, not just found.
    const compiled = filesUnder(result.dir).filter((file) => file.endsWith(".pyc"));
    expect(
      compiled.some((file) => file.startsWith("pulumi_dfcloud_backups/__pycache__/backup_schedule.")),
    ).toBe(true);
    expect(compiled.some((file) => file.startsWith("pulumi_dfcloud_backups/config/__pycache__/vars."))).toBe(
      true,
    );
  });

  it.skipIf(!canMakeVenv())(
    "the Python SDK installs into a fresh virtualenv with pip and imports against the pulumi package",
    async () => {
      const result = await genSdk(SCHEMA, "python");
      expect(result.code, result.stderr).toBe(0);
      const venv = path.join(workDir, "venv");
      await runOk("python3", ["-m", "venv", venv]);
      const pip = path.join(venv, "bin/pip");
      const python = path.join(venv, "bin/python");
      const pythonVersion = (
        await runOk(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
      ).trim();
      const wheels = await pythonWheelhouse(pip, pythonVersion);

      // From the wheels alone (no index): the SDK is built from its setup.py and installed with pulumi.
      const install = await run(pip, [
        "install",
        "--no-index",
        "--find-links",
        wheels,
        result.dir,
        `pulumi==${PYTHON_PULUMI}`,
      ]);
      expect(install.code, install.output).toBe(0);
      const installed = /^Successfully installed (.*)$/m.exec(install.output)?.[1]?.split(" ") ?? [];
      expect(installed).toContain(`pulumi_dfcloud_backups-${VERSION}`);
      expect(installed).toContain(`pulumi-${PYTHON_PULUMI}`);
      expect(install.output).not.toMatch(/^(ERROR|WARNING):/m);

      const check = await run(pip, ["check"]);
      expect(check.output.trim()).toBe("No broken requirements found.");

      // Imported from the virtualenv (not the generated folder), with the names the schema gives.
      const probe = await runOk(
        python,
        [
          "-c",
          [
            "import importlib.metadata as m, json, pulumi_dfcloud_backups as d",
            "print(json.dumps({'file': d.__file__, 'version': m.version('pulumi_dfcloud_backups'),",
            " 'pulumi': m.version('pulumi'), 'weekday': d.Weekday.SUNDAY.value,",
            " 'classes': [c.__name__ for c in (d.BackupSchedule, d.Backup, d.Restore, d.Provider)],",
            " 'functions': [f.__name__ for f in (d.get_backup, d.get_datastore, d.list_backups)]}))",
          ].join("\n"),
        ],
        { cwd: workDir },
      );
      const imported = JSON.parse(probe) as Record<string, unknown>;
      expect(imported).toEqual({
        file: path.join(venv, `lib/python${pythonVersion}/site-packages/pulumi_dfcloud_backups/__init__.py`),
        version: VERSION,
        pulumi: PYTHON_PULUMI,
        weekday: "sun",
        classes: ["BackupSchedule", "Backup", "Restore", "Provider"],
        functions: ["get_backup", "get_datastore", "list_backups"],
      });
    },
  );

  it.skipIf(!hasCommand("go"))(
    "generates the Go SDK at its import path, which passes go build and go vet with a program using it",
    async () => {
      expect(GO_PULUMI_SDK).toMatch(/^v3\.\d+\.\d+$/);
      const result = await genSdk(SCHEMA, "go");
      expect(result.code, result.stderr).toBe(0);
      if (PULUMI !== "pulumi") {
        expect(result.stderr).toContain(
          `using pulumi-language-go from $PATH at ${CODEGEN_BIN}/pulumi-language-go`,
        );
      }
      const sdk = path.join(result.dir, "dfcloudbackups");
      expect(filesUnder(sdk)).toEqual([
        "backup.go",
        "backupSchedule.go",
        "config/config.go",
        "doc.go",
        "getBackup.go",
        "getDatastore.go",
        "init.go",
        "internal/pulumiUtilities.go",
        "internal/pulumiVersion.go",
        "listBackups.go",
        "provider.go",
        "pulumi-plugin.json",
        "pulumiEnums.go",
        "pulumiTypes.go",
        "restore.go",
      ]);
      const read = (file: string) => fs.readFileSync(path.join(sdk, file), "utf8");
      for (const file of filesUnder(sdk).filter((name) => name.endsWith(".go"))) {
        const pkg = file.includes("/") ? path.basename(path.dirname(file)) : "dfcloudbackups";
        expect(read(file), file).toMatch(new RegExp(`^package ${pkg}$`, "m"));
        expect(read(file), file).not.toContain("example.com");
      }
      expect(read("backup.go")).toContain(`"${GO_IMPORT}/internal"`);
      expect(read("backupSchedule.go")).toContain(
        `ctx.RegisterResource("${nativeToken("BackupSchedule")}", name, args, &resource, opts...)`,
      );
      expect(read("getBackup.go")).toContain(`ctx.Invoke("${tokenOf("getBackup")}", args, &rv, opts...)`);
      // Resource options and invokes ask for the plugin at the schema's version, not v1 read from the path.
      expect(read("internal/pulumiUtilities.go")).toContain(`version := semver.MustParse("${VERSION}")`);
      expect(JSON.parse(read("pulumi-plugin.json"))).toEqual({
        resource: true,
        name: PACKAGE,
        version: VERSION,
      });
      // generateResourceContainerTypes: arrays and maps of resources, for references from other packages.
      expect(read("backup.go")).toContain("type BackupArray []BackupInput");

      // A module holding the SDK at its import path, and a program that uses it.
      const module = path.dirname(result.dir);
      fs.writeFileSync(
        path.join(module, "go.mod"),
        `module ${GO_MODULE}\n\ngo 1.25\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${GO_PULUMI_SDK}\n`,
      );
      fs.mkdirSync(path.join(module, "cmd/quickstart"), { recursive: true });
      fs.writeFileSync(path.join(module, "cmd/quickstart/main.go"), GO_PROGRAM);
      await runOk("go", ["mod", "tidy"], { cwd: module });
      expect(fs.readFileSync(path.join(module, "go.mod"), "utf8")).toContain(
        `github.com/pulumi/pulumi/sdk/v3 ${GO_PULUMI_SDK}`,
      );
      const build = await run("go", ["build", "./..."], { cwd: module });
      expect(build.output.trim()).toBe("");
      expect(build.code).toBe(0);
      const vet = await run("go", ["vet", "./..."], { cwd: module });
      expect(vet.output.trim()).toBe("");
      expect(vet.code).toBe(0);
      const list = await runOk("go", ["list", "./..."], { cwd: module });
      expect(list.trim().split("\n").sort()).toEqual([
        `${GO_MODULE}/cmd/quickstart`,
        GO_IMPORT,
        `${GO_IMPORT}/config`,
        `${GO_IMPORT}/internal`,
      ]);
    },
  );

  it("refuses a broken schema with the engine's diagnostic, generating nothing", async () => {
    const broken = JSON.parse(fs.readFileSync(SCHEMA, "utf8")) as {
      resources: Record<string, { requiredInputs: string[] }>;
    };
    broken.resources[nativeToken("Backup")]?.requiredInputs.push("retentionHours");
    const file = path.join(workDir, "broken.json");
    fs.writeFileSync(file, JSON.stringify(broken));
    const result = await genSdk(file, "nodejs");
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(
      `#/resources/${nativeToken("Backup")}/requiredInputs/2: unknown required property "retentionHours"`,
    );
    expect(fs.existsSync(result.dir)).toBe(false);
  });
});
