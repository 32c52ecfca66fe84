import { afterEach, describe, expect, it } from "vitest";
import { DfCloudClient } from "../../src/client/client";
import { isDfCloudError } from "../../src/client/errors";
import { datastoreFixture, TEST_API_KEY } from "./support/fixtures";
import { connect, disconnectAll } from "./support/harness";
import type { Script } from "./support/scripted-server";

afterEach(disconnectAll);

/** Every string an error exposes: message, stack, own fields and its JSON form. */
function everythingSaidBy(error: unknown): string {
  const fields = Object.values(error as object).filter((value) => typeof value === "string");
  return [(error as Error).message, (error as Error).stack, JSON.stringify(error), ...fields].join("\n");
}

describe("requests", () => {
  it("sends the key as a Bearer token, JSON headers and a User-Agent", async () => {
    const datastore = datastoreFixture();
    const { client, server } = await connect(() => ({ status: 200, json: datastore }), {
      userAgent: "tests/1",
    });
    await client.setBackupPolicy(datastore.datastore_id, { enabled: false });
    const [get, put] = server.requests;
    expect(get?.headers).toMatchObject({
      authorization: `Bearer ${TEST_API_KEY}`,
      accept: "application/json",
      "user-agent": "tests/1",
    });
    expect(get?.headers["content-type"]).toBeUndefined();
    expect(put?.headers["content-type"]).toBe("application/json");
    expect(put?.url).toBe("/v1/datastores/dst_aaaaaaaaaaaaaaaa");
  });

  it("encodes ids in the path", async () => {
    const { client, server } = await connect((received) =>
      received.url === "/v1/backups"
        ? { status: 200, json: [] }
        : { status: 404, json: { error: "not found" } },
    );
    await expect(client.getBackup("a/../b?c")).rejects.toThrow(
      "GET /v1/backups/a%2F..%2Fb%3Fc failed with 404",
    );
    expect(server.requests[0]?.url).toBe("/v1/backups/a%2F..%2Fb%3Fc");
  });

  it("keeps the path of an apiUrl behind a gateway in front of every request's path", async () => {
    const { server } = await connect((received) =>
      received.url === "/gateway/dfcloud/v1/datastores"
        ? { status: 200, json: [] }
        : { status: 404, json: { error: "not found" } },
    );
    const client = new DfCloudClient({
      apiKey: TEST_API_KEY,
      apiUrl: `${server.url}/gateway/dfcloud/`,
      retry: { maxAttempts: 1 },
    });
    try {
      await expect(client.listDatastores()).resolves.toEqual([]);
      await expect(client.getDatastore("dst_x")).rejects.toThrow(
        "GET /v1/datastores/dst_x failed with 404 Not Found: not found",
      );
    } finally {
      await client.close();
    }
    expect(server.requests.map((request) => request.url)).toEqual([
      "/gateway/dfcloud/v1/datastores",
      "/gateway/dfcloud/v1/datastores/dst_x",
    ]);
  });
});

describe("the API key never appears in an error", () => {
  /** A server that echoes the Authorization header, as a careless proxy or error page might. */
  const echoAuthorization =
    (status: number, asJson: boolean): Script =>
    (request) => {
      const echoed = `rejected header "${request.headers.authorization}"`;
      return asJson ? { status, json: { error: echoed } } : { status, text: `<html>${echoed}</html>` };
    };

  it.each([
    [401, true],
    [400, true],
    [500, false],
    [418, false],
  ])("scrubs it from a %i body (JSON: %s)", async (status, asJson) => {
    const { client } = await connect(echoAuthorization(status, asJson), { retry: { maxAttempts: 1 } });
    const error = await client.listDatastores().catch((e: unknown) => e);
    expect(isDfCloudError(error, "ApiError")).toBe(true);
    expect(everythingSaidBy(error)).not.toContain(TEST_API_KEY);
    expect((error as Error).message).toContain('rejected header "Bearer [REDACTED]"');
  });

  it("scrubs it from the path when a caller passes it as an id", async () => {
    const { client } = await connect(() => ({ status: 404, json: { error: "not found" } }));
    const error = await client.getDatastore(TEST_API_KEY).catch((e: unknown) => e);
    expect((error as Error).message).toBe(
      "GET /v1/datastores/[REDACTED] failed with 404 Not Found: not found",
    );
    expect(everythingSaidBy(error)).not.toContain(TEST_API_KEY);
  });

  it("is not in a ConnectionError either", async () => {
    const { client } = await connect(() => "drop", { retry: { maxAttempts: 1 } });
    const error = await client.listDatastores().catch((e: unknown) => e);
    expect(isDfCloudError(error, "ConnectionError")).toBe(true);
    expect(everythingSaidBy(error)).not.toContain(TEST_API_KEY);
  });
});

