/**
 * redact.ts on its own: every spelling of a key a server or library could echo is removed — as given,
 * percent-encoded (upper- and lower-case hex), form-encoded, JSON-escaped, base64 alone and inside the
 * base64 of a longer text — plus any credential after `Bearer`/`Basic`; and redactError cleans an
 * error wherever the engine could show it (message, stack, reasons, causes).
 */
import { describe, expect, it } from "vitest";
import { REDACTED, redactError, redactSecret, redactSecrets, secretForms } from "../../src/client/redact";

/** A key with characters that every encoding spells differently. */
const KEY = "dragonflydb_s3cr3t/echo+Key=42~!(x)&%y?>>";

/** The spellings, computed here independently of redact.ts. */
const spellings = {
  "as given": KEY,
  encodeURIComponent: encodeURIComponent(KEY),
  "percent-encoded, lower-case hex": encodeURIComponent(KEY).replace(/%[0-9A-F]{2}/g, (e) => e.toLowerCase()),
  "form-encoded": new URLSearchParams({ k: KEY }).toString().slice(2),
  base64: Buffer.from(KEY).toString("base64"),
  base64url: Buffer.from(KEY).toString("base64url"),
};

describe("redactSecret", () => {
  it.each(Object.entries(spellings))("removes the key %s", (_name, spelling) => {
    const text = `upstream said: ${spelling} (end)`;
    expect(redactSecret(text, KEY)).toBe(`upstream said: ${REDACTED} (end)`);
  });

  it("the spellings of this key really differ, so each case above tests something", () => {
    expect(new Set(Object.values(spellings)).size).toBe(Object.keys(spellings).length);
    expect(secretForms(KEY)).toEqual(expect.arrayContaining(Object.values(spellings)));
  });

  it("removes the key from inside the base64 of a longer text, at every byte alignment", () => {
    for (const prefix of ["Bearer ", "user:", "x", "xy", "xyz"]) {
      const encoded = Buffer.from(`${prefix}${KEY}`).toString("base64");
      const redacted = redactSecret(`header was ${encoded}`, KEY);
      expect(redacted).toContain(REDACTED);
      // What is left of the encoding decodes to at most the prefix and a few bits of the key's ends.
      const left = redacted.replace("header was ", "").split(REDACTED).join("");
      expect(left.length).toBeLessThan(encoded.length - 40);
    }
  });

  it("removes any token after Bearer or Basic, even cut short or unknown, and leaves prose alone", () => {
    expect(redactSecret("authorization: Bearer dragonflydb_abcdef… (truncated)", KEY)).toBe(
      `authorization: Bearer ${REDACTED} (truncated)`,
    );
    expect(redactSecret("Authorization=Bearer%20otherkey123456", KEY)).toBe(
      `Authorization=Bearer%20${REDACTED}`,
    );
    expect(redactSecret("auth=Basic+dXNlcjpwYXNzd29yZA==", KEY)).toBe(`auth=Basic+${REDACTED}`);
    expect(redactSecret(`Bearer ${KEY}`, KEY)).toBe(`Bearer ${REDACTED}`);
    expect(redactSecret("a Bearer token is required", KEY)).toBe("a Bearer token is required");
  });

  it("removes a key with quotes and backslashes as a JSON string spells it", () => {
    const quoted = 'dragonflydb_q"uo\\te_0123';
    const escaped = JSON.stringify(quoted).slice(1, -1);
    expect(escaped).not.toBe(quoted);
    expect(redactSecret(`{"echo":"${escaped}"}`, quoted)).toBe(`{"echo":"${REDACTED}"}`);
  });

  it("removes every occurrence, and nothing when the secret is empty", () => {
    expect(redactSecret(`${KEY} and ${KEY}`, KEY)).toBe(`${REDACTED} and ${REDACTED}`);
    expect(redactSecret("nothing secret here", "")).toBe("nothing secret here");
  });

  it("does not blank out short fragments of a short key's encodings", () => {
    // "abc" in base64 is "YWJj": a four-letter fragment is not searched for, the key itself is.
    expect(redactSecret("abc YWJj", "abc")).toBe(`${REDACTED} YWJj`);
  });
});

describe("redactSecrets", () => {
  it("removes each of several keys, skipping unset ones", () => {
    expect(
      redactSecrets("one: k1-aaaaaaaa, two: k2-bbbbbbbb", ["k1-aaaaaaaa", undefined, "k2-bbbbbbbb"]),
    ).toBe(`one: ${REDACTED}, two: ${REDACTED}`);
  });
});

describe("redactError", () => {
  it("cleans message, stack, reasons and the cause chain in place", () => {
    const root = new Error(`socket said ${encodeURIComponent(KEY)}`);
    const middle = new Error(`GET failed: ${KEY}`, { cause: root });
    const outer = Object.assign(new Error(`create failed: ${KEY}`, { cause: middle }), {
      reasons: [`create failed: ${KEY}`],
    });
    const returned = redactError(outer, [KEY]);
    expect(returned).toBe(outer);
    const everything = [outer, middle, root]
      .flatMap((error) => [error.message, error.stack ?? ""])
      .concat(outer.reasons)
      .join("\n");
    for (const spelling of Object.values(spellings)) expect(everything).not.toContain(spelling);
    expect(outer.message).toBe(`create failed: ${REDACTED}`);
    expect(outer.reasons).toEqual([`create failed: ${REDACTED}`]);
    expect(root.message).toBe(`socket said ${REDACTED}`);
  });

  it("cleans the errors of an AggregateError, survives cycles and frozen errors, and passes strings and other values through", () => {
    const inner = new Error(`inner ${KEY}`);
    const aggregate = new AggregateError([inner], `outer ${KEY}`);
    const cyclic = new Error(`cyclic ${KEY}`) as Error & { cause?: unknown };
    cyclic.cause = cyclic;
    redactError(aggregate, [KEY]);
    redactError(cyclic, [KEY]);
    expect(inner.message).toBe(`inner ${REDACTED}`);
    expect(aggregate.message).toBe(`outer ${REDACTED}`);
    expect(cyclic.message).toBe(`cyclic ${REDACTED}`);
    expect(() => redactError(Object.freeze(new Error(KEY)), [KEY])).not.toThrow();
    expect(redactError(`thrown string ${KEY}`, [KEY])).toBe(`thrown string ${REDACTED}`);
    expect(redactError(42, [KEY])).toBe(42);
  });
});
