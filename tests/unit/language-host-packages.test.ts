/**
 * Our language host's GetRequiredPackages (tools/language-host/src/packages.js) reports what the Go
 * host reports for the same node_modules: the engine picks default providers from it and refuses two
 * plugins that claim one package name, so a package left out or reported under the wrong name changes
 * what `pulumi up` does (tests/engine/bridged-provider.test.ts runs it through the engine).
 */
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");
const { requiredPackages } = require("../../tools/language-host/src/packages.js") as {
  requiredPackages(dir: string): import("@pulumi/pulumi/proto/plugin_pb").PackageDependency[];
};

const dir = path.join(ROOT, ".test-work", `language-host-packages-${randomBytes(4).toString("hex")}`);

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function writeJson(file: string, value: unknown): void {
  fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
  fs.writeFileSync(path.join(dir, file), JSON.stringify(value));
}

describe("the packages a Node.js program's node_modules need", () => {
  it("reports plugin packages with their name, version, server and parameterization, once per link", () => {
    const value = Buffer.from('{"remote":{"url":"registry.terraform.io/dragonflydb/dfcloud"}}');
    // A generated SDK: its plugin named in the `pulumi` section.
    writeJson("node_modules/pulumi-dfcloud-backups/package.json", {
      name: "pulumi-dfcloud-backups",
      version: "0.1.0",
      pulumi: { resource: true, name: "dfcloud-backups", version: "0.1.0" },
    });
    // A local SDK of `pulumi package add terraform-provider dragonflydb/dfcloud`, in sdks/ and linked.
    writeJson("sdks/dfcloud/package.json", {
      name: "@pulumi/dfcloud",
      version: "0.3.0",
      pulumi: {
        resource: true,
        name: "terraform-provider",
        version: "1.0.0",
        parameterization: { name: "dfcloud", version: "0.3.0", value: value.toString("base64") },
      },
    });
    fs.mkdirSync(path.join(dir, "node_modules/@pulumi"), { recursive: true });
    fs.symlinkSync(path.join(dir, "sdks/dfcloud"), path.join(dir, "node_modules/@pulumi/dfcloud"));
    // A @pulumi package without a plugin name is named after itself, with its own version and server.
    writeJson("node_modules/@pulumi/random/package.json", {
      name: "@pulumi/random",
      version: "v4.16.0",
      pulumi: { resource: true, server: "https://example.invalid/plugins" },
    });
    // Not plugins: a package without a `pulumi` section, one that is not a resource, a third-party
    // package that names no plugin, and a policy pack's own dependencies.
    writeJson("node_modules/pulumi-dfcloud/package.json", { name: "pulumi-dfcloud", version: "0.1.0" });
    writeJson("node_modules/@pulumi/pulumi/package.json", { name: "@pulumi/pulumi", version: "3.270.0" });
    writeJson("node_modules/third-party/package.json", { name: "third-party", pulumi: { resource: true } });
    fs.mkdirSync(path.join(dir, "node_modules/guardrails"), { recursive: true });
    fs.writeFileSync(path.join(dir, "node_modules/guardrails/PulumiPolicy.yaml"), "runtime: nodejs\n");
    writeJson("node_modules/guardrails/node_modules/@pulumi/aws/package.json", {
      name: "@pulumi/aws",
      version: "6.0.0",
      pulumi: { resource: true },
    });
    // A link back up the tree is walked once; a package.json outside node_modules is the program's own.
    fs.symlinkSync(dir, path.join(dir, "node_modules/loop"));
    writeJson("package.json", { name: "program", pulumi: { resource: true, name: "not-a-plugin" } });

    const found = requiredPackages(dir).map((dependency) => {
      const parameterization = dependency.getParameterization();
      return {
        kind: dependency.getKind(),
        name: dependency.getName(),
        version: dependency.getVersion(),
        server: dependency.getServer(),
        ...(parameterization
          ? {
              parameterization: {
                name: parameterization.getName(),
                version: parameterization.getVersion(),
                value: Buffer.from(parameterization.getValue_asU8()).toString(),
              },
            }
          : {}),
      };
    });
    // In name order, as Go lists folders: node_modules/@pulumi/dfcloud, …/random, then pulumi-dfcloud-backups.
    expect(found).toEqual([
      {
        kind: "resource",
        name: "terraform-provider",
        version: "v1.0.0",
        server: "",
        parameterization: { name: "dfcloud", version: "0.3.0", value: value.toString() },
      },
      { kind: "resource", name: "random", version: "v4.16.0", server: "https://example.invalid/plugins" },
      { kind: "resource", name: "dfcloud-backups", version: "v0.1.0", server: "" },
    ]);
  });
});
