/**
 * What the dynamic SDK stores in state, on the real engine against the emulator. Pulumi stores a
 * dynamic resource's serialised provider (`__provider`) in both its inputs and its outputs, and the
 * engine rewrites the whole checkpoint after every step, so each byte of it costs once per resource
 * per step: a stack of N resources pays O(N²) for it over an `up`. So `__provider` is held to a
 * budget, nothing else outside the contract is stored, and the provider those bytes load still does
 * everything a dynamic resource needs (check, diff, create, read, update, delete). Stacks written while
 * the provider was seven serialised closures hold a larger `__provider`; the engine loads whichever a
 * resource holds, so that one must keep working too.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { PulumiFn, Stack } from "@pulumi/pulumi/automation";
import { RESOURCE_KINDS, type ResourceKind, resourceOf } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  type Door,
  type DoorStateResource,
  frozenEmulator,
  livePolicy,
  openDoor,
  seedTestDatastore,
  stepRecorder,
  takeApiCalls,
  writesIn,
} from "./harness";

const API_KEY = "dragonflydb_state_size_test_key_0123456789";

/** The most `__provider` may take in state, per resource (and again in its outputs), in bytes. */
const PROVIDER_BUDGET_BYTES = 800;

/**
 * The `__provider` a Backup's state held while the provider was seven closures over `kind` and a
 * loader of `pulumi-dfcloud/runtime` (serialised by @pulumi/pulumi 3.270). Other kinds differ only in
 * `kind`.
 */
const SEVEN_CLOSURES = fs.readFileSync(
  path.join(__dirname, "fixtures/dynamic-provider-seven-closures.Backup.txt"),
  "utf8",
);
const oldProvider = (kind: ResourceKind) => SEVEN_CLOSURES.replaceAll('kind: "Backup"', `kind: "${kind}"`);

/** The keys of `values` that are neither an input nor an output of `kind`'s contract. */
function outsideContract(kind: ResourceKind, values: object): string[] {
  const { inputs, outputs } = resourceOf(kind).contract;
  return Object.keys(values).filter((key) => !(key in inputs) && !(key in outputs));
}

