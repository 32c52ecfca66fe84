/**
 * The HTTP server: reads each request (at most 1 MiB), brings the world up to the clock's now, then
 * answers from the public API (`/v1`, with fault injection and the request log) or the admin API
 * (`/_emulator`). Every answer is JSON and carries the emulator's clock in its `Date` header; no
 * input can crash it or leave a request hanging.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import {
  createServer,
  type IncomingMessage,
  type Server,
  type ServerResponse,
  STATUS_CODES,
} from "node:http";
import type { Socket } from "node:net";
import { setTimeout as delay } from "node:timers/promises";
import { type AdminContext, adminRoutes } from "./adminApi.ts";
import type { EmulatorClock } from "./clock.ts";
import type { DataPlane } from "./dataPlane.ts";
import { ApiError } from "./errors.ts";
import type { FaultInjector, FaultKind, InjectedFault } from "./faults.ts";
import {
  BodyTooLargeError,
  bearerToken,
  errorReply,
  httpDate,
  matchRoute,
  parseJsonBody,
  type Reply,
  type Route,
  readBody,
  sendReply,
} from "./http.ts";
import { ADMIN_UNAUTHORIZED_MESSAGE, MAX_BODY_BYTES, UNAUTHORIZED_MESSAGE } from "./modelled.ts";
import { saveState } from "./persistence.ts";
import type { PublicContext } from "./publicApi.ts";
import type { RequestLog, RequestLogEntry } from "./requestLog.ts";
import type { Durations } from "./types.ts";
import type { World } from "./world.ts";

/** Everything the server works on. */
export interface EmulatorCore {
  world: World;
  clock: EmulatorClock;
  faults: FaultInjector;
  log: RequestLog;
  initialDurations: Durations;
  adminToken: string;
  /** Where to save the state after each change; in memory only when undefined. */
  statePath: string | undefined;
  /** The `/v1` routes served (see publicApi.ts, `publicRoutesFor`). */
  publicRoutes: readonly Route<PublicContext>[];
  /** Echo the request's `Authorization` header in every `/v1` error answer (see {@link withEchoedAuthorization}). */
  echoAuthorization: boolean;
  /** The datastores' RESP listeners, kept in step with the world after every change. */
  dataPlane: DataPlane;
}

/** The server and a way to cut short `latency` faults still waiting when it closes. */
export interface EmulatorServer {
  server: Server;
  /** Aborts every pending `latency` delay (their sockets are closed anyway). */
  abortDelays: () => void;
}

/** Creates (does not start) the HTTP server of `core`. */
export function createEmulatorServer(core: EmulatorCore): EmulatorServer {
  const delays = new AbortController();
  const onRequest = (request: IncomingMessage, response: ServerResponse) => {
    handle(core, request, response, delays.signal).catch((error: unknown) => {
      reportInternalError(error);
      sendReply(response, internalErrorReply(error), { now: core.clock.now() });
    });
  };
  const server = createServer(onRequest);
  // `Expect: 100-continue`: the body is invited only when it may be accepted; a declared length over
  // the limit is answered 413 at once (readBody), and the client never sends the body.
  server.on("checkContinue", (request: IncomingMessage, response: ServerResponse) => {
    if (!(Number(request.headers["content-length"] ?? 0) > MAX_BODY_BYTES)) response.writeContinue();
    onRequest(request, response);
  });
  server.on("clientError", (error: NodeJS.ErrnoException, socket: Socket) =>
    answerMalformedRequest(error, socket, core.clock.now()),
  );
  return { server, abortDelays: () => delays.abort() };
}

/** Saves the state file when the world changed since the last save. Errors go to stderr. */
export function persist(core: EmulatorCore): void {
  if (core.statePath === undefined || !core.world.dirty) return;
  try {
    saveState(core.statePath, core.world, core.clock);
    core.world.dirty = false;
  } catch (error) {
    process.stderr.write(`dfcloud-emulator: could not save state to ${core.statePath}: ${String(error)}\n`);
  }
}

