/** Preview-time lookups of the ids a user gave: a wrong id fails the preview, no key lets it pass with a warning. */
import { isDfCloudError } from "../client/errors";
import type { Datastore } from "../client/schemas";
import type { ResourceDeps } from "./deps";
import { isGone } from "./model";

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

/** The failure of a `datastoreId` that names no datastore of the account. */
export function missingDatastore(datastoreId: string): { property: string; reason: string } {
  return {
    property: "datastoreId",
    reason: `datastoreId: datastore ${datastoreId} does not exist in this account`,
  };
}
