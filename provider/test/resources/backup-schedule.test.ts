/**
 * BackupSchedule logic against the emulator: normalisation, diff, read-modify-write that keeps the
 * rest of the datastore, no write when the live schedule already matches, drift on read, delete.
 */
import { describe, expect, it } from "vitest";
import { type BackupScheduleInputs, backupScheduleLogic } from "../../src/resources/backup-schedule";
import { DATASTORE_LISTING_FRESH_MS } from "../../src/resources/listing";
import { UNKNOWN } from "../../src/resources/unknowns";
import { useHarness } from "./support";

const harness = useHarness();
const logic = () => backupScheduleLogic(() => harness().deps);

async function checked(news: Record<string, unknown>): Promise<BackupScheduleInputs> {
  const result = await logic().check({}, news);
  expect(result.failures).toBeUndefined();
  return result.inputs as BackupScheduleInputs;
}

async function liveConfig(datastoreId: string): Promise<Record<string, unknown>> {
  const response = await fetch(`${harness().emulator.url}/v1/datastores/${datastoreId}`, {
    headers: { authorization: `Bearer ${harness().emulator.apiKeys[0]}` },
  });
  return ((await response.json()) as { config: Record<string, unknown> }).config;
}

/** Deletes a datastore as the console would, behind the provider's back. */
async function deleteDatastore(datastoreId: string): Promise<void> {
  await fetch(`${harness().emulator.url}/v1/datastores/${datastoreId}`, {
    method: "DELETE",
    headers: { authorization: `Bearer ${harness().emulator.apiKeys[0]}` },
  });
}

/** The requests the emulator saw since the last call (method and path), then forgets them. */
async function calls(): Promise<string[]> {
  const log = await harness().emulator.admin.requests();
  await harness().emulator.admin.clearRequests();
  return log.map((r) => `${r.method} ${r.path}`);
}

async function livePolicy(datastoreId: string): Promise<unknown> {
  return (await liveConfig(datastoreId)).backup_policy;
}

/** Normalised inputs of a schedule on Monday and Thursday at 02:00 and 14:00 UTC, kept 7 days. */
const MON_THU: BackupScheduleInputs = {
  datastoreId: "dst_1",
  days: ["mon", "thu"],
  hours: [2, 14],
  retentionDays: 7,
  enabled: true,
  timeZone: "UTC",
  dstHandling: "reject",
  waitTimeoutMinutes: 30,
};

describe("BackupSchedule check", () => {
  it("normalises order, duplicates, case and full names, and fills defaults", async () => {
    const id = await harness().seed();
    const inputs = await checked({
      datastoreId: id,
      days: ["Thursday", "mon", "MON"],
      hours: [14, 2, 2],
      retentionDays: 7,
    });
    expect(inputs).toEqual({ ...MON_THU, datastoreId: id });
  });

  it("fails the preview on a datastore that does not exist, writing nothing", async () => {
    await harness().emulator.admin.clearRequests();
    const result = await logic().check(
      {},
      { datastoreId: "dst_missing", days: "every", hours: [1], retentionDays: 2 },
    );
    expect(result.failures).toEqual([
      {
        property: "datastoreId",
        reason: "datastoreId: datastore dst_missing does not exist in this account",
      },
    ]);
    expect(await harness().writes()).toEqual([]);
  });

  it("looks the datastore up only when it is new or changed: an unchanged preview makes no call", async () => {
    const id = await harness().seed();
    const news = { datastoreId: id, days: "every", hours: [1], retentionDays: 2 };
    await harness().emulator.admin.clearRequests();
    await logic().check({}, news);
    expect(await calls()).toEqual(["GET /v1/datastores"]);
    expect((await logic().check(news, news)).failures).toBeUndefined();
    expect(await calls()).toEqual([]);
  });

  it("checks many schedules with one listing of the account's datastores, not a read per datastore", async () => {
    const ids = [await harness().seed(), await harness().seed(), await harness().seed()];
    await harness().emulator.admin.clearRequests();
    for (const id of ids) await checked({ datastoreId: id, days: "every", hours: [1], retentionDays: 2 });
    expect(await calls()).toEqual(["GET /v1/datastores"]);
  });

  it("reads an id the listing lacks on its own before calling it missing: it may be newer than the listing", async () => {
    const listed = await harness().seed();
    await harness().emulator.admin.clearRequests();
    await checked({ datastoreId: listed, days: "every", hours: [1], retentionDays: 2 });
    const newer = await harness().seed();
    await checked({ datastoreId: newer, days: "every", hours: [1], retentionDays: 2 });
    const missing = await logic().check(
      {},
      { datastoreId: "dst_missing", days: "every", hours: [1], retentionDays: 2 },
    );
    expect(missing.failures?.map((f) => f.reason)).toEqual([
      "datastoreId: datastore dst_missing does not exist in this account",
    ]);
    expect(await calls()).toEqual([
      "GET /v1/datastores",
      `GET /v1/datastores/${newer}`,
      "GET /v1/datastores/dst_missing",
    ]);
  });

  it("lists again once the listing is older than DATASTORE_LISTING_FRESH_MS, so a deleted datastore is seen", async () => {
    const id = await harness().seed();
    await harness().emulator.admin.clearRequests();
    await checked({ datastoreId: id, days: "every", hours: [1], retentionDays: 2 });
    await deleteDatastore(id);
    await harness().clock.sleep(DATASTORE_LISTING_FRESH_MS + 1_000);
    await harness().emulator.admin.clearRequests();
    const result = await logic().check({}, { datastoreId: id, days: "every", hours: [1], retentionDays: 2 });
    expect(result.failures?.map((f) => f.property)).toEqual(["datastoreId"]);
    expect(await calls()).toEqual(["GET /v1/datastores", `GET /v1/datastores/${id}`]);
  });

  it("falls back to a read per datastore when the listing fails", async () => {
    const id = await harness().seed();
    const { api } = harness().deps;
    const failingList = new Proxy(api, {
      get: (target, key) =>
        key === "listDatastores"
          ? () => Promise.reject(new Error("listing refused"))
          : (Reflect.get(target, key) as (...args: unknown[]) => unknown).bind(target),
    });
    const deps = { ...harness().deps, api: failingList };
    await harness().emulator.admin.clearRequests();
    const result = await backupScheduleLogic(() => deps).check(
      {},
      { datastoreId: id, days: "every", hours: [1], retentionDays: 2 },
    );
    expect(result.failures).toBeUndefined();
    expect(await calls()).toEqual([`GET /v1/datastores/${id}`]);
  });

  it("passes a datastore id that is unknown during preview through untouched", async () => {
    const inputs = await checked({ datastoreId: UNKNOWN, days: "every", hours: "every", retentionDays: 1 });
    expect(inputs.datastoreId).toBe(UNKNOWN);
  });
});

