/**
 * The native provider plugin (plugin/, `pulumi-resource-dfcloud-backups`) through the real engine
 * against the emulator, driven by the Node.js SDK generated from schema.json (`pulumi-dfcloud-backups`,
 * as its users import it): schema and config served over gRPC, preview/up/refresh/destroy of the
 * resources, property-level diffs (update vs replace), customTimeouts reaching the operation,
 * invokes, the explicit provider, `pulumi import` with no diff after it, and a stack moving from the
 * dynamic resources to the native ones without replacing, creating, deleting or writing anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import {
  configKey,
  dynamicToken,
  nativeToken,
  PACKAGE,
  PACKAGE_VERSION,
  RESOURCE_KINDS,
} from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  configureForEmulator,
  consoleScheduleEdit,
  detailedDiffs,
  engineEnv,
  freshTestDatastore,
  frozenEmulator,
  type GeneratedNodeSdk,
  inlineStack,
  livePolicy,
  loadGeneratedNodeSdk,
  newWorkDir,
  pluginStack,
  ROOT,
  pulumi as runPulumi,
  seedTestDatastore,
  stepRecorder,
} from "./harness";

const API_KEY = "dragonflydb_native_plugin_key_0123456789";
/** The plugin as users install it (`make tools`: scripts/build-plugin.sh). */
const PLUGIN_TARBALL = path.join(
  ROOT,
  ".tools",
  "plugin",
  `pulumi-resource-${PACKAGE}-v${PACKAGE_VERSION}-linux-amd64.tar.gz`,
);

let emulator: RunningEmulator;
let datastoreId = "";
/** The generated Node.js SDK (`pulumi-dfcloud-backups`), compiled. */
let sdk: GeneratedNodeSdk;

beforeAll(async () => {
  emulator = await frozenEmulator([API_KEY]);
  sdk = await loadGeneratedNodeSdk();
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  datastoreId = await freshTestDatastore(emulator, API_KEY, { order: "A" });
});

/**
 * A stack of an inline program configured for the emulator whose project loads the native plugin
 * from this repository (Pulumi.yaml's `plugins.providers`, the developer-loop override) or, with
 * `installed`, the plugin installed from its tarball as a user installs it.
 */
