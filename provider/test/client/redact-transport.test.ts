/**
 * The key never leaves the client in an error or a progress line, whatever a server echoes: a real
 * undici transport against a loopback server that puts the request's Authorization header into its
 * error bodies in every spelling (as given, percent- and form-encoded, base64 of the whole header).
 * Also: a long body is redacted before it is shortened, so a key cut in half by the shortening does
 * not leak its first half; and the retry lines runtime.ts builds for the engine are clean.
 */
import { afterEach, describe, expect, it } from "vitest";
import { REDACTED } from "../../src/client/redact";
import type { RetryEvent } from "../../src/client/retry";
import { createClient } from "../../src/host/api-client";
import { connect, disconnectAll } from "./support/harness";
import { type Script, startScriptedServer } from "./support/scripted-server";

afterEach(disconnectAll);

/** A key with characters that every encoding spells differently. */
const KEY = "dragonflydb_s3cr3t/echo+Key=42~!(x)&%y?>>";

/** Every spelling a server could echo; independent of redact.ts. */
function spellingsOf(key: string): string[] {
  const header = `Bearer ${key}`;
  return [
    key,
    encodeURIComponent(key),
    new URLSearchParams({ k: key }).toString().slice(2),
    Buffer.from(key).toString("base64"),
    Buffer.from(key).toString("base64url"),
    // The characters of base64(header) that encode the key alone: its bits start at bit 8 × 7.
    Buffer.from(header)
      .toString("base64")
      .slice(Math.ceil((8 * 7) / 6), Math.floor((8 * (7 + Buffer.byteLength(key))) / 6)),
  ];
}

/** The error bodies of a careless server: the Authorization header, echoed in every spelling. */
function echoed(authorization: string): string {
  const token = authorization.replace(/^Bearer /, "");
  return (
    `rejected authorization "${authorization}"; as a query: access_token=${new URLSearchParams({ t: token }).toString().slice(2)}` +
    `; encoded: ${encodeURIComponent(token)}; base64: ${Buffer.from(authorization).toString("base64")}` +
    `; token base64: ${Buffer.from(token).toString("base64")}`
  );
}

/** Every string an error exposes: message, stack, own fields, its cause and its JSON form. */
function everythingSaidBy(error: unknown): string {
  const fields = Object.values(error as object).filter((value) => typeof value === "string");
  const cause = (error as { cause?: unknown }).cause;
  return [
    (error as Error).message,
    (error as Error).stack,
    JSON.stringify(error),
    ...fields,
    cause ? everythingSaidBy(cause) : "",
  ].join("\n");
}

describe("an echoing server", () => {
  const echoing =
    (status: number, asJson: boolean): Script =>
    (request) => {
      const text = echoed(String(request.headers.authorization));
      return asJson ? { status, json: { error: text } } : { status, text: `<pre>${text}</pre>` };
    };

  it.each([
    [401, true],
    [409, true],
    [502, false],
  ])("a %i answer (JSON: %s) yields an error without the key in any spelling", async (status, asJson) => {
    const { client } = await connect(echoing(status, asJson), { apiKey: KEY, retry: { maxAttempts: 1 } });
    const error = await client.getDatastore("dst_x").catch((caught: unknown) => caught);
    const said = everythingSaidBy(error);
    for (const spelling of spellingsOf(KEY)) expect(said).not.toContain(spelling);
    expect((error as Error).message).toContain(`rejected authorization "Bearer ${REDACTED}"`);
  });

  it("a long plain-text body is redacted before it is shortened: no half of the key survives the cut", async () => {
    // The key straddles the 500th character, where the quoted body is cut.
    const script: Script = () => ({ status: 502, text: `${"x".repeat(490)}${KEY} more` });
    const { client } = await connect(script, { apiKey: KEY, retry: { maxAttempts: 1 } });
    const error = await client.getDatastore("dst_x").catch((caught: unknown) => caught);
    const message = (error as { serverMessage: string }).serverMessage;
    // 490 x, then the first 10 characters of "[REDACTED]" (exactly all of it), then the ellipsis.
    expect(message).toBe(`${"x".repeat(490)}${REDACTED}…`);
    expect(message).not.toContain(KEY.slice(0, 8));
  });

  it("retry events and the progress lines runtime.ts builds from them are free of the key", async () => {
    const events: RetryEvent[] = [];
    let calls = 0;
    const script: Script = (request) =>
      ++calls < 3
        ? { status: 503, json: { error: echoed(String(request.headers.authorization)) } }
        : { status: 200, json: [] };
    const { client } = await connect(script, {
      apiKey: KEY,
      onRetry: (event) => events.push(event),
      retry: { baseDelayMs: 0, maxDelayMs: 0 },
    });
    await client.listDatastores();
    expect(events).toHaveLength(2);
    for (const event of events) {
      for (const spelling of spellingsOf(KEY)) expect(everythingSaidBy(event.error)).not.toContain(spelling);
    }

    // The same through the provider host's client, whose retry lines go to the engine's output.
    const server = await startScriptedServer((request, index) =>
      index < 2
        ? { status: 503, json: { error: echoed(String(request.headers.authorization)) } }
        : { status: 200, json: [] },
    );
    const lines: string[] = [];
    const runtimeClient = createClient({ apiKey: KEY, apiUrl: server.url }, (line) => lines.push(line));
    try {
      await runtimeClient.listDatastores();
    } finally {
      await runtimeClient.close();
      await server.close();
    }
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatch(
      /^retrying GET \/v1\/datastores in \d+\.\d s: GET \/v1\/datastores failed with 503/,
    );
    expect(lines[0]).toContain(`rejected authorization "Bearer ${REDACTED}"`);
    for (const spelling of spellingsOf(KEY)) expect(lines.join("\n")).not.toContain(spelling);
  });
});
