/**
 * readKeyspace: a restore drill reads a datastore's data back over RESP to prove a restore. Against
 * the emulator's data plane over loopback (its datastores serve their data at `addr`, answer
 * `-LOADING` while a restore runs, and check the `default` user's password), and, for what the
 * emulator cannot be made to do on demand (echo a password, never answer, refuse AUTH when none is
 * due), against small RESP servers on loopback written here. Emulator time moves only with the
 * client's clock, so waiting through a 30 s restore takes no real time.
 */
import { execFile } from "node:child_process";
import { createServer, type Server, type Socket } from "node:net";
import * as path from "node:path";
import { inspect } from "node:util";
import type { JsonObject } from "dfcloud-emulator";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { type DataPlaneError, isDfCloudError } from "../../src/client/errors";
import type { Clock } from "../../src/client/retry";
import type { DatastoreConfig } from "../../src/client/schemas";
import { API_KEY, datastoreConfig, type EmulatorHarness, startEmulatorHarness } from "./support/emulator";
import { connect, disconnectAll, rejectionOf } from "./support/harness";

/** The emulator's data plane speaks no TLS: datastores read over it say so. */
const PLAIN: Partial<DatastoreConfig> = { dragonfly: { cache_mode: false, tls: false } };
/** Emulator seconds a restore takes: long enough that a read started with it sees `LOADING` many times. */
const RESTORE_SECONDS = 30;
const LOADING_REPLY = "LOADING Dragonfly is loading the dataset in memory";

let harness: EmulatorHarness;
beforeAll(async () => {
  harness = await startEmulatorHarness({ durations: { restore: RESTORE_SECONDS, datastoreUpdate: 0 } });
});
afterAll(() => harness.close());
beforeEach(() => harness.emulator.admin.reset());
afterEach(() => disconnectAll());

/** Seeds an active datastore as the emulator answers it (with its `addr` and `password`). */
async function seedPlain(overrides: Partial<DatastoreConfig> = {}) {
  return harness.emulator.admin.seedDatastore(
    API_KEY,
    datastoreConfig({ ...PLAIN, ...overrides }) as JsonObject,
  );
}

/** The harness clock, recording every pause the client takes on it. */
function recordingClock(): Clock & { sleeps: number[] } {
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => harness.clock.now(),
    sleep: (ms) => {
      sleeps.push(ms);
      return harness.clock.sleep(ms);
    },
  };
}

/** Asserts `error` is a DataPlaneError and returns it typed. */
function asDataPlaneError(error: unknown): DataPlaneError {
  if (!isDfCloudError(error, "DataPlaneError"))
    throw new Error(`expected a DataPlaneError, got ${inspect(error)}`);
  return error;
}

/** Every way an error reaches a person or a file: none may hold the secret. */
function everyRendering(error: unknown): string[] {
  const record = error as Error;
  return [String(error), String(record.stack), JSON.stringify(error), inspect(error, { depth: 20 })];
}

// ---------------------------------------------------------------------------------------------
// A RESP server on loopback for behaviour the emulator does not show on demand

interface RespDouble {
  address: string;
  /** Every command received, as its arguments. */
  commands: string[][];
  /** Resolves with the first connection once it has sent a whole command. */
  firstCommand: Promise<Socket>;
  /** Resolves when a connection the server accepted has been closed by the client. */
  clientClosed: Promise<void>;
  close(): Promise<void>;
}

/**
 * Answers each command with what `answer` returns (raw RESP), or nothing when it returns undefined.
 * Parses arrays of bulk strings, which is all a Redis client sends.
 */
