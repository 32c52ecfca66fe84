/**
 * A new user, outside the repository: the packages as `make pack` writes them (scripts/pack.sh, run
 * here into a temporary folder), installed into a fresh project folder under the system's temp
 * folder with npm (from its cache or the registry), never touching the repository's node_modules.
 *
 * - The tarballs hold what runs: README and LICENSE in each, no build info, maps or sources; the
 *   provider code inside pulumi-dfcloud and the policy pack, whose dependencies they declare.
 * - README's install command (read from README.md), with the tarball for pulumi-dfcloud, installs a
 *   tree npm finds complete, with nothing of the workspace but what the tarball carries. The
 *   packages' own dependencies install at package-lock.json's versions and TypeScript at fixed ones,
 *   not at the registry's newest in range.
 * - The quickstart example's index.ts and tsconfig.json type-check with TypeScript 5.9 (the version
 *   package-lock.json pins for the repository) and 6.x (TYPESCRIPT_6), and every subpath export of
 *   the installed packages resolves, for types under nodenext (CommonJS and ESM) and bundler (and
 *   node10 with TypeScript 5.9), and at run time for require and import.
 * - `npx dfcloud-emulator` starts the installed emulator; `pulumi up` and `destroy` of that program,
 *   with the engine `make tools` built and our language host, change the emulator's state as the
 *   quickstart says, printing no ExperimentalWarning.
 * - The installed policy pack runs from node_modules and fails a preview that breaks its config.
 * - Both Node.js SDKs side by side, as a project moving to the native plugin holds them: the dynamic
 *   `pulumi-dfcloud` and the generated `pulumi-dfcloud-backups` (packed from the SDK `pulumi package
 *   gen-sdk` writes), with the plugin installed from its tarball; a program importing both
 *   type-checks and previews each resource through its own provider.
 */
import { type ChildProcess, execFile, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { configKey, dynamicToken, nativeToken, PACKAGE } from "@pulumi-dfcloud/provider";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILT_ENGINE_BIN,
  completedSteps,
  engineEnv,
  generatedNodeSdk,
  isInfrastructure,
  PULUMI,
  pulumi,
  pulumiOk,
  ROOT,
  stepCounts,
} from "./harness";

const API_KEY = "dragonflydb_new_user_test_key_0123456789";
const ADMIN_TOKEN = "new-user-admin-token";
const STACK = "dev";
const NODE_BIN = path.join(ROOT, ".tools/node/node_modules/node/bin");
/**
 * The TypeScript 6 a new user's `npm install … typescript` stands for here: an exact version, so that
 * what the test installs never changes under it (a registry's newest 6.x would). Raise it on purpose.
 */
const TYPESCRIPT_6 = "6.0.3";
/** The TypeScript 5.9 the repository builds with: the version package-lock.json pins. */
const TYPESCRIPT_5 = lockedVersion("typescript");

/** The version package-lock.json pins for a package of the repository's root node_modules. */
function lockedVersion(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(ROOT, "package-lock.json"), "utf8")) as {
    packages: Record<string, { version?: string }>;
  };
  const version = lock.packages[`node_modules/${name}`]?.version;
  if (!version) throw new Error(`package-lock.json pins no version of ${name}`);
  return version;
}

/** The folder of this run: packages/ (the tarballs), project/ (the user's), and Pulumi's state and home. */
const WORK = fs.mkdtempSync(path.join(os.tmpdir(), "dfcloud-new-user-"));
const PACKAGES = path.join(WORK, "packages");
const PROJECT = path.join(WORK, "project");

/**
 * The environment of every command here: the parent's, without what would point back into the
 * repository (npm's `npm_*` variables set by `npx vitest`, the repository's node_modules/.bin on
 * PATH), with the engine and Node 24 first on PATH, and the state and PULUMI_HOME in WORK.
 */
function userEnv(): NodeJS.ProcessEnv {
  const env = engineEnv(WORK);
  for (const key of Object.keys(env)) if (key.toLowerCase().startsWith("npm_")) delete env[key];
  const outside = (process.env.PATH ?? "").split(path.delimiter).filter((entry) => !entry.startsWith(ROOT));
  env.PATH = [BUILT_ENGINE_BIN, NODE_BIN, ...outside].join(path.delimiter);
  env.npm_config_update_notifier = "false";
  return env;
}

