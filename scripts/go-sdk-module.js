#!/usr/bin/env node
// @ts-check
// The Go SDK's module. `make gen` has the engine's Go generator write the SDK's packages into
// sdk/generated/go/<package>; the generator writes no go.mod for this schema (it does only for
// packages that opt into `pulumi package pack`), so this script writes it, making
// sdk/generated/go the module that schema.json's `language.go.modulePath` names. The module is not
// published: a program uses it through a `replace` directive to that folder (docs/reference/index.md,
// examples/go-quickstart).
//
// Usage: node scripts/go-sdk-module.js <dir>   writes <dir>/go.mod (dir: the generator's `go` folder)

const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");
/**
 * The module the generator is built from (tools/codegen-host): its Pulumi Go SDK is the one the code
 * is generated for, and its Go version the least that SDK needs.
 */
const CODEGEN_GO_MOD = path.join(ROOT, "tools", "codegen-host", "go.mod");

/**
 * The Go SDK's module path, root import path and package name, from schema.json's `language.go`.
 * The root package must sit directly in the module's folder, as the generator writes it.
 * @param {{ language?: { go?: { importBasePath?: string, modulePath?: string } } }} schema
 * @returns {{ modulePath: string, importPath: string, packageName: string }}
 */
function goModule(schema) {
  const importPath = schema.language?.go?.importBasePath;
  const modulePath = schema.language?.go?.modulePath;
  if (!importPath || !modulePath)
    throw new Error("schema.json's language.go needs importBasePath and modulePath");
  if (path.posix.dirname(importPath) !== modulePath) {
    throw new Error(`the Go import path ${importPath} is not a package directly in the module ${modulePath}`);
  }
  return { modulePath, importPath, packageName: path.posix.basename(importPath) };
}

/**
 * The version of github.com/pulumi/pulumi/sdk/v3 the generator is built with, and the Go version
 * its module asks for (tools/codegen-host/go.mod).
 * @returns {{ pulumiSdk: string, go: string }}
 */
function codegenVersions() {
  const text = fs.readFileSync(CODEGEN_GO_MOD, "utf8");
  const pulumiSdk = /^\s*github\.com\/pulumi\/pulumi\/sdk\/v3 (v\S+)$/m.exec(text)?.[1];
  const go = /^go (\S+)$/m.exec(text)?.[1];
  if (!pulumiSdk || !go)
    throw new Error(`${CODEGEN_GO_MOD} names no go version or github.com/pulumi/pulumi/sdk/v3`);
  return { pulumiSdk, go };
}

/**
 * The go.mod of the Go SDK's module: its path, and the Pulumi Go SDK its code is generated for.
 * @param {Parameters<typeof goModule>[0]} schema
 */
function goModText(schema) {
  const { modulePath } = goModule(schema);
  const versions = codegenVersions();
  return `module ${modulePath}\n\ngo ${versions.go}\n\nrequire github.com/pulumi/pulumi/sdk/v3 ${versions.pulumiSdk}\n`;
}

/**
 * Writes `<dir>/go.mod` for the schema at `schemaFile` (default: the repository's schema.json).
 * @param {string} dir the folder holding the generated root package
 * @param {string} [schemaFile]
 * @returns {string} the file written
 */
function writeGoMod(dir, schemaFile = path.join(ROOT, "schema.json")) {
  const schema = JSON.parse(fs.readFileSync(schemaFile, "utf8"));
  const { packageName } = goModule(schema);
  if (!fs.existsSync(path.join(dir, packageName))) {
    throw new Error(`${dir} holds no package ${packageName}: generate the Go SDK first (make gen)`);
  }
  const file = path.join(dir, "go.mod");
  fs.writeFileSync(file, goModText(schema));
  return file;
}

module.exports = { codegenVersions, goModule, goModText, writeGoMod };

if (require.main === module) {
  const dir = process.argv[2];
  if (!dir) {
    console.error("usage: node scripts/go-sdk-module.js <dir>");
    process.exit(2);
  }
  console.log(`wrote ${path.relative(process.cwd(), writeGoMod(dir))}`);
}
