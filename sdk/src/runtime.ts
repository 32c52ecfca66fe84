/**
 * The dynamic front door, loaded by name inside the Pulumi provider process (see provider.ts): the
 * provider host, fed the stack config, with its lines sent to the engine at their severity. It
 * resolves from pulumi-dfcloud's own dependencies, so a program's copy of @pulumi-dfcloud/provider
 * never matters.
 */
import { createRequire } from "node:module";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import {
  credentialsFromConfig,
  engineAddressOf,
  engineLogSink,
  type ProviderConfig,
  ProviderHost,
  RESOURCE_KINDS,
  type ResourceKind,
  type ResourceLogic,
} from "@pulumi-dfcloud/provider";

/**
 * The engine's address: @pulumi/pulumi's dynamic provider is started with it as its argument. The
 * dynamic provider passes no URN to a provider's methods, so lines are the stack's, not a resource's.
 */
function engineSink() {
  // The gRPC library @pulumi/pulumi's stubs were built against, wherever a package manager put it.
  const grpc = createRequire(require.resolve("@pulumi/pulumi/proto/engine_grpc_pb"))(
    "@grpc/grpc-js",
  ) as typeof import("@grpc/grpc-js");
  const stubs = { grpc, EngineClient, LogRequest, LogSeverity };
  return engineLogSink(engineAddressOf(process.argv.slice(2)), stubs, (line) => console.log(line));
}

const host = new ProviderHost({ sink: engineSink() });

/**
 * Takes `dfcloud-backups:apiKey` / `dfcloud-backups:apiUrl` from the stack config the engine hands the
 * provider (the whole config, decrypted), or `dfcloud:apiKey` / `dfcloud:apiUrl` as stacks written
 * before the package had its own name hold them. Only the engine calls it, so this is also where the
 * process starts listening for stop signals: the dynamic provider's Cancel RPC is a no-op upstream
 * (@pulumi/pulumi cmd/dynamic-provider), so a signal is the only word of a cancel that reaches it.
 */
export function configure(config: ProviderConfig): void {
  host.configure(credentialsFromConfig((key) => config.get(key)));
  host.exitOnStopSignals();
}

/** The logic of each resource kind, as the serialised provider calls it. */
export const logic = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, host.resource(kind)])) as Record<
  ResourceKind,
  ResourceLogic<Record<string, unknown>, Record<string, unknown>>
>;
