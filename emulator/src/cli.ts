#!/usr/bin/env node
/**
 * `dfcloud-emulator`: starts the emulator, prints one JSON line `{"url", "apiKeys", "adminToken"}`
 * on stdout when ready, and stops cleanly (saving state) on SIGINT or SIGTERM. Exit codes: 0 after
 * a signal or --help, 1 when the emulator cannot start, 2 for a bad command line.
 */
import { parseCliArgs, USAGE } from "./cliArgs.ts";
import { startEmulator } from "./index.ts";

async function main(): Promise<void> {
  let command: ReturnType<typeof parseCliArgs>;
  try {
    command = parseCliArgs(process.argv.slice(2));
  } catch (error) {
    process.stderr.write(`dfcloud-emulator: ${(error as Error).message}\nTry --help.\n`);
    process.exit(2);
  }
  if (command.help) {
    process.stdout.write(USAGE);
    return;
  }
  const emulator = await startEmulator(command.options);
  const stop = () => {
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`dfcloud-emulator: error while stopping: ${String(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);
  const { url, apiKeys, adminToken } = emulator;
  process.stdout.write(`${JSON.stringify({ url, apiKeys, adminToken })}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`dfcloud-emulator: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
