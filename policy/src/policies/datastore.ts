/**
 * Stack policies that group resources by the datastore they act on: each datastore a Backup or
 * Restore uses has a BackupSchedule, never more than one, and each scheduled datastore has a
 * RestoreDrill that proves its backups restore.
 */
import type { PolicyResource, StackValidationPolicy } from "@pulumi/policy";
import { type ExemptStacksArgs, exemptStacksProperty } from "../config";
import { readProp, STRING } from "../props";
import { byName, label, resourcesOfKind } from "../resources";
import { stackPolicy } from "../validation";

/** Config of `datastore-has-schedule`. */
export interface DatastoreHasScheduleArgs extends ExemptStacksArgs {
  /** Datastore ids that need no BackupSchedule in the stack (scheduled elsewhere, or scratch). Defaults to `[]`. */
  exemptDatastoreIds?: string[];
}

/** Config of `one-schedule-per-datastore`: only `exemptStacks`. */
export type OneSchedulePerDatastoreArgs = ExemptStacksArgs;

/** Config of `datastore-has-restore-drill`. */
export interface DatastoreHasRestoreDrillArgs extends ExemptStacksArgs {
  /** Datastore ids that need no RestoreDrill in the stack (drilled by another stack). Defaults to `[]`. */
  exemptDatastoreIds?: string[];
}

/** Resources grouped by known datastoreId, and the reasons of those whose datastoreId is not known. */
interface ByDatastore {
  known: Map<string, PolicyResource[]>;
  unknown: string[];
}

/** Groups `resources` by their `datastoreId`, each group sorted by name. */
function groupByDatastore(resources: readonly PolicyResource[]): ByDatastore {
  const grouped: ByDatastore = { known: new Map(), unknown: [] };
  for (const resource of resources) {
    const datastore = readProp(resource.props, "datastoreId", STRING);
    if (!datastore.known) {
      grouped.unknown.push(`${label(resource)}: ${datastore.reason}`);
      continue;
    }
    const group = grouped.known.get(datastore.value) ?? [];
    group.push(resource);
    grouped.known.set(datastore.value, group);
  }
  for (const group of grouped.known.values()) group.sort(byName);
  return grouped;
}

/** The `exemptDatastoreIds` setting of a policy that asks for a `kind` of each datastore. */
function exemptDatastoreIdsSchema(kind: string) {
  return {
    type: "array",
    items: { type: "string", minLength: 1 },
    default: [],
    description: `Datastore ids that need no ${kind} in the stack.`,
  } as const;
}

/** Checks that every datastore the stack backs up or restores is also on a schedule. */
export const datastoreHasSchedule: StackValidationPolicy = stackPolicy<DatastoreHasScheduleArgs>({
  name: "datastore-has-schedule",
  description:
    "Checks whether every datastore that a Backup or Restore in the stack uses also has a BackupSchedule in the stack.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Declare a BackupSchedule for the datastore in this stack, or add its id to exemptDatastoreIds in the policy pack config.",
  configSchema: {
    properties: {
      exemptDatastoreIds: exemptDatastoreIdsSchema("BackupSchedule"),
      ...exemptStacksProperty,
    },
  },
  check: ({ resources, config, reportViolation, couldNotCheck }) => {
    const schedules = groupByDatastore(resourcesOfKind(resources, "BackupSchedule"));
    const users = groupByDatastore([
      ...resourcesOfKind(resources, "Backup"),
      ...resourcesOfKind(resources, "Restore"),
    ]);
    for (const reason of users.unknown) couldNotCheck(reason);
    for (const [datastoreId, using] of users.known) {
      const [first] = using;
      if (!first || schedules.known.has(datastoreId) || config.exemptDatastoreIds.includes(datastoreId))
        continue;
      if (schedules.unknown.length > 0) {
        // A schedule whose datastoreId is not known yet may turn out to be this datastore's.
        couldNotCheck(
          `whether datastore "${datastoreId}" has a BackupSchedule (${schedules.unknown.join("; ")})`,
        );
        continue;
      }
      reportViolation(
        `Datastore "${datastoreId}" (used by ${using.map(label).join(", ")}) must have a BackupSchedule in this stack, but the stack has none for it.`,
        first.urn,
      );
    }
  },
});

