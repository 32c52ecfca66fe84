import { describe, expect, it } from "vitest";
import { isDfCloudError } from "../../src/client/errors";
import { path } from "../../src/client/path";

describe("path", () => {
  it("encodes each substituted id as one segment", () => {
    expect(path`/v1/datastores/${"dst_abc"}`).toBe("/v1/datastores/dst_abc");
    expect(path`/v1/datastores/${"a/b?c#d e%"}`).toBe("/v1/datastores/a%2Fb%3Fc%23d%20e%25");
    expect(path`/${"x"}/and/${"y"}`).toBe("/x/and/y");
    expect(path`/v1/datastores`).toBe("/v1/datastores");
  });

  it("keeps dots that are only part of an id", () => {
    expect(path`/v1/backups/${"..x"}`).toBe("/v1/backups/..x");
  });

  it.each(["", ".", ".."])("rejects the segment %j", (segment) => {
    expect(() => path`/v1/backups/${segment}`).toThrow(
      `An id in a request path must not be empty, "." or "..", got "${segment}"`,
    );
  });

  it("rejects a value that is not a string at runtime (e.g. an unknown Pulumi input)", () => {
    const notAString = undefined as unknown as string;
    let thrown: unknown;
    try {
      path`/v1/backups/${notAString}`;
    } catch (error) {
      thrown = error;
    }
    expect(isDfCloudError(thrown, "InvalidArgumentError")).toBe(true);
    expect((thrown as Error).message).toBe("An id in a request path must be a string, got undefined");
  });
});
