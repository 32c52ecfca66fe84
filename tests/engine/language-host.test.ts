/**
 * Proves our offline `pulumi-language-nodejs` (tools/language-host) stands in for the Go language
 * host with the real engine: a TypeScript program folder with a dynamic resource and a secret
 * config value goes through preview → up → preview (no changes) → refresh → destroy; a Node policy
 * pack runs through RunPlugin and sees the stack and its config; program failures are reported the
 * way the Go host reports them; runtime options (typescript, nodeargs) are honoured.
 */
import * as fs from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILT_ENGINE_BIN,
  engineEnv,
  newWorkDir,
  pulumi,
  pulumiOk,
  ROOT,
  stepCounts,
  writeFile,
} from "./harness";

const THING_TYPE = "pulumi-nodejs:dynamic/test/thing:Resource";

/** The dynamic resource program; LH_TEST_MODE makes it fail in the two ways the host tells apart. */
const PROGRAM = `import * as pulumi from "@pulumi/pulumi";

if (process.env.LH_TEST_MODE === "throw") {
  throw new Error("boom from the program");
}
if (process.env.LH_TEST_MODE === "exit") {
  process.exit(7);
}

const provider: pulumi.dynamic.ResourceProvider = {
  async create(inputs: { name: string; size: number }) {
    return { id: \`thing-\${inputs.name}\`, outs: inputs };
  },
  async diff(_id: string, olds: { name: string; size: number }, news: { name: string; size: number }) {
    return { changes: olds.name !== news.name || olds.size !== news.size };
  },
  async read(id: string, props: Record<string, unknown>) {
    return { id, props };
  },
};

class Thing extends pulumi.dynamic.Resource {
  constructor(name: string, args: { name: string; size: number }) {
    super(provider, name, args, undefined, "test/thing");
  }
}

const config = new pulumi.Config();
const secret = config.requireSecret("foo");
const thing = new Thing("thing", { name: "a", size: 1 });
export const id = thing.id;
export const secretLength = secret.apply((s) => s.length);
`;

/** One mandatory policy on the dynamic type; its limit comes from the pack's config schema. */
const POLICY_PACK = `import { PolicyPack } from "@pulumi/policy";

new PolicyPack("lh-test-policy", {
  policies: [
    {
      name: "max-size",
      description: "A thing's size must not exceed the configured maximum.",
      enforcementLevel: "mandatory",
      configSchema: { properties: { maxSize: { type: "number", default: 0 } } },
      validateResource: (args, reportViolation) => {
        if (args.type !== "${THING_TYPE}") return;
        const { maxSize } = args.getConfig<{ maxSize: number }>();
        const size = args.props.size as number;
        if (size > maxSize) {
          const stack = process.env.PULUMI_NODEJS_STACK;
          const sawConfig = (process.env.PULUMI_CONFIG ?? "").includes("lh-test:foo");
          reportViolation(\`size \${size} exceeds maxSize \${maxSize} (stack=\${stack}, stack-config=\${sawConfig})\`);
        }
      },
    },
  ],
});
`;

const TSCONFIG = JSON.stringify({
  compilerOptions: {
    strict: true,
    target: "ES2022",
    module: "commonjs",
    moduleResolution: "node",
    esModuleInterop: true,
    skipLibCheck: true,
  },
});

interface SummaryEvent {
  resourceChanges?: Record<string, number>;
  result?: string;
  isPreview?: boolean;
}

/**
 * The change summary of `up/refresh/destroy --json`: after the (pretty-printed) preview document
 * they print one engine event per line, ending with a `summaryEvent`.
 */
function summaryOf(jsonLines: string): SummaryEvent {
  let summary: SummaryEvent | undefined;
  for (const line of jsonLines.split("\n")) {
    if (!line.startsWith('{"sequence"')) continue;
    const event = JSON.parse(line) as { summaryEvent?: SummaryEvent };
    if (event.summaryEvent) summary = event.summaryEvent;
  }
  if (!summary) throw new Error(`no summaryEvent in:\n${jsonLines}`);
  return summary;
}

/** `changeSummary` of `pulumi preview --json` (a single document), stack resource included. */
function previewSummary(json: string): Record<string, number> {
  return (JSON.parse(json) as { changeSummary?: Record<string, number> }).changeSummary ?? {};
}

