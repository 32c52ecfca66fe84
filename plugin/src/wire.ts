/**
 * The resource operations' messages (Check, Diff, Create, Read, Update, Delete), coded straight
 * between protobuf bytes and property maps. The generated stubs (@pulumi/pulumi's provider_pb, on
 * google-protobuf) turn every property into a `google.protobuf.Value` object on the way in, and the
 * plugin then turned those into plain values; on the way out, plain values into Value objects and
 * those into bytes. That was most of what the plugin allocated per operation, and most of the time it
 * spent collecting garbage (docs/performance.md): here each property map is read from the bytes into
 * plain values, with the engine's secret wrappers taken off as they are read, and written from plain
 * values into bytes, in one pass each way. The config calls, GetSchema, Invoke and the failure details
 * of a partial create are rare and stay on the generated stubs (values.ts).
 *
 * Field numbers are the protocol's (pulumi/proto/pulumi/provider.proto, struct.proto); a field this
 * plugin does not use is skipped, as any protobuf reader skips a field it does not know.
 */
import { ResourceProviderService } from "@pulumi/pulumi/proto/provider_grpc_pb";
import type { Properties } from "./values";
import { SECRET_SIGNATURE, SIGNATURE_KEY } from "./values";

/** A property map as it crossed the wire: its values, secrets unwrapped, and the top-level keys that held one. */
export interface PropertyMap {
  readonly values: Properties;
  /** Top-level keys whose value was (or contained) a secret; written back as secrets. */
  readonly secretKeys: ReadonlySet<string>;
}

/** A property map to write: `values` with the keys in `secretKeys` marked secret. */
export interface PropertyMapOut {
  readonly values: object;
  readonly secretKeys?: ReadonlySet<string>;
}

// Protobuf wire types.
const VARINT = 0;
const FIXED64 = 1;
const LENGTH_DELIMITED = 2;
const FIXED32 = 5;

/** Reads protobuf fields from a buffer. */
class Reader {
  pos: number;
  constructor(
    readonly buf: Buffer,
    start: number,
    readonly end: number,
  ) {
    this.pos = start;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint; exact up to 2^53, which every length, tag, bool and enum of these messages is. */
  varint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      if (this.pos >= this.end) throw new Error("protobuf message ends inside a varint");
      const byte = this.buf[this.pos++] as number;
      result += (byte & 0x7f) * scale;
      if (byte < 0x80) return result;
      scale *= 128;
      if (scale > 2 ** 63) throw new Error("protobuf varint longer than 10 bytes");
    }
  }

  /** The end of a length-delimited field whose length is next; the reader stays at its first byte. */
  enter(): number {
    const length = this.varint();
    const end = this.pos + length;
    if (end > this.end) throw new Error("protobuf field runs past the end of its message");
    return end;
  }

  string(): string {
    const end = this.enter();
    const value = this.buf.toString("utf8", this.pos, end);
    this.pos = end;
    return value;
  }

  double(): number {
    if (this.pos + 8 > this.end) throw new Error("protobuf message ends inside a double");
    const value = this.buf.readDoubleLE(this.pos);
    this.pos += 8;
    return value;
  }

  skip(wireType: number): void {
    if (wireType === VARINT) this.varint();
    else if (wireType === FIXED64) this.pos += 8;
    else if (wireType === LENGTH_DELIMITED) this.pos = this.enter();
    else if (wireType === FIXED32) this.pos += 4;
    else throw new Error(`protobuf wire type ${wireType} is not one these messages use`);
  }
}

/**
 * Reads Structs into plain values, unwrapping secrets as it goes; `sawSecret` tells whether anything
 * read since it was last cleared held one, at any depth.
 */
class StructReader {
  sawSecret = false;
  constructor(private readonly reader: Reader) {}

  /** A `google.protobuf.Struct` (entries = 1) as an object; a secret wrapper as the value it wraps. */
  struct(end: number): unknown {
    const result: Record<string, unknown> = {};
    this.entries(end, (key, value) => {
      result[key] = value;
    });
    if (result[SIGNATURE_KEY] === SECRET_SIGNATURE) {
      this.sawSecret = true;
      return result.value;
    }
    return result;
  }

