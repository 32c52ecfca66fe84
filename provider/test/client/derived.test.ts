import { describe, expect, it } from "vitest";
import { backupExpiresAt, shardCount } from "../../src/client/derived";

const GB = 1_000_000_000;

describe("shardCount", () => {
  it.each([
    [{ enabled: false, shard_memory: 25 * GB }, 100 * GB, 1],
    [{ enabled: null }, 100 * GB, 1],
    [{ enabled: true, shard_memory: 25 * GB }, 100 * GB, 4],
    [{ enabled: true, shard_memory: 25 * GB }, 101 * GB, 5],
    [{ enabled: true, shard_memory: 50 * GB }, 25 * GB, 1],
  ])("of cluster %j with %i bytes is %i", (cluster, maxMemoryBytes, expected) => {
    const config = { cluster, tier: { max_memory_bytes: maxMemoryBytes, performance_tier: "standard" } };
    expect(shardCount(config)).toBe(expected);
  });

  it("does not know the shard count of a cluster whose shard size the API manages", () => {
    // The vendor documents shard_memory as optional, "managed automatically", and reads 0 as unset.
    const tier = { max_memory_bytes: GB, performance_tier: "standard" };
    expect(shardCount({ cluster: { enabled: true }, tier })).toBeUndefined();
    expect(shardCount({ cluster: { enabled: true, shard_memory: 0 }, tier })).toBeUndefined();
    expect(shardCount({ cluster: { enabled: true, shard_memory: GB } })).toBeUndefined();
  });
});

describe("backupExpiresAt", () => {
  it("adds the retention in days to created_at in seconds", () => {
    const createdAt = Date.UTC(2026, 0, 1, 12) / 1000;
    expect(backupExpiresAt({ created_at: createdAt, retention: 7 }).toISOString()).toBe(
      "2026-01-08T12:00:00.000Z",
    );
  });
});