interface Run {
  stdout: string;
  stderr: string;
}

/** Runs a command in `cwd` (default the project); throws with its output when it fails. */
function run(file: string, args: string[], cwd = PROJECT): Promise<Run> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { cwd, env: userEnv(), maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
      if (error)
        reject(new Error(`${file} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve({ stdout, stderr });
    });
  });
}

const npm = (...args: string[]) => run("npm", [...args, "--no-audit", "--no-fund"]);
const tsc = (typescript: string, ...args: string[]) =>
  run("node", [path.join(PROJECT, "node_modules", typescript, "bin", "tsc"), ...args]);

/** The packages `make pack` writes, by npm package name (the plugin's tarball by its file name). */
const tarballs = new Map<string, string>();

/** Reads one file out of a tarball. */
function fromTarball(tarball: string, file: string): Promise<string> {
  const out = fs.mkdtempSync(path.join(WORK, "unpack-"));
  return new Promise((resolve, reject) =>
    execFile("tar", ["-xzf", tarball, "-C", out, file], (error) =>
      error ? reject(error) : resolve(fs.readFileSync(path.join(out, file), "utf8")),
    ),
  );
}

function listTarball(tarball: string): Promise<string[]> {
  return new Promise((resolve, reject) =>
    execFile("tar", ["-tzf", tarball], (error, stdout) =>
      error
        ? reject(error)
        : resolve(
            stdout
              .split("\n")
              .filter((line) => line && !line.endsWith("/"))
              .map((line) => line.replace(/^(package|\.)\//, "")),
          ),
    ),
  );
}

/**
 * README's install command: the packages after `npm install` in the first block of "Install and
 * credentials", by name; a tarball `make pack` wrote (`…/dist-packages/<name>-<version>.tgz`, which
 * README installs until the packages are published) counts as its package's name.
 */
function readmeInstall(): string[] {
  const readme = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
  const section = readme.split("\n## Install and credentials\n")[1] ?? "";
  const block = /```bash\n([\s\S]*?)```/.exec(section)?.[1] ?? "";
  const command = block.split("\n").find((line) => line.startsWith("npm install "));
  if (!command) throw new Error("README's Install and credentials section has no `npm install` line");
  return command
    .replace(/#.*/, "")
    .trim()
    .split(/\s+/)
    .slice(2)
    .map((spec) => /dist-packages\/(.+)-\d+\.\d+\.\d+\.tgz"?$/.exec(spec)?.[1] ?? spec);
}

interface EmulatorState {
  datastores: { datastore_id: string; config: { backup_policy: unknown }; data: Record<string, string> }[];
  backups: {
    backup_id: string;
    datastore_id: string;
    source: string;
    description: string;
    retention: number;
    status: string;
  }[];
}

let emulator: ChildProcess | undefined;
let apiUrl = "";
let datastoreId = "";

async function admin<T>(method: string, route: string, body?: unknown): Promise<T> {
  const response = await fetch(`${apiUrl}/_emulator/${route}`, {
    method,
    headers: { authorization: `Bearer ${ADMIN_TOKEN}`, "content-type": "application/json" },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  if (!response.ok)
    throw new Error(`${method} /_emulator/${route}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

async function liveState() {
  const state = await admin<EmulatorState>("GET", "state");
  const datastore = state.datastores.find((candidate) => candidate.datastore_id === datastoreId);
  const manual = state.backups.filter(
    (backup) => backup.datastore_id === datastoreId && backup.source === "manual",
  );
  return { datastore, manual };
}

const pulumiUser = (...args: string[]) => pulumiOk([...args, "--stack", STACK], PROJECT, userEnv());

beforeAll(async () => {
  fs.mkdirSync(PROJECT);
  await run(path.join(ROOT, "scripts/pack.sh"), [PACKAGES], ROOT);
  for (const file of fs.readdirSync(PACKAGES)) {
    const tarball = path.join(PACKAGES, file);
    const name = file.endsWith(".tgz")
      ? (JSON.parse(await fromTarball(tarball, "package/package.json")) as { name: string }).name
      : file;
    tarballs.set(name, tarball);
  }
});

afterAll(async () => {
  if (emulator?.pid) {
    const exited = new Promise((resolve) => emulator?.once("exit", resolve));
    process.kill(-emulator.pid, "SIGTERM");
    await exited;
  }
  fs.rmSync(WORK, { recursive: true, force: true });
});

describe("a new user, with the packed tarballs outside the repository", () => {
  it("make pack writes every publishable package, each with a README and a LICENSE and only what runs", async () => {
    const version = (
      JSON.parse(fs.readFileSync(path.join(ROOT, "sdk/package.json"), "utf8")) as { version: string }
    ).version;
    expect([...tarballs.keys()].sort()).toEqual(
      [
        "dfcloud-backup-guardrails",
        "dfcloud-emulator",
        "pulumi-dfcloud",
        `pulumi-resource-${PACKAGE}-v${version}-linux-amd64.tar.gz`,
      ].sort(),
    );
    for (const [name, tarball] of tarballs) {
      const files = await listTarball(tarball);
      expect(files, name).toContain("README.md");
      expect(files, name).toContain("LICENSE");
      expect(
        files.filter((file) => /(\.tsbuildinfo|\.map|(^|\/)src\/.*\.ts)$/.test(file)),
        name,
      ).toEqual([]);
      console.log(
        `new-user: ${path.basename(tarball)} ${fs.statSync(tarball).size} bytes, ${files.length} files`,
      );
    }
    // The provider code is inside the SDK and the policy pack, which declare its dependencies.
    for (const name of ["pulumi-dfcloud", "dfcloud-backup-guardrails"]) {
      const tarball = tarballs.get(name) ?? "";
      const files = await listTarball(tarball);
      expect(files).toContain("node_modules/@pulumi-dfcloud/provider/dist/index.js");
      expect(files).toContain("node_modules/@pulumi-dfcloud/provider/LICENSE");
      const manifest = JSON.parse(await fromTarball(tarball, "package/package.json")) as {
        dependencies: Record<string, string>;
        bundleDependencies: string[];
      };
      const bundled = JSON.parse(
        await fromTarball(tarball, "package/node_modules/@pulumi-dfcloud/provider/package.json"),
      ) as { dependencies: Record<string, string> };
      expect(manifest.bundleDependencies).toEqual(["@pulumi-dfcloud/provider"]);
      expect(manifest.dependencies).toMatchObject(bundled.dependencies);
    }
    const emulatorFiles = await listTarball(tarballs.get("dfcloud-emulator") ?? "");
    expect(emulatorFiles).toContain("bin/dfcloud-emulator.js");
  });

  it("README's install command installs from the tarballs, complete, without the workspace", async () => {
    const pins = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8")) as {
      overrides: Record<string, string>;
    };
    const specs = readmeInstall().map((name) => {
      if (tarballs.has(name)) return tarballs.get(name) ?? "";
      if (name === "@pulumi/pulumi") return `@pulumi/pulumi@${pins.overrides["@pulumi/pulumi"]}`;
      if (name === "typescript") return `typescript@${TYPESCRIPT_6}`;
      throw new Error(`README installs ${name}, which this test does not know how to install`);
    });
    expect(readmeInstall()).toEqual(["pulumi-dfcloud", "@pulumi/pulumi", "typescript"]);
    // What the packed packages declare with a range (undici, zod, …) resolves to the version
    // package-lock.json pins, as in the repository: npm's newest in range would change under the test.
    const overrides: Record<string, string> = {};
    /** The pinned ones this install brings: the SDK's (the policy pack's are installed further down). */
    const fromSdk: string[] = [];
    for (const name of ["pulumi-dfcloud", "dfcloud-backup-guardrails"]) {
      const manifest = JSON.parse(await fromTarball(tarballs.get(name) ?? "", "package/package.json")) as {
        dependencies: Record<string, string>;
        bundleDependencies?: string[];
      };
      for (const dependency of Object.keys(manifest.dependencies)) {
        const installedByName = dependency === "@pulumi/pulumi" || tarballs.has(dependency);
        if (installedByName || manifest.bundleDependencies?.includes(dependency)) continue;
        overrides[dependency] = lockedVersion(dependency);
        if (name === "pulumi-dfcloud") fromSdk.push(dependency);
      }
    }
    expect(fromSdk).toEqual(expect.arrayContaining(["undici", "zod"]));
    fs.writeFileSync(
      path.join(PROJECT, "package.json"),
      `${JSON.stringify({ name: "dfcloud-new-user", private: true, overrides })}\n`,
    );
    await npm("install", "--prefer-offline", ...specs);

    const modules = path.join(PROJECT, "node_modules");
    const sdk = path.join(modules, "pulumi-dfcloud");
    expect(JSON.parse(fs.readFileSync(path.join(sdk, "package.json"), "utf8"))).toMatchObject({
      version: "0.1.0",
    });
    expect(fs.existsSync(path.join(sdk, "node_modules/@pulumi-dfcloud/provider/dist/index.js"))).toBe(true);
    expect(fs.existsSync(path.join(modules, "@pulumi-dfcloud"))).toBe(false);
    expect(
      fs.readdirSync(path.join(sdk, "dist")).filter((file) => /\.(map|tsbuildinfo)$/.test(file)),
    ).toEqual([]);
    // npm itself finds nothing missing or invalid (a bundled package's dependencies are not installed
    // unless the bundling package declares them).
    const tree = JSON.parse((await npm("ls", "--all", "--json")).stdout) as { problems?: string[] };
    expect(tree.problems).toBeUndefined();
    for (const dependency of fromSdk) {
      const installed = JSON.parse(
        fs.readFileSync(path.join(modules, dependency, "package.json"), "utf8"),
      ) as { version: string };
      expect(installed.version, dependency).toBe(overrides[dependency]);
    }
    expect(
      JSON.parse(fs.readFileSync(path.join(modules, "typescript/package.json"), "utf8")) as {
        version: string;
      },
    ).toMatchObject({ version: TYPESCRIPT_6 });
    console.log(`new-user: installed ${specs.map((spec) => path.basename(spec)).join(" ")}`);
  });

  it("type-checks the quickstart with TypeScript 5.9 and 6.x, and every subpath export resolves", async () => {
    await npm(
      "install",
      "--prefer-offline",
      "--save-dev",
      tarballs.get("dfcloud-emulator") ?? "",
      `typescript-5.9@npm:typescript@${TYPESCRIPT_5}`,
    );
    for (const file of ["index.ts", "tsconfig.json"]) {
      fs.copyFileSync(path.join(ROOT, "examples/quickstart", file), path.join(PROJECT, file));
    }

    // Every subpath the installed packages export (package.json aside), imported by name.
    const specifiers: string[] = [];
    for (const name of ["pulumi-dfcloud", "dfcloud-emulator"]) {
      const manifest = JSON.parse(
        fs.readFileSync(path.join(PROJECT, "node_modules", name, "package.json"), "utf8"),
      ) as { exports: Record<string, unknown> };
      for (const subpath of Object.keys(manifest.exports)) {
        if (subpath !== "./package.json") specifiers.push(path.posix.join(name, subpath));
      }
    }
    expect(specifiers).toEqual(expect.arrayContaining(["pulumi-dfcloud", "pulumi-dfcloud/tokens"]));
    const imports = specifiers.map((specifier, i) => `import * as m${i} from "${specifier}";`).join("\n");
    const used = `export const loaded = [${specifiers.map((_, i) => `m${i}`).join(", ")}].length;\n`;
    fs.writeFileSync(path.join(PROJECT, "subpaths.ts"), `${imports}\n${used}`);
    fs.writeFileSync(path.join(PROJECT, "subpaths-esm.mts"), `${imports}\n${used}`);
    const options = { strict: true, target: "ES2023", skipLibCheck: true, noEmit: true };
    const configs = {
      "tsconfig.nodenext.json": {
        compilerOptions: { ...options, module: "nodenext", moduleResolution: "nodenext" },
        files: ["subpaths.ts", "subpaths-esm.mts"],
      },
      "tsconfig.bundler.json": {
        compilerOptions: { ...options, module: "preserve", moduleResolution: "bundler" },
        files: ["subpaths.ts"],
      },
      // The deprecated node10 resolution ignores `exports` (typesVersions serves it); TypeScript 5 only.
      "tsconfig.node10.json": {
        compilerOptions: { ...options, module: "commonjs", moduleResolution: "node" },
        files: ["subpaths.ts"],
      },
    };
    for (const [file, config] of Object.entries(configs)) {
      fs.writeFileSync(path.join(PROJECT, file), JSON.stringify(config));
    }

    for (const typescript of ["typescript-5.9", "typescript"]) {
      const version = (await tsc(typescript, "--version")).stdout.trim();
      expect(version).toMatch(typescript === "typescript" ? /^Version 6\./ : /^Version 5\.9\./);
      const projects = ["tsconfig.json", ...Object.keys(configs)].filter(
        (project) => typescript === "typescript-5.9" || project !== "tsconfig.node10.json",
      );
      for (const project of projects) {
        const result = await tsc(typescript, "-p", project);
        expect(`${result.stdout}${result.stderr}`, `${version}, ${project}`).toBe("");
      }
    }

    // At run time too, each from this project's node_modules: by require and by import.
    const resolved = JSON.parse(
      (
        await run("node", [
          "--input-type=module",
          "-e",
          `import { createRequire } from "node:module";
           const require = createRequire(process.cwd() + "/");
           const specifiers = ${JSON.stringify(specifiers)};
           const result = {};
           for (const specifier of specifiers) {
             await import(specifier);
             require(specifier);
             result[specifier] = [require.resolve(specifier), import.meta.resolve(specifier)];
           }
           console.log(JSON.stringify(result));`,
        ])
      ).stdout,
    ) as Record<string, [string, string]>;
    expect(Object.keys(resolved)).toEqual(specifiers);
    for (const [specifier, [required, imported]] of Object.entries(resolved)) {
      expect(required, specifier).toMatch(new RegExp(`^${PROJECT}/node_modules/`));
      expect(imported, specifier).toBe(`file://${required}`);
    }
  });

  it("starts the installed emulator with `npx dfcloud-emulator`", async () => {
    expect(fs.realpathSync(path.join(PROJECT, "node_modules/.bin/dfcloud-emulator"))).toBe(
      path.join(PROJECT, "node_modules/dfcloud-emulator/bin/dfcloud-emulator.js"),
    );
    const child = spawn(
      "npx",
      [
        "dfcloud-emulator",
        "--port",
        "0",
        "--time-scale",
        "0",
        "--api-key",
        API_KEY,
        "--admin-token",
        ADMIN_TOKEN,
      ],
      { cwd: PROJECT, env: userEnv(), detached: true, stdio: ["ignore", "pipe", "pipe"] },
    );
    emulator = child;
    const ready = await new Promise<string>((resolve, reject) => {
      let out = "";
      let err = "";
      child.stdout?.on("data", (chunk: Buffer) => {
        out += chunk.toString();
        if (out.includes("\n")) resolve(out.split("\n")[0] ?? "");
      });
      child.stderr?.on("data", (chunk: Buffer) => {
        err += chunk.toString();
      });
      child.once("exit", (code) => reject(new Error(`npx dfcloud-emulator exited ${code}: ${out}${err}`)));
    });
    const started = JSON.parse(ready) as { url: string; apiKeys: string[]; adminToken: string };
    expect(started).toMatchObject({ apiKeys: [API_KEY], adminToken: ADMIN_TOKEN });
    expect(started.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    apiUrl = started.url;
    await admin("PUT", "durations", {
      datastoreCreate: 0,
      datastoreUpdate: 0,
      datastoreDelete: 0,
      restore: 0,
      backup: 0,
    });
    datastoreId = (
      await admin<{ datastore_id: string }>("POST", "datastores", {
        apiKey: API_KEY,
        config: {
          name: "orders",
          location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
          tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
          cluster: { enabled: false },
        },
      })
    ).datastore_id;
    // Seeded with no schedule: what `up` sets below is the program's doing.
    expect((await liveState()).datastore?.config.backup_policy).not.toMatchObject({ enabled: true });
  });

  it("in the repository, too: every workspace bin is a committed file, so npm ci links it before any build", async () => {
    const tracked = await run("git", ["ls-files"], ROOT);
    const files = new Set(tracked.stdout.split("\n"));
    for (const workspace of ["provider", "sdk", "plugin", "emulator", "policy"]) {
      const manifest = JSON.parse(fs.readFileSync(path.join(ROOT, workspace, "package.json"), "utf8")) as {
        bin?: Record<string, string>;
      };
      for (const target of Object.values(manifest.bin ?? {})) {
        expect(files.has(path.posix.join(workspace, target)), `${workspace}: ${target}`).toBe(true);
      }
    }
    const help = await run("npx", ["dfcloud-emulator", "--help"], ROOT);
    expect(help.stdout).toMatch(/^Usage: dfcloud-emulator/);
  });

  it("runs pulumi up and destroy of the quickstart against it, with no ExperimentalWarning", async () => {
    // The example's program and tsconfig.json as copied above; a Pulumi.yaml without nodeargs.
    fs.writeFileSync(
      path.join(PROJECT, "Pulumi.yaml"),
      "name: dfcloud-new-user\nruntime:\n  name: nodejs\n  options:\n    typescript: true\n",
    );
    await pulumiOk(["stack", "init", STACK], PROJECT, userEnv());
    await pulumiUser("config", "set", "datastoreId", datastoreId);
    await pulumiUser("config", "set", configKey("apiUrl"), apiUrl);
    await pulumiUser("config", "set", "--secret", configKey("apiKey"), API_KEY);

    const up = await pulumiUser("up", "--yes", "--json");
    expect(completedSteps(up.stdout), up.stdout).toEqual({ create: 2 });
    expect(`${up.stdout}${up.stderr}`).not.toMatch(/ExperimentalWarning|SQLite/);
    let live = await liveState();
    expect(live.datastore?.config.backup_policy).toEqual({
      enabled: true,
      every_day: true,
      every_hour: false,
      hours: [2, 14],
      retention: 7,
    });
    expect(
      live.manual.map(({ description, retention, status }) => ({ description, retention, status })),
    ).toEqual([{ description: "before schema migration", retention: 14, status: "ready" }]);
    const outputs = JSON.parse((await pulumiUser("stack", "output", "--json")).stdout) as Record<
      string,
      unknown
    >;
    expect(outputs).toMatchObject({ backupId: live.manual[0]?.backup_id, backupStatus: "ready" });

    const destroy = await pulumiUser("destroy", "--yes", "--json");
    expect(completedSteps(destroy.stdout), destroy.stdout).toEqual({ delete: 2 });
    expect(`${destroy.stdout}${destroy.stderr}`).not.toMatch(/ExperimentalWarning|SQLite/);
    live = await liveState();
    expect(live.datastore?.config.backup_policy).toMatchObject({ enabled: false });
    expect(live.manual).toEqual([]);
  });

  it("runs the installed policy pack from node_modules, which fails a preview that breaks its config", async () => {
    await npm("install", "--prefer-offline", tarballs.get("dfcloud-backup-guardrails") ?? "");
    const pack = path.join(PROJECT, "node_modules/dfcloud-backup-guardrails");
    // Installed beside the user's pulumi-dfcloud, not a second copy of it.
    expect(fs.existsSync(path.join(pack, "node_modules/pulumi-dfcloud"))).toBe(false);
    expect(fs.existsSync(path.join(pack, "PulumiPolicy.yaml"))).toBe(true);
    const config = path.join(WORK, "policy-config.json");
    fs.writeFileSync(config, JSON.stringify({ "schedule-min-retention": { minRetentionDays: 10 } }));

    const preview = await pulumi(
      ["preview", "--stack", STACK, "--policy-pack", pack, "--policy-pack-config", config],
      PROJECT,
      userEnv(),
    );
    const output = `${preview.stdout}${preview.stderr}`;
    expect(preview.code, output).not.toBe(0);
    expect(output).toContain("dfcloud-backup-guardrails@v0.1.0");
    expect(output).toContain(
      `BackupSchedule "nightly" must keep backups for at least 10 days (minRetentionDays), but its retentionDays is 7.`,
    );
    const live = await liveState();
    expect(live.datastore?.config.backup_policy).toMatchObject({ enabled: false });
    expect(live.manual).toEqual([]);
  });
  it("installs pulumi-dfcloud and the generated pulumi-dfcloud-backups side by side, and a program using both type-checks and previews", async () => {
    // The generated SDK as its publisher packs it: `pulumi package gen-sdk`'s output, compiled.
    const packed = (
      await run("npm", ["pack", await generatedNodeSdk(), "--pack-destination", PACKAGES, "--silent"], WORK)
    ).stdout.trim();
    const generated = path.join(PACKAGES, packed);
    expect(JSON.parse(await fromTarball(generated, "package/package.json"))).toMatchObject({
      name: "pulumi-dfcloud-backups",
      pulumi: { resource: true, name: PACKAGE },
    });
    await npm("install", "--prefer-offline", generated);
    const modules = path.join(PROJECT, "node_modules");
    for (const name of ["pulumi-dfcloud", "pulumi-dfcloud-backups"]) {
      expect(fs.existsSync(path.join(modules, name, "package.json")), name).toBe(true);
    }
    // One @pulumi/pulumi for both, and npm finds the tree whole.
    expect(fs.existsSync(path.join(modules, "pulumi-dfcloud-backups/node_modules/@pulumi/pulumi"))).toBe(
      false,
    );
    const tree = JSON.parse((await npm("ls", "--all", "--json")).stdout) as { problems?: string[] };
    expect(tree.problems).toBeUndefined();
    // The plugin the generated SDK asks the engine for, as users install it.
    const pluginTarball = tarballs.get(`pulumi-resource-${PACKAGE}-v0.1.0-linux-amd64.tar.gz`) ?? "";
    await run(PULUMI, ["plugin", "install", "resource", PACKAGE, "0.1.0", "--file", pluginTarball]);

    // A stack moving to the plugin holds both: a dynamic schedule still, and one of the plugin's.
    fs.writeFileSync(
      path.join(PROJECT, "index.ts"),
      `import * as pulumi from "@pulumi/pulumi";
import * as dfcloud from "pulumi-dfcloud";
import * as backups from "pulumi-dfcloud-backups";

const datastoreId = new pulumi.Config().require("datastoreId");
const dynamicArgs: dfcloud.BackupScheduleArgs = { datastoreId, days: "every", hours: [2], retentionDays: 7 };
const nativeArgs: backups.BackupScheduleArgs = { datastoreId, days: ["mon"], hours: [3], retentionDays: 5 };
export const dynamicType = dfcloud.BACKUP_SCHEDULE_TYPE;
export const staying = new dfcloud.BackupSchedule("staying", dynamicArgs).hours;
export const moved = new backups.BackupSchedule("moved", nativeArgs, {
  aliases: [{ type: dfcloud.BACKUP_SCHEDULE_TYPE }],
}).days;
`,
    );
    // Checked by both, and compiled by the newest: the engine runs the emitted index.js.
    for (const typescript of ["typescript-5.9", "typescript"]) {
      const result = await tsc(
        typescript,
        "-p",
        "tsconfig.json",
        ...(typescript === "typescript" ? [] : ["--noEmit"]),
      );
      expect(`${result.stdout}${result.stderr}`, typescript).toBe("");
    }

    // The language host reports the generated SDK's plugin; the engine loads it beside the dynamic provider.
    const preview = await pulumiUser("preview", "--json");
    const planned = (JSON.parse(preview.stdout) as { steps: { op: string; urn: string }[] }).steps
      .filter((step) => step.op === "create")
      .map((step) => step.urn.split("::").slice(2).join("::"))
      .filter((typeAndName) => !isInfrastructure(typeAndName.split("::")[0] ?? ""))
      .sort();
    expect(stepCounts(preview.stdout)).toEqual({ create: 2 });
    expect(planned).toEqual(
      [`${nativeToken("BackupSchedule")}::moved`, `${dynamicToken("BackupSchedule")}::staying`].sort(),
    );
  });
});