describe("error bodies", () => {
  it("quotes a non-JSON body, shortened", async () => {
    const { client } = await connect(() => ({ status: 502, text: `bad gateway ${"x".repeat(600)}` }), {
      retry: { maxAttempts: 1 },
    });
    const error = await client.listDatastores().catch((e: unknown) => e);
    expect((error as { serverMessage: string }).serverMessage).toBe(`bad gateway ${"x".repeat(488)}…`);
  });

  it("says when the body was empty", async () => {
    const { client } = await connect(() => ({ status: 405 }));
    await expect(client.listDatastores()).rejects.toThrow(
      "GET /v1/datastores failed with 405 Method Not Allowed: (empty body)",
    );
  });
});

describe("response validation", () => {
  it("names the path of the field that failed its schema", async () => {
    const datastore = datastoreFixture();
    const broken = {
      ...datastore,
      config: { ...datastore.config, backup_policy: { enabled: true, hours: ["3"] } },
    };
    const { client } = await connect(() => ({ status: 200, json: broken }));
    const error = await client.getDatastore(datastore.datastore_id).catch((e: unknown) => e);
    expect(isDfCloudError(error, "ResponseValidationError")).toBe(true);
    expect(error).toMatchObject({ fieldPath: "config.backup_policy.hours[0]" });
    expect((error as Error).message).toBe(
      "GET /v1/datastores/dst_aaaaaaaaaaaaaaaa returned a body this client does not understand: " +
        "config.backup_policy.hours[0]: Invalid input: expected number, received string",
    );
  });

  it("names list indexes of a missing required field", async () => {
    const { datastore_id: _, ...withoutId } = datastoreFixture();
    const { client } = await connect(() => ({ status: 200, json: [datastoreFixture(), withoutId] }));
    await expect(client.listDatastores()).rejects.toMatchObject({ fieldPath: "[1].datastore_id" });
  });

  it("reads tolerantly: a status it does not know and fields it does not use are no error", async () => {
    // Only ids, statuses and the config are required: one difference in the real API must not break
    // every operation, destroy included.
    const minimal = {
      datastore_id: "dst_x",
      status: "paused",
      config: { backup_policy: { enabled: false } },
    };
    const { client } = await connect(() => ({ status: 200, json: minimal }));
    await expect(client.getDatastore("dst_x")).resolves.toEqual(minimal);
  });

  it("never holds the datastore's password", async () => {
    const { client } = await connect(() => ({ status: 200, json: datastoreFixture() }));
    const datastore = await client.getDatastore("dst_aaaaaaaaaaaaaaaa");
    expect(JSON.stringify(datastore)).not.toContain("password");
    expect(Object.keys(datastore)).toEqual(["datastore_id", "status", "config"]);
  });

  it("refuses a body that is not JSON, without retrying", async () => {
    const { client, server } = await connect(() => ({ status: 200, text: "<html>maintenance</html>" }));
    await expect(client.listDatastores()).rejects.toThrow(
      "GET /v1/datastores returned a body this client does not understand: (body): the body is not JSON",
    );
    expect(server.requests).toHaveLength(1);
  });

  it("keeps fields the schema does not know, at every depth", async () => {
    const datastore = datastoreFixture();
    const future = {
      ...datastore,
      region_label: "Ireland",
      config: {
        ...datastore.config,
        tier: { ...datastore.config.tier, burst: { enabled: true } },
        backup_policy: { enabled: false, timezone: "Europe/Dublin" },
        encryption: { kms_key: "arn:aws:kms:…", rotate: [1, 2] },
      },
    };
    const { client } = await connect(() => ({ status: 200, json: future }));
    // The config is PUT back whole, so it keeps everything; the top level keeps only what is used.
    await expect(client.getDatastore(datastore.datastore_id)).resolves.toEqual({
      datastore_id: future.datastore_id,
      status: future.status,
      config: future.config,
    });
  });
});
