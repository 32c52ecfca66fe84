/**
 * The lookup functions against the emulator, with credentials from DFCLOUD_API_KEY / DFCLOUD_API_URL
 * (outside a Pulumi run there is no stack config).
 */
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getBackup, getDatastore, listBackups } from "../src";

const API_KEY = "dragonflydb_lookups_test_key";
let emulator: RunningEmulator;
let datastoreId = "";

async function createBackup(description: string): Promise<string> {
  const response = await fetch(`${emulator.url}/v1/backups`, {
    method: "POST",
    headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ datastore_id: datastoreId, description, retention: 3 }),
  });
  return ((await response.json()) as { backup_id: string }).backup_id;
}

beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: [API_KEY],
    timeScale: 0,
    startTime: Date.UTC(2026, 0, 5, 1, 30),
  });
  const datastore = await emulator.admin.seedDatastore(API_KEY, {
    name: "sessions",
    location: { provider: "gcp", region: "us-central1", availability_zones: [] },
    tier: { max_memory_bytes: 25_000_000_000, performance_tier: "enhanced", replicas: 1 },
    cluster: { enabled: true, shard_memory: 12_500_000_000 },
    backup_policy: { enabled: true, every_day: true, every_hour: false, hours: [2], retention: 4 },
  });
  datastoreId = datastore.datastore_id;
  process.env.DFCLOUD_API_KEY = API_KEY;
  process.env.DFCLOUD_API_URL = emulator.url;
});

afterAll(async () => {
  delete process.env.DFCLOUD_API_KEY;
  delete process.env.DFCLOUD_API_URL;
  await emulator?.close();
});

describe("lookups", () => {
  it("lists backups newest first, filtered by source", async () => {
    const first = await createBackup("first");
    await emulator.admin.advance(60 * 60); // the 02:00 scheduled backup is taken on the way
    const second = await createBackup("second");
    const manual = await listBackups({ datastoreId, source: "manual" });
    expect(manual.map((backup) => backup.backupId)).toEqual([second, first]);
    const scheduled = await listBackups({ datastoreId, source: "scheduled" });
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]).toMatchObject({
      source: "scheduled",
      retentionDays: 4,
      cloudProvider: "gcp",
      region: "us-central1",
      shardCount: 2,
    });
  });

  it("gets one backup with its expiry", async () => {
    const id = await createBackup("one");
    const backup = await getBackup(id);
    expect(backup).toMatchObject({
      backupId: id,
      datastoreId,
      description: "one",
      retentionDays: 3,
      source: "manual",
    });
    expect(Date.parse(backup.expiresAt) - Date.parse(backup.createdAt)).toBe(3 * 86_400_000);
  });

  it("gets a datastore with its live schedule", async () => {
    expect(await getDatastore(datastoreId)).toEqual({
      datastoreId,
      name: "sessions",
      status: "active",
      cloudProvider: "gcp",
      region: "us-central1",
      shardCount: 2,
      backupSchedule: { enabled: true, days: "every", hours: [2], retentionDays: 4 },
      lastRestore: undefined,
    });
  });

  it("rejects an unknown backup with the API's 404", async () => {
    await expect(getBackup("bkp_nope")).rejects.toThrow(
      "GET /v1/backups/bkp_nope failed with 404 Not Found: ",
    );
  });
});
