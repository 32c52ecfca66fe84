/**
 * Keeps Node's `ExperimentalWarning: SQLite is an experimental feature and might change at any time`
 * out of every program that uses pulumi-dfcloud.
 *
 * The warning is not about anything this package or the program does. @pulumi/pulumi's closure
 * serializer, which turns each dynamic resource's provider into the code stored in `__provider`,
 * `require`s every Node built-in once to recognise captured modules (`computeBuiltInModules` in
 * `@pulumi/pulumi/runtime/closure/createClosure.js`), and on Node 24 (and 22.13+) loading
 * `node:sqlite` emits that warning. Node emits an experimental warning once per process, when the
 * module first loads; so this module loads `node:sqlite` first, with exactly that one warning held
 * back, and the serializer's later `require` is silent. Every other warning, other
 * ExperimentalWarnings included, is emitted as before.
 *
 * Flags would be blunter and are the project's to set: `--disable-warning=ExperimentalWarning` (the
 * examples' `nodeargs` in Pulumi.yaml) drops every experimental warning; `process.noDeprecation`
 * covers only DeprecationWarning.
 */
import { isBuiltin } from "node:module";

const SQLITE = "node:sqlite";

/** True for the warning Node emits when `node:sqlite` first loads. */
export function isSqliteExperimentalWarning(warning: string | Error, typeOrOptions?: unknown): boolean {
  const type =
    typeof typeOrOptions === "string"
      ? typeOrOptions
      : (typeOrOptions as { type?: unknown } | undefined)?.type;
  const name = warning instanceof Error ? warning.name : type;
  const message = warning instanceof Error ? warning.message : String(warning);
  return name === "ExperimentalWarning" && message.startsWith("SQLite ");
}

/** Loads `node:sqlite` once with its experimental warning held back (see the module comment). */
export function loadSqliteQuietly(): void {
  if (!isBuiltin(SQLITE)) return;
  const emitWarning = process.emitWarning;
  process.emitWarning = function (this: NodeJS.Process, warning: string | Error, ...rest: unknown[]) {
    if (isSqliteExperimentalWarning(warning, rest[0])) return;
    (emitWarning as (...args: unknown[]) => void).call(this, warning, ...rest);
  } as typeof process.emitWarning;
  try {
    require(SQLITE);
  } catch {
    // Node 22.5 to 22.12 serve it only with --experimental-sqlite, and then print nothing either.
  } finally {
    process.emitWarning = emitWarning;
  }
}

loadSqliteQuietly();
