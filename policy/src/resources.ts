/**
 * What the policies need to know about resources beyond their props: which dfcloud type a token
 * is, how to name a resource in a message, the stack a URN belongs to, and a resource's
 * dependencies.
 */
import type { PolicyResource } from "@pulumi/policy";
import { BACKUP_SCHEDULE_TYPE, BACKUP_TYPE, RESTORE_TYPE } from "pulumi-dfcloud/tokens";

/** The dfcloud resource types policies match, keyed by type token. */
const TYPE_NAMES: Readonly<Record<string, string>> = {
  [BACKUP_SCHEDULE_TYPE]: "BackupSchedule",
  [BACKUP_TYPE]: "Backup",
  [RESTORE_TYPE]: "Restore",
};

/** Names a resource in a message the way a program declares it: `BackupSchedule "nightly"`. */
export function label(resource: { type: string; name: string }): string {
  return `${TYPE_NAMES[resource.type] ?? resource.type} "${resource.name}"`;
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

/** The stack resources of type `token`, in stack order. */
export function resourcesOfToken(resources: readonly PolicyResource[], token: string): PolicyResource[] {
  return resources.filter((resource) => resource.type === token);
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
