/**
 * The bundled plugin's entry (scripts/bundle-plugin.js bundles it as `pulumi-resource-dfcloud-backups.js`):
 * turns on Node's compile cache in a folder beside it, then starts the plugin (main.ts), bundled into a
 * file of its own (lib/plugin.js). A file's code is compiled before any of it runs, so the cache has to
 * be on before the plugin's file loads. From the second start on, V8 reads the compiled code of the
 * plugin's files from the cache instead of compiling it; the first start writes it when the process
 * exits. Where the folder cannot be written (a read-only plugin install), Node goes on without a cache.
 */
import { enableCompileCache } from "node:module";
import * as path from "node:path";

/** The compile cache's folder, beside the bundle (bench/startup.ts measures with and without it). */
const COMPILE_CACHE_DIR = ".compile-cache";

enableCompileCache?.(path.join(__dirname, COMPILE_CACHE_DIR));
void import("./main.js");
