import { describe, expect, it, vi } from "vitest";
import {
  ApiError,
  apiErrorFromResponse,
  ConnectionError,
  type DfCloudErrorName,
  isDfCloudError,
  NotFoundError,
  ResponseValidationError,
  TerminalStateError,
  TimeoutError,
  WaitTimeoutError,
} from "../../src/client/errors";

const target = { method: "PUT", path: "/v1/datastores/dst_x" } as const;

describe("apiErrorFromResponse", () => {
  it.each<[number, DfCloudErrorName, string]>([
    [400, "BadRequestError", "Bad Request"],
    [401, "UnauthorizedError", "Unauthorized"],
    [403, "UnauthorizedError", "Forbidden"],
    [404, "NotFoundError", "Not Found"],
    [405, "ApiError", "Method Not Allowed"],
    [409, "ConflictError", "Conflict"],
    [413, "ApiError", "Payload Too Large"],
    [429, "RateLimitedError", "Too Many Requests"],
    [500, "ServerError", "Internal Server Error"],
    [503, "ServerError", "Service Unavailable"],
    [599, "ServerError", "Unknown Status"],
  ])("maps %i to %s", (status, name, statusText) => {
    const error = apiErrorFromResponse({ ...target, status, serverMessage: "why" });
    expect(error.name).toBe(name);
    expect(error.status).toBe(status);
    expect(
      error.message.startsWith(`PUT /v1/datastores/dst_x failed with ${status} ${statusText}: why`),
    ).toBe(true);
    expect(isDfCloudError(error, "ApiError")).toBe(true);
    expect(isDfCloudError(error, name)).toBe(true);
  });

  it("reads like the server's sentence, with the method and path in front", () => {
    const error = apiErrorFromResponse({
      ...target,
      status: 409,
      serverMessage: "datastore dst_x is updating; wait until it is active",
    });
    expect(error.message).toBe(
      "PUT /v1/datastores/dst_x failed with 409 Conflict: datastore dst_x is updating; wait until it is active",
    );
    expect(error).toMatchObject({
      method: "PUT",
      path: "/v1/datastores/dst_x",
      serverMessage: error.serverMessage,
    });
  });

  it("tells the user what to do about a rejected key", () => {
    const error = apiErrorFromResponse({
      ...target,
      status: 401,
      serverMessage: "unauthorized: missing or invalid API key",
    });
    expect(error.message).toBe(
      "PUT /v1/datastores/dst_x failed with 401 Unauthorized: unauthorized: missing or invalid API key. " +
        "Check the API key and its permissions. Set the key with " +
        "`pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable.",
    );
  });

  it("keeps Retry-After on a 429", () => {
    const error = apiErrorFromResponse({
      ...target,
      status: 429,
      serverMessage: "slow down",
      retryAfterMs: 2_000,
    });
    expect(error.retryAfterMs).toBe(2_000);
  });
});

describe("other errors", () => {
  it("says what each one is about", () => {
    expect(new ConnectionError(target, "other side closed", "UND_ERR_SOCKET").message).toBe(
      "PUT /v1/datastores/dst_x failed: connection error: other side closed (UND_ERR_SOCKET)",
    );
    expect(new TimeoutError(target, 15_000).message).toBe(
      "PUT /v1/datastores/dst_x timed out after 15000 ms without a complete answer",
    );
    const validation = new ResponseValidationError({ method: "GET", path: "/v1/datastores/dst_x" }, [
      { path: "config.backup_policy.hours[0]", message: "expected int" },
      { path: "status", message: "invalid option" },
    ]);
    expect(validation.message).toBe(
      "GET /v1/datastores/dst_x returned a body this client does not understand: " +
        "config.backup_policy.hours[0]: expected int (and 1 more)",
    );
    expect(validation.fieldPath).toBe("config.backup_policy.hours[0]");
    const wait = { waitedFor: "backup bkp_x to become ready", lastStatus: "pending", elapsedMs: 60_000 };
    expect(new WaitTimeoutError(wait).message).toBe(
      "Gave up after 1 minute waiting for backup bkp_x to become ready; last status seen: pending",
    );
    expect(new TerminalStateError({ ...wait, lastStatus: "failed" }).message).toBe(
      "Stopped waiting for backup bkp_x to become ready after 1 minute: it is failed, which is final",
    );
    // Timeouts are set in minutes, so they are reported in minutes, naming the setting that ended them.
    expect(
      new WaitTimeoutError({ ...wait, elapsedMs: 90_000, limit: "`waitTimeoutMinutes` = 1.5" }).message,
    ).toBe(
      "Gave up after 1.5 minutes waiting for backup bkp_x to become ready (limit: `waitTimeoutMinutes` = 1.5); last status seen: pending",
    );
  });
});

describe("isDfCloudError", () => {
  it("tells the kinds apart", () => {
    const notFound = new NotFoundError({ ...target, status: 404, serverMessage: "gone" });
    expect(isDfCloudError(notFound)).toBe(true);
    expect(isDfCloudError(notFound, "NotFoundError")).toBe(true);
    expect(isDfCloudError(notFound, "ApiError")).toBe(true);
    expect(isDfCloudError(notFound, "ConflictError")).toBe(false);
    expect(isDfCloudError(new TimeoutError(target, 1), "ApiError")).toBe(false);
    expect(isDfCloudError(new Error("plain"))).toBe(false);
    expect(isDfCloudError({ name: "NotFoundError", status: 404 }, "NotFoundError")).toBe(false);
    expect(isDfCloudError(null)).toBe(false);
    expect(isDfCloudError("NotFoundError")).toBe(false);
  });

  it("recognises errors of another copy of the module, where instanceof fails", async () => {
    vi.resetModules();
    const copy = await import("../../src/client/errors.js");
    const foreign = new copy.NotFoundError({ ...target, status: 404, serverMessage: "gone" });
    expect(copy.NotFoundError).not.toBe(NotFoundError);
    expect(foreign instanceof ApiError).toBe(false);
    expect(isDfCloudError(foreign, "NotFoundError")).toBe(true);
    expect(isDfCloudError(foreign, "ApiError")).toBe(true);
  });
});
