/**
 * The client against recorded answers: fixtures under ./fixtures in the shape the live API
 * answers, as far as public evidence shows it (docs/api-model.md "What a GET returns"): every key of
 * the vendor's Go types present, in their order, with the server's fill-ins — `null`s, dragonfly flags
 * `false`, the default ACL rule, `backup_policy: {enabled: null}`, `restore: {backup_id: "", loaded:
 * false}`, a Swarm's `shard_memory: 0` — plus fields this client does not model (`tier.ssd`,
 * `tier.byoc_instance_family`, `byoc.account_id`, all of `dragonfly`). The client must parse each
 * one, and a read-modify-write must PUT back everything it did not mean to change, exactly.
 * A scripted server answers; no emulator code is involved except in the last test, which checks that
 * the emulator answers in the same shape as the fixtures.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { shardCount } from "../../src/client/derived";
import type { Datastore } from "../../src/client/schemas";
import { API_KEY, startEmulatorHarness } from "./support/emulator";
import { connect, disconnectAll } from "./support/harness";
import type { ReceivedRequest, Reply, Script } from "./support/scripted-server";

afterEach(disconnectAll);

/** A datastore as the API sends it. */
interface WireDatastore {
  datastore_id: string;
  status: string;
  created_at: number;
  password: string;
  addr: string;
  dashboard: { url: string } | null;
  config: Record<string, unknown>;
}

function fixture<T>(name: string): T {
  return JSON.parse(readFileSync(path.join(__dirname, "fixtures", name), "utf8")) as T;
}

const TERRAFORM_CREATED = fixture<WireDatastore>("datastore-terraform-created.json");
const SWARM_SCHEDULED = fixture<WireDatastore>("datastore-swarm-scheduled.json");
const DELETED = fixture<WireDatastore>("datastore-deleted.json");
const LISTED = fixture<WireDatastore[]>("datastores-list.json");
const TERRAFORM_UPDATE_BODY = fixture<Record<string, unknown>>("terraform-update-body.json");
const SINGLE_AND_SWARM = [TERRAFORM_CREATED, SWARM_SCHEDULED];

const ok = (json: unknown): Reply => ({ status: 200, json });

/** What the client keeps of a datastore: id, status and the whole config, nothing else. */
function kept(wire: WireDatastore): Datastore {
  return { datastore_id: wire.datastore_id, status: wire.status, config: wire.config };
}

/**
 * A server holding one datastore as the fixture recorded it: GET answers it; a PUT stores the body as
 * the new config (the datastore `updating`) and answers that. What it stores is what was sent, so a
 * test can compare the body with the fixture.
 */
function datastoreServer(wire: WireDatastore): { script: Script; puts: () => unknown[] } {
  let current = structuredClone(wire);
  const puts: unknown[] = [];
  const script: Script = (request: ReceivedRequest) => {
    if (request.method === "PUT") {
      puts.push(request.body);
      current = { ...current, status: "updating", config: request.body as Record<string, unknown> };
    }
    return ok(current);
  };
  return { script, puts: () => puts };
}

describe("recorded datastores parse", () => {
  it.each(SINGLE_AND_SWARM.map((wire) => [wire.config.name, wire] as const))(
    "%s: the id, status and whole config, and none of the passkey, address or dashboard",
    async (_name, wire) => {
      const { client } = await connect(() => ok(wire));
      const datastore = await client.getDatastore(wire.datastore_id);
      expect(datastore).toStrictEqual(kept(wire));
      for (const dropped of ["password", "addr", "dashboard", "created_at"])
        expect(datastore).not.toHaveProperty(dropped);
    },
  );

  it("a list: a bare array, statuses pending and updating, policies null, off and every-hour", async () => {
    const { client } = await connect(() => ok(LISTED));
    await expect(client.listDatastores()).resolves.toStrictEqual(LISTED.map(kept));
  });

  it("a deleted datastore, answered with status deleted", async () => {
    const { client } = await connect(() => ok(DELETED));
    await expect(client.getDatastore(DELETED.datastore_id)).resolves.toStrictEqual(kept(DELETED));
  });

  it("the shard count: 1 unless clustered; unknown (undefined) for an automatic shard_memory of 0", async () => {
    expect(shardCount(TERRAFORM_CREATED.config)).toBe(1);
    expect(shardCount(SWARM_SCHEDULED.config)).toBeUndefined();
    expect(shardCount(LISTED[1]?.config ?? {})).toBe(1);
  });

  it("the vendor's 404 body", async () => {
    const { client } = await connect(() => ({ status: 404, json: fixture("error-not-found.json") }));
    await expect(client.getDatastore("dst_q1w2e3r4t5y6u7i8")).rejects.toThrow(
      "GET /v1/datastores/dst_q1w2e3r4t5y6u7i8 failed with 404 Not Found: not found",
    );
  });
});

