/**
 * The provider host: everything a provider process does around the resource logic, the same behind
 * both front doors. It owns the credentials (an explicit provider's inputs, the stack config, the
 * environment), one API client per set of credentials, the behaviour without a key, redaction of the
 * key, cancellation, and the count of running operations. A front door converts its wire format
 * (the dynamic provider's objects, the native plugin's protobuf) and calls this; nothing else.
 */
import type { DfCloudClient } from "../client/client";
import { isDfCloudError } from "../client/errors";
import { resolveOptions } from "../client/options";
import type { FunctionEntry, ResourceKind } from "../registry";
import { checkFields } from "../resources/check";
import type { ResourceApi, ResourceDeps } from "../resources/deps";
import type { CheckFailure, CheckResult, ResourceLogic } from "../resources/logic";
import type { LookupApi } from "../resources/lookups";
import { PROVIDER_CONFIG } from "../schema/package";
import { tokenOf } from "../schema/spec";
import {
  ALLOW_INSECURE_HTTP_ENV,
  API_KEY_ENV,
  booleanSetting,
  type Credentials,
  clientOptions,
  insecureHttpWarning,
  missingKeyError,
  resolveCredentials,
} from "./credentials";
import { exitOnStopSignals, RunningOperations } from "./operations";
import { Redaction } from "./redaction";

/** One line for the person running Pulumi. */
export interface LogEntry {
  readonly message: string;
  /** `warning` for what the person should act on or know before `up`; `info` otherwise. */
  readonly severity: "info" | "warning";
  /** The resource the line is about; none for the stack as a whole. */
  readonly urn?: string | undefined;
  /**
   * Progress of a long wait: shown on the resource's row while it runs and replaced by the next
   * status, not kept in the output (the engine's ephemeral status).
   */
  readonly ephemeral?: boolean;
}

/** Where a front door sends log lines: the engine's Log service, or a stream when there is no engine. */
export type LogSink = (entry: LogEntry) => void;

/** Options of a {@link ProviderHost}. */
export interface ProviderHostOptions {
  /** Where log lines go; each reaches it free of the key. */
  readonly sink: LogSink;
  /** Environment for credential fallbacks. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Unix milliseconds now. Default `Date.now`. */
  readonly now?: () => number;
}

/** The provider settings of the package (`apiKey`, `apiUrl`, `allowInsecureHttp`), as schema.json's config lists them. */
export const CONFIG_KEYS: readonly (keyof Credentials)[] = Object.keys(
  PROVIDER_CONFIG,
) as (keyof Credentials)[];

/** Settings of the config that are secret: returned as secrets by CheckConfig, whatever the user set. */
export const SECRET_CONFIG_KEYS: readonly string[] = CONFIG_KEYS.filter(
  (key) => PROVIDER_CONFIG[key]?.secret,
);

/** What an invoke answers: the function's result, or why its inputs were refused. */
export type InvokeResult = { readonly result: object } | { readonly failures: CheckFailure[] };

/**
 * The API as the resources see it when no key is set: every call fails with the missing-key
 * ConfigurationError when it is made rather than when the deps are built, so that a preview-time
 * lookup (lookupAtPreview) can tell "nothing to look up with" from a failure and let the preview pass
 * with a warning, through either front door.
 */
const noKeyApi: ResourceApi & LookupApi = new Proxy({} as ResourceApi & LookupApi, {
  get: (_target, name) => {
    // Not a thenable: something that awaits the object itself must not wait forever.
    if (typeof name !== "string" || name === "then") return undefined;
    return name === "apiNow" ? () => undefined : () => Promise.reject(missingKeyError());
  },
});

/**
 * The code only operations need, loaded by the first one that needs it (once per process), so that a
 * provider process answers the engine's schema and configuration calls without loading it: the
 * registry of resources and functions (their contracts, their logic, zod), and the API client (undici,
 * the API's zod schemas). The native plugin's bundle keeps them in a file of their own
 * (scripts/bundle-plugin.js), read from disk only then.
 */
let registryCode: Promise<typeof import("../registry.js")> | undefined;
const loadRegistry = () => {
  registryCode ??= import("../registry.js");
  return registryCode;
};
let clientCode: Promise<typeof import("./api-client.js")> | undefined;
const loadApiClient = () => {
  clientCode ??= import("./api-client.js");
  return clientCode;
};

/** The API as the host hands it out: what the resources and lookups call, and closing its connections. */
type HostApi = ResourceApi & LookupApi & Pick<DfCloudClient, "close">;

/**
 * An API client built on its first call, by `build`: a resource is handed its API before it calls it,
 * and building the client loads the client's code. Until then there is nothing to close, and no answer
 * has told the API's clock (`apiNow` is undefined, as a new client's is).
 */
