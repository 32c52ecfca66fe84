/**
 * Reading a datastore's data over its data plane: RESP (the Redis protocol) at the `addr` the API
 * returns, as user `default` with the datastore's `password` (docs: research §2.2). A restore drill
 * uses it to prove that a restore brought the data back, and a Restore to read and write the one
 * string key that tells whether its datastore was restored again since (its rerun marker); nothing
 * else in the client talks RESP.
 *
 * The Redis client (`@redis/client`) is loaded on the first use, not when this module loads: a
 * provider process that never drills never pays for it.
 *
 * The password is the one secret here. It is parsed from the datastore's answer into a closure, never
 * into a field of an object that could be logged, and everything thrown is redacted with it.
 */
import type { RedisClientOptions } from "@redis/client";
import * as z from "../zod";
import type { ClientContext } from "./context";
import {
  CancelledError,
  DataPlaneError,
  type DataPlaneFailure,
  InvalidArgumentError,
  readableDuration,
} from "./errors";
import { cancellableSleep, currentOperation, throwIfCancelled, withinOperation } from "./operation";
import { redactError } from "./redact";
import { endpoint, ROUTES } from "./routes";
import { POLL_FIRST_INTERVAL_MS, POLL_INTERVAL_GROWTH, POLL_MAX_INTERVAL_MS } from "./wait";

/** The user the datastore's `password` belongs to (research §2.2: the passkey of the `default` user). */
export const DATA_PLANE_USER = "default";

/** How long {@link readKeyspace} may take when the caller sets no `timeoutMs`: 5 minutes, waits through `LOADING` included. */
export const DEFAULT_READ_KEYSPACE_TIMEOUT_MS = 5 * 60 * 1000;

/**
 * How long {@link readDataPlaneString} or {@link writeDataPlaneString} may take when the caller sets
 * no `timeoutMs`: 5 minutes, as a keyspace read (a datastore that has just restored may answer
 * `LOADING` for a while).
 */
export const DEFAULT_DATA_PLANE_KEY_TIMEOUT_MS = DEFAULT_READ_KEYSPACE_TIMEOUT_MS;

/** Longest wait for the TCP (and TLS) connection to the data plane, in milliseconds. */
export const DATA_PLANE_CONNECT_TIMEOUT_MS = 10_000;

/** The longest delay `setTimeout` takes (about 24.8 days); a longer one would fire at once. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Keys asked about in one pipelined batch of `EXISTS` commands. */
export const EXISTS_BATCH_SIZE = 500;

/** What {@link readKeyspace} is asked. */
export interface ReadKeyspaceRequest {
  /** Keys the datastore should hold; each is checked with `EXISTS`. May be empty. */
  readonly expectKeys: readonly string[];
  /** Aborting it closes the connection at once and rejects with a CancelledError. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The whole read's budget in milliseconds, from the call: the datastore lookup, connecting, and
   * waiting while the server answers `LOADING`. Default {@link DEFAULT_READ_KEYSPACE_TIMEOUT_MS};
   * an enclosing operation's earlier deadline (see withinOperation) wins.
   */
  readonly timeoutMs?: number | undefined;
}

/** What {@link readDataPlaneString} is asked. */
export interface DataPlaneStringRequest {
  /** The key: a non-empty string. */
  readonly key: string;
  /** Aborting it closes the connection at once and rejects with a CancelledError. */
  readonly signal?: AbortSignal | undefined;
  /**
   * The whole call's budget in milliseconds, from the call: the datastore lookup, connecting, and
   * waiting while the server answers `LOADING`. Default {@link DEFAULT_DATA_PLANE_KEY_TIMEOUT_MS};
   * an enclosing operation's earlier deadline (see withinOperation) wins.
   */
  readonly timeoutMs?: number | undefined;
}

/** What {@link writeDataPlaneString} is asked: the key, and the string to set it to. */
export interface WriteDataPlaneStringRequest extends DataPlaneStringRequest {
  /** The value, stored as given (no expiry). */
  readonly value: string;
}

