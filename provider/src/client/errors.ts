import { STATUS_CODES } from "node:http";
import { PACKAGE } from "../schema/spec";
import type { HttpMethod } from "./http";

/**
 * Brand carried by every error of this client. `Symbol.for` makes it the same symbol in every copy of
 * this module: the Pulumi dynamic provider is serialised and re-loaded, so an error thrown by one copy
 * of the class may be checked against another, where `instanceof` answers false.
 */
const DFCLOUD_ERROR_BRAND: unique symbol = Symbol.for("pulumi-dfcloud.DfCloudError");

/** Hint appended to authentication failures and to a missing key: the package's own config key. */
export const API_KEY_HINT = `Set the key with \`pulumi config set --secret ${PACKAGE}:apiKey <key>\` or the DFCLOUD_API_KEY environment variable.`;

/** Every error of this client; see the subclasses for what each means. */
export abstract class DfCloudError extends Error {
  readonly [DFCLOUD_ERROR_BRAND] = true;
  /** The class name, kept as a plain string so that {@link isDfCloudError} works across module copies. */
  abstract override readonly name: DfCloudErrorName;
}

/** The client was set up wrongly (missing API key, plain-http URL, bad retry settings): nothing was sent. */
export class ConfigurationError extends DfCloudError {
  override readonly name = "ConfigurationError";
}

/** A caller passed a value the client refuses before sending (e.g. an empty or `..` id). */
export class InvalidArgumentError extends DfCloudError {
  override readonly name = "InvalidArgumentError";
}

/** Where a request went; carried by every error about one HTTP request. */
export interface RequestTarget {
  /** HTTP method of the request. */
  readonly method: HttpMethod;
  /** Path and query of the request below the base URL (e.g. `/v1/backups?datastore_id=dst_x`). */
  readonly path: string;
}

/** What the server answered, as the error factory {@link apiErrorFromResponse} receives it. */
export interface ApiErrorDetails extends RequestTarget {
  /** HTTP status code of the answer (never 2xx). */
  readonly status: number;
  /** The `error` field of the body (or the raw body when it is not `{"error"}` JSON), API key removed. */
  readonly serverMessage: string;
  /** The answer's `Retry-After`, in milliseconds from when it arrived; undefined when absent or unreadable. */
  readonly retryAfterMs?: number | undefined;
}

/**
 * The API answered with a non-2xx status. Subclasses name the statuses callers act upon; other statuses
 * (405, 413, …) are plain `ApiError`s. Message: `PUT /v1/datastores/dst_x failed with 409 Conflict: <server message>`.
 */
export class ApiError extends DfCloudError implements ApiErrorDetails {
  override readonly name: DfCloudErrorName = "ApiError";
  readonly method: HttpMethod;
  readonly path: string;
  readonly status: number;
  readonly serverMessage: string;
  readonly retryAfterMs: number | undefined;