/**
 * Checks that no datastore has two schedules, which would overwrite each other's policy on every
 * `up`. Reported once per datastore, on the second of its schedules by name.
 */
export const oneSchedulePerDatastore: StackValidationPolicy = stackPolicy<OneSchedulePerDatastoreArgs>({
  name: "one-schedule-per-datastore",
  description:
    "Checks whether each datastore has at most one BackupSchedule in the stack, since a datastore has a single backup policy that each schedule overwrites.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Merge the BackupSchedules of the datastore into one, with the union of their days and hours and the longest retentionDays.",
  configSchema: { properties: { ...exemptStacksProperty } },
  check: ({ resources, reportViolation, couldNotCheck }) => {
    const schedules = resourcesOfKind(resources, "BackupSchedule");
    const grouped = groupByDatastore(schedules);
    for (const [datastoreId, group] of grouped.known) {
      const [, second] = group;
      if (!second) continue;
      reportViolation(
        `Datastore "${datastoreId}" must have at most one BackupSchedule, because each one overwrites the datastore's backup policy on every update, but it has ${group.length}: ${group.map((s) => `"${s.name}"`).join(", ")}.`,
        second.urn,
      );
    }
    // With a single schedule in the stack, an unknown datastoreId cannot collide with anything.
    if (schedules.length > 1) for (const reason of grouped.unknown) couldNotCheck(reason);
  },
});

/**
 * Checks that every datastore the stack schedules backups for also has a RestoreDrill of it in the
 * stack: a backup nobody has restored is not known to restore, nor known to restore within the
 * recovery time. Advisory by default, since a drill needs a scheduled pipeline to run it (a new
 * `trigger` each week), which a stack cannot declare by itself. Reported once per datastore, on
 * the first (by name) of its schedules.
 */
export const datastoreHasRestoreDrill: StackValidationPolicy = stackPolicy<DatastoreHasRestoreDrillArgs>({
  name: "datastore-has-restore-drill",
  description:
    "Checks whether every datastore that has a BackupSchedule in the stack also has a RestoreDrill of it in the stack, so that its backups are proven to restore.",
  enforcementLevel: "advisory",
  severity: "medium",
  remediationSteps:
    "Declare a RestoreDrill with the datastore's id as datastoreId and a trigger that a scheduled pipeline changes each week (the ISO week, for example), or add the id to exemptDatastoreIds in the policy pack config.",
  configSchema: {
    properties: {
      exemptDatastoreIds: exemptDatastoreIdsSchema("RestoreDrill"),
      ...exemptStacksProperty,
    },
  },
  check: ({ resources, config, reportViolation, couldNotCheck }) => {
    const schedules = groupByDatastore(resourcesOfKind(resources, "BackupSchedule"));
    const drills = groupByDatastore(resourcesOfKind(resources, "RestoreDrill"));
    for (const reason of schedules.unknown) couldNotCheck(reason);
    for (const [datastoreId, scheduling] of schedules.known) {
      const [first] = scheduling;
      if (!first || drills.known.has(datastoreId) || config.exemptDatastoreIds.includes(datastoreId))
        continue;
      if (drills.unknown.length > 0) {
        // A drill whose datastoreId is not known yet may turn out to be this datastore's.
        couldNotCheck(`whether datastore "${datastoreId}" has a RestoreDrill (${drills.unknown.join("; ")})`);
        continue;
      }
      reportViolation(
        `Datastore "${datastoreId}" (backed up by ${scheduling.map(label).join(", ")}) should have a RestoreDrill in this stack, so that its backups are proven to restore, but the stack has none for it: add a RestoreDrill with datastoreId "${datastoreId}" and a trigger that a scheduled pipeline changes each week, such as the ISO week ("2026-W49").`,
        first.urn,
      );
    }
  },
});
