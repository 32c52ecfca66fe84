/**
 * Where the API key and URL come from, for both front doors: an explicit provider's inputs or the
 * stack config, then the environment. The key stays in the provider process's memory; it is never
 * returned in outputs.
 */
import { ConfigurationError } from "../client/errors";
import {
  ALLOW_INSECURE_HTTP_ENV,
  type DfCloudClientOptions,
  insecureHttpOrigin,
  type ReconcileEvent,
} from "../client/options";
import { redactSecrets } from "../client/redact";
import type { RetryEvent } from "../client/retry";
import { PACKAGE } from "../schema/spec";

export { ALLOW_INSECURE_HTTP_ENV };

/** The API key and URL a provider runs with; unset parts fall back to the environment. */
export interface Credentials {
  apiKey?: string | undefined;
  apiUrl?: string | undefined;
  /**
   * Accept a plain `http` apiUrl on a host that is not loopback (the API key then travels
   * unencrypted). Unset: {@link ALLOW_INSECURE_HTTP_ENV}, else false.
   */
  allowInsecureHttp?: boolean | undefined;
}

/** The environment variable read when no key is configured. */
export const API_KEY_ENV = "DFCLOUD_API_KEY";
/** The environment variable read when no URL is configured. */
export const API_URL_ENV = "DFCLOUD_API_URL";

/** The stack config key of a provider setting: `dfcloud-backups:apiKey`. */
export function configKey(setting: keyof Credentials): string {
  return `${PACKAGE}:${setting}`;
}

/**
 * The config namespace the dynamic SDK read before the package had its own name. Stacks written then
 * hold `dfcloud:apiKey`; it is also the namespace of the bridged Dragonfly Terraform provider's key,
 * the same Dragonfly Cloud key. Read after {@link configKey}'s, by the dynamic SDK only: the engine
 * hands the native plugin its own namespace and nothing else.
 */
export const LEGACY_CONFIG_NAMESPACE = "dfcloud";

/**
 * The stack config keys the dynamic SDK reads a setting from, in order: `dfcloud-backups:<setting>`,
 * then the older `dfcloud:<setting>` (see LEGACY_CONFIG_NAMESPACE).
 */
export function configKeysOf(setting: keyof Credentials): [string, string] {
  return [configKey(setting), `${LEGACY_CONFIG_NAMESPACE}:${setting}`];
}

/**
 * The provider's settings from the stack config, read from {@link configKeysOf}'s keys in order;
 * unset ones stay unset for the environment.
 * @param get reads one key of the stack config
 */
export function credentialsFromConfig(get: (key: string) => string | undefined): Credentials {
  const setting = (name: keyof Credentials) =>
    configKeysOf(name)
      .map(get)
      .find((value) => value) || undefined;
  // Only under the package's own name: stacks from before it had one cannot hold this newer setting.
  const insecure = configKey("allowInsecureHttp");
  return {
    apiKey: setting("apiKey"),
    apiUrl: setting("apiUrl"),
    allowInsecureHttp: booleanSetting(get(insecure), insecure),
  };
}

/**
 * The provider's settings as a native plugin's Configure gives them: an explicit provider's inputs
 * first, then the stack config as {@link credentialsFromConfig} reads it; unset ones stay unset for
 * the environment.
 * @param inputs the provider resource's inputs (`apiKey`, `apiUrl`, `allowInsecureHttp`)
 * @param get reads one key of the stack config
 */
export function credentialsFromProviderInputs(
  inputs: Readonly<Record<string, unknown>>,
  get: (key: string) => string | undefined,
): Credentials {
  const fromConfig = credentialsFromConfig(get);
  const text = (value: unknown) => (typeof value === "string" && value !== "" ? value : undefined);
  return {
    apiKey: text(inputs.apiKey) ?? fromConfig.apiKey,
    apiUrl: text(inputs.apiUrl) ?? fromConfig.apiUrl,
    allowInsecureHttp:
      booleanSetting(inputs.allowInsecureHttp, configKey("allowInsecureHttp")) ??
      fromConfig.allowInsecureHttp,
  };
}

