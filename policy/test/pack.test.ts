/**
 * The pack as a whole: its ten policies in order, each with the metadata the engine
 * shows, a config schema whose every property has a default, and docs that match the code.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import type { Policy } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { policies } from "../src/policies";

const POLICY_DIR = path.resolve(__dirname, "..");

function kindOf(policy: Policy): "stack" | "resource" {
  return "validateStack" in policy ? "stack" : "resource";
}

describe("the policy pack", () => {
  it("has its ten policies, in order, with their kinds and default levels", () => {
    expect(policies.map((p) => [p.name, kindOf(p), p.enforcementLevel])).toEqual([
      ["schedule-min-retention", "resource", "mandatory"],
      ["schedule-max-retention", "resource", "mandatory"],
      ["schedule-min-frequency", "resource", "mandatory"],
      ["schedule-enabled", "resource", "mandatory"],
      ["restore-allowed-stacks", "resource", "mandatory"],
      ["restore-needs-safety-backup", "stack", "mandatory"],
      ["datastore-has-schedule", "stack", "mandatory"],
      ["backup-protected", "resource", "advisory"],
      ["one-schedule-per-datastore", "stack", "mandatory"],
      // Advisory: a drill needs a scheduled pipeline to run it, which a stack cannot declare itself.
      ["datastore-has-restore-drill", "stack", "advisory"],
    ]);
  });

  it.each(policies)(
    "$name has a description, severity, remediation steps and defaults for all its config",
    (policy) => {
      expect(policy.description).toMatch(/^Checks whether .+\.$/);
      expect(policy.severity).toMatch(/^(low|medium|high|critical)$/);
      expect(policy.remediationSteps).toMatch(/\.$/);
      const properties = Object.entries(policy.configSchema?.properties ?? {});
      expect(properties.length).toBeGreaterThan(0);
      for (const [key, schema] of properties) {
        expect(schema, key).toHaveProperty("default");
        expect(schema, key).toHaveProperty("description");
      }
    },
  );

  it("documents every policy and every config property with its default in the README", () => {
    const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
    for (const policy of policies) {
      const row = readme.split("\n").find((line) => line.startsWith(`| \`${policy.name}\` |`));
      expect(row, policy.name).toBeDefined();
      expect(readme).toContain(`### \`${policy.name}\``);
      for (const [key, schema] of Object.entries(policy.configSchema?.properties ?? {})) {
        const fallback = typeof schema === "object" ? JSON.stringify(schema.default) : "";
        expect(row).toContain(`\`${key}\` (${fallback})`);
      }
    }
  });

  it("ships a sample config that names only real policies and properties, and the README shows it", () => {
    const file = fs.readFileSync(path.join(POLICY_DIR, "examples/policy-config.json"), "utf8");
    const sample = JSON.parse(file) as Record<string, string | Record<string, unknown>>;
    const byName = new Map(policies.map((p) => [p.name, p]));
    for (const [name, value] of Object.entries(sample)) {
      const policy = byName.get(name);
      expect(policy, name).toBeDefined();
      if (typeof value === "string") continue;
      for (const key of Object.keys(value)) {
        if (key !== "enforcementLevel")
          expect(policy?.configSchema?.properties, `${name}.${key}`).toHaveProperty(key);
      }
    }
    const readme = fs.readFileSync(path.join(POLICY_DIR, "README.md"), "utf8");
    expect(readme).toContain(file.trim());
  });

  it("names the built JavaScript as the package main, and a nodejs runtime for the pack", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(POLICY_DIR, "package.json"), "utf8")) as {
      main: string;
    };
    expect(pkg.main).toBe("dist/index.js");
    expect(fs.readFileSync(path.join(POLICY_DIR, "PulumiPolicy.yaml"), "utf8")).toMatch(/^runtime: nodejs$/m);
  });
});
