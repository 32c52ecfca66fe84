/**
 * The native plugin reads and writes the resource operations' messages itself (plugin/src/wire.ts),
 * not through the generated stubs. Those stubs (@pulumi/pulumi's provider_pb, on google-protobuf) are
 * what the engine's messages are defined by, so they are the reference here: every message is written
 * by one side and read by the other, and must mean the same property values, secrets included.
 */
import * as provproto from "@pulumi/pulumi/proto/provider_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { describe, expect, it } from "vitest";
import { fromStruct, SECRET_SIGNATURE, SIGNATURE_KEY, toStruct } from "../../plugin/src/values";
import { RESOURCE_PROVIDER_SERVICE } from "../../plugin/src/wire";

const secret = (value: unknown) => ({ [SIGNATURE_KEY]: SECRET_SIGNATURE, value });
/** The sentinel of a value not known at preview (@pulumi/pulumi's unknownValue): a plain string on the wire. */
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** Property maps that cover every kind of Value, secrets at every depth, and lengths past one varint byte. */
const PROPERTY_MAPS: Record<string, Record<string, unknown>> = {
  empty: {},
  "a BackupSchedule's outputs": {
    datastoreId: "dst_0a1b2c3d",
    days: ["mon", "thu"],
    hours: [2, 14],
    retentionDays: 7,
    enabled: true,
    timeZone: "Europe/Berlin",
    utcOffsetHours: -1,
    waitTimeoutMinutes: 30,
  },
  "every scalar": {
    none: null,
    zero: 0,
    negative: -3.25,
    big: 2 ** 53 - 1,
    tiny: 5e-324,
    no: false,
    blank: "",
  },
  "nested objects and lists": { deep: { list: [[], {}, [1, [2, { three: "3" }]]], empty: {} } },
  "secret at the top": { apiKey: secret("dragonflydb_0123"), plain: "x" },
  "secret inside a list and an object": {
    labels: { team: "core", token: secret("s3cr3t") },
    list: ["a", secret({ nested: secret(1) })],
  },
  "unknown at preview": { datastoreId: UNKNOWN, days: [UNKNOWN] },
  "non-ASCII and long text": {
    description: "nächtliches Backup — 毎晩 🐉",
    long: "x".repeat(200),
    longer: "y".repeat(20_000),
  },
  "many keys": Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`key${i}`, i])),
};

type Decoded = { values: Record<string, unknown>; secretKeys: ReadonlySet<string> };
const decode = <T>(method: keyof typeof RESOURCE_PROVIDER_SERVICE, bytes: Uint8Array): T =>
  (RESOURCE_PROVIDER_SERVICE[method].requestDeserialize as (buf: Buffer) => T)(Buffer.from(bytes));
const encode = (method: keyof typeof RESOURCE_PROVIDER_SERVICE, message: unknown): Uint8Array =>
  (RESOURCE_PROVIDER_SERVICE[method].responseSerialize as (value: unknown) => Buffer)(message);
/** What the generated stubs read from a Struct: the reference for a decoded property map. */
const reference = (values: Record<string, unknown>): Decoded =>
  fromStruct(Struct.fromJavaScript(values as Parameters<typeof Struct.fromJavaScript>[0]));
const struct = (values: Record<string, unknown>) =>
  Struct.fromJavaScript(values as Parameters<typeof Struct.fromJavaScript>[0]);

