// @ts-check
// GetRequiredPackages: the resource plugins a Node.js program's installed packages need, found as
// the Go host finds them (getPackagesFromDir in sdk/nodejs/cmd/pulumi-language-nodejs/main.go):
// every package.json inside a node_modules folder below the program directory whose `pulumi`
// section says `"resource": true`, with the plugin's name, version, download server and, for a
// parameterized package (a local SDK of `pulumi package add terraform-provider …`), its
// parameterization. The engine picks each package's default provider from this list, and stops the
// update when two entries claim one package name ("package … is provided by more than one plugin").
"use strict";

const fs = require("node:fs");
const path = require("node:path");

const pluginPb = require("@pulumi/pulumi/proto/plugin_pb.js");

/**
 * A package.json's `pulumi` section, as plugin.PulumiPluginJSON reads it.
 * @typedef {{
 *   resource?: boolean, name?: string, version?: string, server?: string,
 *   parameterization?: { name?: string, version?: string, value?: string },
 * }} PulumiSection
 */

/**
 * The packages below `programDir` that need a resource plugin, in the order the walk finds them. A
 * folder that cannot be read, a link that leads nowhere or a package.json that does not parse is
 * skipped, as the Go host skips it (it only logs such errors).
 * @param {string} programDir
 * @returns {import("@pulumi/pulumi/proto/plugin_pb").PackageDependency[]}
 */
function requiredPackages(programDir) {
  /** @type {import("@pulumi/pulumi/proto/plugin_pb").PackageDependency[]} */
  const found = [];
  /** Folders already walked, by their real path: links may lead back up the tree. */
  const visited = new Set();

  /**
   * @param {string} dir
   * @param {boolean} inNodeModules
   */
  const walk = (dir, inNodeModules) => {
    const resolved = path.resolve(dir);
    if (visited.has(resolved)) return;
    visited.add(resolved);
    /** @type {fs.Dirent[]} */
    let entries;
    try {
      // In name order, as Go's os.ReadDir lists them: `node_modules` is walked before a folder its
      // links point into (`sdks/`, where `pulumi package add` writes local SDKs), so those links are
      // walked as the packages they are, not skipped as already visited.
      entries = fs.readdirSync(resolved, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
    } catch {
      return;
    }
    for (const entry of entries) {
      let current = path.join(resolved, entry.name);
      let isDir = entry.isDirectory();
      if (entry.isSymbolicLink()) {
        try {
          current = fs.realpathSync(current);
          isDir = fs.statSync(current).isDirectory();
        } catch {
          continue;
        }
      }
      if (isDir) {
        // A policy pack's plugins are not the program's (Go: workspace.DetectPolicyPackPathAt).
        if (isPolicyPack(current)) continue;
        walk(current, inNodeModules || path.basename(resolved) === "node_modules");
      } else if (inNodeModules && entry.name === "package.json") {
        const dependency = packageDependency(current);
        if (dependency) found.push(dependency);
      }
    }
  };

  walk(programDir, false);
  return found;
}

/** @param {string} dir */
function isPolicyPack(dir) {
  return ["PulumiPolicy.yaml", "PulumiPolicy.yml"].some((file) => fs.existsSync(path.join(dir, file)));
}

/**
 * The plugin a package.json asks for, or undefined when it asks for none or cannot be read (Go:
 * getPackageInfo, getPluginName, getPluginVersion).
 * @param {string} file
 * @returns {import("@pulumi/pulumi/proto/plugin_pb").PackageDependency | undefined}
 */
function packageDependency(file) {
  /** @type {{ name?: string, version?: string, pulumi?: PulumiSection }} */
  let manifest;
  try {
    manifest = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
  }
  const section = manifest?.pulumi;
  if (!section?.resource) return undefined;
  // A package outside the @pulumi scope must name its plugin; one inside it is named after it.
  const name =
    section.name || (manifest.name?.startsWith("@pulumi/") ? manifest.name.slice("@pulumi/".length) : "");
  const version = section.version || manifest.version || "";
  if (!name || !version) return undefined;
  const dependency = new pluginPb.PackageDependency()
    .setKind("resource")
    .setName(name)
    .setVersion(version.startsWith("v") ? version : `v${version}`)
    .setServer(section.server ?? "");
  const parameterization = section.parameterization;
  if (parameterization) {
    dependency.setParameterization(
      new pluginPb.PackageParameterization()
        .setName(parameterization.name ?? "")
        .setVersion(parameterization.version ?? "")
        // Go unmarshals the JSON string into []byte: base64.
        .setValue(Buffer.from(parameterization.value ?? "", "base64")),
    );
  }
  return dependency;
}

module.exports = { requiredPackages };
