/**
 * The emulator's data: the wire shapes of docs/api-model.md (snake_case, as the API sends them) and
 * the records the world keeps behind them.
 */
import type { JsonObject } from "./json.ts";
import type { Keyspace, KeyspaceEntry } from "./keyspace.ts";

/** Datastore status values (the doc, "Status lifecycle"). */
export type DatastoreStatus = "pending" | "active" | "updating" | "restoring" | "deleting" | "deleted";
/** Every {@link DatastoreStatus}, for validation of the admin seeding call. */
export const DATASTORE_STATUSES: readonly DatastoreStatus[] = [
  "pending",
  "active",
  "updating",
  "restoring",
  "deleting",
  "deleted",
];

/** Backup status values (the doc, "Backups"). */
export type BackupStatus = "pending" | "ready" | "failed";
/** How a backup came to be: a `POST /v1/backups` or the scheduler. */
export type BackupSource = "manual" | "scheduled";

/** A cloud location of a backup: where it was taken. */
export interface BackupLocation {
  provider: string;
  region: string;
}

/** `Datastore` as `GET /v1/datastores/{id}` answers it. `created_at` is Unix seconds. */
export interface Datastore {
  datastore_id: string;
  status: DatastoreStatus;
  created_at: number;
  /** The datastore's passkey: the `default` user's password on its data plane ("" with `disable_passkey`). */
  password: string;
  /** Where its data plane serves RESP, `127.0.0.1:<port>`; "" until it is first `active`. */
  addr: string;
  dashboard: { url: string } | null;
  /** The `DatastoreConfig` exactly as last written, unknown fields included. */
  config: JsonObject;
}

/** `Backup` as `GET /v1/backups/{id}` answers it. `created_at` is Unix seconds. */
export interface Backup {
  backup_id: string;
  datastore_id: string;
  description: string;
  /** Whole days until the backup is deleted automatically. */
  retention: number;
  source: BackupSource;
  status: BackupStatus;
  created_at: number;
  /** 0 until `ready`. */
  size_bytes: number;
  location: BackupLocation;
  shard_count: number;
}

/** Transition durations, in seconds of emulator time. 0 completes by the next request. */
export interface Durations {
  /** `pending → active` after `POST /v1/datastores` (default 30). */
  datastoreCreate: number;
  /** `updating → active` after a PUT (default 5). */
  datastoreUpdate: number;
  /** `deleting → deleted` after a DELETE (default 10). */
  datastoreDelete: number;
  /** `restoring → active` after a PUT that starts a restore (default 20). */
  restore: number;
  /** A backup's `pending → ready` (default 15). */
  backup: number;
}

/** What a datastore is doing until `dueAt`, and what happens then. */
export interface Transition {
  kind: "create" | "update" | "restore" | "delete";
  /** Emulator time (Unix ms) at which the transition completes. */
  dueAt: number;
  /** For a restore: the backup read and the data (byte strings) it replaces the datastore's with. */
  restore?: { backupId: string; data: KeyspaceEntry[] | null };
}

/** A datastore as the world keeps it: the wire fields plus owner, data and what is in flight. */
export interface DatastoreRecord {
  id: string;
  /** The API key of the owning account (each key is its own account). */
  apiKey: string;
  status: DatastoreStatus;
  createdAtMs: number;
  password: string;
  /** `127.0.0.1:<port>` of its data-plane listener once first active (dataPlane.ts); "" before. */
  addr: string;
  dashboardUrl: string | null;
  config: JsonObject;
  /** The datastore's keys: what its data plane serves and a backup captures. */
  data: Keyspace;
  transition: Transition | null;
}

/** A backup as the world keeps it: the wire fields plus owner, timing and captured data. */
export interface BackupRecord {
  id: string;
  apiKey: string;
  datastoreId: string;
  description: string;
  retention: number;
  source: BackupSource;
  status: BackupStatus;
  createdAtMs: number;
  /** Emulator time (Unix ms) at which a pending backup becomes ready (or failed). */
  readyAt: number;
  sizeBytes: number;
  location: BackupLocation;
  shardCount: number;
  /** The datastore's keys (byte strings) captured when the backup became ready; null before. */
  data: KeyspaceEntry[] | null;
}

/** A remembered `Idempotency-Key` of a backup POST. */
export interface IdempotencyRecord {
  apiKey: string;
  key: string;
  /** Emulator time (Unix ms) of the first request. */
  at: number;
  /** The backup the first request created, as it answered then (returned if since deleted). */
  backup: Backup;
}
