/**
 * The Redis protocol (RESP) on the data plane's side: reading commands as Redis 7.2 reads them
 * (multibulk arrays of bulk strings, or inline lines; networking.c, processMultibulkBuffer and
 * processInlineBuffer) and writing replies in RESP2, or RESP3 after `HELLO 3`. Every string is a
 * byte string (one character per byte, see keyspace.ts).
 */

/** A reply, before it is written in the connection's protocol version. */
export type Reply =
  | { kind: "simple"; text: string }
  | { kind: "error"; text: string }
  | { kind: "integer"; value: number | bigint }
  | { kind: "bulk"; bytes: string }
  | { kind: "null" }
  | { kind: "double"; value: number }
  | { kind: "verbatim"; text: string }
  | { kind: "array"; items: readonly Reply[] }
  | { kind: "set"; items: readonly Reply[] }
  | { kind: "map"; entries: ReadonlyArray<readonly [Reply, Reply]> };

/** `+OK`. */
export const OK: Reply = { kind: "simple", text: "OK" };
/** The null reply: `$-1` in RESP2, `_` in RESP3. */
export const NULL: Reply = { kind: "null" };

/** A bulk string reply. */
export function bulk(bytes: string): Reply {
  return { kind: "bulk", bytes };
}

/** An integer reply. */
export function integer(value: number | bigint): Reply {
  return { kind: "integer", value };
}

/** An error reply: `text` starts with its code (`ERR`, `WRONGTYPE`, …). */
export function error(text: string): Reply {
  return { kind: "error", text };
}

/** An array reply. */
export function array(items: readonly Reply[]): Reply {
  return { kind: "array", items };
}

/**
 * `reply` on the wire in protocol `version` (2 or 3), as a byte string. RESP2 has no maps, sets,
 * doubles, verbatim strings or null: maps and sets are flat arrays, doubles and verbatim strings
 * bulk strings, null `$-1`. Error texts have CR and LF replaced by spaces, as Redis does for
 * errors that carry what the client sent.
 */
export function encode(reply: Reply, version: 2 | 3): string {
  switch (reply.kind) {
    case "simple":
      return `+${reply.text}\r\n`;
    case "error":
      return `-${reply.text.replace(/[\r\n]/g, " ")}\r\n`;
    case "integer":
      return `:${reply.value}\r\n`;
    case "bulk":
      return `$${reply.bytes.length}\r\n${reply.bytes}\r\n`;
    case "null":
      return version === 3 ? "_\r\n" : "$-1\r\n";
    case "double": {
      const text = formatDouble(reply.value);
      return version === 3 ? `,${text}\r\n` : `$${text.length}\r\n${text}\r\n`;
    }
    case "verbatim":
      return version === 3
        ? `=${reply.text.length + 4}\r\ntxt:${reply.text}\r\n`
        : `$${reply.text.length}\r\n${reply.text}\r\n`;
    case "array":
      return `*${reply.items.length}\r\n${reply.items.map((item) => encode(item, version)).join("")}`;
    case "set":
      return `${version === 3 ? "~" : "*"}${reply.items.length}\r\n${reply.items.map((item) => encode(item, version)).join("")}`;
    case "map": {
      const body = reply.entries
        .map(([key, value]) => encode(key, version) + encode(value, version))
        .join("");
      return version === 3
        ? `%${reply.entries.length}\r\n${body}`
        : `*${reply.entries.length * 2}\r\n${body}`;
    }
  }
}

/**
 * A double as Redis 7.2 prints it (util.c d2string): `inf`, `-inf`, `nan`, `0`/`-0`; an integral
 * value within ±2^62 as an integer; otherwise the shortest text that reads back as the same double
 * (fpconv_dtoa), in plain notation unless the exponent is large. Redis before 7.2 printed `%.17g`
 * (`0.10000000000000001` for 0.1).
 */
export function formatDouble(value: number): string {
  if (Number.isNaN(value)) return "nan";
  if (value === Number.POSITIVE_INFINITY) return "inf";
  if (value === Number.NEGATIVE_INFINITY) return "-inf";
  if (value === 0) return Object.is(value, -0) ? "-0" : "0";
  if (Number.isInteger(value) && Math.abs(value) <= 2 ** 62) return BigInt(value).toString();
  const negative = value < 0;
  const [mantissa = "", exponent = "0"] = Math.abs(value).toExponential().split("e");
  const digits = mantissa.replace(".", "");
  return (negative ? "-" : "") + emitDigits(digits, Number(exponent) - (digits.length - 1), negative);
}

