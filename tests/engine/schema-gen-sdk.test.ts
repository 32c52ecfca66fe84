/**
 * schema.json through the real engine: `pulumi package gen-sdk schema.json` binds and validates the
 * schema (the engine's metaschema and its own checks) and has each language's plugin generate an
 * SDK from it, and each SDK must be usable with that language's own tools:
 * - Node.js: named pulumi-dfcloud-backups at the schema's version, type-checks with the repository's tsc;
 * - Python: pulumi_dfcloud_backups at the schema's version, byte-compiles (and so do
 *   examples/python-quickstart and the reference's Python examples), `pip install`s into a fresh
 *   virtualenv with the `pulumi` package from PyPI, imports there, and `pip check` finds it whole;
 *   there, the reference's Python examples run under Pulumi's mocks and send exactly the inputs
 *   their spec (scripts/reference-examples.js) gives, and examples/python-quickstart runs through
 *   the engine against the emulator, up to destroy;
 * - Go: the package dfcloudbackups at github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups (not the
 *   generator's example.com default), asking for the plugin at the schema's version, directly in the
 *   module github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go, whose go.mod scripts/go-sdk-module.js
 *   writes as `make gen` does (requiring github.com/pulumi/pulumi/sdk/v3 at the version
 *   tools/codegen-host builds with): it passes `go build` and `go vet` with no output, and so do
 *   examples/go-quickstart, with its go.mod and go.sum as committed and its `replace` directive
 *   pointed at the generated SDK, and the reference's Go examples, as gofmt writes them;
 * and a broken schema must be refused with the engine's diagnostic.
 *
 * Each language's SDK is generated once per run and shared by the tests that use it, and so is the
 * virtualenv the Python SDK is installed into.
 *
 * The generators are the engine's own (pkg/v3/codegen/{nodejs,python,go}), served by
 * tools/codegen-host: the real pulumi-language-nodejs, -python and -go plugins cannot be built
 * offline here (see its main.go), and our Node.js language host runs programs but generates no code.
 * For the same reason no Python or Go program can run through `pulumi up` here: the Python quickstart
 * runs as an Automation API inline program instead (tests/engine/fixtures/python/run_inline.py), whose
 * language runtime the `pulumi` package serves in-process, with the engine, the native plugin and the
 * emulator all real; the Go quickstart is compiled and vetted only.
 *
 * Downloads are cached where a later run finds them: Python wheels in .tools/python-wheels (one
 * folder per Python and pulumi version, filled once with pip download), Go modules in Go's own
 * module cache. A fresh machine fills both from PyPI and the Go module proxy on its first run.
 */
import { execFile, execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, nativeToken, PACKAGE, tokenOf } from "@pulumi-dfcloud/provider";
import { beforeAll, describe, expect, it } from "vitest";
import { referenceExamples } from "../reference-pages";
import {
  engineEnv,
  frozenEmulator,
  NATIVE_PLUGIN_DIR,
  newWorkDir,
  PULUMI,
  pulumi,
  ROOT,
  seedTestDatastore,
} from "./harness";

const SCHEMA = path.join(ROOT, "schema.json");
const CODEGEN_BIN = path.join(ROOT, ".tools/codegen/bin");
/** The package version every SDK must carry and ask the engine for (its plugin's version). */
const VERSION = (JSON.parse(fs.readFileSync(SCHEMA, "utf8")) as { version: string }).version;
/** The Go import path of the SDK's root package, as schema.json's language.go says. */
const GO_IMPORT = "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups";
/** The module that holds it (language.go.modulePath): the root package sits directly in it. */
const GO_MODULE = "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go";
/** The Go SDK version the generated Go SDK is built against: the one tools/codegen-host builds with. */
const GO_PULUMI_SDK = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)$/m.exec(
  fs.readFileSync(path.join(ROOT, "tools/codegen-host/go.mod"), "utf8"),
)?.[1];
/**
 * The `pulumi` Python package the Python SDK is installed with: the newest PyPI serves (`pip index
 * versions pulumi`), pinned so that every run installs the same thing from the cached wheels.
 */
