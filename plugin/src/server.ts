/**
 * The native front door: Pulumi's `pulumirpc.ResourceProvider` gRPC service, served directly with
 * @grpc/grpc-js over the same resource logic as the dynamic SDK: the resource operations' messages
 * coded by wire.ts, the rest on @pulumi/pulumi's generated stubs. Served directly
 * because `@pulumi/pulumi/provider`'s `main` drops Configure, CheckConfig/DiffConfig, detailedDiff,
 * timeouts and preview (pulumi/pulumi#10915; ../shared/research/wave2-anchors.md §1).
 *
 * The engine starts the plugin at least twice per command, and some starts only ask for the schema
 * and the config calls: those are answered from the provider host alone (`@pulumi-dfcloud/provider/host`),
 * and the rest of the provider package (the resources' contracts and logic, zod, the API client) is
 * loaded by the first resource operation or invoke (see loadProvider).
 */
import * as grpc from "@grpc/grpc-js";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import type { CheckFailure, DiffResult, ResourceKind } from "@pulumi-dfcloud/provider";
import {
  changedConfig,
  credentialsFromProviderInputs,
  type LogSink,
  PACKAGE_VERSION,
  ProviderHost,
  SECRET_CONFIG_KEYS,
} from "@pulumi-dfcloud/provider/host";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import { fromStruct, type Properties, toStruct } from "./values";
import {
  type CheckFailureOut,
  type CheckRequest,
  type CheckResponse,
  type CreateRequest,
  type CreateResponse,
  type DeleteRequest,
  DiffChanges,
  type DiffRequest,
  type DiffResponse,
  PropertyDiffKind,
  type ReadRequest,
  type ReadResponse,
  type ResourceRequest,
  type UpdateRequest,
  type UpdateResponse,
} from "./wire";

/** The provider package as a whole: the registry of resources, the schema's renderer, operation deadlines. */
type ProviderPackage = typeof import("@pulumi-dfcloud/provider");

let providerCode: Promise<ProviderPackage> | undefined;
/** The provider package once loaded (the answer to a failed create reads it without waiting). */
let loadedProvider: ProviderPackage | undefined;

/**
 * Loads the rest of the provider package, once: on the first resource operation or invoke (the host
 * loads its own part then too), or a GetSchema the bundle does not answer from its build. The plugin's
 * bundle keeps it in a file of its own (scripts/bundle-plugin.js), read from disk only then.
 */
function loadProvider(): Promise<ProviderPackage> {
  providerCode ??= import("@pulumi-dfcloud/provider").then((provider) => {
    loadedProvider = provider;
    return provider;
  });
  return providerCode;
}

/**
 * The package schema, rendered from the contracts when the plugin was bundled (scripts/bundle-plugin.js
 * defines it), so that GetSchema needs neither the contracts nor zod; run unbundled (plugin/dist) the
 * plugin has none, and renders the schema when asked.
 */
declare const DFCLOUD_BUNDLED_SCHEMA: string | undefined;
const bundledSchema = typeof DFCLOUD_BUNDLED_SCHEMA === "string" ? DFCLOUD_BUNDLED_SCHEMA : undefined;

/** The kind of the resource a request is about, by its type token (or its URN's). */
function kindOf(provider: ProviderPackage, urn: string, type: string): ResourceKind {
  // `urn:pulumi:stack::project::dfcloud-backups:index:Backup::name`
  const token = type !== "" ? type : (urn.split("::")[2] ?? "");
  const kind = provider.kindOfToken(token);
  if (!kind)
    throw new Error(
      `unknown resource type ${token}; this provider serves ${provider.RESOURCE_KINDS.join(", ")}`,
    );
  return kind;
}

/** Properties the dynamic provider kept in state and this plugin ignores (migration from it). */
const DYNAMIC_ONLY = new Set(["__provider"]);

