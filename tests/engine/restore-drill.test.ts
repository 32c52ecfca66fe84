/**
 * RestoreDrill through both front doors, on the real engine against the emulator, whose datastores
 * serve their data over RESP: a drill proves a backup by restoring it somewhere harmless and reading
 * the data back. Every case asserts what the evidence in state says, what the engine printed, and
 * what the emulator saw: no write to the source, and no temporary datastore left behind.
 */
import type { PulumiFn } from "@pulumi/pulumi/automation";
import { restoreDrillMessages, TEMPORARY_NAME_PREFIX } from "@pulumi-dfcloud/provider";
import { createClient } from "@redis/client";
import { type EmulatorOptions, type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { describe, expect, it } from "vitest";
import {
  DOOR_NAMES,
  doorsOpenedOnce,
  frozenEmulator,
  seedTestDatastore,
  takeApiCalls,
  taskSlots,
  writesIn,
} from "./harness";

const API_KEY = "dragonflydb_drill_test_key";
/** 2026-12-01T00:00:00Z: the emulator's clock at start. */
const START = Date.UTC(2026, 11, 1);
const HOUR_SECONDS = 3600;

/** One engine operation at a time per program (see parity.test.ts), at most two engines at once. */
const engineSlot = taskSlots(2);
const programSlot = taskSlots(1);
const programRun = <T>(operation: () => Promise<T>): Promise<T> => programSlot(() => engineSlot(operation));

/** Each door, opened once (the native one builds the generated SDK on first use). */
const door = doorsOpenedOnce();

/** The account's datastores that a drill made and that are not deleted (nor being deleted). */
async function liveTemporaries(emulator: RunningEmulator): Promise<string[]> {
  const { datastores } = (await emulator.admin.state()) as unknown as {
    datastores: { datastore_id: string; status: string; config: { name?: string } }[];
  };
  return datastores
    .filter((d) => d.config.name?.startsWith(TEMPORARY_NAME_PREFIX))
    .filter((d) => d.status !== "deleted" && d.status !== "deleting")
    .map((d) => d.datastore_id);
}

/** Reads every string key of a datastore over RESP, as a user's smoke test would. */
async function readOverResp(emulator: RunningEmulator, datastoreId: string): Promise<Record<string, string>> {
  const answer = await fetch(`${emulator.url}/v1/datastores/${datastoreId}`, {
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  const datastore = (await answer.json()) as { addr: string; password: string };
  const [host, port] = datastore.addr.split(":");
  const client = createClient({
    socket: { host, port: Number(port), reconnectStrategy: false },
    username: "default",
    password: datastore.password,
  });
  await client.connect();
  try {
    const keys: string[] = [];
    for await (const batch of client.scanIterator({ MATCH: "*", COUNT: 100 })) keys.push(...batch);
    keys.sort();
    const values: Record<string, string> = {};
    for (const key of keys) values[key] = String(await client.get(key));
    return values;
  } finally {
    client.destroy();
  }
}

/** A source datastore with data and a ready backup of it, on an emulator of its own. */
async function drillFixture(options: Partial<EmulatorOptions> = {}, frozen = true) {
  const emulator = frozen
    ? await frozenEmulator([API_KEY], { startTime: START, ...options })
    : await startEmulator({ apiKeys: [API_KEY], startTime: START, ...options });
  const source = await seedTestDatastore(emulator, API_KEY);
  await emulator.admin.setData(source, { "order:1": "A", "order:2": "B" });
  const backup = await emulator.admin.seedBackup(source, { description: "nightly" });
  // The source moves on after its backup: a drill must read the backup's data, not today's.
  await emulator.admin.setData(source, { "order:1": "A", "order:2": "B", "order:3": "C" });
  await takeApiCalls(emulator);
  return { emulator, source, backupId: backup.backup_id };
}

/** A drill that fails one check: how its fixture is made, its inputs, and the failure line it records. */
interface FailingDrill {
  name: string;
  /** The input the failure names. */
  input: string;
  fixture: () => ReturnType<typeof drillFixture>;
  inputs: Record<string, unknown>;
  failure: RegExp;
}

const FAILING_DRILLS: FailingDrill[] = [
  {
    name: "a key the restore did not bring back",
    input: "expectKeys",
    fixture: () => drillFixture(),
    inputs: { expectKeys: ["order:1", "order:3"] },
    failure: /^expectKeys: 1 of 2 keys missing after the restore: "order:3"$/,
  },
  {
    name: "fewer keys than minKeys",
    input: "minKeys",
    fixture: () => drillFixture(),
    inputs: { minKeys: 3 },
    failure: /^minKeys: the restored datastore held 2 keys; at least 3 required$/,
  },
  {
    // Ten API minutes of restore pass in one real second; the objective is five minutes.
    name: "a restore slower than the RTO",
    input: "maxRestoreMinutes",
    fixture: () =>
      drillFixture(
        {
          timeScale: 600,
          durations: { datastoreCreate: 0, datastoreUpdate: 0, datastoreDelete: 0, restore: 600, backup: 0 },
        },
        false,
      ),
    inputs: { maxRestoreMinutes: 5 },
    failure:
      /^maxRestoreMinutes: the restore took \d+\.\d minutes \(\d+(\.\d+)? s\); the objective is 5 minutes$/,
  },
  {
    name: "a backup older than the RPO",
    input: "maxBackupAgeHours",
    fixture: async () => {
      const made = await drillFixture();
      await made.emulator.admin.advance(48 * HOUR_SECONDS);
      return made;
    },
    inputs: { maxBackupAgeHours: 24 },
    failure:
      /^maxBackupAgeHours: backup bkp_\w+ was 48 hours old when the drill started; the objective is 24 hours$/,
  },
];

describe.concurrent("a RestoreDrill proves a backup restores, through both front doors", () => {
  describe.each(DOOR_NAMES)("%s", (doorName) => {
    it("drills into a temporary datastore like the source, passes, and leaves nothing behind", async () => {
      const d = await door(doorName);
      const { emulator, source, backupId } = await drillFixture();
      try {
        const program: PulumiFn = async () => {
          const drill = new d.resources.RestoreDrill("weekly", {
            datastoreId: source,
            expectKeys: ["order:1", "order:2"],
            maxRestoreMinutes: 10,
            maxBackupAgeHours: 24,
            trigger: "2026-W49",
          });
          return { passed: drill.passed, keys: drill.keys, backupId: drill.backupId };
        };
        const { stack } = await d.stack(`drill-pass-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        const up = await programRun(() => stack.up());
        expect(up.summary.resourceChanges).toEqual({ create: 2 });
        const drill = (await d.state(stack)).weekly?.outputs;
        expect(drill).toMatchObject({
          datastoreId: source,
          backupId,
          backupCreatedAt: new Date(START).toISOString(),
          backupAgeHours: 0,
          temporaryScratch: true,
          scratchDeleted: true,
          restoreSeconds: 0,
          keys: 2,
          missingKeys: [],
          passed: true,
          failures: [],
          checkedAt: expect.stringMatching(/^2026-12-01T00:00:00\.\d{3}Z$/),
        });
        const scratch = String(drill?.scratchDatastoreId);
        expect(scratch).not.toBe(source);
        const calls = writesIn(await takeApiCalls(emulator));
        // The source is only read; the temporary datastore is made, restored into and deleted.
        expect(calls).toEqual([
          "POST /v1/datastores",
          `PUT /v1/datastores/${scratch}`,
          `DELETE /v1/datastores/${scratch}`,
        ]);
        expect(await liveTemporaries(emulator)).toEqual([]);
        const { datastores } = (await emulator.admin.state()) as unknown as {
          datastores: { datastore_id: string; config: Record<string, unknown> }[];
        };
        const made = datastores.find((one) => one.datastore_id === scratch)?.config;
        const original = datastores.find((one) => one.datastore_id === source)?.config;
        expect(made?.location).toEqual(original?.location);
        expect(made?.tier).toEqual(original?.tier);
        expect(made?.cluster).toEqual(original?.cluster);
        expect(String(made?.name)).toMatch(new RegExp(`^${TEMPORARY_NAME_PREFIX}${source}-[0-9a-f]{8}-`));

        // The same inputs do not drill again; a new trigger does, in place.
        const same = await programRun(() => stack.up());
        expect(same.summary.resourceChanges).toEqual({ same: 2 });
        expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
      } finally {
        await emulator.close();
      }
    });

    it.each(FAILING_DRILLS)(
      "fails `up` on $name naming $input, keeps the evidence, and does not drill again with the same inputs",
      async ({ fixture, inputs, failure }) => {
        const d = await door(doorName);
        const { emulator, source } = await fixture();
        try {
          const program: PulumiFn = async () => {
            new d.resources.RestoreDrill("weekly", { datastoreId: source, trigger: "2026-W49", ...inputs });
          };
          const { stack } = await d.stack(`drill-fail-${doorName}-${Object.keys(inputs)[0]}`, program, {
            apiKey: API_KEY,
            apiUrl: emulator.url,
          });
          const error = await programRun(() => stack.up()).then(
            () => undefined,
            (reason: Error) => reason,
          );
          expect(String(error?.message)).toContain(
            "failed a check; it is recorded in state with `passed: false`",
          );
          const drill = (await d.state(stack)).weekly?.outputs;
          expect(drill?.passed).toBe(false);
          expect(drill?.failures).toEqual([expect.stringMatching(failure)]);
          expect(String(error?.message)).toContain(
            `- ${(drill?.failures as string[] | undefined)?.[0] ?? "(none)"}`,
          );
          expect(drill?.scratchDeleted).toBe(true);
          expect(await liveTemporaries(emulator)).toEqual([]);
          const calls = writesIn(await takeApiCalls(emulator));
          expect(calls.filter((call) => call.includes(source))).toEqual([]);

          // The evidence stands: the same inputs fail again without a new drill.
          const again = await programRun(() => stack.up()).then(
            () => undefined,
            (reason: Error) => reason,
          );
          expect(String(again?.message)).toContain(
            "is not run again with the same inputs; change `trigger` to drill again",
          );
          expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
          expect((await d.state(stack)).weekly?.outputs.failures).toEqual(drill?.failures);
        } finally {
          await emulator.close();
        }
      },
    );

    it("refuses a scratch datastore that is the drilled one at preview, naming scratchDatastoreId, sending nothing", async () => {
      const d = await door(doorName);
      const { emulator, source } = await drillFixture();
      try {
        const program: PulumiFn = async () => {
          new d.resources.RestoreDrill("weekly", {
            datastoreId: source,
            scratchDatastoreId: source,
            acknowledgeDataLoss: true,
          });
        };
        const { stack } = await d.stack(`drill-self-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        const error = await programRun(() => stack.preview()).then(
          () => undefined,
          (reason: Error) => reason,
        );
        expect(String(error?.message)).toContain(
          `scratchDatastoreId: ${restoreDrillMessages.scratchIsSource(source)}`,
        );
        expect(await takeApiCalls(emulator)).toEqual([]);
      } finally {
        await emulator.close();
      }
    });

    it("fails a Restore whose restored data misses an expected key, recording the restore and its failures", async () => {
      const d = await door(doorName);
      const { emulator, source, backupId } = await drillFixture();
      try {
        const target = await seedTestDatastore(emulator, API_KEY, { name: "staging" });
        await takeApiCalls(emulator);
        const program: PulumiFn = async () => {
          new d.resources.Restore("staging", {
            datastoreId: target,
            backupId,
            acknowledgeDataLoss: true,
            trigger: "t1",
            expectKeys: ["order:1", "order:3"],
          });
        };
        const { stack } = await d.stack(`restore-checked-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        const error = await programRun(() => stack.up()).then(
          () => undefined,
          (reason: Error) => reason,
        );
        const failure = 'expectKeys: 1 of 2 keys missing after the restore: "order:3"';
        expect(String(error?.message)).toContain(`- ${failure}`);
        expect((await d.state(stack)).staging?.outputs).toMatchObject({
          status: "restored",
          keys: 2,
          missingKeys: ["order:3"],
          failures: [failure],
        });
        expect(writesIn(await takeApiCalls(emulator))).toEqual([`PUT /v1/datastores/${target}`]);
        expect(await readOverResp(emulator, target)).toEqual({ "order:1": "A", "order:2": "B" });
        expect(writesIn(await takeApiCalls(emulator)).filter((call) => call.includes(source))).toEqual([]);
      } finally {
        await emulator.close();
      }
    });

    it("restores into a named scratch datastore, which then serves the backup's data over RESP and is kept", async () => {
      const d = await door(doorName);
      const { emulator, source, backupId } = await drillFixture();
      try {
        const scratch = await seedTestDatastore(emulator, API_KEY, { name: "drills" });
        await emulator.admin.setData(scratch, { leftover: "from the last drill" });
        await takeApiCalls(emulator);
        const program: PulumiFn = async () => {
          new d.resources.RestoreDrill("weekly", {
            datastoreId: source,
            backupId,
            scratchDatastoreId: scratch,
            acknowledgeDataLoss: true,
            expectKeys: ["order:1"],
          });
        };
        const { stack } = await d.stack(`drill-named-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        const up = await programRun(() => stack.up());
        expect(up.summary.resourceChanges).toEqual({ create: 2 });
        expect((await d.state(stack)).weekly?.outputs).toMatchObject({
          scratchDatastoreId: scratch,
          temporaryScratch: false,
          scratchDeleted: false,
          keys: 2,
          passed: true,
        });
        expect(writesIn(await takeApiCalls(emulator))).toEqual([`PUT /v1/datastores/${scratch}`]);
        expect(await readOverResp(emulator, scratch)).toEqual({ "order:1": "A", "order:2": "B" });

        // destroy leaves the named scratch datastore and the source as they are.
        const destroy = await engineSlot(() => stack.destroy());
        expect(destroy.summary.resourceChanges).toEqual({ delete: 2 });
        expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
      } finally {
        await emulator.close();
      }
    });
  });
});
