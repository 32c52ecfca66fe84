/**
 * The API reference's examples (docs/reference, rendered by scripts/gen-docs.js from one spec per
 * member in scripts/reference-examples.js) are programs a reader can copy:
 * - every resource and function page shows one in TypeScript, Python, Go and Pulumi YAML, and every
 *   resource page says how `pulumi import` works for it;
 * - the TypeScript examples type-check against the dynamic SDK (`pulumi-dfcloud`) with the strict
 *   settings of examples/quickstart;
 * - the YAML examples use the schema's tokens, only inputs the schema has and every required one;
 * - a spec that names an input the schema lacks, leaves out a required one or reads an output the
 *   schema lacks is refused, so an example cannot drift from the contract.
 * The Python and Go examples are compiled and run against the generated SDKs in
 * tests/engine/schema-gen-sdk.test.ts.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { nativeToken, RESOURCE_KINDS } from "@pulumi-dfcloud/provider";
import { afterAll, describe, expect, it } from "vitest";
import { exampleBlocks, examplePages, pageText, referenceExamples } from "../reference-pages";

const ROOT = path.resolve(__dirname, "../..");

// Plain Node scripts (CommonJS), loaded as such.
const renderers = require("../../scripts/example-renderers.js") as {
  renderExample(schema: unknown, example: unknown, member: string, project: string): Record<string, unknown>;
};
const goSdkModule = require("../../scripts/go-sdk-module.js") as {
  goModule(schema: unknown): { modulePath: string; importPath: string; packageName: string };
};
// js-yaml comes with @pulumi/pulumi; it has no type declarations here.
const yaml = require("js-yaml") as { load(text: string): unknown };

interface SchemaProperty {
  type?: string;
  $ref?: string;
  oneOf?: SchemaProperty[];
}
interface Schema {
  language: { go: { importBasePath: string; modulePath: string } };
  resources: Record<string, { inputProperties: Record<string, SchemaProperty>; requiredInputs?: string[] }>;
  functions: Record<
    string,
    { inputs?: { properties?: Record<string, SchemaProperty>; required?: string[] } }
  >;
}

const schema = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as Schema;
const workDir = path.join(ROOT, ".test-work", `reference-examples-${randomBytes(4).toString("hex")}`);

afterAll(() => fs.rmSync(workDir, { recursive: true, force: true }));

/** A kebab-case page name of a member: `BackupSchedule` → `backup-schedule`. */
function pageOf(member: string): string {
  return member.replace(/([a-z0-9])([A-Z])/g, "$1-$2").toLowerCase();
}

