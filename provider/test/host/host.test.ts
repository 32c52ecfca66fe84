/**
 * The provider host both front doors run: credentials from config or the environment, one client
 * shared by every resource kind — which `configure` (called again while other resources are
 * mid-operation) must never break — the behaviour without a key, lines at their severity, and the
 * key kept out of everything that reaches the engine.
 */
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  changedConfig,
  credentialsFromConfig,
  credentialsFromProviderInputs,
  type LogEntry,
  ProviderHost,
  resolveCredentials,
} from "../../src";
import { tokenOf } from "../../src/schema/spec";

const API_KEY = "dragonflydb_host_test_key_0123456789";
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

/** A host with no key in its environment, and the lines it sent. */
function hostWith(env: NodeJS.ProcessEnv = {}): { host: ProviderHost; lines: LogEntry[] } {
  const lines: LogEntry[] = [];
  return { host: new ProviderHost({ sink: (entry) => lines.push(entry), env }), lines };
}

async function seedDatastore(): Promise<string> {
  const datastore = await emulator.admin.seedDatastore(API_KEY, {
    name: "shared",
    location: { provider: "aws", region: "eu-west-1", availability_zones: [] },
    tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
    cluster: { enabled: false },
  });
  return datastore.datastore_id;
}

describe("the provider host", () => {
  it("prefers what was configured over the environment", () => {
    const env = { DFCLOUD_API_KEY: "from-env", DFCLOUD_API_URL: "http://127.0.0.1:1" };
    expect(resolveCredentials({ apiKey: "from-config", apiUrl: undefined }, env)).toEqual({
      apiKey: "from-config",
      apiUrl: "http://127.0.0.1:1",
    });
    expect(resolveCredentials({}, {})).toEqual({ apiKey: undefined, apiUrl: undefined });
  });

  it("says how to set the key when an operation needs one, without sending anything", async () => {
    const { host } = hostWith();
    host.configure({ apiUrl: emulator.url });
    await emulator.admin.reset();
    await expect(host.resource("Backup").delete("bkp_x", {})).rejects.toThrow(
      "no Dragonfly Cloud API key: set it with `pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable",
    );
    expect(await emulator.admin.requests()).toEqual([]);
  });

  it("passes a preview without a key and warns, on the resource the check is about", async () => {
    const { host, lines } = hostWith();
    const urn = "urn:pulumi:dev::p::dfcloud-backups:index:BackupSchedule::nightly";
    const result = await host
      .resource("BackupSchedule", urn)
      .check({}, { datastoreId: "dst_unchecked", days: "every", hours: [2], retentionDays: 7 });
    expect(result.failures).toBeUndefined();
    expect(lines).toEqual([
      {
        message:
          "ids not checked at preview: no Dragonfly Cloud API key: set it with `pulumi config set --secret " +
          "dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable",
        severity: "warning",
        urn,
      },
    ]);
  });

  it("keeps operations running when another resource kind's configure call arrives", async () => {
    const { host } = hostWith();
    const datastoreId = await seedDatastore();
    host.configure({ apiKey: API_KEY, apiUrl: emulator.url });
    const creating = host.resource("Backup").create({
      datastoreId,
      description: "while configure runs",
      retentionDays: 1,
      waitTimeoutMinutes: 1,
    });
    host.configure({ apiKey: API_KEY, apiUrl: emulator.url });
    host.configure({ apiKey: API_KEY, apiUrl: emulator.url });
    const { outs } = await creating;
    expect(outs.status).toBe("ready");
    expect(host.operations.count).toBe(0);
  });

  it("removes the key from errors, check failures and lines, whichever source it came from", async () => {
    const envKey = "dragonflydb_from_the_environment_42";
    const { host, lines } = hostWith({ DFCLOUD_API_KEY: envKey });
    host.configure({ apiKey: API_KEY, apiUrl: emulator.url });
    host.log({ message: `tried ${API_KEY} and ${envKey}`, severity: "info" });
    expect(lines.map((line) => line.message)).toEqual(["tried [REDACTED] and [REDACTED]"]);
    const check = await host
      .resource("Backup")
      .check({}, { datastoreId: API_KEY, retentionDays: 1 } as Record<string, unknown>);
    expect(JSON.stringify(check.failures)).not.toContain(API_KEY);
    // A key pasted into an id reaches the request path, and the API's 404 quotes it back.
    const failed = (await host
      .invoke(tokenOf("getBackup"), { backupId: envKey })
      .catch((e: unknown) => e)) as Error;
    expect(failed.message).toContain("GET /v1/backups/[REDACTED] failed with 404");
    expect(`${failed.message}\n${failed.stack}`).not.toContain(envKey);
  });

  it("removes a datastore password a drill read for its read-back from every line it sends afterwards", async () => {
    const { host, lines } = hostWith();
    host.configure({ apiKey: API_KEY, apiUrl: emulator.url });
    const source = await seedDatastore();
    const scratch = await seedDatastore();
    await emulator.admin.seedBackup(source);
    await host.resource("RestoreDrill").create({
      datastoreId: source,
      scratchDatastoreId: scratch,
      acknowledgeDataLoss: true,
      minKeys: 1,
      waitTimeoutMinutes: 1,
    });
    const answer = await fetch(`${emulator.url}/v1/datastores/${scratch}`, {
      headers: { authorization: `Bearer ${API_KEY}` },
    });
    const { password } = (await answer.json()) as { password: string };
    expect(password.length).toBeGreaterThan(8);
    lines.splice(0);
    host.log({ message: `the read-back used ${password}`, severity: "info" });
    expect(lines.map((line) => line.message)).toEqual(["the read-back used [REDACTED]"]);
    expect(host.redaction.error(new Error(`auth ${password}`)).message).toBe("auth [REDACTED]");
  });

  it("answers an invoke with the function's failures when its inputs are refused, sending nothing", async () => {
    const { host } = hostWith();
    host.configure({ apiKey: API_KEY, apiUrl: emulator.url });
    await emulator.admin.reset();
    const answer = await host.invoke(tokenOf("listBackups"), { source: "nightly" });
    expect(answer).toEqual({
      failures: [{ property: "source", reason: expect.stringMatching(/^source: /) }],
    });
    expect(await emulator.admin.requests()).toEqual([]);
  });

  it("never counts the engine's own config keys as a change of the provider", () => {
    expect(
      changedConfig({ apiUrl: "https://a", version: "0.1.0" }, { apiUrl: "https://a", version: "0.2.0" }),
    ).toEqual([]);
    expect(changedConfig({ apiKey: "old" }, { apiKey: "rotated", __internal: "x" })).toEqual(["apiKey"]);
    expect(changedConfig({}, { pluginDownloadURL: "https://example.invalid" })).toEqual([]);
  });
});

