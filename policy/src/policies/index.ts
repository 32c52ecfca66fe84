/**
 * Every policy of `dfcloud-backup-guardrails`, in the order the README documents them. Kept apart
 * from the pack itself because constructing a `PolicyPack` starts its gRPC server, and tests
 * import the policies without one.
 */
import type { Policies } from "@pulumi/policy";
import { backupProtected } from "./backup";
import { datastoreHasRestoreDrill, datastoreHasSchedule, oneSchedulePerDatastore } from "./datastore";
import { restoreAllowedStacks, restoreNeedsSafetyBackup } from "./restore";
import {
  scheduleEnabled,
  scheduleMaxRetention,
  scheduleMinFrequency,
  scheduleMinRetention,
} from "./schedule";

export type { BackupProtectedArgs } from "./backup";
export type {
  DatastoreHasRestoreDrillArgs,
  DatastoreHasScheduleArgs,
  OneSchedulePerDatastoreArgs,
} from "./datastore";
export type { RestoreAllowedStacksArgs, RestoreNeedsSafetyBackupArgs } from "./restore";
export type {
  ScheduleEnabledArgs,
  ScheduleMaxRetentionArgs,
  ScheduleMinFrequencyArgs,
  ScheduleMinRetentionArgs,
} from "./schedule";

/** The pack's policies; each one's enforcement level can be changed through policy pack config. */
export const policies: Policies = [
  scheduleMinRetention,
  scheduleMaxRetention,
  scheduleMinFrequency,
  scheduleEnabled,
  restoreAllowedStacks,
  restoreNeedsSafetyBackup,
  datastoreHasSchedule,
  backupProtected,
  oneSchedulePerDatastore,
  datastoreHasRestoreDrill,
];
