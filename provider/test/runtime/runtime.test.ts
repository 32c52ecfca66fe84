/**
 * The runtime the serialised providers load: credentials from config or the environment, and one
 * client shared by every resource kind — which `configure` (called once per kind, possibly while
 * other resources are mid-operation) must never break.
 */
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { configure, logic, resolveCredentials } from "../../src/runtime";

const API_KEY = "dragonflydb_runtime_test_key";
let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: [API_KEY],
    timeScale: 0,
    durations: { datastoreCreate: 0, datastoreUpdate: 0, datastoreDelete: 0, restore: 0, backup: 0 },
  });
});

afterAll(async () => {
  await emulator?.close();
});

const config = (values: Record<string, string>) => ({ get: (key: string) => values[key] });

describe("runtime", () => {
  it("prefers stack config over the environment", () => {
    const env = { DFCLOUD_API_KEY: "from-env", DFCLOUD_API_URL: "http://127.0.0.1:1" };
    expect(resolveCredentials({ apiKey: "from-config", apiUrl: undefined }, env)).toEqual({
      apiKey: "from-config",
      apiUrl: "http://127.0.0.1:1",
    });
    expect(resolveCredentials({}, {})).toEqual({ apiKey: undefined, apiUrl: undefined });
  });

  it("says how to set the key when there is none, without sending anything", async () => {
    configure(config({ "dfcloud:apiUrl": emulator.url }));
    const saved = process.env.DFCLOUD_API_KEY;
    delete process.env.DFCLOUD_API_KEY;
    try {
      await expect(logic.Backup.delete("bkp_x", {} as never)).rejects.toThrow(
        "no Dragonfly Cloud API key: set it with `pulumi config set --secret dfcloud:apiKey <key>` or the DFCLOUD_API_KEY environment variable",
      );
    } finally {
      if (saved !== undefined) process.env.DFCLOUD_API_KEY = saved;
    }
  });

  it("keeps operations running when another resource kind's provider calls configure", async () => {
    const datastore = await emulator.admin.seedDatastore(API_KEY, {
      name: "shared",
      location: { provider: "aws", region: "eu-west-1", availability_zones: [] },
      tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
      cluster: { enabled: false },
    });
    const settings = config({ "dfcloud:apiKey": API_KEY, "dfcloud:apiUrl": emulator.url });
    configure(settings);
    const creating = logic.Backup.create({
      datastoreId: datastore.datastore_id,
      description: "while configure runs",
      retentionDays: 1,
      waitTimeoutMinutes: 1,
    });
    configure(settings);
    configure(settings);
    const { outs } = await creating;
    expect(outs.status).toBe("ready");
  });
});
