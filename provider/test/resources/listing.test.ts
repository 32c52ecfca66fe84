/**
 * The shared listing of the account's datastores: reads of many resources share one listing, but a
 * read is never answered from a listing sent before it began (it must see what a GET sent then would
 * see), and an existence check may use one up to DATASTORE_LISTING_FRESH_MS old.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/client/errors";
import type { Datastore } from "../../src/client/schemas";
import type { ResourceApi, ResourceDeps } from "../../src/resources/deps";
import { DATASTORE_LISTING_FRESH_MS, datastoreExists, readDatastore } from "../../src/resources/listing";

/** A datastore as the API lists it, with the schedule's retention as the only thing that changes. */
function datastore(id: string, retention: number, status = "active"): Datastore {
  return {
    datastore_id: id,
    status,
    config: { name: id, backup_policy: { enabled: true, every_day: true, every_hour: true, retention } },
  } as unknown as Datastore;
}

/** An API whose listings answer only when the test says so, in order, and whose GETs are counted. */
function fakeApi(byId: Record<string, Datastore>) {
  const listings: { answer: (datastores: Datastore[]) => void; fail: (error: Error) => void }[] = [];
  const gets: string[] = [];
  const api = {
    listDatastores: () =>
      new Promise<Datastore[]>((answer, fail) => {
        listings.push({ answer, fail });
      }),
    getDatastore: async (id: string) => {
      gets.push(id);
      const found = byId[id];
      if (!found) {
        const path = `/v1/datastores/${id}`;
        throw new NotFoundError({ method: "GET", path, status: 404, serverMessage: "not found" });
      }
      return found;
    },
  } as unknown as ResourceApi;
  let nowMs = 0;
  const deps: ResourceDeps = {
    api,
    now: () => nowMs,
    log: () => undefined,
    warn: () => undefined,
    status: () => undefined,
  };
  return {
    deps,
    listings,
    gets,
    advance: (ms: number) => {
      nowMs += ms;
    },
  };
}

/** Lets every settled promise run its callbacks. */
const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("reads of many resources", () => {
  it("share listings: the first read sends one at once, every read begun while it is on the wire shares the next", async () => {
    const { deps, listings, gets } = fakeApi({});
    const all = [datastore("dst_a", 1), datastore("dst_b", 2), datastore("dst_c", 3), datastore("dst_d", 4)];
    const reads = ["dst_a", "dst_b", "dst_c", "dst_d"].map((id) => readDatastore(deps, id));
    await settle();
    expect(listings).toHaveLength(1);
    listings[0]?.answer(all);
    await settle();
    expect(listings).toHaveLength(2);
    listings[1]?.answer(all);
    expect((await Promise.all(reads)).map((d) => d?.datastore_id)).toEqual([
      "dst_a",
      "dst_b",
      "dst_c",
      "dst_d",
    ]);
    expect(gets).toEqual([]);
  });

  it("never take a listing sent before they began: a read begun meanwhile waits for the next one", async () => {
    const { deps, listings } = fakeApi({});
    const early = readDatastore(deps, "dst_a");
    await settle();
    const late = readDatastore(deps, "dst_a");
    await settle();
    // The console changed the schedule between the two reads' starts: only the second listing shows it.
    listings[0]?.answer([datastore("dst_a", 1)]);
    await settle();
    expect(listings).toHaveLength(2);
    listings[1]?.answer([datastore("dst_a", 9)]);
    expect((await early)?.config).toMatchObject({ backup_policy: { retention: 1 } });
    expect((await late)?.config).toMatchObject({ backup_policy: { retention: 9 } });
  });

  it("read a datastore the listing lacks on their own: missing is a 404, a deleted one is gone", async () => {
    const { deps, listings, gets } = fakeApi({ dst_new: datastore("dst_new", 4) });
    const reads = [
      readDatastore(deps, "dst_new"),
      readDatastore(deps, "dst_missing"),
      readDatastore(deps, "dst_gone"),
    ];
    await settle();
    listings[0]?.answer([datastore("dst_gone", 1, "deleting")]);
    await settle();
    listings[1]?.answer([datastore("dst_gone", 1, "deleting")]);
    expect((await Promise.all(reads)).map((d) => d?.datastore_id)).toEqual(["dst_new", undefined, undefined]);
    expect(gets.sort()).toEqual(["dst_gone", "dst_missing", "dst_new"]);
  });

  it("fall back to a read each when the listing fails", async () => {
    const { deps, listings, gets } = fakeApi({ dst_a: datastore("dst_a", 1) });
    const read = readDatastore(deps, "dst_a");
    await settle();
    listings[0]?.fail(new Error("503 Service Unavailable"));
    expect((await read)?.datastore_id).toBe("dst_a");
    expect(gets).toEqual(["dst_a"]);
  });
});

describe("existence checks", () => {
  it(`share a listing up to ${DATASTORE_LISTING_FRESH_MS / 1000} s old, then list again`, async () => {
    const { deps, listings, advance } = fakeApi({});
    const first = datastoreExists(deps, "dst_a");
    await settle();
    listings[0]?.answer([datastore("dst_a", 1)]);
    expect(await first).toBe(true);
    advance(DATASTORE_LISTING_FRESH_MS);
    expect(await datastoreExists(deps, "dst_a")).toBe(true);
    expect(listings).toHaveLength(1);
    advance(1);
    const later = datastoreExists(deps, "dst_a");
    await settle();
    expect(listings).toHaveLength(2);
    listings[1]?.answer([datastore("dst_a", 1)]);
    expect(await later).toBe(true);
  });
});
