import { describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import { endpoint, ROUTES } from "../../src/client/routes";

describe("the route table", () => {
  it("names every endpoint once, in METHOD /path form", () => {
    expect(Object.values(ROUTES)).toEqual([
      "GET /v1/datastores",
      "GET /v1/datastores/{datastoreId}",
      "PUT /v1/datastores/{datastoreId}",
      "POST /v1/datastores",
      "DELETE /v1/datastores/{datastoreId}",
      "GET /v1/backups",
      "GET /v1/backups/{backupId}",
      "POST /v1/backups",
      "DELETE /v1/backups/{backupId}",
    ]);
  });

  it("encodes each id as one segment", () => {
    expect(endpoint(ROUTES.getDatastore, { datastoreId: "dst_abc" })).toEqual({
      method: "GET",
      path: "/v1/datastores/dst_abc",
    });
    expect(endpoint(ROUTES.getBackup, { backupId: "a/b?c#d e%" }).path).toBe(
      "/v1/backups/a%2Fb%3Fc%23d%20e%25",
    );
    expect(endpoint(ROUTES.getBackup, { backupId: "..x" }).path).toBe("/v1/backups/..x");
  });

  it("carries a query, headers and a body", () => {
    expect(endpoint(ROUTES.listBackups, {}, { query: { datastore_id: "dst_x" } })).toEqual({
      method: "GET",
      path: "/v1/backups",
      query: { datastore_id: "dst_x" },
    });
  });

  it.each(["", ".", ".."])("rejects the segment %j", (segment) => {
    expect(() => endpoint(ROUTES.deleteBackup, { backupId: segment })).toThrow(
      `An id in a request path must not be empty, "." or "..", got "${segment}"`,
    );
  });

  it("rejects a value that is not a string at runtime (e.g. an unknown Pulumi input)", () => {
    const error = (() => {
      try {
        endpoint(ROUTES.getBackup, { backupId: undefined as unknown as string });
      } catch (thrown) {
        return thrown;
      }
    })();
    expect(isDfCloudError(error, "InvalidArgumentError")).toBe(true);
    expect((error as Error).message).toBe("An id in a request path must be a string, got undefined");
  });
});
