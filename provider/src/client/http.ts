import type { IncomingHttpHeaders } from "node:http";
// Only `Agent` and its `request` method: the native plugin's bundle serves these two from undici's own
// modules instead of its entry point, which loads all of undici (scripts/undici-parts.js).
import { Agent, type Dispatcher } from "undici";
import * as z from "../zod";
import {
  type ApiError,
  apiErrorFromResponse,
  CancelledError,
  ConnectionError,
  type RequestTarget,
  ResponseValidationError,
  TimeoutError,
} from "./errors";
import { currentOperation, throwIfCancelled } from "./operation";
import type { ResolvedOptions } from "./options";
import { redactSecret } from "./redact";
import { type Attempt, parseRetryAfterMs, type RetrySettings, withRetries } from "./retry";

/** The HTTP methods the API uses. */
export type HttpMethod = "GET" | "PUT" | "POST" | "DELETE";

/** Methods that are safe to repeat: a second GET, PUT of a whole config or DELETE changes nothing more. */
export type IdempotentMethod = Exclude<HttpMethod, "POST">;

/** One API call. */
export interface RequestSpec<M extends HttpMethod = HttpMethod> {
  readonly method: M;
  /** Path below the base URL, built with the `path` tag. */
  readonly path: string;
  /** Query parameters, encoded by the transport. */
  readonly query?: Readonly<Record<string, string>>;
  /** JSON body; sent with `Content-Type: application/json`. */
  readonly body?: unknown;
  /** Extra request headers (e.g. the idempotency key). */
  readonly headers?: Readonly<Record<string, string>>;
}

/** Longest part of a non-JSON error body quoted in a message, in characters. */
const MAX_QUOTED_BODY_CHARS = 500;

/** Error bodies are `{"error": "<message>"}` (docs/api-model.md "Transport"). */
const ErrorBodySchema = z.looseObject({ error: z.string() });

/**
 * Sends requests to one API endpoint with one key: sets the headers, applies the per-request timeout,
 * turns every failure into a {@link DfCloudError} free of the API key, and validates answers with zod.
 * Owns an undici `Agent` (its connection pool); call {@link HttpTransport.close} when done.
 */
