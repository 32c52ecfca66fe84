/**
 * An API without the manual-backup endpoints (they are not public): the client tells "this endpoint does not
 * exist" (the collection `GET /v1/backups` answers 404) apart from "this backup does not exist" (only
 * `/v1/backups/{id}` answers 404), says which in its messages, asks the collection at most once per
 * client, and afterwards sends nothing to endpoints it knows are missing. A scripted server answers.
 */
import { afterEach, describe, expect, it } from "vitest";
import { BACKUP_ENDPOINTS_MISSING_MESSAGE } from "../../src/client/backups";
import { type DfCloudError, EndpointMissingError, isDfCloudError } from "../../src/client/errors";
import { backupFixture } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import type { ReceivedRequest, Reply, Script } from "./support/scripted-server";

afterEach(disconnectAll);

const MISSING =
  "this Dragonfly Cloud API offers no manual backup endpoints (GET /v1/backups answered 404): " +
  "Backup, listBackups and getBackup need them; BackupSchedule and Restore (with a backup id from the console) work without them";
const DATASTORE = "dst_aaaaaaaaaaaaaaaa";
const notFound = (what: string): Reply => ({ status: 404, json: { error: what } });
/** What an unknown path answers (the emulator's words; the live API's are unknown). */
const unknownPath = (request: ReceivedRequest): Reply =>
  notFound(`not found: ${request.method} ${request.url}`);
const ok = (json: unknown): Reply => ({ status: 200, json });
const calls = (requests: ReceivedRequest[]) => requests.map((r) => `${r.method} ${r.url}`);

/** An API whose every `/v1/backups` path is unknown. */
const noBackupEndpoints: Script = (request) => unknownPath(request);

/** An API with the endpoints, holding only `bkp_aaaaaaaaaaaaaaaa`, and no datastore to back up. */
const withBackupEndpoints: Script = (request) => {
  if (request.method === "POST") return notFound(`datastore ${DATASTORE} not found`);
  if (request.url.startsWith("/v1/backups?") || request.url === "/v1/backups") return ok([backupFixture()]);
  if (request.url === "/v1/backups/bkp_aaaaaaaaaaaaaaaa") return ok(backupFixture());
  return notFound(`backup ${request.url.split("/").pop()} not found`);
};

async function rejection(promise: Promise<unknown>): Promise<DfCloudError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  if (!isDfCloudError(error)) throw new Error(`expected a client error, got ${String(error)}`);
  return error;
}

describe("the collection answers 404: the endpoints are missing", () => {
  it("listBackups fails with the one message, a 404 of GET /v1/backups as its cause", async () => {
    const { client, server } = await connect(noBackupEndpoints);
    const error = await rejection(client.listBackups({ datastoreId: DATASTORE }));
    expect(error).toBeInstanceOf(EndpointMissingError);
    expect(error.message).toBe(MISSING);
    expect(BACKUP_ENDPOINTS_MISSING_MESSAGE).toBe(MISSING);
    expect(isDfCloudError(error, "EndpointMissingError")).toBe(true);
    // Never a "gone" 404 nor an answer to retry: callers that treat NotFoundError as gone leave it alone.
    expect(isDfCloudError(error, "NotFoundError")).toBe(false);
    expect(isDfCloudError(error, "ApiError")).toBe(false);
    expect(error).toMatchObject({ method: "GET", path: `/v1/backups?datastore_id=${DATASTORE}` });
    expect(error.cause).toMatchObject({
      name: "NotFoundError",
      status: 404,
      message: `GET /v1/backups?datastore_id=${DATASTORE} failed with 404 Not Found: not found: GET /v1/backups?datastore_id=${DATASTORE}`,
    });
    expect(calls(server.requests)).toEqual([`GET /v1/backups?datastore_id=${DATASTORE}`]);
  });

  it("getBackup's 404 is confirmed by one probe of the collection, then nothing more is sent", async () => {
    const { client, server } = await connect(noBackupEndpoints);
    const first = await rejection(client.getBackup("bkp_aaaaaaaaaaaaaaaa"));
    expect(first.name).toBe("EndpointMissingError");
    expect(first.message).toBe(MISSING);
    expect(first).toMatchObject({ method: "GET", path: "/v1/backups" });
    expect(calls(server.requests)).toEqual(["GET /v1/backups/bkp_aaaaaaaaaaaaaaaa", "GET /v1/backups"]);

    // Every backup call now fails the same way without a request.
    const later = await Promise.all([
      rejection(client.getBackup("bkp_bbbbbbbbbbbbbbbb")),
      rejection(client.listBackups()),
      rejection(client.createBackup({ datastore_id: DATASTORE, description: "", retention: 7 })),
      rejection(client.deleteBackup("bkp_aaaaaaaaaaaaaaaa")),
      rejection(client.waitForBackup("bkp_aaaaaaaaaaaaaaaa")),
    ]);
    for (const error of later) {
      expect(error.name).toBe("EndpointMissingError");
      expect(error.message).toBe(MISSING);
    }
    expect(server.requests).toHaveLength(2);
  });

  it("gives each caller its own error, so prefixing one message leaves the next untouched", async () => {
    const { client } = await connect(noBackupEndpoints);
    const first = await rejection(client.listBackups());
    first.message = `reading backup bkp_x: ${first.message}`;
    const second = await rejection(client.listBackups());
    expect(second).not.toBe(first);
    expect(second.message).toBe(MISSING);
  });

  it("deleteBackup does not count the 404 as deleted, and createBackup sends no POST", async () => {
    const deleting = await connect(noBackupEndpoints);
    const deleteError = await rejection(deleting.client.deleteBackup("bkp_aaaaaaaaaaaaaaaa"));
    expect(deleteError.message).toBe(MISSING);
    expect(calls(deleting.server.requests)).toEqual([
      "DELETE /v1/backups/bkp_aaaaaaaaaaaaaaaa",
      "GET /v1/backups",
    ]);

    const creating = await connect(noBackupEndpoints);
    const createError = await rejection(
      creating.client.createBackup({ datastore_id: DATASTORE, description: "x", retention: 7 }),
    );
    expect(createError.message).toBe(MISSING);
    expect(calls(creating.server.requests)).toEqual([`GET /v1/backups?datastore_id=${DATASTORE}`]);
  });

  it("probes once for concurrent 404s", async () => {
    const { client, server } = await connect(noBackupEndpoints);
    const errors = await Promise.all([
      rejection(client.getBackup("bkp_aaaaaaaaaaaaaaaa")),
      rejection(client.getBackup("bkp_bbbbbbbbbbbbbbbb")),
      rejection(client.deleteBackup("bkp_cccccccccccccccc")),
    ]);
    expect(errors.map((error) => error.message)).toEqual([MISSING, MISSING, MISSING]);
    expect(calls(server.requests).sort()).toEqual([
      "DELETE /v1/backups/bkp_cccccccccccccccc",
      "GET /v1/backups",
      "GET /v1/backups/bkp_aaaaaaaaaaaaaaaa",
      "GET /v1/backups/bkp_bbbbbbbbbbbbbbbb",
    ]);
  });
});

