/**
 * Every code sample in the user docs works as printed, so a reader who copies one is not the first to
 * find that it does not: README.md, docs/ (docs/reference included), and each example's README.
 *
 * - ```ts / ```typescript: type-checks as a user's project compiles it. All samples are written into
 *   one temporary project under .test-work (so `pulumi-dfcloud` and `@pulumi/pulumi` resolve from the
 *   repository's node_modules, as from a user's), with a package.json like the examples' (CommonJS)
 *   and examples/quickstart/tsconfig.json's compiler options, and the repository's TypeScript compiles
 *   that project as `tsc -p` would (every file's errors, not only the first file's syntax errors).
 *   `pulumi-dfcloud-backups`, the native plugin's generated SDK, exists only after `make gen`, so it
 *   is declared as an untyped module: samples using it are checked for everything but its types.
 * - ```yaml: parses; a Pulumi YAML program (`runtime: yaml`, or `resources:`) declares resources or
 *   variables, and each `dfcloud-backups:` type, property, invoke and argument is one schema.json
 *   declares.
 * - ```json: parses.
 * - ```sh / ```bash, and inline code starting with `make ` or `npx dfcloud-emulator`: every `make`
 *   target is one the Makefile defines, and every `dfcloud-emulator` command line (also
 *   `node emulator/dist/cli.js`, and `EMULATOR_ARGS` of `make emulator`) is one the emulator's own
 *   argument parser accepts.
 *
 * Markers, as an HTML comment on the line before a code block (invisible in rendered Markdown):
 * - `<!-- sample: fragment DECLARATIONS -->`: a deliberately partial TypeScript sample; DECLARATIONS
 *   (TypeScript, may span lines) are put before it, e.g. the free variables it uses:
 *   `<!-- sample: fragment import * as dfcloud from "pulumi-dfcloud"; declare const datastoreId: string; -->`
 * - `<!-- sample: skip REASON -->`: not checked at all; the reason is required.
 *
 * And every relative link among these files points at a file, and a heading, that exists.
 *
 * A failure names the sample as FILE:LINE (the first line of its code) and what is wrong.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

// js-yaml comes with @pulumi/pulumi; it has no type declarations here.
const yaml = require("js-yaml") as { load(text: string): unknown };

/** One fenced code block of a Markdown file. */
interface Sample {
  /** The Markdown file, relative to the repository root. */
  file: string;
  /** Line (1-based) of the block's first line of code. */
  line: number;
  /** The fence's language, lower case ("" when none). */
  lang: string;
  code: string;
  /** The `<!-- sample: … -->` marker before it, if any. */
  marker?: { kind: "fragment" | "skip"; text: string; line: number };
}

/** The user docs whose samples are checked. */
function markdownFiles(): string[] {
  const files = ["README.md"];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      const relative = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(relative);
      else if (entry.name.endsWith(".md")) files.push(relative);
    }
  };
  walk("docs");
  for (const example of fs.readdirSync(path.join(ROOT, "examples"))) {
    const readme = path.join("examples", example, "README.md");
    if (fs.existsSync(path.join(ROOT, readme))) files.push(readme);
  }
  return files.sort();
}

const MARKER = /^<!--\s*sample:\s*(\w+)\s*([\s\S]*?)\s*-->$/;

