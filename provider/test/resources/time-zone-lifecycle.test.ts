/**
 * BackupSchedule in a time zone against the emulator: what is written (the live policy, in UTC) for
 * zones east and west of UTC, what `refresh` reads back (local time, and the UTC outputs), drift in
 * the user's terms after a console edit, and `follow` and `standardTime` across a change of offset
 * judged on the API's clock. The emulator's clock only moves forward and is shared by the tests of
 * this file, so they run in date order: January first (northern winter), then July.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DfCloudClient } from "../../src/client/client";
import type { BackupPolicySettings } from "../../src/client/schemas";
import { type BackupScheduleInputs, backupScheduleLogic } from "../../src/resources/backup-schedule";
import type { ResourceDeps } from "../../src/resources/deps";
import { API_KEY, useHarness } from "./support";

const harness = useHarness();
const logic = (deps?: ResourceDeps) => backupScheduleLogic(() => deps ?? harness().deps);

const JULY = Date.UTC(2026, 6, 6, 10, 30);

const clients: DfCloudClient[] = [];
afterEach(async () => {
  await Promise.all(clients.splice(0).map((client) => client.close()));
});

/**
 * The harness's deps with a client that has not met the API yet, so does not know its time, on a
 * clock `skewMs` behind the API's (this machine's clock, wrong by that much).
 */
function freshDeps(skewMs: number): ResourceDeps {
  const { emulator, clock } = harness();
  const skewed = { now: () => clock.now() - skewMs, sleep: (ms: number) => clock.sleep(ms) };
  const client = new DfCloudClient({
    apiKey: API_KEY,
    apiUrl: emulator.url,
    clock: skewed,
    random: () => 0.5,
  });
  clients.push(client);
  return { ...harness().deps, api: client, now: skewed.now };
}

async function checked(news: Record<string, unknown>, deps?: ResourceDeps): Promise<BackupScheduleInputs> {
  const datastoreId = news.datastoreId ?? (await harness().seed());
  const result = await logic(deps).check({}, { retentionDays: 7, ...news, datastoreId });
  expect(result.failures).toBeUndefined();
  return result.inputs as BackupScheduleInputs;
}

async function livePolicy(datastoreId: string): Promise<unknown> {
  const { datastores } = await harness().emulator.admin.state();
  return datastores.find((d) => d.datastore_id === datastoreId)?.config.backup_policy;
}

/** The live policy of a schedule on `weekdays` at `hours` UTC, kept 7 days. */
function policy(weekdays: number[] | "every", hours: number[]): Record<string, unknown> {
  return {
    enabled: true,
    ...(weekdays === "every" ? { every_day: true } : { every_day: false, weekdays }),
    every_hour: false,
    hours,
    retention: 7,
  };
}

/** Sets the datastore's policy behind Pulumi's back, as the console would. */
async function consoleEdit(datastoreId: string, settings: BackupPolicySettings): Promise<void> {
  await harness().deps.api.setBackupPolicy(datastoreId, settings);
  await harness().deps.api.waitForDatastore(datastoreId, "active");
}

/** Moves the emulator and the harness clock forward to `atMs` (they only move forward). */
async function advanceTo(atMs: number): Promise<void> {
  const ahead = atMs - harness().clock.now();
  if (ahead > 0) await harness().clock.sleep(ahead);
}

