import { isIP } from "node:net";
import { PACKAGE } from "../schema/spec";
import { API_KEY_HINT, ConfigurationError, type RequestTarget } from "./errors";
import { DEFAULT_API_URL } from "./modelled";
import { type Clock, DEFAULT_RETRY_POLICY, type RetryEvent, type RetryPolicy, systemClock } from "./retry";

/** Default per-request timeout: 15 s, as the official Terraform SDK uses. */
export const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * The environment variable that sets {@link DfCloudClientOptions.allowInsecureHttp} when the provider
 * config does not (read by the provider host; named here because the refusal names it).
 */
export const ALLOW_INSECURE_HTTP_ENV = "DFCLOUD_ALLOW_INSECURE_HTTP";

/** How to allow plain http to a host that is not loopback, as the refusal of such a URL says it. */
export const INSECURE_HTTP_HINT =
  `set allowInsecureHttp (\`pulumi config set ${PACKAGE}:allowInsecureHttp true\` or ` +
  `${ALLOW_INSECURE_HTTP_ENV}=true), which sends the API key unencrypted`;

/** `User-Agent` sent when the caller sets none. */
export const DEFAULT_USER_AGENT = "pulumi-dfcloud";

/**
 * Reported when a write whose answer was lost (see isAmbiguousFailure in retry.ts) was checked on the server
 * before being repeated: `POST /v1/backups` (createBackup) or `PUT /v1/datastores/{id}`.
 */
export interface ReconcileEvent extends RequestTarget {
  /**
   * Id of the object the lost attempt was found to have created or changed, which is returned instead of
   * repeating the write; undefined when nothing was found and the write is sent again.
   */
  readonly adoptedId: string | undefined;
}

/** How to reach the API and how hard to try. Only `apiKey` is required. */
export interface DfCloudClientOptions {
  /**
   * Dragonfly Cloud API key (`dragonflydb_…`), sent as `Authorization: Bearer <key>`. Required; it never
   * appears in any error or log line. Undefined is accepted so that a missing config value gets a clear error.
   */
  readonly apiKey: string | undefined;
  /**
   * Base URL of the API. `https` only, except `http` on loopback hosts, or on any host with
   * {@link allowInsecureHttp}. Default `https://api.dragonflydb.cloud`.
   */
  readonly apiUrl?: string | undefined;
  /**
   * Accept a plain `http` {@link apiUrl} on a host that is not loopback, such as a local emulator in
   * a CI service container reached by host name: the key then crosses the network unencrypted.
   * Default false.
   */
  readonly allowInsecureHttp?: boolean | undefined;
  /** Timeout of each single request, connect to last body byte, in milliseconds. Default 15 000. */
  readonly timeoutMs?: number | undefined;
  /** Retry bounds; unset (or undefined) fields keep their defaults (see {@link DEFAULT_RETRY_POLICY}). */
  readonly retry?: RetryOverrides | undefined;
  /** Time source for backoff and waits. Default: the real clock. The per-request timeout always runs in real time. */
  readonly clock?: Clock | undefined;
  /** Jitter source, a number in [0, 1). Default `Math.random`. */
  readonly random?: (() => number) | undefined;
  /** `User-Agent` header. Default `pulumi-dfcloud`. */
  readonly userAgent?: string | undefined;
  /** Called before each retry, e.g. to log it; must not throw. */
  readonly onRetry?: ((event: RetryEvent) => void) | undefined;
  /** Called after each check of a write whose answer was lost (see {@link ReconcileEvent}); must not throw. */
  readonly onReconcile?: ((event: ReconcileEvent) => void) | undefined;
  /**
   * Called with each datastore password the client reads for the data plane (readKeyspace), before
   * it is used, so that whatever shows text to a person can remove it too; must not throw.
   */
  readonly onSecretRead?: ((secret: string) => void) | undefined;
}

/** Some fields of a {@link RetryPolicy}; the others keep their defaults. */
export type RetryOverrides = { readonly [Field in keyof RetryPolicy]?: RetryPolicy[Field] | undefined };

/** {@link DfCloudClientOptions} checked and with defaults filled in. */
export interface ResolvedOptions {
  readonly apiKey: string;
  /** Base URL without a trailing slash; request paths are appended to it. */
  readonly baseUrl: string;
  readonly timeoutMs: number;
  readonly retryPolicy: RetryPolicy;
  readonly clock: Clock;
  readonly random: () => number;
  readonly userAgent: string;
  readonly onRetry: ((event: RetryEvent) => void) | undefined;
  readonly onReconcile: ((event: ReconcileEvent) => void) | undefined;
  readonly onSecretRead: ((secret: string) => void) | undefined;
}