/** fpconv_dtoa's emit_digits: `digits` × 10^`k` in plain or scientific notation. */
function emitDigits(digits: string, k: number, negative: boolean): string {
  const ndigits = digits.length;
  const exponent = Math.abs(k + ndigits - 1);
  if (k >= 0 && exponent < ndigits + 7) return digits + "0".repeat(k);
  if (k < 0 && (k > -7 || exponent < 4)) {
    const offset = ndigits - Math.abs(k);
    if (offset <= 0) return `0.${"0".repeat(-offset)}${digits}`;
    return `${digits.slice(0, offset)}.${digits.slice(offset)}`;
  }
  const shown = digits.slice(0, Math.min(ndigits, 18 - (negative ? 1 : 0)));
  const sign = k + ndigits - 1 < 0 ? "-" : "+";
  return `${shown[0]}${shown.length > 1 ? `.${shown.slice(1)}` : ""}e${sign}${exponent}`;
}

/** What {@link RespReader.next} found: a command, a protocol error (answer it, then close), or nothing yet. */
export type ReadResult = { argv: string[] } | { protocolError: string } | undefined;

/** Redis's limits (server.h, config.c): inline lines and count lines 64 KiB, bulk strings 512 MiB. */
const INLINE_MAX_BYTES = 64 * 1024;
const MAX_BULK_BYTES = 512 * 1024 * 1024;
const MAX_MULTIBULK_LENGTH = 2 ** 31 - 1;
/** Before AUTH Redis accepts at most 10 arguments and bulk strings of at most 16 KiB (CVE-2021-32675). */
const UNAUTHENTICATED_MAX_ARGS = 10;
const UNAUTHENTICATED_MAX_BULK = 16384;
const CR = 13;
const LF = 10;

/**
 * Reads commands from a connection's bytes, incrementally: a command split across packets is
 * completed by later ones, and a large bulk string is copied once, when all of it has arrived.
 */
export class RespReader {
  private buffer = Buffer.alloc(0);
  private position = 0;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  /** Bytes that must be available from `position` before parsing can move on. */
  private needed = 1;
  /** The command being read: its arguments so far, how many remain, and the length of the next one (-1: unknown). */
  private argv: string[] | null = null;
  private remaining = 0;
  private bulkLength = -1;

  /** Adds bytes received. */
  push(chunk: Buffer): void {
    this.pending.push(chunk);
    this.pendingBytes += chunk.length;
  }

  /**
   * The next complete command, a protocol error, or undefined until more bytes arrive.
   * `authRequired`: the client has not authenticated yet, so the unauthenticated limits apply.
   */
  next(authRequired: boolean): ReadResult {
    for (;;) {
      if (this.buffer.length - this.position + this.pendingBytes < this.needed) return undefined;
      this.absorb();
      const result =
        this.argv === null && this.buffer[this.position] !== 0x2a
          ? this.inline()
          : this.multibulk(authRequired);
      if (result === "more") return undefined;
      if (result === "empty") continue;
      return result;
    }
  }

  private absorb(): void {
    if (this.pending.length === 0) return;
    this.buffer = Buffer.concat([this.buffer.subarray(this.position), ...this.pending]);
    this.position = 0;
    this.pending = [];
    this.pendingBytes = 0;
  }

  private available(): number {
    return this.buffer.length - this.position;
  }

  private wait(bytes: number): "more" {
    this.needed = bytes;
    return "more";
  }

  private inline(): ReadResult | "more" | "empty" {
    const newline = this.buffer.indexOf(LF, this.position);
    if (newline < 0) {
      if (this.available() > INLINE_MAX_BYTES) return { protocolError: "too big inline request" };
      return this.wait(this.available() + 1);
    }
    let end = newline;
    if (end > this.position && this.buffer[end - 1] === CR) end--;
    const line = this.buffer.toString("latin1", this.position, end);
    this.position = newline + 1;
    this.needed = 1;
    const argv = splitArgs(line);
    if (argv === undefined) return { protocolError: "unbalanced quotes in request" };
    return argv.length === 0 ? "empty" : { argv };
  }

