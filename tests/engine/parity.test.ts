/**
 * Parity of the two front doors over the one implementation: every scenario runs through the
 * dynamic SDK (`pulumi-dfcloud`, pulumi.dynamic.Resource, lookups in the program) and through the
 * native plugin (`dfcloud-backups`, by its generated Node.js SDK: classes registering
 * `dfcloud-backups:index:<Kind>`, lookups as invokes), each in an inline Automation API program on
 * the real engine against its own emulator, and asserts the same outcome from one place
 * (parity-cases.ts): engine change summaries, diagnostics and their severity, the emulator's request
 * log and state, what lands in state, and exact error text. Where the doors differ on purpose the
 * difference is in DOOR_DIFFERENCES and asserted per door.
 *
 * Scenarios run concurrently, at most three engine operations at a time (the machine has 2 cores):
 * each has its own emulator, stacks and work folders, so request logs are its own.
 */
import { execFile } from "node:child_process";
import type { EngineEvent, PulumiFn } from "@pulumi/pulumi/automation";
import { resourceOf } from "@pulumi-dfcloud/provider";
import type { EmulatorOptions, RunningEmulator } from "dfcloud-emulator";
import { describe, expect, it } from "vitest";
import {
  consoleScheduleEdit,
  DOOR_NAMES,
  type Door,
  type DoorStateResource,
  detailedDiffs,
  doorsOpenedOnce,
  engineEnv,
  frozenEmulator,
  isInfrastructure,
  livePolicy,
  PULUMI,
  seedTestDatastore,
  stepRecorder,
  takeApiCalls,
  taskSlots,
  writesIn,
} from "./harness";
import {
  API_KEY,
  BAD_INPUTS,
  type BadInputCaseFixture,
  type BadInputFixture,
  DAY_SECONDS,
  DOOR_ONLY_FIELDS,
  DYNAMIC_PLAIN_TEXT_KEY_WARNING,
  DYNAMIC_PROGRAM_NO_KEY_WARNING,
  type LifecycleIds,
  lifecycleState,
  NO_BACKUP_ENDPOINTS,
  NO_KEY_PREVIEW_WARNING,
  OTHER_API_KEY,
  policy,
  refreshBeforeUpdate,
  START,
  unverifiableBackupWarning,
} from "./parity-cases";

/** At most three engine operations (preview, up, refresh, destroy) at a time, across all scenarios. */
const engineSlot = taskSlots(3);
/**
 * One inline program running at a time in this process. @pulumi/pulumi keeps each run's state in
 * AsyncLocalStorage, but with two programs running at once here a run now and then registered its
 * resource with the other run's resource monitor, and its preview passed without the resource
 * (twice in about 100 previews). Refresh and destroy run no program.
 */
const programSlot = taskSlots(1);

/**
 * What a run fails with when a rejection left over from an earlier run in this process lands in its
 * handler: the Automation API's language server listens for unhandledRejection process-wide while a
 * program runs, and a program whose preview the engine ended at a failed check can still have a
 * GetDeploymentInfo call (Stack.initialize) open, which fails once that engine is gone. A run that
 * follows such a one may also pass having registered nothing with its own engine. Each was seen about
 * once in 60 failing previews.
 */
const STRAY_REJECTION = "One or more errors occurred: 14 UNAVAILABLE: No connection established";

/**
 * Runs a preview or up that is expected to fail, with a new recorder per attempt, and runs it once
 * more when it met {@link STRAY_REJECTION} instead (nothing was sent on its behalf: the stray ends
 * the run before its outcome counts) or when the engine saw none of the program's resources.
 * @returns the failure (undefined when it passed) and what the engine reported
 */
async function failingRun(
  operation: (onEvent: (event: EngineEvent) => void) => Promise<unknown>,
): Promise<{ error: Error | undefined; run: ReturnType<typeof engineRecorder> }> {
  for (let attempt = 1; ; attempt++) {
    const run = engineRecorder();
    const error = await programRun(() =>
      operation(run.onEvent).then(
        () => undefined,
        (reason: Error) => reason,
      ),
    );
    const stray =
      String(error?.message).includes(STRAY_REJECTION) ||
      (error === undefined && Object.keys(run.counts).length === 0 && Object.keys(run.ops).length === 0);
    if (!stray || attempt === 3) return { error, run };
  }
}

/** Runs a preview or up: its program alone, within an engine slot. */
const programRun = <T>(operation: () => Promise<T>): Promise<T> => programSlot(() => engineSlot(operation));
/** Runs a refresh or destroy (no program) within an engine slot. */
const engineRun = <T>(operation: () => Promise<T>): Promise<T> => engineSlot(operation);

