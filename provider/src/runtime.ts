/**
 * What the serialised provider in each resource's `__provider` loads inside the Pulumi provider
 * process (by package name, through `pulumi-dfcloud/runtime`): credentials from `configure` or the
 * environment, one API client per process, and the logic of each resource.
 */
import { DfCloudClient } from "./client/client";
import { ConfigurationError } from "./client/errors";
import type { ReconcileEvent } from "./client/options";
import { redactError, redactSecrets } from "./client/redact";
import type { RetryEvent } from "./client/retry";
import type { ResourceApi, ResourceDeps } from "./resources/api";
import { backupLogic } from "./resources/backup";
import { backupScheduleLogic } from "./resources/backup-schedule";
import type { CheckResult, ProviderConfig, ResourceLogic } from "./resources/contract";
import { restoreLogic } from "./resources/restore";

/** Where the API key and URL come from, in order: stack config, then the environment. */
export interface Credentials {
  apiKey?: string | undefined;
  apiUrl?: string | undefined;
}

let configured: Credentials = {};
let client: { key: string; api: DfCloudClient } | undefined;

/** Aborted once this process is told to stop: every operation's requests and waits end at once. */
const cancellation = new AbortController();
let signalsHandled = false;

/**
 * How long a stopped process waits for its cancelled operations to report what they started (a
 * restore recorded in state) before it exits anyway: under the engine's 5 s before SIGKILL.
 */
export const SHUTDOWN_GRACE_MS = 4_000;

/** How long the last answer is given to leave the process after a stop signal, in milliseconds. */
const REPORT_FLUSH_MS = 250;

/** Resource operations running in this process (both front doors count them, see {@link redacting}). */
let runningOperations = 0;
let whenIdle: (() => void) | undefined;

async function counted<T>(operation: () => Promise<T>): Promise<T> {
  runningOperations += 1;
  try {
    return await operation();
  } finally {
    runningOperations -= 1;
    if (runningOperations === 0) whenIdle?.();
  }
}

/**
 * Cancels every running operation of this process: in-flight requests are aborted and waits end
 * with a CancelledError. A restore already started is then recorded in state as started (see
 * restore.ts), so the next `up` waits for it instead of starting it again. Calling it again is
 * harmless.
 * @param reason why, for the errors' `cause`
 */
export function cancelOperations(reason: string): void {
  if (!cancellation.signal.aborted) cancellation.abort(new Error(reason));
}

/**
 * Exits on SIGINT/SIGTERM the way the engine expects. The engine signals every plugin when a command
 * ends, and SIGKILLs it 5 s later: with nothing running the process exits at once. With operations
 * running (Ctrl-C reaches the whole process group) it cancels them through `cancel` and exits when
 * they have reported back — a started restore then reaches state — or after {@link SHUTDOWN_GRACE_MS}.
 * Without a handler the process would die mid-operation and the engine would never learn that a
 * restore had started. Installed once per process.
 */
export function exitOnStopSignals(cancel: (reason: string) => void): void {
  if (signalsHandled) return;
  signalsHandled = true;
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      const exit = () => process.exit(signal === "SIGINT" ? 130 : 143);
      if (runningOperations === 0) return exit();
      // Exit once the last operation has answered: a moment after it settles, so its gRPC answer
      // (a partial create recording a started restore) is written before the process goes.
      whenIdle = () => setTimeout(exit, REPORT_FLUSH_MS);
      cancel(`the provider received ${signal}`);
      setTimeout(exit, SHUTDOWN_GRACE_MS).unref();
    });
  }
}

/**
 * Takes `dfcloud:apiKey` / `dfcloud:apiUrl` from the stack config the engine hands the provider.
 * The key stays in this process's memory; it is never returned in outputs. Only the engine calls
 * it, so this is also where the process starts listening for stop signals.
 */
export function configure(config: ProviderConfig): void {
  configured = { apiKey: config.get("dfcloud:apiKey"), apiUrl: config.get("dfcloud:apiUrl") };
  // The dynamic provider's Cancel RPC is a no-op upstream (@pulumi/pulumi cmd/dynamic-provider):
  // a signal is the only word of a cancel that reaches this process.
  exitOnStopSignals(cancelOperations);
}

/** Resolves credentials: explicit config first, then DFCLOUD_API_KEY / DFCLOUD_API_URL. */
export function resolveCredentials(config: Credentials, env: NodeJS.ProcessEnv = process.env): Credentials {
  return {
    apiKey: config.apiKey || env.DFCLOUD_API_KEY || undefined,
    apiUrl: config.apiUrl || env.DFCLOUD_API_URL || undefined,
  };
}

/** What a missing key fails with: the client's {@link ConfigurationError}, naming both ways to set one. */
function missingKeyError(): ConfigurationError {
  return new ConfigurationError(
    "no Dragonfly Cloud API key: set it with `pulumi config set --secret dfcloud:apiKey <key>` or the DFCLOUD_API_KEY environment variable",
  );
}

