/**
 * One listing of the account's datastores (`GET /v1/datastores`, a bare array with every datastore's
 * config) shared by the reads of many resources in one provider process. A provider process serves
 * one command, and the engine checks resources one after another and refreshes them all at once: one
 * listing instead of a GET per resource takes a round trip per resource off each (docs/performance.md).
 * Only reads are shared: a write's read-modify-write still reads its datastore on its own.
 */
import type { Datastore } from "../client/schemas";
import type { ResourceApi, ResourceDeps } from "./deps";
import { datastoreInfo, isGone } from "./model";
import { findDatastore } from "./preview";

/**
 * How long a listing answers the existence checks of a preview (ms): a check only needs to know the
 * id names a datastore, and a datastore deleted after the listing fails the operation's own read, as
 * one deleted between preview and `up` does.
 */
export const DATASTORE_LISTING_FRESH_MS = 30_000;

/**
 * How old a listing may be, from when it was sent, to answer a resource's read (ms). The engine sends
 * a stack's reads over a few hundred milliseconds, not at once; within this a refresh of N schedules
 * takes one listing. A refresh sees the API as it was at most this long before the read began, as a
 * GET sent then would; a write never relies on it (its read-modify-write reads its own datastore).
 */
export const DATASTORE_READ_WINDOW_MS = 2_000;

/** A listing sent to the API, and what it answered. */
interface Listing {
  /** When it was sent, on the logic's clock (ms). */
  readonly sentAtMs: number;
  /** The live datastores by id; rejects when the listing failed. */
  readonly datastores: Promise<ReadonlyMap<string, Datastore>>;
}

/** The listings of one API client (so of one set of credentials): the latest one, reused while young enough. */
class SharedListings {
  private latest: Listing | undefined;
  /** Datastores this process has written: a listing may show them as they were before the write. */
  readonly written = new Set<string>();

  /**
   * The live datastores of a listing sent at most `maxAgeMs` ago (on the wire or answered), or of a
   * new one sent for the operation of `deps` (within its deadline and cancellation).
   */
  within(deps: ResourceDeps, maxAgeMs: number): Promise<ReadonlyMap<string, Datastore>> {
    const latest = this.latest;
    if (latest && deps.now() - latest.sentAtMs <= maxAgeMs) return latest.datastores;
    const datastores = Promise.resolve()
      .then(() => deps.api.listDatastores())
      .then(
        (all) =>
          new Map(
            all.filter((d) => !isGone(d)).map((d): [string, Datastore] => [datastoreInfo(d).datastoreId, d]),
          ),
      );
    // A failed listing is not reused; each waiting read falls back to reading on its own.
    datastores.catch(() => {
      if (this.latest?.datastores === datastores) this.latest = undefined;
    });
    this.latest = { sentAtMs: deps.now(), datastores };
    return datastores;
  }
}

const listings = new WeakMap<ResourceApi, SharedListings>();

function listingsOf(deps: ResourceDeps): SharedListings {
  let shared = listings.get(deps.api);
  if (!shared) {
    shared = new SharedListings();
    listings.set(deps.api, shared);
  }
  return shared;
}

/**
 * Whether datastore `datastoreId` exists, for a preview check that needs nothing but that: answered
 * from a listing sent within DATASTORE_LISTING_FRESH_MS. An id the listing lacks is read on its own
 * before it is called missing (it may be newer than the listing), and a failed listing leaves the
 * lookup to its own read. Checks that judge a datastore's state (a Restore's) read it themselves.
 */
export async function datastoreExists(deps: ResourceDeps, datastoreId: string): Promise<boolean> {
  const listed = await listingsOf(deps)
    .within(deps, DATASTORE_LISTING_FRESH_MS)
    .catch(() => undefined);
  if (listed?.has(datastoreId)) return true;
  return (await findDatastore(deps, datastoreId)) !== undefined;
}

/**
 * Reads datastore `datastoreId` for a resource's read (refresh, or the engine's refresh before an
 * update), from a listing sent at most DATASTORE_READ_WINDOW_MS before, shared with the reads of the
 * other resources. A datastore the listing lacks is read on its own, and so is every datastore when
 * listing fails, and so is one this process has written (see noteDatastoreWrite):
 * @returns the datastore, or undefined when it does not exist (404, or deleted)
 */
export async function readDatastore(deps: ResourceDeps, datastoreId: string): Promise<Datastore | undefined> {
  const shared = listingsOf(deps);
  if (shared.written.has(datastoreId)) return findDatastore(deps, datastoreId);
  const listed = await shared.within(deps, DATASTORE_READ_WINDOW_MS).catch(() => undefined);
  return listed?.get(datastoreId) ?? (await findDatastore(deps, datastoreId));
}

/**
 * Notes that this process is about to write datastore `datastoreId`: from then on its reads go to the
 * API on their own, since a listing sent before the write could show it as it was.
 */
export function noteDatastoreWrite(deps: ResourceDeps, datastoreId: string): void {
  listingsOf(deps).written.add(datastoreId);
}
