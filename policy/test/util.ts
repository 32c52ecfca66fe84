/**
 * Fake validation args for running one policy directly (awsguard style): build the args a policy
 * would get from the engine, run its `validateResource` / `validateStack` with a reporter that
 * collects messages and a `notApplicable` that records its reason, and return what happened. And
 * the table of front doors ({@link DOORS}) that every policy case runs through.
 */
import { createRequire } from "node:module";
import type {
  PolicyResource,
  PolicyResourceOptions,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";

import { dynamicToken, nativeToken, RESOURCE_KINDS, type ResourceKind } from "@pulumi-dfcloud/provider";
import { earlierNativeToken } from "../src/resources";

export { UNKNOWN } from "@pulumi-dfcloud/provider";

/** The type tokens one front door gives the resources it registers. */
export interface Door {
  /** How test titles name the door. */
  name: string;
  /** The type token of each kind of resource. */
  types: Readonly<Record<ResourceKind, string>>;
}

function door(name: string, token: (kind: ResourceKind) => string): Door {
  const types = Object.fromEntries(RESOURCE_KINDS.map((kind) => [kind, token(kind)]));
  return { name, types: types as Record<ResourceKind, string> };
}

/**
 * Every front door a stack's dfcloud resources come through, each with its own type tokens and the
 * same property names: every policy case runs through each, since a stack written in Pulumi YAML,
 * Python, Go or on the generated Node.js SDK must be judged exactly as one on the dynamic SDK.
 */
export const DOORS: readonly Door[] = [
  door("the dynamic SDK", dynamicToken),
  door("the native plugin", nativeToken),
  door("a native plugin of the earlier package name", earlierNativeToken),
];

/**
 * A dynamic resource's props as the engine hands them to policies: with the serialised provider
 * `__provider` among its inputs, which no policy may trip over. Native resources have no such prop.
 */
function engineProps(type: string, props: Record<string, unknown>): Record<string, unknown> {
  if (!type.startsWith("pulumi-nodejs:dynamic/") || "__provider" in props) return props;
  // Assigned onto the given object, not copied, so a test's own proxy (engineProxy) stays in place.
  return Object.assign(props, { __provider: "exports.handler = __f0; /* serialised provider */" });
}

/** The stack the fake URNs name unless a test says otherwise. */
export const DEFAULT_STACK = "dev";

/** What one policy run produced. */
export interface PolicyRun {
  /** Messages passed to `reportViolation`, in order. */
  violations: string[];
  /** URNs passed with those messages (stack policies), in the same order. */
  urns: (string | undefined)[];
  /** The reason given to `notApplicable`, if the policy called it. */
  notApplicable?: string | undefined;
}

/** Thrown by the fake `notApplicable`, as the engine's own throws `NotApplicableError`. */
class NotApplicable extends Error {
  constructor(readonly reason: string | undefined) {
    super(reason ?? "not applicable");
  }
}

function notApplicable(reason?: string): never {
  throw new NotApplicable(reason);
}

/** A URN the way the engine writes it, which is where policies read the stack name from. */
export function urnOf(type: string, name: string, stack = DEFAULT_STACK): string {
  return `urn:pulumi:${stack}::dfcloud-test::${type}::${name}`;
}

function options(overrides: Partial<PolicyResourceOptions> = {}): PolicyResourceOptions {
  return {
    protect: false,
    ignoreChanges: [],
    aliases: [],
    customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
    additionalSecretOutputs: [],
    ...overrides,
  };
}

/** A fake `getConfig` that returns `config`, as the engine returns a policy's config. */
function configGetter(config: object) {
  return <T extends object>() => ({ ...config }) as T;
}

/** What a test states about one resource; everything else gets a neutral value. */
export interface FakeResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  stack?: string;
  opts?: Partial<PolicyResourceOptions>;
}

/**
 * What the engine tells a policy about one resource, whether it hands it to `validateResource` or
 * lists it for `validateStack`: its type, name, URN, props (a dynamic resource's with `__provider`),
 * options, and type checks that match no SDK class.
 */
function resourceView(resource: FakeResource) {
  return {
    type: resource.type,
    name: resource.name,
    urn: urnOf(resource.type, resource.name, resource.stack),
    props: engineProps(resource.type, resource.props),
    opts: options(resource.opts),
    isType: () => false,
    asType: () => undefined,
  };
}

/** Validation args for one resource, as the engine passes them to `validateResource`. */
export function resourceArgs(resource: FakeResource, config: object = {}): ResourceValidationArgs {
  return {
    ...resourceView(resource),
    stackTags: new Map(),
    getConfig: configGetter(config),
    notApplicable,
  };
}

/** Runs `run` with a collecting reporter; a `notApplicable` ends the run and is recorded. */
async function collect(run: (reportViolation: ReportViolation) => Promise<void> | void): Promise<PolicyRun> {
  const result: PolicyRun = { violations: [], urns: [] };
  try {
    await run((message, urn) => {
      result.violations.push(message);
      result.urns.push(urn);
    });
  } catch (error) {
    if (!(error instanceof NotApplicable)) throw error;
    result.notApplicable = error.reason;
  }
  return result;
}

/** Runs every `validateResource` of `policy` on `args`. */
export function runResourcePolicy(
  policy: ResourceValidationPolicy,
  args: ResourceValidationArgs,
): Promise<PolicyRun> {
  const validations = [policy.validateResource ?? []].flat();
  return collect(async (reportViolation) => {
    for (const validate of validations) await validate(args, reportViolation);
  });
}

/** A resource in a stack, with its dependencies, as stack policies see it. */
export interface FakeStackResource extends FakeResource {
  dependsOn?: PolicyResource[];
  propertyDependencies?: Record<string, PolicyResource[]>;
}

/** A stack resource as the engine passes it to `validateStack`. */
export function stackResource(resource: FakeStackResource): PolicyResource {
  return {
    ...resourceView(resource),
    dependencies: resource.dependsOn ?? [],
    propertyDependencies: resource.propertyDependencies ?? {},
  };
}

/** Runs `policy.validateStack` on `resources`. */
export function runStackPolicy(
  policy: StackValidationPolicy,
  resources: PolicyResource[],
  config: object = {},
): Promise<PolicyRun> {
  const args: StackValidationArgs = {
    resources,
    stackTags: new Map(),
    getConfig: configGetter(config),
    notApplicable,
  };
  return collect((reportViolation) => policy.validateStack(args, reportViolation));
}

/**
 * Wraps props in @pulumi/policy's own unknown-checking proxy, exactly as the engine hands them to
 * policies. Its typings hide the proxy (`@internal`), hence the untyped require.
 */
export function engineProxy(props: Record<string, unknown>): Record<string, unknown> {
  const proxy = createRequire(__filename)("@pulumi/policy/proxy") as {
    unknownCheckingProxy(props: Record<string, unknown>): Record<string, unknown>;
  };
  return proxy.unknownCheckingProxy(props);
}