  /** Each entry of a Struct's map (key = 1, value = 2), in the order the bytes hold them. */
  entries(end: number, onEntry: (key: string, value: unknown) => void): void {
    const { reader } = this;
    while (reader.pos < end) {
      const tag = reader.varint();
      if (tag !== ((1 << 3) | LENGTH_DELIMITED)) {
        reader.skip(tag & 7);
        continue;
      }
      const entryEnd = reader.enter();
      let key = "";
      let value: unknown;
      let hasValue = false;
      while (reader.pos < entryEnd) {
        const entryTag = reader.varint();
        if (entryTag === ((1 << 3) | LENGTH_DELIMITED)) key = reader.string();
        else if (entryTag === ((2 << 3) | LENGTH_DELIMITED)) {
          value = this.value(reader.enter());
          hasValue = true;
        } else reader.skip(entryTag & 7);
      }
      // An entry without a value holds the default Value, which has no kind (as google-protobuf's
      // toJavaScript, refuse it).
      if (!hasValue) throw new Error("protobuf Struct entry without a value");
      onEntry(key, value);
    }
  }

  /** A `google.protobuf.Value` (null, number, string, bool, Struct or ListValue) as a plain value. */
  private value(end: number): unknown {
    const { reader } = this;
    let value: unknown;
    let hasKind = false;
    while (reader.pos < end) {
      const tag = reader.varint();
      switch (tag) {
        case (1 << 3) | VARINT:
          reader.varint();
          value = null;
          break;
        case (2 << 3) | FIXED64:
          value = reader.double();
          break;
        case (3 << 3) | LENGTH_DELIMITED:
          value = reader.string();
          break;
        case (4 << 3) | VARINT:
          value = reader.varint() !== 0;
          break;
        case (5 << 3) | LENGTH_DELIMITED:
          value = this.struct(reader.enter());
          break;
        case (6 << 3) | LENGTH_DELIMITED:
          value = this.list(reader.enter());
          break;
        default:
          reader.skip(tag & 7);
          continue;
      }
      hasKind = true;
    }
    if (!hasKind) throw new Error("protobuf Value without a kind");
    return value;
  }

  /** A `google.protobuf.ListValue` (values = 1) as an array. */
  private list(end: number): unknown[] {
    const { reader } = this;
    const result: unknown[] = [];
    while (reader.pos < end) {
      const tag = reader.varint();
      if (tag === ((1 << 3) | LENGTH_DELIMITED)) result.push(this.value(reader.enter()));
      else reader.skip(tag & 7);
    }
    return result;
  }
}

/** A Struct field (the reader just past its tag) as a property map: secrets are noted by top-level key. */
function readPropertyMap(reader: Reader): PropertyMap {
  const structs = new StructReader(reader);
  const values: Properties = {};
  const secretKeys = new Set<string>();
  structs.entries(reader.enter(), (key, value) => {
    values[key] = value;
    if (structs.sawSecret) secretKeys.add(key);
    structs.sawSecret = false;
  });
  return { values, secretKeys };
}

/** How a request field is read. */
type FieldKind = "string" | "properties" | "double" | "bool";

/** The fields of a request that the plugin reads: field number → [name, kind]. */
type RequestLayout = Readonly<Record<number, readonly [string, FieldKind]>>;

/** A request read by a {@link RequestLayout}: its named fields, each with its proto3 default when absent. */
function readRequest(layout: RequestLayout, buf: Buffer): Record<string, unknown> {
  const request: Record<string, unknown> = {};
  for (const [name, kind] of Object.values(layout)) request[name] = defaultOf(kind);
  const reader = new Reader(buf, 0, buf.length);
  while (!reader.done) {
    const tag = reader.varint();
    const field = layout[Math.floor(tag / 8)];
    const wireType = tag & 7;
    if (!field || wireType !== wireTypeOf(field[1])) {
      reader.skip(wireType);
      continue;
    }
    const [name, kind] = field;
    if (kind === "string") request[name] = reader.string();
    else if (kind === "properties") request[name] = readPropertyMap(reader);
    else if (kind === "double") request[name] = reader.double();
    else request[name] = reader.varint() !== 0;
  }
  return request;
}

function defaultOf(kind: FieldKind): unknown {
  if (kind === "string") return "";
  // A missing Struct reads as an empty map: a new one each time, since handlers own what they are given.
  if (kind === "properties") return { values: {}, secretKeys: new Set() };
  if (kind === "double") return 0;
  return false;
}

