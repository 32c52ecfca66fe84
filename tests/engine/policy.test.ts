/**
 * The `dfcloud-backup-guardrails` policy pack under the real engine: `pulumi preview --policy-pack
 * policy` on the programs in policy/test/programs, against the emulator (a Restore's preview looks
 * its backup up). A compliant program passes; a violating one fails with all ten violations, the
 * mandatory ones blocking and the advisory ones only warning; values unknown during preview fail
 * nothing; a `--policy-pack-config` file moves thresholds and enforcement levels. Violations and
 * passed policies are read from the engine's events.
 *
 * Those programs use the dynamic SDK. The pack judges the native plugin's resources the same way:
 * the same program in Pulumi YAML and in TypeScript on the Node.js SDK generated from schema.json
 * passes every policy when compliant, and fails with each policy's exact message when its schedule
 * keeps backups 3 days and its safety backup is of another datastore (so the stack policies, too,
 * see native resources and their dependencies).
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { DfCloudClient, nativeToken, PACKAGE } from "@pulumi-dfcloud/provider";
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  BUILT_ENGINE_BIN,
  engineEnv,
  NATIVE_PLUGIN_DIR,
  newWorkDir,
  openDoor,
  PULUMI,
  pulumi,
  pulumiOk,
  ROOT,
} from "./harness";

const API_KEY = "dragonflydb_policy_test_key_0123456789";
const POLICY_DIR = path.join(ROOT, "policy");
const PROGRAMS_DIR = path.join(POLICY_DIR, "test/programs");

/** One policy violation as the engine reported it. */
interface Violation {
  policy: string;
  level: string;
  /** Name of the resource it is attached to. */
  resource: string;
  /** The policy's own message (the engine prints the description above it). */
  message: string;
}

/** The engine events this test reads (streamed JSON preview, one event a line, or the Automation API's). */
interface EngineEvent {
  policyEvent?: { policyName: string; enforcementLevel: string; resourceUrn?: string; message: string };
  policyAnalyzeSummaryEvent?: { resourceUrn: string; passed?: string[] };
  policyAnalyzeStackSummaryEvent?: { passed?: string[] };
}

/** The key of stack policies in {@link PreviewResult.passed}. */
const STACK = "(stack)";

function eventsIn(stdout: string): EngineEvent[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith("{"))
    .map((line) => JSON.parse(line) as EngineEvent);
}

function resourceName(urn: string | undefined): string {
  return urn?.split("::").at(-1) ?? "";
}

/**
 * The policies that ran and passed, sorted, per resource name (and {@link STACK}). A policy that
 * does not apply to a resource (another type, or a value unknown during preview) is not listed.
 */
function passedIn(events: readonly EngineEvent[]): Record<string, string[]> {
  const passed: Record<string, string[]> = {};
  for (const event of events) {
    const resource = event.policyAnalyzeSummaryEvent;
    if (resource?.passed?.length) passed[resourceName(resource.resourceUrn)] = [...resource.passed].sort();
    const stack = event.policyAnalyzeStackSummaryEvent;
    if (stack?.passed?.length) passed[STACK] = [...stack.passed].sort();
  }
  return passed;
}

/** The policy violations in the engine's events, sorted by policy name. */
function violationsIn(events: readonly EngineEvent[]): Violation[] {
  return events
    .flatMap(({ policyEvent: event }) => {
      if (!event) return [];
      const lines = event.message.trim().split("\n");
      return [
        {
          policy: event.policyName,
          level: event.enforcementLevel,
          resource: resourceName(event.resourceUrn),
          message: lines.at(-1) ?? "",
        },
      ];
    })
    .sort((a, b) => (a.policy < b.policy ? -1 : 1));
}

/** What a preview with the pack did: its exit code, the violations and the passed policies. */
interface PreviewResult {
  /** The CLI's exit code (the Automation API's: 0, or 1 when the preview failed). */
  code: number;
  violations: Violation[];
  /** See {@link passedIn}. */
  passed: Record<string, string[]>;
  output: string;
}