  /**
   * @param hint a sentence appended to the message that says what to do about it, or what the answer means
   * @param options `cause`: an earlier error this one refines (e.g. the bare 404 it explains)
   */
  constructor(details: ApiErrorDetails, hint?: string, options?: ErrorOptions) {
    const statusText = STATUS_CODES[details.status] ?? "Unknown Status";
    const sentence = `${details.method} ${details.path} failed with ${details.status} ${statusText}: ${details.serverMessage}`;
    super(hint === undefined ? sentence : `${sentence}. ${hint}`, options);
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.serverMessage = details.serverMessage;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** 400: a value was invalid; the server message starts with the JSON path of the bad field. */
export class BadRequestError extends ApiError {
  override readonly name = "BadRequestError";
}

/** 401 or 403: the API key is missing, wrong, or lacks the permission. */
export class UnauthorizedError extends ApiError {
  override readonly name = "UnauthorizedError";
  constructor(details: ApiErrorDetails) {
    super(details, `Check the API key and its permissions. ${API_KEY_HINT}`);
  }
}

/** 404: the object does not exist, or belongs to another account (the API does not tell them apart). */
export class NotFoundError extends ApiError {
  override readonly name = "NotFoundError";
}

/**
 * The API has no such endpoint at all: the collection itself answered 404 (docs/api-model.md: the
 * `/v1/backups` endpoints are modelled from the console, and the live API may offer none). Unlike a
 * {@link NotFoundError} it says nothing about any one object, so it never means "already deleted" or
 * "gone": callers that treat a 404 as gone must not treat this so. Not an {@link ApiError}: it is a
 * verdict about the API, reached from one or two answers, and may be given without sending anything
 * once a client has reached it. Its `cause` is the 404 that proved it.
 */
export class EndpointMissingError extends DfCloudError implements RequestTarget {
  override readonly name = "EndpointMissingError";
  /** Method of the request whose 404 showed the endpoint missing. */
  readonly method: HttpMethod;
  /** Path and query of that request. */
  readonly path: string;

  /**
   * @param message the whole message: what is missing and what works without it
   * @param evidence the 404 of the collection, kept as `cause`
   */
  constructor(message: string, evidence: ApiError) {
    super(message, { cause: evidence });
    this.method = evidence.method;
    this.path = evidence.path;
  }
}

/** 409: the object's state forbids the call (e.g. a PUT while the datastore is not `active`). */
export class ConflictError extends ApiError {
  override readonly name = "ConflictError";
}

/** 429: too many requests; {@link ApiError.retryAfterMs} says when to try again. */
export class RateLimitedError extends ApiError {
  override readonly name = "RateLimitedError";
}

/** 5xx: the server failed. For a POST, the change may or may not have happened. */
export class ServerError extends ApiError {
  override readonly name = "ServerError";
}

/** The request could not be sent or its answer not received (refused, reset, socket closed mid-answer). */
export class ConnectionError extends DfCloudError implements RequestTarget {
  override readonly name = "ConnectionError";
  readonly method: HttpMethod;
  readonly path: string;
  /** The system or undici error code (e.g. `ECONNREFUSED`, `UND_ERR_SOCKET`), when there is one. */
  readonly code: string | undefined;

  /** @param reason what went wrong, already free of the API key */
  constructor(target: RequestTarget, reason: string, code: string | undefined) {
    super(`${target.method} ${target.path} failed: connection error: ${reason}${code ? ` (${code})` : ""}`);
    this.method = target.method;
    this.path = target.path;
    this.code = code;
  }
}

/** A single request got no complete answer within the per-request timeout. */
export class TimeoutError extends DfCloudError implements RequestTarget {
  override readonly name = "TimeoutError";
  readonly method: HttpMethod;
  readonly path: string;
  /** The per-request timeout that ran out, in milliseconds. */
  readonly timeoutMs: number;

  constructor(target: RequestTarget, timeoutMs: number) {
    super(`${target.method} ${target.path} timed out after ${timeoutMs} ms without a complete answer`);
    this.method = target.method;
    this.path = target.path;
    this.timeoutMs = timeoutMs;
  }
}

/** One field of a response that failed its schema. */
export interface ResponseIssue {
  /** JSON path of the field, e.g. `config.backup_policy.hours[0]`; empty for the body itself. */
  readonly path: string;
  /** What was wrong with it. */
  readonly message: string;
}

/** A 2xx answer whose body is not JSON or does not match the modelled shape (docs/api-model.md). */
export class ResponseValidationError extends DfCloudError implements RequestTarget {
  override readonly name = "ResponseValidationError";
  readonly method: HttpMethod;
  readonly path: string;
  /** JSON path of the first field that failed, e.g. `config.backup_policy.hours[0]`. */
  readonly fieldPath: string;
  /** Every field that failed. */
  readonly issues: readonly ResponseIssue[];

  /** @param issues at least one issue */
  constructor(target: RequestTarget, issues: readonly [ResponseIssue, ...ResponseIssue[]]) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : "";
    super(
      `${target.method} ${target.path} returned a body this client does not understand: ` +
        `${first.path || "(body)"}: ${first.message}${more}`,
    );
    this.method = target.method;
    this.path = target.path;
    this.fieldPath = first.path;
    this.issues = issues;
  }
}

/** What a wait was waiting for and what it last saw; carried by {@link WaitTimeoutError} and {@link TerminalStateError}. */
export interface WaitDescription {
  /** What was awaited, as a phrase: `datastore dst_x to become active`. */
  readonly waitedFor: string;
  /** The last status seen. */
  readonly lastStatus: string;
  /** Milliseconds from the start of the wait until it gave up. */
  readonly elapsedMs: number;
}

/**
 * A duration as a person reads it: whole or fractional minutes from one minute up (timeouts are
 * set in minutes), seconds below that, milliseconds below one second.
 */
export function readableDuration(ms: number): string {
  if (ms >= 60_000) {
    const minutes = Math.round(ms / 6_000) / 10;
    return `${minutes} ${minutes === 1 ? "minute" : "minutes"}`;
  }
  if (ms >= 1_000) return `${Math.round(ms / 100) / 10} s`;
  return `${ms} ms`;
}

/** A wait ran past its deadline. */
export class WaitTimeoutError extends DfCloudError implements WaitDescription {
  override readonly name = "WaitTimeoutError";
  readonly waitedFor: string;
  readonly lastStatus: string;
  readonly elapsedMs: number;
  /** What set the deadline that ended the wait (see OperationScope.limit); none for the wait's own. */
  readonly limit: string | undefined;

