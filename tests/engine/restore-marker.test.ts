/**
 * A Restore with `rerunMarker` through both front doors, on the real engine against the emulator,
 * whose datastores serve their data over RESP: the key the recorded restore wrote into the data is
 * what tells a new `trigger` asked for from a datastore restored again since. The case the API
 * cannot show — an `up` with a new trigger killed after its restore was sent, that restore finished
 * before the next `up` — is made as it happens: the same backup restored through the public API
 * behind the stack's back. Each case asserts the emulator's request log (restore PUTs), its data
 * (the marker key) and what state records, with the exact message where `up` stops.
 */
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { RESTORE_MARKER_KEY, restoreMessages } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import { describe, expect, it } from "vitest";
import {
  asPrinted,
  DOOR_NAMES,
  type Door,
  doorsOpenedOnce,
  frozenEmulator,
  seedTestDatastore,
  takeApiCalls,
  taskSlots,
  writesIn,
} from "./harness";

const API_KEY = "dragonflydb_marker_test_key";
/** A marker value: the backup, 8 hex digits of the trigger's hash, 8 random ones. */
const MARKER_VALUE = /^bkp_\w+:[0-9a-f]{8}:[0-9a-f]{8}$/;

/** One engine operation at a time per program (see parity.test.ts), at most two engines at once. */
const engineSlot = taskSlots(2);
const programSlot = taskSlots(1);
const programRun = <T>(operation: () => Promise<T>): Promise<T> => programSlot(() => engineSlot(operation));

/**
 * What a run fails with when a rejection left over from an earlier run in this process lands in its
 * handler (see parity.test.ts): nothing was sent on its behalf, so the run is made again.
 */
const STRAY_REJECTION = "One or more errors occurred: 14 UNAVAILABLE: No connection established";

/** Runs an `up` that is expected to fail; its error, or undefined when it passed. */
async function failedUp(stack: Stack): Promise<Error | undefined> {
  for (let attempt = 1; ; attempt++) {
    const error = await programRun(() => stack.up()).then(
      () => undefined,
      (reason: Error) => reason,
    );
    if (!String(error?.message).includes(STRAY_REJECTION) || attempt === 3) return error;
  }
}

/** Each door, opened once (the native one builds the generated SDK on first use). */
const door = doorsOpenedOnce();

/**
 * Restores `backupId` into the datastore through the public API, as the `up` killed after sending
 * its restore did, and waits until it finished: a read-modify-write of the whole config, then polls.
 */
