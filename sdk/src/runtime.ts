/**
 * Loaded by name inside the Pulumi provider process (see provider.ts): re-exports the
 * implementation so that it resolves from pulumi-dfcloud's own dependencies.
 */
export { configure, logic } from "@pulumi-dfcloud/provider/runtime";