/** The warning of a provider that sends the key over plain http beyond loopback, for `origin`. */
function insecureWarning(origin: string): string {
  return (
    `apiUrl ${origin} is plain http to a host that is not loopback, allowed by allowInsecureHttp: the ` +
    "Dragonfly Cloud API key travels to it unencrypted, readable on the way. Use this only for a local " +
    "emulator (such as a CI service container), never with a real key."
  );
}

/** An emulator in a CI service container, reached by its service name: plain http, not loopback. */
const CONTAINER_URL = "http://dfcloud-emulator:8765";

describe("plain http beyond loopback (allowInsecureHttp)", () => {
  it("fails the config check without the opt-in, naming the setting and both ways to set it", async () => {
    const { host } = hostWith();
    expect(await host.checkConfig({ apiUrl: CONTAINER_URL })).toEqual([
      {
        property: "apiUrl",
        reason:
          "apiUrl: apiUrl must use https, got http://dfcloud-emulator:8765: plain http is allowed only for " +
          "loopback hosts such as 127.0.0.1, ::1 or localhost; for another host, set allowInsecureHttp " +
          "(`pulumi config set dfcloud-backups:allowInsecureHttp true` or DFCLOUD_ALLOW_INSECURE_HTTP=true), " +
          "which sends the API key unencrypted",
      },
    ]);
    expect(await host.checkConfig({ apiUrl: CONTAINER_URL, allowInsecureHttp: false })).toHaveLength(1);
    expect(
      await hostWith({ DFCLOUD_ALLOW_INSECURE_HTTP: "false" }).host.checkConfig({ apiUrl: CONTAINER_URL }),
    ).toHaveLength(1);
  });

  it.each([
    ["the config, as a boolean", { allowInsecureHttp: true }, {}],
    ["the config, as text (the engine may hand it so)", { allowInsecureHttp: "TRUE" }, {}],
    ["the environment", {}, { DFCLOUD_ALLOW_INSECURE_HTTP: "true" }],
  ])("passes the config check when opted in through %s", async (_how, values, env) => {
    const { host } = hostWith(env);
    expect(await host.checkConfig({ apiUrl: CONTAINER_URL, ...values })).toEqual([]);
  });

  it("refuses an opt-in that is neither true nor false", async () => {
    expect(await hostWith().host.checkConfig({ apiUrl: CONTAINER_URL, allowInsecureHttp: "yes" })).toEqual([
      {
        property: "allowInsecureHttp",
        reason: 'allowInsecureHttp: allowInsecureHttp must be true or false, got "yes"',
      },
    ]);
    expect(
      await hostWith({ DFCLOUD_ALLOW_INSECURE_HTTP: "1" }).host.checkConfig({ apiUrl: CONTAINER_URL }),
    ).toEqual([
      {
        property: "allowInsecureHttp",
        reason: 'allowInsecureHttp: DFCLOUD_ALLOW_INSECURE_HTTP must be true or false, got "1"',
      },
    ]);
  });

  it("warns once, at warning severity on the stack, that the key travels unencrypted", () => {
    const { host, lines } = hostWith();
    host.configure({ apiKey: API_KEY, apiUrl: `${CONTAINER_URL}/`, allowInsecureHttp: true });
    host.deps("urn:pulumi:dev::p::dfcloud-backups:index:Backup::a");
    host.deps("urn:pulumi:dev::p::dfcloud-backups:index:Backup::b");
    // A rotated key makes a new client for the same URL: still one warning.
    host.configure({ apiKey: `${API_KEY}_rotated`, apiUrl: CONTAINER_URL, allowInsecureHttp: true });
    host.deps();
    expect(lines).toEqual([{ message: insecureWarning(CONTAINER_URL), severity: "warning" }]);
  });

  it("takes the opt-in from DFCLOUD_ALLOW_INSECURE_HTTP, and warns about nothing on loopback or https", () => {
    const fromEnv = hostWith({ DFCLOUD_ALLOW_INSECURE_HTTP: "true" });
    fromEnv.host.configure({ apiKey: API_KEY, apiUrl: CONTAINER_URL });
    fromEnv.host.deps();
    expect(fromEnv.lines.map((line) => line.message)).toEqual([insecureWarning(CONTAINER_URL)]);

    for (const apiUrl of [emulator.url, "https://api.example.com"]) {
      const { host, lines } = hostWith({ DFCLOUD_ALLOW_INSECURE_HTTP: "true" });
      host.configure({ apiKey: API_KEY, apiUrl, allowInsecureHttp: true });
      host.deps();
      expect(lines).toEqual([]);
    }
  });

  it("refuses the URL on first use without the opt-in, sending nothing", async () => {
    const { host, lines } = hostWith();
    host.configure({ apiKey: API_KEY, apiUrl: CONTAINER_URL });
    expect(() => host.deps()).toThrow(
      /^apiUrl must use https, got http:\/\/dfcloud-emulator:8765: .*allowInsecureHttp/,
    );
    expect(lines).toEqual([]);
  });

  it("reads the opt-in from the package's own stack config key only, for the dynamic SDK", () => {
    const config: Record<string, string> = {
      "dfcloud-backups:allowInsecureHttp": "true",
      "dfcloud:apiUrl": CONTAINER_URL,
    };
    expect(credentialsFromConfig((key) => config[key])).toEqual({
      apiKey: undefined,
      apiUrl: CONTAINER_URL,
      allowInsecureHttp: true,
    });
    expect(credentialsFromConfig((key) => ({ "dfcloud:allowInsecureHttp": "true" })[key])).toEqual({});
    expect(
      resolveCredentials({ allowInsecureHttp: false }, { DFCLOUD_ALLOW_INSECURE_HTTP: "true" }),
    ).toMatchObject({
      allowInsecureHttp: false,
    });
  });

  it("takes an explicit provider's inputs before the stack config, setting by setting, for the native plugin", () => {
    const config: Record<string, string> = {
      "dfcloud-backups:apiKey": "from-config",
      "dfcloud-backups:apiUrl": CONTAINER_URL,
      "dfcloud-backups:allowInsecureHttp": "true",
    };
    expect(
      credentialsFromProviderInputs(
        { apiKey: "from-provider", apiUrl: "", allowInsecureHttp: false },
        (key) => config[key],
      ),
    ).toEqual({ apiKey: "from-provider", apiUrl: CONTAINER_URL, allowInsecureHttp: false });
    expect(credentialsFromProviderInputs({}, () => undefined)).toEqual({});
    expect(() => credentialsFromProviderInputs({ allowInsecureHttp: "yes" }, () => undefined)).toThrow(
      'dfcloud-backups:allowInsecureHttp must be true or false, got "yes"',
    );
  });
});
