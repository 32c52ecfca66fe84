/**
 * A second language end to end: examples/yaml-quickstart, a Pulumi YAML program (a BackupSchedule,
 * a Backup and a getBackup invoke, by their schema tokens), run in place by the real `pulumi` CLI
 * with Pulumi YAML's language host (pulumi-language-yaml v1.25.0, built by `make tools`:
 * scripts/build-yaml-host.sh) and the native provider plugin that the project's `plugins.providers`
 * loads from plugin/bin, against the emulator:
 * - preview plans exactly the two resources and writes nothing to the API;
 * - up creates them: the datastore's policy and one ready manual backup in the emulator, and the
 *   invoke's result in the outputs is that backup as the API lists it;
 * - refresh finds no drift; after a console edit of the schedule it shows the schedule as an update,
 *   and up (reading the schedule first, as the plugin asks the engine to) puts the declared schedule back;
 * - destroy deletes both: the schedule disabled, the backup gone, the datastore's data untouched.
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, nativeToken } from "@pulumi-dfcloud/provider";
import type { RunningEmulator, StateView } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILT_ENGINE_BIN,
  completedSteps,
  consoleScheduleEdit,
  engineEnv,
  frozenEmulator,
  NATIVE_PLUGIN_DIR,
  newWorkDir,
  PULUMI,
  pulumi,
  pulumiOk,
  ROOT,
  seedTestDatastore,
  stepCounts,
} from "./harness";

const API_KEY = "dragonflydb_yaml_quickstart_key_0123456789";
const PROJECT_DIR = path.join(ROOT, "examples/yaml-quickstart");
/** The native plugin, as Pulumi.yaml's `plugins.providers` finds it (a folder holding the executable). */
const PLUGIN = path.join(NATIVE_PLUGIN_DIR, "pulumi-resource-dfcloud-backups");

/** What the program declares: every day at 02:00 and 14:00 UTC, kept 7 days. */
const DECLARED_POLICY = { enabled: true, every_day: true, every_hour: false, hours: [2, 14], retention: 7 };

