/**
 * The native front door: Pulumi's `pulumirpc.ResourceProvider` gRPC service, served directly on
 * @pulumi/pulumi's generated stubs, over the same resource logic as the dynamic SDK. Served directly
 * because `@pulumi/pulumi/provider`'s `main` drops Configure, CheckConfig/DiffConfig, detailedDiff,
 * timeouts and preview (pulumi/pulumi#10915; ../shared/research/wave2-anchors.md §1).
 */
import * as grpc from "@grpc/grpc-js";
import * as pluginproto from "@pulumi/pulumi/proto/plugin_pb";
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import * as statusproto from "@pulumi/pulumi/proto/status_pb";
import {
  backupContract,
  backupLogic,
  backupScheduleContract,
  backupScheduleLogic,
  type CheckFailure,
  type Credentials,
  checkFields,
  createClient,
  type DfCloudClient,
  getBackupFunction,
  getDatastoreFunction,
  isDfCloudError,
  listBackupsFunction,
  lookups,
  PACKAGE_CONTRACT,
  PACKAGE_VERSION,
  type ResourceContract,
  type ResourceDeps,
  type ResourceLogic,
  redactError,
  redacting,
  redactSecrets,
  renderSchemaText,
  replacingKeys,
  resolveCredentials,
  restoreContract,
  restoreLogic,
  tokenOf,
  withinOperation,
} from "@pulumi-dfcloud/provider";
import * as anyproto from "google-protobuf/google/protobuf/any_pb";
import * as emptyproto from "google-protobuf/google/protobuf/empty_pb";
import { fromStruct, type Properties, toStruct } from "./values";

/** One line for the person running `pulumi up`, shown under a resource (or the stack); info unless said. */
export type EngineLog = (message: string, urn?: string, severity?: "info" | "warning") => void;

/**
 * A resource's logic with its input and output types erased to property maps. The engine hands each
 * operation what this provider's `check` returned (or stored from an earlier operation), so the maps
 * have the shapes the logic declares; the gRPC boundary cannot carry the types, so this is where they
 * are asserted, once.
 */
interface ErasedLogic {
  check(olds: Properties, news: Properties): ReturnType<ResourceLogic<Properties, Properties>["check"]>;
  diff(
    id: string,
    olds: Properties,
    news: Properties,
  ): ReturnType<ResourceLogic<Properties, Properties>["diff"]>;
  create(inputs: Properties): Promise<{ id: string; outs: object }>;
  read(id: string, props: Properties): Promise<{ id: string; props?: object; inputs?: object }>;
  update(id: string, olds: Properties, news: Properties): Promise<{ outs: object }>;
  delete(id: string, props: Properties): Promise<void>;
}

function erased<I, O>(factory: (deps: () => ResourceDeps) => ResourceLogic<I, O>) {
  // redacting: the last line of defence between the logic and the engine, as on the dynamic front door.
  return (deps: () => ResourceDeps, keys: () => (string | undefined)[]): ErasedLogic =>
    redacting(factory(deps), keys) as unknown as ErasedLogic;
}

/** Each resource's contract and logic, by type token (`dfcloud:index:Backup`). */
const RESOURCES: ReadonlyMap<
  string,
  {
    contract: ResourceContract;
    logic: (deps: () => ResourceDeps, keys: () => (string | undefined)[]) => ErasedLogic;
  }
> = new Map([
  [
    tokenOf(backupScheduleContract.name),
    { contract: backupScheduleContract, logic: erased(backupScheduleLogic) },
  ],
  [tokenOf(backupContract.name), { contract: backupContract, logic: erased(backupLogic) }],
  [tokenOf(restoreContract.name), { contract: restoreContract, logic: erased(restoreLogic) }],
]);

/** The type token of a URN: `urn:pulumi:stack::project::dfcloud:index:Backup::name`. */
function typeOf(urn: string, given: string): string {
  return given !== "" ? given : (urn.split("::")[2] ?? "");
}

/** Properties the dynamic provider kept in state and this plugin ignores (migration from it). */
const DYNAMIC_ONLY = new Set(["__provider"]);

