/** Preview-time lookups of the ids a user gave: a wrong id fails the preview, no key lets it pass with a warning. */
import { isDfCloudError } from "../client/errors";
import type { Datastore } from "../client/schemas";
import type { ResourceApi, ResourceDeps } from "./deps";
import { datastoreInfo, isGone } from "./model";

/**
 * Runs a preview-time lookup of ids the user gave. Without an API key there is nothing to look up
 * with: preview says so once per lookup and passes, and `up` will fail on the missing key.
 * @returns the lookup's failures, or none when it could not run
 */
export async function lookupAtPreview<F>(deps: ResourceDeps, lookup: () => Promise<F[]>): Promise<F[]> {
  try {
    return await lookup();
  } catch (error) {
    if (!isDfCloudError(error, "ConfigurationError")) throw error;
    deps.warn(`ids not checked at preview: ${error.message}`);
    return [];
  }
}

/**
 * Reads a datastore for a preview check: undefined when it does not exist (404, or deleted).
 */
export async function findDatastore(deps: ResourceDeps, datastoreId: string): Promise<Datastore | undefined> {
  try {
    const datastore = await deps.api.getDatastore(datastoreId);
    return isGone(datastore) ? undefined : datastore;
  } catch (error) {
    if (isDfCloudError(error, "NotFoundError")) return undefined;
    throw error;
  }
}

/**
 * How long one listing of the account's datastores answers the existence lookups of a preview (ms). A provider process serves one command, whose checks the engine
 * runs one after another: one listing instead of a GET per resource takes a round trip per resource
 * off every preview and every \`up\` (docs/performance.md). A datastore deleted after the listing
 * passes the check and fails the operation's own read, as one deleted between preview and \`up\` does.
 */
export const DATASTORE_LISTING_FRESH_MS = 30_000;

/** One listing of the account's live datastore ids, per API client (so per credentials). */
const listings = new WeakMap<ResourceApi, { listedAtMs: number; ids: Promise<ReadonlySet<string>> }>();

/**
 * Whether datastore \`datastoreId\` exists, for a preview check that needs nothing but that: answered
 * from one listing of the account's datastores (\`GET /v1/datastores\`) shared by every lookup made
 * while it is fresh. An id the listing lacks is read on its own before it is called missing (it may
 * be newer than the listing), and a listing that fails leaves each lookup to its own read, as before.
 * Checks that judge a datastore's state (a Restore's) read it fresh with {@link findDatastore}.
 */
export async function datastoreExists(deps: ResourceDeps, datastoreId: string): Promise<boolean> {
  const nowMs = deps.now();
  let listing = listings.get(deps.api);
  if (!listing || nowMs - listing.listedAtMs > DATASTORE_LISTING_FRESH_MS) {
    const ids = Promise.resolve()
      .then(() => deps.api.listDatastores())
      .then(
        (datastores) =>
          new Set(datastores.filter((d) => !isGone(d)).map((d) => datastoreInfo(d).datastoreId)),
      );
    listing = { listedAtMs: nowMs, ids };
    listings.set(deps.api, listing);
    // Each waiting lookup handles a failure by reading on its own; nothing else awaits this one.
    ids.catch(() => {
      if (listings.get(deps.api) === listing) listings.delete(deps.api);
    });
  }
  const listed = await listing.ids.catch(() => undefined);
  if (listed?.has(datastoreId)) return true;
  return (await findDatastore(deps, datastoreId)) !== undefined;
}

/** The failure of a `datastoreId` that names no datastore of the account. */
export function missingDatastore(datastoreId: string): { property: string; reason: string } {
  return {
    property: "datastoreId",
    reason: `datastoreId: datastore ${datastoreId} does not exist in this account`,
  };
}
