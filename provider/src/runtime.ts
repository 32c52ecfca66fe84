/**
 * What the serialised provider in each resource's `__provider` loads inside the Pulumi provider
 * process (by package name, through `pulumi-dfcloud/runtime`): credentials from `configure` or the
 * environment, one API client per process, and the logic of each resource.
 */
import { DfCloudClient } from "./client/client";
import { ConfigurationError } from "./client/errors";
import type { ReconcileEvent } from "./client/options";
import type { RetryEvent } from "./client/retry";
import type { ResourceDeps } from "./resources/api";
import { backupLogic } from "./resources/backup";
import { backupScheduleLogic } from "./resources/backup-schedule";
import type { ProviderConfig } from "./resources/contract";
import { restoreLogic } from "./resources/restore";

/** Where the API key and URL come from, in order: stack config, then the environment. */
export interface Credentials {
  apiKey?: string | undefined;
  apiUrl?: string | undefined;
}

let configured: Credentials = {};
let client: { key: string; api: DfCloudClient } | undefined;

/**
 * Takes `dfcloud:apiKey` / `dfcloud:apiUrl` from the stack config the engine hands the provider.
 * The key stays in this process's memory; it is never returned in outputs.
 */
export function configure(config: ProviderConfig): void {
  configured = { apiKey: config.get("dfcloud:apiKey"), apiUrl: config.get("dfcloud:apiUrl") };
}

/** Resolves credentials: explicit config first, then DFCLOUD_API_KEY / DFCLOUD_API_URL. */
export function resolveCredentials(config: Credentials, env: NodeJS.ProcessEnv = process.env): Credentials {
  return {
    apiKey: config.apiKey || env.DFCLOUD_API_KEY || undefined,
    apiUrl: config.apiUrl || env.DFCLOUD_API_URL || undefined,
  };
}

/**
 * Builds a client from credentials; a missing key is a ConfigurationError that says how to set it.
 * @param log where retries and reconciliations of lost answers are reported (default: nowhere)
 */
export function createClient(credentials: Credentials, log?: (message: string) => void): DfCloudClient {
  if (!credentials.apiKey) {
    throw new ConfigurationError(
      "no Dragonfly Cloud API key: set it with `pulumi config set --secret dfcloud:apiKey <key>` or the DFCLOUD_API_KEY environment variable",
    );
  }
  return new DfCloudClient({
    apiKey: credentials.apiKey,
    ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}),
    ...(log
      ? {
          onRetry: (event: RetryEvent) => log(retryMessage(event)),
          onReconcile: (event: ReconcileEvent) => log(reconcileMessage(event)),
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

const log = (message: string): void => console.log(message);

/** One client per provider process, rebuilt only when the credentials change. */
function deps(): ResourceDeps {
  const credentials = resolveCredentials(configured);
  const cacheKey = `${credentials.apiUrl ?? ""}|${credentials.apiKey ?? ""}`;
  // Each resource kind's provider calls configure, and operations of other resources may be using
  // the client at that moment: a client is never closed here, only replaced when credentials change.
  if (!client || client.key !== cacheKey) client = { key: cacheKey, api: createClient(credentials, log) };
  return { api: client.api, now: Date.now, log };
}

/** The logic of each resource kind, as the serialised provider calls it. */
export const logic = {
  BackupSchedule: backupScheduleLogic(deps),
  Backup: backupLogic(deps),
  Restore: restoreLogic(deps),
};