async function handle(
  core: EmulatorCore,
  request: IncomingMessage,
  response: ServerResponse,
  shutdown: AbortSignal,
): Promise<void> {
  const realTime = Date.now();
  const method = request.method ?? "GET";
  const { pathname, search } = splitTarget(request.url ?? "/");
  const area = areaOf(pathname);
  const logEntry = (status: RequestLogEntry["status"], fault?: FaultKind) => {
    if (area !== "public") return;
    core.log.add(newLogEntry(core, request, pathname + search, status, realTime, fault));
  };

  let body: Buffer;
  try {
    body = await readBody(request);
  } catch (error) {
    if (!(error instanceof BodyTooLargeError)) {
      // The client went away mid-body: there is nobody to answer.
      request.socket.destroy();
      return;
    }
    // A drained body leaves the connection clean; otherwise unread bytes may follow: close it.
    const reply = publicReply(core, request, area, errorReply(new ApiError(413, error.message)));
    sendReply(response, reply, { now: core.clock.now(), close: !error.drained });
    logEntry(reply.status);
    return;
  }
  core.world.advanceTo(core.clock.now());
  // Datastores that became active by now listen before anything answers with their `addr`.
  await core.dataPlane.reconcile();

  if (area === "admin") {
    const reply = dispatch(adminRoutes, method, pathname, () => adminContext(core, request, body));
    await core.dataPlane.reconcile();
    sendReply(response, reply, { now: core.clock.now() });
    persist(core);
    return;
  }
  if (area === "other") {
    sendReply(response, errorReply(new ApiError(404, `not found: ${method} ${pathname}`)), {
      now: core.clock.now(),
    });
    return;
  }
  await answerPublic(core, { request, response, method, pathname, search, body, shutdown }, logEntry);
}

interface PublicCall {
  request: IncomingMessage;
  response: ServerResponse;
  method: string;
  pathname: string;
  search: string;
  body: Buffer;
  shutdown: AbortSignal;
}

/**
 * A `/v1` call with its fault, if one is drawn (the doc, "Fault kinds"): 429 and 503 answer before
 * handling; 500 after handling; `drop` handles and then destroys the socket without an answer;
 * `latency` handles and delays the answer.
 */
async function answerPublic(
  core: EmulatorCore,
  call: PublicCall,
  logEntry: (status: RequestLogEntry["status"], fault?: FaultKind) => void,
): Promise<void> {
  const fault = core.faults.decide(call.method, call.pathname);
  if (fault?.kind === "429" || fault?.kind === "503") {
    const reply = injectedBeforeHandling(fault);
    logEntry(reply.status, fault.kind);
    sendReply(call.response, publicReply(core, call.request, "public", reply), { now: core.clock.now() });
    return;
  }
  let reply = dispatch(core.publicRoutes, call.method, call.pathname, () => publicContext(core, call));
  // A deleted datastore stops listening and a restore drops connections before the answer goes out.
  await core.dataPlane.reconcile();
  persist(core);
  if (fault?.kind === "drop") {
    logEntry("dropped", fault.kind);
    call.request.socket.destroy();
    return;
  }
  if (fault?.kind === "500") reply = { status: 500, body: { error: "internal server error" } };
  // Logged before a latency delay, so the log shows the request even if the client gives up waiting.
  logEntry(reply.status, fault?.kind);
  if (fault?.kind === "latency") {
    await delay(fault.latencyMs, undefined, { signal: call.shutdown }).catch(() => {});
  }
  sendReply(call.response, publicReply(core, call.request, "public", reply), { now: core.clock.now() });
}

/** `reply` as a `/v1` answer goes out: with the Authorization header echoed when the emulator is told to. */
function publicReply(core: EmulatorCore, request: IncomingMessage, area: string, reply: Reply): Reply {
  return core.echoAuthorization && area === "public" ? withEchoedAuthorization(request, reply) : reply;
}

/**
 * An error answer whose `error` ends with the request's `Authorization` header in the spellings a
 * careless server, proxy or debug page shows it: as sent, its token as a form-encoded query value
 * and percent-encoded, and base64 of both (the token also in the URL-safe alphabet). Answers below
 * 400 are returned unchanged.
 */
function withEchoedAuthorization(request: IncomingMessage, reply: Reply): Reply {
  if (reply.status < 400) return reply;
  const header = request.headers.authorization ?? "";
  const token = header.replace(/^Bearer\s+/i, "");
  const echo =
    `request authorization: "${header}"; as a query: access_token=${new URLSearchParams({ t: token }).toString().slice(2)}` +
    `; percent-encoded: ${encodeURIComponent(token)}; base64 of the header: ${Buffer.from(header).toString("base64")}` +
    `; base64 of the token: ${Buffer.from(token).toString("base64")} (URL-safe: ${Buffer.from(token).toString("base64url")})`;
  const body = (reply.body ?? {}) as { error?: unknown };
  return { ...reply, body: { ...body, error: `${String(body.error ?? "")} (${echo})` } };
}

