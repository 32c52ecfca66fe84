/** The public API under `/v1` (docs/api-model.md, "Datastores" and "Backups"). */
import { backupView, deleteBackup, findBackup, listBackups, requestBackup } from "./backups.ts";
import {
  createDatastore,
  datastoreView,
  deleteDatastore,
  findDatastore,
  listDatastores,
  updateDatastore,
} from "./datastores.ts";
import { badRequest } from "./errors.ts";
import { ok, type Route } from "./http.ts";
import type { JsonValue } from "./json.ts";
import { IDEMPOTENCY_KEY_MAX_LENGTH } from "./modelled.ts";
import { validateBackupRequest, validateDatastoreConfig } from "./validation.ts";
import type { World } from "./world.ts";

/** What a `/v1` handler sees: the world, the caller's account and the request. */
export interface PublicContext {
  world: World;
  /** The caller's API key, i.e. its account. */
  apiKey: string;
  /** The parsed JSON body (`400` when absent or malformed). */
  body: () => JsonValue;
  query: URLSearchParams;
  /** The `Idempotency-Key` header, if sent. */
  idempotencyKey: string | undefined;
}

/** Every `/v1` route. */
export const publicRoutes: readonly Route<PublicContext>[] = [
  {
    pattern: ["v1", "datastores"],
    methods: {
      GET: ({ world, apiKey }) => ok(listDatastores(world, apiKey).map(datastoreView)),
      POST: ({ world, apiKey, body }) =>
        ok(datastoreView(createDatastore(world, apiKey, validateDatastoreConfig(body())))),
    },
  },
  {
    pattern: ["v1", "datastores", ":id"],
    methods: {
      GET: ({ world, apiKey }, { id = "" }) => ok(datastoreView(findDatastore(world, apiKey, id))),
      PUT: ({ world, apiKey, body }, { id = "" }) =>
        ok(datastoreView(updateDatastore(world, apiKey, id, body()))),
      DELETE: ({ world, apiKey }, { id = "" }) => ok(datastoreView(deleteDatastore(world, apiKey, id))),
    },
  },
  {
    pattern: ["v1", "backups"],
    methods: {
      GET: ({ world, apiKey, query }) =>
        ok(listBackups(world, apiKey, query.get("datastore_id") ?? undefined).map(backupView)),
      POST: ({ world, apiKey, body, idempotencyKey }) =>
        ok(
          requestBackup(world, apiKey, validateBackupRequest(body()), checkedIdempotencyKey(idempotencyKey)),
        ),
    },
  },
  {
    pattern: ["v1", "backups", ":id"],
    methods: {
      GET: ({ world, apiKey }, { id = "" }) => ok(backupView(findBackup(world, apiKey, id))),
      DELETE: ({ world, apiKey }, { id = "" }) => ok(deleteBackup(world, apiKey, id)),
    },
  },
];

/**
 * The `/v1` routes an emulator serves. Without `backupEndpoints` (`--no-backup-endpoints`), every
 * `/v1/backups` path answers exactly as an unknown path does (`404 not found: <METHOD> <path>`, before
 * authentication), as an API without them would: `/v1/backups` is our model of a console-only
 * feature (the doc, "Backups"), and a client must be testable against an API that lacks it. The
 * scheduler still takes backups, and restores still read them.
 */
export function publicRoutesFor(options: { backupEndpoints: boolean }): readonly Route<PublicContext>[] {
  if (options.backupEndpoints) return publicRoutes;
  return publicRoutes.filter((route) => route.pattern[1] !== "backups");
}

function checkedIdempotencyKey(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  if (key === "" || key.length > IDEMPOTENCY_KEY_MAX_LENGTH) {
    throw badRequest(`Idempotency-Key: must be 1 to ${IDEMPOTENCY_KEY_MAX_LENGTH} characters`);
  }
  return key;
}
