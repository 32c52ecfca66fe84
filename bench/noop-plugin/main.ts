/**
 * `pulumi-resource-noop`: the floor the native dfcloud plugin is measured against (bench.ts). A native
 * provider plugin served the way plugin/src serves `pulumi-resource-dfcloud-backups` — pulumirpc.ResourceProvider
 * on @pulumi/pulumi's generated stubs and @grpc/grpc-js, on a free loopback port printed as the first
 * line, bundled and launched as the dfcloud plugin is (bench/lib.ts `buildNoopPlugin`: the same esbuild
 * options, its entry with Node's compile cache, its launcher's node and V8 flags) — whose one resource,
 * `noop:index:Thing`, does nothing: every call answers at once with what it was given (the request's
 * own Struct, never converted), so what the native plugin costs over this is its own work.
 */
import * as http from "node:http";
import * as grpc from "@grpc/grpc-js";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import type { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { NOOP_API_KEY_ENV, NOOP_API_URL_ENV, NOOP_REFRESH_BEFORE_UPDATE_ENV } from "./env";

/** Longest gRPC message, as plugin/src/main.ts allows. */
const MAX_MESSAGE_BYTES = 400 * 1024 * 1024;

/** The whole schema: one resource whose inputs are a BackupSchedule's. */
const SCHEMA = JSON.stringify({
  name: "noop",
  version: "0.1.0",
  resources: {
    "noop:index:Thing": {
      inputProperties: {
        datastoreId: { type: "string" },
        days: { type: "array", items: { type: "string" } },
        hours: { type: "array", items: { type: "integer" } },
        retentionDays: { type: "integer" },
      },
      requiredInputs: ["datastoreId"],
    },
  },
});

/** An answer, at once. */
function answer<Req, Res>(respond: (request: Req) => Res): grpc.handleUnaryCall<Req, Res> {
  return answerAfter(() => undefined, respond);
}

let ids = 0;

/**
 * With NOOP_REFRESH_BEFORE_UPDATE_ENV set to `true` in its environment, the no-op asks the engine to refresh each of its
 * resources before updating it, as the native BackupSchedule does (bench.ts uses it to isolate what
 * that protocol feature costs a command).
 */
const REFRESH_BEFORE_UPDATE = process.env[NOOP_REFRESH_BEFORE_UPDATE_ENV] === "true";

/**
 * With NOOP_API_URL_ENV (and NOOP_API_KEY_ENV) set, the no-op sends the API calls a native
 * BackupSchedule sends at the least (bench.ts `MINIMUM`), with nothing of the provider around them —
 * no validation, retries, deadlines or logs — so that a diagnostic shows what the calls cost by
 * themselves: the account's datastores listed once per process (a check, or a read), and per write a
 * read-modify-write of the datastore's config (GET, PUT with `backup_policy` replaced, GET).
 */
function apiCalls(baseUrl: string, apiKey: string) {
  const agent = new http.Agent({ keepAlive: true });
  const call = (method: string, path: string, body?: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const text = body === undefined ? undefined : JSON.stringify(body);
      const request = http.request(
        `${baseUrl}${path}`,
        {
          method,
          agent,
          headers: {
            authorization: `Bearer ${apiKey}`,
            ...(text === undefined ? {} : { "content-type": "application/json" }),
          },
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on("data", (chunk: Buffer) => chunks.push(chunk));
          response.on("end", () => {
            const answer = Buffer.concat(chunks).toString();
            if (response.statusCode !== 200)
              reject(new Error(`${method} ${path}: ${response.statusCode} ${answer}`));
            else resolve(JSON.parse(answer));
          });
        },
      );
      request.once("error", reject);
      request.end(text);
    });
  let listing: Promise<unknown> | undefined;
  return {
    /** The one listing a command's checks and reads share. */
    list: () => {
      listing ??= call("GET", "/v1/datastores");
      return listing;
    },
    /** GET, PUT the config with `policy` as its `backup_policy`, GET. */
    writePolicy: async (datastoreId: string, policy: Record<string, unknown>) => {
      const path = `/v1/datastores/${encodeURIComponent(datastoreId)}`;
      const { config } = (await call("GET", path)) as { config: Record<string, unknown> };
      await call("PUT", path, { ...config, backup_policy: policy });
      await call("GET", path);
    },
  };
}

const API = process.env[NOOP_API_URL_ENV]
  ? apiCalls(process.env[NOOP_API_URL_ENV] ?? "", process.env[NOOP_API_KEY_ENV] ?? "")
  : undefined;
/** The policy the calling no-op writes: the bench's schedule (bench.ts `scheduleArgs`), as the API stores it. */
const POLICY = {
  enabled: true,
  every_day: false,
  weekdays: [1, 4],
  every_hour: false,
  hours: [2, 14],
  retention: 7,
};

