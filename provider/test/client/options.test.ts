import { describe, expect, it } from "vitest";
import { DfCloudClient } from "../../src/client/client";
import { isDfCloudError } from "../../src/client/errors";
import { DEFAULT_API_URL } from "../../src/client/modelled";
import {
  type DfCloudClientOptions,
  insecureHttpOrigin,
  isLoopbackHost,
  resolveOptions,
} from "../../src/client/options";
import { DEFAULT_RETRY_POLICY } from "../../src/client/retry";

const KEY = "dragonflydb_key";

function configurationErrorOf(options: DfCloudClientOptions): string {
  try {
    new DfCloudClient(options);
  } catch (error) {
    expect(isDfCloudError(error, "ConfigurationError")).toBe(true);
    return (error as Error).message;
  }
  throw new Error("expected a ConfigurationError");
}

describe("API key", () => {
  it.each([undefined, "", "   "])("refuses a missing key (%j) and says how to set it", (apiKey) => {
    expect(configurationErrorOf({ apiKey })).toBe(
      "The Dragonfly Cloud API key is not set. Set the key with " +
        "`pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable.",
    );
  });
});

describe("API URL", () => {
  it("defaults to the public API", () => {
    expect(resolveOptions({ apiKey: KEY }).baseUrl).toBe(DEFAULT_API_URL);
  });

  it.each([
    ["https://api.example.com", "https://api.example.com"],
    ["https://api.example.com/", "https://api.example.com"],
    ["https://proxy.example.com/dfcloud/", "https://proxy.example.com/dfcloud"],
    ["http://127.0.0.1:8080", "http://127.0.0.1:8080"],
    ["http://127.20.30.40", "http://127.20.30.40"],
    ["http://localhost:9", "http://localhost:9"],
    ["http://[::1]:9", "http://[::1]:9"],
  ])("accepts %s", (apiUrl, baseUrl) => {
    expect(resolveOptions({ apiKey: KEY, apiUrl }).baseUrl).toBe(baseUrl);
  });

  it.each([
    ["http://api.dragonflydb.cloud", "http://api.dragonflydb.cloud"],
    ["http://10.0.0.1:8080", "http://10.0.0.1:8080"],
    ["http://128.0.0.1", "http://128.0.0.1"],
    ["http://[::2]", "http://[::2]"],
    ["http://localhost.example.com", "http://localhost.example.com"],
    ["http://dfcloud-emulator:8765/", "http://dfcloud-emulator:8765"],
  ])("refuses %s: the key would travel in clear text; the message names the opt-in", (apiUrl, origin) => {
    const message =
      `apiUrl must use https, got ${origin}: plain http is allowed only for loopback hosts such as 127.0.0.1, ` +
      "::1 or localhost; for another host, set allowInsecureHttp (`pulumi config set " +
      "dfcloud-backups:allowInsecureHttp true` or DFCLOUD_ALLOW_INSECURE_HTTP=true), which sends the API key unencrypted";
    expect(configurationErrorOf({ apiKey: KEY, apiUrl })).toBe(message);
    expect(configurationErrorOf({ apiKey: KEY, apiUrl, allowInsecureHttp: false })).toBe(message);
  });

  it("accepts plain http to any host with allowInsecureHttp, such as an emulator container reached by name", () => {
    const allowed = (apiUrl: string) =>
      resolveOptions({ apiKey: KEY, apiUrl, allowInsecureHttp: true }).baseUrl;
    expect(allowed("http://dfcloud-emulator:8765/")).toBe("http://dfcloud-emulator:8765");
    expect(allowed("http://10.0.0.1:8080/api")).toBe("http://10.0.0.1:8080/api");
    expect(allowed("https://api.example.com")).toBe("https://api.example.com");
  });

  it("refuses a scheme other than https and http, with or without allowInsecureHttp", () => {
    for (const allowInsecureHttp of [false, true]) {
      expect(configurationErrorOf({ apiKey: KEY, apiUrl: "ftp://127.0.0.1", allowInsecureHttp })).toBe(
        "apiUrl must use https, got ftp://127.0.0.1",
      );
    }
  });

  it("tells which URLs send the key unencrypted beyond loopback", () => {
    expect(insecureHttpOrigin("http://dfcloud-emulator:8765/v1")).toBe("http://dfcloud-emulator:8765");
    expect(
      [
        "http://127.0.0.1:8765",
        "http://localhost",
        "http://[::1]:1",
        "https://dfcloud-emulator",
        "not a url",
      ].map(insecureHttpOrigin),
    ).toEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  it("refuses a URL with credentials, a query or a fragment", () => {
    expect(configurationErrorOf({ apiKey: KEY, apiUrl: "https://user:pw@api.example.com" })).toBe(
      "apiUrl must be a plain base URL without credentials, query or fragment, got https://api.example.com",
    );
    expect(configurationErrorOf({ apiKey: KEY, apiUrl: "https://api.example.com/?x=1" })).toMatch(
      /without credentials/,
    );
  });

  it("refuses text that is not a URL", () => {
    expect(configurationErrorOf({ apiKey: KEY, apiUrl: "api.example.com" })).toBe(
      'apiUrl "api.example.com" is not a valid URL',
    );
  });

  it("knows loopback hosts", () => {
    expect(["127.0.0.1", "127.255.255.254", "[::1]", "::1", "LOCALHOST"].every(isLoopbackHost)).toBe(true);
    expect(
      ["128.0.0.1", "1.127.0.0", "[::2]", "localhost.evil", "127.0.0.1.nip.io"].some(isLoopbackHost),
    ).toBe(false);
  });
});

describe("numbers", () => {
  it("fills in defaults, keeping the ones given", () => {
    const resolved = resolveOptions({ apiKey: KEY, retry: { maxAttempts: 2, maxDelayMs: undefined } });
    expect(resolved.timeoutMs).toBe(15_000);
    expect(resolved.retryPolicy).toEqual({ ...DEFAULT_RETRY_POLICY, maxAttempts: 2 });
  });

  it.each([
    [{ timeoutMs: 0 }, "timeoutMs must be a positive number of milliseconds, got 0"],
    [{ timeoutMs: Number.NaN }, "timeoutMs must be a positive number of milliseconds, got NaN"],
    [{ retry: { maxAttempts: 0 } }, "retry.maxAttempts must be a whole number ≥ 1, got 0"],
    [{ retry: { maxAttempts: 1.5 } }, "retry.maxAttempts must be a whole number ≥ 1, got 1.5"],
    [
      { retry: { baseDelayMs: -1 } },
      "retry.baseDelayMs must be a non-negative number of milliseconds, got -1",
    ],
    [
      { retry: { maxElapsedMs: Number.POSITIVE_INFINITY } },
      "retry.maxElapsedMs must be a non-negative number of milliseconds, got Infinity",
    ],
  ])("refuses %j", (options, message) => {
    expect(configurationErrorOf({ apiKey: KEY, ...options })).toBe(message);
  });
});
