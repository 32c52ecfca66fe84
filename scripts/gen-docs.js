#!/usr/bin/env node
// @ts-check
// Generates the API reference (docs/reference/*.md) from schema.json, the package's one contract:
// a page per resource and per function, and an index with how to install each language's package,
// the provider configuration and the shared types. Each page shows one example program in
// TypeScript, Python, Go and Pulumi YAML, all rendered from the member's one example spec in
// scripts/reference-examples.js (by scripts/example-renderers.js), and each resource page says how
// `pulumi import` works for it. Run `node scripts/gen-docs.js` after editing schema.json or an
// example; `--check` only reports whether the pages on disk are up to date (exit 1 when not), for CI.

const fs = require("node:fs");
const path = require("node:path");
const { DYNAMIC_SDK, renderExample } = require("./example-renderers.js");
const { goModule } = require("./go-sdk-module.js");
const { DYNAMIC_CANNOT_IMPORT, EXAMPLES } = require("./reference-examples.js");

const ROOT = path.resolve(__dirname, "..");
/** Where the pages go. */
const OUT_DIR = path.join(ROOT, "docs", "reference");
/** First line of every page, so nobody edits a page instead of schema.json. */
const BANNER = "<!-- Generated from schema.json by scripts/gen-docs.js — do not edit. -->";
const INDEX = "index.md";

/**
 * @typedef {{ name?: string, value: string | number | boolean, description?: string }} EnumValue
 * @typedef {{
 *   type?: string, $ref?: string, items?: TypeSpec, oneOf?: TypeSpec[], additionalProperties?: TypeSpec,
 *   description?: string, default?: unknown, defaultInfo?: { environment: string[] }, secret?: boolean,
 *   willReplaceOnChanges?: boolean, replaceOnChanges?: boolean,
 * }} TypeSpec
 * @typedef {{ properties?: Record<string, TypeSpec>, required?: string[] }} ObjectSpec
 * @typedef {ObjectSpec & { description?: string, type?: string, enum?: EnumValue[] }} ComplexTypeSpec
 * @typedef {ObjectSpec & {
 *   description?: string, inputProperties?: Record<string, TypeSpec>, requiredInputs?: string[],
 * }} ResourceSpec
 * @typedef {{
 *   description?: string, inputs?: ObjectSpec, multiArgumentInputs?: string[], outputs?: TypeSpec & ObjectSpec,
 * }} FunctionSpec
 * @typedef {{
 *   name: string, displayName?: string, description?: string, version?: string,
 *   config?: { variables?: Record<string, TypeSpec> }, types?: Record<string, ComplexTypeSpec>,
 *   resources?: Record<string, ResourceSpec>, functions?: Record<string, FunctionSpec>,
 *   language?: {
 *     nodejs?: { packageName?: string }, python?: { packageName?: string },
 *     go?: { importBasePath?: string, modulePath?: string },
 *   },
 * }} PackageSchema
 */

/** The last part of a token: `dfcloud-backups:index:BackupSchedule` → `BackupSchedule`. */
function memberName(token) {
  return token.split(":").pop() ?? token;
}

/** `BackupSchedule` → `backup-schedule.md`, `listBackups` → `list-backups.md`. */
function pageOf(token) {
  const kebab = memberName(token)
    .replace(/([a-z0-9])([A-Z])/g, "$1-$2")
    .toLowerCase();
  return `${kebab}.md`;
}

/** The anchor GitHub gives a `### Name` heading. */
function anchorOf(name) {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, "");
}

/** Makes text safe inside a Markdown table cell (one line, no column breaks). */
function cell(text) {
  return String(text ?? "")
    .replace(/\r?\n+/g, " ")
    .replace(/\|/g, "\\|")
    .trim();
}

/** The first sentence of a description, for lists. */
function summary(description) {
  const text = (description ?? "").replace(/\s+/g, " ").trim();
  const end = text.search(/\.(\s|$)/);
  return end >= 0 ? text.slice(0, end + 1) : text;
}

/**
 * Renders a type as Markdown, linking named types to their section of the index.
 * @param {TypeSpec | undefined} spec
 * @param {string} linkBase path from the page to the index (`""` on the index itself)
 * @returns {string}
 */
function typeText(spec, linkBase) {
  if (!spec) return "";
  if (spec.oneOf) return spec.oneOf.map((member) => typeText(member, linkBase)).join(" | ");
  if (spec.$ref) {
    const name = memberName(spec.$ref);
    return `[${name}](${linkBase}#${anchorOf(name)})`;
  }
  if (spec.type === "array") return `${typeText(spec.items, linkBase)}[]`;
  if (spec.type === "object" && spec.additionalProperties) {
    return `map of ${typeText(spec.additionalProperties, linkBase)}`;
  }
  return `\`${spec.type ?? "any"}\``;
}