async function nativeStack(
  name: string,
  program: PulumiFn,
  options: { installed?: boolean } = {},
): Promise<{ stack: Stack; workDir: string }> {
  let made: { stack: Stack; workDir: string };
  if (options.installed) {
    // As a user installs it: from the tarball `make tools` builds, into this stack's PULUMI_HOME.
    const workDir = newWorkDir(name);
    const installed = await runPulumi(
      ["plugin", "install", "resource", PACKAGE, PACKAGE_VERSION, "--file", PLUGIN_TARBALL],
      workDir,
      engineEnv(workDir),
    );
    expect(installed.code, installed.stderr).toBe(0);
    made = await inlineStack(name, program, {
      workDir,
      plugins: [],
      // Only the installed plugin may serve an installed-plugin stack, not one found on PATH.
      env: { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" },
    });
  } else {
    made = await pluginStack(name, program);
  }
  await configureForEmulator(made.stack, emulator, API_KEY);
  return made;
}

async function writes(): Promise<string[]> {
  const log = await emulator.admin.requests();
  return log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
}

describe("the native plugin: three resources, detailed diffs, invokes", () => {
  let days: string[] = ["mon", "thu"];
  let scheduleDatastore = "";
  let stack: Stack;
  const program: PulumiFn = async () => {
    const schedule = new sdk.BackupSchedule("nightly", {
      datastoreId: scheduleDatastore || datastoreId,
      days,
      hours: [2, 14],
      retentionDays: 7,
    });
    const backup = new sdk.Backup("safety", {
      datastoreId,
      description: "before the drill",
      retentionDays: 3,
    });
    // The SDK's invokes: `dfcloud-backups:index:getBackup` and `listBackups`.
    const backupId = backup.backupId as pulumi.Output<string>;
    const looked = backupId.apply((id) => (id ? sdk.getBackup(id) : Promise.resolve(undefined)));
    const listed = sdk.listBackups({ datastoreId, source: "manual" });
    return {
      scheduleDays: schedule.days,
      backupId,
      backupStatus: backup.status,
      lookedUpStatus: looked.apply((info) => info?.status),
      listedCount: pulumi.output(listed).apply((backups) => backups.length),
    };
  };

  it("previews, creates, reads back and shows property-level diffs", async () => {
    ({ stack } = await nativeStack("native", program));
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({ create: 2 });
    expect(await writes()).toEqual([]);

    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 3 }); // the stack, the schedule, the backup
    expect(up.outputs.scheduleDays?.value).toEqual(["mon", "thu"]);
    expect(up.outputs.backupStatus?.value).toBe("ready");
    expect(up.outputs.lookedUpStatus?.value).toBe("ready");
    expect(await livePolicy(emulator, datastoreId)).toMatchObject({
      enabled: true,
      weekdays: [1, 4],
      hours: [2, 14],
      retention: 7,
    });

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).not.toHaveProperty("update");
    const same = stepRecorder();
    await stack.preview({ onEvent: same.onEvent });
    // The engine reads the schedule before every preview and update (the plugin asks for it, so a
    // console edit shows); nothing else happens.
    expect(same.counts).toEqual({ refresh: 1 });

    days = ["mon", "fri"];
    scheduleDatastore = "";
    const changed = stepRecorder();
    await stack.preview({ onEvent: changed.onEvent });
    expect(changed.counts).toEqual({ refresh: 1, update: 1 });
    expect(detailedDiffs(changed.events).nightly).toEqual({ days: "update" });
  });

  it("replaces on a new datastore, says so per property, and destroys", async () => {
    const otherId = await seedTestDatastore(emulator, API_KEY, { name: "other" });
    ({ stack } = await nativeStack("native-replace", program));
    days = ["mon", "thu"];
    scheduleDatastore = "";
    await stack.up();
    scheduleDatastore = otherId;
    const replaced = stepRecorder();
    await stack.preview({ onEvent: replaced.onEvent });
    expect(detailedDiffs(replaced.events).nightly).toEqual({ datastoreId: "update-replace" });
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: 3 });
    expect(await livePolicy(emulator, datastoreId)).toMatchObject({ enabled: false });
    expect((await emulator.admin.state()).backups.filter((b) => b.source === "manual")).toEqual([]);
  });
});

describe("installed as users install it", () => {
  it("is found after `pulumi plugin install … --file <tarball>`, with no plugins.providers and no PATH change", async () => {
    const program: PulumiFn = async () => {
      new sdk.BackupSchedule("installed", { datastoreId, days: "every", hours: [1], retentionDays: 2 });
    };
    const { stack, workDir } = await nativeStack("native-installed", program, { installed: true });
    expect(
      fs.existsSync(path.join(workDir, ".pulumi-home", "plugins", `resource-${PACKAGE}-v${PACKAGE_VERSION}`)),
    ).toBe(true);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(await livePolicy(emulator, datastoreId)).toMatchObject({
      enabled: true,
      every_day: true,
      hours: [1],
      retention: 2,
    });
    await stack.destroy();
  });
});

