/**
 * `@pulumi-dfcloud/provider/host`: the provider host and what a front door needs before its first
 * operation (settings, the engine's log sink, stop signals, redaction, the package's version), without
 * the API client, the contracts or the resource logic, which the host loads on its first operation.
 * The native plugin starts on this alone (plugin/src/main.ts); the package's root exports all of it too.
 */
export { PACKAGE_VERSION } from "../schema/package";
export * from "./credentials";
export * from "./engine-log";
export * from "./host";
export * from "./operations";
export * from "./redaction";