/** A schema default as it would be written in a program. */
function defaultText(spec) {
  return spec.default === undefined ? "" : `\`${JSON.stringify(spec.default)}\``;
}

/**
 * An input table: name, type, required, default, whether a change replaces the resource, description.
 * @param {Record<string, TypeSpec>} properties
 * @param {string[]} required
 * @param {string} linkBase
 * @param {{ replaces?: boolean }} [options]
 */
function inputTable(properties, required, linkBase, options = {}) {
  const head = [
    "Name",
    "Type",
    "Required",
    "Default",
    ...(options.replaces ? ["Replaces"] : []),
    "Description",
  ];
  const rows = Object.entries(properties).map(([name, spec]) => [
    `\`${name}\``,
    cell(typeText(spec, linkBase)),
    required.includes(name) ? "yes" : "no",
    defaultText(spec),
    ...(options.replaces ? [spec.willReplaceOnChanges || spec.replaceOnChanges ? "yes" : "no"] : []),
    cell(spec.description) + (spec.secret ? " **Secret.**" : ""),
  ]);
  return table(head, rows);
}

/**
 * An output table: name, type, whether it is always set, description.
 * @param {Record<string, TypeSpec>} properties
 * @param {string[]} required
 * @param {string} linkBase
 */
function outputTable(properties, required, linkBase) {
  const rows = Object.entries(properties).map(([name, spec]) => [
    `\`${name}\``,
    cell(typeText(spec, linkBase)),
    required.includes(name) ? "yes" : "no",
    cell(spec.description) + (spec.secret ? " **Secret.**" : ""),
  ]);
  return table(["Name", "Type", "Always set", "Description"], rows);
}