describe("the API reference's examples", () => {
  it("every resource and function page shows its example in TypeScript, Python, Go and YAML", () => {
    const members = [...Object.keys(schema.resources), ...Object.keys(schema.functions)].map((token) =>
      pageOf(token.split(":").pop() ?? token),
    );
    expect(examplePages()).toEqual([...members].sort());
    for (const page of members) {
      for (const language of ["typescript", "python", "go", "yaml"] as const) {
        expect(exampleBlocks(page, language), `${page}.md, ${language}`).toHaveLength(1);
      }
    }
  });

  it("every resource page says how pulumi import works: by id for a schedule and a backup, never for a restore or a drill", () => {
    const importSection = (kind: string) => {
      const text = pageText(pageOf(kind));
      return text.slice(text.indexOf("\n## Import\n"));
    };
    expect(RESOURCE_KINDS).toEqual(["BackupSchedule", "Backup", "Restore", "RestoreDrill"]);
    // The commands as a reader runs them: the native token, a name, and the id the plugin's read takes.
    expect(importSection("BackupSchedule")).toContain(
      `\`\`\`sh\npulumi import ${nativeToken("BackupSchedule")} weekdays dst_…\n\`\`\``,
    );
    expect(importSection("Backup")).toContain(
      `\`\`\`sh\npulumi import ${nativeToken("Backup")} beforeMigration bkp_…\n\`\`\``,
    );
    for (const kind of ["BackupSchedule", "Backup"]) {
      expect(importSection(kind)).toContain("The dynamic SDK (`pulumi-dfcloud`) cannot import");
    }
    expect(importSection("Restore")).toContain("A Restore cannot be imported: it records an action");
    expect(importSection("RestoreDrill")).toContain(
      "A RestoreDrill cannot be imported: it records an action",
    );
    for (const kind of ["Restore", "RestoreDrill"]) expect(importSection(kind)).not.toContain("```sh");
  });

  it("the Go examples import the Go SDK at schema.json's import path, a package directly in its module", () => {
    expect(goSdkModule.goModule(schema)).toEqual({
      modulePath: "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go",
      importPath: "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups",
      packageName: "dfcloudbackups",
    });
    for (const { page, code } of referenceExamples("go")) {
      expect(code, page).toContain(`\t"${schema.language.go.importBasePath}"\n`);
    }
    // An import path outside the module would make the replace directive the docs give point nowhere.
    expect(() =>
      goSdkModule.goModule({
        language: { go: { importBasePath: "example.com/sdk/go/x", modulePath: "example.com/sdk" } },
      }),
    ).toThrow(
      "the Go import path example.com/sdk/go/x is not a package directly in the module example.com/sdk",
    );
  });

  it("the TypeScript examples type-check against the dynamic SDK", async () => {
    fs.mkdirSync(workDir, { recursive: true });
    const files = referenceExamples("typescript").map(({ page, code }) => {
      fs.writeFileSync(path.join(workDir, `${page}.ts`), `${code}\n`);
      return `${page}.ts`;
    });
    // examples/quickstart's settings.
    fs.writeFileSync(
      path.join(workDir, "tsconfig.json"),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          target: "ES2023",
          module: "nodenext",
          moduleResolution: "nodenext",
          skipLibCheck: true,
          noEmit: true,
        },
        files,
      }),
    );
    const result = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", workDir],
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, output: `${stdout}${stderr}` }),
      );
    });
    expect(result.output.trim()).toBe("");
    expect(result.code).toBe(0);
    expect(files).toHaveLength(7);
  }, 120_000);

  it("the YAML examples declare the schema's tokens with only inputs it has and every required one", () => {
    const tokens = (kind: "resources" | "functions") => Object.keys(schema[kind]);
    for (const { page, code } of referenceExamples("yaml")) {
      const program = yaml.load(code) as {
        name: string;
        runtime: string;
        config?: Record<string, { type: string }>;
        resources?: Record<string, { type: string; properties: Record<string, unknown> }>;
        variables?: Record<
          string,
          { "fn::invoke": { function: string; arguments: Record<string, unknown> } }
        >;
        outputs: Record<string, string>;
      };
      expect(program.runtime, page).toBe("yaml");
      expect(program.name, page).toBe(`${page}-example`);
      const declared = new Set([
        ...Object.keys(program.config ?? {}),
        ...Object.keys(program.resources ?? {}),
        ...Object.keys(program.variables ?? {}),
      ]);
      const references = (value: unknown): string[] =>
        [...JSON.stringify(value).matchAll(/\$\{([A-Za-z0-9_]+)/g)].map((match) => match[1] ?? "");
      for (const [name, resource] of Object.entries(program.resources ?? {})) {
        expect(tokens("resources"), `${page}: ${name}`).toContain(resource.type);
        const spec = schema.resources[resource.type];
        expect(Object.keys(spec?.inputProperties ?? {})).toEqual(
          expect.arrayContaining(Object.keys(resource.properties)),
        );
        expect(Object.keys(resource.properties)).toEqual(expect.arrayContaining(spec?.requiredInputs ?? []));
        for (const ref of references(resource.properties))
          expect(declared, `${page}: \${${ref}}`).toContain(ref);
      }
      for (const [name, variable] of Object.entries(program.variables ?? {})) {
        const invoke = variable["fn::invoke"];
        expect(tokens("functions"), `${page}: ${name}`).toContain(invoke.function);
        const spec = schema.functions[invoke.function];
        expect(Object.keys(spec?.inputs?.properties ?? {})).toEqual(
          expect.arrayContaining(Object.keys(invoke.arguments)),
        );
        expect(Object.keys(invoke.arguments)).toEqual(expect.arrayContaining(spec?.inputs?.required ?? []));
      }
      expect(Object.keys(program.outputs).length, page).toBeGreaterThan(0);
      for (const ref of references(program.outputs)) expect(declared, `${page}: \${${ref}}`).toContain(ref);
    }
  });

  it("refuses a spec that strays from the schema, naming the member and what is wrong", () => {
    const render =
      (steps: unknown[], exports: Record<string, unknown> = {}) =>
      () =>
        renderers.renderExample(schema, { steps, exports }, "Backup", "backup-example");
    const backup = (args: Record<string, unknown>) => ({ resource: "Backup", name: "kept", args });
    expect(render([backup({ datastoreId: "dst_1", retentionDays: 7, retentionHours: 2 })])).toThrow(
      "scripts/reference-examples.js, Backup: Backup has no input retentionHours",
    );
    expect(render([backup({ datastoreId: "dst_1" })])).toThrow(
      "scripts/reference-examples.js, Backup: Backup needs its required input retentionDays",
    );
    expect(
      render([backup({ datastoreId: "dst_1", retentionDays: 7 })], {
        size: { ref: "kept", property: "size" },
      }),
    ).toThrow("scripts/reference-examples.js, Backup: kept has no output size");
    expect(
      render([backup({ datastoreId: { ref: "later", property: "datastoreId" }, retentionDays: 7 })]),
    ).toThrow("scripts/reference-examples.js, Backup: later is used before it is declared");
    expect(render([{ invoke: "getBackups", name: "all", args: {} }])).toThrow(
      "scripts/reference-examples.js, Backup: schema.json has no function getBackups",
    );
    // The same spec, within the schema, renders.
    expect(
      render([backup({ datastoreId: "dst_1", retentionDays: 7 })], {
        id: { ref: "kept", property: "backupId" },
      })(),
    ).toMatchObject({
      configKeys: [],
    });
  });
});
