/**
 * Policies on Restore, the one resource that destroys data: where it may be declared, and that a
 * safety backup of the same datastore is taken before it runs.
 */
import type { PolicyResource, ResourceValidationPolicy, StackValidationPolicy } from "@pulumi/policy";
import {
  type ExemptStacksArgs,
  exemptStacksProperty,
  matchesAnyStackPattern,
  stackPatternsSchema,
} from "../config";
import { rawProp, readProp, STRING } from "../props";
import { byName, kindOfType, label, resourcesOfKind, stackOfUrn, transitiveDependencies } from "../resources";
import { resourcePolicy, stackPolicy } from "../validation";

/** Config of `restore-allowed-stacks`. */
export interface RestoreAllowedStacksArgs {
  /** Stack-name patterns where a Restore may be declared. Defaults to `["*"]`. */
  allowedStacks?: string[];
  /** Stack-name patterns where a Restore may never be declared, even if allowed. Defaults to `["prod*"]`. */
  deniedStacks?: string[];
}

/** Config of `restore-needs-safety-backup`. */
export interface RestoreNeedsSafetyBackupArgs extends ExemptStacksArgs {
  /**
   * Whether a Backup that adopts an existing backup (`existingBackupId`) counts as the safety
   * backup. It holds the data of some earlier moment, not of the moment before the restore.
   * Defaults to false.
   */
  allowExistingBackup?: boolean;
}

/** Checks the stack name against allowed and denied patterns, so nobody restores over production. */
export const restoreAllowedStacks: ResourceValidationPolicy = resourcePolicy<RestoreAllowedStacksArgs>({
  name: "restore-allowed-stacks",
  description:
    "Checks whether a Restore is declared only in stacks that match allowedStacks and match no pattern in deniedStacks.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Remove the Restore from this stack's program and restore from a stack that allowedStacks permits, or change allowedStacks and deniedStacks in the policy pack config.",
  configSchema: {
    properties: {
      allowedStacks: stackPatternsSchema(
        "Stack-name patterns (* and ? wildcards, any case) where a Restore may be declared.",
        ["*"],
      ),
      deniedStacks: stackPatternsSchema(
        "Stack-name patterns (* and ? wildcards, any case) where a Restore may never be declared.",
        ["prod*"],
      ),
    },
  },
  resourceKind: "Restore",
  check: ({ args, config, reportViolation }) => {
    const stack = stackOfUrn(args.urn);
    const { allowedStacks, deniedStacks } = config;
    if (matchesAnyStackPattern(stack, allowedStacks) && !matchesAnyStackPattern(stack, deniedStacks)) return;
    reportViolation(
      `${label(args)} may only be declared in a stack that matches allowedStacks ${JSON.stringify(allowedStacks)} and no pattern in deniedStacks ${JSON.stringify(deniedStacks)}, but this stack is "${stack}".`,
    );
  },
});

/** Checks that each Restore depends on a fresh Backup of its own datastore. */
export const restoreNeedsSafetyBackup: StackValidationPolicy = stackPolicy<RestoreNeedsSafetyBackupArgs>({
  name: "restore-needs-safety-backup",
  description:
    "Checks whether every Restore depends on a Backup of the same datastore in the same stack, so that the data it overwrites is backed up first.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Declare a Backup with the Restore's datastoreId and add it to the Restore's dependsOn, so the engine takes it before restoring.",
  configSchema: {
    properties: {
      allowExistingBackup: {
        type: "boolean",
        default: false,
        description:
          "Whether a Backup that adopts an existing backup (existingBackupId) counts as the safety backup.",
      },
      ...exemptStacksProperty,
    },
  },
  check: ({ resources, config, reportViolation, couldNotCheck }) => {
    for (const restore of resourcesOfKind(resources, "Restore")) {
      const datastore = readProp(restore.props, "datastoreId", STRING);
      if (!datastore.known) {
        couldNotCheck(`${label(restore)}: ${datastore.reason}`);
        continue;
      }
      const sameDatastore: PolicyResource[] = [];
      const undecided: string[] = [];
      for (const backup of transitiveDependencies(restore).filter((r) => kindOfType(r.type) === "Backup")) {
        const backupDatastore = readProp(backup.props, "datastoreId", STRING);
        if (!backupDatastore.known)
          undecided.push(`${label(backup)}, which ${label(restore)} depends on: ${backupDatastore.reason}`);
        else if (backupDatastore.value === datastore.value) sameDatastore.push(backup);
      }
      // An unknown existingBackupId still means one is set: the Backup adopts, it does not take.
      const isFresh = (backup: PolicyResource) => rawProp(backup.props, "existingBackupId") == null;
      if (sameDatastore.some((backup) => config.allowExistingBackup || isFresh(backup))) continue;
      if (undecided.length > 0) {
        // One of those Backups may yet turn out to be of this datastore.
        for (const reason of undecided) couldNotCheck(reason);
        continue;
      }
      const adopted = sameDatastore
        .sort(byName)
        .map((backup) => `"${backup.name}"`)
        .join(", ");
      const actual =
        sameDatastore.length === 0
          ? "it depends on no Backup of that datastore"
          : `its Backups of that datastore (${adopted}) only adopt existing backups (existingBackupId) and allowExistingBackup is false`;
      reportViolation(
        `${label(restore)} must depend on a Backup of datastore "${datastore.value}" in this stack, so that a safety backup is taken before the restore overwrites the data, but ${actual}.`,
        restore.urn,
      );
    }
  },
});
