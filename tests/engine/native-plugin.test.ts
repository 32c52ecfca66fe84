/**
 * The native provider plugin (plugin/, `pulumi-resource-dfcloud`) through the real engine against the
 * emulator: schema and config served over gRPC, preview/up/refresh/destroy of the three resources by
 * their schema tokens, property-level diffs (update vs replace), customTimeouts reaching the
 * operation, invokes, `pulumi import` with no diff after it, and a stack moving from the dynamic
 * resources to the native ones without replacing anything.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import {
  type EngineEvent,
  LocalWorkspace,
  type ProjectSettings,
  type PulumiFn,
  type Stack,
} from "@pulumi/pulumi/automation";
import { PACKAGE_VERSION } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  engineEnv,
  frozenEmulator,
  newWorkDir,
  PASSPHRASE,
  pulumiCommand,
  ROOT,
  pulumi as runPulumi,
  seedTestDatastore,
  stepRecorder,
} from "./harness";

const API_KEY = "dragonflydb_native_plugin_key_0123456789";
/** The folder holding `pulumi-resource-dfcloud`, as a project's `plugins.providers` names it. */
const PLUGIN_DIR = path.join(ROOT, "plugin", "bin");
/** The plugin as users install it (`make tools`: scripts/build-plugin.sh). */
const PLUGIN_TARBALL = path.join(
  ROOT,
  ".tools",
  "plugin",
  `pulumi-resource-dfcloud-v${PACKAGE_VERSION}-linux-amd64.tar.gz`,
);

let emulator: RunningEmulator;
let datastoreId = "";

beforeAll(async () => {
  emulator = await frozenEmulator([API_KEY]);
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  await emulator.admin.reset();
  await emulator.admin.setDurations({ datastoreUpdate: 0, restore: 0, backup: 0 });
  datastoreId = await seedTestDatastore(emulator, API_KEY);
  await emulator.admin.setData(datastoreId, { order: "A" });
});

/** A stack of an inline program whose project loads the native plugin from this repository. */
async function nativeStack(
  name: string,
  program: PulumiFn,
  options: { installed?: boolean } = {},
): Promise<{ stack: Stack; workDir: string }> {
  const workDir = newWorkDir(name);
  const env = engineEnv(workDir);
  if (options.installed) {
    // As a user installs it: from the tarball `make tools` builds, into this stack's PULUMI_HOME.
    const installed = await runPulumi(
      ["plugin", "install", "resource", "dfcloud", PACKAGE_VERSION, "--file", PLUGIN_TARBALL],
      workDir,
      env,
    );
    expect(installed.code, installed.stderr).toBe(0);
  }
  const stack = await LocalWorkspace.createOrSelectStack(
    { stackName: name, projectName: `dfcloud-${name}`, program },
    {
      workDir,
      pulumiCommand: await pulumiCommand(),
      pulumiHome: path.join(workDir, ".pulumi-home"),
      // `plugins.providers` is Pulumi.yaml's developer-loop override; the Automation API passes it through.
      projectSettings: {
        name: `dfcloud-${name}`,
        runtime: "nodejs",
        ...(options.installed ? {} : { plugins: { providers: [{ name: "dfcloud", path: PLUGIN_DIR }] } }),
      } as ProjectSettings,
      envVars: {
        PULUMI_BACKEND_URL: `file://${path.join(workDir, ".pulumi-state")}`,
        PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
        PULUMI_SKIP_UPDATE_CHECK: "true",
        PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
        // Only the installed plugin may serve an installed-plugin stack, not one found on PATH.
        ...(options.installed ? { PULUMI_IGNORE_AMBIENT_PLUGINS: "true" } : {}),
        PATH: env.PATH ?? "",
      },
    },
  );
  await stack.setConfig("dfcloud:apiKey", { value: API_KEY, secret: true });
  await stack.setConfig("dfcloud:apiUrl", { value: emulator.url });
  return { stack, workDir };
}

/** A resource registered by its schema token, as a generated SDK registers it. */
class NativeResource extends pulumi.CustomResource {
  /** One of its outputs. */
  output(key: string): pulumi.Output<unknown> {
    return (this as unknown as Record<string, pulumi.Output<unknown>>)[key] ?? pulumi.output(undefined);
  }
}

/** A native resource by its schema token; `outputs` are the output keys to expose. */
function native(
  kind: "BackupSchedule" | "Backup" | "Restore",
  name: string,
  args: Record<string, unknown>,
  outputs: string[],
  opts: pulumi.CustomResourceOptions = {},
): NativeResource {
  const props = { ...args, ...Object.fromEntries(outputs.map((key) => [key, undefined])) };
  return new NativeResource(`dfcloud:index:${kind}`, name, props, opts);
}

async function writes(): Promise<string[]> {
  const log = await emulator.admin.requests();
  return log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
}

async function livePolicy(): Promise<unknown> {
  const state = await emulator.admin.state();
  return state.datastores.find((d) => d.datastore_id === datastoreId)?.config.backup_policy;
}

