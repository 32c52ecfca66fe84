import { afterEach, describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import { parseRetryAfterMs, type RetryEvent } from "../../src/client/retry";
import { backupFixture, datastoreFixture, parsedDatastore } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import { type Reply, sequence } from "./support/scripted-server";

afterEach(disconnectAll);

const ok = (json: unknown): Reply => ({ status: 200, json });
const fail = (status: number, headers: Record<string, string> = {}): Reply => ({
  status,
  json: { error: `status ${status}` },
  headers,
});

describe("backoff", () => {
  it("retries 500, 500, 500 then succeeds, with exponential delays and full jitter", async () => {
    const events: RetryEvent[] = [];
    const { client, clock, server } = await connect(sequence(fail(500), fail(500), fail(500), ok([])), {
      onRetry: (event) => events.push(event),
    });
    await expect(client.listDatastores()).resolves.toEqual([]);
    // jitter 0.5 × caps of 100, 200, 400 ms
    expect(clock.sleeps).toEqual([50, 100, 200]);
    expect(server.requests).toHaveLength(4);
    expect(events.map((e) => [e.method, e.path, e.failedAttempt, e.delayMs, e.error.name])).toEqual([
      ["GET", "/v1/datastores", 1, 50, "ServerError"],
      ["GET", "/v1/datastores", 2, 100, "ServerError"],
      ["GET", "/v1/datastores", 3, 200, "ServerError"],
    ]);
  });

  it("caps the backoff at maxDelayMs", async () => {
    const { client, clock } = await connect(sequence(fail(502), fail(502), fail(502), fail(502), ok([])), {
      random: () => 0.999,
      retry: { maxDelayMs: 250 },
    });
    await client.listDatastores();
    expect(clock.sleeps).toEqual([100, 200, 250, 250]);
  });

  it("gives up after maxAttempts and throws the last error", async () => {
    const { client, clock, server } = await connect(sequence(fail(503)));
    await expect(client.listDatastores()).rejects.toThrow(
      "GET /v1/datastores failed with 503 Service Unavailable: status 503",
    );
    expect(server.requests).toHaveLength(5);
    expect(clock.sleeps).toEqual([50, 100, 200, 400]);
  });

  it("starts no retry whose delay would end past maxElapsedMs", async () => {
    const { client, clock, server } = await connect(sequence(fail(500)), { retry: { maxElapsedMs: 300 } });
    await expect(client.listDatastores()).rejects.toMatchObject({ name: "ServerError", status: 500 });
    // 50 + 100 = 150 ms slept; the next 200 ms would end at 350 > 300
    expect(clock.sleeps).toEqual([50, 100]);
    expect(server.requests).toHaveLength(3);
  });

  it.each([400, 401, 403, 404, 409, 413])("does not retry a GET answered %i", async (status) => {
    const { client, clock, server } = await connect(sequence(fail(status)));
    await expect(client.listDatastores()).rejects.toMatchObject({ status });
    expect(server.requests).toHaveLength(1);
    expect(clock.sleeps).toEqual([]);
  });

  it("retries a 408", async () => {
    const { client, server } = await connect(sequence(fail(408), ok([])));
    await expect(client.listDatastores()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);
  });

  it("retries a request whose connection was dropped", async () => {
    const { client, server } = await connect(sequence("drop", ok(backupFixture())));
    await expect(client.getBackup("bkp_aaaaaaaaaaaaaaaa")).resolves.toEqual(backupFixture());
    expect(server.requests).toHaveLength(2);
  });

  it("gives up on dropped connections with a ConnectionError", async () => {
    const { client } = await connect(sequence("drop"), { retry: { maxAttempts: 2 } });
    const error = await client.getBackup("bkp_x").catch((e: unknown) => e);
    expect(isDfCloudError(error, "ConnectionError")).toBe(true);
    expect((error as Error).message).toMatch(
      /^GET \/v1\/backups\/bkp_x failed: connection error: .+ \(UND_ERR_SOCKET\)$/,
    );
  });

  it("retries a request that timed out, and names the timeout", async () => {
    const { client, server } = await connect(sequence("hang", ok([])), { timeoutMs: 50 });
    await expect(client.listDatastores()).resolves.toEqual([]);
    expect(server.requests).toHaveLength(2);

    const { client: alwaysHanging } = await connect(sequence("hang"), {
      timeoutMs: 50,
      retry: { maxAttempts: 1 },
    });
    await expect(alwaysHanging.listDatastores()).rejects.toThrow(
      "GET /v1/datastores timed out after 50 ms without a complete answer",
    );
  });

  it("retries a PUT of the whole config after a 503", async () => {
    const datastore = datastoreFixture();
    const updating = { ...datastore, status: "updating" };
    const { client, clock, server } = await connect(sequence(ok(datastore), fail(503), ok(updating)));
    await expect(client.setBackupPolicy(datastore.datastore_id, { enabled: false })).resolves.toEqual(
      parsedDatastore(updating),
    );
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "PUT", "PUT"]);
    expect(clock.sleeps).toEqual([50]);
  });
});

