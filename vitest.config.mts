import { defineConfig } from "vitest/config";

// Two projects: `unit` (fast, in-process, against the emulator over loopback) and `engine`
// (the real Pulumi engine; slow, so its files run one at a time).
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "unit",
          include: ["{provider,sdk,emulator,policy}/test/**/*.test.ts", "tests/unit/**/*.test.ts"],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: "engine",
          include: ["tests/engine/**/*.test.ts"],
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
