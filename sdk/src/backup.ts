import * as pulumi from "@pulumi/pulumi";
import { dynamicProvider } from "./provider";

/** Arguments of {@link Backup}. */
export interface BackupArgs {
  /** Id of the datastore to back up. Changing it makes a new backup. */
  datastoreId: pulumi.Input<string>;
  /** Text that helps you find the backup later (at most 256 characters). Default `""`. Changing it makes a new backup. */
  description?: pulumi.Input<string>;
  /** How long the API keeps the backup, in whole days (1–365); it is deleted automatically after. Changing it makes a new backup. */
  retentionDays: pulumi.Input<number>;
  /** How long `up` waits for the backup to become ready, in minutes. Default 30. Changing it changes nothing else. */
  waitTimeoutMinutes?: pulumi.Input<number>;
  /**
   * Adopt this existing backup (`bkp_…`) instead of creating one: dynamic resources cannot be
   * `pulumi import`ed. Its datastore, description and retention must match the other inputs.
   */
  existingBackupId?: pulumi.Input<string>;
}

const provider = dynamicProvider("Backup");

/**
 * A one-off (manual) backup of a datastore. `up` creates it and waits until it is `ready`; a
 * change of datastore, description or retention makes a new one; `refresh` drops a backup deleted
 * outside Pulumi and keeps one that expired (status `expired`) without re-creating it; `destroy`
 * deletes it — protect it (`protect: true` or `retainOnDelete: true`) to keep it.
 */
export class Backup extends pulumi.dynamic.Resource {
  /** Id of the backup (`bkp_…`); also the resource id. */
  declare readonly backupId: pulumi.Output<string>;
  /** Id of the datastore it was taken from. */
  declare readonly datastoreId: pulumi.Output<string>;
  /** Its description. */
  declare readonly description: pulumi.Output<string>;
  /** Days the API keeps it. */
  declare readonly retentionDays: pulumi.Output<number>;
  /** `pending`, `ready`, `failed`, or `expired` after its retention passed. */
  declare readonly status: pulumi.Output<string>;
  /** Size in bytes (0 until ready). */
  declare readonly sizeBytes: pulumi.Output<number>;
  /** When it was taken, ISO 8601 UTC. */
  declare readonly createdAt: pulumi.Output<string>;
  /** When the API deletes it, ISO 8601 UTC. */
  declare readonly expiresAt: pulumi.Output<string>;
  /** `manual`, or `scheduled` for an adopted scheduled backup. */
  declare readonly source: pulumi.Output<string>;
  /** Cloud provider of its datastore. */
  declare readonly cloudProvider: pulumi.Output<string>;
  /** Region of its datastore. */
  declare readonly region: pulumi.Output<string>;
  /** Shard count of its datastore when it was taken. */
  declare readonly shardCount: pulumi.Output<number>;
  /** Minutes `up` waits for the backup. */
  declare readonly waitTimeoutMinutes: pulumi.Output<number>;

  /**
   * @param name the unique name of the resource
   * @param args what to back up
   * @param opts resource options (consider `protect` or `retainOnDelete`)
   */
  constructor(name: string, args: BackupArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      provider,
      name,
      {
        // Keys absent from props get no Output, so optional inputs and outputs are listed.
        description: undefined,
        waitTimeoutMinutes: undefined,
        ...args,
        backupId: undefined,
        status: undefined,
        sizeBytes: undefined,
        createdAt: undefined,
        expiresAt: undefined,
        source: undefined,
        cloudProvider: undefined,
        region: undefined,
        shardCount: undefined,
      },
      opts,
      "dfcloud",
      "Backup",
    );
  }
}
