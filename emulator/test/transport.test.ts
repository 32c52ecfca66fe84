/**
 * Transport (docs/api-model.md, "Transport"): the `Date` header carries the emulator's clock
 * (a client judges time by it), a body over 1 MiB gets a 413 the client actually sees, and a deeply
 * nested body a 400.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningEmulator, startEmulator } from "../src/index.ts";
import { api, datastoreConfig, rawExchange, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();
const DAY_MS = 24 * 3600 * 1000;

/**
 * A body of `chunks` chunks of 256 KiB that trickles out: each chunk is produced in a later turn of
 * the event loop, so the client is still sending when a server that answers early answers.
 */
function tricklingBody(chunks: number): ReadableStream<Uint8Array> {
  let sent = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      await new Promise((resolve) => setImmediate(resolve));
      controller.enqueue(new Uint8Array(256 * 1024).fill(0x20));
      sent += 1;
      if (sent === chunks) controller.close();
    },
  });
}

describe("the Date header carries the emulator's clock", () => {
  let running: RunningEmulator | undefined;
  beforeAll(async () => {
    running = await startEmulator({ apiKeys: ["dragonflydb_date"] });
  });
  afterAll(async () => {
    await running?.close();
  });

  it("is 15 days ahead of real time after the clock advanced 15 days", async () => {
    if (!running) throw new Error("not started");
    await running.admin.advance(15 * 24 * 3600);
    const response = await fetch(`${running.url}/v1/datastores`, {
      headers: { authorization: "Bearer dragonflydb_date" },
    });
    const realNow = Date.now();
    expect(response.status).toBe(200);
    const date = response.headers.get("date") ?? "";
    expect(date).toMatch(/^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} GMT$/);
    // IMF-fixdate has whole seconds: the header is at most 1 s behind the emulator's time.
    expect(Math.abs(Date.parse(date) - (realNow + 15 * DAY_MS))).toBeLessThan(1000);
  });

  it.each([
    ["a 200", "GET", "/v1/datastores", "dragonflydb_test_a", 200],
    ["a 401", "GET", "/v1/datastores", "dragonflydb_nobody", 401],
    ["a 404", "GET", "/v1/nope", "dragonflydb_test_a", 404],
    ["a 400", "POST", "/v1/backups", "dragonflydb_test_a", 400],
    ["an admin answer", "GET", "/_emulator/clock", "", 200],
  ])("is the frozen emulator time exactly on %s", async (_case, method, path, key, status) => {
    const { now } = await emulator().admin.advance(40 * 24 * 3600 + 7);
    const response = await fetch(`${emulator().url}${path}`, {
      method,
      headers: { authorization: `Bearer ${key === "" ? emulator().adminToken : key}` },
      ...(method === "POST" ? { body: "{}" } : {}),
    });
    expect(response.status).toBe(status);
    expect(response.headers.get("date")).toBe(new Date(now).toUTCString());
  });

  it("is on injected faults, on a 413 and on malformed HTTP too", async () => {
    const { now } = await emulator().admin.advance(3 * 24 * 3600);
    const expected = new Date(now).toUTCString();
    await emulator().admin.setFaults({ rate: 1, kinds: ["429"], limit: 1 });
    const limited = await api(emulator()).get("/v1/datastores");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("date")).toBe(expected);
    const tooLarge = await api(emulator()).call("POST", "/v1/datastores", "x".repeat(2 * 1024 * 1024));
    expect(tooLarge.status).toBe(413);
    expect(tooLarge.headers.get("date")).toBe(expected);
    const malformed = await rawExchange(emulator(), "THIS IS NOT HTTP\r\n\r\n");
    expect(malformed).toContain(`\r\ndate: ${expected}\r\n`);
  });
});