/** The detailed diff the engine reported for each resource in a preview, by resource name. */
function detailedDiffs(events: EngineEvent[]): Record<string, Record<string, string>> {
  const found: Record<string, Record<string, string>> = {};
  for (const event of events) {
    const metadata = event.resourcePreEvent?.metadata;
    if (!metadata?.detailedDiff) continue;
    const name = metadata.urn.split("::").pop() ?? "";
    found[name] = Object.fromEntries(
      Object.entries(metadata.detailedDiff).map(([key, diff]) => [key, diff.diffKind]),
    );
  }
  return found;
}

describe("the native plugin: three resources, detailed diffs, invokes", () => {
  let days: string[] = ["mon", "thu"];
  let scheduleDatastore = "";
  let stack: Stack;
  const program: PulumiFn = async () => {
    const schedule = native(
      "BackupSchedule",
      "nightly",
      { datastoreId: scheduleDatastore || datastoreId, days, hours: [2, 14], retentionDays: 7 },
      ["enabled", "waitTimeoutMinutes"],
    );
    const backup = native(
      "Backup",
      "safety",
      { datastoreId, description: "before the drill", retentionDays: 3 },
      ["backupId", "status", "sizeBytes", "createdAt", "expiresAt"],
    );
    const looked = backup
      .output("backupId")
      .apply((backupId) =>
        backupId ? pulumi.runtime.invoke("dfcloud:index:getBackup", { backupId }) : undefined,
      );
    const listed = pulumi.runtime.invoke("dfcloud:index:listBackups", { datastoreId, source: "manual" });
    return {
      scheduleDays: schedule.output("days"),
      backupId: backup.output("backupId"),
      backupStatus: backup.output("status"),
      lookedUpStatus: pulumi
        .output(looked)
        .apply((info) => (info as { status?: string } | undefined)?.status),
      listedCount: pulumi.output(listed).apply((result) => (result as { backups: unknown[] }).backups.length),
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
    expect(await livePolicy()).toMatchObject({
      enabled: true,
      weekdays: [1, 4],
      hours: [2, 14],
      retention: 7,
    });

    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).not.toHaveProperty("update");
    const same = stepRecorder();
    await stack.preview({ onEvent: same.onEvent });
    expect(same.counts).toEqual({});

    days = ["mon", "fri"];
    scheduleDatastore = "";
    const events: EngineEvent[] = [];
    const changed = stepRecorder();
    await stack.preview({
      onEvent: (event) => {
        changed.onEvent(event);
        events.push(event);
      },
    });
    expect(changed.counts).toEqual({ update: 1 });
    expect(detailedDiffs(events).nightly).toEqual({ days: "update" });
  });

  it("replaces on a new datastore, says so per property, and destroys", async () => {
    const otherId = await seedTestDatastore(emulator, API_KEY, { name: "other" });
    ({ stack } = await nativeStack("native-replace", program));
    days = ["mon", "thu"];
    scheduleDatastore = "";
    await stack.up();
    scheduleDatastore = otherId;
    const events: EngineEvent[] = [];
    await stack.preview({ onEvent: (event) => events.push(event) });
    expect(detailedDiffs(events).nightly).toEqual({ datastoreId: "update-replace" });
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toMatchObject({ delete: 3 });
    expect(await livePolicy()).toMatchObject({ enabled: false });
    expect((await emulator.admin.state()).backups.filter((b) => b.source === "manual")).toEqual([]);
  });
});

describe("installed as users install it", () => {
  it("is found after `pulumi plugin install … --file <tarball>`, with no plugins.providers and no PATH change", async () => {
    const program: PulumiFn = async () => {
      native("BackupSchedule", "installed", { datastoreId, days: "every", hours: [1], retentionDays: 2 }, []);
    };
    const { stack, workDir } = await nativeStack("native-installed", program, { installed: true });
    expect(
      fs.existsSync(path.join(workDir, ".pulumi-home", "plugins", `resource-dfcloud-v${PACKAGE_VERSION}`)),
    ).toBe(true);
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 2 });
    expect(await livePolicy()).toMatchObject({ enabled: true, every_day: true, hours: [1], retention: 2 });
    await stack.destroy();
  });
});