/**
 * Checks the options and fills in defaults.
 * @throws ConfigurationError when the key is missing, the URL is not https (nor http on loopback, or
 * anywhere with `allowInsecureHttp`), or a number is out of range
 */
export function resolveOptions(options: DfCloudClientOptions): ResolvedOptions {
  const apiKey = options.apiKey?.trim() ?? "";
  if (apiKey === "") throw new ConfigurationError(`The Dragonfly Cloud API key is not set. ${API_KEY_HINT}`);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  requireMilliseconds("timeoutMs", timeoutMs, "positive");
  return {
    apiKey,
    baseUrl: resolveBaseUrl(options.apiUrl ?? DEFAULT_API_URL, options.allowInsecureHttp ?? false),
    timeoutMs,
    retryPolicy: resolveRetryPolicy(options.retry ?? {}),
    clock: options.clock ?? systemClock,
    random: options.random ?? Math.random,
    userAgent: options.userAgent ?? DEFAULT_USER_AGENT,
    onRetry: options.onRetry,
    onReconcile: options.onReconcile,
    onSecretRead: options.onSecretRead,
  };
}

function resolveBaseUrl(apiUrl: string, allowInsecureHttp: boolean): string {
  let url: URL;
  try {
    url = new URL(apiUrl);
  } catch {
    throw new ConfigurationError(`apiUrl "${apiUrl}" is not a valid URL`);
  }
  if (url.protocol === "http:" && !isLoopbackHost(url.hostname) && !allowInsecureHttp) {
    // The API key travels in a header; over plain http anyone on the path could read it.
    throw new ConfigurationError(
      `apiUrl must use https, got ${url.origin}: plain http is allowed only for loopback hosts such as ` +
        `127.0.0.1, ::1 or localhost; for another host, ${INSECURE_HTTP_HINT}`,
    );
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new ConfigurationError(`apiUrl must use https, got ${url.origin}`);
  }
  if (url.username !== "" || url.password !== "" || url.search !== "" || url.hash !== "") {
    throw new ConfigurationError(
      `apiUrl must be a plain base URL without credentials, query or fragment, got ${url.origin}`,
    );
  }
  return `${url.origin}${url.pathname.replace(/\/+$/, "")}`;
}

/**
 * The origin of `apiUrl` when it is plain `http` to a host that is not loopback — what only
 * {@link DfCloudClientOptions.allowInsecureHttp} lets through, sending the key unencrypted; undefined
 * for https, loopback, and text that is not a URL.
 */
export function insecureHttpOrigin(apiUrl: string): string | undefined {
  if (!URL.canParse(apiUrl)) return undefined;
  const url = new URL(apiUrl);
  return url.protocol === "http:" && !isLoopbackHost(url.hostname) ? url.origin : undefined;
}

/** Whether `hostname` (as `URL.hostname` spells it, IPv6 in brackets) is 127.0.0.0/8, ::1 or localhost. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[(.*)\]$/, "$1").toLowerCase();
  if (host === "localhost" || host === "::1") return true;
  return isIP(host) === 4 && host.startsWith("127.");
}

function resolveRetryPolicy(overrides: RetryOverrides): RetryPolicy {
  const policy = { ...DEFAULT_RETRY_POLICY, ...definedFields(overrides) };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new ConfigurationError(`retry.maxAttempts must be a whole number ≥ 1, got ${policy.maxAttempts}`);
  }
  for (const field of ["baseDelayMs", "maxDelayMs", "maxRetryAfterMs", "maxElapsedMs"] as const) {
    requireMilliseconds(`retry.${field}`, policy[field], "non-negative");
  }
  return policy;
}

/** Drops fields set to undefined, so that `{maxAttempts: undefined}` keeps the default instead of erasing it. */
function definedFields(overrides: RetryOverrides): Partial<RetryPolicy> {
  return Object.fromEntries(Object.entries(overrides).filter(([, value]) => value !== undefined));
}

function requireMilliseconds(name: string, value: number, minimum: "positive" | "non-negative"): void {
  const inRange = Number.isFinite(value) && (minimum === "positive" ? value > 0 : value >= 0);
  if (!inRange)
    throw new ConfigurationError(`${name} must be a ${minimum} number of milliseconds, got ${value}`);
}
