/**
 * A {@link LogSink} over the engine's Log service: the engine hands every provider process its
 * address as the first argument that is not a flag, and a line sent there is shown with its severity
 * under the resource its URN names (or as the resource row's ephemeral status). Both front doors use
 * it; each passes in @pulumi/pulumi's generated stubs as it loads them (the native plugin bundles
 * them, the dynamic provider process has them already), so this layer imports nothing of Pulumi.
 */
import type { LogEntry, LogSink } from "./host";

/** The parts of @pulumi/pulumi's `proto/engine_pb`, `proto/engine_grpc_pb` and `@grpc/grpc-js` used here. */
export interface EngineStubs {
  readonly grpc: { readonly credentials: { createInsecure(): unknown } };
  // Parameters typed `never`: the generated client takes grpc-js's and protobuf's own types, which
  // this layer does not import; any of them is assignable here.
  readonly EngineClient: new (
    address: string,
    credentials: never,
    options: Record<string, number>,
  ) => { log(request: never, callback: (error: unknown) => void): unknown };
  readonly LogRequest: new () => {
    setSeverity(severity: number): unknown;
    setMessage(message: string): unknown;
    setUrn(urn: string): unknown;
    setEphemeral(ephemeral: boolean): unknown;
  };
  readonly LogSeverity: { readonly INFO: number; readonly WARNING: number };
}

/** Longest gRPC message, as the engine allows (schemas and states can be large). */
export const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** The engine's address among a provider process's arguments: the first that is not a flag. */
export function engineAddressOf(args: readonly string[]): string | undefined {
  return args.find((arg) => !arg.startsWith("-") && /^[\w.[\]:-]+:\d+$/.test(arg));
}

/**
 * Sends each entry to the engine at `address` with its severity, URN and ephemerality. Without an
 * engine (a process started by hand, a test) lines go to `fallback`.
 */
export function engineLogSink(
  address: string | undefined,
  stubs: EngineStubs,
  fallback: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): LogSink {
  if (!address)
    return (entry) => fallback(entry.severity === "warning" ? `warning: ${entry.message}` : entry.message);
  const engine = new stubs.EngineClient(address, stubs.grpc.credentials.createInsecure() as never, {
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
  });
  return (entry: LogEntry) => {
    const request = new stubs.LogRequest();
    request.setSeverity(entry.severity === "warning" ? stubs.LogSeverity.WARNING : stubs.LogSeverity.INFO);
    request.setMessage(entry.message);
    request.setUrn(entry.urn ?? "");
    request.setEphemeral(entry.ephemeral ?? false);
    engine.log(request as never, () => {
      // A lost progress line is not worth failing an operation over.
    });
  };
}
