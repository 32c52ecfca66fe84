import type * as pulumi from "@pulumi/pulumi";
import type { ResourceKind } from "@pulumi-dfcloud/provider";

/**
 * The provider object Pulumi serialises into each resource's `__provider` input. It captures only
 * `kind` and a function that loads the implementation by package name inside the provider process:
 * module-level zod schemas and undici agents cannot be serialised (pulumi/pulumi#5294, #18997), the
 * implementation would bloat state, and an API key captured here would be stored in state
 * (pulumi/pulumi#8265). Credentials reach the provider through `configure` or the environment.
 */
export function dynamicProvider(kind: ResourceKind): pulumi.dynamic.ResourceProvider {
  const runtime = () => require("pulumi-dfcloud/runtime") as typeof import("./runtime");
  return {
    configure: async (req) => runtime().configure(req.config),
    check: (olds, news) => runtime().logic[kind].check(olds, news),
    diff: (id, olds, news) => runtime().logic[kind].diff(id, olds, news),
    create: (inputs) => runtime().logic[kind].create(inputs),
    read: (id, props) => runtime().logic[kind].read(id, props),
    update: (id, olds, news) => runtime().logic[kind].update(id, olds, news),
    delete: (id, props) => runtime().logic[kind].delete(id, props),
  };
}