/**
 * A true-or-false setting as config, an explicit provider or the environment give it: a boolean, or
 * the text `true` or `false` in any case; unset (undefined, null or "") is undefined.
 * @param name the setting's name in the message when `value` is neither
 * @throws ConfigurationError for any other value
 */
export function booleanSetting(value: unknown, name: string): boolean | undefined {
  if (value === undefined || value === null || value === "") return undefined;
  if (typeof value === "boolean") return value;
  const text = typeof value === "string" ? value.trim().toLowerCase() : undefined;
  if (text === "true" || text === "false") return text === "true";
  throw new ConfigurationError(`${name} must be true or false, got ${JSON.stringify(value)}`);
}

/**
 * Resolves credentials: what was configured first, then DFCLOUD_API_KEY / DFCLOUD_API_URL /
 * DFCLOUD_ALLOW_INSECURE_HTTP.
 * @throws ConfigurationError when DFCLOUD_ALLOW_INSECURE_HTTP is neither true nor false
 */
export function resolveCredentials(config: Credentials, env: NodeJS.ProcessEnv = process.env): Credentials {
  return {
    apiKey: config.apiKey || env[API_KEY_ENV] || undefined,
    apiUrl: config.apiUrl || env[API_URL_ENV] || undefined,
    allowInsecureHttp:
      config.allowInsecureHttp ?? booleanSetting(env[ALLOW_INSECURE_HTTP_ENV], ALLOW_INSECURE_HTTP_ENV),
  };
}

/**
 * The warning, once per URL, of a provider whose `allowInsecureHttp` lets it send the key over plain
 * http to a host that is not loopback; undefined when the credentials do no such thing.
 */
export function insecureHttpWarning(credentials: Credentials): string | undefined {
  const origin = credentials.allowInsecureHttp ? insecureHttpOrigin(credentials.apiUrl ?? "") : undefined;
  if (origin === undefined) return undefined;
  return (
    `apiUrl ${origin} is plain http to a host that is not loopback, allowed by allowInsecureHttp: the ` +
    "Dragonfly Cloud API key travels to it unencrypted, readable on the way. Use this only for a local " +
    "emulator (such as a CI service container), never with a real key."
  );
}

/** What a missing key fails with: the client's {@link ConfigurationError}, naming both ways to set one. */
export function missingKeyError(): ConfigurationError {
  return new ConfigurationError(
    `no Dragonfly Cloud API key: set it with \`pulumi config set --secret ${configKey("apiKey")} <key>\` or the ${API_KEY_ENV} environment variable`,
  );
}

/**
 * The options of the client {@link createClient} builds from credentials (the client itself is in
 * host/api-client.ts, so that what only reads settings does not load the HTTP client); a missing key
 * is a ConfigurationError that says how to set it.
 * @param log where retries and reconciliations of lost answers are reported (default: nowhere); each
 *   line is free of the key in every spelling (see redactSecret), whatever the server put in the
 *   error it quotes
 */
export function clientOptions(
  credentials: Credentials,
  log?: (message: string) => void,
  onSecretRead?: (secret: string) => void,
): DfCloudClientOptions {
  const apiKey = credentials.apiKey;
  if (!apiKey) throw missingKeyError();
  const say = log && ((message: string) => log(redactSecrets(message, [apiKey])));
  return {
    apiKey,
    ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}),
    ...(credentials.allowInsecureHttp ? { allowInsecureHttp: true } : {}),
    ...(onSecretRead ? { onSecretRead } : {}),
    ...(say
      ? {
          onRetry: (event: RetryEvent) => say(retryMessage(event)),
          onReconcile: (event: ReconcileEvent) => say(reconcileMessage(event)),
        }
      : {}),
  };
}

function retryMessage(event: RetryEvent): string {
  return `retrying ${event.method} ${event.path} in ${(event.delayMs / 1000).toFixed(1)} s: ${event.error.message}`;
}

function reconcileMessage(event: ReconcileEvent): string {
  return event.adoptedId
    ? `${event.method} ${event.path}: the answer was lost but the change was made (${event.adoptedId}); not sending it again`
    : `${event.method} ${event.path}: the answer was lost and the change was not made; sending it again`;
}