/** The fenced code blocks of `file`, each with the marker comment right before it. */
function samplesOf(file: string): Sample[] {
  const lines = fs.readFileSync(path.join(ROOT, file), "utf8").split("\n");
  const samples: Sample[] = [];
  let pendingMarker: Sample["marker"];
  for (let index = 0; index < lines.length; index += 1) {
    const text = lines[index] ?? "";
    if (text.trimStart().startsWith("<!--") && /^\s*<!--\s*sample:/.test(text)) {
      // A marker may span lines, up to its -->.
      let end = index;
      while (!(lines[end] ?? "").includes("-->") && end < lines.length - 1) end += 1;
      const comment = lines
        .slice(index, end + 1)
        .join("\n")
        .trim();
      const match = MARKER.exec(comment);
      if (!match) throw new Error(`${file}:${index + 1}: unreadable sample marker ${comment}`);
      const kind = match[1] ?? "";
      if (kind !== "fragment" && kind !== "skip")
        throw new Error(`${file}:${index + 1}: unknown sample marker "${kind}" (fragment or skip)`);
      if (kind === "skip" && (match[2] ?? "") === "")
        throw new Error(`${file}:${index + 1}: <!-- sample: skip --> needs a reason`);
      pendingMarker = { kind, text: match[2] ?? "", line: index + 1 };
      index = end;
      continue;
    }
    const fence = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(text);
    if (!fence) {
      if (text.trim() !== "") pendingMarker = undefined;
      continue;
    }
    const [, indent = "", marks = "", lang = ""] = fence;
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !(lines[end] ?? "").trimStart().startsWith(marks)) {
      body.push(
        (lines[end] ?? "").startsWith(indent) ? (lines[end] ?? "").slice(indent.length) : (lines[end] ?? ""),
      );
      end += 1;
    }
    samples.push({
      file,
      line: index + 2,
      lang: lang.toLowerCase(),
      code: body.join("\n"),
      ...(pendingMarker ? { marker: pendingMarker } : {}),
    });
    pendingMarker = undefined;
    index = end;
  }
  return samples;
}

/** Inline code spans of prose (outside fenced blocks), with their line. */
function inlineCodeOf(file: string): { line: number; code: string }[] {
  const spans: { line: number; code: string }[] = [];
  let inFence = false;
  fs.readFileSync(path.join(ROOT, file), "utf8")
    .split("\n")
    .forEach((text, index) => {
      if (/^\s*(`{3,}|~{3,})/.test(text)) {
        inFence = !inFence;
        return;
      }
      if (inFence) return;
      for (const match of text.matchAll(/(?<!`)`([^`]+)`(?!`)/g))
        spans.push({ line: index + 1, code: match[1] ?? "" });
    });
  return spans;
}

const FILES = markdownFiles();
const SAMPLES = FILES.flatMap(samplesOf);
const where = (sample: { file: string; line: number }): string => `${sample.file}:${sample.line}`;
const checked = (langs: string[]): Sample[] =>
  SAMPLES.filter((sample) => langs.includes(sample.lang) && sample.marker?.kind !== "skip");
/** `[name, sample]` rows for it.each, which refuses an empty table: one row saying so instead. */
const rows = (samples: Sample[]): (readonly [string, Sample | undefined])[] =>
  samples.length > 0
    ? samples.map((sample) => [where(sample), sample] as const)
    : [["(no samples)", undefined]];

// ---------------------------------------------------------------------------------------------------
// TypeScript

const TS_SAMPLES = checked(["ts", "typescript"]);
const PROJECT = path.join(ROOT, ".test-work", `doc-samples-${randomBytes(4).toString("hex")}`);

/** The sample's source file in the project, and how many lines come before its own code. */
function sourceOf(sample: Sample, index: number): { name: string; text: string; preamble: number } {
  const preamble = sample.marker?.kind === "fragment" ? `${sample.marker.text}\n` : "";
  // `export {}` makes every sample a module of its own, as a program's index.ts is; a sample without
  // imports would otherwise share one global scope with the others.
  return {
    name: `sample-${index}.ts`,
    text: `${preamble}${sample.code}\nexport {};\n`,
    preamble: preamble === "" ? 0 : preamble.split("\n").length - 1,
  };
}

/** The compiler's diagnostics, by sample index; `other` holds any that belong to no sample (a broken setup). */
let diagnostics: { bySample: Map<number, string[]>; other: string[] };

