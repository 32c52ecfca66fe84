/**
 * What the serialised provider in each resource's `__provider` loads inside the Pulumi provider
 * process (by package name, through `pulumi-dfcloud/runtime`): credentials from `configure` or the
 * environment, one API client per process, and the logic of each resource.
 */
import { DfCloudClient } from "./client/client";
import { ConfigurationError } from "./client/errors";
import type { ResourceApi, ResourceDeps } from "./resources/api";
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
let client: { key: string; api: ResourceApi } | undefined;

/**
 * Takes `dfcloud:apiKey` / `dfcloud:apiUrl` from the stack config the engine hands the provider.
 * The key stays in this process's memory; it is never returned in outputs.
 */
export function configure(config: ProviderConfig): void {
  configured = { apiKey: config.get("dfcloud:apiKey"), apiUrl: config.get("dfcloud:apiUrl") };
  client = undefined;
}

/** Resolves credentials: explicit config first, then DFCLOUD_API_KEY / DFCLOUD_API_URL. */
export function resolveCredentials(config: Credentials, env: NodeJS.ProcessEnv = process.env): Credentials {
  return {
    apiKey: config.apiKey || env.DFCLOUD_API_KEY || undefined,
    apiUrl: config.apiUrl || env.DFCLOUD_API_URL || undefined,
  };
}

/** Builds a client from credentials; a missing key is a ConfigurationError that says how to set it. */
export function createClient(credentials: Credentials): DfCloudClient {
  if (!credentials.apiKey) {
    throw new ConfigurationError(
      "no Dragonfly Cloud API key: set it with `pulumi config set --secret dfcloud:apiKey <key>` or the DFCLOUD_API_KEY environment variable",
    );
  }
  return new DfCloudClient({
    apiKey: credentials.apiKey,
    ...(credentials.apiUrl ? { apiUrl: credentials.apiUrl } : {}),
  });
}

function deps(): ResourceDeps {
  const credentials = resolveCredentials(configured);
  const cacheKey = `${credentials.apiUrl ?? ""}|${credentials.apiKey ?? ""}`;
  if (!client || client.key !== cacheKey) client = { key: cacheKey, api: createClient(credentials) };
  return { api: client.api, now: Date.now, log: (message) => console.log(message) };
}

/** The logic of each resource kind, as the serialised provider calls it. */
export const logic = {
  BackupSchedule: backupScheduleLogic(deps),
  Backup: backupLogic(deps),
  Restore: restoreLogic(deps),
};
