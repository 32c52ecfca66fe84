/**
 * The shared listing of the account's datastores: the reads of a stack's resources share one listing
 * sent at most DATASTORE_READ_WINDOW_MS before each began, and an existence check may use one up to
 * DATASTORE_LISTING_FRESH_MS old; a datastore a listing lacks, or any when listing fails, is read on
 * its own.
 */
import { describe, expect, it } from "vitest";
import { NotFoundError } from "../../src/client/errors";
import type { Datastore } from "../../src/client/schemas";
import type { ResourceApi, ResourceDeps } from "../../src/resources/deps";
import {
  DATASTORE_LISTING_FRESH_MS,
  DATASTORE_READ_WINDOW_MS,
  datastoreExists,
  noteDatastoreWrite,
  readDatastore,
} from "../../src/resources/listing";

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
  it("share one listing sent within DATASTORE_READ_WINDOW_MS, as the engine sends a stack's reads", async () => {
    const { deps, listings, gets, advance } = fakeApi({});
    const all = [datastore("dst_a", 1), datastore("dst_b", 2), datastore("dst_c", 3)];
    const first = readDatastore(deps, "dst_a");
    await settle();
    advance(DATASTORE_READ_WINDOW_MS);
    const later = [readDatastore(deps, "dst_b"), readDatastore(deps, "dst_c")];
    listings[0]?.answer(all);
    expect((await Promise.all([first, ...later])).map((d) => d?.datastore_id)).toEqual([
      "dst_a",
      "dst_b",
      "dst_c",
    ]);
    expect(listings).toHaveLength(1);
    expect(gets).toEqual([]);
  });

  it("never take a listing sent longer ago than that: a later read sees the console's change", async () => {
    const { deps, listings, advance } = fakeApi({});
    const early = readDatastore(deps, "dst_a");
    await settle();
    listings[0]?.answer([datastore("dst_a", 1)]);
    expect((await early)?.config).toMatchObject({ backup_policy: { retention: 1 } });
    advance(DATASTORE_READ_WINDOW_MS + 1);
    const late = readDatastore(deps, "dst_a");
    await settle();
    expect(listings).toHaveLength(2);
    listings[1]?.answer([datastore("dst_a", 9)]);
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
    expect((await Promise.all(reads)).map((d) => d?.datastore_id)).toEqual(["dst_new", undefined, undefined]);
    expect(gets.sort()).toEqual(["dst_gone", "dst_missing", "dst_new"]);
  });

  it("fall back to a read each when the listing fails, and never reuse the failed one", async () => {
    const { deps, listings, gets } = fakeApi({ dst_a: datastore("dst_a", 1) });
    const read = readDatastore(deps, "dst_a");
    await settle();
    listings[0]?.fail(new Error("503 Service Unavailable"));
    expect((await read)?.datastore_id).toBe("dst_a");
    expect(gets).toEqual(["dst_a"]);
    const again = readDatastore(deps, "dst_a");
    await settle();
    expect(listings).toHaveLength(2);
    listings[1]?.answer([datastore("dst_a", 2)]);
    expect((await again)?.config).toMatchObject({ backup_policy: { retention: 2 } });
  });
});

describe("a datastore this process writes", () => {
  it("is read on its own from then on: a listing sent before the write could show it as it was", async () => {
    const { deps, listings, gets } = fakeApi({ dst_a: datastore("dst_a", 7) });
    const before = readDatastore(deps, "dst_a");
    await settle();
    listings[0]?.answer([datastore("dst_a", 1)]);
    expect((await before)?.config).toMatchObject({ backup_policy: { retention: 1 } });
    noteDatastoreWrite(deps, "dst_a");
    expect((await readDatastore(deps, "dst_a"))?.config).toMatchObject({ backup_policy: { retention: 7 } });
    expect(listings).toHaveLength(1);
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
