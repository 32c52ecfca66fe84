import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "./provider";

/** Arguments of {@link Restore}. */
export interface RestoreArgs {
  /** Id of the datastore to restore into. Its data is deleted and replaced by the backup's. */
  datastoreId: pulumi.Input<string>;
  /** Id of the backup to restore (`bkp_…`). Changing it without changing `trigger` fails the preview. */
  backupId: pulumi.Input<string>;
  /** Must be `true`: you accept that the datastore's current data is deleted. */
  acknowledgeDataLoss: pulumi.Input<true>;
  /** Any string; the restore runs again only when it changes (for example a date). Default: unset. */
  trigger?: pulumi.Input<string>;
  /**
   * How long `up` waits for the restore to finish, in minutes: one budget for the idle wait, every
   * request and the restore itself. Default 30.
   */
  waitTimeoutMinutes?: pulumi.Input<number>;
  /**
   * When the datastore already holds this backup: `"fail"` (default) starts nothing and says what to
   * check (the API cannot tell an interrupted run's restore from an earlier one); `"skip"` records the
   * restore as done without running it; `"restore"` wipes the datastore and restores it again.
   */
  ifAlreadyLoaded?: pulumi.Input<"fail" | "skip" | "restore">;
}

const provider = dynamicProvider("Restore");

/**
 * Restores a backup into an existing datastore, once. `preview` checks that the backup exists, is
 * ready and fits the datastore (same cloud and region, compatible shards); `up` waits for the
 * datastore to be active, starts the restore and waits until the backup is loaded. It runs again
 * only when `trigger` changes. `destroy` leaves the datastore's data as it is.
 */
export class Restore extends pulumi.dynamic.Resource {
  /** Id of the datastore restored into. */
  declare readonly datastoreId: pulumi.Output<string>;
  /** Id of the backup that was restored. */
  declare readonly backupId: pulumi.Output<string>;
  /** The trigger the restore last ran for. */
  declare readonly trigger: pulumi.Output<string | undefined>;
  /** `restoring` until the restore is seen to finish, then `restored`; `skipped` for ifAlreadyLoaded `"skip"`. */
  declare readonly status: pulumi.Output<string>;
  /** When the API accepted the restore (or it was skipped), ISO 8601 UTC on the API's clock. */
  declare readonly startedAt: pulumi.Output<string>;
  /** When the datastore was seen active with the backup loaded, ISO 8601 UTC; unset while restoring or skipped. */
  declare readonly restoredAt: pulumi.Output<string | undefined>;

  /**
   * @param name the unique name of the resource
   * @param args what to restore where
   * @param opts resource options
   */
  constructor(name: string, args: RestoreArgs, opts?: pulumi.CustomResourceOptions) {
    // Keys absent from props get no Output, so optional inputs and outputs are listed.
    super(
      provider,
      name,
      {
        trigger: undefined,
        waitTimeoutMinutes: undefined,
        ifAlreadyLoaded: undefined,
        ...args,
        status: undefined,
        startedAt: undefined,
        restoredAt: undefined,
      },
      opts,
      "dfcloud",
      "Restore",
    );
  }
}
