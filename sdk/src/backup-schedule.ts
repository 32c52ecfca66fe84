import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "./provider";

/** A weekday name: `sun` … `sat`; full names (`monday`) and any case are accepted too. */
export type WeekdayName = "sun" | "mon" | "tue" | "wed" | "thu" | "fri" | "sat" | (string & {});

/** Arguments of {@link BackupSchedule}. */
export interface BackupScheduleArgs {
  /** Id of the datastore whose backups are scheduled. Changing it replaces the resource. */
  datastoreId: pulumi.Input<string>;
  /** Whether scheduled backups are taken. Default `true`. */
  enabled?: pulumi.Input<boolean>;
  /** `"every"` for every day, or the weekdays to back up on. Order, duplicates and case do not matter. */
  days: pulumi.Input<"every" | pulumi.Input<WeekdayName>[]>;
  /** `"every"` for every hour, or hours of the day 0–23 in **UTC**. Order and duplicates do not matter. */
  hours: pulumi.Input<"every" | pulumi.Input<number>[]>;
  /** How long each scheduled backup is kept, in whole days (at least 1, at most 365). */
  retentionDays: pulumi.Input<number>;
  /** How long `up` waits for the datastore to apply the schedule, in minutes. Default 30. */
  waitTimeoutMinutes?: pulumi.Input<number>;
}

const provider = dynamicProvider("BackupSchedule");

/**
 * The recurring backup schedule of one datastore (its `config.backup_policy`). `up` writes only the
 * schedule, by read-modify-write, and waits until the datastore applied it; `refresh` shows a
 * console edit as drift; `destroy` disables the schedule and leaves the datastore and its backups.
 * The resource id is the datastore id.
 */
export class BackupSchedule extends pulumi.dynamic.Resource {
  /** Id of the datastore. */
  declare readonly datastoreId: pulumi.Output<string>;
  /** Whether scheduled backups are taken. */
  declare readonly enabled: pulumi.Output<boolean>;
  /** `"every"` or weekday names, normalised: short, lower case, Sunday first. */
  declare readonly days: pulumi.Output<"every" | string[]>;
  /** `"every"` or hours of the day (UTC), ascending. */
  declare readonly hours: pulumi.Output<"every" | number[]>;
  /** Days each scheduled backup is kept. */
  declare readonly retentionDays: pulumi.Output<number>;
  /** Minutes `up` waits for the datastore. */
  declare readonly waitTimeoutMinutes: pulumi.Output<number>;

  /**
   * @param name the unique name of the resource
   * @param args the schedule
   * @param opts resource options
   */
  constructor(name: string, args: BackupScheduleArgs, opts?: pulumi.CustomResourceOptions) {
    // Keys absent from props get no Output, so optional inputs are listed to expose their outputs.
    super(
      provider,
      name,
      { enabled: undefined, waitTimeoutMinutes: undefined, ...args },
      opts,
      "dfcloud",
      "BackupSchedule",
    );
  }
}