/** What a datastore's data plane showed. */
export interface KeyspaceReading {
  /** Keys in the datastore (`DBSIZE`). */
  readonly keys: number;
  /** The keys of `expectKeys` that `EXISTS` says are absent, in the order given (empty when all are there). */
  readonly missingKeys: string[];
  /** Where the data was read: the datastore's `addr`, `host:port`. */
  readonly address: string;
}

/**
 * How to reach a datastore's data plane, parsed from `GET /v1/datastores/{id}`. Only this module
 * parses `addr` and `password` (DatastoreSchema drops them). Read tolerantly: a datastore not yet
 * provisioned may have no `addr`, one with `disable_passkey` an empty `password`, and `tls` sent as
 * `null` or left out reads as false (research §2.3). The password comes out as a function, so the
 * parsed object shows no secret when logged or serialised.
 */
const DataPlaneAccessSchema = z
  .object({
    status: z.string(),
    addr: z.string().nullish(),
    password: z.string().nullish(),
    config: z
      .object({
        dragonfly: z.object({ tls: z.boolean().nullish() }).nullish(),
      })
      .nullish(),
  })
  .transform(({ status, addr, password, config }) => {
    const secret = password ?? "";
    return {
      status,
      address: addr ?? "",
      tls: config?.dragonfly?.tls === true,
      password: (): string => secret,
    };
  });

/** A datastore's data-plane access, as {@link DataPlaneAccessSchema} parses it. */
type DataPlaneAccess = z.output<typeof DataPlaneAccessSchema>;

/** The Redis client module, loaded on first use. */
type RedisModule = typeof import("@redis/client");

/**
 * Connects to the datastore's data plane and reports how many keys it holds (`DBSIZE`) and which of
 * `expectKeys` are absent (`EXISTS`, pipelined in batches). One connection, TLS when the datastore's
 * `config.dragonfly.tls` is true, `AUTH` as `default` unless the password is empty, no automatic
 * reconnect, closed before this returns or throws. While the server answers `LOADING` (a restore still
 * loading its dataset) it asks again after a pause on the client's clock (250 ms growing ×1.5 to 5 s)
 * until the budget runs out.
 * @throws DataPlaneError when the datastore has no address, or connecting, authenticating or reading fails
 * @throws CancelledError when `signal` (or the enclosing operation's) aborts
 * @throws NotFoundError and the other API errors of `GET /v1/datastores/{id}`
 * @throws InvalidArgumentError for an `expectKeys` that is not a list of strings, or a `timeoutMs` that is not positive
 */
export async function readKeyspace(
  context: ClientContext,
  datastoreId: string,
  request: ReadKeyspaceRequest,
): Promise<KeyspaceReading> {
  const { expectKeys } = request;
  // Keys come from Pulumi inputs at runtime, so the type is checked, not assumed.
  if (!Array.isArray(expectKeys) || !expectKeys.every((key) => typeof key === "string")) {
    throw new InvalidArgumentError("expectKeys must be a list of strings");
  }
  return onDataPlane(
    context,
    datastoreId,
    { ...request, timeoutMs: request.timeoutMs ?? DEFAULT_READ_KEYSPACE_TIMEOUT_MS },
    READING_THE_DATA,
    (client, address) => readWith(client, expectKeys, address),
  );
}

/**
 * Reads one string key of the datastore over its data plane (`GET`), connected as
 * {@link readKeyspace} is: one connection, TLS when `config.dragonfly.tls`, `AUTH` as `default`
 * unless the password is empty, waiting while the server answers `LOADING`, closed before this
 * returns or throws.
 * @returns the key's value; undefined when the datastore does not hold the key
 * @throws DataPlaneError when the datastore has no address, or connecting, authenticating or reading
 *   fails (a key of another type than string is a `command` failure: `WRONGTYPE …`)
 * @throws CancelledError when `signal` (or the enclosing operation's) aborts
 * @throws NotFoundError and the other API errors of `GET /v1/datastores/{id}`
 * @throws InvalidArgumentError for an empty key, or a `timeoutMs` that is not positive
 */