describe("what a dynamic resource stores in state", () => {
  let emulator: RunningEmulator;
  let door: Door;
  let orders = "";
  let staging = "";
  let seededBackup = "";
  let waitTimeoutMinutes = 30;
  let scheduled = "";

  /**
   * One resource of each kind: the schedule of `scheduled` (`orders`, unless a step moves it) and a
   * backup of `orders`, a restore of that backup into `staging`, and a drill of an older backup of
   * `orders`.
   */
  const program: PulumiFn = async () => {
    const { BackupSchedule, Backup, Restore, RestoreDrill } = door.resources;
    new BackupSchedule("nightly", {
      datastoreId: scheduled,
      days: ["mon", "thu"],
      hours: [2],
      retentionDays: 7,
    });
    const backup = new Backup("before-drill", {
      datastoreId: orders,
      description: "before the drill",
      retentionDays: 3,
      waitTimeoutMinutes,
    });
    new Restore("drill", {
      datastoreId: staging,
      backupId: backup.backupId,
      acknowledgeDataLoss: true,
      trigger: "t1",
    });
    new RestoreDrill("weekly", { datastoreId: orders, backupId: seededBackup, expectKeys: ["order"] });
  };

  async function stackOfEachKind(name: string): Promise<Stack> {
    waitTimeoutMinutes = 30;
    scheduled = orders;
    const { stack } = await door.stack(name, program, { apiKey: API_KEY, apiUrl: emulator.url });
    const up = await stack.up();
    expect(up.summary.resourceChanges).toEqual({ create: 5 });
    return stack;
  }

  /**
   * Destroys the stack, which must send what each kind's delete sends: the backup deleted, the
   * schedule switched off; the restore and the drill (its temporary datastore already gone) leave the
   * API alone.
   */
  async function destroysEachKind(stack: Stack, backupId: string): Promise<void> {
    await takeApiCalls(emulator);
    const destroy = await stack.destroy();
    expect(destroy.summary.resourceChanges).toEqual({ delete: 5 });
    expect(writesIn(await takeApiCalls(emulator)).sort()).toEqual(
      [`DELETE /v1/backups/${backupId}`, `PUT /v1/datastores/${orders}`].sort(),
    );
    expect(await livePolicy(emulator, orders)).toMatchObject({
      enabled: false,
      weekdays: [1, 4],
      hours: [2],
    });
  }

  beforeAll(async () => {
    door = await openDoor("dynamic");
    emulator = await frozenEmulator([API_KEY]);
    orders = await seedTestDatastore(emulator, API_KEY);
    staging = await seedTestDatastore(emulator, API_KEY, { name: "staging" });
    await emulator.admin.setData(orders, { order: "A" });
    seededBackup = (await emulator.admin.seedBackup(orders, { description: "nightly" })).backup_id;
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("stores a small provider and nothing outside the contract, and that provider runs every step", async () => {
    const stack = await stackOfEachKind("state-size");
    const { deployment } = await stack.exportStack();
    const state = await door.state(stack);
    expect(
      Object.values(state)
        .map((resource) => resource.kind)
        .sort(),
    ).toEqual([...RESOURCE_KINDS].sort());
    // Bytes of `__provider` and of the whole resource in the checkpoint, by kind, for the record.
    const sizes = Object.fromEntries(
      Object.values(state).map((resource) => [
        resource.kind,
        {
          provider: Buffer.byteLength(String(resource.inputs.__provider)),
          resource: Buffer.byteLength(
            JSON.stringify(deployment.resources.find((r: { urn: string }) => r.urn === resource.urn)),
          ),
        },
      ]),
    );
    console.log(`bytes per resource in state: ${JSON.stringify(sizes)}`);
    for (const [name, resource] of Object.entries(state)) {
      const provider = String(resource.inputs.__provider);
      expect(Buffer.byteLength(provider), `${name}'s __provider`).toBeLessThanOrEqual(PROVIDER_BUDGET_BYTES);
      expect(resource.outputs.__provider, `${name}'s __provider in outputs`).toBe(provider);
      // The provider process loads the implementation by package name; state holds no code of it.
      expect(provider).toContain('require("pulumi-dfcloud/runtime")');
      expect(provider).not.toContain(API_KEY);
      expect(outsideContract(resource.kind, resource.inputs), `${name}'s inputs`).toEqual(["__provider"]);
      expect(outsideContract(resource.kind, resource.outputs), `${name}'s outputs`).toEqual(["__provider"]);
    }
    const backupId = String(state["before-drill"]?.outputs.backupId);
    expect(state.weekly?.outputs).toMatchObject({
      backupId: seededBackup,
      passed: true,
      scratchDeleted: true,
    });
    expect(await emulator.admin.getData(staging)).toEqual({ order: "A" });

    // check: it filled in the defaults the program left out
    expect(state.nightly?.inputs).toMatchObject({ enabled: true, timeZone: "UTC", dstHandling: "reject" });
    expect(state.drill?.inputs).toMatchObject({ ifAlreadyLoaded: "fail", waitTimeoutMinutes: 30 });
    // diff: the same program previews no change and sends nothing; a schedule moved to another
    // datastore is replaced (without the provider's diff the engine would call it an update)
    await takeApiCalls(emulator);
    const same = stepRecorder();
    await stack.preview({ onEvent: same.onEvent });
    expect(same.counts).toEqual({});
    scheduled = staging;
    const moved = stepRecorder();
    await stack.preview({ onEvent: moved.onEvent });
    expect(moved.counts).toEqual({ "create-replacement": 1, replace: 1, "delete-replaced": 1 });
    scheduled = orders;
    expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
    // update: a new wait timeout changes the backup in state only, its outputs kept
    waitTimeoutMinutes = 45;
    const update = await stack.up();
    expect(update.summary.resourceChanges).toEqual({ same: 4, update: 1 });
    expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
    const updated = await door.state(stack);
    expect(updated["before-drill"]?.outputs).toEqual({
      ...state["before-drill"]?.outputs,
      waitTimeoutMinutes: 45,
    });
    // read: a refresh reads the backup and the schedule back (the schedule's datastore from the
    // listing every schedule refreshed together shares) and finds no drift
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 5 });
    const refreshCalls = await takeApiCalls(emulator);
    expect(writesIn(refreshCalls)).toEqual([]);
    expect(refreshCalls).toEqual(
      expect.arrayContaining([`GET /v1/backups/${backupId}`, "GET /v1/datastores"]),
    );
    expect(await door.state(stack)).toEqual(updated);
    // delete
    await destroysEachKind(stack, backupId);
  });

  it("still refreshes and destroys resources whose state holds the seven-closure provider", async () => {
    const stack = await stackOfEachKind("state-size-seven-closures");
    const exported = await stack.exportStack();
    const resources = exported.deployment.resources as {
      type: string;
      inputs?: Record<string, unknown>;
      outputs?: Record<string, unknown>;
    }[];
    const kindOf = (type: string) => RESOURCE_KINDS.find((kind) => door.token(kind) === type);
    let replaced = 0;
    for (const resource of resources) {
      const kind = kindOf(resource.type);
      if (!kind || !resource.inputs || !resource.outputs) continue;
      resource.inputs.__provider = oldProvider(kind);
      resource.outputs.__provider = oldProvider(kind);
      replaced++;
    }
    expect(replaced).toBe(RESOURCE_KINDS.length);
    await stack.importStack(exported);
    const backupId = String((await door.state(stack))["before-drill"]?.outputs.backupId);
    await takeApiCalls(emulator);

    // read through the old provider: no drift, and it stays in state (the engine keeps what it was given)
    const refresh = await stack.refresh();
    expect(refresh.summary.resourceChanges).toEqual({ same: 5 });
    expect(await takeApiCalls(emulator)).toEqual(
      expect.arrayContaining([`GET /v1/backups/${backupId}`, "GET /v1/datastores"]),
    );
    const refreshed: Record<string, DoorStateResource> = await door.state(stack);
    for (const resource of Object.values(refreshed)) {
      expect(resource.outputs.__provider, resource.urn).toBe(oldProvider(resource.kind));
    }
    // check and diff through the new provider, beside the old one in the same provider process
    const same = stepRecorder();
    await stack.preview({ onEvent: same.onEvent });
    expect(same.counts).toEqual({});
    expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
    // delete through the old provider (the outputs' `__provider`)
    await destroysEachKind(stack, backupId);
  });
});
