import { defineConfig } from "vitest/config";

// The benchmark (bench.ts) and the soak (soak.ts) run on vitest because it loads TypeScript, the
// workspace packages and tests/engine/harness.ts exactly as the engine tests do. They are not part of
// `make test` (the root config does not include bench/); `make bench` and `make soak` name them.
export default defineConfig({
  test: {
    include: ["bench/bench.ts", "bench/soak.ts"],
    testTimeout: 3 * 60 * 60 * 1000,
    hookTimeout: 10 * 60 * 1000,
    fileParallelism: false,
  },
});