function wireTypeOf(kind: FieldKind): number {
  if (kind === "double") return FIXED64;
  if (kind === "bool") return VARINT;
  return LENGTH_DELIMITED;
}

/** Writes protobuf fields into a growing buffer; nested messages get their length once written. */
class Writer {
  private buf = Buffer.allocUnsafe(512);
  private pos = 0;

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + bytes));
    this.buf.copy(grown, 0, 0, this.pos);
    this.buf = grown;
  }

  varint(value: number): void {
    this.room(10);
    let rest = value;
    while (rest >= 0x80) {
      this.buf[this.pos++] = (rest % 0x80) | 0x80;
      rest = Math.floor(rest / 0x80);
    }
    this.buf[this.pos++] = rest;
  }

  tag(field: number, wireType: number): void {
    this.varint(field * 8 + wireType);
  }

  string(field: number, value: string): void {
    this.tag(field, LENGTH_DELIMITED);
    const length = Buffer.byteLength(value, "utf8");
    this.varint(length);
    this.room(length);
    this.pos += this.buf.write(value, this.pos, length, "utf8");
  }

  double(field: number, value: number): void {
    this.tag(field, FIXED64);
    this.room(8);
    this.pos = this.buf.writeDoubleLE(value, this.pos);
  }

  bool(field: number, value: boolean): void {
    this.tag(field, VARINT);
    this.varint(value ? 1 : 0);
  }

  /** A nested message: its body is written by `body`, then moved up to make room for its length. */
  message(field: number, body: () => void): void {
    this.tag(field, LENGTH_DELIMITED);
    const start = this.pos;
    body();
    const length = this.pos - start;
    const lengthBytes = varintSize(length);
    this.room(lengthBytes);
    this.buf.copyWithin(start + lengthBytes, start, this.pos);
    const end = this.pos + lengthBytes;
    this.pos = start;
    this.varint(length);
    this.pos = end;
  }

  finish(): Buffer {
    return this.buf.subarray(0, this.pos);
  }
}

function varintSize(value: number): number {
  let size = 1;
  for (let rest = value; rest >= 0x80; rest = Math.floor(rest / 0x80)) size++;
  return size;
}

/** A plain value as a `google.protobuf.Value`; `undefined` in a list is written as null, as JSON would. */
function writeValue(writer: Writer, value: unknown): void {
  if (value === null || value === undefined) {
    writer.tag(1, VARINT);
    writer.varint(0);
  } else if (typeof value === "number") writer.double(2, value);
  else if (typeof value === "string") writer.string(3, value);
  else if (typeof value === "boolean") writer.bool(4, value);
  else if (Array.isArray(value))
    writer.message(6, () => {
      for (const item of value) writer.message(1, () => writeValue(writer, item));
    });
  else if (typeof value === "object") writer.message(5, () => writeStruct(writer, value as Properties));
  else throw new Error(`a property of type ${typeof value} cannot be sent to the engine`);
}

/** An object's defined properties as a Struct's entries (key = 1, value = 2). */
function writeStruct(writer: Writer, value: Properties, secretKeys?: ReadonlySet<string>): void {
  for (const key in value) {
    const item = value[key];
    if (item === undefined) continue;
    writer.message(1, () => {
      writer.string(1, key);
      writer.message(2, () => {
        if (secretKeys?.has(key)) {
          writer.message(5, () => {
            writer.message(1, () => {
              writer.string(1, SIGNATURE_KEY);
              writer.message(2, () => writer.string(3, SECRET_SIGNATURE));
            });
            writer.message(1, () => {
              writer.string(1, "value");
              writer.message(2, () => writeValue(writer, item));
            });
          });
        } else writeValue(writer, item);
      });
    });
  }
}

function writePropertyMap(writer: Writer, field: number, map: PropertyMapOut | undefined): void {
  if (map) writer.message(field, () => writeStruct(writer, map.values as Properties, map.secretKeys));
}

/** A proto3 string field, left out when empty as proto3 leaves out defaults. */
function writeString(writer: Writer, field: number, value: string | undefined): void {
  if (value) writer.string(field, value);
}

function writeBool(writer: Writer, field: number, value: boolean | undefined): void {
  if (value) writer.bool(field, true);
}