export class HttpTransport {
  readonly #options: ResolvedOptions;
  // Created per instance, never at module scope: the Pulumi dynamic provider that uses this client is
  // serialised, and a live connection pool cannot be.
  readonly #dispatcher: Dispatcher = new Agent();
  /** The base URL's origin and its path (without a trailing slash), split once: requests take them apart. */
  readonly #origin: string;
  readonly #basePath: string;
  readonly #retrySettings: RetrySettings;
  #closing: Promise<void> | undefined;
  /** The API's clock as its last `Date` header told it, and the client's clock at that moment. */
  #lastServerDate: { serverMs: number; clientMs: number } | undefined;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    const base = new URL(options.baseUrl);
    this.#origin = base.origin;
    this.#basePath = base.pathname.replace(/\/+$/, "");
    this.#retrySettings = {
      policy: options.retryPolicy,
      clock: options.clock,
      random: options.random,
      onRetry: options.onRetry,
    };
  }

  /**
   * Sends an idempotent request, retrying it per the retry policy, and returns the body parsed by `schema`.
   * POST is not accepted here: repeating one can create twice (see createBackup).
   */
  request<S extends z.ZodType>(spec: RequestSpec<IdempotentMethod>, schema: S): Promise<z.output<S>> {
    return this.retrying(spec, () => this.send(spec, schema));
  }

  /** Sends `spec` once, without retries, and returns the body parsed by `schema`. */
  async send<S extends z.ZodType>(spec: RequestSpec, schema: S): Promise<z.output<S>> {
    const target = this.targetOf(spec);
    const answer = await this.#exchange(spec, target);
    if (answer.status < 200 || answer.status > 299) throw this.#apiError(target, answer);
    return parseBody(target, schema, answer.text);
  }

  /** Runs `attempt` under this client's retry policy (see {@link withRetries}). */
  retrying<T>(spec: RequestSpec, attempt: (context: Attempt) => Promise<T>): Promise<T> {
    return withRetries(this.targetOf(spec), attempt, this.#retrySettings);
  }

  /**
   * The API's current time in Unix milliseconds, from the `Date` header of its latest answer plus the
   * time passed since on the client's clock; undefined before any answer carried one. Expiry and
   * other server-side instants are judged on this clock, never on the local machine's, which may be
   * skewed (RFC 9110 §6.6.1: an origin server with a clock sends `Date` in every answer).
   */
  apiNow(): number | undefined {
    const last = this.#lastServerDate;
    return last === undefined ? undefined : last.serverMs + (this.#options.clock.now() - last.clientMs);
  }

  /** Closes the connection pool; requests in flight finish first. Calling it again is harmless. */
  close(): Promise<void> {
    // undici rejects a second close(); providers may close from both a `finally` and a cleanup hook.
    this.#closing ??= this.#dispatcher.close();
    return this.#closing;
  }

  async #exchange(spec: RequestSpec, target: RequestTarget): Promise<Answer> {
    const { apiKey, timeoutMs, userAgent } = this.#options;
    const doing = `${target.method} ${target.path}`;
    throwIfCancelled(doing);
    // One controller and one timer per request, both let go when it ends: AbortSignal.timeout and
    // AbortSignal.any would leave a signal, a timer and weak references behind for each request until
    // the timer fires or the garbage collector runs, the largest part of what a request allocated.
    const abort = new AbortController();
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      abort.abort();
    }, timeoutMs);
    const cancel = currentOperation().signal;
    const unfollow = cancel ? followCancellation(cancel, abort) : undefined;
    const hasBody = spec.body !== undefined;
    try {
      // The path goes out as built (ids encoded by the `path` tag), never re-parsed as a URL.
      const response = await this.#dispatcher.request({
        origin: this.#origin,
        path: `${this.#basePath}${pathWithQuery(spec)}`,
        method: spec.method,
        signal: abort.signal,
        headers: {
          authorization: `Bearer ${apiKey}`,
          accept: "application/json",
          "user-agent": userAgent,
          ...(hasBody ? { "content-type": "application/json" } : {}),
          ...spec.headers,
        },
        ...(hasBody ? { body: JSON.stringify(spec.body) } : {}),
      });
      // Read inside the try: the timeout covers the body, and a socket closed mid-body is a ConnectionError.
      const text = await response.body.text();
      this.#noteServerDate(response.headers.date);
      return { status: response.statusCode, headers: response.headers, text };
    } catch (error) {
      if (cancel?.aborted) throw new CancelledError(doing, cancel.reason);
      if (timedOut) throw new TimeoutError(target, timeoutMs);
      const { reason, code } = describeCause(error);
      throw new ConnectionError(target, redactSecret(reason, apiKey), code);
    } finally {
      clearTimeout(timer);
      unfollow?.();
    }
  }

  #noteServerDate(header: string | string[] | undefined): void {
    const value = Array.isArray(header) ? header[0] : header;
    const serverMs = value === undefined ? Number.NaN : Date.parse(value);
    if (!Number.isNaN(serverMs)) this.#lastServerDate = { serverMs, clientMs: this.#options.clock.now() };
  }

  #apiError(target: RequestTarget, answer: Answer): ApiError {
    const retryAfter = answer.headers["retry-after"];
    return apiErrorFromResponse({
      ...target,
      status: answer.status,
      serverMessage: serverMessageOf(answer.text, this.#options.apiKey),
      retryAfterMs: parseRetryAfterMs(
        Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
        this.#options.clock.now(),
      ),
    });
  }

  /** The method and path as errors and events show them; the key is removed in case a caller passed it as an id. */
  targetOf(spec: RequestSpec): RequestTarget {
    return { method: spec.method, path: redactSecret(pathWithQuery(spec), this.#options.apiKey) };
  }
}

/** The requests in flight under each cancellation signal (an operation's, or the provider's). */
const requestsUnder = new WeakMap<AbortSignal, Set<AbortController>>();

/**
 * Aborts `request` when `cancel` fires, until the returned function is called. One listener per
 * signal aborts every request under it: a listener added and removed per request cost more than the
 * request's own bookkeeping, on a signal that almost never fires.
 */
function followCancellation(cancel: AbortSignal, request: AbortController): () => void {
  let requests = requestsUnder.get(cancel);
  if (!requests) {
    const following = new Set<AbortController>();
    cancel.addEventListener("abort", () => {
      for (const each of following) each.abort(cancel.reason);
    });
    requestsUnder.set(cancel, following);
    requests = following;
  }
  const under = requests.add(request);
  return () => under.delete(request);
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingHttpHeaders;
  readonly text: string;
}

function pathWithQuery(spec: RequestSpec): string {
  const query = new URLSearchParams(spec.query).toString();
  return query === "" ? spec.path : `${spec.path}?${query}`;
}

/**
 * The server's message in an error body, free of the API key. The key is removed before a long body
 * is shortened: cutting first could leave the start of an echoed key that no longer matches whole.
 */
function serverMessageOf(text: string, apiKey: string): string {
  const parsed = ErrorBodySchema.safeParse(parseJson(text));
  if (parsed.success) return redactSecret(parsed.data.error, apiKey);
  const trimmed = redactSecret(text.trim(), apiKey);
  if (trimmed === "") return "(empty body)";
  return trimmed.length > MAX_QUOTED_BODY_CHARS ? `${trimmed.slice(0, MAX_QUOTED_BODY_CHARS)}…` : trimmed;
}

/** Parses JSON, answering undefined for text that is not JSON (callers validate the result anyway). */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function parseBody<S extends z.ZodType>(target: RequestTarget, schema: S, text: string): z.output<S> {
  const json = parseJson(text);
  if (json === undefined) {
    throw new ResponseValidationError(target, [{ path: "", message: "the body is not JSON" }]);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const [first, ...rest] = parsed.error.issues.map((issue) => ({
    path: formatIssuePath(issue.path),
    message: issue.message,
  }));
  // zod reports at least one issue on failure; the fallback only satisfies the type.
  throw new ResponseValidationError(target, [first ?? { path: "", message: "invalid" }, ...rest]);
}

/** `["config", "backup_policy", "hours", 0]` → `config.backup_policy.hours[0]`. */
export function formatIssuePath(segments: readonly PropertyKey[]): string {
  return segments.reduce<string>((built, segment) => {
    if (typeof segment === "number") return `${built}[${segment}]`;
    return built === "" ? String(segment) : `${built}.${String(segment)}`;
  }, "");
}

/** The message and code of a socket error; undici's connect failures can be an AggregateError with no message. */
function describeCause(error: unknown): { reason: string; code: string | undefined } {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  return {
    reason: message === "" ? "no answer" : message,
    code: typeof code === "string" ? code : undefined,
  };
}
