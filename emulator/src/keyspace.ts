/**
 * A datastore's data: keys holding strings, hashes, lists, sets or sorted sets, each with an
 * optional expiry on the emulator's clock. The data plane (dataPlane.ts) reads and writes it over
 * RESP; backups capture it as a list of {@link KeyspaceEntry}s and restores load it back; the admin
 * API reads and replaces it as JSON.
 *
 * Keys and values are binary-safe **byte strings**: one character per byte (0–255), as
 * `Buffer.toString("latin1")` gives them. Comparing two byte strings with `<` is comparing their
 * bytes (memcmp), the order Redis sorts sorted-set members in. JSON on the admin API carries text
 * instead, converted to and from UTF-8 bytes ({@link textEntries}, {@link byteEntries}).
 */
import { badRequest } from "./errors.ts";
import { isJsonObject } from "./json.ts";

/** What a key holds, as the data plane works on it. */
export type KeyValue =
  | { type: "string"; value: string }
  | { type: "hash"; value: Map<string, string> }
  | { type: "list"; value: string[] }
  | { type: "set"; value: Set<string> }
  | { type: "zset"; value: Map<string, number> };

/** The type names `TYPE` answers and `SCAN … TYPE` filters by. */
export type KeyType = KeyValue["type"];
/** Every {@link KeyType}. */
export const KEY_TYPES: readonly KeyType[] = ["string", "hash", "list", "set", "zset"];

/** A key's value and expiry (emulator time, Unix ms; null: never). */
export interface Slot {
  value: KeyValue;
  expiresAt: number | null;
  /** Creation order of the key; `SCAN` cursors are positions in it (see {@link Keyspace.scan}). */
  readonly seq: number;
}

/** A sorted-set score in JSON: a finite number, or `"inf"` / `"-inf"` (JSON has no infinities). */
export type ScoreJson = number | "inf" | "-inf";

/**
 * One key as JSON: in a backup and the state file (byte strings) and on the admin API (text).
 * `expiresAt` is emulator time, Unix ms; absent when the key never expires.
 */
export type KeyspaceEntry =
  | { key: string; type: "string"; value: string; expiresAt?: number }
  | { key: string; type: "hash"; value: Array<[string, string]>; expiresAt?: number }
  | { key: string; type: "list"; value: string[]; expiresAt?: number }
  | { key: string; type: "set"; value: string[]; expiresAt?: number }
  | { key: string; type: "zset"; value: Array<[string, ScoreJson]>; expiresAt?: number };

/** The keys of one datastore. Every read takes `now` (emulator time, Unix ms): expired keys are gone. */
export class Keyspace {
  private readonly slots = new Map<string, Slot>();
  private nextSeq = 1;

  /** A keyspace holding `entries` (byte strings), in their order. */
  static fromEntries(entries: readonly KeyspaceEntry[]): Keyspace {
    const keyspace = new Keyspace();
    for (const entry of entries) keyspace.put(entry.key, keyValueOf(entry), entry.expiresAt ?? null);
    return keyspace;
  }

  /** A keyspace of string keys without expiry, from text (`{key: value}`, as the admin data call takes it). */
  static fromText(map: Readonly<Record<string, string>>): Keyspace {
    const keyspace = new Keyspace();
    for (const [key, value] of Object.entries(map))
      keyspace.put(textToBytes(key), { type: "string", value: textToBytes(value) }, null);
    return keyspace;
  }

  /** The live slot of `key`, or undefined; an expired key is deleted on the way (Redis's lazy expiry). */
  lookup(key: string, now: number): Slot | undefined {
    const slot = this.slots.get(key);
    if (slot === undefined) return undefined;
    if (slot.expiresAt !== null && slot.expiresAt <= now) {
      this.slots.delete(key);
      return undefined;
    }
    return slot;
  }

  /** Stores `value` under `key`; an existing key keeps its place in the `SCAN` order. */
  put(key: string, value: KeyValue, expiresAt: number | null): Slot {
    const existing = this.slots.get(key);
    const slot: Slot = { value, expiresAt, seq: existing?.seq ?? this.nextSeq++ };
    this.slots.set(key, slot);
    return slot;
  }

  /** Deletes `key`; true when it was there and live. */
  remove(key: string, now: number): boolean {
    const live = this.lookup(key, now) !== undefined;
    this.slots.delete(key);
    return live;
  }

  /** The live keys and their slots, in creation order. */
  *live(now: number): Generator<[string, Slot]> {
    for (const [key, slot] of this.slots) {
      if (slot.expiresAt !== null && slot.expiresAt <= now) this.slots.delete(key);
      else yield [key, slot];
    }
  }

