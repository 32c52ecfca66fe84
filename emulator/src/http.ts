/** HTTP plumbing shared by the public and admin APIs: bodies, answers, routing, bearer tokens. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError, badRequest } from "./errors.ts";
import type { JsonValue } from "./json.ts";
import { MAX_BODY_BYTES } from "./modelled.ts";

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

/** Thrown by {@link readBody} for a body over the limit. */
export class BodyTooLargeError extends Error {}

/**
 * Reads the request body, up to {@link MAX_BODY_BYTES}. Rejects with {@link BodyTooLargeError} as
 * soon as the declared or received length exceeds it, without reading the rest.
 */
export function readBody(request: IncomingMessage): Promise<Buffer> {
  const declared = Number(request.headers["content-length"] ?? 0);
  if (declared > MAX_BODY_BYTES) return Promise.reject(new BodyTooLargeError());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let received = 0;
    request.on("data", (chunk: Buffer) => {
      received += chunk.length;
      if (received > MAX_BODY_BYTES) {
        request.pause();
        request.removeAllListeners("data");
        reject(new BodyTooLargeError());
        return;
      }
      chunks.push(chunk);
    });
    request.on("end", () => resolve(Buffer.concat(chunks)));
    request.on("error", reject);
    // A client that goes away mid-body may not cause an "error"; never leave the promise pending.
    request.on("close", () => {
      if (!request.complete) reject(new Error("the client closed the connection before the body ended"));
    });
  });
}

/** Parses a request body as JSON; `400` naming `body` when it is not. */
export function parseJsonBody(body: Buffer): JsonValue {
  const text = body.toString("utf8");
  if (text.trim() === "") throw badRequest("body: must be a JSON object, got an empty body");
  try {
    return JSON.parse(text) as JsonValue;
  } catch (error) {
    throw badRequest(`body: invalid JSON (${(error as Error).message})`);
  }
}

/** Writes `reply` as JSON unless the client is gone. `close` asks the client not to reuse the connection. */
export function sendReply(response: ServerResponse, reply: Reply, close = false): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(reply.body ?? null);
  response.writeHead(reply.status, {
    ...reply.headers,
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(text),
    ...(close ? { connection: "close" } : {}),
  });
  response.end(text);
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
