/**
 * `pulumi-resource-dfcloud-backups`: the native provider plugin. The engine starts it with its own address
 * as the first argument; it serves pulumirpc.ResourceProvider on a free loopback port and prints that
 * port as the first line on stdout, as every Pulumi plugin does. Lines go to the engine's Log
 * service at their severity, under the resource they belong to.
 */
import * as grpc from "@grpc/grpc-js";
import {
  engineAddressOf,
  engineLogSink,
  type LogEntry,
  type LogSink,
  MAX_MESSAGE_BYTES,
} from "@pulumi-dfcloud/provider/host";
import { createProviderService } from "./server";
import { RESOURCE_PROVIDER_SERVICE } from "./wire";

/**
 * The engine's Log service at `address` as a sink whose stubs (engine_pb, engine_grpc_pb) load with
 * the first line, off the way to the port: many starts of the plugin log nothing. Lines sent while
 * they load follow in order.
 */
function engineSink(address: string | undefined): LogSink {
  let sink: LogSink | undefined;
  let waiting: LogEntry[] | undefined;
  return (entry) => {
    if (sink) return sink(entry);
    if (waiting) {
      waiting.push(entry);
      return;
    }
    waiting = [entry];
    // Their module objects, as CommonJS exports them (`default`): protobuf's generated files set
    // their exports in a way an ES import cannot list.
    void Promise.all([
      import("@pulumi/pulumi/proto/engine_grpc_pb.js"),
      import("@pulumi/pulumi/proto/engine_pb.js"),
    ]).then(
      ([client, messages]) => {
        const { EngineClient } = client.default;
        const { LogRequest, LogSeverity } = messages.default;
        sink = engineLogSink(address, { grpc, EngineClient, LogRequest, LogSeverity });
        for (const line of waiting ?? []) sink(line);
        waiting = undefined;
      },
      (error: unknown) => {
        // Lines are not worth failing an operation over (engine-log.ts): say why once, drop them.
        process.stderr.write(
          `pulumi-resource-dfcloud-backups: no log lines to the engine: ${error instanceof Error ? error.message : String(error)}\n`,
        );
        sink = () => undefined;
        waiting = undefined;
      },
    );
  };
}

async function main(): Promise<void> {
  const sink = engineSink(engineAddressOf(process.argv.slice(2)));
  const provider = createProviderService({ sink });
  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  server.addService(
    RESOURCE_PROVIDER_SERVICE,
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