function clientOnFirstCall(build: () => Promise<DfCloudClient>): HostApi {
  let client: DfCloudClient | undefined;
  let building: Promise<DfCloudClient> | undefined;
  const built = () => {
    building ??= build().then((made) => {
      client = made;
      return made;
    });
    return building;
  };
  return new Proxy({} as HostApi, {
    get: (_target, name) => {
      // Not a thenable: something that awaits the object itself must not wait forever.
      if (typeof name !== "string" || name === "then") return undefined;
      if (name === "apiNow") return () => client?.apiNow();
      if (name === "close")
        return async () => {
          await building?.then(
            (made) => made.close(),
            () => undefined,
          );
        };
      return async (...args: unknown[]) => {
        const made = await built();
        return (Reflect.get(made, name) as (...params: unknown[]) => unknown).apply(made, args);
      };
    },
  });
}

/** The provider host: one per provider process. */
export class ProviderHost {
  private configured: Credentials = {};
  private client: { key: string; api: HostApi } | undefined;
  /**
   * Every datastore password a client of this host read for a restore drill's read-back: removed,
   * with the API key, from whatever reaches the engine, however the text that holds it was built.
   */
  private readonly dataPlaneSecrets = new Set<string>();
  private readonly cancellation = new AbortController();
  private readonly env: NodeJS.ProcessEnv;
  private readonly now: () => number;
  private readonly sink: LogSink;
  /** Warnings already given, so that each is given once per process (the insecure-http one). */
  private readonly warned = new Set<string>();
  /** The resource operations running now (a stop signal waits for them to report). */
  readonly operations = new RunningOperations();
  /** Removes every key this process may hold from what reaches the engine. */
  readonly redaction: Redaction;

  constructor(options: ProviderHostOptions) {
    this.env = options.env ?? process.env;
    this.now = options.now ?? Date.now;
    this.sink = options.sink;
    this.redaction = new Redaction(() => [
      this.configured.apiKey,
      this.env[API_KEY_ENV],
      ...this.dataPlaneSecrets,
    ]);
  }

  /**
   * Takes the provider's settings (an explicit provider's inputs or the stack config); unset ones
   * fall back to the environment. Operations already running keep the client they have: a client is
   * never closed here, only replaced when the credentials change.
   */
  configure(settings: Credentials): void {
    this.configured = {
      apiKey: settings.apiKey || undefined,
      apiUrl: settings.apiUrl || undefined,
      allowInsecureHttp: settings.allowInsecureHttp,
    };
  }

  /** The credentials in force: configured first, then the environment. */
  credentials(): Credentials {
    return resolveCredentials(this.configured, this.env);
  }

  /** Sends one line to the person running Pulumi, without the key. */
  log(entry: LogEntry): void {
    this.sink({ ...entry, message: this.redaction.text(entry.message) });
  }

  /**
   * The API client for the credentials in force; the missing-key API when there is no key. A client
   * that `allowInsecureHttp` lets send the key over plain http is warned about, on the stack, once.
   */
  private api(): ResourceApi & LookupApi {
    const credentials = this.credentials();
    if (!credentials.apiKey) return noKeyApi;
    const cacheKey = `${credentials.apiUrl ?? ""}|${credentials.allowInsecureHttp ?? false}|${credentials.apiKey}`;
    if (!this.client || this.client.key !== cacheKey) {
      const retries = (message: string) => this.log({ message, severity: "info" });
      const onSecretRead = (secret: string) => this.dataPlaneSecrets.add(secret);
      // Settings the client refuses (an apiUrl) fail here, as building the client does; the client
      // itself is built on the first call.
      resolveOptions(clientOptions(credentials, retries, onSecretRead));
      this.client = {
        key: cacheKey,
        api: clientOnFirstCall(async () =>
          (await loadApiClient()).createClient(credentials, retries, onSecretRead),
        ),
      };
      this.warnOnce(insecureHttpWarning(credentials));
    }
    return this.client.api;
  }

  /** Sends `message` as a warning on the stack unless this process has sent it before. */
  private warnOnce(message: string | undefined): void {
    if (message === undefined || this.warned.has(message)) return;
    this.warned.add(message);
    this.log({ message, severity: "warning" });
  }

  /**
   * What a resource's logic is given for one operation on `urn`: the API, the clock, lines at each
   * severity, and the signal every cancellation reaches.
   */
  deps(urn?: string): ResourceDeps {
    return {
      api: this.api(),
      now: this.now,
      log: (message) => this.log({ message, severity: "info", urn }),
      warn: (message) => this.log({ message, severity: "warning", urn }),
      status: (message) => this.log({ message, severity: "info", urn, ephemeral: true }),
      signal: this.cancellation.signal,
    };
  }

