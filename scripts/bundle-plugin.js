#!/usr/bin/env node
// Bundles the native provider plugin into OUT_DIR (scripts/build-plugin.sh calls it), from the
// TypeScript sources (plugin/src, and provider/src for @pulumi-dfcloud/provider), by esbuild:
//   pulumi-resource-dfcloud-backups.js   the entry (plugin/src/bundle-entry.ts): Node's compile cache, then lib/plugin.js
//   lib/plugin.js        what runs before the port and answers the schema and config calls: the plugin,
//                        gRPC, the stubs, the provider host (@pulumi-dfcloud/provider/host)
//   lib/operations.js    the rest of the provider package (contracts, resource logic, zod, the API
//                        client, undici), required by the first resource operation or invoke
//   lib/redis.js         @redis/client, required by the first restore drill's read-back
// CommonJS, not ES modules split by esbuild: with the launcher's V8 flags Node compiles its own
// modules without their code cache, and its ES module loader is then about 10 ms of the start.
// Each module is in one file only: operations.js takes every module plugin.js holds (the host's
// settings, errors, the operation deadline's AsyncLocalStorage) from plugin.js, which exports them
// for it, so the process has one copy of each, as the unbundled plugin does.
// The package schema is rendered from the same sources here and built into plugin.js, so GetSchema
// loads no contract. The build fails when plugin.js holds code of resource operations (the start-up
// budget in docs/performance.md depends on it), or when a module ends up in two files.
//
// Usage: node scripts/bundle-plugin.js OUT_DIR
//
// Required as a module, it builds nothing and exports `bundleSingleFile` (bench/startup.ts): the same
// plugin as one file, for a launch mode that can load nothing beside its main script (a
// single-executable application), built with these options so it differs from the shipped files only
// by being one file.

const fs = require("node:fs");
const { isBuiltin } = require("node:module");
const os = require("node:os");
const path = require("node:path");
const esbuild = require("esbuild");

const ROOT = path.resolve(__dirname, "..");
/** The entry's name: the launcher (plugin/bin) runs it. */
const ENTRY = "pulumi-resource-dfcloud-backups.js";
/** @pulumi-dfcloud/provider (and its `/host` entry) from its TypeScript sources. */
const ALIAS = { "@pulumi-dfcloud/provider": path.join(ROOT, "provider", "src") };
/**
 * What must not be in plugin.js: the code of resource operations. The packages stand for all of it
 * (every contract and API schema imports zod), the modules for where it starts.
 */
const OPERATION_CODE =
  /(^|\/)node_modules\/(undici|zod|@redis\/client)\/|^provider\/src\/(registry|client\/client|schema\/render)\.ts$/;
/**
 * What must not be in operations.js: undici's entry point, which loads all of undici at once — fetch,
 * WebSocket, caches, mocks —, where the API client needs its connection pool and `request` alone
 * (scripts/undici-parts.js; the parts of fetch those require only when a body needs them stay unloaded).
 */
const UNUSED_UNDICI = /(^|\/)node_modules\/undici\/(index\.js$|lib\/(mock|cache)\/)/;
/**
 * What must not be in operations.js: zod's messages in languages other than English, which come with
 * zod's `z` namespace (all of zod), where the provider imports only the parts it uses (provider/src/zod.ts).
 */
const UNUSED_ZOD = /(^|\/)node_modules\/zod\/v4\/locales\/(?!en\.js$)/;
/** The dynamic imports that load the rest of the provider package (plugin/src/server.ts, provider/src/host/host.ts). */
const OPERATIONS_IMPORT = /^(@pulumi-dfcloud\/provider|\.\.\/registry\.js|\.\/api-client\.js)$/;

/** The API client's `import { Agent } from "undici"`, served by scripts/undici-parts.js. */
const undiciParts = {
  name: "undici-parts",
  setup(build) {
    const client = path.join(ROOT, "provider", "src", "client", "http.ts");
    build.onResolve({ filter: /^undici$/ }, (args) =>
      args.importer === client ? { path: path.join(ROOT, "scripts", "undici-parts.js") } : undefined,
    );
  },
};

function die(message) {
  console.error(`bundle-plugin: ${message}`);
  process.exit(1);
}

