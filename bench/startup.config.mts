import { defineConfig } from "vitest/config";

// The native plugin's start-up measurement (bench/startup.ts): its launch modes side by side, into
// bench/startup-results.md. `make bench` runs it after bench.ts (STARTUP_UP_SIZE=0: bench.ts measures
// the plugin process during `up`); alone: `npx vitest run --config bench/startup.config.mts`. On
// vitest for the same reason as bench.ts (TypeScript, the workspace packages, tests/engine/harness.ts);
// not part of `make test`.
export default defineConfig({
  test: {
    include: ["bench/startup.ts"],
    testTimeout: 60 * 60 * 1000,
    hookTimeout: 10 * 60 * 1000,
    fileParallelism: false,
  },
});