describe("the plugin reads requests as the generated stubs do", () => {
  for (const [name, values] of Object.entries(PROPERTY_MAPS)) {
    it(`property maps: ${name}`, () => {
      const request = new provproto.CreateRequest()
        .setUrn("urn:pulumi:dev::app::dfcloud-backups:index:BackupSchedule::nightly")
        .setType("dfcloud-backups:index:BackupSchedule")
        .setName("nightly")
        .setProperties(struct(values))
        .setTimeout(90.5)
        .setPreview(true)
        .setResourceStatusAddress("127.0.0.1:1234")
        .setResourceStatusToken("token");
      const decoded = decode<{ properties: Decoded; timeout: number; preview: boolean }>(
        "create",
        request.serializeBinary(),
      );
      const expected = reference(values);
      expect(decoded.properties.values).toEqual(expected.values);
      expect([...decoded.properties.secretKeys].sort()).toEqual([...expected.secretKeys].sort());
      expect(decoded.timeout).toBe(90.5);
      expect(decoded.preview).toBe(true);
    });
  }

  {
    const olds = PROPERTY_MAPS["a BackupSchedule's outputs"] as Record<string, unknown>;
    const news = PROPERTY_MAPS["secret at the top"] as Record<string, unknown>;
    const urn = "urn:pulumi:dev::app::dfcloud-backups:index:Backup::b";
    const type = "dfcloud-backups:index:Backup";
    const id = "dst_1";
    /** Each request with fields the plugin reads, fields it does not (skipped), and some left absent. */
    const REQUESTS: [keyof typeof RESOURCE_PROVIDER_SERVICE, { serializeBinary(): Uint8Array }, object][] = [
      [
        "check",
        new provproto.CheckRequest()
          .setUrn(urn)
          .setType(type)
          .setName("b")
          .setOlds(struct(olds))
          .setNews(struct(news))
          .setRandomseed(new Uint8Array([1, 2, 3]))
          .setOldOutputs(struct(olds)),
        { urn, type, olds: reference(olds), news: reference(news) },
      ],
      [
        "diff",
        new provproto.DiffRequest()
          .setId(id)
          .setUrn(urn)
          .setType(type)
          .setOlds(struct(olds))
          .setNews(struct(news))
          .setOldInputs(struct(news))
          .setIgnorechangesList(["days"]),
        { id, urn, type, olds: reference(olds), news: reference(news) },
      ],
      [
        "read",
        new provproto.ReadRequest()
          .setId(id)
          .setUrn(urn)
          .setType(type)
          .setProperties(struct(olds))
          .setInputs(struct(news))
          .setTimeout(12),
        { id, urn, type, properties: reference(olds), timeout: 12 },
      ],
      [
        "update",
        new provproto.UpdateRequest()
          .setId(id)
          .setUrn(urn)
          .setType(type)
          .setOlds(struct(olds))
          .setNews(struct(news))
          .setOldInputs(struct(news))
          .setTimeout(7)
          .setPreview(true),
        { id, urn, type, olds: reference(olds), news: reference(news), timeout: 7, preview: true },
      ],
      [
        "delete",
        new provproto.DeleteRequest().setId(id).setUrn(urn).setType(type).setOldInputs(struct(news)),
        { id, urn, type, properties: { values: {}, secretKeys: new Set() }, timeout: 0 },
      ],
    ];
    for (const [method, request, expected] of REQUESTS) {
      it(`${method}: its fields by number, the ones the plugin does not use skipped, absent ones as proto3 defaults`, () => {
        expect(decode(method, request.serializeBinary())).toEqual(expected);
      });
    }
  }

  it("a Value with no kind is refused, as the generated stubs refuse to read it", () => {
    // CheckRequest.news (3) = Struct { fields (1) = entry { key (1) = "broken", value (2) = Value {} } }.
    const entry = [0x0a, 6, ...Buffer.from("broken"), 0x12, 0];
    const bytes = new Uint8Array([0x1a, entry.length + 2, 0x0a, entry.length, ...entry]);
    expect(() => provproto.CheckRequest.deserializeBinary(bytes).getNews()?.toJavaScript()).toThrow(
      "Unexpected struct type",
    );
    expect(() => decode("check", bytes)).toThrow("protobuf Value without a kind");
  });
});

