/**
 * `pulumi-resource-dfcloud-backups`: the native provider plugin. The engine starts it with its own address
 * as the first argument; it serves pulumirpc.ResourceProvider on a free loopback port and prints that
 * port as the first line on stdout, as every Pulumi plugin does. Lines go to the engine's Log
 * service at their severity, under the resource they belong to.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { engineAddressOf, engineLogSink, MAX_MESSAGE_BYTES } from "@pulumi-dfcloud/provider";
import { createProviderService } from "./server";

async function main(): Promise<void> {
  const stubs = { grpc, EngineClient, LogRequest, LogSeverity };
  const sink = engineLogSink(engineAddressOf(process.argv.slice(2)), stubs);
  const provider = createProviderService({ sink });
  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  server.addService(
    ResourceProviderService,
    provider.service as unknown as grpc.UntypedServiceImplementation,
  );
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  // At once when idle (the engine signals plugins at the end of every command); after cancelling and
  // letting running operations report when not.
  provider.host.exitOnStopSignals();
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pulumi-resource-dfcloud-backups: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
