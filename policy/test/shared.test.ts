/** The helpers every policy shares: stack patterns, config defaults, raw prop reads, URNs, dependencies. */
import { describe, expect, it } from "vitest";
import { configWithDefaults, matchesStackPattern } from "../src/config";
import { BOOLEAN, NUMBER, rawProp, readProp } from "../src/props";
import { stackOfUrn, transitiveDependencies } from "../src/resources";
import { engineProxy, stackResource, UNKNOWN, urnOf } from "./util";

/** A type token of no particular provider: these helpers do not look at types. */
const SOME_TYPE = "test:index:Thing";

describe("matchesStackPattern", () => {
  it.each([
    ["prod", "prod*", true],
    ["Production", "prod*", true],
    ["staging-prod", "prod*", false],
    ["staging-1", "staging-?", true],
    ["staging-10", "staging-?", false],
    ["a.b", "a.b", true],
    ["axb", "a.b", false],
    ["dev", "*", true],
  ])("%s against %s is %s", (stack, pattern, expected) => {
    expect(matchesStackPattern(stack, pattern)).toBe(expected);
  });
});

describe("configWithDefaults", () => {
  const schema = {
    properties: { limit: { type: "integer" as const, default: 7 }, names: { default: ["x"] } },
  };

  it("fills in every property the config leaves out from the schema's defaults", () => {
    expect(configWithDefaults({ getConfig: <T>() => ({}) as T }, schema)).toEqual({ limit: 7, names: ["x"] });
  });

  it("keeps what the config sets, including values a schema does not know", () => {
    const given = { limit: 3, extra: true };
    expect(configWithDefaults({ getConfig: <T>() => given as T }, schema)).toEqual({
      limit: 3,
      names: ["x"],
      extra: true,
    });
  });
});

describe("readProp", () => {
  it("reads a known value of the right type", () => {
    expect(readProp({ n: 3 }, "n", NUMBER)).toEqual({ known: true, value: 3 });
  });

  it("gives the fallback for an absent value that has a default", () => {
    expect(readProp({}, "enabled", BOOLEAN, true)).toEqual({ known: true, value: true });
  });

  it("reads through the engine's proxy without throwing on an unknown", () => {
    const props = engineProxy({ n: UNKNOWN, list: [1, UNKNOWN] });
    expect(() => props.n).toThrow("string value at .n can't be known during preview");
    expect(readProp(props, "n", NUMBER)).toEqual({
      known: false,
      reason: "n is not known during preview (checked again during `pulumi up`)",
    });
    expect(rawProp(props, "list")).toEqual([1, UNKNOWN]);
  });
});

describe("stackOfUrn", () => {
  it("reads the stack name from a URN", () => {
    expect(stackOfUrn(urnOf(SOME_TYPE, "r", "prod-eu"))).toBe("prod-eu");
  });
});

describe("transitiveDependencies", () => {
  it("follows dependsOn and property dependencies, each resource once, even in a cycle", () => {
    const a = stackResource({ type: SOME_TYPE, name: "a", props: {} });
    const b = stackResource({ type: SOME_TYPE, name: "b", props: {}, dependsOn: [a] });
    const c = stackResource({
      type: SOME_TYPE,
      name: "c",
      props: {},
      propertyDependencies: { backupId: [b, a] },
    });
    a.dependencies = [c];
    expect(
      transitiveDependencies(c)
        .map((r) => r.name)
        .sort(),
    ).toEqual(["a", "b", "c"]);
  });
});