describe("the plugin writes answers the generated stubs read back", () => {
  for (const [name, values] of Object.entries(PROPERTY_MAPS)) {
    it(`property maps: ${name}, with every top-level key marked secret in turn`, () => {
      const plain = reference(values).values;
      for (const secretKeys of [new Set<string>(), new Set(Object.keys(plain).slice(0, 2))]) {
        const bytes = encode("create", {
          id: "dst_1",
          properties: { values: plain, secretKeys },
          refreshBeforeUpdate: true,
        });
        const read = provproto.CreateResponse.deserializeBinary(bytes);
        expect(read.getId()).toBe("dst_1");
        expect(read.getRefreshBeforeUpdate()).toBe(true);
        expect(read.getProperties()?.toJavaScript()).toEqual(toStruct(plain, secretKeys).toJavaScript());
      }
    });
  }

  it("properties left undefined are left out at every depth, as JSON leaves them out", () => {
    const bytes = encode("update", {
      properties: { values: { kept: 1, dropped: undefined, nested: { gone: undefined, here: "x" } } },
      refreshBeforeUpdate: false,
    });
    const read = provproto.UpdateResponse.deserializeBinary(bytes);
    expect(read.getProperties()?.toJavaScript()).toEqual({ kept: 1, nested: { here: "x" } });
    expect(read.getRefreshBeforeUpdate()).toBe(false);
  });

  it("check answers: inputs and failures", () => {
    const bytes = encode("check", {
      inputs: { values: { datastoreId: "dst_1", apiKey: "k" }, secretKeys: new Set(["apiKey"]) },
      failures: [
        { property: "days", reason: "days: must be one of mon, tue" },
        { property: "hours", reason: "hours: 24 is not an hour" },
      ],
    });
    const read = provproto.CheckResponse.deserializeBinary(bytes);
    expect(read.getInputs()?.toJavaScript()).toEqual({ datastoreId: "dst_1", apiKey: secret("k") });
    expect(read.getFailuresList().map((f) => f.toObject())).toEqual([
      { property: "days", reason: "days: must be one of mon, tue" },
      { property: "hours", reason: "hours: 24 is not an hour" },
    ]);
    expect(provproto.CheckResponse.deserializeBinary(encode("check", { failures: [] })).hasInputs()).toBe(
      false,
    );
  });

  it("read answers: a gone resource is an empty id with no properties", () => {
    const gone = provproto.ReadResponse.deserializeBinary(
      encode("read", { id: "", refreshBeforeUpdate: true }),
    );
    expect(gone.toObject()).toEqual({ id: "", refreshBeforeUpdate: true });
    const found = provproto.ReadResponse.deserializeBinary(
      encode("read", {
        id: "dst_1",
        properties: { values: { a: 1 } },
        inputs: { values: { b: 2 } },
        refreshBeforeUpdate: false,
      }),
    );
    expect(found.getId()).toBe("dst_1");
    expect(found.getProperties()?.toJavaScript()).toEqual({ a: 1 });
    expect(found.getInputs()?.toJavaScript()).toEqual({ b: 2 });
  });

  it("diff answers: changes, replacements and the detailed diff, as the engine reads them", () => {
    const { UPDATE, UPDATE_REPLACE } = provproto.PropertyDiff.Kind;
    const bytes = encode("diff", {
      changes: provproto.DiffResponse.DiffChanges.DIFF_SOME,
      replaces: ["datastoreId"],
      deleteBeforeReplace: true,
      diffs: ["datastoreId", "days"],
      detailedDiff: new Map([
        ["datastoreId", UPDATE_REPLACE],
        ["days", UPDATE],
      ]),
    });
    const read = provproto.DiffResponse.deserializeBinary(bytes);
    expect(read.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_SOME);
    expect(read.getReplacesList()).toEqual(["datastoreId"]);
    expect(read.getDeletebeforereplace()).toBe(true);
    expect(read.getDiffsList()).toEqual(["datastoreId", "days"]);
    expect(read.getHasdetaileddiff()).toBe(true);
    const detailed = read.getDetaileddiffMap();
    expect(detailed.getLength()).toBe(2);
    expect(detailed.get("datastoreId")?.toObject()).toEqual({ kind: UPDATE_REPLACE, inputdiff: true });
    expect(detailed.get("days")?.toObject()).toEqual({ kind: UPDATE, inputdiff: true });
    const none = provproto.DiffResponse.deserializeBinary(
      encode("diff", {
        changes: provproto.DiffResponse.DiffChanges.DIFF_NONE,
        replaces: [],
        deleteBeforeReplace: false,
        diffs: [],
      }),
    );
    expect(none.getChanges()).toBe(provproto.DiffResponse.DiffChanges.DIFF_NONE);
    expect(none.getHasdetaileddiff()).toBe(false);
    expect(none.getDetaileddiffMap().getLength()).toBe(0);
  });

  it("delete answers google.protobuf.Empty: no bytes", () => {
    expect(encode("delete", {})).toHaveLength(0);
  });
});