function withoutDynamicOnly(properties: Properties): Properties {
  return Object.fromEntries(Object.entries(properties).filter(([key]) => !DYNAMIC_ONLY.has(key)));
}

/** A gRPC error the engine shows as it is; a partial create keeps its id and properties in state. */
function toServiceError(error: unknown): grpc.ServiceError {
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

/** Runs one RPC: answers its callback with the result, or with the error as the engine expects it. */
function handle<Req, Res>(work: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
  return (call, callback) => {
    work(call.request).then(
      (response) => callback(null, response),
      (error: unknown) => callback(toServiceError(error)),
    );
  };
}

/** Options of {@link createProviderService}. */
export interface ProviderServiceOptions {
  /** Where progress lines go (the engine's Log service). */
  readonly log: EngineLog;
  /** Environment for credential fallbacks. Default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
}

/** The ResourceProvider service implementation and a way to cancel everything it is doing. */
export function createProviderService(options: ProviderServiceOptions) {
  const env = options.env ?? process.env;
  const cancellation = new AbortController();
  let credentials: Credentials = resolveCredentials({}, env);
  let client: { key: string; api: DfCloudClient } | undefined;

  function api(): DfCloudClient {
    const key = `${credentials.apiUrl ?? ""}|${credentials.apiKey ?? ""}`;
    if (!client || client.key !== key) {
      client = { key, api: createClient(credentials, (message) => say(message)) };
    }
    return client.api;
  }

  /** Every spelling of these is removed from what reaches the engine (errors, reasons, lines). */
  const keys = (): (string | undefined)[] => [credentials.apiKey, env.DFCLOUD_API_KEY];
  const say: EngineLog = (message, urn, severity) =>
    options.log(redactSecrets(message, keys()), urn, severity);

  function depsFor(urn: string): ResourceDeps {
    return { api: api(), now: Date.now, log: (message) => say(message, urn), signal: cancellation.signal };
  }

  function resourceOf(urn: string, type: string): { contract: ResourceContract; logic: ErasedLogic } {
    const token = typeOf(urn, type);
    const resource = RESOURCES.get(token);
    if (!resource)
      throw new Error(
        `unknown resource type ${token}; this provider serves ${[...RESOURCES.keys()].join(", ")}`,
      );
    return { contract: resource.contract, logic: resource.logic(() => depsFor(urn), keys) };
  }

  /** Runs a resource operation under the engine's timeout (customTimeouts), when it sent one. */
  function withTimeout<T>(timeoutSeconds: number, operation: () => Promise<T>): Promise<T> {
    if (!(timeoutSeconds > 0)) return operation();
    return withinOperation({ deadlineMs: Date.now() + timeoutSeconds * 1000 }, operation);
  }

  const configKeys = Object.keys(PACKAGE_CONTRACT.config);

  /** {@link handle}, with the key removed from any error first (lookups and config calls included). */
  function guarded<Req, Res>(work: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return handle(async (request: Req) => {
      try {
        return await work(request);
      } catch (error) {
        throw redactError(error, keys());
      }
    });
  }

  return {
    cancel(): void {
      cancellation.abort(new Error("the engine cancelled the update"));
    },

    service: {
      getSchema: guarded(async (_request: provproto.GetSchemaRequest) =>
        new provproto.GetSchemaResponse().setSchema(renderSchemaText(PACKAGE_CONTRACT)),
      ),

      getPluginInfo: guarded(async (_request: emptyproto.Empty) =>
        new pluginproto.PluginInfo().setVersion(PACKAGE_VERSION),
      ),

      checkConfig: guarded(async (request: provproto.CheckRequest) => {
        const { values, secretKeys } = fromStruct(request.getNews());
        const failures: CheckFailure[] = [];
        const apiUrl = values.apiUrl;
        if (apiUrl !== undefined && typeof apiUrl === "string") {
          try {
            await createClient({ apiKey: "checking-the-url-only", apiUrl }).close();
          } catch (error) {
            if (!isDfCloudError(error, "ConfigurationError")) throw error;
            failures.push({ property: "apiUrl", reason: `apiUrl: ${error.message}` });
          }
        }
        // Config marked secret in the schema is returned as a secret, so the engine stores it encrypted
        // even when the user set it as plain text (`pulumi config set dfcloud:apiKey …` without --secret),
        // as bridged providers do for sensitive config.
        const secretConfig = new Set([
          ...secretKeys,
          ...configKeys.filter((key) => PACKAGE_CONTRACT.config[key]?.secret && values[key] !== undefined),
        ]);
        // No warning about a plain-text key here: the engine hands a default provider its config
        // without the secret marker even when the stack config holds a secret, so this plugin cannot
        // tell the two apart (the dynamic SDK, running in the program, can and warns).
        const response = new provproto.CheckResponse().setInputs(toStruct(values, secretConfig));
        return response.setFailuresList(
          failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason)),
        );
      }),

      diffConfig: guarded(async (request: provproto.DiffRequest) => {
        const olds = fromStruct(request.getOldInputs() ?? request.getOlds()).values;
        const news = fromStruct(request.getNews()).values;
        const changed = configKeys.filter((key) => JSON.stringify(olds[key]) !== JSON.stringify(news[key]));
        const response = new provproto.DiffResponse()
          .setChanges(
            changed.length > 0
              ? provproto.DiffResponse.DiffChanges.DIFF_SOME
              : provproto.DiffResponse.DiffChanges.DIFF_NONE,
          )
          .setDiffsList(changed);
        return response;
      }),

      configure: guarded(async (request: provproto.ConfigureRequest) => {
        const args = fromStruct(request.getArgs()).values;
        const variables = request.getVariablesMap();
        const setting = (key: string): string | undefined => {
          const fromArgs = args[key];
          if (typeof fromArgs === "string" && fromArgs !== "") return fromArgs;
          return variables.get(`dfcloud:${key}`) || undefined;
        };
        credentials = resolveCredentials({ apiKey: setting("apiKey"), apiUrl: setting("apiUrl") }, env);
        return new provproto.ConfigureResponse()
          .setAcceptsecrets(true)
          .setSupportspreview(true)
          .setAcceptresources(false)
          .setAcceptoutputs(false);
      }),

      check: guarded(async (request: provproto.CheckRequest) => {
        const { logic } = resourceOf(request.getUrn(), request.getType());
        const olds = withoutDynamicOnly(fromStruct(request.getOlds()).values);
        const { values: news, secretKeys } = fromStruct(request.getNews());
        const result = await logic.check(olds, withoutDynamicOnly(news));
        const response = new provproto.CheckResponse();
        if (result.inputs) response.setInputs(toStruct(result.inputs, secretKeys));
        return response.setFailuresList(
          (result.failures ?? []).map((f) =>
            new provproto.CheckFailure().setProperty(f.property).setReason(f.reason),
          ),
        );
      }),

      diff: guarded(async (request: provproto.DiffRequest) => {
        const { contract, logic } = resourceOf(request.getUrn(), request.getType());
        const olds = withoutDynamicOnly(fromStruct(request.getOlds()).values);
        const news = fromStruct(request.getNews()).values;
        const result = await logic.diff(request.getId(), olds, news);
        const replaces = new Set(result.replaces ?? []);
        const replacing = new Set(replacingKeys(contract));
        const changed = Object.keys(contract.inputs).filter(
          (key) => replaces.has(key) || JSON.stringify(olds[key]) !== JSON.stringify(news[key]),
        );
        const kinds = provproto.PropertyDiff.Kind;
        const response = new provproto.DiffResponse()
          .setChanges(
            result.changes
              ? provproto.DiffResponse.DiffChanges.DIFF_SOME
              : provproto.DiffResponse.DiffChanges.DIFF_NONE,
          )
          .setReplacesList([...replaces])
          .setDeletebeforereplace(result.deleteBeforeReplace ?? false)
          .setDiffsList(result.changes ? changed : []);
        // Property by property, update or replace; only when the logic's verdict is explained by them
        // (a Restore still `restoring` changes with no property changed: the engine then diffs itself).
        if (result.changes && changed.length > 0) {
          response.setHasdetaileddiff(true);
          const detailed = response.getDetaileddiffMap();
          for (const key of changed) {
            const kind =
              replaces.has(key) || (replacing.has(key) && result.replaces !== undefined)
                ? kinds.UPDATE_REPLACE
                : kinds.UPDATE;
            detailed.set(key, new provproto.PropertyDiff().setKind(kind).setInputdiff(true));
          }
        }
        return response;
      }),

      create: guarded(async (request: provproto.CreateRequest) => {
        const { logic } = resourceOf(request.getUrn(), request.getType());
        const { values: inputs, secretKeys } = fromStruct(request.getProperties());
        if (request.getPreview())
          return new provproto.CreateResponse().setProperties(toStruct(inputs, secretKeys));
        const { id, outs } = await withTimeout(request.getTimeout(), () => logic.create(inputs));
        return new provproto.CreateResponse().setId(id).setProperties(toStruct(outs, secretKeys));
      }),

      read: guarded(async (request: provproto.ReadRequest) => {
        const { logic } = resourceOf(request.getUrn(), request.getType());
        const props = withoutDynamicOnly(fromStruct(request.getProperties()).values);
        const result = await withTimeout(request.getTimeout(), () => logic.read(request.getId(), props));
        const response = new provproto.ReadResponse().setId(result.id);
        if (result.props) response.setProperties(toStruct(result.props));
        if (result.inputs) response.setInputs(toStruct(result.inputs));
        return response;
      }),

      update: guarded(async (request: provproto.UpdateRequest) => {
        const { logic } = resourceOf(request.getUrn(), request.getType());
        const olds = withoutDynamicOnly(fromStruct(request.getOlds()).values);
        const { values: news, secretKeys } = fromStruct(request.getNews());
        if (request.getPreview()) {
          return new provproto.UpdateResponse().setProperties(toStruct({ ...olds, ...news }, secretKeys));
        }
        const { outs } = await withTimeout(request.getTimeout(), () =>
          logic.update(request.getId(), olds, news),
        );
        return new provproto.UpdateResponse().setProperties(toStruct(outs, secretKeys));
      }),

      delete: guarded(async (request: provproto.DeleteRequest) => {
        const { logic } = resourceOf(request.getUrn(), request.getType());
        const props = withoutDynamicOnly(fromStruct(request.getProperties()).values);
        await withTimeout(request.getTimeout(), () => logic.delete(request.getId(), props));
        return new emptyproto.Empty();
      }),

      invoke: guarded(async (request: provproto.InvokeRequest) => {
        const token = request.getTok();
        const fn = [listBackupsFunction, getBackupFunction, getDatastoreFunction].find(
          (candidate) => `dfcloud:index:${candidate.name}` === token,
        );
        if (!fn)
          throw new Error(
            `unknown function ${token}; this provider serves listBackups, getBackup, getDatastore`,
          );
        const { values: args } = fromStruct(request.getArgs());
        const { values, failures } = checkFields(fn.inputs, args);
        const response = new provproto.InvokeResponse();
        if (failures.length > 0) {
          return response.setFailuresList(
            failures.map((f) => new provproto.CheckFailure().setProperty(f.property).setReason(f.reason)),
          );
        }
        const calls = lookups(api());
        // Lookups do not go through the redacting logic wrapper: their errors are cleaned in `handle`.
        const input = values as Record<string, string | undefined>;
        // A non-object result is returned as the only property of an object (invokeSingle reads the first).
        const result =
          fn === listBackupsFunction
            ? { backups: await calls.listBackups(input) }
            : fn === getBackupFunction
              ? await calls.getBackup(String(input.backupId))
              : await calls.getDatastore(String(input.datastoreId));
        return response.setReturn(toStruct(result));
      }),

      cancel: guarded(async (_request: emptyproto.Empty) => {
        cancellation.abort(new Error("the engine cancelled the update"));
        return new emptyproto.Empty();
      }),
    } satisfies Partial<grpc.UntypedServiceImplementation>,
  };
}