export async function readDataPlaneString(
  context: ClientContext,
  datastoreId: string,
  request: DataPlaneStringRequest,
): Promise<string | undefined> {
  const key = checkedKey(request.key);
  return onDataPlane(
    context,
    datastoreId,
    { ...request, timeoutMs: request.timeoutMs ?? DEFAULT_DATA_PLANE_KEY_TIMEOUT_MS },
    `Reading key ${JSON.stringify(key)} of`,
    async (client) => (await client.get(key)) ?? undefined,
  );
}

/**
 * Sets one string key of the datastore over its data plane (`SET key value`, no expiry, replacing
 * what the key held), connected as {@link readKeyspace} is. Not retried: a write whose answer was
 * lost is reported, and setting the same value again is the caller's to decide.
 * @throws DataPlaneError when the datastore has no address, or connecting, authenticating or writing fails
 * @throws CancelledError when `signal` (or the enclosing operation's) aborts
 * @throws NotFoundError and the other API errors of `GET /v1/datastores/{id}`
 * @throws InvalidArgumentError for an empty key, a value that is not a string, or a `timeoutMs` that is not positive
 */
export async function writeDataPlaneString(
  context: ClientContext,
  datastoreId: string,
  request: WriteDataPlaneStringRequest,
): Promise<void> {
  const key = checkedKey(request.key);
  const { value } = request;
  if (typeof value !== "string") throw new InvalidArgumentError("value must be a string");
  await onDataPlane(
    context,
    datastoreId,
    { ...request, timeoutMs: request.timeoutMs ?? DEFAULT_DATA_PLANE_KEY_TIMEOUT_MS },
    `Writing key ${JSON.stringify(key)} into`,
    async (client) => {
      await client.set(key, value);
    },
  );
}

/** The key of a string read or write, checked: keys come from Pulumi inputs at runtime. */
function checkedKey(key: unknown): string {
  if (typeof key !== "string" || key === "") throw new InvalidArgumentError("key must be a non-empty string");
  return key;
}

/**
 * What is done on a data plane, as its messages open before `datastore dst_x`, capitalised:
 * `Reading the data of`, {@link readKeyspace}'s (DataPlaneError's default).
 */
type DataPlaneAction = string;

/** The action of {@link readKeyspace}, whose messages say `Reading the data of datastore …`. */
const READING_THE_DATA: DataPlaneAction = "Reading the data of";

/** What one data-plane call does over its connection; `address` is the datastore's `addr`. */
type DataPlaneWork<T> = (client: ReturnType<typeof openClient>, address: string) => Promise<T>;

/**
 * Looks the datastore's data plane up (`GET /v1/datastores/{id}`) and runs `work` over one
 * connection to it, within one budget (`timeoutMs` from the call; an enclosing operation's earlier
 * deadline wins), cancelled by `signal`. The password is handed to `onSecretRead` and kept in a
 * closure; everything thrown is redacted with it.
 */
async function onDataPlane<T>(
  context: ClientContext,
  datastoreId: string,
  request: { readonly signal?: AbortSignal | undefined; readonly timeoutMs: number },
  action: DataPlaneAction,
  work: DataPlaneWork<T>,
): Promise<T> {
  const { signal, timeoutMs } = request;
  if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
    throw new InvalidArgumentError(`timeoutMs must be a positive number of milliseconds, got ${timeoutMs}`);
  }
  const startedAt = context.clock.now();
  const outer = currentOperation();
  const ownDeadline = startedAt + timeoutMs;
  // The enclosing operation's limit is named only when it is the one that ends this call.
  const limit = outer.deadlineMs !== undefined && outer.deadlineMs < ownDeadline ? outer.limit : undefined;
  return withinOperation({ deadlineMs: ownDeadline, signal }, async () => {
    throwIfCancelled(`${lowerFirst(action)} datastore ${datastoreId}`);
    const spec = endpoint(ROUTES.getDatastore, { datastoreId });
    const access = await context.transport.request(spec, DataPlaneAccessSchema);
    const password = access.password();
    if (password !== "") context.onSecretRead?.(password);
    return new DataPlaneSession(context, datastoreId, access, startedAt, limit, action).run(work);
  });
}