/** Every file the file backend wrote for a stack, as text. */
function stateFiles(workDir: string): string[] {
  return fs
    .readdirSync(path.join(workDir, ".pulumi-state"), { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8"));
}

describe("credentials on the native front door", () => {
  it("serves an explicit provider resource, and stores its key only as a secret", async () => {
    const program: PulumiFn = async () => {
      const provider = new sdk.Provider("explicit", { apiKey: API_KEY, apiUrl: emulator.url });
      new sdk.BackupSchedule(
        "through-explicit",
        { datastoreId, days: "every", hours: [4], retentionDays: 3 },
        { provider },
      );
    };
    const { stack, workDir } = await nativeStack("native-explicit", program);
    await stack.removeConfig(configKey("apiKey"));
    await stack.removeConfig(configKey("apiUrl"));
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 3 }); // the stack, the provider, the schedule
    expect(await livePolicy(emulator, datastoreId)).toMatchObject({
      enabled: true,
      every_day: true,
      hours: [4],
      retention: 3,
    });
    // schema.json marks apiKey secret, so the engine encrypts it in the provider's state although the
    // program passed it as plain text.
    for (const text of stateFiles(workDir)) expect(text).not.toContain(API_KEY);
    const providerState = (
      (await stack.exportStack()).deployment.resources as { type: string; inputs?: object }[]
    ).find((r) => r.type === `pulumi:providers:${PACKAGE}`);
    expect(JSON.stringify(providerState?.inputs)).toContain("4dabf18193072939515e22adb298388d");
    await stack.destroy();
  });

  it("stores a key given in plain-text stack config only as a secret", async () => {
    const program: PulumiFn = async () => {
      new sdk.BackupSchedule("plain-config", { datastoreId, days: "every", hours: [5], retentionDays: 3 });
    };
    const { stack, workDir } = await nativeStack("native-plain-config", program);
    await stack.setConfig(configKey("apiKey"), { value: API_KEY, secret: false });
    await stack.up();
    // The provider's state (checkpoints, backups, the stack file) holds the key only encrypted; the
    // update history keeps the stack config as the user gave it (README: make it a secret).
    const files = fs
      .readdirSync(path.join(workDir, ".pulumi-state"), { recursive: true, withFileTypes: true })
      .filter((entry) => entry.isFile());
    const holding = files
      .filter((entry) => fs.readFileSync(path.join(entry.parentPath, entry.name), "utf8").includes(API_KEY))
      .map((entry) => entry.name);
    expect(holding.every((name) => name.endsWith(".history.json"))).toBe(true);
    expect(files.some((entry) => entry.name.endsWith(".checkpoint.json"))).toBe(true);
    await stack.destroy();
  });
});

describe("customTimeouts reach the operation", () => {
  it("ends a create at the engine's timeout and records what it created", async () => {
    // The backup never becomes ready (frozen clock, one hour to take): only the timeout can end the wait.
    await emulator.admin.setDurations({ backup: 3600 });
    const program: PulumiFn = async () => {
      new sdk.Backup("slow", { datastoreId, retentionDays: 1 }, { customTimeouts: { create: "3s" } });
    };
    const { stack } = await nativeStack("native-timeout", program);
    const started = Date.now();
    const failed = await stack.up().catch((error: Error) => error);
    const elapsedMs = Date.now() - started;
    expect(failed).toBeInstanceOf(Error);
    expect(String((failed as Error).message)).toContain("was created but did not become ready");
    // waitTimeoutMinutes is 30 by default: the 3 s came from customTimeouts, and the message says so.
    expect(String((failed as Error).message)).toMatch(
      /Gave up after [\d.]+ s waiting for backup bkp_\w+ to become ready \(limit: `customTimeouts` = 3 s\)/,
    );
    expect(elapsedMs).toBeLessThan(60_000);
    const state = (await stack.exportStack()).deployment.resources as {
      type: string;
      outputs?: { status?: string };
    }[];
    expect(state.find((r) => r.type === nativeToken("Backup"))?.outputs?.status).toBe("pending");
  });
});

