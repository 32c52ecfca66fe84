/**
 * The SQLite ExperimentalWarning (src/node-warnings.ts): a program that imports pulumi-dfcloud and has
 * @pulumi/pulumi serialise a function capturing a module (what every dynamic resource does) prints no
 * SQLite warning, and other warnings still print. Each case is its own `node` process, running the
 * compiled SDK (sdk/dist, built by `make vitest`): a warning is emitted once per process.
 */
import { execFile } from "node:child_process";
import * as path from "node:path";
import { describe, expect, it } from "vitest";
import { isSqliteExperimentalWarning } from "../src/node-warnings";

const SDK = path.resolve(__dirname, "../dist/index.js");
const SQLITE_WARNING = "ExperimentalWarning: SQLite is an experimental feature";

/** Runs a program in a fresh `node` (the one running the tests); resolves with its stderr. */
function stderrOf(withSdk: boolean): Promise<{ stdout: string; stderr: string }> {
  const program = `
    ${withSdk ? `require(${JSON.stringify(SDK)});` : ""}
    const pulumi = require("@pulumi/pulumi");
    const path = require("node:path");
    pulumi.runtime.serializeFunction(() => path.join("a", "b")).then((serialized) => {
      process.emitWarning("another experiment", "ExperimentalWarning");
      console.log(serialized.text.includes("path") ? "serialized" : "not serialized");
    });`;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, ["-e", program], { cwd: __dirname }, (error, stdout, stderr) =>
      error ? reject(error) : resolve({ stdout, stderr }),
    );
  });
}

describe("Node's SQLite ExperimentalWarning", () => {
  it("is printed when @pulumi/pulumi serialises a closure without pulumi-dfcloud (so the next test can see it)", async () => {
    const { stdout, stderr } = await stderrOf(false);
    expect(stdout.trim()).toBe("serialized");
    expect(stderr).toContain(SQLITE_WARNING);
  });

  it("is not printed once pulumi-dfcloud is loaded; other experimental warnings still are", async () => {
    const { stdout, stderr } = await stderrOf(true);
    expect(stdout.trim()).toBe("serialized");
    expect(stderr).not.toContain("SQLite");
    expect(stderr).toContain("ExperimentalWarning: another experiment");
  });

  it("is recognised by type and message only", () => {
    const message = "SQLite is an experimental feature and might change at any time";
    expect(isSqliteExperimentalWarning(message, "ExperimentalWarning")).toBe(true);
    expect(isSqliteExperimentalWarning(message, { type: "ExperimentalWarning" })).toBe(true);
    expect(isSqliteExperimentalWarning(message, "DeprecationWarning")).toBe(false);
    expect(isSqliteExperimentalWarning("WASI is an experimental feature", "ExperimentalWarning")).toBe(false);
    expect(
      isSqliteExperimentalWarning(Object.assign(new Error(message), { name: "ExperimentalWarning" })),
    ).toBe(true);
  });
});
