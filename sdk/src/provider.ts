import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "@pulumi-dfcloud/provider";

/** The methods the provider process calls on a deserialised provider, besides `configure`. */
type Method = Exclude<keyof pulumi.dynamic.ResourceProvider, "configure">;

/** One of them, as `configure` forwards it. */
type Forward = (...args: unknown[]) => Promise<unknown>;

/** What {@link dynamicProvider} returns: its kind, and `configure`, which adds the other methods. */
interface SerialisedProvider extends Partial<Record<Method, Forward>> {
  readonly kind: ResourceKind;
  configure(this: SerialisedProvider, req: pulumi.dynamic.ConfigureRequest): Promise<void>;
}

/**
 * Puts on the provider the six methods that forward to pulumi-dfcloud/runtime's `logic[kind]`, then
 * hands the stack config to the runtime's `configure`. The methods come first and synchronously, and
 * each loads the runtime when called: getProvider caches the provider before `configure` settles and
 * calls it once, so a provider left without methods would skip `check` and `read` and report
 * `update` and `delete` done without a word, while a runtime that fails to load fails every call
 * alike. State written while the provider was seven serialised closures calls the same
 * `configure` and `logic[kind].<method>`, so the runtime keeps those exports.
 *
 * An anonymous function expression (a named one serialises with a reference to itself); everything
 * in its body is stored in state as text, so it stays short and its comments stay here.
 */
const configure = async function (this: SerialisedProvider, req: pulumi.dynamic.ConfigureRequest) {
  const runtime = () => require("pulumi-dfcloud/runtime") as typeof import("./runtime");
  for (const method of ["check", "diff", "create", "read", "update", "delete"] as const) {
    this[method] = (...args: unknown[]) => (runtime().logic[this.kind][method] as Forward)(...args);
  }
  runtime().configure(req.config);
};

/**
 * The provider object Pulumi serialises into each resource's `__provider` input: the resource's kind
 * and {@link configure}, which captures nothing. The implementation is loaded by package name inside
 * the provider process: module-level zod schemas and undici agents cannot be serialised
 * (pulumi/pulumi#5294, #18997), the implementation would bloat state, and an API key captured here
 * would be stored in state (pulumi/pulumi#8265). Credentials reach the provider through `configure`
 * or the environment.
 *
 * Pulumi stores `__provider` in each resource's inputs and again in its outputs, and the engine
 * rewrites the whole checkpoint after every step; each serialised function is about 200 bytes of it.
 * So `configure` is the only one: the provider process calls it on each provider it deserialises
 * before any other method, and it adds the other six there.
 * @param kind the resource kind whose logic the provider runs
 * @returns a provider that has `check`, `diff`, `create`, `read`, `update` and `delete` once the
 *   provider process has called its `configure`
 */
export function dynamicProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const provider: SerialisedProvider = { kind, configure };
  return provider as pulumi.dynamic.ResourceProvider;
}