describe("a body over 1 MiB", () => {
  it("gets a 413 that a client still sending sees (undici fetch, a trickled 10 MiB body, 3 times)", async () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const response = await fetch(`${emulator().url}/v1/datastores`, {
        method: "POST",
        body: tricklingBody(40),
        duplex: "half",
        headers: { authorization: `Bearer ${emulator().apiKeys[0]}` },
      } as RequestInit);
      expect(response.status).toBe(413);
      expect(await response.json()).toEqual({ error: "body: larger than 1048576 bytes" });
    }
    expect((await emulator().admin.requests()).map((r) => r.status)).toEqual([413, 413, 413]);
    expect((await emulator().admin.state()).datastores).toEqual([]);
  });

  it("keeps the connection usable after a drained 413", async () => {
    const declared = 2 * 1024 * 1024;
    const answer = await rawExchange(
      emulator(),
      `POST /v1/datastores HTTP/1.1\r\nHost: x\r\nContent-Length: ${declared}\r\n\r\n${" ".repeat(declared)}` +
        `GET /v1/nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`,
    );
    // The second status line follows the first answer's body directly.
    const statuses = [...answer.matchAll(/HTTP\/1\.1 (\d{3}) /g)].map((match) => match[1]);
    expect(statuses).toEqual(["413", "404"]);
  });

  it("is answered 413 at once, without 100 Continue, when Expect: 100-continue declares it", async () => {
    const answer = await rawExchange(
      emulator(),
      "POST /v1/datastores HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 2000000\r\n\r\n",
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 Payload Too Large\r\n/);
    expect(answer).not.toContain("100 Continue");
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
    expect(answer.endsWith('{"error":"body: larger than 1048576 bytes"}')).toBe(true);
  });

  it("still invites a body within the limit with 100 Continue", async () => {
    const id = await seedActive(emulator());
    const body = JSON.stringify({ datastore_id: id, retention: 1 });
    const { hostname, port } = new URL(emulator().url);
    const answer = await new Promise<string>((resolve, reject) => {
      const socket = connect(Number(port), hostname, () =>
        socket.write(
          `POST /v1/backups HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${emulator().apiKeys[0]}\r\n` +
            `Connection: close\r\nExpect: 100-continue\r\nContent-Length: ${body.length}\r\n\r\n`,
        ),
      );
      let text = "";
      socket.setEncoding("utf8");
      socket.on("data", (chunk: string) => {
        if (text === "" && chunk.startsWith("HTTP/1.1 100 Continue")) socket.write(body);
        text += chunk;
      });
      socket.on("end", () => resolve(text));
      socket.on("error", reject);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 OK\r\n/);
  });

  it("is answered at once and the connection closed when it declares more than 64 MiB", async () => {
    const answer = await rawExchange(
      emulator(),
      `POST /v1/datastores HTTP/1.1\r\nHost: x\r\nContent-Length: ${100 * 1024 * 1024}\r\n\r\n`,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/\r\nconnection: close\r\n/i);
  });
});

describe("deeply nested bodies", () => {
  /** A config whose unknown field `deep` nests arrays so the whole body is `depth` levels deep. */
  function nested(depth: number): string {
    const config = JSON.stringify(datastoreConfig()).slice(0, -1);
    return `${config},"deep":${"[".repeat(depth - 1)}${"]".repeat(depth - 1)}}`;
  }

  it.each([101, 5000, 200_000])("answers %i levels with 400 and stores nothing", async (depth) => {
    const answer = await api(emulator()).call("POST", "/v1/datastores", nested(depth));
    expect(answer).toMatchObject({
      status: 400,
      body: { error: "body: nested deeper than 100 levels of arrays and objects" },
    });
    expect((await emulator().admin.state()).datastores).toEqual([]);
  });

  it("accepts 100 levels and answers them back unchanged", async () => {
    const answer = await api(emulator()).call("POST", "/v1/datastores", nested(100));
    expect(answer.status).toBe(200);
    expect(JSON.stringify(answer.body.config.deep)).toBe(`${"[".repeat(99)}${"]".repeat(99)}`);
  });

  it("does not count brackets inside strings", async () => {
    const name = `${"[{".repeat(200)}\\"${"}]".repeat(200)}`;
    const answer = await api(emulator()).call(
      "POST",
      "/v1/datastores",
      JSON.stringify(datastoreConfig()).replace('"name":"cache"', `"name":"${name}"`),
    );
    expect(answer.status).toBe(200);
    expect(answer.body.config.name).toBe(JSON.parse(`"${name}"`));
  });

  it("answers an admin body nested too deep with 400 as well", async () => {
    const response = await fetch(`${emulator().url}/_emulator/durations`, {
      method: "PUT",
      headers: { authorization: `Bearer ${emulator().adminToken}` },
      body: `{"backup":1,"x":${"[".repeat(10_000)}${"]".repeat(10_000)}}`,
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: "body: nested deeper than 100 levels of arrays and objects",
    });
  });
});
