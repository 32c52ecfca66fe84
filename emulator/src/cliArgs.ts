/** The command line of `dfcloud-emulator`, parsed into {@link EmulatorOptions}. */
import { parseArgs } from "node:util";
import type { EmulatorOptions } from "./index.ts";

/** The `--help` text. */
export const USAGE = `Usage: dfcloud-emulator [options]

A local Dragonfly Cloud management API (see docs/api-model.md). When ready it prints one JSON line
on stdout, {"url": ..., "apiKeys": [...], "adminToken": ...}, and nothing else; errors go to stderr.
SIGINT or SIGTERM stops it (saving the state file).

Options:
  --host HOST           interface to listen on (default 127.0.0.1)
  --port PORT           TCP port; 0 picks any free port (default 0)
  --state FILE          keep state in FILE across restarts (default: memory only)
  --api-key KEY         an API key, i.e. an account; repeat for more (default: one generated key)
  --admin-token TOKEN   bearer token of the /_emulator admin API (default: generated)
  --time-scale N        emulator seconds per real second; 0 freezes the clock (default 1)
  --no-backup-endpoints answer every /v1/backups path as an unknown path (404), as an API
                        without them would; scheduled backups are still taken and restorable
  --echo-authorization  put each request's Authorization header (as sent, URL-encoded, base64)
                        into every /v1 error answer, to test that a client never shows the key
  --help                print this help and exit
`;

/** What the command line asks for: help, or an emulator with options. */
export type CliCommand = { help: true } | { help: false; options: EmulatorOptions };

/** Parses `argv` (without the node and script paths); throws an Error with a readable message. */
export function parseCliArgs(argv: readonly string[]): CliCommand {
  const { values } = parseArgs({
    args: [...argv],
    strict: true,
    allowPositionals: false,
    options: {
      host: { type: "string" },
      port: { type: "string" },
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
  if (values.port !== undefined) options.port = numberOption("--port", values.port);
  if (values.state !== undefined) options.statePath = values.state;
  if (values["api-key"] !== undefined) options.apiKeys = values["api-key"];
  if (values["admin-token"] !== undefined) options.adminToken = values["admin-token"];
  if (values["time-scale"] !== undefined)
    options.timeScale = numberOption("--time-scale", values["time-scale"]);
  if (values["no-backup-endpoints"]) options.backupEndpoints = false;
  if (values["echo-authorization"]) options.echoAuthorization = true;
  return { help: false, options };
}

function numberOption(name: string, text: string): number {
  const value = Number(text);
  if (text.trim() === "" || !Number.isFinite(value))
    throw new Error(`${name} must be a number, got ${JSON.stringify(text)}`);
  return value;
}
