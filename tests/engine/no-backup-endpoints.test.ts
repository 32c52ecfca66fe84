/**
 * An API without the manual-backup endpoints, through the real engine (Automation API, inline
 * programs): the emulator with `backupEndpoints: false`, where every `/v1/backups` path answers 404
 * like an unknown path, which is what the live API may be.
 *
 * - A BackupSchedule and a Restore of a backup id known from the console (seeded by the admin API)
 *   work fully: preview, up, refresh, a Terraform-style update that switches the schedule off shown
 *   as drift and put back, destroy. The Restore's preview says the backup cannot be verified.
 * - A Backup, and programs calling listBackups or getBackup, fail with the one message, and nothing
 *   is written.
 *
 * Each test asserts the engine's change summary or error text, the emulator's request log and state.
 */
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { configKey, restoreMessages } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import * as dfcloud from "pulumi-dfcloud";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  diagnosticText,
  frozenEmulator,
  inlineStack,
  seedTestDatastore,
  stepRecorder,
  writesIn,
} from "./harness";

const API_KEY = "dragonflydb_no_backup_endpoints_key_0123";

const MISSING =
  "this Dragonfly Cloud API offers no manual backup endpoints (GET /v1/backups answered 404): " +
  "Backup, listBackups and getBackup need them; BackupSchedule and Restore (with a backup id from the console) work without them";

/** The API policy of the program's schedule (Monday and Thursday, 02:00 UTC, 7 days). */
const DECLARED_POLICY = {
  enabled: true,
  every_day: false,
  weekdays: [1, 4],
  every_hour: false,
  hours: [2],
  retention: 7,
};

let emulator: RunningEmulator;
let datastoreId = "";
let backupId = "";

beforeAll(async () => {
  // Frozen emulator time and instant transitions: every wait completes on its next poll.
  emulator = await frozenEmulator([API_KEY], { backupEndpoints: false });
  datastoreId = await seedTestDatastore(emulator, API_KEY);
  await emulator.admin.setData(datastoreId, { order: "A" });
  // The backup a user would read off the console; this API cannot list it.
  backupId = (await emulator.admin.seedBackup(datastoreId, { description: "nightly" })).backup_id;
  await emulator.admin.setData(datastoreId, { order: "B" });
});

afterAll(async () => {
  await emulator?.close();
});

/** A stack of `program` configured for the emulator. */
async function stackOf(name: string, program: PulumiFn): Promise<Stack> {
  const { stack } = await inlineStack(name, program);
  await stack.setConfig(configKey("apiKey"), { value: API_KEY, secret: true });
  await stack.setConfig(configKey("apiUrl"), { value: emulator.url });
  await emulator.admin.clearRequests();
  return stack;
}

/** The API calls since the last call, as `METHOD path status`; clears the emulator's log. */
async function apiCalls(): Promise<string[]> {
  const log = await emulator.admin.requests();
  await emulator.admin.clearRequests();
  return log.map((entry) => `${entry.method} ${entry.path} ${entry.status}`);
}

async function liveDatastore() {
  const { datastores } = await emulator.admin.state();
  const found = datastores.find((d) => d.datastore_id === datastoreId);
  if (!found) throw new Error(`datastore ${datastoreId} is not in the emulator`);
  return found;
}

/** The emulator's backups: only the seeded one, whatever the programs did. */
async function backupIds(): Promise<string[]> {
  return (await emulator.admin.state()).backups.map((backup) => backup.backup_id);
}

/** The error text of a rejected engine operation. */
async function failureOf(operation: Promise<unknown>): Promise<string> {
  const error = await operation.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error, "the operation should have failed").toBeInstanceOf(Error);
  return String((error as Error).message);
}

