/**
 * The example programs of the API reference as its pages show them (docs/reference/*.md, written by
 * scripts/gen-docs.js from scripts/reference-examples.js): what a reader copies, so what the tests
 * compile, type-check and run in each language.
 */
import * as fs from "node:fs";
import * as path from "node:path";

/** The repository root. */
const ROOT = path.resolve(__dirname, "..");
/** The folder of the reference pages. */
export const REFERENCE_DIR = path.join(ROOT, "docs", "reference");

/** The languages of a page's "Example usage", by their code fence's name. */
export type ExampleLanguage = "typescript" | "python" | "go" | "yaml";

/** One page's example in one language. */
export interface PageExample {
  /** The page's file name without `.md`, e.g. `backup-schedule`. */
  page: string;
  code: string;
}

/** The pages with an "Example usage" section: every resource and function page (not the index). */
export function examplePages(): string[] {
  return fs
    .readdirSync(REFERENCE_DIR)
    .filter((file) => file.endsWith(".md") && file !== "index.md")
    .map((file) => file.replace(/\.md$/, ""))
    .sort();
}

/** The text of a page. */
export function pageText(page: string): string {
  return fs.readFileSync(path.join(REFERENCE_DIR, `${page}.md`), "utf8");
}

/**
 * The code blocks of one language in a page's "Example usage" section (between its heading and the
 * next `## ` heading).
 */
export function exampleBlocks(page: string, language: ExampleLanguage): string[] {
  const text = pageText(page);
  const start = text.indexOf("\n## Example usage\n");
  if (start < 0) return [];
  const next = text.indexOf("\n## ", start + 1);
  const section = text.slice(start, next < 0 ? undefined : next);
  const fence = new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\\n\`\`\``, "g");
  return [...section.matchAll(fence)].map((match) => match[1] ?? "");
}

/** Every page's example in `language`: exactly one per page, or it throws. */
export function referenceExamples(language: ExampleLanguage): PageExample[] {
  return examplePages().map((page) => {
    const blocks = exampleBlocks(page, language);
    if (blocks.length !== 1) throw new Error(`${page}.md has ${blocks.length} ${language} examples, not one`);
    return { page, code: blocks[0] ?? "" };
  });
}