/** A compliant program's passed policies: all ten, each on the resources it judges. */
const ALL_PASSED = {
  "pre-restore": ["backup-protected"],
  nightly: ["schedule-enabled", "schedule-max-retention", "schedule-min-frequency", "schedule-min-retention"],
  restore: ["restore-allowed-stacks"],
  [STACK]: [
    "datastore-has-restore-drill",
    "datastore-has-schedule",
    "one-schedule-per-datastore",
    "restore-needs-safety-backup",
  ],
};

describe("the dfcloud-backup-guardrails policy pack on the real engine", () => {
  let emulator: RunningEmulator;
  let datastoreId = "";
  let otherDatastoreId = "";
  let backupId = "";

  beforeAll(async () => {
    if (!fs.existsSync(path.join(POLICY_DIR, "dist/index.js"))) {
      throw new Error("policy/dist/index.js is missing: build first (`make build` or `npx tsc -b`)");
    }
    emulator = await startEmulator({ apiKeys: [API_KEY], durations: { backup: 0 } });
    const seed = (name: string) =>
      emulator.admin.seedDatastore(API_KEY, {
        name,
        location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
        tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
      });
    datastoreId = (await seed("orders")).datastore_id;
    otherDatastoreId = (await seed("sessions")).datastore_id;
    // The backup the programs restore: it must exist and be ready, or the Restore's preview fails.
    const client = new DfCloudClient({ apiKey: API_KEY, apiUrl: emulator.url });
    try {
      const backup = await client.createBackup({
        datastore_id: datastoreId,
        description: "earlier",
        retention: 7,
      });
      backupId = (await client.waitForBackup(backup.backup_id, { timeoutMs: 30_000 })).backup_id;
    } finally {
      await client.close();
    }
  });

  afterAll(async () => {
    await emulator?.close();
  });

  /**
   * Copies `program` into a fresh work folder (stack files never land in the source tree), makes
   * stack `stack` with the program's config, and previews it with the pack and `policyConfig`.
   */
  async function preview(
    program: "compliant" | "violating" | "unknown-values",
    stack: string,
    options: { config?: Record<string, string>; policyConfig?: string } = {},
  ): Promise<PreviewResult> {
    const workDir = newWorkDir(`policy-${program}`);
    const programDir = path.join(workDir, program);
    fs.cpSync(path.join(PROGRAMS_DIR, program), programDir, { recursive: true });
    const config = { datastoreId, otherDatastoreId, backupId, ...options.config };
    return previewIn(workDir, programDir, stack, config, options.policyConfig);
  }

  /**
   * Makes stack `stack` of the program in `programDir` (inside `workDir`, which holds the state) with
   * `config`, and previews it with the pack and `policyConfig`.
   */
  async function previewIn(
    workDir: string,
    programDir: string,
    stack: string,
    config: Record<string, string>,
    policyConfig?: string,
  ): Promise<PreviewResult> {
    const env = engineEnv(workDir, {
      DFCLOUD_API_KEY: API_KEY,
      DFCLOUD_API_URL: emulator.url,
      // Streams engine events as JSON lines, policy events included (the summary JSON has none).
      PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true",
    });
    await pulumiOk(["stack", "init", stack], programDir, env);
    await pulumiOk(
      ["config", "set-all", ...Object.entries(config).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`])],
      programDir,
      env,
    );
    const configFile = policyConfig ? ["--policy-pack-config", policyConfig] : [];
    const result = await pulumi(
      ["preview", "--json", "--policy-pack", POLICY_DIR, ...configFile],
      programDir,
      env,
    );
    const events = eventsIn(result.stdout);
    return {
      code: result.code,
      violations: violationsIn(events),
      passed: passedIn(events),
      output: `${result.stdout}\n${result.stderr}`,
    };
  }

  it("passes the compliant program with the default config: all ten policies ran and passed", async () => {
    const result = await preview("compliant", "dev");
    expect(result.violations, result.output).toEqual([]);
    expect(result.passed, result.output).toEqual(ALL_PASSED);
    expect(result.code, result.output).toBe(0);
  });

  it("lists every violation of the violating program in a prod stack and fails", async () => {
    const result = await preview("violating", "prod");
    const restoreNeeds = `Restore "restore" must depend on a Backup of datastore "${datastoreId}" in this stack, so that a safety backup is taken before the restore overwrites the data, but it depends on no Backup of that datastore.`;
    expect(result.violations, result.output).toEqual([
      {
        policy: "backup-protected",
        level: "advisory",
        resource: "unprotected",
        message: `Backup "unprotected" should be protected (protect: true) so that removing it from the program or destroying the stack cannot delete the backup, but protect is false.`,
      },
      {
        policy: "datastore-has-restore-drill",
        level: "advisory",
        resource: "forever",
        message: `Datastore "${datastoreId}" (backed up by BackupSchedule "forever", BackupSchedule "weekly") should have a RestoreDrill in this stack, so that its backups are proven to restore, but the stack has none for it: add a RestoreDrill with datastoreId "${datastoreId}" and a trigger that a scheduled pipeline changes each week, such as the ISO week ("2026-W49").`,
      },
      {
        policy: "datastore-has-schedule",
        level: "mandatory",
        resource: "unprotected",
        message: `Datastore "${otherDatastoreId}" (used by Backup "unprotected") must have a BackupSchedule in this stack, but the stack has none for it.`,
      },
      {
        policy: "one-schedule-per-datastore",
        level: "mandatory",
        resource: "weekly",
        message: `Datastore "${datastoreId}" must have at most one BackupSchedule, because each one overwrites the datastore's backup policy on every update, but it has 2: "forever", "weekly".`,
      },
      {
        policy: "restore-allowed-stacks",
        level: "mandatory",
        resource: "restore",
        message: `Restore "restore" may only be declared in a stack that matches allowedStacks ["*"] and no pattern in deniedStacks ["prod*"], but this stack is "prod".`,
      },
      {
        policy: "restore-needs-safety-backup",
        level: "mandatory",
        resource: "restore",
        message: restoreNeeds,
      },
      {
        policy: "schedule-enabled",
        level: "mandatory",
        resource: "weekly",
        message: `BackupSchedule "weekly" must be enabled, but its enabled is false.`,
      },
      {
        policy: "schedule-max-retention",
        level: "mandatory",
        resource: "forever",
        message: `BackupSchedule "forever" may keep backups for at most 35 days (maxRetentionDays), but its retentionDays is 90.`,
      },
      {
        policy: "schedule-min-frequency",
        level: "mandatory",
        resource: "weekly",
        message: `BackupSchedule "weekly" must take at least 7 backups a week (minBackupsPerWeek), but it takes 1 (days ["mon"] × hours [3]).`,
      },
      {
        policy: "schedule-min-retention",
        level: "mandatory",
        resource: "weekly",
        message: `BackupSchedule "weekly" must keep backups for at least 7 days (minRetentionDays), but its retentionDays is 3.`,
      },
    ]);
    expect(result.code, result.output).not.toBe(0);
  });

  it("never fails on values unknown during preview: those checks wait for `pulumi up`", async () => {
    const result = await preview("unknown-values", "dev");
    expect(result.violations, result.output).toEqual([]);
    // retentionDays comes from an output not known yet: both retention policies do not apply yet.
    expect(result.passed.nightly, result.output).toEqual(["schedule-enabled", "schedule-min-frequency"]);
    // The Restore's backupId is the new Backup's id, a property dependency on the safety backup.
    // The drill's datastoreId is not known yet: datastore-has-restore-drill waits for `pulumi up`.
    expect(result.passed[STACK], result.output).toEqual([
      "datastore-has-schedule",
      "one-schedule-per-datastore",
      "restore-needs-safety-backup",
    ]);
    expect(result.code, result.output).toBe(0);
  });

  it("only warns about an advisory violation: the preview still succeeds", async () => {
    const result = await preview("compliant", "dev", { config: { protectBackup: "false" } });
    expect(
      result.violations.map((v) => [v.policy, v.level, v.resource]),
      result.output,
    ).toEqual([["backup-protected", "advisory", "pre-restore"]]);
    expect(result.code, result.output).toBe(0);
  });

  it("applies the README's sample config file: 14 backups a week are now required", async () => {
    const result = await preview("compliant", "dev", {
      policyConfig: path.join(POLICY_DIR, "examples/policy-config.json"),
    });
    expect(result.violations, result.output).toEqual([
      {
        policy: "schedule-min-frequency",
        level: "mandatory",
        resource: "nightly",
        message: `BackupSchedule "nightly" must take at least 14 backups a week (minBackupsPerWeek), but it takes 7 (days "every" × hours [3]).`,
      },
    ]);
    expect(result.code, result.output).not.toBe(0);
  });

  it("moves thresholds and enforcement levels with a config file", async () => {
    const configFile = path.join(newWorkDir("policy-config"), "policy-config.json");
    fs.writeFileSync(
      configFile,
      JSON.stringify({
        "schedule-min-retention": { minRetentionDays: 3 },
        "schedule-max-retention": { maxRetentionDays: 90 },
        "schedule-min-frequency": { minBackupsPerWeek: 1 },
        "restore-allowed-stacks": { deniedStacks: ["production"] },
        "backup-protected": "mandatory",
        "schedule-enabled": "advisory",
        "datastore-has-schedule": { enforcementLevel: "disabled" },
      }),
    );
    const result = await preview("violating", "prod", { policyConfig: configFile });
    expect(
      result.violations.map((v) => [v.policy, v.level]),
      result.output,
    ).toEqual([
      ["backup-protected", "mandatory"],
      ["datastore-has-restore-drill", "advisory"],
      ["one-schedule-per-datastore", "mandatory"],
      ["restore-needs-safety-backup", "mandatory"],
      ["schedule-enabled", "advisory"],
    ]);
    expect(result.code, result.output).not.toBe(0);
  });

  /** What the native programs vary: how long the schedule keeps backups, and which datastore the safety backup is of. */
  interface NativeProgram {
    retentionDays: number;
    safetyBackupDatastoreId: string;
  }

  /**
   * Every policy passes: backups kept 14 days, a RestoreDrill of the scheduled datastore, and the
   * Restore depends on a fresh Backup of its datastore.
   */
  const compliantProgram = (): NativeProgram => ({ retentionDays: 14, safetyBackupDatastoreId: datastoreId });
  /** Backups kept 3 days, and the only Backup the Restore depends on is of the other datastore. */
  const violatingProgram = (): NativeProgram => ({
    retentionDays: 3,
    safetyBackupDatastoreId: otherDatastoreId,
  });

  /** The violations of {@link violatingProgram}, the same words whichever door registered it. */
  function violatingProgramViolations(): Violation[] {
    return [
      {
        policy: "datastore-has-schedule",
        level: "mandatory",
        resource: "pre-restore",
        message: `Datastore "${otherDatastoreId}" (used by Backup "pre-restore") must have a BackupSchedule in this stack, but the stack has none for it.`,
      },
      {
        policy: "restore-needs-safety-backup",
        level: "mandatory",
        resource: "restore",
        message: `Restore "restore" must depend on a Backup of datastore "${datastoreId}" in this stack, so that a safety backup is taken before the restore overwrites the data, but it depends on no Backup of that datastore.`,
      },
      {
        policy: "schedule-min-retention",
        level: "mandatory",
        resource: "nightly",
        message: `BackupSchedule "nightly" must keep backups for at least 7 days (minRetentionDays), but its retentionDays is 3.`,
      },
    ];
  }

  describe("through the native plugin, in Pulumi YAML", () => {
    /**
     * The compliant program of policy/test/programs in Pulumi YAML: the resources by the native
     * plugin's tokens, the plugin loaded from this repository (`plugins.providers`).
     */
    const PROGRAM = `name: policy-native-yaml
runtime: yaml
plugins:
  providers:
    - name: ${PACKAGE}
      path: ${NATIVE_PLUGIN_DIR}
config:
  datastoreId:
    type: string
  backupId:
    type: string
  safetyBackupDatastoreId:
    type: string
  retentionDays:
    type: integer
resources:
  nightly:
    type: ${nativeToken("BackupSchedule")}
    properties:
      datastoreId: \${datastoreId}
      days: every
      hours: [3]
      retentionDays: \${retentionDays}
  pre-restore:
    type: ${nativeToken("Backup")}
    properties:
      datastoreId: \${safetyBackupDatastoreId}
      retentionDays: 7
    options:
      protect: true
  restore:
    type: ${nativeToken("Restore")}
    properties:
      datastoreId: \${datastoreId}
      backupId: \${backupId}
      acknowledgeDataLoss: true
    options:
      dependsOn:
        - \${pre-restore}
  weekly-drill:
    type: ${nativeToken("RestoreDrill")}
    properties:
      datastoreId: \${datastoreId}
      backupId: \${backupId}
      trigger: 2026-W49
`;

    async function previewYaml(program: NativeProgram): Promise<PreviewResult> {
      if (PULUMI !== "pulumi" && !fs.existsSync(path.join(BUILT_ENGINE_BIN, "pulumi-language-yaml"))) {
        throw new Error("pulumi-language-yaml is not beside the engine: run `make tools`");
      }
      const workDir = newWorkDir("policy-native-yaml");
      const programDir = path.join(workDir, "program");
      fs.mkdirSync(programDir);
      fs.writeFileSync(path.join(programDir, "Pulumi.yaml"), PROGRAM);
      const config = {
        datastoreId,
        backupId,
        safetyBackupDatastoreId: program.safetyBackupDatastoreId,
        retentionDays: String(program.retentionDays),
      };
      return previewIn(workDir, programDir, "dev", config);
    }

    it("passes the compliant program: all ten policies ran on the native resources and passed", async () => {
      const result = await previewYaml(compliantProgram());
      expect(result.violations, result.output).toEqual([]);
      expect(result.passed, result.output).toEqual(ALL_PASSED);
      expect(result.code, result.output).toBe(0);
    });

    it("fails a schedule keeping backups 3 days, and a Restore without a safety backup, with the policies' messages", async () => {
      const result = await previewYaml(violatingProgram());
      expect(result.violations, result.output).toEqual(violatingProgramViolations());
      expect(result.code, result.output).not.toBe(0);
    });
  });

  describe("through the native plugin, in TypeScript on the generated Node.js SDK", () => {
    /** Previews the program, written with the generated SDK's classes, inline through the Automation API. */
    async function previewGeneratedSdk(name: string, program: NativeProgram): Promise<PreviewResult> {
      const door = await openDoor("native");
      const { BackupSchedule, Backup, Restore, RestoreDrill } = door.resources;
      const inline: PulumiFn = async () => {
        const { retentionDays, safetyBackupDatastoreId } = program;
        new BackupSchedule("nightly", { datastoreId, days: "every", hours: [3], retentionDays });
        const safety = new Backup(
          "pre-restore",
          { datastoreId: safetyBackupDatastoreId, retentionDays: 7 },
          { protect: true },
        );
        new Restore("restore", { datastoreId, backupId, acknowledgeDataLoss: true }, { dependsOn: [safety] });
        new RestoreDrill("weekly-drill", { datastoreId, backupId, trigger: "2026-W49" });
      };
      const { stack } = await door.stack(`policy-${name}`, inline, { apiKey: API_KEY, apiUrl: emulator.url });
      const events: EngineEvent[] = [];
      const onEvent = (event: object) => events.push(event as EngineEvent);
      try {
        const result = await stack.preview({ policyPacks: [POLICY_DIR], onEvent });
        const output = `${result.stdout}\n${result.stderr}`;
        return { code: 0, violations: violationsIn(events), passed: passedIn(events), output };
      } catch (error) {
        // The Automation API throws when the CLI fails, after it has handed over every event.
        return { code: 1, violations: violationsIn(events), passed: passedIn(events), output: String(error) };
      }
    }

    it("passes the compliant program: all ten policies ran on the native resources and passed", async () => {
      const result = await previewGeneratedSdk("native-ts-compliant", compliantProgram());
      expect(result.violations, result.output).toEqual([]);
      expect(result.passed, result.output).toEqual(ALL_PASSED);
      expect(result.code, result.output).toBe(0);
    });

    it("fails a schedule keeping backups 3 days, and a Restore without a safety backup, with the policies' messages", async () => {
      const result = await previewGeneratedSdk("native-ts-violating", violatingProgram());
      expect(result.violations, result.output).toEqual(violatingProgramViolations());
      expect(result.code, result.output).not.toBe(0);
    });
  });
});
