/**
 * What the policies need to know about resources beyond their props: which dfcloud resource kind a
 * type token is, whichever front door registered it, how to name a resource in a message, the stack
 * a URN belongs to, and a resource's dependencies.
 */
import type { PolicyResource } from "@pulumi/policy";
import {
  kindOfToken,
  nativeToken,
  PACKAGE,
  RESOURCE_KINDS,
  type ResourceKind,
  TYPE_TOKENS,
} from "@pulumi-dfcloud/provider";

/**
 * The name the native plugin's package had before it was `dfcloud-backups`. Earlier native versions
 * registered their resources as `dfcloud:index:<Kind>`, and a program that still runs such a version
 * (a Pulumi YAML file naming those tokens, a pinned plugin) registers them so on every preview: the
 * pack judges what the program registers, so without these tokens such a stack could keep backups
 * for 3 days unguarded. They are matched exactly, three
 * tokens and never `dfcloud:*`: `dfcloud` is now the name of the vendor's bridged Terraform provider,
 * whose tokens put each resource in a module of its own (`dfcloud:index/datastore:Datastore`), so
 * none of its resources can carry one of them (and it has no backup resources at all).
 */
export const EARLIER_NATIVE_PACKAGE = "dfcloud";

/** The token an earlier native version gave `kind`: the native token under {@link EARLIER_NATIVE_PACKAGE}. */
export function earlierNativeToken(kind: ResourceKind): string {
  return `${EARLIER_NATIVE_PACKAGE}${nativeToken(kind).slice(PACKAGE.length)}`;
}

/** The earlier native tokens, by token. */
const EARLIER_NATIVE_TOKENS: ReadonlyMap<string, ResourceKind> = new Map(
  RESOURCE_KINDS.map((kind) => [earlierNativeToken(kind), kind]),
);

/**
 * The dfcloud resource kind of a type token, from any front door: the dynamic SDK's, the native
 * plugin's (the registry's {@link TYPE_TOKENS}) or an earlier native version's. Undefined for any
 * other resource. The props of each door have the same names (one contract serves both); the
 * dynamic door's also carry `__provider`, which no policy reads.
 */
export function kindOfType(type: string): ResourceKind | undefined {
  return kindOfToken(type) ?? EARLIER_NATIVE_TOKENS.get(type);
}

/** Every type token of `kind` that policies match: the registry's, then the earlier native one. */
export function typesOfKind(kind: ResourceKind): string[] {
  const current = [...TYPE_TOKENS].filter(([, of]) => of === kind).map(([token]) => token);
  return [...current, earlierNativeToken(kind)];
}

/** Names a resource in a message the way a program declares it: `BackupSchedule "nightly"`. */
export function label(resource: { type: string; name: string }): string {
  return `${kindOfType(resource.type) ?? resource.type} "${resource.name}"`;
}

/**
 * Returns the stack name inside a URN (`urn:pulumi:<stack>::<project>::<type>::<name>`). Policies
 * read it from the URN because resource validation args carry no stack name of their own.
 */
export function stackOfUrn(urn: string): string {
  const [head = ""] = urn.split("::");
  return head.replace(/^urn:pulumi:/, "");
}

/**
 * Orders resources by name. The engine registers resources concurrently, so stack order varies
 * from run to run; messages that list resources sort them to read the same every time.
 */
export function byName(a: { name: string }, b: { name: string }): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** The stack resources of `kind`, from either front door, in stack order. */
export function resourcesOfKind(resources: readonly PolicyResource[], kind: ResourceKind): PolicyResource[] {
  return resources.filter((resource) => kindOfType(resource.type) === kind);
}

/**
 * Every resource `resource` depends on, directly or through other dependencies: explicit
 * `dependsOn` and property dependencies alike, since either orders the deployment.
 */
export function transitiveDependencies(resource: PolicyResource): PolicyResource[] {
  const seen = new Map<string, PolicyResource>();
  const pending = directDependencies(resource);
  for (let next = pending.pop(); next; next = pending.pop()) {
    if (seen.has(next.urn)) continue;
    seen.set(next.urn, next);
    pending.push(...directDependencies(next));
  }
  return [...seen.values()];
}

function directDependencies(resource: PolicyResource): PolicyResource[] {
  return [...resource.dependencies, ...Object.values(resource.propertyDependencies).flat()];
}