describe("in January (northern winter, southern summer)", () => {
  it("writes Monday 02:00 in Berlin (standardTime) as Monday 01:00 UTC; refresh reads it back unchanged", async () => {
    const inputs = await checked({
      days: ["monday"],
      hours: [2],
      timeZone: "europe/berlin",
      dstHandling: "standardTime",
    });
    expect(inputs).toMatchObject({ days: ["mon"], hours: [2], timeZone: "Europe/Berlin" });
    const { id, outs } = await logic().create(inputs);
    expect(await livePolicy(id)).toEqual(policy([1], [1]));
    expect(outs).toEqual({ ...inputs, utcDays: ["mon"], utcHours: [1], utcOffsetHours: 1 });
    await harness().emulator.admin.clearRequests();
    const read = await logic().read(id, outs);
    expect(read.props).toEqual(outs);
    expect(read.inputs).toEqual(inputs);
    expect(await logic().diff(id, read.props ?? outs, inputs)).toEqual({ changes: false, changed: [] });
    expect(await harness().writes()).toEqual([]);
  });

  it.each([
    // East of UTC, across the date line's west side: 03:00 Monday in Tokyo is 18:00 Sunday UTC.
    ["Asia/Tokyo", "reject", ["mon"], [3], [0], [18], 9],
    ["Pacific/Kiritimati", "reject", ["mon", "thu"], [10], [0, 3], [20], 14],
    // West of UTC: 22:00 Saturday in New York (standard time) is 03:00 Sunday UTC.
    ["America/New_York", "standardTime", ["sat"], [22], [0], [3], -5],
    ["Pacific/Pago_Pago", "reject", ["fri", "sat"], [20], [0, 6], [7], -11],
    // Southern hemisphere in its summer: follow takes the daylight saving offset, UTC+11.
    ["Australia/Sydney", "follow", ["mon"], [9], [0], [22], 11],
    // Every day stays every day.
    ["Pacific/Pago_Pago", "reject", "every", [0, 12], "every", [11, 23], -11],
  ] as const)(
    "%s (%s): days %j at %j local are weekdays %j at %j UTC",
    async (timeZone, dstHandling, days, hours, weekdays, utcHours, offset) => {
      const inputs = await checked({ days, hours, timeZone, dstHandling });
      const { id, outs } = await logic().create(inputs);
      expect(await livePolicy(id)).toEqual(
        policy(weekdays === "every" ? "every" : [...weekdays], [...utcHours]),
      );
      expect(outs.utcHours).toEqual(utcHours);
      expect(outs.utcOffsetHours).toBe(offset);
      const read = await logic().read(id, outs);
      expect(read.props).toEqual(outs);
    },
  );

  it("reads a console edit as drift in local time, and update puts the schedule back", async () => {
    const inputs = await checked({
      days: ["mon"],
      hours: [2],
      timeZone: "Europe/Berlin",
      dstHandling: "standardTime",
    });
    const { id, outs } = await logic().create(inputs);
    // 05:00 UTC every day is 06:00 every day in Berlin's standard time.
    await consoleEdit(id, { enabled: true, every_day: true, every_hour: false, hours: [5], retention: 7 });
    const read = await logic().read(id, outs);
    expect(read.inputs).toEqual({ ...inputs, days: "every", hours: [6] });
    expect(read.props).toMatchObject({ utcDays: "every", utcHours: [5], utcOffsetHours: 1 });
    expect(await logic().diff(id, read.props ?? outs, inputs)).toEqual({
      changes: true,
      changed: ["days", "hours"],
    });
    await harness().emulator.admin.clearRequests();
    const { outs: after } = await logic().update(id, read.props ?? outs, inputs);
    expect(await livePolicy(id)).toEqual(policy([1], [1]));
    expect(after).toEqual(outs);
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${id}`]);
  });

  it("reads UTC hours that straddle local midnight as the weekdays and hours in them, and diff sees the change", async () => {
    // Declared every day at 00:00 and 23:00 in Berlin's standard time: 23:00 and 22:00 UTC.
    const inputs = await checked({
      days: "every",
      hours: [0, 23],
      timeZone: "Europe/Berlin",
      dstHandling: "standardTime",
    });
    const { id, outs } = await logic().create(inputs);
    expect(await livePolicy(id)).toEqual(policy("every", [22, 23]));
    // In the console, Saturday is dropped: Saturday 23:00 and Sunday 00:00 local are gone, which is
    // no set of weekdays times hours in local time; read as the weekdays and hours that occur, it
    // looks like what was declared, and the stored UTC schedule tells them apart.
    await consoleEdit(id, {
      enabled: true,
      every_day: false,
      weekdays: [0, 1, 2, 3, 4, 5],
      every_hour: false,
      hours: [22, 23],
      retention: 7,
    });
    const read = await logic().read(id, outs);
    expect(read.inputs).toEqual(inputs);
    expect(read.props).toMatchObject({
      utcDays: ["sun", "mon", "tue", "wed", "thu", "fri"],
      utcHours: [22, 23],
    });
    // Local weekdays and hours read back the same; only the stored UTC weekdays show the edit.
    expect(await logic().diff(id, read.props ?? outs, inputs)).toEqual({
      changes: true,
      changed: ["days"],
    });
    await logic().update(id, read.props ?? outs, inputs);
    expect(await livePolicy(id)).toEqual(policy("every", [22, 23]));
  });

  it("updates in place when the zone changes, writing the new UTC hours", async () => {
    const inputs = await checked({ days: ["mon"], hours: [2], timeZone: "Asia/Tokyo" });
    const { id, outs } = await logic().create(inputs);
    const moved = await checked({ datastoreId: id, days: ["mon"], hours: [2], timeZone: "UTC" });
    expect(await logic().diff(id, outs, moved)).toEqual({ changes: true, changed: ["timeZone"] });
    await logic().update(id, outs, moved);
    expect(await livePolicy(id)).toEqual(policy([1], [2]));
  });

  it("destroy disables the converted schedule and keeps its UTC days and hours", async () => {
    const inputs = await checked({ days: ["mon"], hours: [2], timeZone: "Asia/Tokyo" });
    const { id, outs } = await logic().create(inputs);
    await logic().delete(id, outs);
    expect(await livePolicy(id)).toEqual({ ...policy([0], [17]), enabled: false });
  });
});

describe("across the change to summer time (on the API's clock)", () => {
  it("follow: after the change, refresh shows drift in local time and the next up writes the new UTC hour; standardTime shows none", async () => {
    await advanceTo(Date.UTC(2026, 0, 20, 10, 30));
    const follow = await checked({
      days: ["mon"],
      hours: [2],
      timeZone: "Europe/Berlin",
      dstHandling: "follow",
    });
    const standard = await checked({
      days: ["mon"],
      hours: [2],
      timeZone: "Europe/Berlin",
      dstHandling: "standardTime",
    });
    const created = { follow: await logic().create(follow), standard: await logic().create(standard) };
    expect(await livePolicy(created.follow.id)).toEqual(policy([1], [1]));
    expect(await livePolicy(created.standard.id)).toEqual(policy([1], [1]));

    await advanceTo(JULY);
    // follow: the stored 01:00 UTC is 03:00 in Berlin's summer: drift, in local terms.
    const followRead = await logic().read(created.follow.id, created.follow.outs);
    expect(followRead.inputs).toEqual({ ...follow, hours: [3] });
    expect(followRead.props).toMatchObject({ utcHours: [1], utcOffsetHours: 2 });
    const followState = followRead.props ?? created.follow.outs;
    expect(await logic().diff(created.follow.id, followState, follow)).toEqual({
      changes: true,
      changed: ["hours"],
    });
    const { outs: applied } = await logic().update(created.follow.id, followState, follow);
    expect(await livePolicy(created.follow.id)).toEqual(policy([1], [0]));
    expect(applied).toMatchObject({ hours: [2], utcHours: [0], utcOffsetHours: 2 });
    const settled = await logic().read(created.follow.id, applied);
    expect(settled.props).toEqual(applied);
    expect(await logic().diff(created.follow.id, applied, follow)).toEqual({ changes: false, changed: [] });

    // standardTime: the same 01:00 UTC, read at the standard offset all year: no drift.
    const standardRead = await logic().read(created.standard.id, created.standard.outs);
    expect(standardRead.props).toEqual(created.standard.outs);
    expect(await logic().diff(created.standard.id, created.standard.outs, standard)).toEqual({
      changes: false,
      changed: [],
    });
  });

  it("follow converts on the API's clock, reading it first when no answer has told it, not this machine's", async () => {
    await advanceTo(JULY);
    const id = await harness().seed();
    // This machine's clock says January (UTC+1 in Berlin); the API's says July (UTC+2).
    const skewMs = JULY - Date.UTC(2026, 0, 6, 10, 30);
    const deps = freshDeps(skewMs);
    const inputs = await checked(
      { datastoreId: id, days: ["mon"], hours: [2], timeZone: "Europe/Berlin", dstHandling: "follow" },
      freshDeps(skewMs),
    );
    await harness().emulator.admin.clearRequests();
    const { outs } = await logic(deps).create(inputs);
    expect(await livePolicy(id)).toEqual(policy([1], [0]));
    expect(outs.utcOffsetHours).toBe(2);
    const calls = (await harness().emulator.admin.requests()).map((r) => `${r.method} ${r.path}`);
    expect(calls.slice(0, 3)).toEqual([
      `GET /v1/datastores/${id}`,
      `GET /v1/datastores/${id}`,
      `PUT /v1/datastores/${id}`,
    ]);
  });

  it("southern winter: Sydney is at its standard offset, UTC+10, for both standardTime and follow", async () => {
    await advanceTo(JULY);
    for (const dstHandling of ["standardTime", "follow"]) {
      const inputs = await checked({ days: ["mon"], hours: [9], timeZone: "Australia/Sydney", dstHandling });
      const { id, outs } = await logic().create(inputs);
      expect(await livePolicy(id)).toEqual(policy([0], [23]));
      expect(outs.utcOffsetHours).toBe(10);
    }
  });
});