const common = {
  bundle: true,
  platform: "node",
  target: "node22",
  format: "cjs",
  alias: ALIAS,
  absWorkingDir: ROOT,
  logLevel: "warning",
  legalComments: "none",
  // Without spaces, newlines and redundant syntax (names are kept): a third less source for V8 to read
  // and hold, at start and during an `up`. Stack traces then point at columns, in this build.
  minifyWhitespace: true,
  minifySyntax: true,
  // The bundles load one another with require, as CommonJS does, never through Node's ES module loader.
  supported: { "dynamic-import": false },
  metafile: true,
};

/** A dynamic import of `specifier` becomes a require of `file`, a bundle of its own beside the importer. */
function dynamicImportOf(name, specifier, file) {
  return {
    name,
    setup(build) {
      build.onResolve({ filter: specifier }, (args) =>
        args.kind === "dynamic-import" ? { path: file, external: true } : undefined,
      );
    },
  };
}

const relative = (file) => path.relative(ROOT, path.resolve(ROOT, file));
const inputsOf = (result) => Object.values(result.metafile.outputs).flatMap((out) => Object.keys(out.inputs));

/** The package schema as the plugin's GetSchema renders it, from the sources bundled below. */
async function renderedSchema() {
  const built = await esbuild.build({
    ...common,
    stdin: {
      contents:
        'const provider = require("@pulumi-dfcloud/provider");\n' +
        "module.exports = provider.renderSchemaText(provider.PACKAGE_CONTRACT);\n",
      resolveDir: ROOT,
      loader: "js",
    },
    write: false,
  });
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dfcloud-schema-")), "render.cjs");
  try {
    fs.writeFileSync(file, built.outputFiles[0].contents);
    return require(file);
  } finally {
    fs.rmSync(path.dirname(file), { recursive: true, force: true });
  }
}

/**
 * Bundles the whole plugin (plugin/src/main.ts, every dynamic import in it: the provider package,
 * @redis/client) into the one CommonJS file `outfile`, with the options and the built-in schema of the
 * shipped files, and without their entry (plugin/src/bundle-entry.ts): Node's compile cache serves
 * files read from disk, and a single-executable application carries its main script's code cache in
 * its blob. Rejects when the file would require a file beside it. Resolves with esbuild's result (its
 * metafile included).
 */
async function bundleSingleFile(outfile) {
  const result = await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, "plugin", "src", "main.ts")],
    define: { DFCLOUD_BUNDLED_SCHEMA: JSON.stringify(await renderedSchema()) },
    plugins: [undiciParts],
    outfile: path.resolve(outfile),
  });
  // Packages esbuild leaves out are optional ones required in a try (@redis/client's @node-rs/xxhash):
  // missing in the shipped plugin's folder as well, with the same fallback. A file is another matter.
  const files = Object.values(result.metafile.outputs)
    .flatMap((out) => out.imports)
    .filter((imported) => imported.external && !isBuiltin(imported.path) && /^[./]/.test(imported.path))
    .map((imported) => imported.path);
  if (files.length > 0) throw new Error(`${outfile} requires files beside it: ${files.join(", ")}`);
  return result;
}