/** A Markdown table. */
function table(head, rows) {
  const line = (cells) => `| ${cells.join(" | ")} |`;
  return [line(head), line(head.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Joins page blocks with blank lines; a page ends with exactly one newline. */
function page(blocks) {
  return `${[BANNER, ...blocks.filter((block) => block !== "")].join("\n\n")}\n`;
}

/** A fenced code block. */
function fenced(language, code) {
  const fence = "```";
  return `${fence}${language}\n${code}\n${fence}`;
}

/** `a`, `a` and `b`, `a`, `b` and `c`: names in prose. */
function listText(names) {
  const quoted = names.map((name) => `\`${name}\``);
  return quoted.length <= 1 ? (quoted[0] ?? "") : `${quoted.slice(0, -1).join(", ")} and ${quoted.at(-1)}`;
}

/**
 * The page's "Example usage": one program per language, rendered from the member's one example
 * spec (scripts/reference-examples.js).
 * @param {PackageSchema} schema
 * @param {string} token
 */
function exampleSection(schema, token) {
  const name = memberName(token);
  const example = EXAMPLES[name];
  if (!example) throw new Error(`scripts/reference-examples.js has no example of ${name}`);
  const project = `${pageOf(token).replace(/\.md$/, "")}-example`;
  const programs = renderExample(/** @type {any} */ (schema), example, name, project);
  const config =
    programs.configKeys.length > 0
      ? ` Each program reads ${listText(programs.configKeys)} from the stack's config (\`pulumi config set <key> <value>\`);` +
        ` the credentials are the [provider's configuration](${INDEX}#provider-configuration).`
      : "";
  return [
    "## Example usage",
    `The same program in each language; see [Installing](${INDEX}#installing) for the packages.${config}`,
    `### TypeScript\n\nWith the dynamic SDK, \`${DYNAMIC_SDK}\` (no plugin):`,
    fenced("typescript", programs.typescript),
    `### Python\n\nWith the native plugin and its SDK, \`${schema.language?.python?.packageName}\`:`,
    fenced("python", programs.python),
    ...(programs.pythonListUnions.length > 0
      ? [
          `**Python, for now:** the Pulumi Python SDK raises \`Unexpected type. Expected 'list'\` when it sends a list ` +
            `for a property whose type is a union, or reads one back: here ${listText(programs.pythonListUnions)} ` +
            '(`"every"` or a list). This program fails in Python whenever one of them holds a list; `"every"` works.',
        ]
      : []),
    `### Go\n\nWith the native plugin and its SDK, \`${schema.language?.go?.importBasePath}\`:`,
    fenced("go", programs.go),
    "### YAML\n\nWith the native plugin, as a whole `Pulumi.yaml`:",
    fenced("yaml", programs.yaml),
  ].join("\n\n");
}

/**
 * The page's "Import": how `pulumi import` works for the resource, from its import note.
 * @param {PackageSchema} schema
 * @param {string} token
 */
function importSection(schema, token) {
  const name = memberName(token);
  const note = EXAMPLES[name]?.import;
  if (!note) throw new Error(`scripts/reference-examples.js has no import note for ${name}`);
  if ("refused" in note) return ["## Import", note.refused, note.dynamic].join("\n\n");
  const step = EXAMPLES[name]?.steps.find(
    (candidate) => "resource" in candidate && candidate.resource === name,
  );
  return [
    "## Import",
    `With the native plugin, \`pulumi import\` takes ${note.idIs}:`,
    fenced("sh", `pulumi import ${token} ${step?.name ?? "name"} ${note.id}`),
    `${note.native} This works from every program that uses the native plugin (Python, Go, Pulumi YAML, or ` +
      `TypeScript with \`${schema.language?.nodejs?.packageName}\`), and so does the \`import\` resource option ` +
      "with the same id, when the program's inputs match the imported ones.",
    `${DYNAMIC_CANNOT_IMPORT} ${note.dynamic}`,
  ].join("\n\n");
}

/**
 * How to get each language's package: the index's "Installing".
 * @param {PackageSchema} schema
 */
function installSection(schema) {
  const version = schema.version ?? "<version>";
  const go = goModule(schema);
  const goCommands = [
    `go mod edit -require=${go.modulePath}@v${version} -replace=${go.modulePath}=<repo>/sdk/generated/go`,
    "go mod tidy",
  ];
  return [
    "## Installing",
    [
      `- **TypeScript, dynamic resources:** \`npm install ${DYNAMIC_SDK} @pulumi/pulumi\`. The provider code ships ` +
        "inside the package; no plugin. The examples' TypeScript uses it.",
      `- **The native plugin** (every other language, and TypeScript with \`${schema.language?.nodejs?.packageName}\`): ` +
        `\`pulumi plugin install resource ${schema.name} ${version} --file ` +
        `pulumi-resource-${schema.name}-v${version}-linux-amd64.tar.gz\` (the tarball \`make tools\` builds into ` +
        "`.tools/plugin/`). Its SDKs are generated from schema.json by `make gen`, into " +
        "`sdk/generated/{nodejs,python,go}`; none is published yet.",
      `- **Python:** \`pip install <repo>/sdk/generated/python\`, then \`import ${schema.language?.python?.packageName}\`.`,
      `- **Go:** \`import "${go.importPath}"\`, package \`${go.packageName}\` of the module \`${go.modulePath}\`, ` +
        "which `make gen` writes, with its go.mod, into `sdk/generated/go`. Until the module is published, point " +
        "your program's go.mod at that folder with a `replace` directive:",
      "",
      fenced("sh", goCommands.join("\n"))
        .split("\n")
        .map((line) => `  ${line}`)
        .join("\n"),
      "",
      `- **Pulumi YAML:** nothing to install but the plugin; resources and functions by their tokens ` +
        `(\`${schema.name}:index:<Name>\`).`,
    ].join("\n"),
  ].join("\n\n");
}

/**
 * @param {PackageSchema} schema
 * @param {string} token
 * @param {ResourceSpec} resource
 */
function resourcePage(schema, token, resource) {
  const name = memberName(token);
  return page([
    `# ${name}`,
    `Resource \`${token}\` · [API reference](${INDEX})`,
    resource.description ?? "",
    exampleSection(schema, token),
    "## Inputs",
    "Set on the resource's `args`. Every input also accepts an `Output` of its type.",
    inputTable(resource.inputProperties ?? {}, resource.requiredInputs ?? [], INDEX, { replaces: true }),
    "## Outputs",
    "Read from the resource object as `Output`s once `up` created it.",
    outputTable(resource.properties ?? {}, resource.required ?? [], INDEX),
    importSection(schema, token),
  ]);
}

/**
 * @param {PackageSchema} schema
 * @param {string} token
 * @param {FunctionSpec} fn
 */
function functionPage(schema, token, fn) {
  const name = memberName(token);
  const inputs = fn.inputs?.properties ?? {};
  const positional = fn.multiArgumentInputs ?? [];
  const blocks = [
    `# ${name}`,
    `Function \`${token}\` · [API reference](${INDEX})`,
    fn.description ?? "",
    exampleSection(schema, token),
    "## Arguments",
    positional.length > 0
      ? "Passed in this order, as separate arguments."
      : "Passed as one object; every field is optional unless marked required.",
    inputTable(inputs, fn.inputs?.required ?? [], INDEX),
    "## Result",
  ];
  const result = fn.outputs;
  if (!result) {
    blocks.push("Nothing.");
  } else if (result.properties) {
    blocks.push(outputTable(result.properties, result.required ?? [], INDEX));
  } else {
    blocks.push(`${typeText(result, INDEX)}${result.description ? ` — ${cell(result.description)}` : ""}`);
    // An object type's fields belong where the reader is: repeat them below the result line.
    const ref = result.$ref ?? result.items?.$ref;
    const named = ref ? schema.types?.[ref.replace("#/types/", "")] : undefined;
    if (named?.properties) {
      blocks.push(
        `Fields of ${memberName(ref ?? "")}:`,
        outputTable(named.properties, named.required ?? [], INDEX),
      );
    }
  }
  return page(blocks);
}

/** @param {PackageSchema} schema */
function indexPage(schema) {
  const blocks = [
    `# ${schema.displayName ?? schema.name} — API reference`,
    `Package \`${schema.name}\`${schema.version ? ` ${schema.version}` : ""}. ${schema.description ?? ""}`.trim(),
    installSection(schema),
    "## Provider configuration",
    `Stack configuration keys (\`pulumi config set [--secret] ${schema.name}:<name> <value>\`); each falls back to its environment variable.`,
    table(
      ["Key", "Type", "Secret", "Default", "Environment", "Description"],
      Object.entries(schema.config?.variables ?? {}).map(([name, spec]) => [
        `\`${schema.name}:${name}\``,
        cell(typeText(spec, "")),
        spec.secret ? "yes" : "no",
        defaultText(spec),
        (spec.defaultInfo?.environment ?? []).map((variable) => `\`${variable}\``).join(", "),
        cell(spec.description),
      ]),
    ),
    "## Resources",
    Object.entries(schema.resources ?? {})
      .map(
        ([token, resource]) =>
          `- [${memberName(token)}](${pageOf(token)}) — ${summary(resource.description)}`,
      )
      .join("\n"),
    "## Functions",
    Object.entries(schema.functions ?? {})
      .map(([token, fn]) => `- [${memberName(token)}](${pageOf(token)}) — ${summary(fn.description)}`)
      .join("\n"),
    "## Types",
  ];
  for (const [token, type] of Object.entries(schema.types ?? {})) {
    blocks.push(`### ${memberName(token)}`, type.description ?? "");
    if (type.enum) {
      blocks.push(
        `An enum of \`${type.type}\`.`,
        table(
          ["Value", "Name", "Description"],
          type.enum.map((member) => [
            `\`${JSON.stringify(member.value)}\``,
            member.name ?? "",
            cell(member.description),
          ]),
        ),
      );
    } else {
      blocks.push(outputTable(type.properties ?? {}, type.required ?? [], ""));
    }
  }
  return page(blocks);
}

/**
 * Renders every page of the reference.
 * @param {PackageSchema} schema the parsed schema.json
 * @returns {Map<string, string>} file name (in docs/reference) → content
 */
function renderDocs(schema) {
  /** @type {Map<string, string>} */
  const pages = new Map([[INDEX, indexPage(schema)]]);
  for (const [token, resource] of Object.entries(schema.resources ?? {})) {
    pages.set(pageOf(token), resourcePage(schema, token, resource));
  }
  for (const [token, fn] of Object.entries(schema.functions ?? {})) {
    const file = pageOf(token);
    if (pages.has(file)) throw new Error(`${token} would overwrite ${file}; rename one of them`);
    pages.set(file, functionPage(schema, token, fn));
  }
  return pages;
}

/** Reads schema.json from the repository root. */
function readSchema() {
  return /** @type {PackageSchema} */ (JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")));
}

/**
 * Compares rendered pages with the folder: the names of pages that differ, are missing, or are
 * left over from a member the schema no longer has.
 * @param {Map<string, string>} pages
 * @param {string} dir
 */
function stalePages(pages, dir) {
  const onDisk = fs.existsSync(dir) ? fs.readdirSync(dir).filter((file) => file.endsWith(".md")) : [];
  const stale = onDisk.filter((file) => !pages.has(file));
  for (const [file, content] of pages) {
    const target = path.join(dir, file);
    if (!fs.existsSync(target) || fs.readFileSync(target, "utf8") !== content) stale.push(file);
  }
  return stale.sort();
}

function main() {
  const pages = renderDocs(readSchema());
  if (process.argv.includes("--check")) {
    const stale = stalePages(pages, OUT_DIR);
    if (stale.length > 0) {
      console.error(`docs/reference is out of date (${stale.join(", ")}); run: node scripts/gen-docs.js`);
      process.exit(1);
    }
    console.log("docs/reference is up to date with schema.json");
    return;
  }
  fs.mkdirSync(OUT_DIR, { recursive: true });
  // Pages of members that left the schema must go too, or the reference would document them.
  for (const file of fs.readdirSync(OUT_DIR)) {
    if (file.endsWith(".md") && !pages.has(file)) fs.rmSync(path.join(OUT_DIR, file));
  }
  for (const [file, content] of pages) fs.writeFileSync(path.join(OUT_DIR, file), content);
  console.log(`wrote ${pages.size} pages to ${path.relative(ROOT, OUT_DIR)}`);
}

module.exports = { main, renderDocs, readSchema, stalePages, OUT_DIR, BANNER };

if (require.main === module) main();
