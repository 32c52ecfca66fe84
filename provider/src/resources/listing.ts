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

/** A listing sent to the API, and what it answered. */
interface Listing {
  /** The number of reads begun when it was sent: it answers those, never a read begun later. */
  readonly sentAfterReads: number;
  /** When it was sent, on the logic's clock (ms). */
  readonly sentAtMs: number;
  /** The live datastores by id; rejects when the listing failed. */
  readonly datastores: Promise<ReadonlyMap<string, Datastore>>;
}

/** The listings of one API client (so of one set of credentials). */
class SharedListings {
  /** Reads begun so far: each takes the next number. */
  private reads = 0;
  private latest: Listing | undefined;

  constructor(private readonly deps: ResourceDeps) {}

  /** Sends a listing; the next read begun after this answers from a later one. */
  private send(): Listing {
    const datastores = Promise.resolve()
      .then(() => this.deps.api.listDatastores())
      .then(
        (all) =>
          new Map(
            all.filter((d) => !isGone(d)).map((d): [string, Datastore] => [datastoreInfo(d).datastoreId, d]),
          ),
      );
    // Each waiting read handles a failure on its own; nothing else awaits this promise.
    datastores.catch(() => undefined);
    const listing = { sentAfterReads: this.reads, sentAtMs: this.deps.now(), datastores };
    this.latest = listing;
    return listing;
  }

  /** The live datastores of a listing sent within DATASTORE_LISTING_FRESH_MS, or of a new one. */
  recent(): Promise<ReadonlyMap<string, Datastore>> {
    const latest = this.latest;
    const fresh = latest && this.deps.now() - latest.sentAtMs <= DATASTORE_LISTING_FRESH_MS;
    return (fresh ? latest : this.send()).datastores;
  }

  /**
   * The live datastores as a listing sent after this read began shows them, as a GET sent now would:
   * reads that begin while a listing is on the wire wait for it, then share the next one.
   */
  async afterNow(): Promise<ReadonlyMap<string, Datastore>> {
    this.reads += 1;
    const ticket = this.reads;
    for (;;) {
      const latest = this.latest;
      if (!latest) return this.send().datastores;
      if (latest.sentAfterReads >= ticket) return latest.datastores;
      // Sent before this read began: wait for it to answer (or fail), then send or join the next.
      await latest.datastores.catch(() => undefined);
      if (this.latest === latest) return this.send().datastores;
    }
  }
}

const listings = new WeakMap<ResourceApi, SharedListings>();

function listingsOf(deps: ResourceDeps): SharedListings {
  let shared = listings.get(deps.api);
  if (!shared) {
    shared = new SharedListings(deps);
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
    .recent()
    .catch(() => undefined);
  if (listed?.has(datastoreId)) return true;
  return (await findDatastore(deps, datastoreId)) !== undefined;
}

/**
 * Reads datastore `datastoreId` for a resource's read (refresh, or the engine's refresh before an
 * update), from a listing sent after the read began, shared with the reads begun meanwhile. A
 * datastore the listing lacks is read on its own, and so is every datastore when listing fails:
 * @returns the datastore, or undefined when it does not exist (404, or deleted)
 */
export async function readDatastore(deps: ResourceDeps, datastoreId: string): Promise<Datastore | undefined> {
  const listed = await listingsOf(deps)
    .afterNow()
    .catch(() => undefined);
  return listed?.get(datastoreId) ?? (await findDatastore(deps, datastoreId));
}