describe("BackupSchedule and Restore without backup endpoints", () => {
  let stack: Stack;
  const output: string[] = [];
  const onOutput = (line: string) => output.push(line);
  const warning = () => diagnosticText("warning", restoreMessages.backupUnverified(backupId, MISSING));

  beforeAll(async () => {
    stack = await stackOf("nbe-schedule-restore", async () => {
      new dfcloud.BackupSchedule("nightly", {
        datastoreId,
        days: ["mon", "thu"],
        hours: [2],
        retentionDays: 7,
      });
      new dfcloud.Restore("from-console", {
        datastoreId,
        backupId,
        acknowledgeDataLoss: true,
        trigger: "2026-01-05",
      });
    });
  });

  it("previews two creates with the warning, writing nothing", async () => {
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent, onOutput });
    expect(preview.counts).toEqual({ create: 2 });
    expect(output.join("")).toContain(warning());
    const calls = await apiCalls();
    expect(writesIn(calls)).toEqual([]);
    // The backup was looked up once, and the collection once to tell a missing endpoint from a missing backup.
    expect(calls.filter((call) => call.includes("/v1/backups")).sort()).toEqual([
      "GET /v1/backups 404",
      `GET /v1/backups/${backupId} 404`,
    ]);
  });

  it("up sets the schedule and restores the backup's data", async () => {
    output.splice(0);
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ create: 3 }); // the stack, the schedule, the restore
    expect(output.join("")).toContain(warning());
    const datastore = await liveDatastore();
    expect(datastore.config.backup_policy).toEqual(DECLARED_POLICY);
    expect(datastore.config.restore).toEqual({ backup_id: backupId, loaded: true });
    expect(datastore.data).toEqual({ order: "A" });
    const calls = await apiCalls();
    expect(writesIn(calls)).toEqual([
      `PUT /v1/datastores/${datastoreId} 200`,
      `PUT /v1/datastores/${datastoreId} 200`,
    ]);
    expect(calls.filter((call) => call.includes("/v1/backups") && !call.startsWith("GET "))).toEqual([]);
    expect(await backupIds()).toEqual([backupId]);
  });

  it("refresh and preview find nothing to change", async () => {
    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toEqual({ same: 3 });
    const preview = stepRecorder();
    await stack.preview({ onEvent: preview.onEvent });
    expect(preview.counts).toEqual({});
    expect(writesIn(await apiCalls())).toEqual([]);
  });

  it("shows the Terraform provider's update (backup_policy {enabled: null}) as drift, and up puts the schedule back", async () => {
    // What `terraform apply` of a dfcloud_datastore without backup settings sends (docs/api-model.md).
    const { config } = await liveDatastore();
    const put = await fetch(`${emulator.url}/v1/datastores/${datastoreId}`, {
      method: "PUT",
      headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({
        ...config,
        backup_policy: { enabled: null },
        restore: { backup_id: "", loaded: false },
      }),
    });
    expect(put.status).toBe(200);
    expect((await liveDatastore()).data).toEqual({ order: "A" }); // the empty restore started nothing
    await apiCalls();

    const refresh = await stack.refresh({ onOutput });
    expect(refresh.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect(writesIn(await apiCalls())).toEqual([]);
    const up = await stack.up({ onOutput });
    expect(up.summary.resourceChanges).toEqual({ same: 2, update: 1 });
    expect((await liveDatastore()).config.backup_policy).toEqual(DECLARED_POLICY);
    expect(writesIn(await apiCalls())).toEqual([`PUT /v1/datastores/${datastoreId} 200`]);
  });

  it("destroy switches the schedule off and leaves the restored data", async () => {
    await emulator.admin.setData(datastoreId, { order: "C" });
    const destroy = await stack.destroy({ onOutput });
    expect(destroy.summary.resourceChanges).toEqual({ delete: 3 });
    const datastore = await liveDatastore();
    expect(datastore.config.backup_policy).toEqual({ ...DECLARED_POLICY, enabled: false });
    expect(datastore.data).toEqual({ order: "C" });
    expect(output.join("")).toContain(restoreMessages.removedFromStack(backupId, datastoreId));
    expect(writesIn(await apiCalls())).toEqual([`PUT /v1/datastores/${datastoreId} 200`]);
    expect(await backupIds()).toEqual([backupId]);
  });
});

describe("what needs the backup endpoints fails with the one message and writes nothing", () => {
  it("a Backup: up fails, nothing is recorded and no POST is sent", async () => {
    const stack = await stackOf("nbe-backup", async () => {
      new dfcloud.Backup("before-migration", {
        datastoreId,
        description: "before migration",
        retentionDays: 3,
      });
    });
    const message = await failureOf(stack.up());
    expect(message).toContain(`creating a backup of datastore ${datastoreId}: ${MISSING}`);
    const calls = await apiCalls();
    expect(writesIn(calls)).toEqual([]);
    expect(calls).toContain(`GET /v1/backups?datastore_id=${datastoreId} 404`);
    const state = (await stack.exportStack()).deployment.resources as { type: string }[];
    expect(state.map((resource) => resource.type)).not.toContain(dfcloud.BACKUP_TYPE);
    expect(await backupIds()).toEqual([backupId]);
  });

  it("a Backup adopting a backup id: the preview fails on existingBackupId", async () => {
    const stack = await stackOf("nbe-adopt", async () => {
      new dfcloud.Backup("nightly", {
        datastoreId,
        description: "nightly",
        retentionDays: 7,
        existingBackupId: backupId,
      });
    });
    const message = await failureOf(stack.preview());
    expect(message).toContain(`existingBackupId: ${MISSING}`);
    expect(writesIn(await apiCalls())).toEqual([]);
  });

  it.each([
    [
      "listBackups",
      () => dfcloud.listBackups({ datastoreId }),
      () => [`GET /v1/backups?datastore_id=${datastoreId} 404`],
    ],
    [
      "getBackup",
      () => dfcloud.getBackup(backupId),
      () => [`GET /v1/backups/${backupId} 404`, "GET /v1/backups 404"],
    ],
  ])("a program calling %s: the preview fails", async (name, lookup, expectedCalls) => {
    const stack = await stackOf(`nbe-${name.toLowerCase()}`, async () => {
      const found = await lookup();
      return { found: JSON.stringify(found) };
    });
    const message = await failureOf(stack.preview());
    expect(message).toContain(`EndpointMissingError: ${MISSING}`);
    // The lookup's calls, all answered 404 by a path the API does not have; nothing else.
    expect(await apiCalls()).toEqual(expectedCalls());
  });
});