/** `Reading the data of` → `reading the data of`. */
function lowerFirst(words: string): string {
  return words.charAt(0).toLowerCase() + words.slice(1);
}

/** One call on one datastore's data plane: its connection, its budget and how it fails. */
class DataPlaneSession {
  readonly #context: ClientContext;
  readonly #datastoreId: string;
  readonly #access: DataPlaneAccess;
  readonly #startedAt: number;
  readonly #limit: string | undefined;
  readonly #action: DataPlaneAction;
  /** Set once the call is stopped from outside (cancelled, out of time): every later failure is this. */
  #stopped: Error | undefined;
  #client: ReturnType<typeof openClient> | undefined;
  /** The server's `LOADING` answer when it was the last thing heard, so a timeout can say so. */
  #loading: string | undefined;
  /** The connect timeout of the latest connection, for its message. */
  #connectTimeoutMs = DATA_PLANE_CONNECT_TIMEOUT_MS;

  constructor(
    context: ClientContext,
    datastoreId: string,
    access: DataPlaneAccess,
    startedAt: number,
    limit: string | undefined,
    action: DataPlaneAction,
  ) {
    this.#context = context;
    this.#datastoreId = datastoreId;
    this.#access = access;
    this.#startedAt = startedAt;
    this.#limit = limit;
    this.#action = action;
  }