/** Each door, opened once (the native one builds the generated SDK on first use). */
const door = doorsOpenedOnce();

/** An emulator of its own for one scenario: frozen at START, instant transitions. */
function scenarioEmulator(options: Omit<EmulatorOptions, "apiKeys" | "timeScale" | "durations"> = {}) {
  return frozenEmulator([API_KEY, OTHER_API_KEY], { startTime: START, ...options });
}

/** Runs `scenario` with a fresh emulator and closes it, whatever happens. */
async function withEmulator<T>(
  scenario: (emulator: RunningEmulator) => Promise<T>,
  options: Omit<EmulatorOptions, "apiKeys" | "timeScale" | "durations"> = {},
): Promise<T> {
  const emulator = await scenarioEmulator(options);
  try {
    return await scenario(emulator);
  } finally {
    await emulator.close();
  }
}

/** One diagnostic line of an engine run: its severity, where it is shown, and its text. */
interface Line {
  severity: string;
  /** The resource's name, `stack` for the stack, or `-` for a line without a URN. */
  where: string;
  message: string;
}

/**
 * What one engine operation reported: resource steps per operation (as stepRecorder counts them),
 * the operations on each package resource by name (`same` left out), and its diagnostic lines other
 * than debug ones.
 */
function engineRecorder() {
  const steps = stepRecorder();
  const lines: Line[] = [];
  const ops: Record<string, string[]> = {};
  const onEvent = (event: EngineEvent) => {
    steps.onEvent(event);
    const metadata = event.resourcePreEvent?.metadata;
    if (metadata && !isInfrastructure(metadata.type) && metadata.op !== "same") {
      const name = metadata.urn.split("::").pop() ?? "";
      ops[name] = [...(ops[name] ?? []), metadata.op];
    }
    const diagnostic = event.diagnosticEvent;
    // The engine also sends debug lines, which DiagnosticEvent's type leaves out.
    if (!diagnostic || (diagnostic.severity as string) === "debug") return;
    const where = diagnostic.urn
      ? isInfrastructure(diagnostic.urn.split("::")[2] ?? "")
        ? "stack"
        : (diagnostic.urn.split("::").pop() ?? "")
      : "-";
    lines.push({ severity: diagnostic.severity, where, message: diagnostic.message.trimEnd() });
  };
  return { counts: steps.counts, events: steps.events, ops, lines, onEvent };
}

/** Where a provider's line about resource `name` is shown: see DOOR_DIFFERENCES, "warnings and progress". */
const lineAbout = (door: Door, name: string) => (door.name === "native" ? name : "-");

/** `outputs` without the door's own fields (DOOR_ONLY_FIELDS). */
function contractFields(door: Door, values: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).filter(([key]) => !DOOR_ONLY_FIELDS[door.name].includes(key)),
  );
}

/** `values` with each RegExp turned into the matcher of a string it matches. */
function withMatchers(values: Record<string, unknown> = {}): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([key, value]) => [
      key,
      value instanceof RegExp ? expect.stringMatching(value) : value,
    ]),
  );
}

/** The outputs that differ between two reads of state, per resource that has any. */
function changedOutputs(
  before: Record<string, DoorStateResource>,
  after: Record<string, DoorStateResource>,
): Record<string, string[]> {
  const changed: Record<string, string[]> = {};
  for (const [name, resource] of Object.entries(after)) {
    const old = before[name]?.outputs ?? {};
    const keys = [...new Set([...Object.keys(old), ...Object.keys(resource.outputs)])].filter(
      (key) => JSON.stringify(old[key]) !== JSON.stringify(resource.outputs[key]),
    );
    if (keys.length > 0) changed[name] = keys.sort();
  }
  return changed;
}

/** Deletes a datastore through the public API, as the console would. */
async function consoleDelete(emulator: RunningEmulator, datastoreId: string): Promise<void> {
  const answer = await fetch(`${emulator.url}/v1/datastores/${datastoreId}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${API_KEY}` },
  });
  expect(answer.status).toBeLessThan(300);
}