async function startRespDouble(answer: (argv: string[]) => string | undefined): Promise<RespDouble> {
  const commands: string[][] = [];
  let gotFirst: (socket: Socket) => void = () => {};
  const firstCommand = new Promise<Socket>((resolve) => {
    gotFirst = resolve;
  });
  let sawClose: () => void = () => {};
  const clientClosed = new Promise<void>((resolve) => {
    sawClose = resolve;
  });
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("error", () => {});
    socket.on("close", () => {
      sockets.delete(socket);
      sawClose();
    });
    let buffer = "";
    socket.on("data", (chunk) => {
      buffer += chunk.toString("latin1");
      for (;;) {
        const parsed = parseCommand(buffer);
        if (parsed === undefined) break;
        buffer = buffer.slice(parsed.length);
        commands.push(parsed.argv);
        gotFirst(socket);
        const reply = answer(parsed.argv);
        if (reply !== undefined) socket.write(reply);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  return {
    address: `127.0.0.1:${port}`,
    commands,
    firstCommand,
    clientClosed,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

function parseCommand(buffer: string): { argv: string[]; length: number } | undefined {
  const header = /^\*(\d+)\r\n/.exec(buffer);
  if (!header) return undefined;
  let at = header[0].length;
  const argv: string[] = [];
  for (let i = 0; i < Number(header[1]); i++) {
    const bulk = /^\$(\d+)\r\n/.exec(buffer.slice(at));
    if (!bulk) return undefined;
    const start = at + bulk[0].length;
    const end = start + Number(bulk[1]);
    if (buffer.length < end + 2) return undefined;
    argv.push(buffer.slice(start, end));
    at = end + 2;
  }
  return { argv, length: at };
}

/** A client of a scripted API whose one datastore `dst_double` has `wire`'s address and password. */
async function clientOfDatastore(wire: { addr: string; password: string; tls?: boolean }) {
  const datastore = {
    datastore_id: "dst_double",
    status: "active",
    addr: wire.addr,
    password: wire.password,
    config: { name: "double", dragonfly: { tls: wire.tls ?? false } },
  };
  return connect(() => ({ status: 200, json: datastore }));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

// ---------------------------------------------------------------------------------------------

describe("what the data plane holds", () => {
  it("counts every key of every type and names the expected keys that are absent, in the order asked", async () => {
    const datastore = await seedPlain();
    await harness.emulator.admin.setKeyspace(datastore.datastore_id, [
      { key: "user:1", type: "string", value: "Ada" },
      { key: "profile:1", type: "hash", value: [["name", "Ada"]] },
      { key: "queue", type: "list", value: ["a", "b"] },
      { key: "tags", type: "set", value: ["x"] },
      { key: "scores", type: "zset", value: [["ada", 1]] },
    ]);
    const reading = await harness.client().readKeyspace(datastore.datastore_id, {
      expectKeys: ["user:1", "order:9", "queue", "scores", "session:1"],
    });
    expect(reading).toEqual({
      keys: 5,
      missingKeys: ["order:9", "session:1"],
      address: datastore.addr,
    });
  });

  it("checks more expected keys than fit one pipelined batch, keeping their order", async () => {
    const datastore = await seedPlain();
    const data = Object.fromEntries(Array.from({ length: 1_200 }, (_, i) => [`k:${i}`, String(i)]));
    await harness.emulator.admin.setData(datastore.datastore_id, data);
    const expectKeys = Array.from({ length: 1_300 }, (_, i) => `k:${(i * 7) % 1_300}`);
    const reading = await harness.client().readKeyspace(datastore.datastore_id, { expectKeys });
    expect(reading.keys).toBe(1_200);
    expect(reading.missingKeys).toEqual(expectKeys.filter((key) => Number(key.slice(2)) >= 1_200));
    expect(reading.missingKeys).toHaveLength(100);
  });

  it("reads a datastore with disable_passkey, whose password is empty", async () => {
    const datastore = await seedPlain({ disable_passkey: true });
    expect(datastore.password).toBe("");
    await harness.emulator.admin.setData(datastore.datastore_id, { a: "1" });
    const reading = await harness.client().readKeyspace(datastore.datastore_id, { expectKeys: ["a", "b"] });
    expect(reading).toEqual({ keys: 1, missingKeys: ["b"], address: datastore.addr });
  });

  it("sends no AUTH when the password is empty (a server that refuses AUTH still answers)", async () => {
    const server = await startRespDouble((argv) => {
      const name = argv[0]?.toUpperCase();
      if (name === "AUTH" || name === "HELLO") return "-ERR AUTH not expected\r\n";
      if (name === "DBSIZE") return ":3\r\n";
      if (name === "EXISTS") return argv[1] === "present" ? ":1\r\n" : ":0\r\n";
      return "+OK\r\n";
    });
    try {
      const { client } = await clientOfDatastore({ addr: server.address, password: "" });
      const reading = await client.readKeyspace("dst_double", { expectKeys: ["present", "absent"] });
      expect(reading).toEqual({ keys: 3, missingKeys: ["absent"], address: server.address });
      expect(server.commands.map((argv) => argv[0]?.toUpperCase())).not.toContain("AUTH");
      expect(server.commands.filter((argv) => argv[0] === "EXISTS")).toEqual([
        ["EXISTS", "present"],
        ["EXISTS", "absent"],
      ]);
    } finally {
      await server.close();
    }
  });

  it("waits through LOADING while a restore runs, and reads the restored data", async () => {
    const datastore = await seedPlain();
    const id = datastore.datastore_id;
    await harness.emulator.admin.setData(id, { "order:1": "a", "order:2": "b" });
    const backup = await harness.emulator.admin.seedBackup(id);
    await harness.emulator.admin.setData(id, { "written-after-backup": "x" });
    const clock = recordingClock();
    const client = harness.client({ clock });
    const restoring = await client.startRestore(id, backup.backup_id);
    expect(restoring.status).toBe("restoring");

    const reading = await client.readKeyspace(id, {
      expectKeys: ["order:1", "order:2", "written-after-backup"],
    });
    expect(reading).toEqual({ keys: 2, missingKeys: ["written-after-backup"], address: datastore.addr });
    // The pauses are the client's LOADING backoff (250 ms growing ×1.5), together as long as the restore.
    expect(clock.sleeps.slice(0, 3)).toEqual([250, 375, 563]);
    const waited = clock.sleeps.reduce((sum, ms) => sum + ms, 0);
    expect(waited).toBeGreaterThanOrEqual(RESTORE_SECONDS * 1000);
    expect(waited).toBeLessThan(RESTORE_SECONDS * 1000 + 5_000);
  });

  it("gives up on LOADING when its budget runs out, saying how long it waited and what the server said", async () => {
    const datastore = await seedPlain();
    const backup = await harness.emulator.admin.seedBackup(datastore.datastore_id);
    const client = harness.client({ clock: recordingClock() });
    await client.startRestore(datastore.datastore_id, backup.backup_id);

    const error = asDataPlaneError(
      await rejectionOf(client.readKeyspace(datastore.datastore_id, { expectKeys: [], timeoutMs: 5_000 })),
    );
    expect(error.message).toBe(
      `Reading the data of datastore ${datastore.datastore_id} at ${datastore.addr} failed: ` +
        `timed out after 5 s: it was still loading its data (${LOADING_REPLY})`,
    );
    expect(error.failure).toBe("timeout");
  });
});

describe("failures", () => {
  it("a wrong password is an authentication failure that names the datastore and address, never the password", async () => {
    const target = await seedPlain();
    const wrongPassword = "wrong-passkey-0123456789abcdef";
    const { client } = await clientOfDatastore({ addr: target.addr, password: wrongPassword });
    const error = asDataPlaneError(
      await rejectionOf(client.readKeyspace("dst_double", { expectKeys: ["a"] })),
    );
    expect(error.message).toBe(
      `Reading the data of datastore dst_double at ${target.addr} failed: authentication refused as user ` +
        "default (WRONGPASS invalid username-password pair or user is disabled.)",
    );
    expect(error).toMatchObject({
      failure: "authentication",
      datastoreId: "dst_double",
      address: target.addr,
    });
    expect((error.cause as Error).message).toMatch(/^WRONGPASS/);
    for (const rendering of everyRendering(error)) expect(rendering).not.toContain(wrongPassword);
  });

  it("a server that echoes the password in its refusal still leaves it out of every rendering of the error", async () => {
    const password = "s3cret-echoed-passkey-42";
    const server = await startRespDouble((argv) => {
      const name = argv[0]?.toUpperCase();
      if (name === "AUTH") return `-WRONGPASS user ${argv[1]} with password ${argv[2]} is refused\r\n`;
      return "+OK\r\n";
    });
    try {
      const { client } = await clientOfDatastore({ addr: server.address, password });
      const error = asDataPlaneError(
        await rejectionOf(client.readKeyspace("dst_double", { expectKeys: [] })),
      );
      // Proof that the server did echo it: the AUTH it received carried the password.
      expect(server.commands[0]).toEqual(["AUTH", "default", password]);
      expect(error.failure).toBe("authentication");
      expect(error.message).toBe(
        `Reading the data of datastore dst_double at ${server.address} failed: authentication refused as user ` +
          "default (WRONGPASS user default with password [REDACTED] is refused)",
      );
      for (const rendering of everyRendering(error)) expect(rendering).not.toContain(password);
    } finally {
      await server.close();
    }
  });

  it("a port nothing listens on is a refused connection", async () => {
    const addr = `127.0.0.1:${await closedPort()}`;
    const { client } = await clientOfDatastore({ addr, password: "pw-not-shown-0123" });
    const error = asDataPlaneError(await rejectionOf(client.readKeyspace("dst_double", { expectKeys: [] })));
    expect(error.message).toBe(
      `Reading the data of datastore dst_double at ${addr} failed: connection refused`,
    );
    expect(error.failure).toBe("connection");
    expect((error.cause as { code?: string }).code).toBe("ECONNREFUSED");
  });

  it("a server that never answers times out within the budget and the connection is closed", async () => {
    const server = await startRespDouble(() => undefined);
    try {
      const { client } = await clientOfDatastore({ addr: server.address, password: "pw-not-shown-0123" });
      const error = asDataPlaneError(
        await rejectionOf(client.readKeyspace("dst_double", { expectKeys: [], timeoutMs: 300 })),
      );
      expect(error.message).toBe(
        `Reading the data of datastore dst_double at ${server.address} failed: ` +
          "timed out after 300 ms without a complete answer",
      );
      expect(error.failure).toBe("timeout");
      await server.clientClosed;
    } finally {
      await server.close();
    }
  });

  it("TLS is used when config.dragonfly.tls is true: against the emulator's plain listener the handshake fails", async () => {
    const datastore = await seedPlain({ dragonfly: { cache_mode: false, tls: true } });
    const error = asDataPlaneError(
      await rejectionOf(
        harness.client().readKeyspace(datastore.datastore_id, { expectKeys: [], timeoutMs: 10_000 }),
      ),
    );
    expect(error.failure).toBe("tls");
    // The emulator answers the ClientHello as RESP garbage; OpenSSL names the record it cannot read.
    expect(error.message).toMatch(
      new RegExp(
        `^Reading the data of datastore ${datastore.datastore_id} at ${datastore.addr} failed: ` +
          "TLS handshake failed \\([a-z ]+, ERR_SSL_[A-Z_]+\\)$",
      ),
    );
    for (const rendering of everyRendering(error)) expect(rendering).not.toContain(datastore.password);
  });

  it("a datastore that is not provisioned yet has no address: nothing is dialled", async () => {
    const datastore = await harness.emulator.admin.seedDatastore(
      API_KEY,
      datastoreConfig(PLAIN) as JsonObject,
      "pending",
    );
    expect(datastore.addr).toBe("");
    const error = asDataPlaneError(
      await rejectionOf(harness.client().readKeyspace(datastore.datastore_id, { expectKeys: [] })),
    );
    expect(error.message).toBe(
      `Reading the data of datastore ${datastore.datastore_id} failed: it has no address yet (status pending)`,
    );
    expect(error.failure).toBe("no-address");
  });

  it("an unknown datastore is the API's NotFoundError", async () => {
    const error = await rejectionOf(harness.client().readKeyspace("dst_nosuch", { expectKeys: [] }));
    expect(isDfCloudError(error, "NotFoundError")).toBe(true);
  });
});

describe("cancellation", () => {
  it("an abort while the server is silent closes the connection at once and rejects with CancelledError", async () => {
    const server = await startRespDouble(() => undefined);
    try {
      const { client } = await clientOfDatastore({ addr: server.address, password: "pw-not-shown-0123" });
      const controller = new AbortController();
      const reading = client.readKeyspace("dst_double", { expectKeys: ["a"], signal: controller.signal });
      await server.firstCommand;
      const abortedAt = performance.now();
      controller.abort(new Error("the update was cancelled"));
      const error = await rejectionOf(reading);
      expect(performance.now() - abortedAt).toBeLessThan(1_000);
      expect(isDfCloudError(error, "CancelledError")).toBe(true);
      expect((error as Error).message).toBe(
        `Cancelled while reading the data of datastore dst_double at ${server.address}`,
      );
      await server.clientClosed;
    } finally {
      await server.close();
    }
  });

  it("an already aborted signal sends nothing, not even the datastore lookup", async () => {
    const datastore = await seedPlain();
    await harness.emulator.admin.clearRequests();
    const controller = new AbortController();
    controller.abort();
    const error = await rejectionOf(
      harness.client().readKeyspace(datastore.datastore_id, { expectKeys: [], signal: controller.signal }),
    );
    expect(isDfCloudError(error, "CancelledError")).toBe(true);
    expect(await harness.emulator.admin.requests()).toEqual([]);
  });
});

describe("start-up cost", () => {
  it("loading the provider package does not load the Redis client; the first read does", async () => {
    const dist = path.resolve(__dirname, "../../dist/index.js");
    const program = `
      const loaded = () => Object.keys(require.cache).some((file) => file.includes("@redis"));
      require(${JSON.stringify(dist)});
      const before = loaded();
      import("@redis/client").then(() => console.log(JSON.stringify({ before, after: loaded() })));`;
    const stdout = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ["-e", program], { cwd: __dirname }, (error, out) =>
        error ? reject(error) : resolve(out),
      ),
    );
    expect(JSON.parse(stdout)).toEqual({ before: false, after: true });
  });
});
