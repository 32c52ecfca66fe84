/**
 * Every resource and function of the package, listed once. Every token and kind is derived from this
 * list: the native type tokens (`dfcloud-backups:index:Backup`), the dynamic SDK's type tokens
 * (`pulumi-nodejs:dynamic/dfcloud:Backup`), the kinds the dynamic SDK's serialised provider names,
 * the type names the policy pack matches, and schema.json's resources and functions. It is also where
 * the schema vocabulary (schema/) meets the resources: neither imports the other's package file.
 */

import { backupContract, backupLogic } from "./resources/backup";
import { backupScheduleContract, backupScheduleLogic } from "./resources/backup-schedule";
import type { ResourceDeps } from "./resources/deps";
import type { ResourceLogic } from "./resources/logic";
import {
  getBackupFunction,
  getDatastoreFunction,
  type LookupApi,
  listBackupsFunction,
  lookups,
} from "./resources/lookups";
import { restoreContract, restoreLogic } from "./resources/restore";
import { restoreDrillContract, restoreDrillLogic } from "./resources/restore-drill";
import { PACKAGE_METADATA, PROVIDER_CONFIG, PROVIDER_DESCRIPTION } from "./schema/package";
import type { PackageContract } from "./schema/render";
import { DYNAMIC_MODULE, type FunctionContract, type ResourceContract, tokenOf } from "./schema/spec";

/** A resource's logic with its input and output types erased to property maps (see {@link RESOURCES}). */
export type AnyResourceLogic = ResourceLogic<Record<string, unknown>, Record<string, unknown>>;

/** One resource of the package: its contract and the factory of its logic. */
export interface ResourceEntry<Kind extends string = string> {
  /** The resource's name in every SDK (`BackupSchedule`). */
  readonly kind: Kind;
  readonly contract: ResourceContract;
  /**
   * Builds the logic over the deps a front door gives it. The engine hands each operation what this
   * logic's `check` returned (or what state holds from an earlier operation), so the property maps
   * have the shapes the logic declares; front doors carry no types across their wire, so this is
   * where they are erased, once.
   */
  readonly logic: (deps: () => ResourceDeps) => AnyResourceLogic;
  /**
   * Whether the engine refreshes the resource before every update and preview, even without
   * `--refresh` (the protocol's refresh_before_update, honoured by the engine since v3.172).
   */
  readonly refreshBeforeUpdate: boolean;
}

function entry<Kind extends string, I, O>(
  kind: Kind,
  contract: ResourceContract,
  logic: (deps: () => ResourceDeps) => ResourceLogic<I, O>,
  options: { refreshBeforeUpdate?: boolean } = {},
): ResourceEntry<Kind> {
  return {
    kind,
    contract,
    logic: logic as unknown as (deps: () => ResourceDeps) => AnyResourceLogic,
    refreshBeforeUpdate: options.refreshBeforeUpdate ?? false,
  };
}

/** Every resource of the package, in schema order. */
export const RESOURCES = [
  // A schedule is edited in the console and by anything that PUTs the datastore's config (the
  // Terraform provider's dfcloud_datastore among them): refreshed before each update, a plain
  // `pulumi preview` shows such an edit as drift, and `up` compares against the live schedule.
  // It costs one datastore read per schedule per preview. A Backup never changes behind the stack's
  // back except by deletion or expiry, which refresh handles; a Restore records what happened once.
  entry("BackupSchedule", backupScheduleContract, backupScheduleLogic, { refreshBeforeUpdate: true }),
  entry("Backup", backupContract, backupLogic),
  entry("Restore", restoreContract, restoreLogic),
  entry("RestoreDrill", restoreDrillContract, restoreDrillLogic),
] as const;

/** The name of a resource of the package (`"BackupSchedule" | "Backup" | "Restore"`). */
export type ResourceKind = (typeof RESOURCES)[number]["kind"];

/** One function (invoke) of the package: its contract and what it calls. */
export interface FunctionEntry {
  readonly contract: FunctionContract;
  /**
   * Runs the function over the API with inputs `check` validated. A result that is not an object is
   * returned as the only property of one (`{ backups: [...] }`), as the schema's inline result says.
   */
  readonly call: (api: LookupApi, inputs: Record<string, unknown>) => Promise<object>;
}

/** Every function of the package, in schema order. */
export const FUNCTIONS: readonly FunctionEntry[] = [
  {
    contract: listBackupsFunction,
    call: async (api, inputs) => ({ backups: await lookups(api).listBackups(inputs) }),
  },
  { contract: getBackupFunction, call: (api, inputs) => lookups(api).getBackup(String(inputs.backupId)) },
  {
    contract: getDatastoreFunction,
    call: (api, inputs) => lookups(api).getDatastore(String(inputs.datastoreId)),
  },
];

/** Every kind, in schema order. */
export const RESOURCE_KINDS: readonly ResourceKind[] = RESOURCES.map((resource) => resource.kind);

/** The native plugin's type token of `kind`: `dfcloud-backups:index:Backup`. */
export function nativeToken(kind: ResourceKind): string {
  return tokenOf(kind);
}

/** The dynamic SDK's type token of `kind`: `pulumi-nodejs:dynamic/dfcloud:Backup`. */
export function dynamicToken(kind: ResourceKind): string {
  return `pulumi-nodejs:dynamic/${DYNAMIC_MODULE}:${kind}`;
}

/** Both type tokens of every kind: what a stack holds for a dfcloud resource, whichever door made it. */
export const TYPE_TOKENS: ReadonlyMap<string, ResourceKind> = new Map(
  RESOURCE_KINDS.flatMap((kind) => [
    [nativeToken(kind), kind],
    [dynamicToken(kind), kind],
  ]),
);

/** The kind of a resource by its type token, from either front door; undefined for anything else. */
export function kindOfToken(token: string): ResourceKind | undefined {
  return TYPE_TOKENS.get(token);
}

/** The resource of `kind`. */
export function resourceOf(kind: ResourceKind): ResourceEntry<ResourceKind> {
  const found = RESOURCES.find((resource) => resource.kind === kind);
  if (!found) throw new Error(`unknown resource kind ${kind}`);
  return found;
}

/**
 * Whether the engine should refresh a resource of `kind` before updates (see
 * {@link ResourceEntry.refreshBeforeUpdate}); the native plugin says so in every answer about it.
 */
export function refreshesBeforeUpdate(kind: ResourceKind): boolean {
  return resourceOf(kind).refreshBeforeUpdate;
}

/** The function whose token is `token` (`dfcloud-backups:index:getBackup`), if the package has one. */
export function functionOfToken(token: string): FunctionEntry | undefined {
  return FUNCTIONS.find((fn) => tokenOf(fn.contract.name) === token);
}

/** The whole package as schema.json describes it. */
export const PACKAGE_CONTRACT: PackageContract = {
  metadata: PACKAGE_METADATA,
  config: PROVIDER_CONFIG,
  providerDescription: PROVIDER_DESCRIPTION,
  resources: RESOURCES.map((resource) => resource.contract),
  functions: FUNCTIONS.map((fn) => fn.contract),
};
