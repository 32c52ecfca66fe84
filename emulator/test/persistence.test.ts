/** The state file: a restart with the same file continues where the emulator stopped. */
import * as fs from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startEmulator } from "../src/index.ts";
import { api, datastoreConfig, START, seedActive, startFrozen } from "./support.ts";

let dir: string;
let statePath: string;

beforeEach(() => {
  dir = fs.mkdtempSync(path.join(tmpdir(), "dfcloud-emulator-"));
  statePath = path.join(dir, "state.json");
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("persistence", () => {
  it("restores datastores, backups, data, accounts, idempotency keys and the clock after a restart", async () => {
    const first = await startFrozen({ statePath });
    const id = await seedActive(first);
    await first.admin.setData(id, { kept: "yes" });
    const backup = await api(first).post(
      "/v1/backups",
      { datastore_id: id, retention: 3 },
      { "idempotency-key": "k" },
    );
    const theirs = await seedActive(first, datastoreConfig({ name: "theirs" }), first.apiKeys[1]);
    const { now } = await first.admin.advance(3600);
    const stateBefore = await first.admin.state();
    await first.close();

    // No API keys given: the file's accounts are the keys.
    const second = await startEmulator({ statePath, timeScale: 0, startTime: START });
    try {
      expect(second.apiKeys).toEqual(["dragonflydb_test_a", "dragonflydb_test_b"]);
      expect((await second.admin.clock()).now).toBe(now);
      expect(await second.admin.state()).toEqual(stateBefore);
      expect(await second.admin.getData(id)).toEqual({ kept: "yes" });
      expect((await api(second, second.apiKeys[1]).get(`/v1/datastores/${theirs}`)).status).toBe(200);
      const repeated = await api(second).post(
        "/v1/backups",
        { datastore_id: id, retention: 3 },
        { "idempotency-key": "k" },
      );
      expect(repeated.body.backup_id).toBe(backup.body.backup_id);
    } finally {
      await second.close();
    }
  });

  it("completes transitions and expiries that were in flight when it stopped", async () => {
    const first = await startFrozen({ statePath });
    const created = await api(first).post("/v1/datastores", datastoreConfig());
    await first.admin.advance(10);
    await first.close();

    const second = await startFrozen({ statePath });
    try {
      expect((await api(second).get(`/v1/datastores/${created.body.datastore_id}`)).body.status).toBe(
        "pending",
      );
      await second.admin.advance(20);
      expect((await api(second).get(`/v1/datastores/${created.body.datastore_id}`)).body.status).toBe(
        "active",
      );
    } finally {
      await second.close();
    }
  });

  it("saves every change at once (a crash loses nothing) and leaves no temporary file", async () => {
    const emulator = await startFrozen({ statePath });
    try {
      const id = await seedActive(emulator);
      const saved = JSON.parse(fs.readFileSync(statePath, "utf8"));
      expect(saved.datastores.map((d: { id: string }) => d.id)).toEqual([id]);
      expect(fs.readdirSync(dir)).toEqual(["state.json"]);
    } finally {
      await emulator.close();
    }
  });

  it("adds new API keys to the accounts of the file", async () => {
    await (await startFrozen({ statePath, apiKeys: ["dragonflydb_one"] })).close();
    const second = await startFrozen({ statePath, apiKeys: ["dragonflydb_two"] });
    await second.close();
    expect(second.apiKeys).toEqual(["dragonflydb_one", "dragonflydb_two"]);
  });

  it("never moves the clock backwards, even when restarted with an earlier start time", async () => {
    const first = await startFrozen({ statePath });
    const { now } = await first.admin.advance(86400);
    await first.close();
    const second = await startEmulator({ statePath, timeScale: 0, startTime: START - 86400_000 * 30 });
    try {
      expect((await second.admin.clock()).now).toBe(now);
    } finally {
      await second.close();
    }
  });

  it.each([
    ["not JSON", "{", /is not valid JSON/],
    [
      "another format",
      JSON.stringify({ format: "other" }),
      /is not a dfcloud-emulator-state file of version 1/,
    ],
    ["a damaged file", JSON.stringify({ format: "dfcloud-emulator-state", version: 1 }), /is damaged/],
  ])("refuses to start from %s", async (_case, content, message) => {
    fs.writeFileSync(statePath, content);
    await expect(startFrozen({ statePath })).rejects.toThrow(message);
  });
});

describe("options", () => {
  it.each([
    [{ port: 70000 }, "port must be an integer from 0 to 65535"],
    [{ timeScale: -1 }, "timeScale must be a number of at least 0"],
    [{ durations: { backup: -5 } }, "durations.backup must be seconds of at least 0"],
    [{ apiKeys: ["has space"] }, "must be non-empty without spaces"],
    [{ adminToken: "" }, "adminToken must be non-empty without spaces"],
  ])("rejects %j", async (options, message) => {
    await expect(startEmulator(options)).rejects.toThrow(message);
  });

  it("generates one dragonflydb_emu_ key and an admin token by default, and listens on 127.0.0.1", async () => {
    const emulator = await startEmulator();
    try {
      expect(emulator.apiKeys).toHaveLength(1);
      expect(emulator.apiKeys[0]).toMatch(/^dragonflydb_emu_[a-z0-9]{24}$/);
      expect(emulator.adminToken).toMatch(/^emu_admin_[0-9a-f]{32}$/);
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await api(emulator).get("/v1/datastores")).status).toBe(200);
    } finally {
      await emulator.close();
    }
  });

  it("runs emulator time at timeScale times real time", async () => {
    const emulator = await startEmulator({ timeScale: 1000, startTime: START });
    try {
      const started = performance.now();
      const { now } = await emulator.admin.clock();
      const elapsedReal = performance.now() - started;
      expect(now).toBeGreaterThan(START);
      // Emulator time moved at most 1000× the real time spent (plus the start-up before `started`).
      expect(now - START).toBeLessThan((elapsedReal + 1000) * 1000);
      const second = await emulator.admin.clock();
      expect(second.now).toBeGreaterThan(now);
    } finally {
      await emulator.close();
    }
  });

  it("close() is safe to call twice and refuses connections afterwards", async () => {
    const emulator = await startEmulator();
    await Promise.all([emulator.close(), emulator.close()]);
    await expect(fetch(`${emulator.url}/v1/datastores`)).rejects.toThrow("fetch failed");
  });
});
