/**
 * `make demo` (scripts/demo.js), step by step, with the real engine against an emulator of the test's
 * own: its `runDemo` runs examples/quickstart as a new user first sees it.
 *
 * - The first preview, with config `hours` = [2, 25], fails at the provider's check: the transcript
 *   shows the check's reason (the property, what was given and what is allowed), and the emulator's
 *   request log shows that the preview wrote nothing, while it did log the preview's reads.
 * - The second preview, with `hours` removed again, passes and shows the plan (three creates),
 *   still without a write.
 * - `up` then creates what the plan said: the emulator holds the example's schedule and its backup,
 *   and its request log holds the update's writes. The steps come in that order in the transcript.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { checkFields, SCHEDULE_INPUTS } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { engineEnv, frozenEmulator, newWorkDir, pulumi } from "./harness";

interface StepRun {
  code: number;
  output: string;
  requests: { reads: string[]; writes: string[] };
}

// demo.js is a plain Node script (CommonJS), loaded as such.
const demo = require("../../scripts/demo.js") as {
  runDemo(
    emulator: Pick<RunningEmulator, "url" | "apiKeys" | "adminToken">,
    options: { stack: string; stateDir: string; env: NodeJS.ProcessEnv; write: (text: string) => void },
  ): Promise<{ datastoreId: string; failedPreview: StepRun; preview: StepRun; up: StepRun }>;
  BAD_HOURS: string;
  PROGRAM: string;
};

const API_KEY = "dragonflydb_demo_test_key_0123456789";
const STACK = `demo-test-${process.pid}`;

describe("make demo: a preview a check stops, a preview that passes, then up", () => {
  let emulator: RunningEmulator;
  let workDir = "";
  let env: NodeJS.ProcessEnv;
  let transcript = "";
  let result: Awaited<ReturnType<typeof demo.runDemo>>;

  beforeAll(async () => {
    emulator = await frozenEmulator([API_KEY]);
    workDir = newWorkDir("demo");
    env = engineEnv(workDir);
    result = await demo.runDemo(emulator, {
      stack: STACK,
      stateDir: path.join(workDir, ".pulumi-state"),
      env,
      write: (text) => {
        transcript += text;
      },
    });
  });

  afterAll(async () => {
    if (env) await pulumi(["stack", "rm", "--yes", "--force", "--stack", STACK], demo.PROGRAM, env);
    fs.rmSync(path.join(demo.PROGRAM, `Pulumi.${STACK}.yaml`), { force: true });
    await emulator?.close();
    if (workDir && !process.env.KEEP_TEST_WORK) fs.rmSync(workDir, { recursive: true, force: true });
  });

  it("the bad hour fails the preview with the check's reason, and the API saw no write", () => {
    expect(demo.BAD_HOURS).toBe("[2, 25]");
    // The reason the provider's check gives for these hours, word for word: it names the property,
    // the value and what is allowed.
    const { failures } = checkFields({ hours: SCHEDULE_INPUTS.hours }, { hours: JSON.parse(demo.BAD_HOURS) });
    const reason = failures.map((failure) => failure.reason).join("\n");
    expect(reason).toMatch(/^hours\[1\]: 25 is not an hour; allowed: .*from 0 to 23/);

    const { failedPreview } = result;
    expect(failedPreview.code).not.toBe(0);
    expect(failedPreview.output).toContain(reason);
    expect(failedPreview.output).toContain("BackupSchedule (nightly)");
    expect(transcript).toContain(failedPreview.output);
    // Whether the other resource's check read the datastore before the engine stopped varies; no
    // write does (the passing preview below shows that the log records the previews' reads).
    expect(failedPreview.requests.writes).toEqual([]);
    expect(transcript).toMatch(
      /The preview failed \(exit code \d+\) and nothing was sent to change the API\. Its request log: \d+ reads?( \(.*\))?, 0 writes\./,
    );
  });

  it("with the hours fixed the preview passes and shows the plan, still without a write", () => {
    const { preview } = result;
    expect(preview.code).toBe(0);
    expect(preview.output).not.toContain("error");
    expect(preview.output).toMatch(/\+\s+pulumi-nodejs:dynamic\/dfcloud:BackupSchedule nightly create/);
    expect(preview.output).toMatch(/\+\s+pulumi-nodejs:dynamic\/dfcloud:Backup before-migration create/);
    expect(preview.output).toContain("+ 3 to create");
    // The schedule's and the backup's datastore ids are looked up in one listing of the account.
    expect(preview.requests.reads).toEqual(["GET /v1/datastores"]);
    expect(preview.requests.writes).toEqual([]);
    expect(transcript).toMatch(/A preview only reads\. Its request log: .*, 0 writes\./);
    // The fix is the example's own default: no `hours` left in the stack's config.
    const stackConfig = fs.readFileSync(path.join(demo.PROGRAM, `Pulumi.${STACK}.yaml`), "utf8");
    expect(stackConfig).toContain("datastoreId");
    expect(stackConfig).not.toContain("hours");
  });

  it("then up creates the plan: the API holds the schedule and the backup, and logged the writes", async () => {
    const { up, datastoreId } = result;
    expect(up.output).toContain("+ 3 created");
    expect([...new Set(up.requests.writes)].sort()).toEqual(
      ["POST /v1/backups", `PUT /v1/datastores/${datastoreId}`].sort(),
    );
    const state = await emulator.admin.state();
    const datastore = state.datastores.find((candidate) => candidate.datastore_id === datastoreId);
    expect(datastore?.config.backup_policy).toEqual({
      enabled: true,
      every_day: true,
      every_hour: false,
      hours: [2, 14],
      retention: 7,
    });
    expect(
      state.backups
        .filter((backup) => backup.datastore_id === datastoreId)
        .map(({ source, description, retention, status }) => ({ source, description, retention, status })),
    ).toEqual([{ source: "manual", description: "before schema migration", retention: 14, status: "ready" }]);
    expect(transcript).toContain(`What pulumi up sent: ${up.requests.reads.length} reads`);

    // In the order a new user reads them: the failure, the plan, the update.
    const failedAt = transcript.indexOf("The preview failed");
    const planAt = transcript.indexOf("+ 3 to create");
    const createdAt = transcript.indexOf("+ 3 created");
    expect(failedAt).toBeGreaterThan(0);
    expect(planAt).toBeGreaterThan(failedAt);
    expect(createdAt).toBeGreaterThan(planAt);
  });
});