describe("a read-modify-write PUTs back every recorded field it did not mean to change", () => {
  it.each(SINGLE_AND_SWARM.map((wire) => [wire.config.name, wire] as const))(
    "%s: setBackupPolicy changes backup_policy only",
    async (_name, wire) => {
      const server = datastoreServer(wire);
      const { client } = await connect(server.script);
      const policy = { enabled: true, every_day: true, every_hour: false, hours: [3], retention: 7 };
      await client.setBackupPolicy(wire.datastore_id, policy);
      expect(server.puts()).toStrictEqual([{ ...wire.config, backup_policy: policy }]);
    },
  );

  it.each(SINGLE_AND_SWARM.map((wire) => [wire.config.name, wire] as const))(
    "%s: startRestore changes restore only",
    async (_name, wire) => {
      const server = datastoreServer(wire);
      const { client } = await connect(server.script);
      await client.startRestore(wire.datastore_id, "bkp_r5t6y7u8i9o0p1a2");
      expect(server.puts()).toStrictEqual([
        { ...wire.config, restore: { backup_id: "bkp_r5t6y7u8i9o0p1a2", loaded: false } },
      ]);
    },
  );

  it("switching the recorded schedule off keeps its days, hours and retention", async () => {
    const server = datastoreServer(SWARM_SCHEDULED);
    const { client } = await connect(server.script);
    await client.updateDatastoreConfig(SWARM_SCHEDULED.datastore_id, (config) => ({
      ...config,
      backup_policy: { ...config.backup_policy, enabled: false },
    }));
    expect(server.puts()).toStrictEqual([
      {
        ...SWARM_SCHEDULED.config,
        backup_policy: { ...(SWARM_SCHEDULED.config.backup_policy as object), enabled: false },
      },
    ]);
  });

  it("judges a PUT whose answer was lost against the filled-in config the server shows, and does not send it again", async () => {
    let stored = structuredClone(TERRAFORM_CREATED);
    const requests: string[] = [];
    const { client } = await connect((request) => {
      requests.push(request.method);
      if (request.method !== "PUT") return ok(stored);
      stored = { ...stored, status: "updating", config: request.body as Record<string, unknown> };
      return "drop";
    });
    const policy = { enabled: true, every_day: true, every_hour: true, retention: 2 };
    const answered = await client.setBackupPolicy(TERRAFORM_CREATED.datastore_id, policy);
    expect(answered.status).toBe("updating");
    expect(requests).toEqual(["GET", "PUT", "GET"]);
  });

  it("a PUT of the Terraform provider's update body reads back as recorded: the schedule is {enabled: null}", async () => {
    const server = datastoreServer({ ...TERRAFORM_CREATED, config: TERRAFORM_UPDATE_BODY });
    const { client } = await connect(server.script);
    const datastore = await client.getDatastore(TERRAFORM_CREATED.datastore_id);
    expect(datastore.config.backup_policy).toStrictEqual({ enabled: null });
    expect(datastore.config.restore).toStrictEqual({ backup_id: "", loaded: false });
    // Putting the schedule back (what `pulumi up` does after that drift) leaves every other field as sent.
    const policy = { enabled: true, every_day: true, every_hour: true, retention: 2 };
    await client.setBackupPolicy(TERRAFORM_CREATED.datastore_id, policy);
    expect(server.puts()).toStrictEqual([{ ...TERRAFORM_UPDATE_BODY, backup_policy: policy }]);
  });
});

/** The JSON types of a value, keys in order: what must agree between the fixtures and the emulator. */
function shapeOf(value: unknown): unknown {
  if (value === null) return "null";
  if (Array.isArray(value)) return value.map(shapeOf);
  if (typeof value !== "object") return typeof value;
  return Object.entries(value).map(([key, inner]) => [key, shapeOf(inner)]);
}

describe("the emulator answers in the recorded shape", () => {
  it("a datastore created with the Terraform provider's body, single-shard and Swarm", async () => {
    const harness = await startEmulatorHarness();
    try {
      const create = async (config: Record<string, unknown>) => {
        const response = await fetch(`${harness.emulator.url}/v1/datastores`, {
          method: "POST",
          headers: { authorization: `Bearer ${API_KEY}`, "content-type": "application/json" },
          body: JSON.stringify(config),
        });
        expect(response.status).toBe(200);
        return ((await response.json()) as WireDatastore).config;
      };
      const single = await create(TERRAFORM_UPDATE_BODY);
      expect(shapeOf(single)).toStrictEqual(shapeOf(TERRAFORM_CREATED.config));
      const swarm = await create({
        ...TERRAFORM_UPDATE_BODY,
        tier: { max_memory_bytes: 50_000_000_000, performance_tier: "enhanced", replicas: 1 },
        cluster: { enabled: true },
      });
      expect(swarm.cluster).toStrictEqual(SWARM_SCHEDULED.config.cluster);
    } finally {
      await harness.close();
    }
  });
});