function encoded(write: (writer: Writer) => void): Buffer {
  const writer = new Writer();
  write(writer);
  return writer.finish();
}

// ---------------------------------------------------------------------------------------------
// The requests, with the fields the plugin reads.

/** What every resource request carries: the resource's URN and type token. */
export interface ResourceRequest {
  readonly urn: string;
  readonly type: string;
}

/** pulumirpc.CheckRequest. */
export interface CheckRequest extends ResourceRequest {
  readonly olds: PropertyMap;
  readonly news: PropertyMap;
}

/** pulumirpc.DiffRequest. */
export interface DiffRequest extends ResourceRequest {
  readonly id: string;
  readonly olds: PropertyMap;
  readonly news: PropertyMap;
}

/** pulumirpc.CreateRequest. `timeout` in seconds, 0 when none was set. */
export interface CreateRequest extends ResourceRequest {
  readonly properties: PropertyMap;
  readonly timeout: number;
  readonly preview: boolean;
}

/** pulumirpc.ReadRequest. */
export interface ReadRequest extends ResourceRequest {
  readonly id: string;
  readonly properties: PropertyMap;
  readonly timeout: number;
}

/** pulumirpc.UpdateRequest. */
export interface UpdateRequest extends ResourceRequest {
  readonly id: string;
  readonly olds: PropertyMap;
  readonly news: PropertyMap;
  readonly timeout: number;
  readonly preview: boolean;
}

/** pulumirpc.DeleteRequest. */
export interface DeleteRequest extends ResourceRequest {
  readonly id: string;
  readonly properties: PropertyMap;
  readonly timeout: number;
}

const CHECK_REQUEST: RequestLayout = {
  1: ["urn", "string"],
  2: ["olds", "properties"],
  3: ["news", "properties"],
  7: ["type", "string"],
};
const DIFF_REQUEST: RequestLayout = {
  1: ["id", "string"],
  2: ["urn", "string"],
  3: ["olds", "properties"],
  4: ["news", "properties"],
  8: ["type", "string"],
};
const CREATE_REQUEST: RequestLayout = {
  1: ["urn", "string"],
  2: ["properties", "properties"],
  3: ["timeout", "double"],
  4: ["preview", "bool"],
  6: ["type", "string"],
};
const READ_REQUEST: RequestLayout = {
  1: ["id", "string"],
  2: ["urn", "string"],
  3: ["properties", "properties"],
  6: ["type", "string"],
  10: ["timeout", "double"],
};
const UPDATE_REQUEST: RequestLayout = {
  1: ["id", "string"],
  2: ["urn", "string"],
  3: ["olds", "properties"],
  4: ["news", "properties"],
  5: ["timeout", "double"],
  7: ["preview", "bool"],
  10: ["type", "string"],
};
const DELETE_REQUEST: RequestLayout = {
  1: ["id", "string"],
  2: ["urn", "string"],
  3: ["properties", "properties"],
  4: ["timeout", "double"],
  7: ["type", "string"],
};

// ---------------------------------------------------------------------------------------------
// The responses.

/** One refused input: pulumirpc.CheckFailure. */
export interface CheckFailureOut {
  readonly property: string;
  readonly reason: string;
}

/** pulumirpc.CheckResponse. */
export interface CheckResponse {
  readonly inputs?: PropertyMapOut | undefined;
  readonly failures: readonly CheckFailureOut[];
}

/** pulumirpc.DiffResponse.DiffChanges. */
export const DiffChanges = { DIFF_UNKNOWN: 0, DIFF_NONE: 1, DIFF_SOME: 2 } as const;
/** pulumirpc.PropertyDiff.Kind. */
export const PropertyDiffKind = { UPDATE: 4, UPDATE_REPLACE: 5 } as const;

/** pulumirpc.DiffResponse. */
export interface DiffResponse {
  readonly changes: number;
  readonly replaces: readonly string[];
  readonly deleteBeforeReplace: boolean;
  readonly diffs: readonly string[];
  /** Property → how it changed (a PropertyDiff kind), each an input diff. */
  readonly detailedDiff?: ReadonlyMap<string, number>;
}