  constructor(wait: WaitDescription & { readonly limit?: string | undefined }) {
    super(
      `Gave up after ${readableDuration(wait.elapsedMs)} waiting for ${wait.waitedFor}` +
        `${wait.limit ? ` (limit: ${wait.limit})` : ""}; last status seen: ${wait.lastStatus}`,
    );
    this.limit = wait.limit;
    this.waitedFor = wait.waitedFor;
    this.lastStatus = wait.lastStatus;
    this.elapsedMs = wait.elapsedMs;
  }
}

/** A wait saw a state it can never leave towards its goal (a `failed` backup, a `deleted` datastore). */
export class TerminalStateError extends DfCloudError implements WaitDescription {
  override readonly name = "TerminalStateError";
  readonly waitedFor: string;
  readonly lastStatus: string;
  readonly elapsedMs: number;

  constructor(wait: WaitDescription) {
    super(
      `Stopped waiting for ${wait.waitedFor} after ${readableDuration(wait.elapsedMs)}: it is ${wait.lastStatus}, which is final`,
    );
    this.waitedFor = wait.waitedFor;
    this.lastStatus = wait.lastStatus;
    this.elapsedMs = wait.elapsedMs;
  }
}

/**
 * A create whose answer was lost matched more than one new object on the server, so the client cannot
 * tell which one it created (see createBackup, createDatastore). Nothing is adopted; the candidates are
 * listed.
 */
export class ReconciliationError extends DfCloudError {
  override readonly name = "ReconciliationError";
  /** Ids of the objects that all match the lost request. */
  readonly candidateIds: readonly string[];

  /**
   * @param subject what was created, e.g. `manual backup "nightly" of datastore dst_x`
   * @param candidates what the candidates are, plural, as the message names them; default `new backups`
   */
  constructor(subject: string, candidateIds: readonly string[], candidates = "new backups") {
    super(
      `The answer to creating ${subject} was lost, and ${candidateIds.length} ${candidates} match it ` +
        `(${candidateIds.join(", ")}); cannot tell which one this request created. ` +
        "Delete the extra ones and retry.",
    );
    this.candidateIds = candidateIds;
  }
}

/**
 * The operation was cancelled (Pulumi cancelled the update, or the provider is shutting down): in-flight
 * requests were aborted and waits ended. A write in flight may or may not have been applied.
 */
export class CancelledError extends DfCloudError {
  override readonly name = "CancelledError";
  /** @param doing what was cut short, e.g. `GET /v1/datastores/dst_x` or `waiting for backup bkp_x` */
  constructor(doing: string, reason?: unknown) {
    super(`Cancelled while ${doing}`, reason === undefined ? undefined : { cause: reason });
  }
}

/**
 * A destructive write's answer was lost and what the server shows afterwards cannot tell whether the
 * write was applied. The write is not sent again (destructive actions run at most once); the message
 * says what was seen and the caller says what to check.
 */
export class OutcomeUnknownError extends DfCloudError {
  override readonly name = "OutcomeUnknownError";
  /** @param subject what was attempted, e.g. `PUT /v1/datastores/dst_x (restore of bkp_y)` */
  constructor(subject: string, seen: string, options?: ErrorOptions) {
    super(`The answer to ${subject} was lost, and ${seen}: cannot tell whether it was applied`, options);
  }
}

/** What failed when a datastore's data was read over its data plane; see {@link DataPlaneError}. */
export type DataPlaneFailure =
  /** The datastore has no usable `addr` (not provisioned yet, or not `host:port`): nothing was sent. */
  | "no-address"
  /** The connection was refused, reset, closed by the server or could not be made. */
  | "connection"
  /** The TLS handshake failed (`config.dragonfly.tls` is true and the server does not speak TLS, or its certificate is refused). */
  | "tls"
  /** The server refused the `default` user's password, or wants one and none was given. */
  | "authentication"
  /** The read did not finish in time (connecting, waiting for an answer, or waiting through `LOADING`). */
  | "timeout"
  /** The server answered a command with an error other than the above. */
  | "command";

/** Where a data-plane read went and what failed; carried by {@link DataPlaneError}. */
export interface DataPlaneErrorDetails {
  /** The datastore whose data was read. */
  readonly datastoreId: string;
  /** Its `addr` (`host:port`) as the API gave it; empty when it had none. */
  readonly address: string;
  readonly failure: DataPlaneFailure;
  /** What failed, as a phrase: `authentication refused (WRONGPASS …)`, `timed out after 30 s`. */
  readonly detail: string;
  /**
   * What was being done, as the message's opening words before `datastore dst_x`: `Writing key k
   * into`. Default `Reading the data of`.
   */
  readonly action?: string | undefined;
}

/**
 * Reading or writing a datastore's data over RESP (the Redis protocol, at its `addr`) failed. Message:
 * `Reading the data of datastore dst_x at host:6385 failed: connection refused` (or, for one key,
 * `Writing key k into datastore dst_x …`). The datastore's password never appears in it, nor in its
 * `cause` (the socket or server error, kept).
 */
export class DataPlaneError extends DfCloudError {
  override readonly name = "DataPlaneError";
  readonly datastoreId: string;
  readonly address: string;
  readonly failure: DataPlaneFailure;