beforeAll(() => {
  if (TS_SAMPLES.length === 0) return;
  fs.mkdirSync(PROJECT, { recursive: true });
  const example = JSON.parse(
    fs.readFileSync(path.join(ROOT, "examples/quickstart/tsconfig.json"), "utf8"),
  ) as { compilerOptions: Record<string, unknown> };
  const sources = TS_SAMPLES.map(sourceOf);
  for (const source of sources) fs.writeFileSync(path.join(PROJECT, source.name), source.text);
  fs.writeFileSync(
    path.join(PROJECT, "native-sdk.d.ts"),
    '// The native plugin\'s generated SDK exists only after `make gen`: untyped here.\ndeclare module "pulumi-dfcloud-backups";\n',
  );
  fs.writeFileSync(
    path.join(PROJECT, "package.json"),
    `${JSON.stringify({ name: "doc-samples", private: true, main: "index.ts" })}\n`,
  );
  fs.writeFileSync(
    path.join(PROJECT, "tsconfig.json"),
    `${JSON.stringify({
      compilerOptions: { ...example.compilerOptions, noEmit: true },
      files: ["native-sdk.d.ts", ...sources.map((source) => source.name)],
    })}\n`,
  );
  // The project as `tsc -p` reads it. The compiler API rather than the tsc command: tsc stops at
  // syntax errors in any file, which would hide every other sample's type errors.
  const config = ts.getParsedCommandLineOfConfigFile(path.join(PROJECT, "tsconfig.json"), undefined, {
    ...ts.sys,
    onUnRecoverableConfigFileDiagnostic: (diagnostic) => {
      throw new Error(ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"));
    },
  });
  if (!config) throw new Error(`${PROJECT}/tsconfig.json cannot be read`);
  const program = ts.createProgram({ rootNames: config.fileNames, options: config.options });
  const bySample = new Map<number, string[]>();
  const other = [...config.errors, ...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()].map(
    (diagnostic) => ts.flattenDiagnosticMessageText(diagnostic.messageText, "\n"),
  );
  sources.forEach((source, index) => {
    const sample = TS_SAMPLES[index] as Sample;
    const file = program.getSourceFile(path.join(PROJECT, source.name));
    if (!file) {
      other.push(`${source.name} is not in the program`);
      return;
    }
    const found = [...program.getSyntacticDiagnostics(file), ...program.getSemanticDiagnostics(file)];
    bySample.set(
      index,
      found.map((diagnostic) => {
        const { line, character } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
        const codeLine = line + 1 - source.preamble;
        const at =
          codeLine >= 1
            ? `${sample.file}:${sample.line + codeLine - 1}:${character + 1}`
            : `${sample.file}:${sample.marker?.line ?? sample.line} (the fragment marker's declarations)`;
        return `${at}: TS${diagnostic.code}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, " ")}`;
      }),
    );
  });
  diagnostics = { bySample, other };
}, 120_000);

afterAll(() => fs.rmSync(PROJECT, { recursive: true, force: true }));

describe("TypeScript samples type-check as a user's program compiles them (examples' tsconfig, CommonJS)", () => {
  it("the compiler ran over the samples and reported nothing outside them", () => {
    expect(TS_SAMPLES.length).toBeGreaterThan(0);
    expect(diagnostics.other).toEqual([]);
  });

  it.each(TS_SAMPLES.map((sample, index) => [where(sample), index] as const))("%s", (_name, index) => {
    expect(diagnostics.bySample.get(index) ?? []).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// YAML and JSON

interface SchemaDoc {
  resources: Record<string, { inputProperties?: Record<string, unknown>; requiredInputs?: string[] }>;
  functions: Record<string, { inputs?: { properties?: Record<string, unknown> } }>;
  name: string;
}
const SCHEMA = JSON.parse(fs.readFileSync(path.join(ROOT, "schema.json"), "utf8")) as SchemaDoc;

/** What is wrong with a Pulumi YAML program's use of this package (empty when nothing). */
function programProblems(program: Record<string, unknown>): string[] {
  const problems: string[] = [];
  // A program that only looks something up (fn::invoke in variables) is a program too.
  if (program.resources === undefined && program.variables === undefined)
    return ["a Pulumi YAML program with neither resources: nor variables:"];
  const resources = program.resources ?? {};
  if (typeof resources !== "object" || resources === null) return ["resources: is not a mapping"];
  const ours = `${SCHEMA.name}:`;
  for (const [name, resource] of Object.entries(resources as Record<string, Record<string, unknown>>)) {
    const type = resource?.type;
    if (typeof type !== "string") {
      problems.push(`resource ${name} has no type`);
      continue;
    }
    if (!type.startsWith(ours) || type === `pulumi:providers:${SCHEMA.name}`) continue;
    const declared = SCHEMA.resources[type];
    if (!declared) {
      problems.push(`resource ${name}: ${type} is not a type of ${SCHEMA.name}`);
      continue;
    }
    const properties = Object.keys((resource.properties as object | undefined) ?? {});
    for (const property of properties)
      if (!(property in (declared.inputProperties ?? {})))
        problems.push(`resource ${name}: ${type} has no input ${property}`);
    for (const required of declared.requiredInputs ?? [])
      if (!properties.includes(required)) problems.push(`resource ${name}: ${type} needs ${required}`);
  }
  // Invokes anywhere in the program: fn::invoke with `function` and `arguments`.
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (typeof value !== "object" || value === null) return;
    for (const [key, inner] of Object.entries(value)) {
      if (key === "fn::invoke" && typeof inner === "object" && inner !== null) {
        const { function: fn, arguments: args } = inner as { function?: unknown; arguments?: unknown };
        if (typeof fn === "string" && fn.startsWith(ours)) {
          const declared = SCHEMA.functions[fn];
          if (!declared) problems.push(`fn::invoke: ${fn} is not a function of ${SCHEMA.name}`);
          else
            for (const arg of Object.keys((args as object | undefined) ?? {}))
              if (!(arg in (declared.inputs?.properties ?? {})))
                problems.push(`fn::invoke ${fn} has no argument ${arg}`);
        }
      }
      visit(inner);
    }
  };
  visit(program);
  return problems;
}

describe("YAML samples parse, and Pulumi YAML programs use only what the package declares", () => {
  it.each(rows(checked(["yaml", "yml"])))("%s", (name, sample) => {
    if (!sample) return;
    let parsed: unknown;
    try {
      parsed = yaml.load(sample.code);
    } catch (error) {
      throw new Error(`${name}: does not parse as YAML: ${(error as Error).message}`);
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return;
    const program = parsed as Record<string, unknown>;
    const runtime = program.runtime;
    const runtimeName =
      typeof runtime === "object" && runtime !== null ? (runtime as { name?: unknown }).name : runtime;
    if (runtimeName === "yaml" || "resources" in program)
      expect(programProblems(program).map((problem) => `${name}: ${problem}`)).toEqual([]);
  });
});

describe("JSON samples parse", () => {
  it.each(rows(checked(["json"])))("%s", (name, sample) => {
    if (!sample) return;
    expect(() => JSON.parse(sample.code), name).not.toThrow();
  });
});

// ---------------------------------------------------------------------------------------------------
// Shell: make targets and emulator flags

/** The Makefile's targets. */
const MAKE_TARGETS = new Set(
  fs
    .readFileSync(path.join(ROOT, "Makefile"), "utf8")
    .split("\n")
    .flatMap((line) => {
      const match = /^([A-Za-z0-9_./-]+(?:[ \t]+[A-Za-z0-9_./-]+)*)[ \t]*:(?!=)/.exec(line);
      return match ? (match[1] ?? "").split(/\s+/) : [];
    }),
);

/** The emulator's own argument parser (emulator/src/cliArgs.ts), loaded from source. */
let parseCliArgs: (argv: readonly string[]) => unknown;
beforeAll(async () => {
  const modulePath = path.join(ROOT, "emulator/src/cliArgs.ts");
  ({ parseCliArgs } = (await import(modulePath)) as { parseCliArgs: typeof parseCliArgs });
});

type Token = { word: string } | { op: string };

/** Splits one shell line into words (quotes removed) and operators; comments dropped. */
function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  let word: string | undefined;
  const flush = (): void => {
    if (word !== undefined) tokens.push({ word });
    word = undefined;
  };
  for (let i = 0; i < line.length; i += 1) {
    const c = line[i] ?? "";
    if (c === "'" || c === '"') {
      const close = line.indexOf(c, i + 1);
      const end = close === -1 ? line.length : close;
      word = (word ?? "") + line.slice(i + 1, end);
      i = end;
    } else if (c === "\\" && i + 1 < line.length) {
      word = (word ?? "") + line[i + 1];
      i += 1;
    } else if (/\s/.test(c)) {
      flush();
    } else if (c === "#" && word === undefined) {
      break;
    } else if (c === "$" && line[i + 1] === "(") {
      flush();
      tokens.push({ op: "$(" });
      i += 1;
    } else if ("&|;()<>".includes(c)) {
      flush();
      // `2>&1`, `>>`, `&&`, `||`: one operator.
      let op = c;
      while (i + 1 < line.length && "&|>".includes(line[i + 1] ?? "") && op.length < 3) op += line[++i];
      tokens.push({ op });
    } else {
      word = (word ?? "") + c;
    }
  }
  flush();
  // A bare fd before a redirect (`2>`) is part of it, not a word.
  return tokens.filter(
    (token, index) => !("word" in token && /^\d$/.test(token.word) && "op" in (tokens[index + 1] ?? {})),
  );
}

/** The simple commands of a line: words between operators, without redirects and their targets. */
function commandsOf(line: string): string[][] {
  const commands: string[][] = [[]];
  const tokens = tokenize(line);
  for (let i = 0; i < tokens.length; i += 1) {
    const token = tokens[i] as Token;
    if ("op" in token) {
      if (/^[<>]|^&>|^\d?>/.test(token.op)) {
        // A redirect: its target is the next word (none after `2>&1`).
        if (!token.op.endsWith("&") && !/&\d?$/.test(token.op) && "word" in (tokens[i + 1] ?? {})) i += 1;
        continue;
      }
      commands.push([]);
    } else (commands.at(-1) as string[]).push(token.word);
  }
  return commands.filter((command) => command.length > 0);
}

/** A shell value that stands for something the reader fills in: checked as a number-like word. */
const placeholder = (word: string): string => (/[$<…]/.test(word) ? "1" : word);

/** What is wrong with one simple command's use of `make` or the emulator (empty when nothing). */
function commandProblems(words: string[]): string[] {
  let rest = [...words];
  while (rest.length > 0 && /^[A-Za-z_][A-Za-z0-9_]*=/.test(rest[0] ?? "")) rest = rest.slice(1);
  const [command, ...args] = rest;
  if (command === "make") {
    const problems: string[] = [];
    for (const arg of args) {
      if (arg.startsWith("-")) continue;
      const assignment = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s.exec(arg);
      if (assignment) {
        if (assignment[1] === "EMULATOR_ARGS")
          problems.push(...emulatorProblems(commandsOf(assignment[2] ?? "").flat()));
        continue;
      }
      if (!MAKE_TARGETS.has(arg)) problems.push(`make ${arg}: the Makefile has no target ${arg}`);
    }
    return problems;
  }
  if (command === "dfcloud-emulator") return emulatorProblems(args);
  if (command === "npx") {
    const at = args.findIndex((arg) => !arg.startsWith("-"));
    if (args[at] === "dfcloud-emulator") return emulatorProblems(args.slice(at + 1));
  }
  if (command === "node" && /(^|\/)emulator\/dist\/cli\.js$/.test(args[0] ?? ""))
    return emulatorProblems(args.slice(1));
  return [];
}

/** What the emulator's parser says about these arguments (empty when it accepts them). */
function emulatorProblems(args: string[]): string[] {
  try {
    parseCliArgs(args.map(placeholder));
    return [];
  } catch (error) {
    return [`dfcloud-emulator ${args.join(" ")}: ${(error as Error).message}`];
  }
}

/** The logical lines of a shell block: backslash continuations joined. */
function shellLines(code: string): { offset: number; text: string }[] {
  const lines: { offset: number; text: string }[] = [];
  const raw = code.split("\n");
  for (let i = 0; i < raw.length; i += 1) {
    const offset = i;
    let text = raw[i] ?? "";
    while (text.endsWith("\\") && i + 1 < raw.length) {
      i += 1;
      text = `${text.slice(0, -1)} ${raw[i] ?? ""}`;
    }
    lines.push({ offset, text: text.replace(/^\$ /, "") });
  }
  return lines;
}

describe("shell samples name real make targets and emulator flags", () => {
  it("the checker sees a wrong target and a wrong flag (it can fail)", () => {
    expect(commandProblems(["make", "demo", "tset"])).toEqual(["make tset: the Makefile has no target tset"]);
    expect(
      commandsOf("npx dfcloud-emulator --port 8765 --nope > log 2>&1 &").flatMap(commandProblems),
    ).toEqual([expect.stringContaining("--nope")]);
    expect(commandsOf("npx dfcloud-emulator --port 8765 --time-scale 60 &").flatMap(commandProblems)).toEqual(
      [],
    );
  });

  it.each(rows(checked(["sh", "bash", "shell", "console", "zsh"])))("%s", (_name, sample) => {
    if (!sample) return;
    const problems = shellLines(sample.code).flatMap(({ offset, text }) =>
      commandsOf(text)
        .flatMap(commandProblems)
        .map((problem) => `${sample.file}:${sample.line + offset}: ${problem}`),
    );
    expect(problems).toEqual([]);
  });

  it.each(FILES)("%s: inline `make …` and `npx dfcloud-emulator …`", (file) => {
    const problems = inlineCodeOf(file)
      .filter(({ code }) => /^(make |npx dfcloud-emulator|dfcloud-emulator )/.test(code))
      .flatMap(({ line, code }) =>
        commandsOf(code)
          .flatMap(commandProblems)
          .map((problem) => `${file}:${line}: ${problem}`),
      );
    expect(problems).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------
// Links

/** GitHub's anchor of each heading of a Markdown file (lower case, punctuation dropped, spaces to -). */
function anchorsOf(file: string): Set<string> {
  const anchors = new Set<string>();
  let inFence = false;
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
    const heading = inFence ? null : /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!heading) continue;
    const base = (heading[1] ?? "")
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, "")
      .replace(/\s/g, "-");
    let anchor = base;
    for (let n = 1; anchors.has(anchor); n += 1) anchor = `${base}-${n}`;
    anchors.add(anchor);
  }
  return anchors;
}

describe("links between the docs point at files and headings that exist", () => {
  it.each(FILES)("%s", (file) => {
    const problems: string[] = [];
    let inFence = false;
    fs.readFileSync(path.join(ROOT, file), "utf8")
      .split("\n")
      .forEach((line, index) => {
        if (/^\s*(`{3,}|~{3,})/.test(line)) inFence = !inFence;
        if (inFence) return;
        for (const match of line.replace(/`[^`]*`/g, "").matchAll(/\]\(([^)\s]+)\)/g)) {
          const link = match[1] ?? "";
          if (/^[a-z]+:/i.test(link)) continue;
          const [target = "", anchor] = link.split("#");
          const resolved =
            target === "" ? path.join(ROOT, file) : path.resolve(ROOT, path.dirname(file), target);
          if (!fs.existsSync(resolved)) problems.push(`${file}:${index + 1}: ${link}: no such file`);
          else if (anchor && resolved.endsWith(".md") && !anchorsOf(resolved).has(anchor))
            problems.push(`${file}:${index + 1}: ${link}: no heading with that anchor`);
        }
      });
    expect(problems).toEqual([]);
  });
});

describe("README.md starts with the two commands that set everything up on a fresh machine", () => {
  it("its first code block runs `make demo`, then `make test`", () => {
    const first = SAMPLES.find((sample) => sample.file === "README.md");
    const commands = shellLines(first?.code ?? "").flatMap(({ text }) => commandsOf(text));
    expect(commands.slice(0, 2)).toEqual([
      ["make", "demo"],
      ["make", "test"],
    ]);
  });
});