describe("the collection answers: it is the backup that is missing", () => {
  it("getBackup's 404 is a NotFoundError that says the endpoints exist; the verdict is kept", async () => {
    const { client, server } = await connect(withBackupEndpoints);
    const error = await rejection(client.getBackup("bkp_zzzzzzzzzzzzzzzz"));
    expect(error.name).toBe("NotFoundError");
    expect(error.message).toBe(
      "GET /v1/backups/bkp_zzzzzzzzzzzzzzzz failed with 404 Not Found: backup bkp_zzzzzzzzzzzzzzzz not found. " +
        "Backup bkp_zzzzzzzzzzzzzzzz does not exist in this account (the backup endpoints exist: GET /v1/backups answers)",
    );
    expect(error).toMatchObject({ status: 404, path: "/v1/backups/bkp_zzzzzzzzzzzzzzzz" });
    expect(error.cause).toMatchObject({ name: "NotFoundError", status: 404 });

    await expect(client.getBackup("bkp_yyyyyyyyyyyyyyyy")).rejects.toMatchObject({ name: "NotFoundError" });
    expect(calls(server.requests)).toEqual([
      "GET /v1/backups/bkp_zzzzzzzzzzzzzzzz",
      "GET /v1/backups",
      "GET /v1/backups/bkp_yyyyyyyyyyyyyyyy",
    ]);
  });

  it("does not probe after any backup call was answered", async () => {
    const { client, server } = await connect(withBackupEndpoints);
    await expect(client.getBackup("bkp_aaaaaaaaaaaaaaaa")).resolves.toMatchObject({ status: "ready" });
    await expect(client.deleteBackup("bkp_zzzzzzzzzzzzzzzz")).resolves.toEqual({ existed: false });
    expect(calls(server.requests)).toEqual([
      "GET /v1/backups/bkp_aaaaaaaaaaaaaaaa",
      "DELETE /v1/backups/bkp_zzzzzzzzzzzzzzzz",
    ]);
  });

  it("createBackup's 404 after the list answered is the datastore's", async () => {
    const { client, server } = await connect(withBackupEndpoints);
    const error = await rejection(
      client.createBackup({ datastore_id: DATASTORE, description: "x", retention: 7 }),
    );
    expect(error.name).toBe("NotFoundError");
    expect(error.message).toBe(
      `POST /v1/backups failed with 404 Not Found: datastore ${DATASTORE} not found. ` +
        `Datastore ${DATASTORE} does not exist in this account (the backup endpoints exist: GET /v1/backups answers)`,
    );
    expect(calls(server.requests)).toEqual([`GET /v1/backups?datastore_id=${DATASTORE}`, "POST /v1/backups"]);
  });

  it("a probe that fails otherwise settles nothing: its error is thrown and the next 404 probes again", async () => {
    let probes = 0;
    const { client, server } = await connect(
      (request) => {
        if (request.url !== "/v1/backups") return notFound("backup not found");
        probes += 1;
        return probes === 1 ? { status: 500, json: { error: "database unavailable" } } : ok([]);
      },
      { retry: { maxAttempts: 1 } },
    );
    const first = await rejection(client.getBackup("bkp_zzzzzzzzzzzzzzzz"));
    expect(first.name).toBe("ServerError");
    expect(first.message).toBe("GET /v1/backups failed with 500 Internal Server Error: database unavailable");
    const second = await rejection(client.getBackup("bkp_zzzzzzzzzzzzzzzz"));
    expect(second.name).toBe("NotFoundError");
    expect(calls(server.requests)).toEqual([
      "GET /v1/backups/bkp_zzzzzzzzzzzzzzzz",
      "GET /v1/backups",
      "GET /v1/backups/bkp_zzzzzzzzzzzzzzzz",
      "GET /v1/backups",
    ]);
  });
});
