/** `config.backup_policy`: validation, the hourly scheduler and automatic expiry. */
import { describe, expect, it } from "vitest";
import type { JsonObject } from "../src/index.ts";
import { api, datastoreConfig, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();
const WEEK_SECONDS = 7 * 24 * 3600;
const HOUR = 3600 * 1000;

async function scheduledBackups() {
  const { backups } = await emulator().admin.state();
  return backups.filter((b) => b.source === "scheduled");
}

/** Seeds a datastore with `policy` and returns the emulator time (Unix ms) it was seeded at. */
async function seedWithPolicy(policy: JsonObject): Promise<{ id: string; seededAt: number }> {
  const { now } = await emulator().admin.clock();
  const id = await seedActive(emulator(), datastoreConfig({ backup_policy: policy }));
  return { id, seededAt: now };
}

describe("backup_policy validation", () => {
  it.each([
    [
      "hours out of range",
      { enabled: true, every_day: true, hours: [24], retention: 1 },
      "backup_policy.hours[0]: must be an integer from 0 to 23",
    ],
    [
      "a negative hour",
      { enabled: false, hours: [-1] },
      "backup_policy.hours[0]: must be an integer from 0 to 23",
    ],
    [
      "weekday 7",
      { enabled: true, weekdays: [1, 7], every_hour: true, retention: 1 },
      "backup_policy.weekdays[1]: must be an integer from 0 to 6",
    ],
    [
      "no days",
      { enabled: true, every_hour: true, retention: 1 },
      "backup_policy.weekdays: must be non-empty when enabled is true and every_day is not",
    ],
    [
      "empty weekdays",
      { enabled: true, weekdays: [], every_hour: true, retention: 1 },
      "backup_policy.weekdays: must be non-empty",
    ],
    [
      "no hours",
      { enabled: true, every_day: true, hours: [], retention: 1 },
      "backup_policy.hours: must be non-empty when enabled is true and every_hour is not",
    ],
    [
      "no retention",
      { enabled: true, every_day: true, every_hour: true },
      "backup_policy.retention: is required when enabled is true",
    ],
    [
      "retention 0",
      { enabled: true, every_day: true, every_hour: true, retention: 0 },
      "backup_policy.retention: must be an integer from 1 to 365",
    ],
    [
      "retention 366",
      { enabled: true, every_day: true, every_hour: true, retention: 366 },
      "backup_policy.retention: must be an integer from 1 to 365",
    ],
    ["a string enabled", { enabled: "yes" }, "backup_policy.enabled: must be a boolean or null"],
    ["a null every_day", { enabled: false, every_day: null }, "backup_policy.every_day: must be a boolean"],
  ])("rejects %s with 400", async (_case, policy, message) => {
    const id = await seedActive(emulator());
    const answer = await api(emulator()).put(
      `/v1/datastores/${id}`,
      datastoreConfig({ backup_policy: policy }),
    );
    expect(answer.status).toBe(400);
    expect(answer.body.error.slice(0, message.length)).toBe(message);
  });

  it.each([
    ["enabled with every_day and hours", { enabled: true, every_day: true, hours: [0, 12], retention: 30 }],
    [
      "enabled with weekdays and every_hour",
      { enabled: true, weekdays: [0, 6], every_hour: true, retention: 1 },
    ],
    ["disabled, other fields kept", { enabled: false, weekdays: [3], hours: [4], retention: 5 }],
    ["enabled null", { enabled: null }],
  ])("accepts %s and returns it as sent", async (_case, policy) => {
    const id = await seedActive(emulator());
    const config = datastoreConfig({ backup_policy: policy });
    expect((await api(emulator()).put(`/v1/datastores/${id}`, config)).status).toBe(200);
    expect((await api(emulator()).get(`/v1/datastores/${id}`)).body.config.backup_policy).toEqual(policy);
  });
});

describe("the scheduler", () => {
  it("takes exactly 4 backups in a week for Monday and Thursday at 02:00 and 14:00 UTC, each at its hour", async () => {
    const { id, seededAt } = await seedWithPolicy({
      enabled: true,
      weekdays: [1, 4],
      hours: [2, 14],
      retention: 30,
    });
    await emulator().admin.advance(WEEK_SECONDS);
    const backups = await scheduledBackups();
    expect(backups).toHaveLength(4);
    for (const backup of backups) {
      const at = new Date(backup.created_at * 1000);
      expect([1, 4]).toContain(at.getUTCDay());
      expect([2, 14]).toContain(at.getUTCHours());
      expect((backup.created_at * 1000) % HOUR).toBe(0);
      expect(backup.created_at * 1000).toBeGreaterThan(seededAt);
      expect(backup).toMatchObject({
        datastore_id: id,
        description: "Scheduled backup",
        retention: 30,
        status: "ready",
      });
    }
  });

  it("takes exactly 168 backups in a week for every_day + every_hour, one at each whole hour", async () => {
    const { seededAt } = await seedWithPolicy({
      enabled: true,
      every_day: true,
      every_hour: true,
      retention: 30,
    });
    await emulator().admin.advance(WEEK_SECONDS);
    const backups = await scheduledBackups();
    expect(backups).toHaveLength(168);
    const firstHour = Math.floor(seededAt / HOUR) * HOUR + HOUR;
    expect(backups.map((b) => b.created_at * 1000)).toEqual(
      Array.from({ length: 168 }, (_, i) => firstHour + i * HOUR),
    );
  });

  it("gives the same result advancing in small steps as in one step", async () => {
    await seedWithPolicy({ enabled: true, every_day: true, hours: [0, 6, 12, 18], retention: 30 });
    // 24 steps of 7 hours: one week, with step ends that fall between the scheduled hours.
    for (let step = 0; step < 24; step++) await emulator().admin.advance(7 * 3600);
    expect(await scheduledBackups()).toHaveLength(28);
  });

  it("backs up a datastore that becomes active exactly at the hour (events at an hour come first)", async () => {
    const { now } = await emulator().admin.clock();
    const nextHour = Math.floor(now / HOUR) * HOUR + HOUR;
    await emulator().admin.setDurations({ datastoreCreate: (nextHour - now) / 1000 });
    const policy = { enabled: true, every_day: true, every_hour: true, retention: 1 };
    await api(emulator()).post("/v1/datastores", datastoreConfig({ backup_policy: policy }));
    await emulator().admin.advance(3600);
    expect((await scheduledBackups()).map((b) => b.created_at * 1000)).toEqual([nextHour]);
  });

  it("takes nothing when the policy is disabled or null", async () => {
    await seedWithPolicy({ enabled: false, every_day: true, every_hour: true, retention: 30 });
    await seedWithPolicy({ enabled: null });
    await emulator().admin.advance(WEEK_SECONDS);
    expect(await scheduledBackups()).toEqual([]);
  });

  it("follows a policy changed by PUT from the next hour on", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.advance(2 * 3600);
    expect(await scheduledBackups()).toEqual([]);
    await api(emulator()).put(
      `/v1/datastores/${id}`,
      datastoreConfig({ backup_policy: { enabled: true, every_day: true, every_hour: true, retention: 1 } }),
    );
    await emulator().admin.advance(3 * 3600);
    expect(await scheduledBackups()).toHaveLength(3);
  });

  it("skips datastores that are not provisioned (pending, deleting, deleted)", async () => {
    const policy = { enabled: true, every_day: true, every_hour: true, retention: 1 };
    await emulator().admin.seedDatastore(
      emulator().apiKeys[0] ?? "",
      datastoreConfig({ backup_policy: policy }),
      "deleted",
    );
    await emulator().admin.setDurations({ datastoreDelete: 10 * 3600 });
    const deleting = await seedActive(emulator(), datastoreConfig({ backup_policy: policy }));
    await api(emulator()).delete(`/v1/datastores/${deleting}`);
    await emulator().admin.advance(5 * 3600);
    expect(await scheduledBackups()).toEqual([]);
  });
});

describe("expiry", () => {
  it("keeps only the last day's hourly backups with retention 1 after two days", async () => {
    await seedWithPolicy({ enabled: true, every_day: true, every_hour: true, retention: 1 });
    await emulator().admin.advance(2 * 24 * 3600);
    const { now } = await emulator().admin.clock();
    const backups = await scheduledBackups();
    // 48 were taken; each lives exactly 24 h, and the one due to expire at this very hour is gone.
    expect(backups).toHaveLength(24);
    for (const backup of backups) expect(backup.created_at * 1000).toBeGreaterThan(now - 24 * HOUR);
  });
});