  /** The number of live keys. */
  size(now: number): number {
    let count = 0;
    for (const _ of this.live(now)) count++;
    return count;
  }

  /**
   * One step of a `SCAN`: visits up to `count` keys from position `cursor` in creation order and
   * returns them with the cursor to continue from (0 when done). A key that exists for the whole
   * iteration is returned exactly once, whatever is added or deleted meanwhile (Redis promises at
   * least once): positions never shift, since deleting a key does not move the others and a new
   * or re-created key goes to the end.
   */
  scan(cursor: bigint, count: number, now: number): { cursor: bigint; keys: Array<[string, Slot]> } {
    const keys: Array<[string, Slot]> = [];
    for (const [key, slot] of this.live(now)) {
      if (BigInt(slot.seq) < cursor) continue;
      if (keys.length === count) return { cursor: BigInt(slot.seq), keys };
      keys.push([key, slot]);
    }
    return { cursor: 0n, keys };
  }

  /** Every live key as JSON (byte strings), in creation order: what a backup captures. */
  entries(now: number): KeyspaceEntry[] {
    return [...this.live(now)].map(([key, slot]) => entryOf(key, slot));
  }

  /** The live string keys as text (`{key: value}`): what the admin data call answers. */
  textStrings(now: number): Record<string, string> {
    const strings: Array<[string, string]> = [];
    for (const [key, slot] of this.live(now)) {
      if (slot.value.type === "string") strings.push([bytesToText(key), bytesToText(slot.value.value)]);
    }
    return Object.fromEntries(strings);
  }

  /** The state file's form: every key, expired ones included (they expire again once loaded). */
  toJSON(): KeyspaceEntry[] {
    return [...this.slots].map(([key, slot]) => entryOf(key, slot));
  }
}

function entryOf(key: string, slot: Slot): KeyspaceEntry {
  const expiry = slot.expiresAt === null ? {} : { expiresAt: slot.expiresAt };
  const { value } = slot;
  switch (value.type) {
    case "string":
      return { key, type: "string", value: value.value, ...expiry };
    case "hash":
      return { key, type: "hash", value: [...value.value], ...expiry };
    case "list":
      return { key, type: "list", value: [...value.value], ...expiry };
    case "set":
      return { key, type: "set", value: [...value.value], ...expiry };
    case "zset":
      return { key, type: "zset", value: [...value.value].map(([m, s]) => [m, scoreJson(s)]), ...expiry };
  }
}

function keyValueOf(entry: KeyspaceEntry): KeyValue {
  switch (entry.type) {
    case "string":
      return { type: "string", value: entry.value };
    case "hash":
      return { type: "hash", value: new Map(entry.value) };
    case "list":
      return { type: "list", value: [...entry.value] };
    case "set":
      return { type: "set", value: new Set(entry.value) };
    case "zset":
      return { type: "zset", value: new Map(entry.value.map(([m, s]) => [m, scoreNumber(s)])) };
  }
}

function scoreJson(score: number): ScoreJson {
  if (score === Number.POSITIVE_INFINITY) return "inf";
  if (score === Number.NEGATIVE_INFINITY) return "-inf";
  return score;
}

function scoreNumber(score: ScoreJson): number {
  if (score === "inf") return Number.POSITIVE_INFINITY;
  if (score === "-inf") return Number.NEGATIVE_INFINITY;
  return score;
}

/**
 * `size_bytes` of a backup of `entries` (byte strings), before the header: every key's bytes plus
 * its content's (strings, hash fields and values, list and set elements, sorted-set members plus 8
 * bytes per score, the size of a double).
 */
export function entriesBytes(entries: readonly KeyspaceEntry[]): number {
  let bytes = 0;
  for (const entry of entries) {
    bytes += entry.key.length;
    switch (entry.type) {
      case "string":
        bytes += entry.value.length;
        break;
      case "hash":
        for (const [field, value] of entry.value) bytes += field.length + value.length;
        break;
      case "list":
      case "set":
        for (const element of entry.value) bytes += element.length;
        break;
      case "zset":
        for (const [member] of entry.value) bytes += member.length + 8;
        break;
    }
  }
  return bytes;
}

/** Text (UTF-16) as a byte string of its UTF-8 bytes. */
export function textToBytes(text: string): string {
  return Buffer.from(text, "utf8").toString("latin1");
}

/** A byte string as text, its bytes read as UTF-8 (invalid sequences become U+FFFD). */
export function bytesToText(bytes: string): string {
  return Buffer.from(bytes, "latin1").toString("utf8");
}

