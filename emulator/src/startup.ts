/**
 * What the `dfcloud-emulator` command does once it listens, for a program to run against it: seed
 * named datastores (`--seed-datastore`) and say, as shell lines (`--env`), how to reach them.
 */
import type { EmulatorAdmin } from "./admin.ts";
import type { JsonObject } from "./json.ts";
import type { DatastoreStatus } from "./types.ts";

/**
 * The config of a datastore seeded with `--seed-datastore NAME`: the smallest single-shard
 * `standard` datastore, in the location the repository's demo and examples use. No `dragonfly`
 * block, so `dragonfly.tls` reads `false`: the emulator's data plane is plain TCP, and a client that
 * turned TLS on for a datastore that asks for it (the restore drill does) would fail its handshake.
 */
export function seededDatastoreConfig(name: string): JsonObject {
  return {
    name,
    location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
    tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
  };
}

/** Statuses of a datastore that is going away: one of these is not reused for a name, a new one is seeded. */
const GOING_AWAY: readonly DatastoreStatus[] = ["deleting", "deleted"];

/** A datastore the CLI seeded, or found already seeded under its name. */
export interface SeededDatastore {
  /** The name given to `--seed-datastore` (the datastore's `config.name`). */
  name: string;
  /** Its `datastore_id`. */
  id: string;
  /** False when a datastore of that name was already in the account (from the state file) and is reused. */
  created: boolean;
}

/**
 * Seeds one active datastore per name in the account of `apiKey`, through the admin API (so its
 * data plane listens before the answer). A datastore of that name already in the account that is not
 * going away is reused, so a restart with a state file does not duplicate it; with several, the
 * oldest. New datastores hold the emulator's sample keys, like every new datastore.
 */
export async function seedDatastores(
  admin: EmulatorAdmin,
  apiKey: string,
  names: readonly string[],
): Promise<SeededDatastore[]> {
  if (names.length === 0) return [];
  const existing = (await admin.state()).datastores
    .filter((datastore) => datastore.apiKey === apiKey && !GOING_AWAY.includes(datastore.status))
    .sort((a, b) => a.created_at - b.created_at);
  const seeded: SeededDatastore[] = [];
  for (const name of names) {
    const found = existing.find((datastore) => datastore.config.name === name);
    if (found) {
      seeded.push({ name, id: found.datastore_id, created: false });
      continue;
    }
    const datastore = await admin.seedDatastore(apiKey, seededDatastoreConfig(name));
    seeded.push({ name, id: datastore.datastore_id, created: true });
  }
  return seeded;
}

/**
 * The variable `--env` gives a seeded datastore's id in: `DFCLOUD_DATASTORE_` and the name upper-cased,
 * every character but A–Z and 0–9 replaced by `_` (`my-app` → `DFCLOUD_DATASTORE_MY_APP`).
 */
export function datastoreEnvName(name: string): string {
  return `DFCLOUD_DATASTORE_${name.toUpperCase().replace(/[^A-Z0-9]/g, "_")}`;
}

/** What the CLI prints when ready (its JSON line), and the process that serves it. */
export interface ReadyEmulator {
  url: string;
  apiKeys: string[];
  adminToken: string;
  datastores: readonly SeededDatastore[];
  /** Process id of the emulator (the background one with `--detach`). */
  pid: number;
}

/**
 * The environment a program needs to use the emulator, in order: `DFCLOUD_API_URL` and
 * `DFCLOUD_API_KEY` (the names the provider reads: provider/src/host/credentials.ts, API_URL_ENV and
 * API_KEY_ENV; the key of the first account, where the datastores are seeded), one
 * {@link datastoreEnvName} per seeded datastore, `DFCLOUD_EMULATOR_ADMIN_TOKEN` and
 * `DFCLOUD_EMULATOR_PID`.
 */
export function programEnvironment(ready: ReadyEmulator): Array<[string, string]> {
  return [
    ["DFCLOUD_API_URL", reachableUrl(ready.url)],
    ["DFCLOUD_API_KEY", ready.apiKeys[0] ?? ""],
    ...ready.datastores.map(({ name, id }): [string, string] => [datastoreEnvName(name), id]),
    ["DFCLOUD_EMULATOR_ADMIN_TOKEN", ready.adminToken],
    ["DFCLOUD_EMULATOR_PID", String(ready.pid)],
  ];
}

/** `export NAME=value` lines, one per variable, each value quoted for the shell only where it needs it. */
export function shellLines(variables: ReadonlyArray<readonly [string, string]>): string {
  return variables.map(([name, value]) => `export ${name}=${shellWord(value)}\n`).join("");
}

/** `value` as one shell word: as is when it holds only characters no shell treats specially. */
function shellWord(value: string): string {
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(value)) return value;
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/**
 * The URL a program on this machine reaches the emulator at: a wildcard listen address (`--host
 * 0.0.0.0` or `::`, as in a container) becomes loopback, which is also the only plain-http host the
 * provider accepts without `allowInsecureHttp`.
 */
export function reachableUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.hostname === "0.0.0.0") parsed.hostname = "127.0.0.1";
  else if (parsed.hostname === "[::]") parsed.hostname = "[::1]";
  return parsed.origin;
}