function withoutDynamicOnly(properties: Properties): Properties {
  for (const key in properties)
    if (DYNAMIC_ONLY.has(key))
      return Object.fromEntries(Object.entries(properties).filter(([name]) => !DYNAMIC_ONLY.has(name)));
  return properties;
}

/** Check failures as the engine takes them (the config calls' generated messages). */
function failuresOf(failures: readonly CheckFailure[]): provproto.CheckFailure[] {
  return failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason));
}

/** Check failures as a resource's CheckResponse carries them. */
function failuresOut(failures: readonly CheckFailure[]): CheckFailureOut[] {
  return failures.map(({ property, reason }) => ({ property, reason }));
}

/** The logic's diff as the engine takes it: each changed property an update, or a replace. */
function diffResponse(result: DiffResult): DiffResponse {
  const replaces = result.replaces ?? [];
  // Property by property, only when the verdict is explained by properties (a Restore still
  // `restoring` changes with none changed: the engine then shows the resource as updated as a whole).
  const detailed =
    result.changes && result.changed.length > 0
      ? new Map(
          result.changed.map((key) => [
            key,
            replaces.includes(key) ? PropertyDiffKind.UPDATE_REPLACE : PropertyDiffKind.UPDATE,
          ]),
        )
      : undefined;
  return {
    changes: result.changes ? DiffChanges.DIFF_SOME : DiffChanges.DIFF_NONE,
    replaces,
    deleteBeforeReplace: result.deleteBeforeReplace ?? false,
    diffs: result.changes ? result.changed : [],
    ...(detailed ? { detailedDiff: detailed } : {}),
  };
}

/** DiffConfig's answer, on the generated messages: config changes are never replacements. */
function configDiffResponse(changed: readonly string[]): provproto.DiffResponse {
  const { DiffChanges: Changes } = provproto.DiffResponse;
  const response = new provproto.DiffResponse()
    .setChanges(changed.length > 0 ? Changes.DIFF_SOME : Changes.DIFF_NONE)
    .setDiffsList([...changed]);
  if (changed.length > 0) {
    response.setHasdetaileddiff(true);
    const detailed = response.getDetaileddiffMap();
    for (const key of changed)
      detailed.set(
        key,
        new provproto.PropertyDiff().setKind(provproto.PropertyDiff.Kind.UPDATE).setInputdiff(true),
      );
  }
  return response;
}

/** A gRPC error the engine shows as it is; a partial create keeps its id and properties in state. */
function toServiceError(error: unknown, refreshBeforeUpdate = false): grpc.ServiceError {
  const message = error instanceof Error ? error.message : String(error);
  const metadata = new grpc.Metadata();
  const partial = error as { id?: unknown; properties?: unknown; reasons?: unknown };
  if (typeof partial.id === "string" && partial.id !== "" && typeof partial.properties === "object") {
    // ErrorResourceInitFailed in the status details: the engine records the resource (with these
    // outputs) although the operation failed, as @pulumi/pulumi's own providers do.
    const detail = new provproto.ErrorResourceInitFailed();
    detail.setId(partial.id);
    detail.setProperties(toStruct(partial.properties ?? {}));
    detail.setReasonsList(Array.isArray(partial.reasons) ? partial.reasons.map(String) : [message]);
    detail.setRefreshBeforeUpdate(refreshBeforeUpdate);
    const any = new anyproto.Any();
    any.pack(detail.serializeBinary(), "pulumirpc.ErrorResourceInitFailed");
    const status = new statusproto.Status();
    status.setCode(grpc.status.UNKNOWN);
    status.setMessage(message);
    status.addDetails(any);
    metadata.add("grpc-status-details-bin", Buffer.from(status.serializeBinary()));
  }
  return Object.assign(new Error(message), { code: grpc.status.UNKNOWN, details: message, metadata });
}

/**
 * Runs one RPC: answers its callback with the result, or with the error as the engine expects it.
 * @param refreshesOf whether a partial create of the request's resource asks to be refreshed before
 *   updates, as its successful answer would
 */