describe("our pulumi-language-nodejs with the real engine", () => {
  let workDir: string;
  let program: string;
  let policyPack: string;
  let env: NodeJS.ProcessEnv;

  beforeAll(async () => {
    if (!fs.existsSync(path.join(BUILT_ENGINE_BIN, "pulumi"))) {
      throw new Error(
        `${BUILT_ENGINE_BIN}/pulumi is missing: build the engine first (scripts/build-engine.sh)`,
      );
    }
    workDir = newWorkDir("language-host");
    program = path.join(workDir, "program");
    policyPack = path.join(workDir, "policy");
    writeFile(program, "Pulumi.yaml", "name: lh-test\nruntime: nodejs\n");
    writeFile(program, "package.json", JSON.stringify({ name: "lh-test", private: true, main: "index.ts" }));
    writeFile(program, "tsconfig.json", TSCONFIG);
    writeFile(program, "index.ts", PROGRAM);
    writeFile(policyPack, "PulumiPolicy.yaml", "runtime: nodejs\ndescription: language host test pack\n");
    writeFile(
      policyPack,
      "package.json",
      JSON.stringify({ name: "lh-test-policy", version: "0.0.1", private: true, main: "index.ts" }),
    );
    writeFile(policyPack, "tsconfig.json", TSCONFIG);
    writeFile(policyPack, "index.ts", POLICY_PACK);
    writeFile(policyPack, "allow-size-5.json", JSON.stringify({ "max-size": { maxSize: 5 } }));
    env = engineEnv(workDir);

    await pulumiOk(["stack", "init", "dev"], program, env);
    await pulumiOk(["config", "set", "--secret", "foo", "bar"], program, env);
  });

  afterAll(() => {
    if (workDir && !process.env.KEEP_TEST_WORK) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("is the language host the engine runs (InstallDependencies answers offline)", async () => {
    const result = await pulumiOk(["install"], program, env);
    expect(result.stdout + result.stderr).toContain(
      "this offline language host does not run a package manager",
    );
    expect(result.stdout + result.stderr).toContain("Found @pulumi/pulumi at");
  });

  it("previews one dynamic resource to create", async () => {
    const result = await pulumiOk(["preview", "--json"], program, env);
    expect(stepCounts(result.stdout)).toEqual({ create: 1 });
    expect(previewSummary(result.stdout)).toEqual({ create: 2 }); // the stack and the thing
    expect(result.stdout).toContain(THING_TYPE);
  });

  it("creates it with `up`, reading the secret config value", async () => {
    const result = await pulumiOk(["up", "--yes", "--json"], program, env);
    const summary = summaryOf(result.stdout);
    expect(summary.result).toBe("succeeded");
    expect(summary.resourceChanges).toEqual({ create: 2 });
    const outputs = await pulumiOk(["stack", "output", "--json", "--show-secrets"], program, env);
    expect(JSON.parse(outputs.stdout)).toEqual({ id: "thing-a", secretLength: 3 });
  });

  it("previews no changes afterwards", async () => {
    const result = await pulumiOk(["preview", "--json"], program, env);
    expect(stepCounts(result.stdout)).toEqual({});
    expect(previewSummary(result.stdout)).toEqual({ same: 2 });
  });

  it("refreshes without changes", async () => {
    const result = await pulumiOk(["refresh", "--yes", "--json"], program, env);
    const summary = summaryOf(result.stdout);
    expect(summary.result).toBe("succeeded");
    expect(summary.resourceChanges).toEqual({ same: 2 });
  });

  it("destroys it", async () => {
    const result = await pulumiOk(["destroy", "--yes", "--json"], program, env);
    const summary = summaryOf(result.stdout);
    expect(summary.result).toBe("succeeded");
    expect(summary.resourceChanges).toEqual({ delete: 2 });
  });

  it("runs a Node policy pack that reports a mandatory violation, with the stack's config", async () => {
    const result = await pulumi(["preview", "--policy-pack", policyPack], program, env);
    const output = result.stdout + result.stderr;
    expect(result.code, output).not.toBe(0);
    expect(output).toContain("lh-test-policy");
    expect(output).toContain("max-size");
    // PULUMI_NODEJS_STACK and PULUMI_CONFIG came from ConfigureStack through the policy proxy.
    expect(output).toContain("size 1 exceeds maxSize 0 (stack=dev, stack-config=true)");
  });

  it("passes --policy-pack-config to the pack, which then allows the resource", async () => {
    const config = path.join(policyPack, "allow-size-5.json");
    const result = await pulumi(
      ["preview", "--policy-pack", policyPack, "--policy-pack-config", config],
      program,
      env,
    );
    const output = result.stdout + result.stderr;
    expect(result.code, output).toBe(0);
    expect(output).not.toContain("exceeds maxSize");
    expect(output).toContain("lh-test-policy");
  });

  it("bails without a second message when the program already reported its error", async () => {
    const result = await pulumi(["preview"], program, { ...env, LH_TEST_MODE: "throw" });
    const output = result.stdout + result.stderr;
    expect(result.code).not.toBe(0);
    expect(output).toContain("boom from the program");
    expect(output).not.toContain("Program exited with non-zero exit code");
  });

  it("reports the exit code of a program that exits on its own", async () => {
    const result = await pulumi(["preview"], program, { ...env, LH_TEST_MODE: "exit" });
    expect(result.code).not.toBe(0);
    expect(result.stdout + result.stderr).toContain("Program exited with non-zero exit code: 7");
  });

  it("honours the typescript and nodeargs runtime options", async () => {
    const js = path.join(workDir, "js-program");
    writeFile(
      js,
      "Pulumi.yaml",
      [
        "name: lh-test-js",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: false",
        '    nodeargs: "--require ./preload.js"',
        "",
      ].join("\n"),
    );
    writeFile(js, "package.json", JSON.stringify({ name: "lh-test-js", private: true, main: "index.js" }));
    writeFile(js, "preload.js", 'process.env.LH_PRELOADED = "yes";\n');
    writeFile(
      js,
      "index.js",
      "exports.preloaded = process.env.LH_PRELOADED ?? 'no';\n" +
        "exports.typescript = process.env.PULUMI_NODEJS_TYPESCRIPT ?? 'unset';\n",
    );
    await pulumiOk(["stack", "init", "js"], js, env);
    await pulumiOk(["up", "--yes"], js, env);
    const outputs = await pulumiOk(["stack", "output", "--json"], js, env);
    expect(JSON.parse(outputs.stdout)).toEqual({ preloaded: "yes", typescript: "unset" });
    await pulumiOk(["destroy", "--yes"], js, env);
  });
});

describe("language host helpers", () => {
  const require = createRequire(path.join(ROOT, "package.json"));
  const util = require(path.join(ROOT, "tools/language-host/src/util.js")) as {
    constructConfig(config: Iterable<[string, string]>): string;
    parseOptions(options: Record<string, unknown>): Record<string, unknown>;
    shellSplit(s: string): string[];
  };

  it("serialises config in the legacy <namespace>:config:<name> form, like the Go host", () => {
    expect(
      JSON.parse(
        util.constructConfig([
          ["proj:foo", "bar"],
          ["aws:config:region", "x"],
        ]),
      ),
    ).toEqual({
      "proj:config:foo": "bar",
      "aws:config:region": "x",
    });
    expect(() => util.constructConfig([["nocolon", "v"]])).toThrow(/could not parse nocolon/);
  });

  it("parses runtime options with the Go host's defaults and errors", () => {
    expect(util.parseOptions({})).toEqual({
      typescript: true,
      tsconfigpath: "",
      nodeargs: "",
      packagemanager: "auto",
    });
    expect(() => util.parseOptions({ typescript: "no" })).toThrow("typescript option must be a boolean");
    expect(() => util.parseOptions({ packagemanager: "cargo" })).toThrow(/must be one of/);
  });

  it("splits nodeargs like a shell", () => {
    expect(util.shellSplit(`--a=1  "--b=two words" 'c d' e\\ f`)).toEqual([
      "--a=1",
      "--b=two words",
      "c d",
      "e f",
    ]);
    expect(util.shellSplit("")).toEqual([]);
    expect(() => util.shellSplit(`"open`)).toThrow(/closing quote/);
  });
});