/**
 * Builds a client from credentials; a missing key is a ConfigurationError that says how to set it.
 * @param log where retries and reconciliations of lost answers are reported (default: nowhere); each
 *   line is free of the key in every spelling (see redactSecret), whatever the server put in the
 *   error it quotes
 */
export function createClient(credentials: Credentials, log?: (message: string) => void): DfCloudClient {
  const apiKey = credentials.apiKey;
  if (!apiKey) throw missingKeyError();
  const say = log && ((message: string) => log(redactSecrets(message, [apiKey])));
  return new DfCloudClient({
    apiKey,
    ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}),
    ...(say
      ? {
          onRetry: (event: RetryEvent) => say(retryMessage(event)),
          onReconcile: (event: ReconcileEvent) => say(reconcileMessage(event)),
        }
      : {}),
  });
}

function retryMessage(event: RetryEvent): string {
  return `retrying ${event.method} ${event.path} in ${(event.delayMs / 1000).toFixed(1)} s: ${event.error.message}`;
}

function reconcileMessage(event: ReconcileEvent): string {
  return event.adoptedId
    ? `${event.method} ${event.path}: the answer was lost but the change was made (${event.adoptedId}); not sending it again`
    : `${event.method} ${event.path}: the answer was lost and the change was not made; sending it again`;
}

/**
 * Every key this process may hold: the one it uses and, when both are set, the other source's. Only
 * the first is ever sent, but neither belongs in a message.
 */
function knownKeys(): (string | undefined)[] {
  return [configured.apiKey, process.env.DFCLOUD_API_KEY];
}

/** One line for the person running Pulumi (the engine shows the provider's stdout), free of any key. */
const log = (message: string): void => console.log(redactSecrets(message, knownKeys()));

/**
 * The API as the resources see it when no key is set: every call fails with the missing-key
 * ConfigurationError, when it is made rather than when the deps are built, so that a preview-time
 * lookup (lookupAtPreview in resources/common.ts) can tell "nothing to look up with" from a failure
 * and let the preview pass with a warning.
 */
const noKeyApi: ResourceApi = new Proxy({} as ResourceApi, {
  get: (_target, name) => {
    // Not a thenable: something that awaits the object itself must not wait forever.
    if (typeof name !== "string" || name === "then") return undefined;
    return name === "apiNow" ? () => undefined : () => Promise.reject(missingKeyError());
  },
});

/** One client per provider process, rebuilt only when the credentials change. */
function deps(): ResourceDeps {
  const credentials = resolveCredentials(configured);
  const base = { now: Date.now, log, signal: cancellation.signal };
  if (!credentials.apiKey) return { ...base, api: noKeyApi };
  const cacheKey = `${credentials.apiUrl ?? ""}|${credentials.apiKey}`;
  // Each resource kind's provider calls configure, and operations of other resources may be using
  // the client at that moment: a client is never closed here, only replaced when credentials change.
  if (!client || client.key !== cacheKey) client = { key: cacheKey, api: createClient(credentials, log) };
  return { ...base, api: client.api };
}

/**
 * The last line of defence between the resource logic and the engine: whatever an operation throws
 * has the key removed from its message, stack, `reasons` (a partial create's initErrors, which the
 * engine stores in state) and causes, and a check's failure reasons are cleaned the same way. The
 * client already redacts what it builds; this covers text built anywhere else.
 */
export function redacting<Inputs, Outputs>(
  logic: ResourceLogic<Inputs, Outputs>,
  keys: () => (string | undefined)[] = knownKeys,
): ResourceLogic<Inputs, Outputs> {
  const guard =
    <Args extends unknown[], Result>(operation: (...args: Args) => Promise<Result>) =>
    async (...args: Args): Promise<Result> => {
      try {
        return await counted(() => operation(...args));
      } catch (error) {
        throw redactError(error, keys());
      }
    };
  return {
    check: guard(async (olds, news): Promise<CheckResult<Inputs>> => {
      const result = await logic.check(olds, news);
      if (!result.failures) return result;
      const failures = result.failures.map((failure) => ({
        ...failure,
        reason: redactSecrets(failure.reason, keys()),
      }));
      return { ...result, failures };
    }),
    diff: guard(logic.diff.bind(logic)),
    create: guard(logic.create.bind(logic)),
    read: guard(logic.read.bind(logic)),
    update: guard(logic.update.bind(logic)),
    delete: guard(logic.delete.bind(logic)),
  };
}

/** The logic of each resource kind, as the serialised provider calls it. */
export const logic = {
  BackupSchedule: redacting(backupScheduleLogic(deps)),
  Backup: redacting(backupLogic(deps)),
  Restore: redacting(restoreLogic(deps)),
};
