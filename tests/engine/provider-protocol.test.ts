/**
 * What the provider protocol offers beyond CRUD, used, through the real engine against the emulator:
 * a BackupSchedule asks the engine to refresh it before updates, so a console edit shows in a plain
 * `pulumi preview` of the native plugin (dynamic providers cannot ask, so there it takes `--refresh`);
 * a change of the provider's settings never replaces what it manages; progress is the resource row's
 * ephemeral status, not a permanent line.
 */
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import type { RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import {
  consoleScheduleEdit,
  type Door,
  detailedDiffs,
  freshTestDatastore,
  frozenEmulator,
  openDoor,
  stepRecorder,
  takeApiCalls,
  writesIn,
} from "./harness";

const API_KEY = "dragonflydb_protocol_test_key_0123456789";
let emulator: RunningEmulator;
let datastoreId = "";
let doors: { dynamic: Door; native: Door };

beforeAll(async () => {
  emulator = await frozenEmulator([API_KEY]);
  doors = { dynamic: await openDoor("dynamic"), native: await openDoor("native") };
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(async () => {
  datastoreId = await freshTestDatastore(emulator, API_KEY);
});

/**
 * A stack of `door` whose BackupSchedule (Mondays at 02:00 UTC, kept 7 days) is up, and then
 * edited behind the stack's back, as in the console, to every day at 05:00.
 */
async function consoleEditedSchedule(door: Door, name: string): Promise<Stack> {
  const { stack } = await door.stack(
    name,
    async () => {
      new door.resources.BackupSchedule("nightly", {
        datastoreId,
        days: ["mon"],
        hours: [2],
        retentionDays: 7,
      });
    },
    { apiKey: API_KEY, apiUrl: emulator.url },
  );
  await stack.up();
  await consoleScheduleEdit(emulator, API_KEY, datastoreId, {
    enabled: true,
    every_day: true,
    every_hour: false,
    hours: [5],
    retention: 7,
  });
  return stack;
}

describe("a console edit of a schedule", () => {
  it("shows in a plain preview of the native plugin, which refreshes the schedule before updating it", async () => {
    const stack = await consoleEditedSchedule(doors.native, "protocol-refresh-native");
    await takeApiCalls(emulator);

    const steps = stepRecorder();
    await stack.preview({ onEvent: steps.onEvent });
    // The engine's own refresh step, before the preview's diff: nobody passed --refresh.
    expect(steps.counts).toEqual({ refresh: 1, update: 1 });
    expect(detailedDiffs(steps.events).nightly).toEqual({ days: "update", hours: "update" });
    // The refresh is one read (a listing of the account's datastores, which every schedule refreshed
    // together shares); the preview writes nothing.
    expect(await takeApiCalls(emulator)).toEqual(["GET /v1/datastores"]);

    await stack.up();
    const live = (await emulator.admin.state()).datastores.find((d) => d.datastore_id === datastoreId);
    expect(live?.config.backup_policy).toMatchObject({ every_day: false, weekdays: [1], hours: [2] });
    await stack.destroy();
  });

  it("shows through the dynamic SDK only with --refresh: a dynamic provider cannot ask for the refresh", async () => {
    const stack = await consoleEditedSchedule(doors.dynamic, "protocol-refresh-dynamic");

    const plain = stepRecorder();
    await stack.preview({ onEvent: plain.onEvent });
    expect(plain.counts).toEqual({});
    const refreshed = stepRecorder();
    await stack.preview({ refresh: true, onEvent: refreshed.onEvent });
    expect(refreshed.counts).toEqual({ refresh: 1, update: 1 });
    await stack.destroy();
  });
});

describe("a change of the provider's settings", () => {
  it("replaces nothing and sends nothing: a new spelling of apiUrl, then a rotated key", async () => {
    const door = doors.native;
    const { stack } = await door.stack(
      "protocol-config",
      async () => {
        new door.resources.Backup("before-change", { datastoreId, retentionDays: 3 });
      },
      { apiKey: API_KEY, apiUrl: emulator.url },
    );
    await stack.up();
    await takeApiCalls(emulator);

    // The same API with a trailing slash: the provider's settings changed, what it manages did not.
    await stack.setConfig("dfcloud-backups:apiUrl", { value: `${emulator.url}/` });
    const respelled = stepRecorder();
    await stack.up({ onEvent: respelled.onEvent });
    expect(respelled.counts).toEqual({});
    expect(writesIn(await takeApiCalls(emulator))).toEqual([]);

    // A rotated key: judged at preview only (the emulator gives each key its own account).
    await stack.setConfig("dfcloud-backups:apiKey", {
      value: "dragonflydb_rotated_key_0123456789",
      secret: true,
    });
    const rotated = stepRecorder();
    await stack.preview({ onEvent: rotated.onEvent });
    expect(rotated.counts).toEqual({});
    expect(await takeApiCalls(emulator)).toEqual([]);
    await stack.setConfig("dfcloud-backups:apiKey", { value: API_KEY, secret: true });
    await stack.destroy();
  });
});

describe("progress of a long wait", () => {
  it("is the resource row's ephemeral status through the native plugin, not a line kept in the output", async () => {
    const door = doors.native;
    // A backup that takes a minute on the frozen clock: the wait goes on until the first progress line
    // arrives, then the clock moves past it. A wait that ends on its first poll shows no line at all.
    await emulator.admin.setDurations({ backup: 60 });
    const { stack } = await door.stack(
      "protocol-status",
      async () => {
        new door.resources.Backup("watched", { datastoreId, retentionDays: 3 });
      },
      { apiKey: API_KEY, apiUrl: emulator.url },
    );
    const diagnostics: NonNullable<EngineEvent["diagnosticEvent"]>[] = [];
    const isProgress = (d: { message: string }) => /^backup bkp_\w+: \w+ \(\d+ s\)/.test(d.message.trim());
    let advanced: Promise<unknown> | undefined;
    await stack.up({
      onEvent: (event) => {
        if (!event.diagnosticEvent) return;
        diagnostics.push(event.diagnosticEvent);
        if (isProgress(event.diagnosticEvent)) advanced ??= emulator.admin.advance(120);
      },
    });
    await advanced;
    const progress = diagnostics.filter(isProgress);
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) {
      expect(line).toMatchObject({ ephemeral: true, severity: "info" });
      expect(line.urn).toMatch(/::watched$/);
    }
    await stack.destroy();
  });
});