async function main() {
  const OUT = path.resolve(process.argv[2] ?? die("usage: node scripts/bundle-plugin.js OUT_DIR"));
  const toOperations = dynamicImportOf("operations", OPERATIONS_IMPORT, "./operations.js");
  const plugin = {
    ...common,
    plugins: [toOperations],
    define: { DFCLOUD_BUNDLED_SCHEMA: JSON.stringify(await renderedSchema()) },
  };

  // The provider's modules the plugin needs before its first operation: a first pass finds them.
  const found = await esbuild.build({
    ...plugin,
    entryPoints: [path.join(ROOT, "plugin", "src", "main.ts")],
    write: false,
    outfile: path.join(OUT, "lib", "plugin.js"),
  });
  const shared = inputsOf(found)
    .filter((input) => input.startsWith("provider/src/"))
    .sort();
  const exportName = new Map(shared.map((input, i) => [path.join(ROOT, input), `m${i}`]));

  // plugin.js: the plugin, and every one of those modules exported for operations.js.
  const pluginBuild = await esbuild.build({
    ...plugin,
    stdin: {
      contents: [
        `import ${JSON.stringify(path.join(ROOT, "plugin", "src", "main.ts"))};`,
        ...[...exportName].map(([file, name]) => `export * as ${name} from ${JSON.stringify(file)};`),
      ].join("\n"),
      resolveDir: ROOT,
      sourcefile: "plugin-bundle.ts",
      loader: "ts",
    },
    outfile: path.join(OUT, "lib", "plugin.js"),
  });

  // operations.js: the provider package, taking the modules plugin.js holds from it.
  const fromPlugin = {
    name: "from-plugin",
    setup(build) {
      build.onResolve({ filter: /^\.\/plugin\.js$/, namespace: "plugin" }, () => ({
        path: "./plugin.js",
        external: true,
      }));
      build.onResolve({ filter: /^\./ }, async (args) => {
        if (args.pluginData?.resolving || !args.importer.startsWith(path.join(ROOT, "provider", "src")))
          return;
        const resolved = await build.resolve(args.path, {
          kind: args.kind,
          importer: args.importer,
          resolveDir: args.resolveDir,
          pluginData: { resolving: true },
        });
        return exportName.has(resolved.path) ? { path: resolved.path, namespace: "plugin" } : undefined;
      });
      build.onLoad({ filter: /.*/, namespace: "plugin" }, (args) => ({
        contents: `module.exports = require("./plugin.js").${exportName.get(args.path)};\n`,
        loader: "js",
      }));
    },
  };
  const operationsBuild = await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, "provider", "src", "index.ts")],
    outfile: path.join(OUT, "lib", "operations.js"),
    plugins: [fromPlugin, undiciParts, dynamicImportOf("redis", /^@redis\/client$/, "./redis.js")],
  });

  // redis.js: @redis/client alone (drills read a restored keyspace back with it).
  const redisBuild = await esbuild.build({
    ...common,
    entryPoints: [require.resolve("@redis/client", { paths: [path.join(ROOT, "provider")] })],
    outfile: path.join(OUT, "lib", "redis.js"),
  });

  // The entry: the compile cache, then plugin.js.
  const entryBuild = await esbuild.build({
    ...common,
    entryPoints: [path.join(ROOT, "plugin", "src", "bundle-entry.ts")],
    outfile: path.join(OUT, ENTRY),
    plugins: [dynamicImportOf("plugin", /^\.\/main\.js$/, "./lib/plugin.js")],
  });

  const pluginInputs = inputsOf(pluginBuild).map(relative);
  const misplaced = pluginInputs.filter((input) => OPERATION_CODE.test(input));
  if (misplaced.length > 0)
    die(
      `lib/plugin.js, loaded before the port, holds code of resource operations (a static import where a dynamic import() belongs):\n  ${misplaced.join("\n  ")}`,
    );
  // Parts of a library the provider does not use, each kept out by importing only what it uses.
  const operationsInputs = inputsOf(operationsBuild).map(relative);
  for (const [unused, why] of [
    [
      UNUSED_UNDICI,
      'parts of undici the client does not use (an import from "undici" where its modules belong, see provider/src/client/http.ts)',
    ],
    [UNUSED_ZOD, 'all of zod (an import from "zod" where provider/src/zod.ts belongs)'],
  ]) {
    const found = operationsInputs.filter((input) => unused.test(input));
    if (found.length > 0) die(`lib/operations.js holds ${why}:\n  ${found.slice(0, 5).join("\n  ")}`);
  }
  const owners = new Map();
  for (const [name, result] of [
    ["lib/plugin.js", pluginBuild],
    ["lib/operations.js", operationsBuild],
    ["lib/redis.js", redisBuild],
    [ENTRY, entryBuild],
  ])
    for (const input of inputsOf(result).filter((input) => !input.includes(":")))
      owners.set(input, [...(owners.get(input) ?? []), name]);
  const twice = [...owners].filter(([, files]) => files.length > 1);
  if (twice.length > 0)
    die(
      `modules in two files (two copies at run time):\n  ${twice.map(([input, files]) => `${input}: ${files.join(", ")}`).join("\n  ")}`,
    );
  const sizes = [ENTRY, "lib/plugin.js", "lib/operations.js", "lib/redis.js"].map(
    (file) => `${file} ${(fs.statSync(path.join(OUT, file)).size / 1024).toFixed(0)} KiB`,
  );
  console.log(
    `bundle-plugin: ${sizes.join(", ")}; ${shared.length} provider modules shared from lib/plugin.js`,
  );
}

module.exports = { bundleSingleFile };

if (require.main === module)
  main().catch((error) => die(error instanceof Error ? error.message : String(error)));