  constructor(details: DataPlaneErrorDetails, options?: ErrorOptions) {
    const where = details.address === "" ? "" : ` at ${details.address}`;
    const action = details.action ?? "Reading the data of";
    super(`${action} datastore ${details.datastoreId}${where} failed: ${details.detail}`, options);
    this.datastoreId = details.datastoreId;
    this.address = details.address;
    this.failure = details.failure;
  }
}

/** Each error class by its `name`, for {@link isDfCloudError}. */
export interface DfCloudErrorsByName {
  DfCloudError: DfCloudError;
  ConfigurationError: ConfigurationError;
  InvalidArgumentError: InvalidArgumentError;
  ApiError: ApiError;
  BadRequestError: BadRequestError;
  UnauthorizedError: UnauthorizedError;
  NotFoundError: NotFoundError;
  EndpointMissingError: EndpointMissingError;
  ConflictError: ConflictError;
  RateLimitedError: RateLimitedError;
  ServerError: ServerError;
  ConnectionError: ConnectionError;
  TimeoutError: TimeoutError;
  ResponseValidationError: ResponseValidationError;
  WaitTimeoutError: WaitTimeoutError;
  TerminalStateError: TerminalStateError;
  ReconciliationError: ReconciliationError;
  CancelledError: CancelledError;
  OutcomeUnknownError: OutcomeUnknownError;
  DataPlaneError: DataPlaneError;
}

/** The `name` of a concrete error class of this client. */
export type DfCloudErrorName = Exclude<keyof DfCloudErrorsByName, "DfCloudError">;

const API_ERROR_NAMES: ReadonlySet<unknown> = new Set<DfCloudErrorName>([
  "ApiError",
  "BadRequestError",
  "UnauthorizedError",
  "NotFoundError",
  "ConflictError",
  "RateLimitedError",
  "ServerError",
]);

/**
 * Whether `value` is an error of this client, optionally of one class (`"ApiError"` also matches its
 * subclasses). Use this, not `instanceof`: it checks a global brand and the name, so it works when the
 * error comes from another copy of this module.
 * @example if (isDfCloudError(err, "NotFoundError")) return undefined;
 */
export function isDfCloudError<N extends keyof DfCloudErrorsByName = "DfCloudError">(
  value: unknown,
  name?: N,
): value is DfCloudErrorsByName[N] {
  if (typeof value !== "object" || value === null || !(DFCLOUD_ERROR_BRAND in value)) return false;
  if (name === undefined || name === "DfCloudError") return true;
  const actual = (value as { name?: unknown }).name;
  return name === "ApiError" ? API_ERROR_NAMES.has(actual) : actual === name;
}

/** The one place that maps an HTTP error status to its error class. */
export function apiErrorFromResponse(details: ApiErrorDetails): ApiError {
  const { status } = details;
  if (status === 400) return new BadRequestError(details);
  if (status === 401 || status === 403) return new UnauthorizedError(details);
  if (status === 404) return new NotFoundError(details);
  if (status === 409) return new ConflictError(details);
  if (status === 429) return new RateLimitedError(details);
  if (status >= 500) return new ServerError(details);
  return new ApiError(details);
}
