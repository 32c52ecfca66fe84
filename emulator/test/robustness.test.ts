/** Malformed requests: every one gets a 4xx with `{"error"}`, and the emulator keeps answering. */
import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { api, rawExchange, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();

afterEach(async () => {
  // Whatever a test threw at it, the emulator still answers normally.
  expect((await api(emulator()).get("/v1/datastores")).status).toBe(200);
});

describe("bodies", () => {
  it.each([
    ["invalid JSON", "{not json", /^body: invalid JSON \(/],
    ["an empty body", "", /^body: must be a JSON object, got an empty body$/],
    ["a JSON string", '"text"', /^body: must be an object$/],
    ["JSON null", "null", /^body: must be an object$/],
  ])("answers %s with 400", async (_case, body, message) => {
    const answer = await api(emulator()).call("POST", "/v1/datastores", body);
    expect(answer.status).toBe(400);
    expect(answer.body.error).toMatch(message);
  });

  it("answers a body over 1 MiB with 413 (declared or streamed) and logs it", async () => {
    const big = JSON.stringify({ name: "x".repeat(1024 * 1024) });
    const answer = await api(emulator()).call("POST", "/v1/datastores", big);
    expect(answer).toMatchObject({ status: 413, body: { error: "body: larger than 1048576 bytes" } });
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 20; i++) controller.enqueue(new Uint8Array(128 * 1024).fill(32));
        controller.close();
      },
    });
    const response = await fetch(`${emulator().url}/v1/datastores`, {
      method: "POST",
      body: streamed,
      duplex: "half",
      headers: { authorization: `Bearer ${emulator().apiKeys[0]}` },
    } as RequestInit);
    expect(response.status).toBe(413);
    expect((await emulator().admin.requests()).map((r) => r.status)).toEqual([413, 413]);
  });

  it("accepts a body without Content-Type, as the official client sends it", async () => {
    const id = await seedActive(emulator());
    const response = await fetch(`${emulator().url}/v1/backups`, {
      method: "POST",
      headers: { authorization: `Bearer ${emulator().apiKeys[0]}` },
      body: new TextEncoder().encode(JSON.stringify({ datastore_id: id, retention: 1 })),
    });
    expect(response.status).toBe(200);
  });
});

describe("paths and methods", () => {
  it.each([
    ["GET", "/v1/nope", 404, "not found: GET /v1/nope"],
    ["GET", "/v1", 404, "not found: GET /v1"],
    ["GET", "/v1/datastores/", 404, "not found: GET /v1/datastores/"],
    ["GET", "/v1/datastores/a/b", 404, "not found: GET /v1/datastores/a/b"],
    ["GET", "/", 404, "not found: GET /"],
    ["GET", "/_emulator/nope", 404, "not found: GET /_emulator/nope"],
    ["PATCH", "/v1/datastores/dst_x", 405, "method not allowed: PATCH /v1/datastores/dst_x"],
    ["PUT", "/v1/backups/bkp_x", 405, "method not allowed: PUT /v1/backups/bkp_x"],
    ["DELETE", "/v1/datastores", 405, "method not allowed: DELETE /v1/datastores"],
    ["GET", "/v1/datastores/%E0%A4%A", 400, "path: invalid percent-encoding in /v1/datastores/%E0%A4%A"],
  ])("%s %s → %i", async (method, path, status, message) => {
    const answer = await api(emulator()).call(method, path);
    expect(answer).toMatchObject({ status, body: { error: message } });
  });

  it("names the allowed methods on a 405", async () => {
    const answer = await api(emulator()).call("POST", "/v1/datastores/dst_x");
    expect(answer.headers.get("allow")).toBe("GET, PUT, DELETE");
  });

  it.each([
    "/v1/datastores/%00",
    "/v1/datastores/..%2F..%2Fetc",
    `/v1/datastores/${"x".repeat(4000)}`,
    "/v1/backups/%F0%9F%90%89",
    "//v1/datastores",
  ])("answers an odd ID or path with a 4xx JSON error: %s", async (path) => {
    const answer = await api(emulator()).get(path);
    expect(answer.status).toBe(404);
    expect(typeof answer.body.error).toBe("string");
  });
});

describe("broken HTTP", () => {
  it("answers a malformed request line with 400 JSON and closes", async () => {
    const answer = await rawExchange(emulator(), "THIS IS NOT HTTP\r\n\r\n");
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    expect(answer.endsWith('{"error":"bad request: malformed HTTP"}')).toBe(true);
  });

  it("answers oversized headers with 431", async () => {
    const answer = await rawExchange(
      emulator(),
      `GET /v1/datastores HTTP/1.1\r\nHost: x\r\nX-Big: ${"a".repeat(20_000)}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 431 /);
  });

  it("survives a client that disconnects in the middle of a body", async () => {
    const { hostname, port } = new URL(emulator().url);
    await new Promise<void>((resolve) => {
      const socket = connect(Number(port), hostname, () => {
        socket.write('POST /v1/datastores HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n{"na');
        socket.destroy();
        resolve();
      });
    });
  });
});
