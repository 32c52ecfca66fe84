/** The command line of `dfcloud-emulator`, parsed into {@link EmulatorOptions} and what to do once listening. */
import { parseArgs } from "node:util";
import type { EmulatorOptions } from "./index.ts";
import { datastoreEnvName } from "./startup.ts";

/**
 * The port the CLI listens on without `--port`: fixed, so a program's `apiUrl` and the docs can
 * name it. Not LocalStack's 4566 (the two are often run side by side) nor a common server default.
 * The library's {@link EmulatorOptions.port} keeps 0 (any free port), which parallel tests rely on.
 */
export const DEFAULT_CLI_PORT = 8765;

/** The `--help` text. */
export const USAGE = `Usage: dfcloud-emulator [options]

A local Dragonfly Cloud management API (see docs/api-model.md). When ready it prints one JSON line
on stdout, {"url": ..., "apiKeys": [...], "adminToken": ...} (plus "datastores": {name: id} with
--seed-datastore), and nothing else; with --env, shell lines instead. Logs and errors go to stderr.
SIGINT or SIGTERM stops it (saving the state file).

For a program (see emulator/README.md, "Start it for your program"):
  dfcloud-emulator --seed-datastore app --env --detach > .dfcloud.env && . ./.dfcloud.env
  ...                                   # run the program (pulumi up): it reads DFCLOUD_API_URL/_KEY
  kill "$DFCLOUD_EMULATOR_PID"          # stop it

Options:
  --host HOST             interface to listen on (default 127.0.0.1)
  --port PORT             TCP port; 0 picks any free port (default ${DEFAULT_CLI_PORT})
  --seed-datastore NAME   at start, an active datastore named NAME in the first account (aws
                          eu-west-1, 6.25 GB standard, no TLS, three sample keys); one already in
                          the state file under that name is reused; repeat for more
  --env                   print \`export NAME=value\` lines on stdout instead of the JSON line:
                          DFCLOUD_API_URL, DFCLOUD_API_KEY, DFCLOUD_DATASTORE_<NAME> per seeded
                          datastore, DFCLOUD_EMULATOR_ADMIN_TOKEN, DFCLOUD_EMULATOR_PID
  --detach                start in the background and exit once it is ready, after printing (the
                          JSON line, or the --env lines); it keeps running until killed
  --state FILE            keep state in FILE across restarts (default: memory only)
  --api-key KEY           an API key, i.e. an account; repeat for more (default: one generated key)
  --admin-token TOKEN     bearer token of the /_emulator admin API (default: generated)
  --time-scale N          emulator seconds per real second; 0 freezes the clock (default 1)
  --no-backup-endpoints   answer every /v1/backups path as an unknown path (404), as an API
                          without them would; scheduled backups are still taken and restorable
  --echo-authorization    put each request's Authorization header (as sent, URL-encoded, base64)
                          into every /v1 error answer, to test that a client never shows the key
  --help                  print this help and exit
`;

/** What the command line asks for: help, or an emulator with options and what to do once it listens. */
export type CliCommand = { help: true } | ({ help: false } & CliStart);

/** An emulator to start, and what to do once it listens. */
export interface CliStart {
  /** Options of the emulator; `port` is always set (default {@link DEFAULT_CLI_PORT}). */
  options: EmulatorOptions;
  /** Whether `--port` was given (the message for a taken port differs). */
  portGiven: boolean;
  /** Names of the datastores to seed (`--seed-datastore`), without repeats, in order. */
  seedDatastores: string[];
  /** `--env`: shell lines on stdout instead of the JSON line. */
  env: boolean;
  /** `--detach`: run in the background, and exit once it is ready and has printed. */
  detach: boolean;
}

/** Parses `argv` (without the node and script paths); throws an Error with a readable message. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
      "seed-datastore": { type: "string", multiple: true },
      env: { type: "boolean" },
      detach: { type: "boolean" },
      state: { type: "string" },
      "api-key": { type: "string", multiple: true },
      "admin-token": { type: "string" },
      "time-scale": { type: "string" },
      "no-backup-endpoints": { type: "boolean" },
      "echo-authorization": { type: "boolean" },
      help: { type: "boolean" },
    },
  });
  if (values.help) return { help: true };
  const options: EmulatorOptions = {};
  if (values.host !== undefined) options.host = values.host;
  options.port = values.port === undefined ? DEFAULT_CLI_PORT : numberOption("--port", values.port);
  if (values.state !== undefined) options.statePath = values.state;
  if (values["api-key"] !== undefined) options.apiKeys = values["api-key"];
  if (values["admin-token"] !== undefined) options.adminToken = values["admin-token"];
  if (values["time-scale"] !== undefined)
    options.timeScale = numberOption("--time-scale", values["time-scale"]);
  if (values["no-backup-endpoints"]) options.backupEndpoints = false;
  if (values["echo-authorization"]) options.echoAuthorization = true;
  return {
    help: false,
    options,
    portGiven: values.port !== undefined,
    seedDatastores: datastoreNames(values["seed-datastore"] ?? []),
    env: values.env ?? false,
    detach: values.detach ?? false,
  };
}

/**
 * The `--seed-datastore` names without repeats (seeding one name twice is seeding it once); throws
 * when two names would share one `DFCLOUD_DATASTORE_<NAME>` variable, or one has no letter or digit.
 */
function datastoreNames(names: readonly string[]): string[] {
  const byVariable = new Map<string, string>();
  for (const name of names) {
    if (!/[A-Za-z0-9]/.test(name))
      throw new Error(`--seed-datastore needs a name with a letter or digit, got ${JSON.stringify(name)}`);
    const variable = datastoreEnvName(name);
    const other = byVariable.get(variable);
    if (other !== undefined && other !== name)
      throw new Error(
        `--seed-datastore ${JSON.stringify(other)} and ${JSON.stringify(name)} would both be ${variable}: give names that differ in their letters or digits`,
      );
    byVariable.set(variable, name);
  }
  return [...byVariable.values()];
}

function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new Error(`${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}