async function restoreBehindTheStack(
  emulator: RunningEmulator,
  datastoreId: string,
  backupId: string,
): Promise<void> {
  const url = `${emulator.url}/v1/datastores/${datastoreId}`;
  const headers = { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" };
  const { config } = (await fetch(url, { headers }).then((r) => r.json())) as { config: object };
  const put = await fetch(url, {
    method: "PUT",
    headers,
    body: JSON.stringify({ ...config, restore: { backup_id: backupId, loaded: false } }),
  });
  if (put.status !== 200) throw new Error(`the restore was refused: ${put.status} ${await put.text()}`);
  for (let polls = 0; ; polls++) {
    const datastore = (await fetch(url, { headers }).then((r) => r.json())) as {
      status: string;
      config: { restore?: { loaded?: boolean } };
    };
    if (datastore.status === "active" && datastore.config.restore?.loaded === true) return;
    if (polls > 100) throw new Error(`the restore did not finish: ${JSON.stringify(datastore)}`);
    // The emulator's clock is frozen and restores take no time: the next read sees it finished.
  }
}

/** A datastore holding `{order: "A"}` in a backup and `{order: "B"}` now, on an emulator of its own. */
async function markerFixture() {
  const emulator = await frozenEmulator([API_KEY]);
  const datastoreId = await seedTestDatastore(emulator, API_KEY);
  await emulator.admin.setData(datastoreId, { order: "A" });
  const backupId = (await emulator.admin.seedBackup(datastoreId, { description: "before" })).backup_id;
  await emulator.admin.setData(datastoreId, { order: "B" });
  await takeApiCalls(emulator);
  return { emulator, datastoreId, backupId };
}

/** What happens between the recorded restore and the `up` with a new trigger, and what that `up` must do. */
interface MarkerCase {
  name: string;
  /** Done to the datastore after the first `up`, behind the stack's back. */
  between: (emulator: RunningEmulator, datastoreId: string, backupId: string) => Promise<void>;
  /** `restores`: one restore PUT and a new marker; `stops`: nothing sent, and ifAlreadyLoaded "skip" records it. */
  outcome: "restores" | "stops";
}

const CASES: MarkerCase[] = [
  {
    name: "the marker intact (the datastore written to, never restored)",
    between: async (emulator, datastoreId) => {
      const data = await emulator.admin.getData(datastoreId);
      await emulator.admin.setData(datastoreId, { ...data, order: "written after the restore" });
    },
    outcome: "restores",
  },
  {
    name: "a killed re-run's restore finished since (the marker wiped with the data)",
    between: (emulator, datastoreId, backupId) => restoreBehindTheStack(emulator, datastoreId, backupId),
    outcome: "stops",
  },
];

describe.concurrent("a Restore with rerunMarker re-runs only while its marker is intact, through both front doors", () => {
  describe.each(DOOR_NAMES)("%s", (doorName) => {
    it.each(CASES)("a new trigger after $name: $outcome", async ({ between, outcome }) => {
      const d: Door = await door(doorName);
      const { emulator, datastoreId, backupId } = await markerFixture();
      try {
        let trigger = "t1";
        let ifAlreadyLoaded = "fail";
        const program: PulumiFn = async () => {
          const restore = new d.resources.Restore("restore", {
            datastoreId,
            backupId,
            acknowledgeDataLoss: true,
            trigger,
            ifAlreadyLoaded,
            rerunMarker: true,
          });
          return { status: restore.status, markerValue: restore.markerValue };
        };
        const { stack } = await d.stack(`marker-${doorName}-${outcome}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });

        const first = await programRun(() => stack.up());
        // The Restore and the stack itself.
        expect(first.summary.resourceChanges).toEqual({ create: 2 });
        const record = (await d.state(stack)).restore?.outputs ?? {};
        expect(record).toMatchObject({ status: "restored", trigger: "t1", rerunMarker: true });
        const marker = String(record.markerValue);
        expect(marker).toMatch(MARKER_VALUE);
        expect(first.outputs.markerValue?.value).toBe(marker);
        expect(await emulator.admin.getData(datastoreId)).toEqual({
          order: "A",
          [RESTORE_MARKER_KEY]: marker,
        });
        expect(writesIn(await takeApiCalls(emulator))).toEqual([`PUT /v1/datastores/${datastoreId}`]);

        await between(emulator, datastoreId, backupId);
        const before = await emulator.admin.getData(datastoreId);
        await takeApiCalls(emulator);
        trigger = "t2";

        if (outcome === "restores") {
          const up = await programRun(() => stack.up());
          expect(up.summary.resourceChanges).toEqual({ update: 1, same: 1 });
          const rerun = (await d.state(stack)).restore?.outputs ?? {};
          expect(rerun).toMatchObject({ status: "restored", trigger: "t2" });
          expect(String(rerun.markerValue)).toMatch(MARKER_VALUE);
          expect(rerun.markerValue).not.toBe(marker);
          expect(writesIn(await takeApiCalls(emulator))).toEqual([`PUT /v1/datastores/${datastoreId}`]);
          expect(await emulator.admin.getData(datastoreId)).toEqual({
            order: "A",
            [RESTORE_MARKER_KEY]: rerun.markerValue,
          });
          return;
        }

        // The data was replaced after the record: `up` says so and sends nothing.
        expect(before).toEqual({ order: "A" });
        const error = await failedUp(stack);
        const held = {
          datastoreId,
          backupId,
          status: "active",
          lastRestore: JSON.stringify({ backup_id: backupId, loaded: true }),
        };
        const recorded = {
          trigger: "t1",
          startedAt: String(record.startedAt),
          restoredAt: String(record.restoredAt),
          markerValue: marker,
        };
        const stop = restoreMessages.markerReplaced(held, recorded, { kind: "missing" });
        expect(String(error?.message)).toContain(
          asPrinted(
            `${restoreMessages.operation.rerunning(backupId, datastoreId, "t2")}: rerunMarker: ${stop}`,
          ),
        );
        expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
        expect((await d.state(stack)).restore?.outputs).toMatchObject({ trigger: "t1", markerValue: marker });
        expect(await emulator.admin.getData(datastoreId)).toEqual({ order: "A" });

        // The data checked: it is the backup's. "skip" records the re-run without restoring, and marks it.
        ifAlreadyLoaded = "skip";
        const skipped = await programRun(() => stack.up());
        expect(skipped.summary.resourceChanges).toEqual({ update: 1, same: 1 });
        const now = (await d.state(stack)).restore?.outputs ?? {};
        expect(now).toMatchObject({ status: "skipped", trigger: "t2" });
        expect(String(now.markerValue)).toMatch(MARKER_VALUE);
        expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
        expect(await emulator.admin.getData(datastoreId)).toEqual({
          order: "A",
          [RESTORE_MARKER_KEY]: now.markerValue,
        });
      } finally {
        await emulator.close();
      }
    });
  });
});