describe("Retry-After", () => {
  it("waits as long as a 429 asks", async () => {
    const { client, clock } = await connect(sequence(fail(429, { "retry-after": "2" }), ok([])));
    await client.listDatastores();
    expect(clock.sleeps).toEqual([2_000]);
  });

  it("reads an HTTP date", async () => {
    const { client, clock } = await connect(
      sequence(fail(503, { "retry-after": new Date(Date.UTC(2026, 0, 1, 0, 0, 3)).toUTCString() }), ok([])),
    );
    await client.listDatastores();
    expect(clock.sleeps).toEqual([3_000]);
  });

  it("caps a long Retry-After at maxRetryAfterMs", async () => {
    const { client, clock } = await connect(sequence(fail(429, { "retry-after": "3600" }), ok([])), {
      retry: { maxRetryAfterMs: 5_000 },
    });
    await client.listDatastores();
    expect(clock.sleeps).toEqual([5_000]);
  });

  it.each([
    ["3", 3_000],
    [" 120 ", 120_000],
    ["Thu, 01 Jan 2026 00:00:10 GMT", 10_000],
    ["Wed, 31 Dec 2025 23:59:00 GMT", 0],
    // Strict (RFC 9110 §10.2.3, as ky reads it): not digits, not an IMF-fixdate, not a delay.
    ["0.25", undefined],
    ["1e3", undefined],
    ["0x10", undefined],
    ["2", 2_000],
    ["2026-01-01T00:00:10Z", undefined],
    ["Thursday, 01-Jan-26 00:00:10 GMT", undefined],
    ["soon", undefined],
    ["-1", undefined],
    ["", undefined],
    [undefined, undefined],
  ])("parses %j as %j ms", (header, expected) => {
    expect(parseRetryAfterMs(header, Date.UTC(2026, 0, 1))).toBe(expected);
  });
});

describe("POST /v1/backups", () => {
  const request = { datastore_id: "dst_aaaaaaaaaaaaaaaa", description: "nightly", retention: 7 };

  it.each([
    [400, "BadRequestError"],
    [404, "NotFoundError"],
    [409, "ConflictError"],
  ])("is not retried on %i", async (status, name) => {
    const { client, clock, server } = await connect(sequence(ok([]), fail(status)));
    await expect(client.createBackup(request)).rejects.toMatchObject({ name, status });
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST"]);
    expect(clock.sleeps).toEqual([]);
  });

  it("is retried at once after a 429 or 503, which mean the server did nothing", async () => {
    const created = backupFixture({ status: "pending", description: "nightly" });
    const { client, clock, server } = await connect(
      sequence(ok([]), fail(429, { "retry-after": "1" }), fail(503), ok(created)),
    );
    await expect(client.createBackup(request)).resolves.toEqual(created);
    // No listing between the POSTs: nothing to reconcile.
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "POST", "POST"]);
    expect(clock.sleeps).toEqual([1_000, 100]);
  });
});
