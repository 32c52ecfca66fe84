#!/usr/bin/env node
// Writes every file derived from the resources' and functions' contracts (each resource's
// provider/src/resources/<name>/contract.ts and the lookups' in provider/src/resources/lookups.ts,
// declared in the vocabulary of provider/src/schema and gathered by provider/src/registry.ts):
// schema.json and the dynamic SDK's classes and types, then docs/reference from schema.json.
// Run through `make schema`, which builds the provider first; tests/unit/generated.test.ts fails
// when a written file is stale.

const fs = require("node:fs");
const path = require("node:path");

const ROOT = path.resolve(__dirname, "..");

function main() {
  const { derivedFiles } = require(path.join(ROOT, "provider/dist/schema/files.js"));
  for (const [file, content] of derivedFiles()) {
    const target = path.join(ROOT, file);
    const before = fs.existsSync(target) ? fs.readFileSync(target, "utf8") : undefined;
    if (before === content) continue;
    fs.writeFileSync(target, content);
    process.stdout.write(`wrote ${file}\n`);
  }
  require("./gen-docs.js").main();
}

main();