/** The explicit provider resource, as a generated SDK's `new dfcloud.Provider(name, args)` registers it. */
class DfcloudProvider extends pulumi.ProviderResource {
  constructor(name: string, args: { apiKey: pulumi.Input<string>; apiUrl: pulumi.Input<string> }) {
    super("dfcloud", name, args);
  }
}

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
      const provider = new DfcloudProvider("explicit", { apiKey: API_KEY, apiUrl: emulator.url });
      native(
        "BackupSchedule",
        "through-explicit",
        { datastoreId, days: "every", hours: [4], retentionDays: 3 },
        [],
        {
          provider,
        },
      );
    };
    const { stack, workDir } = await nativeStack("native-explicit", program);
    await stack.removeConfig("dfcloud:apiKey");
    await stack.removeConfig("dfcloud:apiUrl");
    const up = await stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ create: 3 }); // the stack, the provider, the schedule
    expect(await livePolicy()).toMatchObject({ enabled: true, every_day: true, hours: [4], retention: 3 });
    // schema.json marks apiKey secret, so the engine encrypts it in the provider's state although the
    // program passed it as plain text.
    for (const text of stateFiles(workDir)) expect(text).not.toContain(API_KEY);
    const providerState = (
      (await stack.exportStack()).deployment.resources as { type: string; inputs?: object }[]
    ).find((r) => r.type === "pulumi:providers:dfcloud");
    expect(JSON.stringify(providerState?.inputs)).toContain("4dabf18193072939515e22adb298388d");
    await stack.destroy();
  });

  it("stores a key given in plain-text stack config only as a secret", async () => {
    const program: PulumiFn = async () => {
      native(
        "BackupSchedule",
        "plain-config",
        { datastoreId, days: "every", hours: [5], retentionDays: 3 },
        [],
      );
    };
    const { stack, workDir } = await nativeStack("native-plain-config", program);
    await stack.setConfig("dfcloud:apiKey", { value: API_KEY, secret: false });
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
      native("Backup", "slow", { datastoreId, retentionDays: 1 }, ["backupId", "status"], {
        customTimeouts: { create: "3s" },
      });
    };
    const { stack } = await nativeStack("native-timeout", program);
    const started = Date.now();
    const failed = await stack.up().catch((error: Error) => error);
    const elapsedMs = Date.now() - started;
    expect(failed).toBeInstanceOf(Error);
    expect(String((failed as Error).message)).toContain("was created but did not become ready");
    // waitTimeoutMinutes is 30 by default: the 3 s came from customTimeouts.
    expect(elapsedMs).toBeLessThan(60_000);
    const state = (await stack.exportStack()).deployment.resources as {
      type: string;
      outputs?: { status?: string };
    }[];
    expect(state.find((r) => r.type === "dfcloud:index:Backup")?.outputs?.status).toBe("pending");
  });
});

describe("pulumi import", () => {
  it("imports a schedule and a backup; the program that declares them then previews no change", async () => {
    const backup = await emulator.admin.seedBackup(datastoreId, { description: "console", retention: 9 });
    await fetch(`${emulator.url}/v1/datastores/${datastoreId}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    })
      .then((r) => r.json() as Promise<{ config: Record<string, unknown> }>)
      .then(({ config }) =>
        fetch(`${emulator.url}/v1/datastores/${datastoreId}`, {
          method: "PUT",
          headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
          body: JSON.stringify({
            ...config,
            backup_policy: {
              enabled: true,
              every_day: false,
              weekdays: [0, 3],
              every_hour: false,
              hours: [5],
              retention: 4,
            },
          }),
        }),
      );
    const program: PulumiFn = async () => {
      native(
        "BackupSchedule",
        "imported-schedule",
        { datastoreId, days: ["sun", "wed"], hours: [5], retentionDays: 4 },
        [],
      );
      native("Backup", "imported-backup", { datastoreId, description: "console", retentionDays: 9 }, []);
    };
    const { stack } = await nativeStack("native-import", program);
    const imported = await stack.import({
      resources: [
        { type: "dfcloud:index:BackupSchedule", name: "imported-schedule", id: datastoreId },
        { type: "dfcloud:index:Backup", name: "imported-backup", id: backup.backup_id },
      ],
      generateCode: false,
    });
    expect(imported.summary.resourceChanges).toMatchObject({ import: 2 });
    await emulator.admin.clearRequests();
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({});
    expect(await writes()).toEqual([]);
  });
});

describe("moving a stack from the dynamic resources to the native plugin", () => {
  it("replaces nothing: the dynamic type token is an alias of the native resource", async () => {
    let useNative = false;
    const program: PulumiFn = async () => {
      const args = { datastoreId, days: ["mon"], hours: [3], retentionDays: 5 };
      if (!useNative) {
        new dfcloud.BackupSchedule("moving", args);
        return;
      }
      native("BackupSchedule", "moving", args, [], { aliases: [{ type: dfcloud.BACKUP_SCHEDULE_TYPE }] });
    };
    const { stack } = await nativeStack("native-migration", program);
    await stack.up();
    useNative = true;
    await emulator.admin.clearRequests();
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).not.toHaveProperty("replace");
    expect(preview.counts).not.toHaveProperty("create-replacement");
    const up = await stack.up();
    expect(up.summary.resourceChanges).not.toHaveProperty("create");
    expect(up.summary.resourceChanges).not.toHaveProperty("delete");
    expect(await writes()).toEqual([]);
    const types = ((await stack.exportStack()).deployment.resources as { type: string }[]).map((r) => r.type);
    expect(types).toContain("dfcloud:index:BackupSchedule");
    expect(types).not.toContain(dfcloud.BACKUP_SCHEDULE_TYPE);
    expect(fs.existsSync(PLUGIN_DIR)).toBe(true);
  });
});
