#!/usr/bin/env node
/**
 * `dfcloud-emulator`: starts the emulator, seeds the `--seed-datastore` datastores, prints one JSON
 * line `{"url", "apiKeys", "adminToken"}` (plus `"datastores": {name: id}` when it seeded any) on
 * stdout when ready, or with `--env` the shell lines a program needs, and stops cleanly (saving
 * state) on SIGINT or SIGTERM. With `--detach` it runs in the background and this process exits once
 * that one is ready. Logs go to stderr. Exit codes: 0 after a signal, --help or a detached start, 1
 * when the emulator cannot start, 2 for a bad command line.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { type CliStart, DEFAULT_CLI_PORT, parseCliArgs, USAGE } from "./cliArgs.ts";
import { startEmulator } from "./index.ts";
import { programEnvironment, type ReadyEmulator, seedDatastores, shellLines } from "./startup.ts";

/** The JSON line printed when ready (what a detached start reads from the background process). */
interface ReadyLine {
  url: string;
  apiKeys: string[];
  adminToken: string;
  datastores?: Record<string, string>;
  pid?: number;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(argv);
  } catch (error) {
    fail(2, `${(error as Error).message}\nTry --help.`);
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return;
  }
  if (command.detach) await startDetached(command, argv);
  else await startHere(command);
}

/** Runs the emulator in this process until SIGINT or SIGTERM. */
async function startHere(command: CliStart): Promise<void> {
  const emulator = await startEmulator(command.options).catch((error: unknown) =>
    fail(1, startFailure(error, command)),
  );
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => fail(1, `error while stopping: ${String(error)}`),
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const { url, apiKeys, adminToken } = emulator;
  const datastores = await seedDatastores(emulator.admin, apiKeys[0] ?? "", command.seedDatastores).catch(
    async (error: unknown) => {
      await emulator.close();
      return fail(
        1,
        `seeding the datastores failed: ${error instanceof Error ? error.message : String(error)}`,
      );
    },
  );
  const ready: ReadyEmulator = { url, apiKeys, adminToken, datastores, pid: process.pid };
  const line: ReadyLine = { url, apiKeys, adminToken };
  if (datastores.length > 0) line.datastores = Object.fromEntries(datastores.map((d) => [d.name, d.id]));
  process.stdout.write(command.env ? shellLines(programEnvironment(ready)) : `${JSON.stringify(line)}\n`);
  for (const { name, id, created } of datastores)
    log(`datastore ${JSON.stringify(name)}: ${id}${created ? "" : " (from the state file)"}`);
  log(`ready at ${url} (pid ${process.pid}); SIGINT (Ctrl-C) or SIGTERM (\`kill ${process.pid}\`) stops it`);
}

/**
 * `--detach`: starts this command again without `--detach` and `--env`, in the background (its own
 * session, so closing the terminal does not stop it; its stderr is this one's), reads its JSON line,
 * prints what was asked for with the background process's id, and exits. A background process that
 * fails to start has already said why on stderr; its exit code is this one's.
 */
async function startDetached(command: CliStart, argv: readonly string[]): Promise<void> {
  const script = process.argv[1];
  if (script === undefined) fail(1, "cannot tell which script to start in the background");
  const child = spawn(
    process.execPath,
    [...process.execArgv, script, ...argv.filter((arg) => arg !== "--detach" && arg !== "--env")],
    { detached: true, stdio: ["ignore", "pipe", "inherit"] },
  );
  const stdout = child.stdout;
  if (!stdout) fail(1, "the background process has no stdout");
  const text = await new Promise<string>((resolve) => {
    child.once("exit", (code, signal) =>
      fail(code || 1, `the background emulator exited (${signal ?? `code ${code}`}) before it was ready`),
    );
    createInterface({ input: stdout }).once("line", resolve);
  });
  child.removeAllListeners("exit");
  stdout.destroy();
  child.unref();
  const pid = child.pid ?? 0;
  const started = JSON.parse(text) as ReadyLine;
  const datastores = Object.entries(started.datastores ?? {}).map(([name, id]) => ({
    name,
    id,
    created: true,
  }));
  process.stdout.write(
    command.env
      ? shellLines(programEnvironment({ ...started, datastores, pid }))
      : `${JSON.stringify({ ...started, pid })}\n`,
  );
}

/** Why the emulator could not start: for a port in use, which port and what to pass instead. */
function startFailure(error: unknown, command: CliStart): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (code === "EADDRINUSE") {
    const port = command.options.port ?? DEFAULT_CLI_PORT;
    const host = command.options.host ?? "127.0.0.1";
    return (
      `port ${port} on ${host} is already in use (another dfcloud-emulator?)` +
      `${command.portGiven ? "" : `; ${port} is the default port`}: pass --port N to listen on another ` +
      "port, or --port 0 for any free one"
    );
  }
  return error instanceof Error ? error.message : String(error);
}

/** A line on stderr, where every log line goes (stdout carries only the ready line or the --env lines). */
function log(message: string): void {
  process.stderr.write(`dfcloud-emulator: ${message}\n`);
}

function fail(code: number, message: string): never {
  log(message);
  process.exit(code);
}

main().catch((error: unknown) => fail(1, error instanceof Error ? error.message : String(error)));
