/**
 * `pulumi-resource-dfcloud`: the native provider plugin. The engine starts it with its own address
 * as the first argument; it serves pulumirpc.ResourceProvider on a free loopback port and prints that
 * port as the first line on stdout, as every Pulumi plugin does. Progress lines go to the engine's Log
 * service, so they show under the resource they belong to.
 */
import * as grpc from "@grpc/grpc-js";
import { EngineClient } from "@pulumi/pulumi/proto/engine_grpc_pb";
import { LogRequest, LogSeverity } from "@pulumi/pulumi/proto/engine_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import { exitOnStopSignals } from "@pulumi-dfcloud/provider";
import { createProviderService, type EngineLog } from "./server";

/** Longest gRPC message, as the engine allows (schemas and states can be large). */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

function engineLogger(address: string | undefined): EngineLog {
  if (!address) return (message) => process.stderr.write(`${message}\n`);
  const engine = new EngineClient(address, grpc.credentials.createInsecure(), {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  });
  return (message, urn) => {
    const request = new LogRequest()
      .setSeverity(LogSeverity.INFO)
      .setMessage(message)
      .setUrn(urn ?? "");
    engine.log(request, () => {
      // A lost progress line is not worth failing an operation over.
    });
  };
}

async function main(): Promise<void> {
  const engineAddress = process.argv.slice(2).find((arg) => !arg.startsWith("-"));
  const provider = createProviderService({ log: engineLogger(engineAddress) });
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
  exitOnStopSignals(() => provider.cancel());
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `pulumi-resource-dfcloud: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
