/**
 * Every file derived from the contracts is what `make schema` writes today: schema.json, the dynamic
 * SDK's classes and types, and docs/reference (rendered from schema.json). A contract changed without
 * `make schema`, or a generated file edited by hand, fails here with the file's name. Each generated
 * file says so in its first line.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { derivedFiles } from "../../provider/src/schema/files";
import { GENERATED_NOTICE } from "../../provider/src/schema/render";

// gen-docs.js is a plain Node script (CommonJS), loaded as such.
const genDocs = require("../../scripts/gen-docs.js") as {
  renderDocs(schema: unknown): Map<string, string>;
  stalePages(pages: Map<string, string>, dir: string): string[];
  OUT_DIR: string;
  BANNER: string;
};

const ROOT = path.resolve(__dirname, "../..");
const files = derivedFiles();

describe("generated files are up to date (run `make schema` after changing a contract)", () => {
  it.each([...files.keys()])("%s", (file) => {
    const onDisk = fs.readFileSync(path.join(ROOT, file), "utf8");
    expect(onDisk.split("\n")[0]).toContain(GENERATED_NOTICE);
    expect(onDisk === files.get(file), `${file} is stale: run make schema`).toBe(true);
  });

  it("docs/reference", () => {
    const schema = JSON.parse(files.get("schema.json") ?? "{}");
    const pages = genDocs.renderDocs(schema);
    expect(genDocs.stalePages(pages, genDocs.OUT_DIR)).toEqual([]);
    for (const content of pages.values()) expect(content.split("\n")[0]).toBe(genDocs.BANNER);
  });
});