  get #doing(): string {
    return `${lowerFirst(this.#action)} datastore ${this.#datastoreId} at ${this.#access.address}`;
  }

  async run<T>(work: DataPlaneWork<T>): Promise<T> {
    const { address } = this.#access;
    const hostPort = parseAddress(address);
    if (hostPort === undefined) {
      throw this.#fail(
        "no-address",
        address === ""
          ? `it has no address yet (status ${this.#access.status})`
          : "its address is not host:port",
      );
    }
    const operation = currentOperation();
    const deadline = operation.deadlineMs ?? Number.POSITIVE_INFINITY;
    const budgetMs = deadline - this.#startedAt;
    // The clock decides when waiting through LOADING ends; a real timer bounds a server that never
    // answers, which no clock of the caller's can see.
    let stop: (error: Error) => void = () => {};
    const stopped = new Promise<never>((_, reject) => {
      stop = (error) => {
        if (this.#stopped !== undefined) return;
        this.#stopped = error;
        this.#closeConnection();
        reject(error);
      };
    });
    stopped.catch(() => {});
    const onAbort = () => stop(new CancelledError(this.#doing, operation.signal?.reason));
    operation.signal?.addEventListener("abort", onAbort, { once: true });
    const remainingMs = deadline - this.#context.clock.now();
    const timer = Number.isFinite(remainingMs)
      ? setTimeout(() => stop(this.#timedOut(budgetMs)), Math.min(MAX_TIMER_MS, Math.max(0, remainingMs)))
      : undefined;
    const bounded = <T>(work: Promise<T>): Promise<T> => Promise.race([work, stopped]);
    try {
      throwIfCancelled(this.#doing);
      const redis = await bounded(import("@redis/client"));
      let intervalMs = POLL_FIRST_INTERVAL_MS;
      for (;;) {
        try {
          this.#loading = undefined;
          if (this.#client === undefined) {
            this.#connectTimeoutMs = Math.max(
              1,
              Math.min(DATA_PLANE_CONNECT_TIMEOUT_MS, deadline - this.#context.clock.now()),
            );
            this.#client = openClient(redis, hostPort, this.#access, this.#connectTimeoutMs);
            await bounded(this.#client.connect());
          }
          const client = this.#client;
          return await bounded(work(client, address));
        } catch (error) {
          if (this.#stopped !== undefined) throw this.#stopped;
          if (!isLoading(redis, error)) throw this.#describe(redis, error);
          this.#loading = messageOf(error);
          // A server that answered LOADING during the handshake closed nothing, but a connection that
          // is not ready is of no further use: the next attempt opens a new one.
          if (!this.#client?.isReady) this.#closeConnection();
          const leftMs = deadline - this.#context.clock.now();
          if (leftMs <= 0) {
            throw this.#fail(
              "timeout",
              `${this.#timedOutPhrase(budgetMs)}: it was still loading its data (${this.#loading})`,
              error,
            );
          }
          await bounded(
            cancellableSleep(
              this.#context.clock.sleep(Math.min(Math.round(intervalMs), leftMs)),
              this.#doing,
            ),
          );
          intervalMs = Math.min(intervalMs * POLL_INTERVAL_GROWTH, POLL_MAX_INTERVAL_MS);
        }
      }
    } catch (error) {
      throw redactError(error, [this.#access.password()]);
    } finally {
      if (timer !== undefined) clearTimeout(timer);
      operation.signal?.removeEventListener("abort", onAbort);
      this.#closeConnection();
    }
  }

  #closeConnection(): void {
    const client = this.#client;
    this.#client = undefined;
    try {
      client?.destroy();
    } catch {
      // Closing a connection that is already gone must never replace the error being reported.
    }
  }

  /** `timed out after 30 s`, naming the operation's limit when that is what set the budget. */
  #timedOutPhrase(budgetMs: number): string {
    const limit = this.#limit ? ` (limit: ${this.#limit})` : "";
    return `timed out after ${readableDuration(budgetMs)}${limit}`;
  }

  #timedOut(budgetMs: number): DataPlaneError {
    const phrase = this.#timedOutPhrase(budgetMs);
    return this.#loading === undefined
      ? this.#fail("timeout", `${phrase} without a complete answer`)
      : this.#fail("timeout", `${phrase}: it was still loading its data (${this.#loading})`);
  }

  #fail(failure: DataPlaneFailure, detail: string, cause?: unknown): DataPlaneError {
    const error = new DataPlaneError(
      {
        datastoreId: this.#datastoreId,
        address: this.#access.address,
        failure,
        detail,
        ...(this.#action === READING_THE_DATA ? {} : { action: this.#action }),
      },
      cause === undefined ? undefined : { cause },
    );
    return redactError(error, [this.#access.password()]);
  }

  /** The DataPlaneError for what the Redis client or the socket threw. */
  #describe(redis: RedisModule, error: unknown): DataPlaneError {
    const message = messageOf(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (error instanceof redis.ErrorReply) {
      if (/^(WRONGPASS|NOAUTH|ERR AUTH|ERR invalid password|ERR Client sent AUTH)/i.test(message)) {
        return this.#fail(
          "authentication",
          `authentication refused as user ${DATA_PLANE_USER} (${message})`,
          error,
        );
      }
      return this.#fail("command", `the server answered ${message}`, error);
    }
    if (error instanceof redis.ConnectionTimeoutError) {
      return this.#fail(
        "timeout",
        `timed out after ${readableDuration(this.#connectTimeoutMs)} connecting`,
        error,
      );
    }
    if (code === "ECONNREFUSED") return this.#fail("connection", "connection refused", error);
    if (code === "ECONNRESET") return this.#fail("connection", "connection reset by the server", error);
    if (code === "ENOTFOUND" || code === "EAI_AGAIN") {
      return this.#fail("connection", `host not found (${String(code)})`, error);
    }
    if (isTlsFailure(code, message)) {
      // OpenSSL's message carries its own error stack; its `reason` is the part a person reads.
      const reason = (error as { reason?: unknown }).reason;
      const said = typeof reason === "string" && reason !== "" ? reason : message.trim();
      return this.#fail(
        "tls",
        `TLS handshake failed (${said}${typeof code === "string" ? `, ${code}` : ""})`,
        error,
      );
    }
    if (
      error instanceof redis.SocketClosedUnexpectedlyError ||
      error instanceof redis.DisconnectsClientError ||
      error instanceof redis.ClientClosedError
    ) {
      return this.#fail("connection", "the server closed the connection", error);
    }
    const suffix = typeof code === "string" ? ` (${code})` : "";
    return this.#fail("connection", `${message}${suffix}`, error);
  }
}

/** Opens (does not yet connect) a Redis client for one call: RESP2, no reconnect, no offline queue. */
function openClient(
  redis: RedisModule,
  target: { host: string; port: number },
  access: DataPlaneAccess,
  connectTimeoutMs: number,
) {
  const socket = {
    host: target.host,
    port: target.port,
    connectTimeout: connectTimeoutMs,
    // One connection per call: a dropped one is reported, not silently replaced.
    reconnectStrategy: false,
  } as const;
  const options: RedisClientOptions<Record<never, never>, Record<never, never>, Record<never, never>, 2> = {
    RESP: 2,
    socket: access.tls ? { ...socket, tls: true } : socket,
    disableOfflineQueue: true,
    // Enterprise maintenance notifications: a handshake command this one-shot call has no use for.
    maintNotifications: "disabled",
  };
  const password = access.password();
  if (password !== "") {
    // A closure, not the client's `password` option: the client's options then hold no secret.
    options.credentialsProvider = {
      type: "async-credentials-provider",
      credentials: async () => ({ username: DATA_PLANE_USER, password }),
    };
  }
  const client = redis.createClient(options);
  // Failures reach the caller through the rejected connect or command; an 'error' event with no
  // listener would instead crash the process.
  client.on("error", () => {});
  return client;
}

/** `DBSIZE`, then `EXISTS` for every expected key, pipelined in batches of {@link EXISTS_BATCH_SIZE}. */
async function readWith(
  client: ReturnType<typeof openClient>,
  expectKeys: readonly string[],
  address: string,
): Promise<KeyspaceReading> {
  const keys = await client.dbSize();
  const missingKeys: string[] = [];
  for (let start = 0; start < expectKeys.length; start += EXISTS_BATCH_SIZE) {
    const batch = expectKeys.slice(start, start + EXISTS_BATCH_SIZE);
    // Commands issued in one tick go out in one write: the client pipelines them.
    const counts = await Promise.all(batch.map((key) => client.exists(key)));
    counts.forEach((count, index) => {
      const key = batch[index];
      if (count === 0 && key !== undefined) missingKeys.push(key);
    });
  }
  return { keys, missingKeys, address };
}

/** `host:port` or `[v6 address]:port` → its parts; undefined when it is neither. */
export function parseAddress(address: string): { host: string; port: number } | undefined {
  const match = /^(?:\[([0-9A-Fa-f:.]+)\]|([^\s:[\]]+)):(\d{1,5})$/.exec(address);
  const host = match?.[1] ?? match?.[2];
  const port = Number(match?.[3]);
  if (host === undefined || !Number.isInteger(port) || port < 1 || port > 65_535) return undefined;
  return { host, port };
}

/** Whether the server answered that it is loading its dataset (Redis and Dragonfly: `-LOADING …`). */
function isLoading(redis: RedisModule, error: unknown): boolean {
  return error instanceof redis.ErrorReply && /^LOADING\b/.test(error.message);
}

/** Node's and OpenSSL's words for a failed TLS handshake or a refused certificate. */
function isTlsFailure(code: unknown, message: string): boolean {
  if (typeof code === "string") {
    if (/^(ERR_SSL_|ERR_TLS_|EPROTO$)/.test(code)) return true;
    if (/CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)/.test(code)) return true;
  }
  return /\b(SSL|TLS)\b|certificate/i.test(message);
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message === "" ? error.name : error.message;
  return String(error);
}
