/**
 * Every bad input fails `check` (so `pulumi preview` stops) with a message that names the property,
 * what is allowed and what was given — a string, NaN, Infinity, a boolean, a list or an object named
 * as such — and nothing is written to the API.
 */
import { describe, expect, it } from "vitest";
import { backupLogic } from "../../src/resources/backup";
import { backupScheduleLogic } from "../../src/resources/backup-schedule";
import { restoreLogic } from "../../src/resources/restore";
import { restoreDrillLogic } from "../../src/resources/restore-drill";
import { BAD_INPUT_CASES as cases, type Fixture, type Kind } from "./bad-input-cases";
import { OTHER_API_KEY, useHarness } from "./support";

const harness = useHarness();

async function fixture(): Promise<Fixture> {
  const h = harness();
  const datastore = await h.seed();
  const otherRegion = await h.seed({
    location: { provider: "gcp", region: "europe-west1", availability_zones: [] },
  });
  const theirs = await h.seed({}, OTHER_API_KEY);
  const ready = await h.deps.api.createBackup({
    datastore_id: otherRegion,
    description: "other region",
    retention: 1,
  });
  await h.deps.api.waitForBackup(ready.backup_id, { timeoutMs: 60_000 });
  await h.emulator.admin.setDurations({ backup: 3600 });
  const pending = await h.deps.api.createBackup({
    datastore_id: datastore,
    description: "pending",
    retention: 1,
  });
  const response = await fetch(`${h.emulator.url}/v1/backups`, {
    method: "POST",
    headers: { authorization: `Bearer ${OTHER_API_KEY}`, "content-type": "application/json" },
    body: JSON.stringify({ datastore_id: theirs, description: "theirs", retention: 1 }),
  });
  const otherAccountBackup = ((await response.json()) as { backup_id: string }).backup_id;
  return {
    datastore,
    pendingBackup: pending.backup_id,
    otherRegionBackup: ready.backup_id,
    otherAccountBackup,
  };
}

function logicOf(kind: Kind) {
  const deps = () => harness().deps;
  return {
    BackupSchedule: backupScheduleLogic(deps),
    Backup: backupLogic(deps),
    Restore: restoreLogic(deps),
    RestoreDrill: restoreDrillLogic(deps),
  }[kind];
}

describe("bad inputs fail check, naming the property and what is allowed, with no write", () => {
  it("has at least 25 cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(25);
  });

  it.each(cases)("$kind: $name", async (c) => {
    await harness().emulator.admin.setDurations({ backup: 0 });
    const f = await fixture();
    await harness().emulator.admin.clearRequests();
    const inputs = Object.fromEntries(Object.entries(c.inputs(f)).filter(([, value]) => value !== undefined));
    const result = await logicOf(c.kind).check({}, inputs);
    const reason = typeof c.reason === "function" ? c.reason(f) : c.reason;
    expect(result.failures).toEqual([{ property: c.property, reason }]);
    expect(result.inputs).toBeUndefined();
    expect(await harness().writes()).toEqual([]);
  });
});