  private multibulk(authRequired: boolean): ReadResult | "more" | "empty" {
    if (this.argv === null) {
      const line = this.line("too big mbulk count string");
      if (typeof line !== "string") return line;
      const count = parseLongLong(line.slice(1));
      if (count === undefined || count > MAX_MULTIBULK_LENGTH)
        return { protocolError: "invalid multibulk length" };
      if (count > UNAUTHENTICATED_MAX_ARGS && authRequired)
        return { protocolError: "unauthenticated multibulk length" };
      if (count <= 0) return "empty";
      this.argv = [];
      this.remaining = Number(count);
    }
    while (this.remaining > 0) {
      if (this.bulkLength < 0) {
        const line = this.line("too big bulk count string");
        if (typeof line !== "string") return line;
        if (line[0] !== "$") return { protocolError: `expected '$', got '${line[0]}'` };
        const length = parseLongLong(line.slice(1));
        if (length === undefined || length < 0 || length > MAX_BULK_BYTES)
          return { protocolError: "invalid bulk length" };
        if (length > UNAUTHENTICATED_MAX_BULK && authRequired)
          return { protocolError: "unauthenticated bulk length" };
        this.bulkLength = Number(length);
      }
      // Redis skips the two bytes after a bulk string without looking at them.
      if (this.available() < this.bulkLength + 2) return this.wait(this.bulkLength + 2);
      this.argv.push(this.buffer.toString("latin1", this.position, this.position + this.bulkLength));
      this.position += this.bulkLength + 2;
      this.bulkLength = -1;
      this.remaining--;
    }
    this.needed = 1;
    const argv = this.argv;
    this.argv = null;
    return { argv };
  }

  /**
   * The line at `position` up to its CR (with one more byte after the CR, which Redis skips
   * without checking it is LF), the protocol error when none comes within 64 KiB, or "more".
   */
  private line(tooBig: string): string | ReadResult | "more" {
    const cr = this.buffer.indexOf(CR, this.position);
    if (cr < 0) {
      if (this.available() > INLINE_MAX_BYTES) return { protocolError: tooBig };
      return this.wait(this.available() + 1);
    }
    if (cr + 2 > this.buffer.length) return this.wait(cr + 2 - this.position);
    const line = this.buffer.toString("latin1", this.position, cr);
    this.position = cr + 2;
    this.needed = 1;
    return line;
  }
}

/**
 * A decimal integer as Redis's string2ll reads it: an optional `-`, no `+`, no leading zeros,
 * within a signed 64-bit integer; undefined otherwise.
 */
export function parseLongLong(text: string): bigint | undefined {
  if (!/^(0|-?[1-9][0-9]{0,19})$/.test(text)) return undefined;
  const value = BigInt(text);
  return value >= -(2n ** 63n) && value < 2n ** 63n ? value : undefined;
}

const SPACES = new Set([" ", "\n", "\r", "\t", "\v", "\f"]);
const ESCAPES: Readonly<Record<string, string>> = { n: "\n", r: "\r", t: "\t", b: "\b", a: "\x07" };

/**
 * An inline command line split into arguments as Redis's sdssplitargs does: blanks separate
 * arguments; `"…"` takes `\n \r \t \b \a \\ \" \xHH` escapes; `'…'` takes `\'`; a closing quote must
 * be followed by a blank or the end. Undefined for unbalanced quotes.
 */
export function splitArgs(line: string): string[] | undefined {
  const text = line.includes("\0") ? line.slice(0, line.indexOf("\0")) : line;
  const args: string[] = [];
  let i = 0;
  for (;;) {
    while (i < text.length && SPACES.has(text[i] ?? "")) i++;
    if (i >= text.length) return args;
    let current = "";
    let quote: '"' | "'" | undefined;
    for (;;) {
      const char = text[i];
      const next = text[i + 1];
      if (quote === '"') {
        if (char === "\\" && next === "x" && isHex(text[i + 2]) && isHex(text[i + 3])) {
          current += String.fromCharCode(Number.parseInt(text.slice(i + 2, i + 4), 16));
          i += 3;
        } else if (char === "\\" && next !== undefined) {
          current += ESCAPES[next] ?? next;
          i++;
        } else if (char === '"') {
          if (next !== undefined && !SPACES.has(next)) return undefined;
          i++;
          break;
        } else if (char === undefined) {
          return undefined;
        } else {
          current += char;
        }
      } else if (quote === "'") {
        if (char === "\\" && next === "'") {
          current += "'";
          i++;
        } else if (char === "'") {
          if (next !== undefined && !SPACES.has(next)) return undefined;
          i++;
          break;
        } else if (char === undefined) {
          return undefined;
        } else {
          current += char;
        }
      } else if (char === undefined || char === " " || char === "\n" || char === "\r" || char === "\t") {
        break;
      } else if (char === '"' || char === "'") {
        quote = char;
      } else {
        current += char;
      }
      i++;
    }
    args.push(current);
  }
}

function isHex(char: string | undefined): boolean {
  return char !== undefined && /^[0-9a-fA-F]$/.test(char);
}
