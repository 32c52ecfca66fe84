/**
 * `pulumi import` through the native plugin produces state and code: in a Pulumi YAML project (whose
 * language host generates programs; the Node.js host of this offline build cannot, see README), the
 * CLI imports a live schedule and backup, writes the program that declares them, and that program,
 * as written, previews no change and sends nothing to the API.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, nativeToken, PACKAGE } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  engineEnv,
  frozenEmulator,
  NATIVE_PLUGIN_DIR,
  newWorkDir,
  pulumiOk,
  seedTestDatastore,
  stepCounts,
} from "./harness";

// js-yaml comes with @pulumi/pulumi; it has no type declarations here.
const yaml = require("js-yaml") as { load(text: string): unknown; dump(value: unknown): string };

const API_KEY = "dragonflydb_native_import_key_0123456789";

describe("pulumi import in a Pulumi YAML project", () => {
  let emulator: RunningEmulator;
  let workDir = "";
  let env: NodeJS.ProcessEnv;
  const run = (...args: string[]) => pulumiOk([...args, "--stack", "imported"], workDir, env);

  beforeAll(async () => {
    emulator = await frozenEmulator([API_KEY]);
    workDir = newWorkDir("native-import-code");
    env = engineEnv(workDir);
    fs.writeFileSync(
      path.join(workDir, "Pulumi.yaml"),
      yaml.dump({
        name: "dfcloud-import",
        runtime: "yaml",
        plugins: { providers: [{ name: PACKAGE, path: NATIVE_PLUGIN_DIR }] },
        resources: {},
      }),
    );
    await pulumiOk(["stack", "init", "imported"], workDir, env);
    await run("config", "set", configKey("apiUrl"), emulator.url);
    await run("config", "set", "--secret", configKey("apiKey"), API_KEY);
  }, 600_000);

  afterAll(async () => {
    await emulator?.close();
  });

  it("imports a schedule and a backup, writes their program, and that program previews no change", async () => {
    const datastoreId = await seedTestDatastore(emulator, API_KEY, {
      backup_policy: {
        enabled: true,
        every_day: false,
        weekdays: [2, 5],
        every_hour: false,
        hours: [6],
        retention: 10,
      },
    });
    const backup = await emulator.admin.seedBackup(datastoreId, {
      description: "console",
      retention: 9,
    });
    const importFile = path.join(workDir, "import.json");
    fs.writeFileSync(
      importFile,
      JSON.stringify({
        resources: [
          { type: nativeToken("BackupSchedule"), name: "schedule", id: datastoreId },
          { type: nativeToken("Backup"), name: "backup", id: backup.backup_id },
        ],
      }),
    );
    const codeFile = path.join(workDir, "imported.yaml");
    await run("import", "--file", importFile, "--out", codeFile, "--yes");

    const code = yaml.load(fs.readFileSync(codeFile, "utf8")) as {
      resources: Record<string, { type: string; properties: object }>;
    };
    // pulumi-yaml writes the short token (`dfcloud-backups:BackupSchedule` for the index module) and refers to
    // the schedule's id where the backup's datastore is the same.
    expect(code.resources.schedule).toMatchObject({
      type: `${PACKAGE}:BackupSchedule`,
      properties: {
        datastoreId: datastoreId,
        days: ["tue", "fri"],
        hours: [6],
        retentionDays: 10,
      },
    });
    expect(code.resources.backup).toMatchObject({
      type: `${PACKAGE}:Backup`,
      // A Pulumi YAML interpolation, not a JavaScript one.
      properties: { datastoreId: ["$", "{schedule.id}"].join(""), description: "console", retentionDays: 9 },
    });

    // The generated program, as the user pastes it into Pulumi.yaml.
    const project = yaml.load(fs.readFileSync(path.join(workDir, "Pulumi.yaml"), "utf8")) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(path.join(workDir, "Pulumi.yaml"), yaml.dump({ ...project, resources: code.resources }));
    await emulator.admin.clearRequests();
    const preview = await run("preview", "--json");
    // Only the read of the schedule that the plugin asks the engine for before every preview.
    expect(stepCounts(preview.stdout)).toEqual({ refresh: 1 });
    const writes = (await emulator.admin.requests()).filter((entry) => entry.method !== "GET");
    expect(writes).toEqual([]);
  });
});