function injectedBeforeHandling(fault: InjectedFault): Reply {
  if (fault.kind === "429") {
    return {
      status: 429,
      body: { error: "too many requests: rate limit exceeded" },
      headers: { "retry-after": String(fault.retryAfterSeconds) },
    };
  }
  return { status: 503, body: { error: "service unavailable" } };
}

/**
 * Runs the handler `routes` has for `method` and `pathname`. The context is built (and the caller
 * authenticated) only once the route is known, so an unknown path is `404` with or without a key.
 */
function dispatch<Context>(
  routes: readonly Route<Context>[],
  method: string,
  pathname: string,
  makeContext: () => Context,
): Reply {
  try {
    const match = matchRoute(routes, method, pathname);
    if ("error" in match) return errorReply(match.error);
    return match.handler(makeContext(), match.params);
  } catch (error) {
    if (error instanceof ApiError) return errorReply(error);
    reportInternalError(error);
    return internalErrorReply(error);
  }
}

function publicContext(core: EmulatorCore, call: PublicCall): PublicContext {
  const apiKey = bearerToken(call.request);
  if (apiKey === undefined || !core.world.apiKeys.has(apiKey)) throw new ApiError(401, UNAUTHORIZED_MESSAGE);
  return {
    world: core.world,
    apiKey,
    body: () => parseJsonBody(call.body),
    query: new URLSearchParams(call.search),
    idempotencyKey: headerValue(call.request, "idempotency-key"),
  };
}

function adminContext(core: EmulatorCore, request: IncomingMessage, body: Buffer): AdminContext {
  const token = bearerToken(request);
  if (token === undefined || !sameSecret(token, core.adminToken))
    throw new ApiError(401, ADMIN_UNAUTHORIZED_MESSAGE);
  return { ...core, body: () => parseJsonBody(body) };
}

/** Compares secrets in constant time (hashing first makes the lengths equal). */
function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash("sha256").update(text).digest();
  return timingSafeEqual(digest(given), digest(expected));
}

function headerValue(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function newLogEntry(
  core: EmulatorCore,
  request: IncomingMessage,
  path: string,
  status: RequestLogEntry["status"],
  realTime: number,
  fault: FaultKind | undefined,
): RequestLogEntry {
  const idempotencyKey = headerValue(request, "idempotency-key");
  return {
    method: request.method ?? "GET",
    path,
    status,
    time: core.world.now,
    realTime,
    ...(fault === undefined ? {} : { fault }),
    ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
  };
}

/** Splits a request target into path and query (`?…`, or ""); keeps `//x` a path, not a host. */
function splitTarget(target: string): { pathname: string; search: string } {
  const query = target.indexOf("?");
  return query < 0
    ? { pathname: target, search: "" }
    : { pathname: target.slice(0, query), search: target.slice(query) };
}

function areaOf(pathname: string): "public" | "admin" | "other" {
  if (pathname === "/v1" || pathname.startsWith("/v1/")) return "public";
  if (pathname === "/_emulator" || pathname.startsWith("/_emulator/")) return "admin";
  return "other";
}

function internalErrorReply(error: unknown): Reply {
  return {
    status: 500,
    body: { error: `internal error: ${error instanceof Error ? error.message : String(error)}` },
  };
}

function reportInternalError(error: unknown): void {
  process.stderr.write(
    `dfcloud-emulator: internal error: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
}

/** Answers a request Node could not even parse (bad request line, huge headers) and closes. `now`: emulator time, Unix ms. */
function answerMalformedRequest(error: NodeJS.ErrnoException, socket: Socket, now: number): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : 400;
  const text = JSON.stringify({
    error: status === 431 ? "request headers too large" : "bad request: malformed HTTP",
  });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ndate: ${httpDate(now)}\r\n` +
      `content-type: application/json\r\ncontent-length: ${Buffer.byteLength(text)}\r\n` +
      `connection: close\r\n\r\n${text}`,
  );
}