describe("BackupSchedule diff", () => {
  const base = MON_THU;

  it("sees no change after reordering and re-casing days", async () => {
    const news = (
      await logic().check(
        { ...base },
        {
          datastoreId: "dst_1",
          days: ["THU", "Monday"],
          hours: [14, 2],
          retentionDays: 7,
        },
      )
    ).inputs as BackupScheduleInputs;
    expect(await logic().diff("dst_1", base, news)).toEqual({ changes: false, changed: [] });
  });

  it("updates in place when only the wait timeout changes, so destroy uses the new one", async () => {
    expect(await logic().diff("dst_1", base, { ...base, waitTimeoutMinutes: 90 })).toEqual({
      changes: true,
      changed: ["waitTimeoutMinutes"],
    });
  });

  it("updates in place when the time zone or the daylight saving time handling changes", async () => {
    expect(await logic().diff("dst_1", base, { ...base, timeZone: "Asia/Tokyo" })).toEqual({
      changes: true,
      changed: ["timeZone"],
    });
    expect(await logic().diff("dst_1", base, { ...base, dstHandling: "follow" })).toEqual({
      changes: true,
      changed: ["dstHandling"],
    });
  });

  it("sees no change from state written before time zones (no timeZone, no UTC outputs): its hours were UTC", async () => {
    const { timeZone: _zone, dstHandling: _handling, ...older } = base;
    expect(await logic().diff("dst_1", older as typeof base, base)).toEqual({ changes: false, changed: [] });
  });

  it("compares the UTC schedule in state at the offset state holds, not at the clock's", async () => {
    // Written in Berlin's summer (UTC+2); the harness clock says January (UTC+1): still no change.
    const berlin = { ...base, timeZone: "Europe/Berlin", dstHandling: "follow" as const };
    const stored = {
      ...berlin,
      utcDays: ["mon" as const, "thu" as const],
      utcHours: [0, 12],
      utcOffsetHours: 2,
    };
    expect(await logic().diff("dst_1", stored, berlin)).toEqual({ changes: false, changed: [] });
    // The live UTC hours moved while the local ones did not: shown as a change of what is stored.
    expect(await logic().diff("dst_1", { ...stored, utcHours: [1, 13] }, berlin)).toEqual({
      changes: true,
      changed: ["hours"],
    });
  });

  it("replaces on a new datastore and updates on a new retention", async () => {
    expect(await logic().diff("dst_1", base, { ...base, datastoreId: "dst_2" })).toEqual({
      changes: true,
      changed: ["datastoreId"],
      replaces: ["datastoreId"],
    });
    expect(await logic().diff("dst_1", base, { ...base, retentionDays: 8 })).toEqual({
      changes: true,
      changed: ["retentionDays"],
    });
  });
});