const PYTHON_PULUMI = "3.272.0";
/**
 * What pip builds the generated setup.py with, pinned like PYTHON_PULUMI: unpinned, a fresh machine's
 * wheelhouse would get PyPI's newest of the day.
 */
const PYTHON_BUILD_TOOLS = ["setuptools==84.2.1", "wheel==0.48.0"];

/** The quickstarts in Python and Go, which use the SDKs generated from schema.json. */
const PYTHON_QUICKSTART = path.join(ROOT, "examples/python-quickstart");
const GO_QUICKSTART = path.join(ROOT, "examples/go-quickstart");
/** The Python scripts that run a program under Pulumi's mocks, or through the engine as an inline program. */
const PYTHON_FIXTURES = path.join(__dirname, "fixtures/python");
/** An account of the emulator the Python quickstart runs against. */
const QUICKSTART_API_KEY = "dragonflydb_python_quickstart_key_0123456789";

// Plain Node scripts (CommonJS), loaded as such: the go.mod `make gen` writes, and the reference's
// example specs with what the Python SDK cannot do with them yet.
const goSdkModule = require("../../scripts/go-sdk-module.js") as { writeGoMod(dir: string): string };
type ExampleValue = string | number | boolean | { config: string } | { ref: string } | ExampleValue[];
interface ExampleSpec {
  steps: { resource?: string; invoke?: string; name: string; args: Record<string, ExampleValue> }[];
}
const { EXAMPLES } = require("../../scripts/reference-examples.js") as {
  EXAMPLES: Record<string, ExampleSpec>;
};
const { pythonListUnions } = require("../../scripts/example-renderers.js") as {
  pythonListUnions(schema: unknown, example: ExampleSpec, member: string): string[];
};

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
 * A folder of wheels from which `pulumi==PYTHON_PULUMI` and PYTHON_BUILD_TOOLS (what pip builds the
 * generated setup.py with) install without a package index: downloaded once per Python version and
 * pins with `pip download`, into a temporary folder renamed into place when complete.
 */
