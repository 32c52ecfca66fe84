/** HTTP plumbing shared by the public and admin APIs: bodies, answers, routing, bearer tokens. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { MAX_BODY_BYTES, MAX_DRAINED_BODY_BYTES, MAX_JSON_DEPTH } from "./modelled.ts";

/** An answer: status, JSON body, extra headers. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Readonly<Record<string, string>>;
}

/** A 200 answer with `body`. */
export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** The `{"error"}` answer of an {@link ApiError}. */
export function errorReply(error: ApiError): Reply {
  return { status: error.status, body: { error: error.message }, headers: error.headers };
}

/** Thrown by {@link readBody} for a body over {@link MAX_BODY_BYTES}. */
export class BodyTooLargeError extends Error {
  /**
   * True when the whole body was read (and thrown away), so the client has finished sending and
   * sees the answer; false when reading stopped early and the connection must be closed.
   */
  readonly drained: boolean;

  constructor(drained: boolean) {
    super(`body: larger than ${MAX_BODY_BYTES} bytes`);
    this.name = "BodyTooLargeError";
    this.drained = drained;
  }
}

/**
 * Reads the request body, up to {@link MAX_BODY_BYTES}. A longer body is read to its end and thrown
 * away, up to {@link MAX_DRAINED_BODY_BYTES}, before rejecting with a drained
 * {@link BodyTooLargeError}: answering while the client is still sending would make it see a reset
 * instead of the `413`. It rejects at once, without reading, when the declared length is
 * over the drain limit, or over the body limit with `Expect: 100-continue` (the client has not sent
 * the body and waits for an answer).
 */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? 0);
  const expectsContinue = /\b100-continue\b/i.test(request.headers.expect ?? "");
  if (declared > MAX_DRAINED_BODY_BYTES || (declared > MAX_BODY_BYTES && expectsContinue)) {
    return Promise.reject(new BodyTooLargeError(false));
  }
  return new Promise((resolve, reject) => {
    let chunks: Buffer[] = [];
    let received = 0;
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_DRAINED_BODY_BYTES) {
        request.pause();
        request.off("data", onData);
        reject(new BodyTooLargeError(false));
      } else if (received > MAX_BODY_BYTES) {
        chunks = [];
      } else {
        chunks.push(chunk);
      }
    };
    request.on("data", onData);
    request.on("end", () => {
      if (received > MAX_BODY_BYTES) reject(new BodyTooLargeError(true));
      else resolve(Buffer.concat(chunks));
    });
    request.on("error", reject);
    // A client that goes away mid-body may not cause an "error"; never leave the promise pending.
    request.on("close", () => {
      if (!request.complete) reject(new Error("the client closed the connection before the body ended"));
    });
  });
}

/**
 * Parses a request body as JSON; `400` naming `body` when it is not JSON or nests arrays and objects
 * deeper than {@link MAX_JSON_DEPTH}. `JSON.parse` itself copes with any depth, but copying or
 * answering a deep value recurses and overflowed the stack (a 500), so the depth is counted
 * on the text, without recursion, before anything walks the value.
 */
export function parseJsonBody(body: Buffer): JsonValue {
  const text = body.toString("utf8");
  if (text.trim() === "") throw badRequest("body: must be a JSON object, got an empty body");
  let value: JsonValue;
  try {
    value = JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(`body: invalid JSON (${(error as Error).message})`);
  }
  if (jsonDepth(text) > MAX_JSON_DEPTH) {
    throw badRequest(`body: nested deeper than ${MAX_JSON_DEPTH} levels of arrays and objects`);
  }
  return value;
}

/** The deepest nesting of arrays and objects in the valid JSON `text` (brackets inside strings do not count). */
export function jsonDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const char = text.charCodeAt(index);
    if (inString) {
      if (char === BACKSLASH) index++;
      else if (char === QUOTE) inString = false;
    } else if (char === QUOTE) {
      inString = true;
    } else if (char === OPEN_BRACE || char === OPEN_BRACKET) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (char === CLOSE_BRACE || char === CLOSE_BRACKET) {
      depth--;
    }
  }
  return deepest;
}

const BACKSLASH = 0x5c;
const QUOTE = 0x22;
const OPEN_BRACE = 0x7b;
const CLOSE_BRACE = 0x7d;
const OPEN_BRACKET = 0x5b;
const CLOSE_BRACKET = 0x5d;

/** Options of {@link sendReply}. */
export interface SendOptions {
  /** Emulator time of the answer, Unix ms: sent as the `Date` header (RFC 9110 §6.6.1, IMF-fixdate). */
  now: number;
  /** Ask the client not to reuse the connection, and close it. Default false. */
  close?: boolean;
}

/**
 * Writes `reply` as JSON unless the client is gone, with the emulator's clock, not Node's, in the
 * `Date` header: a client that judges time by the API's clock must see the emulated time.
 */
export function sendReply(response: ServerResponse, reply: Reply, options: SendOptions): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(reply.body ?? null);
  response.writeHead(reply.status, {
    ...reply.headers,
    date: httpDate(options.now),
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...(options.close ? { connection: "close" } : {}),
  });
  response.end(text);
}

/** `ms` (Unix ms) as an HTTP date, IMF-fixdate, e.g. `Mon, 05 Jan 2026 10:30:00 GMT` (RFC 9110 §5.6.7). */
export function httpDate(ms: number): string {
  return new Date(ms).toUTCString();
}

/** The token of an `Authorization: Bearer <token>` header, or undefined. */
export function bearerToken(request: IncomingMessage): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? "");
  return match?.[1];
}

/** A route: path pattern segments (`:name` captures one segment) and a handler per method. */
export interface Route<Context> {
  pattern: readonly string[];
  methods: Readonly<Record<string, (context: Context, params: Readonly<Record<string, string>>) => Reply>>;
}

/** The route and its captured parameters, or why none answers. */
export type RouteMatch<Context> =
  | { route: Route<Context>; handler: Route<Context>["methods"][string]; params: Record<string, string> }
  | { error: ApiError };

/**
 * Finds the handler of `method` on `pathname`: `404 not found: <METHOD> <path>` for an unknown path,
 * `405` (with `Allow`) for a known path and another method, `400` for bad percent-encoding.
 */
export function matchRoute<Context>(
  routes: readonly Route<Context>[],
  method: string,
  pathname: string,
): RouteMatch<Context> {
  let segments: string[];
  try {
    segments = pathname.split("/").slice(1).map(decodeURIComponent);
  } catch {
    return { error: badRequest(`path: invalid percent-encoding in ${pathname}`) };
  }
  for (const route of routes) {
    const params = matchSegments(route.pattern, segments);
    if (!params) continue;
    const handler = route.methods[method];
    if (handler) return { route, handler, params };
    const allow = Object.keys(route.methods).join(", ");
    return { error: new ApiError(405, `method not allowed: ${method} ${pathname}`, { allow }) };
  }
  return { error: new ApiError(404, `not found: ${method} ${pathname}`) };
}

function matchSegments(
  pattern: readonly string[],
  segments: readonly string[],
): Record<string, string> | undefined {
  if (pattern.length !== segments.length) return undefined;
  const params: Record<string, string> = {};
  for (const [index, part] of pattern.entries()) {
    const segment = segments[index] ?? "";
    if (part.startsWith(":")) {
      if (segment === "") return undefined;
      params[part.slice(1)] = segment;
    } else if (part !== segment) {
      return undefined;
    }
  }
  return params;
}
