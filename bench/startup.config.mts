import { defineConfig } from "vitest/config";

// The native plugin's start-up measurement (bench/startup.ts): `npx vitest run --config
// bench/startup.config.mts`. On vitest for the same reason as bench.ts (TypeScript, the workspace
// packages, tests/engine/harness.ts); not part of `make test`, nor of `make bench`.
export default defineConfig({
  test: {
    include: ["bench/startup.ts"],
    testTimeout: 60 * 60 * 1000,
    hookTimeout: 10 * 60 * 1000,
    fileParallelism: false,
  },
});