describe.concurrent("the dynamic SDK and the native plugin give the same outcome", () => {
  describe.each(DOOR_NAMES)("%s", (doorName) => {
    it("creates, refreshes, updates, re-runs, drifts and destroys each resource alike", async () => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const calls = () => takeApiCalls(emulator);
        const orders = await seedTestDatastore(emulator, API_KEY);
        const staging = await seedTestDatastore(emulator, API_KEY, { name: "staging" });
        await emulator.admin.setData(orders, { order: "A" });
        await emulator.admin.setData(staging, { order: "S" });
        const declared = { days: ["mon", "thu"], waitTimeoutMinutes: 30, trigger: "t1" };
        const program: PulumiFn = async () => {
          const { BackupSchedule, Backup, Restore } = d.resources;
          new BackupSchedule("nightly", {
            datastoreId: orders,
            days: declared.days,
            hours: [2],
            retentionDays: 7,
          });
          const backup = new Backup("before-drill", {
            datastoreId: orders,
            description: "before the drill",
            retentionDays: 3,
            waitTimeoutMinutes: declared.waitTimeoutMinutes,
          });
          new Restore("drill", {
            datastoreId: staging,
            backupId: backup.backupId,
            acknowledgeDataLoss: true,
            trigger: declared.trigger,
            waitTimeoutMinutes: declared.waitTimeoutMinutes,
          });
        };
        const { stack } = await d.stack(`parity-lifecycle-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        await calls();

        // preview: three creates, nothing written
        const preview = engineRecorder();
        await programRun(() => stack.preview({ onEvent: preview.onEvent }));
        expect(preview.counts).toEqual({ create: 3 });
        expect(writesIn(await calls())).toEqual([]);

        // up: the schedule, the backup and the restore, one write each
        const up = await programRun(() => stack.up());
        expect(up.summary.resourceChanges).toEqual({ create: 4 });
        // The three run at once (the restore waits only for the backup), so their order varies.
        expect(writesIn(await calls()).sort()).toEqual(
          ["POST /v1/backups", `PUT /v1/datastores/${orders}`, `PUT /v1/datastores/${staging}`].sort(),
        );
        const state = await d.state(stack);
        const backupId = String(state["before-drill"]?.outputs.backupId);
        const ids: LifecycleIds = { orders, staging, backupId };
        expect(await livePolicy(emulator, orders)).toEqual(policy([1, 4], [2]));
        expect(await emulator.admin.getData(staging)).toEqual({ order: "A" });
        // What lands in state: the same contract fields through both doors, plus DOOR_ONLY_FIELDS.
        const expected = lifecycleState(ids);
        for (const [name, resource] of Object.entries(state)) {
          const contract = resourceOf(resource.kind).contract;
          expect(contractFields(d, resource.outputs), `${name} outputs`).toEqual(
            withMatchers(expected[name]),
          );
          const inputKeys = Object.keys(contract.inputs);
          expect(contractFields(d, resource.inputs), `${name} inputs`).toEqual(
            Object.fromEntries(
              Object.entries(expected[name] ?? {}).filter(([key]) => inputKeys.includes(key)),
            ),
          );
          const extra = (values: object) =>
            Object.keys(values).filter((key) => !(key in contract.inputs) && !(key in contract.outputs));
          expect(extra(resource.outputs), `${name} door-only outputs`).toEqual(DOOR_ONLY_FIELDS[doorName]);
          expect(extra(resource.inputs), `${name} door-only inputs`).toEqual(DOOR_ONLY_FIELDS[doorName]);
          expect(resource.type).toBe(d.token(resource.kind));
        }
        expect(Object.keys(state).sort()).toEqual(["before-drill", "drill", "nightly"]);

        // refresh of what was just made: no drift, nothing written
        const refresh = await engineRun(() => stack.refresh());
        expect(refresh.summary.resourceChanges).toEqual({ same: 4 });
        expect(writesIn(await calls())).toEqual([]);

        // update: new weekdays (one PUT) and new wait timeouts (state only) of each resource
        declared.days = ["mon", "fri"];
        declared.waitTimeoutMinutes = 45;
        const updatePreview = engineRecorder();
        await programRun(() => stack.preview({ onEvent: updatePreview.onEvent }));
        expect(updatePreview.counts).toEqual({ update: 3, ...refreshBeforeUpdate(doorName, 1) });
        // See DOOR_DIFFERENCES, "which properties an update changes".
        expect(detailedDiffs(updatePreview.events).nightly).toEqual(
          doorName === "native" ? { days: "update" } : undefined,
        );
        const updated = await programRun(() => stack.up());
        expect(updated.summary.resourceChanges).toEqual({ same: 1, update: 3 });
        expect(writesIn(await calls())).toEqual([`PUT /v1/datastores/${orders}`]);
        expect(await livePolicy(emulator, orders)).toEqual(policy([1, 5], [2]));
        const afterUpdate = await d.state(stack);
        for (const name of ["before-drill", "drill"]) {
          expect(afterUpdate[name]?.outputs.waitTimeoutMinutes, name).toBe(45);
        }

        // a new trigger runs the restore again, in place, with one restore PUT
        await emulator.admin.setData(staging, { order: "written after the drill" });
        declared.trigger = "t2";
        const rerun = await programRun(() => stack.up());
        expect(rerun.summary.resourceChanges).toEqual({ same: 3, update: 1 });
        expect(writesIn(await calls())).toEqual([`PUT /v1/datastores/${staging}`]);
        expect(await emulator.admin.getData(staging)).toEqual({ order: "A" });

        // drift behind the stack's back: the console moves the schedule to 05:00, and the API's
        // clock passes the backup's expiry (emulator.admin.advance)
        await consoleScheduleEdit(emulator, API_KEY, orders, policy([1, 5], [5]));
        await emulator.admin.advance(4 * DAY_SECONDS);
        await calls();
        const beforeDrift = await d.state(stack);
        const drift = await engineRun(() => stack.refresh());
        const drifted = await d.state(stack);
        expect(changedOutputs(beforeDrift, drifted)).toEqual({
          nightly: ["hours", "utcHours"],
          "before-drill": ["sizeBytes", "status"],
        });
        // The engine counts a refreshed resource as an update when its inputs changed: the schedule's
        // did (hours); an expired backup changes outputs only.
        expect(drift.summary.resourceChanges).toEqual({ same: 3, update: 1 });
        expect(writesIn(await calls())).toEqual([]);
        expect(drifted.nightly?.outputs).toMatchObject({ hours: [5], utcHours: [5] });
        expect(drifted["before-drill"]?.outputs).toMatchObject({ backupId, status: "expired" });

        // up puts the schedule back; the expired backup is kept as it is, not made again
        const back = await programRun(() => stack.up());
        expect(back.summary.resourceChanges).toEqual({ same: 3, update: 1 });
        expect(writesIn(await calls())).toEqual([`PUT /v1/datastores/${orders}`]);
        expect(await livePolicy(emulator, orders)).toEqual(policy([1, 5], [2]));

        // destroy: the schedule is switched off, the restored data stays
        await emulator.admin.setData(staging, { order: "kept" });
        const destroyed = engineRecorder();
        const destroy = await engineRun(() => stack.destroy({ onEvent: destroyed.onEvent }));
        expect(destroy.summary.resourceChanges).toEqual({ delete: 4 });
        // The expired backup is deleted as any other (the API answers 404, which counts as done).
        expect(writesIn(await calls()).sort()).toEqual(
          [`DELETE /v1/backups/${backupId}`, `PUT /v1/datastores/${orders}`].sort(),
        );
        expect(await livePolicy(emulator, orders)).toEqual(policy([1, 5], [2], false));
        expect(await emulator.admin.getData(staging)).toEqual({ order: "kept" });
        expect(destroyed.lines).toContainEqual({
          severity: "info",
          where: lineAbout(d, "drill"),
          message: `Restore of backup ${backupId} removed from the stack; datastore ${staging} keeps its data (a restore cannot be undone)`,
        });
      });
    });

    it("starts a restore whose answer is lost exactly once, and drops it when its datastore is deleted", async () => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const orders = await seedTestDatastore(emulator, API_KEY);
        await emulator.admin.setData(orders, { order: "A" });
        const backupId = (await emulator.admin.seedBackup(orders, { description: "nightly" })).backup_id;
        await emulator.admin.setData(orders, { order: "B" });
        const program: PulumiFn = async () => {
          const restore = new d.resources.Restore("drill", {
            datastoreId: orders,
            backupId,
            acknowledgeDataLoss: true,
            trigger: "t1",
          });
          return { status: restore.status };
        };
        const { stack } = await d.stack(`parity-lost-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        await emulator.admin.clearRequests();
        // Every answer to a PUT of the datastore is lost after the API made the change.
        await emulator.admin.setFaults({
          rate: 1,
          kinds: ["drop"],
          methods: ["PUT"],
          pathPrefix: `/v1/datastores/${orders}`,
        });
        const up = await programRun(() => stack.up());
        expect(up.summary.resourceChanges).toEqual({ create: 2 });
        expect(up.outputs.status?.value).toBe("restored");
        const log = await emulator.admin.requests();
        expect(
          log.filter((entry) => entry.method !== "GET").map((e) => `${e.method} ${e.path} ${e.status}`),
        ).toEqual([`PUT /v1/datastores/${orders} dropped`]);
        expect(await emulator.admin.getData(orders)).toEqual({ order: "A" });
        await emulator.admin.clearFaults();

        // The datastore is deleted behind the stack's back: refresh drops the Restore.
        await consoleDelete(emulator, orders);
        await emulator.admin.clearRequests();
        const refresh = await engineRun(() => stack.refresh());
        expect(refresh.summary.resourceChanges).toEqual({ same: 1, delete: 1 });
        expect(Object.keys(await d.state(stack))).toEqual([]);
        expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
      });
    });

    it("passes a preview without a key, warning at warning severity, and sends nothing", async () => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const program: PulumiFn = async () => {
          const { BackupSchedule, Backup, Restore } = d.resources;
          new BackupSchedule("nightly", {
            datastoreId: "dst_fromconsole",
            days: "every",
            hours: [2],
            retentionDays: 7,
          });
          new Backup("before-drill", { datastoreId: "dst_fromconsole", retentionDays: 3 });
          new Restore("drill", {
            datastoreId: "dst_fromconsole",
            backupId: "bkp_fromconsole",
            acknowledgeDataLoss: true,
          });
        };
        const { stack } = await d.stack(`parity-no-key-${doorName}`, program, { apiUrl: emulator.url });
        const preview = engineRecorder();
        await programRun(() => stack.preview({ onEvent: preview.onEvent }));
        expect(preview.counts).toEqual({ create: 3 });
        const warnings = preview.lines.filter((line) => line.severity === "warning");
        const fromProvider = ["nightly", "before-drill", "drill"].map((name) => ({
          severity: "warning",
          where: lineAbout(d, name),
          message: NO_KEY_PREVIEW_WARNING,
        }));
        // See DOOR_DIFFERENCES, "no key at preview": the dynamic SDK also warns from the program.
        const fromProgram =
          doorName === "dynamic"
            ? [{ severity: "warning", where: "stack", message: DYNAMIC_PROGRAM_NO_KEY_WARNING }]
            : [];
        const order = (lines: Line[]) =>
          [...lines].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
        expect(order(warnings)).toEqual(order([...fromProvider, ...fromProgram]));
        expect(preview.lines.filter((line) => line.severity === "error")).toEqual([]);
        expect(await emulator.admin.requests()).toEqual([]);
      });
    });

    it("keeps a plain-text key in the stack config out of `pulumi stack export --show-secrets=false` (native; dynamic: see DOOR_DIFFERENCES)", async () => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const orders = await seedTestDatastore(emulator, API_KEY);
        const program: PulumiFn = async () => {
          new d.resources.BackupSchedule("nightly", {
            datastoreId: orders,
            days: "every",
            hours: [3],
            retentionDays: 2,
          });
        };
        const { stack, workDir } = await d.stack(`parity-plain-key-${doorName}`, program, {
          apiKey: API_KEY,
          plainTextKey: true,
          apiUrl: emulator.url,
        });
        const run = engineRecorder();
        const up = await programRun(() => stack.up({ onEvent: run.onEvent }));
        expect(up.summary.resourceChanges).toEqual({ create: 2 });
        const exported = await new Promise<string>((resolve, reject) =>
          execFile(
            PULUMI,
            ["stack", "export", "--show-secrets=false", "--stack", stack.name, "--non-interactive"],
            { cwd: workDir, env: engineEnv(workDir), maxBuffer: 64 * 1024 * 1024 },
            (error, stdout, stderr) =>
              error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(stdout),
          ),
        );
        expect(exported).toContain(d.token("BackupSchedule"));
        // The resources of the export that hold the key, by type and name.
        const holding = (
          JSON.parse(exported) as { deployment: { resources: { urn: string }[] } }
        ).deployment.resources
          .filter((resource) => JSON.stringify(resource).includes(API_KEY))
          .map((resource) => resource.urn.split("::").slice(2).join("::"));
        const warned = run.lines.filter((line) => line.severity === "warning");
        // See DOOR_DIFFERENCES, "a key given as plain text in the stack config".
        if (doorName === "native") {
          expect(holding).toEqual([]);
          expect(exported).not.toContain(API_KEY);
          expect(warned).toEqual([]);
        } else {
          expect(holding).toEqual(["pulumi:providers:pulumi-nodejs::default"]);
          expect(warned).toEqual([
            { severity: "warning", where: "stack", message: DYNAMIC_PLAIN_TEXT_KEY_WARNING },
          ]);
        }
      });
    });

    it("stores the same UTC schedule for a schedule in a time zone", async () => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const berlin = await seedTestDatastore(emulator, API_KEY, { name: "berlin" });
        const newYork = await seedTestDatastore(emulator, API_KEY, { name: "new-york" });
        const program: PulumiFn = async () => {
          const { BackupSchedule } = d.resources;
          new BackupSchedule("berlin", {
            datastoreId: berlin,
            days: ["mon", "thu"],
            hours: [2],
            retentionDays: 7,
            timeZone: "Europe/Berlin",
            dstHandling: "follow",
          });
          new BackupSchedule("new-york", {
            datastoreId: newYork,
            days: ["saturday"],
            hours: [20],
            retentionDays: 7,
            timeZone: "America/New_York",
            dstHandling: "standardTime",
          });
        };
        const { stack } = await d.stack(`parity-time-zone-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        await emulator.admin.clearRequests();
        const up = await programRun(() => stack.up());
        expect(up.summary.resourceChanges).toEqual({ create: 3 });
        // 02:00 in Berlin's winter is 01:00 UTC; Saturday 20:00 at New York's standard UTC-5 is Sunday 01:00 UTC.
        expect(await livePolicy(emulator, berlin)).toEqual(policy([1, 4], [1]));
        expect(await livePolicy(emulator, newYork)).toEqual(policy([0], [1]));
        expect(writesIn(await takeApiCalls(emulator)).sort()).toEqual(
          [`PUT /v1/datastores/${berlin}`, `PUT /v1/datastores/${newYork}`].sort(),
        );
        const state = await d.state(stack);
        expect(state.berlin?.outputs).toMatchObject({
          days: ["mon", "thu"],
          hours: [2],
          utcDays: ["mon", "thu"],
          utcHours: [1],
          utcOffsetHours: 1,
        });
        expect(state["new-york"]?.outputs).toMatchObject({
          days: ["sat"],
          hours: [20],
          utcDays: ["sun"],
          utcHours: [1],
          utcOffsetHours: -5,
        });
        const refresh = await engineRun(() => stack.refresh());
        expect(refresh.summary.resourceChanges).toEqual({ same: 3 });
      });
    });

    it("works without backup endpoints where it can: a schedule, a restore of a backup id from the console", async () => {
      const d = await door(doorName);
      await withEmulator(
        async (emulator) => {
          const orders = await seedTestDatastore(emulator, API_KEY);
          const staging = await seedTestDatastore(emulator, API_KEY, { name: "staging" });
          await emulator.admin.setData(orders, { order: "A" });
          const backupId = (await emulator.admin.seedBackup(orders, { description: "nightly" })).backup_id;
          await emulator.admin.setData(staging, { order: "S" });

          // A schedule and a restore of a backup id from the console work; a lookup says why it cannot.
          // The restore goes into another datastore than the schedule's: two resources writing one
          // datastore's config at once can lose one of the writes (each is a read-modify-write of the
          // whole config), which is no part of what this scenario compares.
          const works: PulumiFn = async () => {
            new d.resources.BackupSchedule("nightly", {
              datastoreId: orders,
              days: ["mon", "thu"],
              hours: [2],
              retentionDays: 7,
            });
            new d.resources.Restore("from-console", {
              datastoreId: staging,
              backupId,
              acknowledgeDataLoss: true,
              trigger: "2026-01-15",
            });
            const lookupError = await d.lookups.listBackups({ datastoreId: orders }).then(
              () => "no error",
              (error: Error) => error.message,
            );
            return { lookupError };
          };
          const { stack } = await d.stack(`parity-no-backups-${doorName}`, works, {
            apiKey: API_KEY,
            apiUrl: emulator.url,
          });
          await emulator.admin.clearRequests();
          const run = engineRecorder();
          const up = await programRun(() => stack.up({ onEvent: run.onEvent }));
          expect(up.summary.resourceChanges).toEqual({ create: 3 });
          expect(String(up.outputs.lookupError?.value)).toContain(NO_BACKUP_ENDPOINTS);
          expect(run.lines).toContainEqual({
            severity: "warning",
            where: lineAbout(d, "from-console"),
            message: unverifiableBackupWarning(backupId),
          });
          expect(writesIn(await takeApiCalls(emulator)).sort()).toEqual(
            [`PUT /v1/datastores/${orders}`, `PUT /v1/datastores/${staging}`].sort(),
          );
          expect(await livePolicy(emulator, orders)).toEqual(policy([1, 4], [2]));
          expect(await emulator.admin.getData(staging)).toEqual({ order: "A" });
        },
        { backupEndpoints: false },
      );
    });
  });

  it("answers every lookup with the same values through both doors, and a failed one with the same text", async () => {
    await withEmulator(async (emulator) => {
      const orders = await seedTestDatastore(emulator, API_KEY);
      await emulator.admin.setData(orders, { order: "A" });
      const older = await emulator.admin.seedBackup(orders, { description: "older", retention: 3 });
      await emulator.admin.advance(3600);
      await emulator.admin.setData(orders, { order: "AB" });
      const newer = await emulator.admin.seedBackup(orders, { description: "newer", retention: 9 });
      await emulator.admin.advance(3600);
      const scheduled = await emulator.admin.seedBackup(orders, { source: "scheduled" });
      const theirs = await seedTestDatastore(emulator, OTHER_API_KEY, { name: "theirs" });
      await emulator.admin.seedBackup(theirs, { description: "another account's" });
      const results = await Promise.all(
        DOOR_NAMES.map(async (doorName) => {
          const d = await door(doorName);
          const program: PulumiFn = async () => {
            const { lookups } = d;
            const missing = await lookups.getBackup("bkp_doesnotexist").then(
              () => "found",
              (error: Error) => error.message,
            );
            return {
              all: await lookups.listBackups(),
              manual: await lookups.listBackups({ datastoreId: orders, source: "manual" }),
              one: await lookups.getBackup(newer.backup_id),
              datastore: await lookups.getDatastore(orders),
              missing,
            };
          };
          const { stack } = await d.stack(`parity-lookups-${doorName}`, program, {
            apiKey: API_KEY,
            apiUrl: emulator.url,
          });
          const up = await programRun(() => stack.up());
          return Object.fromEntries(Object.entries(up.outputs).map(([key, output]) => [key, output.value]));
        }),
      );
      const [dynamic, native] = results as [Record<string, unknown>, Record<string, unknown>];
      expect(native.all).toEqual(dynamic.all);
      expect(native.manual).toEqual(dynamic.manual);
      expect(native.one).toEqual(dynamic.one);
      expect(native.datastore).toEqual(dynamic.datastore);
      // Newest first, this account's only.
      const idsOf = (list: unknown) => (list as { backupId: string }[]).map((backup) => backup.backupId);
      expect(idsOf(dynamic.all)).toEqual([scheduled.backup_id, newer.backup_id, older.backup_id]);
      expect(idsOf(dynamic.manual)).toEqual([newer.backup_id, older.backup_id]);
      expect(dynamic.one).toMatchObject({
        backupId: newer.backup_id,
        description: "newer",
        retentionDays: 9,
        status: "ready",
      });
      expect(dynamic.datastore).toMatchObject({ datastoreId: orders });
      // See DOOR_DIFFERENCES, "a failed lookup": the engine prefixes an invoke's error.
      const notFound = String(dynamic.missing);
      expect(notFound).toContain("bkp_doesnotexist");
      expect(native.missing).toBe(
        `invocation of dfcloud-backups:index:getBackup returned an error: ${notFound}`,
      );
      expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
    });
  });
});

/**
 * Runs that fail on purpose, after every run above: a program whose run the engine ends early can
 * leave a stray rejection behind (see STRAY_REJECTION), so these run where only each other can meet
 * one, and each is retried when it does.
 */
describe.concurrent("what both doors refuse, and where they differ on purpose", () => {
  describe.each(DOOR_NAMES)("%s", (doorName) => {
    it("says the one message when a Backup is made without backup endpoints, and records and writes nothing", async () => {
      const d = await door(doorName);
      await withEmulator(
        async (emulator) => {
          const orders = await seedTestDatastore(emulator, API_KEY);
          const backupId = (await emulator.admin.seedBackup(orders, { description: "nightly" })).backup_id;
          const backup: PulumiFn = async () => {
            new d.resources.Backup("before-migration", {
              datastoreId: orders,
              description: "m",
              retentionDays: 3,
            });
          };
          const { stack: failing } = await d.stack(`parity-no-backups-backup-${doorName}`, backup, {
            apiKey: API_KEY,
            apiUrl: emulator.url,
          });
          await emulator.admin.clearRequests();
          const { error } = await failingRun((onEvent) => failing.up({ onEvent }));
          expect(error).toBeInstanceOf(Error);
          expect(String(error?.message)).toContain(
            `creating a backup of datastore ${orders}: ${NO_BACKUP_ENDPOINTS}`,
          );
          expect(writesIn(await takeApiCalls(emulator))).toEqual([]);
          expect(Object.keys(await d.state(failing))).toEqual([]);
          expect((await emulator.admin.state()).backups.map((b) => b.backup_id)).toEqual([backupId]);
        },
        { backupEndpoints: false },
      );
    });

    it(`refuses ${BAD_INPUTS.length} bad inputs at preview with the same check failure, writing nothing`, async ({
      expect,
    }) => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const datastore = await seedTestDatastore(emulator, API_KEY);
        const otherRegion = await seedTestDatastore(emulator, API_KEY, {
          name: "other-region",
          location: { provider: "gcp", region: "europe-west1", availability_zones: [] },
        });
        const fixture: BadInputFixture = {
          datastore,
          otherRegionBackup: (await emulator.admin.seedBackup(otherRegion)).backup_id,
          pendingBackup: "",
        };
        await emulator.admin.setDurations({ backup: 3600 });
        fixture.pendingBackup = (await emulator.admin.seedBackup(datastore, { status: "pending" })).backup_id;
        const seen = { case: BAD_INPUTS[0] };
        const program: PulumiFn = async () => {
          const bad = seen.case;
          if (bad) new d.resources[bad.kind]("bad", bad.inputs(fixture as BadInputCaseFixture));
        };
        const { stack } = await d.stack(`parity-bad-inputs-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        for (const bad of BAD_INPUTS) {
          seen.case = bad;
          await emulator.admin.clearRequests();
          const { error: failed, run: preview } = await failingRun((onEvent) => stack.preview({ onEvent }));
          expect.soft(failed, bad.name).toBeInstanceOf(Error);
          const value =
            typeof bad.shown === "function" ? bad.shown(fixture as BadInputCaseFixture) : bad.shown;
          const reason =
            typeof bad.reason === "function" ? bad.reason(fixture as BadInputCaseFixture) : bad.reason;
          expect
            .soft(
              preview.lines.filter((line) => line.severity === "error"),
              bad.name,
            )
            .toEqual([
              {
                severity: "error",
                where: "bad",
                message: `${d.token(bad.kind)} resource 'bad': property ${bad.property} value ${value} has a problem: ${reason}`,
              },
            ]);
          expect.soft(writesIn(await takeApiCalls(emulator)), bad.name).toEqual([]);
        }
      });
    });

    it("differs on purpose where DOOR_DIFFERENCES says: a required input left out, an input of no such name", async () => {
      const d = await door(doorName);
      await withEmulator(async (emulator) => {
        const orders = await seedTestDatastore(emulator, API_KEY);
        const args = { current: {} as Record<string, unknown> };
        const program: PulumiFn = async () => {
          new d.resources.BackupSchedule("odd", args.current);
        };
        const { stack } = await d.stack(`parity-differences-${doorName}`, program, {
          apiKey: API_KEY,
          apiUrl: emulator.url,
        });
        args.current = { datastoreId: orders, days: ["mon"], retentionDays: 7 };
        const { error: missingError, run: missing } = await failingRun((onEvent) =>
          stack.preview({ onEvent }),
        );
        const missingFailure = String(missingError?.message);
        args.current = { datastoreId: orders, days: ["mon"], hours: [2], retentionDays: 7, retention: 7 };
        const { error: misspeltError, run: misspelt } = await failingRun((onEvent) =>
          stack.preview({ onEvent }),
        );
        const misspeltOutcome = misspeltError ? misspeltError.message : "passed";
        if (doorName === "dynamic") {
          expect(missing.lines.filter((line) => line.severity === "error")).toEqual([
            {
              severity: "error",
              where: "odd",
              message:
                `${d.token("BackupSchedule")} resource 'odd': property hours value {<nil>} has a problem: hours is required: ` +
                `"every" or a list of hours of the day (0-23, UTC unless timeZone is set) such as [2, 14]`,
            },
          ]);
          expect(misspeltOutcome).toContain(
            "retention is not a property of this resource; allowed: datastoreId, enabled, days, hours, retentionDays, timeZone, dstHandling, waitTimeoutMinutes",
          );
        } else {
          expect(missingFailure).toContain("Missing required property 'hours'");
          expect(misspeltOutcome).toBe("passed");
          expect(misspelt.counts).toEqual({ create: 1 });
        }
      });
    });
  });
});