async function pythonWheelhouse(pip: string, pythonVersion: string): Promise<string> {
  const tools = PYTHON_BUILD_TOOLS.map((spec) => spec.replace("==", "-")).join("-");
  const dir = path.join(ROOT, ".tools/python-wheels", `py${pythonVersion}-pulumi-${PYTHON_PULUMI}-${tools}`);
  if (fs.existsSync(dir)) return dir;
  const partial = `${dir}.partial-${process.pid}`;
  fs.rmSync(partial, { recursive: true, force: true });
  await runOk(pip, [
    "download",
    "--quiet",
    "--dest",
    partial,
    `pulumi==${PYTHON_PULUMI}`,
    ...PYTHON_BUILD_TOOLS,
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

  /** Each language's SDK from schema.json, generated once and shared by the tests that use it. */
  const generated = new Map<string, ReturnType<typeof genSdk>>();
  function sdkOf(language: string): ReturnType<typeof genSdk> {
    const found = generated.get(language) ?? genSdk(SCHEMA, language);
    generated.set(language, found);
    return found;
  }

  /**
   * A fresh virtualenv with the Python SDK and `pulumi==PYTHON_PULUMI` installed from the cached
   * wheels alone (no index), the SDK built from its setup.py: made once, for every test that needs it.
   */
  let pythonSdk: Promise<{
    venv: string;
    python: string;
    pip: string;
    pythonVersion: string;
    install: string;
  }>;
  function installedPythonSdk() {
    pythonSdk ??= (async () => {
      const result = await sdkOf("python");
      if (result.code !== 0) throw new Error(`gen-sdk python failed:\n${result.stderr}`);
      const venv = path.join(workDir, "venv");
      await runOk("python3", ["-m", "venv", venv]);
      const pip = path.join(venv, "bin/pip");
      const python = path.join(venv, "bin/python");
      const pythonVersion = (
        await runOk(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
      ).trim();
      const wheels = await pythonWheelhouse(pip, pythonVersion);
      const install = await runOk(pip, [
        "install",
        "--no-index",
        "--find-links",
        wheels,
        result.dir,
        `pulumi==${PYTHON_PULUMI}`,
      ]);
      return { venv, python, pip, pythonVersion, install };
    })();
    return pythonSdk;
  }

  it("generates the Node.js SDK, which type-checks against @pulumi/pulumi", async () => {
    const result = await sdkOf("nodejs");
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
      "restoreDrill.ts",
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
    const result = await sdkOf("python");
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
      "pulumi_dfcloud_backups/restore_drill.py",
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
    const result = await sdkOf("python");
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

    // The programs a reader copies compile too: the quickstart, and the reference's examples as its pages show them.
    const programs = path.join(workDir, "python-compile");
    fs.mkdirSync(programs, { recursive: true });
    const files = [
      path.join(PYTHON_QUICKSTART, "__main__.py"),
      ...referenceExamples("python").map(({ page, code }) => {
        const file = path.join(programs, `${page.replace(/-/g, "_")}.py`);
        fs.writeFileSync(file, `${code}\n`);
        return file;
      }),
    ];
    const programsCompile = await run("python3", ["-m", "py_compile", ...files]);
    expect(programsCompile.output.trim()).toBe("");
    expect(programsCompile.code).toBe(0);
    expect(files).toHaveLength(8);
  });

  it.skipIf(!canMakeVenv())(
    "the Python SDK installs into a fresh virtualenv with pip and imports against the pulumi package",
    async () => {
      // From the wheels alone (no index): the SDK is built from its setup.py and installed with pulumi.
      const { venv, pip, python, pythonVersion, install } = await installedPythonSdk();
      const installed = /^Successfully installed (.*)$/m.exec(install)?.[1]?.split(" ") ?? [];
      expect(installed).toContain(`pulumi_dfcloud_backups-${VERSION}`);
      expect(installed).toContain(`pulumi-${PYTHON_PULUMI}`);
      expect(install).not.toMatch(/^(ERROR|WARNING):/m);

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
      const result = await sdkOf("go");
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
        "restoreDrill.go",
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

      // The module holding the SDK, its root package directly inside: the go.mod `make gen` writes.
      const module = result.dir;
      expect(goSdkModule.writeGoMod(module)).toBe(path.join(module, "go.mod"));
      expect(fs.readFileSync(path.join(module, "go.mod"), "utf8")).toMatch(
        new RegExp(
          `^module ${GO_MODULE}\n\ngo \\S+\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${GO_PULUMI_SDK}\n$`,
        ),
      );
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
        GO_IMPORT,
        `${GO_IMPORT}/config`,
        `${GO_IMPORT}/internal`,
      ]);
    },
  );

  it.skipIf(!hasCommand("go"))(
    "examples/go-quickstart, as committed but for its replace directive, and the reference's Go examples pass go build, go vet and gofmt against it",
    async () => {
      const result = await sdkOf("go");
      expect(result.code, result.stderr).toBe(0);
      goSdkModule.writeGoMod(result.dir);
      // The quickstart's module, its replace directive pointed at this generated SDK instead of sdk/generated/go.
      const module = path.join(workDir, "go-quickstart");
      fs.mkdirSync(module, { recursive: true });
      const committed = (file: string) => fs.readFileSync(path.join(GO_QUICKSTART, file), "utf8");
      for (const file of ["main.go", "go.mod", "go.sum"])
        fs.writeFileSync(path.join(module, file), committed(file));
      expect(committed("go.mod")).toContain(`\nreplace ${GO_MODULE} => ../../sdk/generated/go\n`);
      await runOk("go", ["mod", "edit", `-replace=${GO_MODULE}=${result.dir}`], { cwd: module });
      // Each reference example is a main package of its own in the same module.
      const pages = referenceExamples("go").map(({ page, code }) => {
        fs.mkdirSync(path.join(module, "reference", page), { recursive: true });
        fs.writeFileSync(path.join(module, "reference", page, "main.go"), `${code}\n`);
        return page;
      });

      // -mod=readonly (the default) fails the build if go.mod or go.sum lack anything: as committed, they are whole.
      const build = await run("go", ["build", "-o", path.join(workDir, "go-quickstart-bin"), "."], {
        cwd: module,
      });
      expect(build.output.trim()).toBe("");
      expect(build.code).toBe(0);
      const vet = await run("go", ["vet", "./..."], { cwd: module });
      expect(vet.output.trim()).toBe("");
      expect(vet.code).toBe(0);
      const gofmt = await run("gofmt", ["-l", "."], { cwd: module });
      expect(gofmt.output.trim()).toBe("");
      const list = await runOk("go", ["list", "./..."], { cwd: module });
      expect(list.trim().split("\n").sort()).toEqual(
        ["dfcloud-go-quickstart", ...pages.map((page) => `dfcloud-go-quickstart/reference/${page}`)].sort(),
      );
      expect(pages).toHaveLength(7);
      const withoutReplace = (text: string) => text.replace(/^replace .*$/m, "");
      expect(withoutReplace(fs.readFileSync(path.join(module, "go.mod"), "utf8"))).toBe(
        withoutReplace(committed("go.mod")),
      );
      expect(fs.readFileSync(path.join(module, "go.sum"), "utf8")).toBe(committed("go.sum"));
    },
  );

  it.skipIf(!canMakeVenv())(
    "the reference's Python examples run under Pulumi's mocks, sending exactly their spec's inputs, unless they hold a list in a union",
    async () => {
      const { python } = await installedPythonSdk();
      const schema = JSON.parse(fs.readFileSync(SCHEMA, "utf8")) as {
        resources: Record<string, { inputProperties: Record<string, { default?: unknown }> }>;
      };
      const config: Record<string, string> = {
        datastoreId: "dst_reference",
        stagingDatastoreId: "dst_staging",
        backupId: "bkp_reference",
      };
      const dir = path.join(workDir, "python-reference");
      fs.mkdirSync(dir, { recursive: true });
      const examples = referenceExamples("python");
      const programs = examples.map(({ page, code }) => {
        const file = path.join(dir, `${page}.py`);
        fs.writeFileSync(file, `${code}\n`);
        return [file, config];
      });
      // What the mocks answer an invoke with: a datastore whose live schedule is a list of weekdays and hours.
      const invokeResults = {
        [tokenOf("listBackups")]: { backups: [] },
        [tokenOf("getDatastore")]: {
          datastoreId: "dst_reference",
          status: "active",
          backupSchedule: { days: ["mon", "thu"], hours: [2], retentionDays: 7, enabled: true },
        },
      };
      const output = await runOk(python, [
        path.join(PYTHON_FIXTURES, "run_mocked.py"),
        JSON.stringify({ programs, invokeResults }),
      ]);
      const reports = output
        .split("\n")
        .filter((line) => line.startsWith('{"program"'))
        .map(
          (line) =>
            JSON.parse(line) as {
              resources: { type: string; name: string; inputs: Record<string, unknown> }[];
              invokes: { token: string; args: Record<string, unknown> }[];
              error: string | null;
            },
        );
      expect(reports).toHaveLength(examples.length);

      /** A spec value as the program sends it: a config value read from the config above. */
      const sent = (value: ExampleValue): unknown =>
        Array.isArray(value)
          ? value.map(sent)
          : typeof value === "object" && "config" in value
            ? config[value.config]
            : value;
      const listUnions: string[] = [];
      examples.forEach(({ page }, index) => {
        const member = Object.keys(EXAMPLES).find(
          (name) => name.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase() === page,
        );
        const example = EXAMPLES[member ?? ""];
        if (!member || !example) throw new Error(`no example spec for ${page}`);
        const report = reports[index];
        if (pythonListUnions(schema, example, member).length > 0) {
          // The page says this program fails in Python; it does, and before its resources are sent.
          listUnions.push(page);
          expect(report?.error, page).toMatch(
            /Unexpected type\. Expected 'list' got 'typing\.Union\[str, typing\.Sequence/,
          );
          expect(report?.resources, page).toEqual([]);
          return;
        }
        expect(report?.error, page).toBeNull();
        // Each resource with the spec's inputs under their schema names, plus the schema's defaults the SDK fills in.
        expect(report?.resources, page).toEqual(
          example.steps
            .filter((step) => step.resource !== undefined)
            .map((step) => {
              const token = nativeToken(step.resource as Parameters<typeof nativeToken>[0]);
              const defaults = Object.entries(schema.resources[token]?.inputProperties ?? {}).filter(
                ([key, spec]) => spec.default !== undefined && !(key in step.args),
              );
              return {
                type: token,
                name: step.name,
                inputs: {
                  ...Object.fromEntries(defaults.map(([key, spec]) => [key, spec.default])),
                  ...Object.fromEntries(Object.entries(step.args).map(([key, value]) => [key, sent(value)])),
                },
              };
            }),
        );
        expect(report?.invokes, page).toEqual(
          example.steps
            .filter((step) => step.invoke !== undefined)
            .map((step) => ({
              token: tokenOf(step.invoke as string),
              args: Object.fromEntries(Object.entries(step.args).map(([key, value]) => [key, sent(value)])),
            })),
        );
      });
      // The schedule's lists, sent; the datastore's live schedule, read back.
      expect(listUnions).toEqual(["backup-schedule", "get-datastore"]);
    },
  );

  it.skipIf(!canMakeVenv())(
    "examples/python-quickstart runs through the engine against the emulator: up creates the schedule and a ready backup and looks the backup up, destroy removes both",
    async () => {
      const { python } = await installedPythonSdk();
      expect(fs.existsSync(path.join(NATIVE_PLUGIN_DIR, "pulumi-resource-dfcloud-backups"))).toBe(true);
      const emulator = await frozenEmulator([QUICKSTART_API_KEY]);
      const stack = `test-${randomBytes(4).toString("hex")}`;
      try {
        const datastoreId = await seedTestDatastore(emulator, QUICKSTART_API_KEY);
        await emulator.admin.setData(datastoreId, { cart: "1" });
        const runEnv = engineEnv(newWorkDir("python-quickstart"));
        // The credentials come from the stack config only.
        delete runEnv.DFCLOUD_API_KEY;
        delete runEnv.DFCLOUD_API_URL;
        const drive = async (...args: string[]) => {
          const output = await runOk(
            python,
            [path.join(PYTHON_FIXTURES, "run_inline.py"), PYTHON_QUICKSTART, stack, ...args],
            {
              env: runEnv,
            },
          );
          return JSON.parse(output.split("\n").find((line) => line.startsWith("{")) ?? "{}") as Record<
            string,
            unknown
          >;
        };
        const state = async () => {
          const { datastores, backups } = await emulator.admin.state();
          return {
            policy: datastores.find((d) => d.datastore_id === datastoreId)?.config.backup_policy,
            manual: backups.filter((b) => b.datastore_id === datastoreId && b.source === "manual"),
          };
        };

        const up = await drive(
          "up",
          JSON.stringify({
            datastoreId: { value: datastoreId },
            [configKey("apiUrl")]: { value: emulator.url },
            [configKey("apiKey")]: { value: QUICKSTART_API_KEY, secret: true },
          }),
        );
        // The stack, the schedule and the backup.
        expect(up.preview).toEqual({ create: 3 });
        expect(up.up).toEqual({ create: 3 });
        const afterUp = await state();
        expect(afterUp.policy).toMatchObject({
          enabled: true,
          every_day: true,
          every_hour: true,
          retention: 2,
        });
        expect(
          afterUp.manual.map(({ description, retention, status }) => ({ description, retention, status })),
        ).toEqual([{ description: "before schema migration", retention: 14, status: "ready" }]);
        const backup = afterUp.manual[0];
        expect(up.outputs).toEqual({
          scheduleDays: "every",
          scheduleHours: "every",
          backupId: backup?.backup_id,
          backupStatus: "ready",
          backupExpiresAt: new Date(((backup?.created_at ?? 0) + 14 * 86_400) * 1000).toISOString(),
          lookedUpStatus: "ready",
          lookedUpSource: "manual",
        });

        const destroyed = await drive("destroy");
        expect(destroyed.destroy).toEqual({ delete: 3 });
        const afterDestroy = await state();
        expect(afterDestroy.policy).toMatchObject({ enabled: false });
        expect(afterDestroy.manual).toEqual([]);
        expect(await emulator.admin.getData(datastoreId)).toEqual({ cart: "1" });
      } finally {
        await emulator.close();
        fs.rmSync(path.join(PYTHON_QUICKSTART, `Pulumi.${stack}.yaml`), { force: true });
      }
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
