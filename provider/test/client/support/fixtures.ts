import { type Backup, type Datastore, DatastoreSchema } from "../../../src/client/schemas";

/** The API key every scripted-server test uses; asserted absent from every message. */
export const TEST_API_KEY = "dragonflydb_test_secret_key_0123456789";

/** A datastore as the API sends it: with the top-level fields the client does not keep. */
export type WireDatastore = Datastore & {
  created_at: number;
  password: string;
  addr: string;
  dashboard: { url: string } | null;
};

/** What the client hands back for a datastore the API sent: its password, addr and dashboard dropped. */
export function parsedDatastore(wire: unknown): Datastore {
  return DatastoreSchema.parse(wire);
}

/** A valid active datastore, as docs/api-model.md describes it (the wire shape). */
export function datastoreFixture(overrides: Partial<WireDatastore> = {}): WireDatastore {
  return {
    datastore_id: "dst_aaaaaaaaaaaaaaaa",
    status: "active",
    created_at: 1_767_225_600,
    password: "passkey",
    addr: "dst-a.dragonflydb.cloud:6385",
    dashboard: null,
    config: {
      name: "cache",
      network_id: "",
      location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
      tier: { max_memory_bytes: 25_000_000_000, performance_tier: "standard", replicas: 1 },
      cluster: { enabled: false },
      dragonfly: {
        cache_mode: false,
        tls: true,
        bullmq: null,
        sidekiq: null,
        memcached: null,
        acl_rules: null,
      },
      backup_policy: { enabled: false },
      restore: { backup_id: "", loaded: false },
      maintenance_window: { weekday: 0, hour: 3, duration_hours: 2 },
      disable_passkey: false,
      byoc: {},
    },
    ...overrides,
  };
}

/** A valid ready manual backup of {@link datastoreFixture}. */
export function backupFixture(overrides: Partial<Backup> = {}): Backup {
  return {
    backup_id: "bkp_aaaaaaaaaaaaaaaa",
    datastore_id: "dst_aaaaaaaaaaaaaaaa",
    description: "before the migration",
    retention: 7,
    source: "manual",
    status: "ready",
    created_at: 1_767_225_600,
    size_bytes: 1024,
    location: { provider: "aws", region: "eu-west-1" },
    shard_count: 1,
    ...overrides,
  };
}