describe("examples/yaml-quickstart: Pulumi YAML through the native plugin, against the emulator", () => {
  let emulator: RunningEmulator;
  let datastoreId = "";
  const stack = `test-${randomBytes(4).toString("hex")}`;
  let env: NodeJS.ProcessEnv;

  /** Runs `pulumi <args> --stack <stack>` in the example's folder; throws with the output when it fails. */
  async function run(...args: string[]) {
    return pulumiOk([...args, "--stack", stack], PROJECT_DIR, env);
  }

  async function datastore(): Promise<StateView["datastores"][number]> {
    const found = (await emulator.admin.state()).datastores.find((d) => d.datastore_id === datastoreId);
    if (!found) throw new Error(`the emulator has no datastore ${datastoreId}`);
    return found;
  }

  async function manualBackups() {
    return (await emulator.admin.state()).backups.filter(
      (backup) => backup.datastore_id === datastoreId && backup.source === "manual",
    );
  }

  /** The API writes (method and path) since the last call. */
  async function writes(): Promise<string[]> {
    const log = await emulator.admin.requests();
    await emulator.admin.clearRequests();
    return log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
  }

  beforeAll(async () => {
    if (!fs.existsSync(PLUGIN) || !fs.existsSync(path.join(ROOT, "plugin/dist/main.js"))) {
      throw new Error(`${PLUGIN} or plugin/dist is missing: build first (\`make build\`)`);
    }
    if (PULUMI !== "pulumi" && !fs.existsSync(path.join(BUILT_ENGINE_BIN, "pulumi-language-yaml"))) {
      throw new Error("pulumi-language-yaml is not beside the engine: run `make tools`");
    }
    // Frozen emulator time and instant transitions: every wait completes on its next poll.
    emulator = await frozenEmulator([API_KEY]);
    datastoreId = await seedTestDatastore(emulator, API_KEY);
    await emulator.admin.setData(datastoreId, { cart: "1" });
    env = engineEnv(newWorkDir("yaml-quickstart"));
    // The credentials come from the stack config only.
    delete env.DFCLOUD_API_KEY;
    delete env.DFCLOUD_API_URL;
    await pulumiOk(["stack", "init", stack], PROJECT_DIR, env);
    await run("config", "set", "datastoreId", datastoreId);
    await run("config", "set", configKey("apiUrl"), emulator.url);
    await run("config", "set", "--secret", configKey("apiKey"), API_KEY);
    await emulator.admin.clearRequests();
  }, 600_000);

  afterAll(async () => {
    if (env) {
      await pulumi(["stack", "rm", "--yes", "--force", "--stack", stack], PROJECT_DIR, env);
      fs.rmSync(path.join(PROJECT_DIR, `Pulumi.${stack}.yaml`), { force: true });
    }
    await emulator?.close();
  });

  it("preview plans the schedule and the backup, and writes nothing", async () => {
    const before = (await datastore()).config;
    const preview = await run("preview", "--json");
    expect(stepCounts(preview.stdout)).toEqual({ create: 2 });
    const planned = (JSON.parse(preview.stdout) as { steps: { op: string; urn: string }[] }).steps
      .filter((step) => step.op === "create")
      .map((step) => step.urn.split("::").slice(2).join("::"))
      .sort();
    expect(planned).toEqual([
      `${nativeToken("Backup")}::beforeMigration`,
      `${nativeToken("BackupSchedule")}::nightly`,
      `pulumi:pulumi:Stack::dfcloud-yaml-quickstart-${stack}`,
    ]);
    expect(await writes()).toEqual([]);
    expect((await datastore()).config).toEqual(before);
    expect(await manualBackups()).toEqual([]);
  });

  it("up creates the schedule and a ready backup, and the getBackup invoke reads that backup back", async () => {
    expect(completedSteps((await run("up", "--yes", "--json")).stdout)).toEqual({ create: 2 });
    expect((await datastore()).config.backup_policy).toEqual(DECLARED_POLICY);
    const backups = await manualBackups();
    expect(backups.map(({ description, retention, status }) => ({ description, retention, status }))).toEqual(
      [{ description: "before schema migration", retention: 14, status: "ready" }],
    );
    const backup = backups[0];
    const outputs = JSON.parse((await run("stack", "output", "--json")).stdout) as Record<string, unknown>;
    expect(outputs).toMatchObject({
      scheduleDays: "every",
      scheduleHours: [2, 14],
      backupId: backup?.backup_id,
      backupStatus: "ready",
      backupExpiresAt: new Date(((backup?.created_at ?? 0) + 14 * 86_400) * 1000).toISOString(),
      lookedUpStatus: "ready",
      lookedUpSource: "manual",
    });
    await writes();
  });

  it("refresh finds no drift; a console edit of the schedule shows as an update, and up puts it back", async () => {
    expect(completedSteps((await run("refresh", "--yes", "--json")).stdout)).toEqual({});
    expect(await writes()).toEqual([]);

    // The console turns the schedule into every hour, kept 3 days (a whole-config PUT, as the API has it).
    await consoleScheduleEdit(emulator, API_KEY, datastoreId, {
      enabled: true,
      every_day: true,
      every_hour: true,
      retention: 3,
    });
    await writes();

    expect(completedSteps((await run("refresh", "--yes", "--json")).stdout)).toEqual({ update: 1 });
    expect(await writes()).toEqual([]);
    // The engine reads the schedule before updating it (the plugin asks for it), then puts it back.
    expect(completedSteps((await run("up", "--yes", "--json")).stdout)).toEqual({ refresh: 1, update: 1 });
    expect(await writes()).toEqual([`PUT /v1/datastores/${datastoreId}`]);
    expect((await datastore()).config.backup_policy).toEqual(DECLARED_POLICY);
  });

  it("destroy disables the schedule and deletes the backup, leaving the data", async () => {
    const backupId = (await manualBackups())[0]?.backup_id;
    expect(completedSteps((await run("destroy", "--yes", "--json")).stdout)).toEqual({
      refresh: 1,
      delete: 2,
    });
    expect((await writes()).sort()).toEqual([
      `DELETE /v1/backups/${backupId}`,
      `PUT /v1/datastores/${datastoreId}`,
    ]);
    const after = await datastore();
    expect(after.config.backup_policy).toMatchObject({ enabled: false });
    expect(await manualBackups()).toEqual([]);
    expect(await emulator.admin.getData(datastoreId)).toEqual({ cart: "1" });
  });
});