/** The datastore id of a request's inputs, read from the Struct without converting it. */
function datastoreIdOf(struct: Struct | undefined): string {
  const id = struct?.getFieldsMap().get("datastoreId")?.getStringValue();
  if (!id) throw new Error("no datastoreId");
  return id;
}

/** An answer once `before` (the API calls, when the no-op makes them) is done. */
function answerAfter<Req, Res>(
  before: (request: Req) => Promise<unknown> | undefined,
  respond: (request: Req) => Res,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    const failed = (error: Error) =>
      callback({ code: grpc.status.UNKNOWN, details: error.message } as grpc.ServiceError);
    let calls: Promise<unknown> | undefined;
    try {
      calls = before(call.request);
    } catch (error) {
      return failed(error as Error);
    }
    if (!calls) return callback(null, respond(call.request));
    calls.then(() => callback(null, respond(call.request)), failed);
  };
}

const service = {
  getSchema: answer(() => new provproto.GetSchemaResponse().setSchema(SCHEMA)),
  getPluginInfo: answer(() => new pluginproto.PluginInfo().setVersion("0.1.0")),
  checkConfig: answer((request: provproto.CheckRequest) => {
    const response = new provproto.CheckResponse();
    const news = request.getNews();
    return news ? response.setInputs(news) : response;
  }),
  diffConfig: answer(() =>
    new provproto.DiffResponse().setChanges(provproto.DiffResponse.DiffChanges.DIFF_NONE),
  ),
  configure: answer(() =>
    new provproto.ConfigureResponse()
      .setAcceptsecrets(true)
      .setSupportspreview(true)
      .setAcceptresources(false)
      .setAcceptoutputs(false),
  ),
  check: answerAfter(
    () => API?.list(),
    (request: provproto.CheckRequest) => {
      const response = new provproto.CheckResponse();
      const news = request.getNews();
      return news ? response.setInputs(news) : response;
    },
  ),
  diff: answer((request: provproto.DiffRequest) => {
    // Byte comparison of the two Structs: no conversion, and a no-op has nothing else to compare.
    const olds = request.getOldInputs() ?? request.getOlds();
    const news = request.getNews();
    const same =
      olds !== undefined &&
      news !== undefined &&
      Buffer.from(olds.serializeBinary()).equals(Buffer.from(news.serializeBinary()));
    return new provproto.DiffResponse().setChanges(
      same ? provproto.DiffResponse.DiffChanges.DIFF_NONE : provproto.DiffResponse.DiffChanges.DIFF_SOME,
    );
  }),
  create: answerAfter(
    (request: provproto.CreateRequest) =>
      request.getPreview() ? undefined : API?.writePolicy(datastoreIdOf(request.getProperties()), POLICY),
    (request: provproto.CreateRequest) => {
      const response = new provproto.CreateResponse()
        .setId(request.getPreview() ? "" : `noop-${++ids}`)
        .setRefreshBeforeUpdate(REFRESH_BEFORE_UPDATE);
      const properties = request.getProperties();
      return properties ? response.setProperties(properties) : response;
    },
  ),
  read: answerAfter(
    () => API?.list(),
    (request: provproto.ReadRequest) => {
      const response = new provproto.ReadResponse()
        .setId(request.getId())
        .setRefreshBeforeUpdate(REFRESH_BEFORE_UPDATE);
      const properties = request.getProperties();
      const inputs = request.getInputs();
      if (properties) response.setProperties(properties);
      if (inputs) response.setInputs(inputs);
      return response;
    },
  ),
  update: answer((request: provproto.UpdateRequest) => {
    const response = new provproto.UpdateResponse().setRefreshBeforeUpdate(REFRESH_BEFORE_UPDATE);
    const news = request.getNews();
    return news ? response.setProperties(news) : response;
  }),
  delete: answerAfter(
    (request: provproto.DeleteRequest) =>
      API?.writePolicy(datastoreIdOf(request.getProperties()), { ...POLICY, enabled: false }),
    () => new emptyproto.Empty(),
  ),
  cancel: answer(() => new emptyproto.Empty()),
} satisfies Partial<grpc.UntypedServiceImplementation>;

/**
 * Exits on the engine's end-of-command SIGINT (and SIGTERM) at once, as the dfcloud plugin does with
 * nothing running (provider/src/host/operations.ts `exitOnStopSignals`): an exit, not death by the
 * signal, so Node writes the compile cache the entry turned on, as it does for ours.
 */
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => process.exit(signal === "SIGINT" ? 130 : 143));
}

async function main(): Promise<void> {
  const server = new grpc.Server({
    "grpc.max_receive_message_length": MAX_MESSAGE_BYTES,
    "grpc.max_send_message_length": MAX_MESSAGE_BYTES,
  });
  server.addService(ResourceProviderService, service as unknown as grpc.UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) =>
      error ? reject(error) : resolve(bound),
    ),
  );
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-noop: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
