/**
 * Ids in a shape the API never issues fail at check: the id rules accept exactly opaque strings of
 * letters, digits, "_" and "-" (1 to 128 characters), unchanged, and refuse the rest with a message
 * that names what was given and what ids look like. Through checkFields the property leads the
 * message, as `pulumi preview` prints it.
 */

import { describe, expect, it } from "vitest";
import { checkFields } from "../../src/resources/check";
import {
  backupIdSchema,
  datastoreIdSchema,
  ID_PATTERN,
  idProblem,
  isApiId,
  MAX_ID_LENGTH,
} from "../../src/resources/ids";
import { UNKNOWN } from "../../src/resources/unknowns";

const SHAPE = `ids are 1 to ${MAX_ID_LENGTH} letters, digits, "_" and "-"`;

const ISSUED = [
  "dst_0123456789abcdef",
  "bkp_0123456789abcdef",
  "a",
  "DST-UPPER_and-lower_09",
  "x".repeat(MAX_ID_LENGTH),
];

/** Values the API never issues as an id, each with how the message names it. */
const NOT_IDS: [string, unknown, string][] = [
  ["a path climbing out of the collection", "../../v1/backups", '"../../v1/backups"'],
  ["a slash", "dst_1/restore", '"dst_1/restore"'],
  ["a dot", "dst_1.json", '"dst_1.json"'],
  ["a percent escape", "dst_1%2F..", '"dst_1%2F.."'],
  ["a query", "dst_1?x=1", '"dst_1?x=1"'],
  ["a space inside", "dst 1", '"dst 1"'],
  ["surrounding whitespace", " dst_1\n", '" dst_1\\n"'],
  ["only whitespace", "  ", '"  "'],
  ["the empty string", "", '""'],
  ["a letter outside ASCII", "dst_é", '"dst_é"'],
  ["one character too many", "x".repeat(MAX_ID_LENGTH + 1), `a string of ${MAX_ID_LENGTH + 1} characters`],
  ["a number", 42, "42"],
  ["NaN", Number.NaN, "NaN"],
  ["a boolean", true, "the boolean true"],
  ["a list", ["dst_1"], 'the list ["dst_1"]'],
  ["an object", { id: "dst_1" }, 'the object {"id":"dst_1"}'],
  ["null", null, "null"],
];

describe("isApiId and ID_PATTERN", () => {
  it.each(ISSUED)("accept %s", (id) => {
    expect(isApiId(id)).toBe(true);
    expect(ID_PATTERN.test(id)).toBe(true);
  });

  it.each(NOT_IDS)("refuse %s", (_name, value) => {
    expect(isApiId(value)).toBe(false);
  });
});

describe("idProblem", () => {
  it("is undefined for an id the API could issue", () => {
    expect(idProblem("datastore", "dst_0123456789abcdef")).toBeUndefined();
    expect(idProblem("backup", "bkp_0123456789abcdef")).toBeUndefined();
  });

  it.each(NOT_IDS)("names %s and what a datastore id looks like", (_name, value, shown) => {
    expect(idProblem("datastore", value)).toBe(
      `${shown} is not a datastore id: ${SHAPE} (for example dst_…)`,
    );
  });

  it("gives a backup's example prefix for a backup id", () => {
    expect(idProblem("backup", "bkp_1/../../x")).toBe(
      `"bkp_1/../../x" is not a backup id: ${SHAPE} (for example bkp_…)`,
    );
  });
});

describe("datastoreIdSchema and backupIdSchema", () => {
  it.each(ISSUED)("pass %s through unchanged", (id) => {
    expect(datastoreIdSchema.parse(id)).toBe(id);
    expect(backupIdSchema.parse(id)).toBe(id);
  });

  it("fail with idProblem's message", () => {
    const result = datastoreIdSchema.safeParse("../../v1/backups");
    expect(result.success).toBe(false);
    expect(result.error?.issues.map((issue) => issue.message)).toEqual([
      `"../../v1/backups" is not a datastore id: ${SHAPE} (for example dst_…)`,
    ]);
  });

  it("take .optional() for an optional input", () => {
    const optional = backupIdSchema.optional();
    expect(optional.safeParse(undefined)).toEqual({ success: true, data: undefined });
    expect(optional.safeParse("x/y").success).toBe(false);
  });

  it("as rules of checkFields: the message starts with the property, with no second 'got'", () => {
    const rules = {
      datastoreId: { schema: datastoreIdSchema, required: "the datastore" },
      backupId: { schema: backupIdSchema, required: "the backup" },
    };
    const { failures } = checkFields(rules, { datastoreId: "../../v1/backups", backupId: 7 });
    expect(failures).toEqual([
      {
        property: "datastoreId",
        reason: `datastoreId: "../../v1/backups" is not a datastore id: ${SHAPE} (for example dst_…)`,
      },
      { property: "backupId", reason: `backupId: 7 is not a backup id: ${SHAPE} (for example bkp_…)` },
    ]);
  });

  it("as rules of checkFields: an id unknown during preview passes through untouched", () => {
    const { values, unknownKeys, failures } = checkFields(
      { datastoreId: { schema: datastoreIdSchema } },
      { datastoreId: UNKNOWN },
    );
    expect(failures).toEqual([]);
    expect(values).toEqual({ datastoreId: UNKNOWN });
    expect([...unknownKeys]).toEqual(["datastoreId"]);
  });
});