describe("BackupSchedule lifecycle", () => {
  it("creates by read-modify-write, keeping every other config field", async () => {
    const id = await harness().seed({ future_field: { keep: ["me"] } });
    const inputs = await checked({ datastoreId: id, days: ["thu", "mon"], hours: [14, 2], retentionDays: 7 });
    const created = await logic().create(inputs);
    expect(created.id).toBe(id);
    expect(await livePolicy(id)).toEqual({
      enabled: true,
      every_day: false,
      weekdays: [1, 4],
      every_hour: false,
      hours: [2, 14],
      retention: 7,
    });
    const config = await liveConfig(id);
    expect(config.future_field).toEqual({ keep: ["me"] });
    expect(config.maintenance_window).toEqual({ weekday: 2, hour: 3, duration_hours: 2 });
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${id}`]);
  });

  it("sends no write when the live schedule already matches", async () => {
    const id = await harness().seed({
      backup_policy: { enabled: true, every_day: true, every_hour: false, hours: [3], retention: 5 },
    });
    const inputs = await checked({ datastoreId: id, days: "every", hours: [3], retentionDays: 5 });
    await logic().create(inputs);
    expect(await harness().writes()).toEqual([]);
  });

  it("reads a console edit as drift, and update puts the schedule back", async () => {
    const id = await harness().seed();
    const inputs = await checked({ datastoreId: id, days: ["mon"], hours: [2], retentionDays: 7 });
    const { outs } = await logic().create(inputs);
    await harness().deps.api.setBackupPolicy(id, {
      enabled: true,
      every_day: true,
      every_hour: true,
      retention: 3,
    });
    await harness().deps.api.waitForDatastore(id, "active");

    const read = await logic().read(id, outs);
    expect(read.id).toBe(id);
    expect(read.inputs).toEqual({ ...inputs, days: "every", hours: "every", retentionDays: 3 });
    const drift = await logic().diff(id, read.props ?? outs, inputs);
    expect(drift).toEqual({ changes: true, changed: ["days", "hours", "retentionDays"] });

    await logic().update(id, read.props ?? outs, inputs);
    expect(await livePolicy(id)).toEqual({
      enabled: true,
      every_day: false,
      weekdays: [1],
      every_hour: false,
      hours: [2],
      retention: 7,
    });
  });

  it("drops the resource from state when the datastore was deleted", async () => {
    const id = await harness().seed();
    const inputs = await checked({ datastoreId: id, days: "every", hours: [1], retentionDays: 2 });
    const { outs } = await logic().create(inputs);
    await deleteDatastore(id);
    expect(await logic().read(id, outs)).toEqual({ id: "" });
  });

  it("disables the schedule on delete and leaves the rest of the datastore alone", async () => {
    const id = await harness().seed();
    const inputs = await checked({ datastoreId: id, days: ["sat"], hours: [23], retentionDays: 30 });
    const { outs } = await logic().create(inputs);
    await harness().emulator.admin.clearRequests();
    await logic().delete(id, outs);
    expect(await livePolicy(id)).toEqual({
      enabled: false,
      every_day: false,
      weekdays: [6],
      every_hour: false,
      hours: [23],
      retention: 30,
    });
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${id}`]);
    await logic().delete(id, outs);
    expect(await harness().writes()).toEqual([`PUT /v1/datastores/${id}`]);
  });

  it("disables whatever schedule is live on delete, keeping its days and hours", async () => {
    const id = await harness().seed();
    const { outs } = await logic().create(
      await checked({ datastoreId: id, days: ["mon"], hours: [2], retentionDays: 7 }),
    );
    await harness().deps.api.setBackupPolicy(id, {
      enabled: true,
      every_day: true,
      every_hour: false,
      hours: [5],
      retention: 3,
    });
    await harness().deps.api.waitForDatastore(id, "active");
    await logic().delete(id, outs);
    expect(await livePolicy(id)).toEqual({
      enabled: false,
      every_day: true,
      every_hour: false,
      hours: [5],
      retention: 3,
    });
  });

  it("treats a deleted datastore as nothing left to disable", async () => {
    const id = await harness().seed();
    const { outs } = await logic().create(
      await checked({ datastoreId: id, days: "every", hours: [1], retentionDays: 2 }),
    );
    await fetch(`${harness().emulator.url}/v1/datastores/${id}`, {
      method: "DELETE",
      headers: { authorization: `Bearer ${harness().emulator.apiKeys[0]}` },
    });
    await expect(logic().delete(id, outs)).resolves.toBeUndefined();
  });

  it("names the operation, the datastore and the server's answer in errors", async () => {
    // A datastore deleted between preview and up: the preview's check passed, create meets the 404.
    const inputs = { ...MON_THU, datastoreId: "dst_missing" };
    await expect(logic().create(inputs)).rejects.toThrow(
      "creating the backup schedule of datastore dst_missing: GET /v1/datastores/dst_missing failed with 404 Not Found: ",
    );
  });
});
