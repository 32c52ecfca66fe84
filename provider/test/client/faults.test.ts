/**
 * THE FAULT TEST: with 20 % of API calls failing in every way the emulator knows (429 and 503 before
 * handling, 500 and dropped connections after it, slow answers), 30 schedule updates and 30 backup
 * creations all succeed, and the emulator ends up with exactly the 30 backups asked for: none twice,
 * none orphaned. Run sequentially so that the seeded fault sequence, and so the numbers, repeat.
 */
import type { FaultKind, RequestLogEntry } from "dfcloud-emulator";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ReconcileEvent } from "../../src/client/options";
import type { RetryEvent } from "../../src/client/retry";
import type { Backup, BackupPolicySettings } from "../../src/client/schemas";
import { type EmulatorHarness, startEmulatorHarness } from "./support/emulator";

const DATASTORE_COUNT = 5;
const POLICY_UPDATES = 30;
const BACKUP_CREATIONS = 30;
const FAULT_KINDS: FaultKind[] = ["429", "500", "503", "drop", "latency"];

let harness: EmulatorHarness;
beforeAll(async () => {
  // An update takes 1 s of emulator time, so after a lost PUT answer the client finds the datastore
  // `updating` with the config it sent.
  harness = await startEmulatorHarness({ durations: { datastoreUpdate: 1, backup: 30 } });
});
afterAll(() => harness.close());

/** A schedule that differs for every update, so each PUT really changes the config. */
function policyNumber(n: number): BackupPolicySettings {
  return { enabled: true, every_day: false, weekdays: [n % 7], hours: [(n * 5) % 24], retention: 1 + n };
}

function countBy<T>(items: readonly T[], key: (item: T) => string | undefined): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const item of items) {
    const name = key(item);
    if (name !== undefined) counts[name] = (counts[name] ?? 0) + 1;
  }
  return counts;
}

it("survives 20% injected faults without duplicating or losing a backup", { timeout: 60_000 }, async () => {
  const { admin } = harness.emulator;
  const datastoreIds = await Promise.all(Array.from({ length: DATASTORE_COUNT }, () => harness.seed()));
  const retries: RetryEvent[] = [];
  const reconciliations: ReconcileEvent[] = [];
  const client = harness.client({
    timeoutMs: 2_000,
    retry: { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 8, maxRetryAfterMs: 5, maxElapsedMs: 60_000 },
    onRetry: (event) => retries.push(event),
    onReconcile: (event) => reconciliations.push(event),
  });
  await admin.clearRequests();
  // Seed 2 makes this run take every path: lost PUTs found applied and lost POSTs adopted (the
  // checks below would say if a change of the emulator's fault sequence stopped that).
  await admin.setFaults({ rate: 0.2, kinds: FAULT_KINDS, seed: 2, retryAfterSeconds: 1, latencyMs: 20 });

  const lastPolicy = new Map<string, BackupPolicySettings>();
  for (let n = 0; n < POLICY_UPDATES; n++) {
    const id = datastoreIds[n % DATASTORE_COUNT] ?? "";
    await client.setBackupPolicy(id, policyNumber(n));
    await client.waitForDatastore(id, "active");
    lastPolicy.set(id, policyNumber(n));
  }
  const created: Backup[] = [];
  for (let n = 0; n < BACKUP_CREATIONS; n++) {
    const datastoreId = datastoreIds[n % DATASTORE_COUNT] ?? "";
    created.push(
      await client.createBackup({
        datastore_id: datastoreId,
        description: `fault run #${n}`,
        retention: 1 + (n % 7),
      }),
    );
  }

  const log: RequestLogEntry[] = await admin.requests();
  await admin.clearFaults();
  const state = await admin.state();

  // Exactly the backups asked for: every returned id stored, nothing else stored, no description twice.
  expect(state.backups.map((b) => b.backup_id).sort()).toEqual(created.map((b) => b.backup_id).sort());
  expect(new Set(state.backups.map((b) => b.description)).size).toBe(BACKUP_CREATIONS);
  expect(countBy(state.backups, (b) => b.datastore_id)).toEqual(
    Object.fromEntries(datastoreIds.map((id) => [id, BACKUP_CREATIONS / DATASTORE_COUNT])),
  );
  // Every schedule landed: each datastore holds the last policy written to it.
  for (const datastore of state.datastores) {
    expect(datastore.config.backup_policy).toEqual(lastPolicy.get(datastore.datastore_id));
  }

  const posts = log.filter((entry) => entry.method === "POST");
  const faults = countBy(log, (entry) => entry.fault);
  const reconciled = (method: string) => {
    const events = reconciliations.filter((event) => event.method === method);
    const adopted = events.filter((event) => event.adoptedId !== undefined).length;
    return { adopted, resent: events.length - adopted };
  };
  const puts = reconciled("PUT");
  const creates = reconciled("POST");
  // One Idempotency-Key per logical create, reused by its retries.
  expect(new Set(posts.map((entry) => entry.idempotencyKey)).size).toBe(BACKUP_CREATIONS);
  // The run exercised what it claims to: every fault kind, retries, and lost PUTs and POSTs found
  // applied on the server instead of being repeated.
  expect(Object.keys(faults).sort()).toEqual([...FAULT_KINDS].sort());
  expect(retries.length).toBeGreaterThan(0);
  expect(puts.adopted).toBeGreaterThan(0);
  expect(creates.adopted).toBeGreaterThan(0);

  const faultList = FAULT_KINDS.map((kind) => `${kind}×${faults[kind] ?? 0}`).join(", ");
  const injected = Object.values(faults).reduce((sum, count) => sum + count, 0);
  console.log(
    `[fault run] ${POLICY_UPDATES} policy updates + ${BACKUP_CREATIONS} backup creations in ${log.length} requests: ` +
      `${injected} faults injected (${faultList}); ${retries.length} retries; reconciliations of lost answers: ` +
      `PUT ${puts.adopted} found applied + ${puts.resent} re-sent, POST ${creates.adopted} adopted + ${creates.resent} re-sent; ` +
      `${posts.length} POSTs for ${state.backups.length} backups, 0 duplicates, 0 orphans`,
  );
});