/** `entries` (byte strings) as the admin API shows them: every key, element and member as UTF-8 text. */
export function textEntries(entries: readonly KeyspaceEntry[]): KeyspaceEntry[] {
  return entries.map((entry) => mapStrings(entry, bytesToText));
}

/** `entries` from the admin API (text) as byte strings. */
export function byteEntries(entries: readonly KeyspaceEntry[]): KeyspaceEntry[] {
  return entries.map((entry) => mapStrings(entry, textToBytes));
}

function mapStrings(entry: KeyspaceEntry, map: (text: string) => string): KeyspaceEntry {
  const expiry = entry.expiresAt === undefined ? {} : { expiresAt: entry.expiresAt };
  const key = map(entry.key);
  switch (entry.type) {
    case "string":
      return { key, type: "string", value: map(entry.value), ...expiry };
    case "hash":
      return { key, type: "hash", value: entry.value.map(([f, v]) => [map(f), map(v)]), ...expiry };
    case "list":
      return { key, type: "list", value: entry.value.map(map), ...expiry };
    case "set":
      return { key, type: "set", value: entry.value.map(map), ...expiry };
    case "zset":
      return { key, type: "zset", value: entry.value.map(([m, s]) => [map(m), s]), ...expiry };
  }
}

/** The string keys of an old (version 1) state file's `{key: value}` data map, as entries (byte strings). */
export function entriesFromTextMap(map: Readonly<Record<string, string>>): KeyspaceEntry[] {
  return Object.entries(map).map(([key, value]) => ({
    key: textToBytes(key),
    type: "string",
    value: textToBytes(value),
  }));
}

/**
 * Checks the admin keyspace call's body (`400` naming the first bad place): an array of entries,
 * each `{key, type, value, expiresAt?}` with a value of its type's shape. Keys are unique; hashes,
 * lists, sets and sorted sets are not empty (Redis holds no empty collections); hash fields, set
 * members and sorted-set members are unique; scores are finite numbers, `"inf"` or `"-inf"`.
 */
export function validateKeyspaceEntries(value: unknown, path: string): KeyspaceEntry[] {
  if (!Array.isArray(value)) throw badRequest(`${path}: must be an array of keys`);
  const seen = new Set<string>();
  value.forEach((entry: unknown, index) => {
    const at = `${path}[${index}]`;
    if (!isJsonObject(entry)) throw badRequest(`${at}: must be an object`);
    if (typeof entry.key !== "string") throw badRequest(`${at}.key: must be a string`);
    if (seen.has(entry.key)) throw badRequest(`${at}.key: ${JSON.stringify(entry.key)} appears twice`);
    seen.add(entry.key);
    if (
      entry.expiresAt !== undefined &&
      !(Number.isSafeInteger(entry.expiresAt) && Number(entry.expiresAt) >= 0)
    )
      throw badRequest(`${at}.expiresAt: must be an integer of at least 0 (Unix ms)`);
    checkEntryValue(entry.type, entry.value, at);
  });
  return value as KeyspaceEntry[];
}

function checkEntryValue(type: unknown, value: unknown, at: string): void {
  const isString = (item: unknown) => typeof item === "string";
  const isPair = (item: unknown, second: (x: unknown) => boolean) =>
    Array.isArray(item) && item.length === 2 && isString(item[0]) && second(item[1]);
  const isScore = (x: unknown) =>
    x === "inf" || x === "-inf" || (typeof x === "number" && Number.isFinite(x));
  const collection = (check: (item: unknown) => boolean, what: string, unique: boolean) => {
    if (!Array.isArray(value) || value.length === 0 || !value.every(check))
      throw badRequest(`${at}.value: must be a non-empty array of ${what}`);
    if (unique) {
      const names = value.map((item: unknown) => (Array.isArray(item) ? item[0] : item));
      if (new Set(names).size !== names.length) throw badRequest(`${at}.value: has a duplicate`);
    }
  };
  switch (type) {
    case "string":
      if (!isString(value)) throw badRequest(`${at}.value: must be a string`);
      return;
    case "hash":
      collection((item) => isPair(item, isString), "[field, value] string pairs", true);
      return;
    case "list":
      collection(isString, "strings", false);
      return;
    case "set":
      collection(isString, "strings", true);
      return;
    case "zset":
      collection(
        (item) => isPair(item, isScore),
        '[member, score] pairs (score: a number, "inf" or "-inf")',
        true,
      );
      return;
    default:
      throw badRequest(`${at}.type: must be one of ${KEY_TYPES.join(", ")}`);
  }
}
