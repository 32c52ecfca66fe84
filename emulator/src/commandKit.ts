/**
 * What every data-plane command shares: the connection's session, the datastore it works on, the
 * command table's entry shape, Redis's common error replies and its argument helpers.
 */
import type { Keyspace, KeyType, KeyValue } from "./keyspace.ts";
import { array, error, type Reply } from "./resp.ts";

/** One client connection's state. */
export interface Session {
  /** Client ID (`HELLO`'s `id`). */
  readonly id: number;
  /** RESP version of the replies: 2, or 3 after `HELLO 3`. */
  protocol: 2 | 3;
  authenticated: boolean;
  /** `CLIENT SETNAME`'s name ("" for none). */
  name: string;
  /** Set by `QUIT`: close the connection once the reply is written. */
  closing: boolean;
}

/** What a command works on: the datastore's data and the moment. */
export interface DataContext {
  keyspace: Keyspace;
  /** Emulator time, Unix ms. */
  now: number;
  /** The `default` user's password; "" when the datastore has none (`disable_passkey`). */
  password: string;
  /** The datastore is `restoring`: only commands a loading server accepts run. */
  loading: boolean;
  /** The port the datastore listens on (`INFO server`). */
  port: number;
  /** Open connections to the datastore (`INFO clients`). */
  clients: number;
  /** Records that the data changed (the state file is saved). */
  changed(): void;
}

/** A command of the table (commands.ts). */
export interface Command {
  /** Lowercase name as errors show it: `get`, or `client|setname` for a subcommand. */
  fullName: string;
  /** Redis's arity: N exactly N arguments (command name included), -N at least N. */
  arity: number;
  /** Runs before AUTH (Redis's `no-auth` flag). */
  noAuth?: boolean;
  /** Runs while the datastore is loading (Redis's `loading` flag). */
  whileLoading?: boolean;
  /** Runs the command on its arguments (`argv[0]` is its name) and returns the reply. */
  run(argv: readonly string[], session: Session, context: DataContext): Reply;
}

/** A command on a key of another type. */
export const WRONGTYPE = error("WRONGTYPE Operation against a key holding the wrong kind of value");
/** Options that do not parse or do not go together. */
export const SYNTAX = error("ERR syntax error");
/** An argument that is not a signed 64-bit decimal integer (Redis's string2ll). */
export const NOT_INTEGER = error("ERR value is not an integer or out of range");
/** A score that is not a double (Redis's string2d). */
export const NOT_FLOAT = error("ERR value is not a valid float");
/** A wrong user or password, to AUTH and HELLO … AUTH alike. */
export const WRONGPASS = error("WRONGPASS invalid username-password pair or user is disabled.");
/** `*0`: an empty array, also for a missing key's list or range. */
export const EMPTY_ARRAY = array([]);
/** The range of Redis's `long long`, for its overflow checks. */
export const LLONG_MAX = 2n ** 63n - 1n;
/** See {@link LLONG_MAX}. */
export const LLONG_MIN = -(2n ** 63n);

/** Redis's `strcasecmp` for ASCII names: lowercase A–Z only. */
export function lower(text: string): string {
  return text.replace(/[A-Z]/g, (char) => char.toLowerCase());
}

/** A C string's view of a byte string: up to its first NUL, as Redis's `%s` prints arguments. */
export function cString(text: string): string {
  const nul = text.indexOf("\0");
  return nul < 0 ? text : text.slice(0, nul);
}

/** The live value of `key` when it is of `type`; undefined when missing; WRONGTYPE otherwise. */
export function lookup<T extends KeyType>(
  context: DataContext,
  key: string,
  type: T,
): Extract<KeyValue, { type: T }> | undefined | "wrongtype" {
  const slot = context.keyspace.lookup(key, context.now);
  if (slot === undefined) return undefined;
  return slot.value.type === type ? (slot.value as Extract<KeyValue, { type: T }>) : "wrongtype";
}

/** Stores a new, empty collection under `key` (the command then fills it) and returns it. */
export function putNew<T extends KeyValue>(context: DataContext, key: string, value: T): T {
  context.keyspace.put(key, value, null);
  return value;
}

/** `start..end` (inclusive, negative from the end) of `length` items as Redis sanitises it, or undefined when empty. */
export function indexRange(start: bigint, end: bigint, length: number): [number, number] | undefined {
  const size = BigInt(length);
  let from = start < 0n ? size + start : start;
  let to = end < 0n ? size + end : end;
  if (from < 0n) from = 0n;
  if (from > to || from >= size) return undefined;
  if (to >= size) to = size - 1n;
  return [Number(from), Number(to)];
}
