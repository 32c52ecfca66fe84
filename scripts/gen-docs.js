#!/usr/bin/env node
// @ts-check
// Generates the API reference (docs/reference/*.md) from schema.json, the package's one contract:
// a page per resource and per function, and an index with the provider configuration and the
// shared types. Run `node scripts/gen-docs.js` after editing schema.json; `--check` only reports
// whether the pages on disk are up to date (exit 1 when not), for CI.

const fs = require("node:fs");
const path = require("node:path");

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
 *   language?: { nodejs?: { packageName?: string }, python?: { packageName?: string } },
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

/**
 * A fenced TypeScript block with the SDK's import line.
 * @param {PackageSchema} schema
 */
function importBlock(schema) {
  const packageName = schema.language?.nodejs?.packageName ?? schema.name;
  const fence = "```";
  return `${fence}typescript\nimport * as ${schema.name} from "${packageName}";\n${fence}`;
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
    `Resource \`${token}\` · TypeScript: \`new ${schema.name}.${name}(name, args, opts?)\` · [API reference](${INDEX})`,
    resource.description ?? "",
    importBlock(schema),
    "## Inputs",
    "Set on the resource's `args`. Every input also accepts an `Output` of its type.",
    inputTable(resource.inputProperties ?? {}, resource.requiredInputs ?? [], INDEX, { replaces: true }),
    "## Outputs",
    "Read from the resource object as `Output`s once `up` created it.",
    outputTable(resource.properties ?? {}, resource.required ?? [], INDEX),
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
  const signature =
    positional.length > 0 ? positional.join(", ") : Object.keys(inputs).length > 0 ? "args?" : "";
  const blocks = [
    `# ${name}`,
    `Function \`${token}\` · TypeScript: \`${schema.name}.${name}(${signature})\` · [API reference](${INDEX})`,
    fn.description ?? "",
    importBlock(schema),
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
    importBlock(schema),
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
