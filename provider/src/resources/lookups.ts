import type { DfCloudApi } from "../client/api";
import type { ListBackupsFilter } from "../client/backups";
import { API_LIMITS } from "../client/modelled";
import type { BackupSource, BackupStatus } from "../client/schemas";
import {
  enumType,
  enumValues,
  type FunctionContract,
  type OutputsOf,
  objectType,
  optionalOutput,
  output,
  t,
} from "../schema/spec";
import * as z from "../zod";
import { BACKUP_INFO_TYPE, type BackupInfo } from "./backup";
import { backupIdSchema, datastoreIdSchema } from "./ids";
import { backupInfo, datastoreInfo } from "./model";
import { WEEKDAY_TYPE } from "./schedule";

/** A datastore's live backup schedule, as getDatastore reports it. */
export const SCHEDULE_SPEC_TYPE = objectType(
  "BackupScheduleSpec",
  "A datastore's live backup schedule, normalised.",
  {
    days: output(
      t.oneOf(t.literal("every"), t.array(t.ref(WEEKDAY_TYPE))),
      "`every`, or the weekdays backups are taken on, Sunday first.",
    ),
    hours: output(
      t.oneOf(t.literal("every"), t.array(t.integer)),
      `\`every\`, or the hours of the day (${API_LIMITS.hour.min}–${API_LIMITS.hour.max}, UTC) backups are taken at, ascending.`,
    ),
    retentionDays: output(t.integer, "How long each scheduled backup is kept, in whole days."),
    enabled: output(t.boolean, "Whether scheduled backups are taken."),
  },
);

/** The last restore requested on a datastore, as getDatastore reports it. */
export const LAST_RESTORE_TYPE = objectType("LastRestore", "The last restore requested on a datastore.", {
  backupId: output(t.string, "Id of the backup restored (`bkp_…`)."),
  loaded: output(t.boolean, "`true` once the backup's data is loaded; `false` while the restore runs."),
});

/** What the API says about one datastore, as far as backups are concerned. */
export const DATASTORE_INFO_TYPE = objectType(
  "DatastoreInfo",
  "One datastore, as far as backups are concerned.",
  {
    datastoreId: output(t.string, "Id of the datastore (`dst_…`)."),
    name: output(t.string, "Its name in the console; empty when the API did not say."),
    status: output(t.string, "`pending`, `active`, `updating`, `restoring`, `deleting` or `deleted`."),
    cloudProvider: output(
      t.string,
      "Its cloud provider (`aws`, `gcp` or `azure`); empty when the API did not say.",
    ),
    region: output(t.string, "Its region, such as `eu-west-1`; empty when the API did not say."),
    shardCount: output(
      t.integer,
      "Its shard count: 1 unless it is clustered; 0 when the API manages the shard size and does not say.",
    ),
    backupSchedule: optionalOutput(
      t.ref(SCHEDULE_SPEC_TYPE),
      "Its live backup schedule; absent when none was ever set.",
    ),
    lastRestore: optionalOutput(
      t.ref(LAST_RESTORE_TYPE),
      "The last restore requested on it; absent when none.",
    ),
  },
);

/** What the API says about one datastore (see {@link DATASTORE_INFO_TYPE}). */
export type DatastoreInfo = OutputsOf<typeof DATASTORE_INFO_TYPE.properties>;

/** How a backup was taken. */
export const BACKUP_SOURCE_TYPE = enumType<BackupSource>("BackupSource", "How a backup was taken.", [
  {
    name: "Manual",
    value: "manual",
    description: "Taken on request (a `Backup` resource, the console or the API).",
  },
  { name: "Scheduled", value: "scheduled", description: "Taken by the datastore's backup schedule." },
]);

/** Where a backup stands. */
export const BACKUP_STATUS_TYPE = enumType<BackupStatus>(
  "BackupStatus",
  "Where a backup is in its life, as the API reports it.",
  [
    { name: "Pending", value: "pending", description: "Being taken; it cannot be restored yet." },
    { name: "Ready", value: "ready", description: "Complete; it can be restored." },
    { name: "Failed", value: "failed", description: "Taking it failed; it holds no data." },
  ],
);

/** `listBackups`' contract. */
export const listBackupsFunction: FunctionContract = {
  name: "listBackups",
  description: "Lists the account's backups, newest first. All filters are optional and must all match.",
  inputs: {
    datastoreId: {
      schema: datastoreIdSchema.optional(),
      type: t.string,
      description: "Only backups of this datastore (`dst_…`). Default: all datastores.",
    },
    source: {
      schema: z.enum(enumValues(BACKUP_SOURCE_TYPE)).optional(),
      type: t.ref(BACKUP_SOURCE_TYPE),
      description: "Only `manual` or only `scheduled` backups. Default: both.",
    },
    status: {
      schema: z.enum(enumValues(BACKUP_STATUS_TYPE)).optional(),
      type: t.ref(BACKUP_STATUS_TYPE),
      description: "Only backups in this status. Default: any status.",
    },
  },
  outputs: t.array(t.ref(BACKUP_INFO_TYPE)),
};

/** `getBackup`'s contract. */
export const getBackupFunction: FunctionContract = {
  name: "getBackup",
  description:
    "Looks one backup up by id; fails with a not-found error when it does not exist in the account.",
  inputs: {
    backupId: {
      schema: backupIdSchema,
      type: t.string,
      required: "the id of the backup to look up",
      description: "Id of the backup (`bkp_…`).",
    },
  },
  multiArgumentInputs: ["backupId"],
  outputs: t.ref(BACKUP_INFO_TYPE),
};

/** `getDatastore`'s contract. */
export const getDatastoreFunction: FunctionContract = {
  name: "getDatastore",
  description:
    "Looks one datastore up by id: status, location, shard count, live backup schedule and last restore.",
  inputs: {
    datastoreId: {
      schema: datastoreIdSchema,
      type: t.string,
      required: "the id of the datastore to look up",
      description: "Id of the datastore (`dst_…`).",
    },
  },
  multiArgumentInputs: ["datastoreId"],
  outputs: t.ref(DATASTORE_INFO_TYPE),
};

/** The API calls lookups need; the client satisfies it. */
export type LookupApi = Pick<DfCloudApi, "listBackups" | "getBackup" | "getDatastore">;

/**
 * The lookup functions over an API client, newest backups first. On an API without the manual-backup
 * endpoints, `listBackups` and `getBackup` reject with the client's EndpointMissingError (one message
 * that says so and what works without them); `getDatastore` needs only the public datastore calls.
 */
export function lookups(api: LookupApi) {
  return {
    async listBackups(filter: ListBackupsFilter = {}): Promise<BackupInfo[]> {
      const backups = await api.listBackups(filter);
      return backups.map(backupInfo).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
    },
    async getBackup(id: string): Promise<BackupInfo> {
      return backupInfo(await api.getBackup(id));
    },
    async getDatastore(id: string): Promise<DatastoreInfo> {
      return datastoreInfo(await api.getDatastore(id));
    },
  };
}