  /**
   * The logic of `kind` for the resource `urn`, as a front door calls it: every operation is counted
   * while it runs, and whatever it throws or reports reaches the engine without the key. The first
   * operation loads the registry (see loadRegistry).
   */
  resource(
    kind: ResourceKind,
    urn?: string,
  ): ResourceLogic<Record<string, unknown>, Record<string, unknown>> {
    type Logic = ResourceLogic<Record<string, unknown>, Record<string, unknown>>;
    let logic: Promise<Logic> | undefined;
    const logicOf = (): Promise<Logic> => {
      logic ??= loadRegistry().then((registry) => registry.resourceOf(kind).logic(() => this.deps(urn)));
      return logic;
    };
    const guard =
      <Args extends unknown[], Result>(operation: (logic: Logic, ...args: Args) => Promise<Result>) =>
      (...args: Args): Promise<Result> =>
        this.guarded(async () => operation(await logicOf(), ...args));
    return {
      check: guard(async (logic, olds, news): Promise<CheckResult<Record<string, unknown>>> => {
        const result = await logic.check(olds, news);
        return result.failures ? { ...result, failures: this.redaction.failures(result.failures) } : result;
      }),
      diff: guard((logic, ...args: Parameters<Logic["diff"]>) => logic.diff(...args)),
      create: guard((logic, ...args: Parameters<Logic["create"]>) => logic.create(...args)),
      read: guard((logic, ...args: Parameters<Logic["read"]>) => logic.read(...args)),
      update: guard((logic, ...args: Parameters<Logic["update"]>) => logic.update(...args)),
      delete: guard((logic, ...args: Parameters<Logic["delete"]>) => logic.delete(...args)),
    };
  }

  /** Runs `operation` counted, with the key removed from whatever it throws. */
  private async guarded<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await this.operations.run(operation);
    } catch (error) {
      throw this.redaction.error(error);
    }
  }

  /**
   * Runs the function whose token is `token` (`dfcloud-backups:index:getBackup`) with `args`, checked
   * against its contract first: refused inputs are failures, as a resource's check reports them.
   */
  invoke(token: string, args: Record<string, unknown>): Promise<InvokeResult> {
    return this.guarded(async () => {
      const registry = await loadRegistry();
      const fn = registry.functionOfToken(token);
      if (!fn)
        throw new Error(
          `unknown function ${token}; this provider serves ${functionTokens(registry.FUNCTIONS).join(", ")}`,
        );
      const { values, failures } = checkFields(fn.contract.inputs, args);
      if (failures.length > 0) return { failures: this.redaction.failures(failures) };
      return { result: await fn.call(this.api(), values) };
    });
  }

  /**
   * Checks the provider's settings before any resource uses them: an `allowInsecureHttp` that is not
   * true or false, or an `apiUrl` the client would refuse (not https, except http on loopback or, with
   * `allowInsecureHttp` here or in DFCLOUD_ALLOW_INSECURE_HTTP, anywhere), fails the preview, naming
   * the setting.
   */
  async checkConfig(values: Record<string, unknown>): Promise<CheckFailure[]> {
    let allowInsecureHttp: boolean | undefined;
    try {
      allowInsecureHttp =
        booleanSetting(values.allowInsecureHttp, "allowInsecureHttp") ??
        booleanSetting(this.env[ALLOW_INSECURE_HTTP_ENV], ALLOW_INSECURE_HTTP_ENV);
    } catch (error) {
      if (!isDfCloudError(error, "ConfigurationError")) throw error;
      return this.redaction.failures([
        { property: "allowInsecureHttp", reason: `allowInsecureHttp: ${error.message}` },
      ]);
    }
    const apiUrl = values.apiUrl;
    if (typeof apiUrl !== "string") return [];
    try {
      // What building a client checks, without loading the client.
      resolveOptions(clientOptions({ apiKey: "checking-the-url-only", apiUrl, allowInsecureHttp }));
      return [];
    } catch (error) {
      if (!isDfCloudError(error, "ConfigurationError")) throw this.redaction.error(error);
      return this.redaction.failures([{ property: "apiUrl", reason: `apiUrl: ${error.message}` }]);
    }
  }

  /**
   * Closes the API client's connections. A provider process never needs to (it exits when the engine
   * says so), but a program that runs lookups itself must, or the pool keeps it alive.
   */
  async close(): Promise<void> {
    const open = this.client;
    this.client = undefined;
    await open?.api.close();
  }

  /** Cancels every running operation: in-flight requests are aborted, waits end with a CancelledError. */
  cancel(reason: string): void {
    if (!this.cancellation.signal.aborted) this.cancellation.abort(new Error(reason));
  }

  /** Exits on the engine's stop signals once running operations have reported (see exitOnStopSignals). */
  exitOnStopSignals(): void {
    exitOnStopSignals(this.operations, (reason) => this.cancel(reason));
  }
}

/**
 * The settings that differ between two configurations of the provider. Only the package's own
 * settings count: `version`, `pluginDownloadURL` and the engine's `__`-prefixed keys never do. A
 * change is never a replacement: a new spelling of `apiUrl` or a rotated key reaches the same
 * resources, and replacing the provider would replace every resource it manages.
 */
export function changedConfig(olds: Record<string, unknown>, news: Record<string, unknown>): string[] {
  return CONFIG_KEYS.filter((key) => (olds[key] ?? "") !== (news[key] ?? ""));
}

/** Every function's token. */
function functionTokens(functions: readonly FunctionEntry[]): string[] {
  return functions.map((fn) => tokenOf(fn.contract.name));
}