/** pulumirpc.CreateResponse. */
export interface CreateResponse {
  readonly id?: string;
  readonly properties: PropertyMapOut;
  readonly refreshBeforeUpdate: boolean;
}

/** pulumirpc.ReadResponse. */
export interface ReadResponse {
  readonly id: string;
  readonly properties?: PropertyMapOut | undefined;
  readonly inputs?: PropertyMapOut | undefined;
  readonly refreshBeforeUpdate: boolean;
}

/** pulumirpc.UpdateResponse. */
export interface UpdateResponse {
  readonly properties: PropertyMapOut;
  readonly refreshBeforeUpdate: boolean;
}

function encodeCheckResponse(response: CheckResponse): Buffer {
  return encoded((writer) => {
    writePropertyMap(writer, 1, response.inputs);
    for (const failure of response.failures)
      writer.message(2, () => {
        writeString(writer, 1, failure.property);
        writeString(writer, 2, failure.reason);
      });
  });
}

function encodeDiffResponse(response: DiffResponse): Buffer {
  return encoded((writer) => {
    for (const key of response.replaces) writer.string(1, key);
    writeBool(writer, 3, response.deleteBeforeReplace);
    if (response.changes !== 0) {
      writer.tag(4, VARINT);
      writer.varint(response.changes);
    }
    for (const key of response.diffs) writer.string(5, key);
    for (const [key, kind] of response.detailedDiff ?? []) {
      // map<string, PropertyDiff> detailedDiff = 6: entries of key = 1, value = 2 (kind = 1, inputDiff = 2).
      writer.message(6, () => {
        writer.string(1, key);
        writer.message(2, () => {
          if (kind !== 0) {
            writer.tag(1, VARINT);
            writer.varint(kind);
          }
          writer.bool(2, true);
        });
      });
    }
    writeBool(writer, 7, response.detailedDiff !== undefined);
  });
}

function encodeCreateResponse(response: CreateResponse): Buffer {
  return encoded((writer) => {
    writeString(writer, 1, response.id);
    writePropertyMap(writer, 2, response.properties);
    writeBool(writer, 3, response.refreshBeforeUpdate);
  });
}

function encodeReadResponse(response: ReadResponse): Buffer {
  return encoded((writer) => {
    writeString(writer, 1, response.id);
    writePropertyMap(writer, 2, response.properties);
    writePropertyMap(writer, 3, response.inputs);
    writeBool(writer, 4, response.refreshBeforeUpdate);
  });
}

function encodeUpdateResponse(response: UpdateResponse): Buffer {
  return encoded((writer) => {
    writePropertyMap(writer, 1, response.properties);
    writeBool(writer, 2, response.refreshBeforeUpdate);
  });
}

/** google.protobuf.Empty: no fields. */
function encodeEmpty(): Buffer {
  return Buffer.alloc(0);
}

const decoder =
  <T>(layout: RequestLayout) =>
  (buf: Buffer): T =>
    readRequest(layout, buf) as T;

/**
 * The ResourceProvider service's definition for grpc-js, its resource operations read and written by
 * this module: the handlers of those methods take and answer the plain messages above.
 */
export const RESOURCE_PROVIDER_SERVICE = {
  ...ResourceProviderService,
  check: {
    ...ResourceProviderService.check,
    requestDeserialize: decoder<CheckRequest>(CHECK_REQUEST),
    responseSerialize: encodeCheckResponse,
  },
  diff: {
    ...ResourceProviderService.diff,
    requestDeserialize: decoder<DiffRequest>(DIFF_REQUEST),
    responseSerialize: encodeDiffResponse,
  },
  create: {
    ...ResourceProviderService.create,
    requestDeserialize: decoder<CreateRequest>(CREATE_REQUEST),
    responseSerialize: encodeCreateResponse,
  },
  read: {
    ...ResourceProviderService.read,
    requestDeserialize: decoder<ReadRequest>(READ_REQUEST),
    responseSerialize: encodeReadResponse,
  },
  update: {
    ...ResourceProviderService.update,
    requestDeserialize: decoder<UpdateRequest>(UPDATE_REQUEST),
    responseSerialize: encodeUpdateResponse,
  },
  delete: {
    ...ResourceProviderService.delete,
    requestDeserialize: decoder<DeleteRequest>(DELETE_REQUEST),
    responseSerialize: encodeEmpty,
  },
};
