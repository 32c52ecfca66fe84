/**
 * The `dfcloud-backup-guardrails` policy pack under the real engine: `pulumi preview --policy-pack
 * policy` on the programs in policy/test/programs, against the emulator (a Restore's preview looks
 * its backup up). A compliant program passes; a violating one fails with all nine violations, the
 * mandatory ones blocking and the advisory one only warning; values unknown during preview fail
 * nothing; a `--policy-pack-config` file moves thresholds and enforcement levels. Violations and
 * passed policies are read from the engine's streamed JSON events.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { DfCloudClient } from "@pulumi-dfcloud/provider";
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineEnv, newWorkDir, pulumi, pulumiOk, ROOT } from "./harness";

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

/** The engine events this test reads (streamed JSON preview, one event a line). */
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
function passedIn(stdout: string): Record<string, string[]> {
  const passed: Record<string, string[]> = {};
  for (const event of eventsIn(stdout)) {
    const resource = event.policyAnalyzeSummaryEvent;
    if (resource?.passed?.length) passed[resourceName(resource.resourceUrn)] = [...resource.passed].sort();
    const stack = event.policyAnalyzeStackSummaryEvent;
    if (stack?.passed?.length) passed[STACK] = [...stack.passed].sort();
  }
  return passed;
}

/** The policy violations in the engine's streamed JSON events, sorted by policy name. */
function violationsIn(stdout: string): Violation[] {
  return eventsIn(stdout)
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
  code: number;
  violations: Violation[];
  /** See {@link passedIn}. */
  passed: Record<string, string[]>;
  output: string;
}

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
    const env = engineEnv(workDir, {
      DFCLOUD_API_KEY: API_KEY,
      DFCLOUD_API_URL: emulator.url,
      // Streams engine events as JSON lines, policy events included (the summary JSON has none).
      PULUMI_ENABLE_STREAMING_JSON_PREVIEW: "true",
    });
    await pulumiOk(["stack", "init", stack], programDir, env);
    const config = { datastoreId, otherDatastoreId, backupId, ...options.config };
    await pulumiOk(
      ["config", "set-all", ...Object.entries(config).flatMap(([k, v]) => ["--plaintext", `${k}=${v}`])],
      programDir,
      env,
    );
    const policyConfig = options.policyConfig ? ["--policy-pack-config", options.policyConfig] : [];
    const result = await pulumi(
      ["preview", "--json", "--policy-pack", POLICY_DIR, ...policyConfig],
      programDir,
      env,
    );
    return {
      code: result.code,
      violations: violationsIn(result.stdout),
      passed: passedIn(result.stdout),
      output: `${result.stdout}\n${result.stderr}`,
    };
  }

  it("passes the compliant program with the default config: all nine policies ran and passed", async () => {
    const result = await preview("compliant", "dev");
    expect(result.violations, result.output).toEqual([]);
    expect(result.passed, result.output).toEqual({
      "pre-restore": ["backup-protected"],
      nightly: [
        "schedule-enabled",
        "schedule-max-retention",
        "schedule-min-frequency",
        "schedule-min-retention",
      ],
      restore: ["restore-allowed-stacks"],
      [STACK]: ["datastore-has-schedule", "one-schedule-per-datastore", "restore-needs-safety-backup"],
    });
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
      ["one-schedule-per-datastore", "mandatory"],
      ["restore-needs-safety-backup", "mandatory"],
      ["schedule-enabled", "advisory"],
    ]);
    expect(result.code, result.output).not.toBe(0);
  });
});