describe("pulumi import", () => {
  it("imports a schedule and a backup; the program that declares them then previews no change", async () => {
    const backup = await emulator.admin.seedBackup(datastoreId, { description: "console", retention: 9 });
    // The schedule as set in the console: Sundays and Wednesdays at 05:00 UTC, kept 4 days.
    await consoleScheduleEdit(emulator, API_KEY, datastoreId, {
      enabled: true,
      every_day: false,
      weekdays: [0, 3],
      every_hour: false,
      hours: [5],
      retention: 4,
    });
    const program: PulumiFn = async () => {
      new sdk.BackupSchedule("imported-schedule", {
        datastoreId,
        days: ["sun", "wed"],
        hours: [5],
        retentionDays: 4,
      });
      new sdk.Backup("imported-backup", { datastoreId, description: "console", retentionDays: 9 });
    };
    const { stack } = await nativeStack("native-import", program);
    const imported = await stack.import({
      resources: [
        { type: nativeToken("BackupSchedule"), name: "imported-schedule", id: datastoreId },
        { type: nativeToken("Backup"), name: "imported-backup", id: backup.backup_id },
      ],
      generateCode: false,
    });
    expect(imported.summary.resourceChanges).toMatchObject({ import: 2 });
    await emulator.admin.clearRequests();
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({ refresh: 1 }); // the schedule, read before the preview;
    expect(await writes()).toEqual([]);
  });
});

describe("moving a stack from the dynamic resources to the native plugin", () => {
  it("replaces, creates, deletes and writes nothing: each generated-SDK resource aliases its dynamic type token", async () => {
    let door: "dynamic" | "native" = "dynamic";
    const program: PulumiFn = async () => {
      const scheduleArgs = { datastoreId, days: ["mon"], hours: [3], retentionDays: 5 };
      const backupArgs = { datastoreId, description: "before the move", retentionDays: 7 };
      const restoreArgs = { datastoreId, acknowledgeDataLoss: true as const, trigger: "2026-12-01" };
      if (door === "dynamic") {
        new dfcloud.BackupSchedule("moving", scheduleArgs);
        const backup = new dfcloud.Backup("kept", backupArgs);
        new dfcloud.Restore("drill", { ...restoreArgs, backupId: backup.backupId });
        return;
      }
      // README: "with an alias of the dynamic type token", one per resource.
      const from = (kind: (typeof RESOURCE_KINDS)[number]) => ({ aliases: [{ type: dynamicToken(kind) }] });
      new sdk.BackupSchedule("moving", scheduleArgs, from("BackupSchedule"));
      const backup = new sdk.Backup("kept", backupArgs, from("Backup"));
      new sdk.Restore("drill", { ...restoreArgs, backupId: backup.backupId }, from("Restore"));
    };
    const { stack } = await nativeStack("native-migration", program);
    // The kinds the program declares (a RestoreDrill is not among them).
    const moved = RESOURCE_KINDS.filter((kind) => kind !== "RestoreDrill");
    const typesInState = async () =>
      ((await stack.exportStack()).deployment.resources as { type: string }[])
        .map((resource) => resource.type)
        .filter((type) => !type.startsWith("pulumi:"))
        .sort();
    await stack.up();
    expect(await typesInState()).toEqual(moved.map(dynamicToken).sort());
    const backupsBefore = (await emulator.admin.state()).backups.filter((b) => b.source === "manual");
    expect(backupsBefore).toHaveLength(1);

    door = "native";
    await emulator.admin.clearRequests();
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({});
    const up = await stack.up();
    // The stack and the three resources, each the same resource under its new type.
    expect(up.summary.resourceChanges).toEqual({ same: 4 });
    expect(await writes()).toEqual([]);
    expect(await typesInState()).toEqual(moved.map(nativeToken).sort());
    // A same step keeps the outputs it had: the dynamic provider's serialised code stays in state until
    // the plugin next reads each resource. A refresh does that, reading only.
    const serialised = async () =>
      ((await stack.exportStack()).deployment.resources as { outputs?: object }[]).filter(
        (resource) => resource.outputs && "__provider" in resource.outputs,
      ).length;
    expect(await serialised()).toBe(3);
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
    expect(await writes()).toEqual([]);
    expect(await serialised()).toBe(0);
    expect((await emulator.admin.state()).backups.filter((b) => b.source === "manual")).toEqual(
      backupsBefore,
    );
  });
});