function handle<Req, Res>(
  work: (request: Req) => Promise<Res>,
  refreshesOf: (request: Req) => boolean = () => false,
): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    work(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error, refreshesOf(call.request))),
    );
  };
}

/** Options of {@link createProviderService}. */
export interface ProviderServiceOptions {
  /** Where log lines go (the engine's Log service). */
  readonly sink: LogSink;
  /** Environment for credential fallbacks. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** Runs a resource operation under the engine's timeout (customTimeouts), when it sent one. */
function withTimeout<T>(
  provider: ProviderPackage,
  timeoutSeconds: number,
  operation: () => Promise<T>,
): Promise<T> {
  if (!(timeoutSeconds > 0)) return operation();
  const limit = `\`customTimeouts\` = ${provider.readableDuration(timeoutSeconds * 1000)}`;
  return provider.withinOperation({ deadlineMs: Date.now() + timeoutSeconds * 1000, limit }, operation);
}

/**
 * The ResourceProvider service over one provider host, and a way to cancel everything it is doing.
 * Each method converts protobuf to property maps and back; the host does the rest.
 */
export function createProviderService(options: ProviderServiceOptions) {
  const host = new ProviderHost({ sink: options.sink, ...(options.env ? { env: options.env } : {}) });
  /** The resource a request is about: its logic, whether it asks to be refreshed before updates, and the package. */
  const resourceOf = async (request: ResourceRequest) => {
    const provider = await loadProvider();
    const kind = kindOf(provider, request.urn, request.type);
    return {
      provider,
      logic: host.resource(kind, request.urn),
      refreshes: provider.refreshesBeforeUpdate(kind),
    };
  };
  /** Whether a partial create asks for a refresh before updates, as its answer would have (false when nothing loaded). */
  const refreshes = (request: ResourceRequest) =>
    loadedProvider
      ? loadedProvider.refreshesBeforeUpdate(kindOf(loadedProvider, request.urn, request.type))
      : false;
  /** {@link handle}, with the key removed from any error first (config calls included). */
  const rpc = <Req, Res>(work: (request: Req) => Promise<Res>, refreshesOf?: (request: Req) => boolean) =>
    handle(async (request: Req) => {
      try {
        return await work(request);
      } catch (error) {
        throw host.redaction.error(error);
      }
    }, refreshesOf);

  return {
    host,

    service: {
      getSchema: rpc(async (_request: provproto.GetSchemaRequest) => {
        if (bundledSchema !== undefined) return new provproto.GetSchemaResponse().setSchema(bundledSchema);
        const provider = await loadProvider();
        return new provproto.GetSchemaResponse().setSchema(
          provider.renderSchemaText(provider.PACKAGE_CONTRACT),
        );
      }),

      getPluginInfo: rpc(async (_request: emptyproto.Empty) =>
        new pluginproto.PluginInfo().setVersion(PACKAGE_VERSION),
      ),

      checkConfig: rpc(async (request: provproto.CheckRequest) => {
        const { values, secretKeys } = fromStruct(request.getNews());
        const failures = await host.checkConfig(values);
        // Config marked secret in the schema is returned as a secret, so the engine stores it encrypted
        // even when the user set it as plain text, as bridged providers do for sensitive config. No
        // warning about a plain-text key here: the engine hands a default provider its config without
        // the secret marker even when the stack config holds a secret, so this plugin cannot tell the two
        // apart (a program can, and the dynamic SDK warns).
        const secret = new Set([
          ...secretKeys,
          ...SECRET_CONFIG_KEYS.filter((key) => values[key] !== undefined),
        ]);
        return new provproto.CheckResponse()
          .setInputs(toStruct(values, secret))
          .setFailuresList(failuresOf(failures));
      }),

      diffConfig: rpc(async (request: provproto.DiffRequest) => {
        const olds = fromStruct(request.getOldInputs() ?? request.getOlds()).values;
        const news = fromStruct(request.getNews()).values;
        // Never a replacement: see changedConfig.
        return configDiffResponse(changedConfig(olds, news));
      }),

      configure: rpc(async (request: provproto.ConfigureRequest) => {
        const variables = request.getVariablesMap();
        host.configure(
          credentialsFromProviderInputs(fromStruct(request.getArgs()).values, (key) => variables.get(key)),
        );
        return new provproto.ConfigureResponse()
          .setAcceptsecrets(true)
          .setSupportspreview(true)
          .setAcceptresources(false)
          .setAcceptoutputs(false);
      }),

      check: rpc(async (request: CheckRequest): Promise<CheckResponse> => {
        const { logic } = await resourceOf(request);
        const result = await logic.check(
          withoutDynamicOnly(request.olds.values),
          withoutDynamicOnly(request.news.values),
        );
        return {
          ...(result.inputs
            ? { inputs: { values: result.inputs, secretKeys: request.news.secretKeys } }
            : {}),
          failures: failuresOut(result.failures ?? []),
        };
      }),

      diff: rpc(async (request: DiffRequest): Promise<DiffResponse> => {
        const { logic } = await resourceOf(request);
        return diffResponse(
          await logic.diff(request.id, withoutDynamicOnly(request.olds.values), request.news.values),
        );
      }),

      create: rpc(async (request: CreateRequest): Promise<CreateResponse> => {
        const { values: inputs, secretKeys } = request.properties;
        const { provider, logic, refreshes } = await resourceOf(request);
        if (request.preview)
          return { properties: { values: inputs, secretKeys }, refreshBeforeUpdate: refreshes };
        const { id, outs } = await withTimeout(provider, request.timeout, () => logic.create(inputs));
        return { id, properties: { values: outs, secretKeys }, refreshBeforeUpdate: refreshes };
      }, refreshes),

      read: rpc(async (request: ReadRequest): Promise<ReadResponse> => {
        const props = withoutDynamicOnly(request.properties.values);
        const { provider, logic, refreshes } = await resourceOf(request);
        const result = await withTimeout(provider, request.timeout, () => logic.read(request.id, props));
        return {
          id: result.id,
          ...(result.props ? { properties: { values: result.props } } : {}),
          ...(result.inputs ? { inputs: { values: result.inputs } } : {}),
          refreshBeforeUpdate: refreshes,
        };
      }),

      update: rpc(async (request: UpdateRequest): Promise<UpdateResponse> => {
        const olds = withoutDynamicOnly(request.olds.values);
        const { values: news, secretKeys } = request.news;
        const { provider, logic, refreshes } = await resourceOf(request);
        if (request.preview)
          return { properties: { values: { ...olds, ...news }, secretKeys }, refreshBeforeUpdate: refreshes };
        const { outs } = await withTimeout(provider, request.timeout, () =>
          logic.update(request.id, olds, news),
        );
        return { properties: { values: outs, secretKeys }, refreshBeforeUpdate: refreshes };
      }),

      delete: rpc(async (request: DeleteRequest) => {
        const props = withoutDynamicOnly(request.properties.values);
        const { provider, logic } = await resourceOf(request);
        await withTimeout(provider, request.timeout, () => logic.delete(request.id, props));
        return {};
      }),

      invoke: rpc(async (request: provproto.InvokeRequest) => {
        const answer = await host.invoke(request.getTok(), fromStruct(request.getArgs()).values);
        const response = new provproto.InvokeResponse();
        return "failures" in answer
          ? response.setFailuresList(failuresOf(answer.failures))
          : response.setReturn(toStruct(answer.result));
      }),

      cancel: rpc(async (_request: emptyproto.Empty) => {
        host.cancel("the engine cancelled the update");
        return new emptyproto.Empty();
      }),
    } satisfies Partial<grpc.UntypedServiceImplementation>,
  };
}
