/**
 * What the API reference's "Import" sections say a refused `pulumi import` does, through the real
 * CLI and the native plugin, in a Pulumi YAML project: a Restore and a RestoreDrill record actions,
 * not objects the API keeps, so importing either fails, with the Restore's own explanation and the
 * engine's generic refusal for a drill (whose read returns no inputs), and the stack records nothing.
 * The imports that work (a schedule by datastore id, a backup by backup id) are proven in
 * tests/engine/native-import-code.test.ts and tests/engine/native-plugin.test.ts.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, nativeToken, PACKAGE } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pageText } from "../reference-pages";
import {
  engineEnv,
  frozenEmulator,
  NATIVE_PLUGIN_DIR,
  newWorkDir,
  pulumi,
  pulumiOk,
  seedTestDatastore,
} from "./harness";

// js-yaml comes with @pulumi/pulumi; it has no type declarations here.
const yaml = require("js-yaml") as { dump(value: unknown): string };

const API_KEY = "dragonflydb_reference_imports_key_0123456789";

describe("pulumi import of what the reference says cannot be imported", () => {
  let emulator: RunningEmulator;
  let workDir = "";
  let env: NodeJS.ProcessEnv;
  let datastoreId = "";
  const stack = (...args: string[]) => [...args, "--stack", "imports"];

  beforeAll(async () => {
    emulator = await frozenEmulator([API_KEY]);
    datastoreId = await seedTestDatastore(emulator, API_KEY);
    workDir = newWorkDir("reference-imports");
    env = engineEnv(workDir);
    fs.writeFileSync(
      path.join(workDir, "Pulumi.yaml"),
      yaml.dump({
        name: "dfcloud-reference-imports",
        runtime: "yaml",
        plugins: { providers: [{ name: PACKAGE, path: NATIVE_PLUGIN_DIR }] },
        resources: {},
      }),
    );
    await pulumiOk(["stack", "init", "imports"], workDir, env);
    await pulumiOk(stack("config", "set", configKey("apiUrl"), emulator.url), workDir, env);
    await pulumiOk(stack("config", "set", "--secret", configKey("apiKey"), API_KEY), workDir, env);
  }, 600_000);

  afterAll(async () => {
    await emulator?.close();
  });

  /** Runs `pulumi import <token> <name> <id>`; the result, and the resource types the stack then holds. */
  async function importOf(kind: "Restore" | "RestoreDrill", id: string) {
    const result = await pulumi(stack("import", nativeToken(kind), "imported", id, "--yes"), workDir, env);
    const exported = await pulumiOk(stack("stack", "export"), workDir, env);
    const resources = (JSON.parse(exported.stdout) as { deployment: { resources?: { type: string }[] } })
      .deployment.resources;
    return { ...result, types: (resources ?? []).map((resource) => resource.type) };
  }

  it("a Restore: refused with how to record one that already ran, as its page says", async () => {
    const result = await importOf("Restore", datastoreId);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(
      `a Restore cannot be imported (${datastoreId}); declare it with ifAlreadyLoaded: "skip" to record one that already ran.`,
    );
    expect(result.types).not.toContain(nativeToken("Restore"));
    expect(pageText("restore")).toContain('declare the Restore with `ifAlreadyLoaded: "skip"`');
  });

  it("a RestoreDrill: refused with what to do instead, as its page says", async () => {
    const result = await importOf("RestoreDrill", datastoreId);
    expect(result.code).not.toBe(0);
    expect(`${result.stdout}${result.stderr}`).toContain(
      `a RestoreDrill cannot be imported (${datastoreId}); declare it, and \`up\` runs the drill.`,
    );
    expect(result.types).not.toContain(nativeToken("RestoreDrill"));
    expect(pageText("restore-drill")).toContain("a RestoreDrill cannot be imported (<id>); declare it");
    // Nothing was written to the API by either attempt.
    const writes = (await emulator.admin.requests()).filter((entry) => entry.method !== "GET");
    expect(writes).toEqual([]);
  });
});
