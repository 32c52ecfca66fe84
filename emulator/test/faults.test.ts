/** Fault injection on `/v1` calls and the request log that records it. */
import { describe, expect, it } from "vitest";
import { api, datastoreConfig, seedActive, useEmulator } from "./support.ts";

const emulator = useEmulator();

async function backupCount(): Promise<number> {
  return (await emulator().admin.state()).backups.length;
}

describe("fault kinds", () => {
  it("429 answers before handling, with Retry-After, and changes nothing", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setFaults({ rate: 1, kinds: ["429"], retryAfterSeconds: 7 });
    const answer = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    expect(answer.status).toBe(429);
    expect(answer.headers.get("retry-after")).toBe("7");
    expect(answer.body).toEqual({ error: "too many requests: rate limit exceeded" });
    expect(await backupCount()).toBe(0);
  });

  it("429 carries Retry-After 1 by default", async () => {
    await emulator().admin.setFaults({ rate: 1, kinds: ["429"] });
    expect((await api(emulator()).get("/v1/datastores")).headers.get("retry-after")).toBe("1");
  });

  it("503 answers before handling and changes nothing", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setFaults({ rate: 1, kinds: ["503"] });
    const answer = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    expect(answer).toMatchObject({ status: 503, body: { error: "service unavailable" } });
    expect(await backupCount()).toBe(0);
  });

  it("500 answers after handling: the backup exists although the client was told it failed", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setFaults({ rate: 1, kinds: ["500"] });
    const answer = await api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 });
    expect(answer).toMatchObject({ status: 500, body: { error: "internal server error" } });
    expect(await backupCount()).toBe(1);
  });

  it("drop handles the request, then closes the socket without an answer", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setFaults({ rate: 1, kinds: ["drop"] });
    await expect(api(emulator()).post("/v1/backups", { datastore_id: id, retention: 1 })).rejects.toThrow(
      "fetch failed",
    );
    expect(await backupCount()).toBe(1);
    const log = await emulator().admin.requests();
    expect(log).toMatchObject([{ method: "POST", path: "/v1/backups", status: "dropped", fault: "drop" }]);
  });

  it("a retried POST after a drop is answered with the first backup when it reuses the Idempotency-Key", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setFaults({ rate: 1, kinds: ["drop"], limit: 1 });
    const body = { datastore_id: id, retention: 1 };
    await expect(
      api(emulator()).post("/v1/backups", body, { "idempotency-key": "retry-me" }),
    ).rejects.toThrow();
    const retried = await api(emulator()).post("/v1/backups", body, { "idempotency-key": "retry-me" });
    expect(retried.status).toBe(200);
    const { backups } = await emulator().admin.state();
    expect(backups.map((b) => b.backup_id)).toEqual([retried.body.backup_id]);
  });

  it("latency delays the answer by latencyMs (real time) and then answers normally", async () => {
    await emulator().admin.setFaults({ rate: 1, kinds: ["latency"], latencyMs: 150 });
    const started = performance.now();
    const answer = await api(emulator()).get("/v1/datastores");
    expect(performance.now() - started).toBeGreaterThanOrEqual(145);
    expect(answer).toMatchObject({ status: 200, body: [] });
    expect(await emulator().admin.requests()).toMatchObject([{ status: 200, fault: "latency" }]);
  });
});

describe("fault selection", () => {
  /** The statuses of `count` GETs under `seed` at rate 0.5 over 429 and 503. */
  async function sequence(seed: number, count = 40): Promise<number[]> {
    await emulator().admin.setFaults({ rate: 0.5, kinds: ["429", "503"], seed });
    const statuses: number[] = [];
    for (let i = 0; i < count; i++) statuses.push((await api(emulator()).get("/v1/datastores")).status);
    return statuses;
  }

  it("gives the same sequence for the same seed, and another for another seed", async () => {
    const first = await sequence(42);
    expect(new Set(first)).toEqual(new Set([200, 429, 503]));
    expect(await sequence(42)).toEqual(first);
    expect(await sequence(43)).not.toEqual(first);
  });

  it("injects nothing at rate 0", async () => {
    const statuses = await (async () => {
      await emulator().admin.setFaults({ rate: 0, kinds: ["503"] });
      return Promise.all(Array.from({ length: 10 }, () => api(emulator()).get("/v1/datastores")));
    })();
    expect(statuses.map((s) => s.status)).toEqual(Array(10).fill(200));
  });

  it("applies only to matching methods and path prefixes, and at most `limit` times", async () => {
    const id = await seedActive(emulator());
    await emulator().admin.setFaults({
      rate: 1,
      kinds: ["503"],
      methods: ["POST"],
      pathPrefix: "/v1/backups",
      limit: 2,
    });
    const client = api(emulator());
    expect((await client.get("/v1/backups")).status).toBe(200);
    expect((await client.post("/v1/datastores", datastoreConfig())).status).toBe(200);
    const posts = [];
    for (let i = 0; i < 3; i++)
      posts.push((await client.post("/v1/backups", { datastore_id: id, retention: 1 })).status);
    expect(posts).toEqual([503, 503, 200]);
  });

  it("never touches the admin API", async () => {
    await emulator().admin.setFaults({ rate: 1, kinds: ["503"] });
    expect((await emulator().admin.state()).backups).toEqual([]);
    expect(await emulator().admin.faults()).toEqual({
      rate: 1,
      kinds: ["503"],
      seed: 0,
      retryAfterSeconds: 1,
      latencyMs: 0,
    });
  });

  it("stops after DELETE /_emulator/faults", async () => {
    await emulator().admin.setFaults({ rate: 1, kinds: ["503"] });
    await emulator().admin.clearFaults();
    expect(await emulator().admin.faults()).toBeNull();
    expect((await api(emulator()).get("/v1/datastores")).status).toBe(200);
  });
});
