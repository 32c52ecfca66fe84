/**
 * Destructive and creating writes whose answer is lost, against a scripted server: a restore PUT is
 * adopted when the datastore shows it took, sent again only when the datastore proves it did not, and
 * otherwise never repeated; two identical backup creates never share one backup; a cancelled
 * operation aborts its request in flight; the API's clock comes from its Date header.
 */
import { afterEach, describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import { withinOperation } from "../../src/client/operation";
import type { Backup, Datastore } from "../../src/client/schemas";
import { backupsApi } from "./support/backups-api";
import { backupFixture, datastoreFixture, type WireDatastore } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import type { Reply, Script } from "./support/scripted-server";

afterEach(disconnectAll);

const ID = "dst_aaaaaaaaaaaaaaaa";
const ok = (json: unknown): Reply => ({ status: 200, json });
const withRestore = (
  status: Datastore["status"],
  restore: { backup_id: string; loaded: boolean },
): WireDatastore => datastoreFixture({ status, config: { ...datastoreFixture().config, restore } });

/** Answers GETs with `reads` one after another (the last repeats) and drops every PUT after handling it. */
function lostPut(reads: WireDatastore[]): Script {
  let gets = 0;
  return (request) => {
    if (request.method === "PUT") return "drop";
    return ok(reads[Math.min(gets++, reads.length - 1)]);
  };
}

const puts = (requests: { method: string }[]) => requests.filter((r) => r.method === "PUT").length;

describe("startRestore after a lost answer", () => {
  it("adopts a restore that already finished: the datastore now holds the backup it did not before", async () => {
    // Seed 4 of the fault soak: the PUT's answer was lost and the restore was over before the re-read.
    const before = withRestore("active", { backup_id: "", loaded: false });
    const after = withRestore("active", { backup_id: "bkp_x", loaded: true });
    const { client, server } = await connect(lostPut([before, after]));
    await expect(client.startRestore(ID, "bkp_x")).resolves.toMatchObject({
      config: { restore: { backup_id: "bkp_x" } },
    });
    expect(puts(server.requests)).toBe(1);
  });

  it("adopts a restore still running", async () => {
    const before = withRestore("active", { backup_id: "bkp_x", loaded: true });
    const after = withRestore("restoring", { backup_id: "bkp_x", loaded: false });
    const { client, server } = await connect(lostPut([before, after]));
    await expect(client.startRestore(ID, "bkp_x")).resolves.toMatchObject({ status: "restoring" });
    expect(puts(server.requests)).toBe(1);
  });

  it("sends it again only when the datastore shows config.restore exactly as before", async () => {
    const before = withRestore("active", { backup_id: "bkp_old", loaded: true });
    let putsSeen = 0;
    const script: Script = (request) => {
      if (request.method === "GET") return ok(before);
      putsSeen += 1;
      return putsSeen === 1 ? "drop" : ok(withRestore("restoring", { backup_id: "bkp_x", loaded: false }));
    };
    const { client, server } = await connect(script);
    await expect(client.startRestore(ID, "bkp_x")).resolves.toMatchObject({ status: "restoring" });
    expect(puts(server.requests)).toBe(2);
  });

  it("never sends it again when it cannot tell: the same backup was loaded before and after", async () => {
    const loaded = withRestore("active", { backup_id: "bkp_x", loaded: true });
    const { client, server } = await connect(lostPut([loaded, loaded]));
    const error = await client.startRestore(ID, "bkp_x").catch((e: unknown) => e);
    expect(isDfCloudError(error, "OutcomeUnknownError")).toBe(true);
    expect((error as Error).message).toBe(
      `The answer to PUT /v1/datastores/${ID} (the restore of backup bkp_x) was lost, and datastore ${ID} is now active ` +
        'with restore {"backup_id":"bkp_x","loaded":true} (before: {"backup_id":"bkp_x","loaded":true}): cannot tell whether it was applied',
    );
    expect(puts(server.requests)).toBe(1);
  });
});

describe("createBackup with identical specs", () => {
  it("never hands one backup to two creates running at once, even when the first POST's answer is lost", async () => {
    // The first POST's answer is lost after the backup was made; the second is answered.
    const { script, stored } = backupsApi(["lost"]);
    const { client, server } = await connect(script);
    const spec = { datastore_id: ID, description: "twin", retention: 7 };
    const [a, b] = await Promise.all([client.createBackup(spec), client.createBackup(spec)]);
    expect(new Set([a.backup_id, b.backup_id]).size).toBe(2);
    expect(stored.map((backup) => backup.backup_id).sort()).toEqual([a.backup_id, b.backup_id].sort());
    // The second create starts only after the first has reconciled its lost answer.
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET", "GET", "POST"]);
  });
});

describe("cancellation", () => {
  it("finds the backup a cancelled POST created, so it is recorded rather than orphaned and taken twice", async () => {
    const cancel = new AbortController();
    const stored: Backup[] = [];
    const { client, server } = await connect((request) => {
      if (request.method === "GET") return ok(stored);
      // The API creates the backup; its answer is still on the way when Pulumi cancels.
      stored.push(
        backupFixture({ backup_id: "bkp_made", status: "pending", description: "nightly", retention: 7 }),
      );
      cancel.abort(new Error("SIGINT"));
      return "hang";
    });
    const spec = { datastore_id: ID, description: "nightly", retention: 7 };
    const backup = await withinOperation({ signal: cancel.signal }, () => client.createBackup(spec));
    expect(backup.backup_id).toBe("bkp_made");
    expect(server.requests.map((r) => r.method)).toEqual(["GET", "POST", "GET"]);
  });

  it("stays cancelled when the cancelled POST created nothing", async () => {
    const cancel = new AbortController();
    const { client } = await connect((request) => {
      if (request.method === "GET") return ok([]);
      cancel.abort(new Error("SIGINT"));
      return "hang";
    });
    const spec = { datastore_id: ID, description: "nightly", retention: 7 };
    const error = await withinOperation({ signal: cancel.signal }, () => client.createBackup(spec)).catch(
      (e: unknown) => e,
    );
    expect(isDfCloudError(error, "CancelledError")).toBe(true);
  });

  it("aborts the request in flight at once with a CancelledError", async () => {
    const cancel = new AbortController();
    const { client, server } = await connect(() => {
      cancel.abort(new Error("SIGTERM"));
      return "hang";
    });
    const error = await withinOperation({ signal: cancel.signal }, () => client.getDatastore(ID)).catch(
      (e: unknown) => e,
    );
    expect(isDfCloudError(error, "CancelledError")).toBe(true);
    expect((error as Error).message).toBe(`Cancelled while GET /v1/datastores/${ID}`);
    expect(server.requests).toHaveLength(1);
  });

  it("starts no retry and no request after the operation's deadline", async () => {
    const { client, clock, server } = await connect(() => ({ status: 503, json: { error: "busy" } }));
    const error = await withinOperation({ deadlineMs: clock.now() + 120 }, () =>
      client.getDatastore(ID),
    ).catch((e: unknown) => e);
    expect(isDfCloudError(error, "ServerError")).toBe(true);
    // Backoff 50 ms then 100 ms (jitter 0.5): the third attempt would start at 150 ms, past the deadline.
    expect(clock.sleeps).toEqual([50]);
    expect(server.requests).toHaveLength(2);
  });
});

describe("the API's clock", () => {
  it("is read from the Date header and moves on with the client's clock", async () => {
    const { client, clock } = await connect(() => ok(datastoreFixture()));
    expect(client.apiNow()).toBeUndefined();
    await client.getDatastore(ID);
    expect(client.apiNow()).toBe(clock.now());
    await clock.sleep(90_000);
    expect(client.apiNow()).toBe(clock.now());
  });
});
