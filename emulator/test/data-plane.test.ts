/**
 * The data plane: every active datastore serves its data over RESP at the `addr` the API returns.
 *
 * One table of command exchanges (raw RESP over a socket, so the wire is compared byte for byte)
 * runs against the emulator and, when `redis-server` is on PATH, against a real one started here on
 * loopback with the datastore's password: both must answer every exchange exactly as the table says.
 * The table holds Redis 7.2's replies, which the emulator reproduces; the few that older Redis
 * answers differently say so (`older`), and the few where the emulator deliberately differs from
 * Redis say why (`differs`). The emulator's own behaviour around the protocol (statuses, backups,
 * restores, the clock, deletion) follows the table.
 */
import { type ChildProcess, spawn } from "node:child_process";
import * as fs from "node:fs";
import * as net from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { KeyspaceEntry, RunningEmulator } from "../src/index.ts";
import { api, datastoreConfig, seedActive, startFrozen } from "./support.ts";

// ---------------------------------------------------------------------------------------------
// Replies on the wire (byte strings: one character per byte)

const OK = "+OK\r\n";
const NIL = "$-1\r\n";
const NULL3 = "_\r\n";
const NOAUTH = "-NOAUTH Authentication required.\r\n";
const WRONGPASS = "-WRONGPASS invalid username-password pair or user is disabled.\r\n";
const WRONGTYPE = "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n";
const SYNTAX = "-ERR syntax error\r\n";
const NOT_INTEGER = "-ERR value is not an integer or out of range\r\n";
const NOT_FLOAT = "-ERR value is not a valid float\r\n";
const simple = (text: string) => `+${text}\r\n`;
const err = (text: string) => `-${text}\r\n`;
const int = (value: number) => `:${value}\r\n`;
const bulk = (text: string) => `$${text.length}\r\n${text}\r\n`;
const arr = (...items: string[]) => `*${items.length}\r\n${items.join("")}`;
const bulks = (...texts: string[]) => arr(...texts.map(bulk));
const map3 = (...pairs: string[]) => `%${pairs.length / 2}\r\n${pairs.join("")}`;
const set3 = (...items: string[]) => `~${items.length}\r\n${items.join("")}`;
const double3 = (text: string) => `,${text}\r\n`;
const verbatim = (text: string) => `=${text.length + 4}\r\ntxt:${text}\r\n`;
const arity = (command: string) => err(`ERR wrong number of arguments for '${command}' command`);
const invalidExpire = (command: string) => err(`ERR invalid expire time in '${command}' command`);

/** A command as a client sends it: an array of bulk strings. */
function wire(args: readonly string[]): string {
  return arr(...args.map(bulk));
}

/** Stands for the datastore's password in the table (both servers get the same one). */
const PASSWORD = "<password>";

// ---------------------------------------------------------------------------------------------
// The table

interface Exchange {
  /** Arguments of one command, or raw bytes sent as they are. */
  send: string[] | { raw: string };
  /** The reply, exactly (several concatenated when `replies` > 1), as Redis 7.2 answers. */
  reply: string;
  /** How many replies the send brings (a pipeline: several; half a command: none). Default 1. */
  replies?: number;
  /** Applied to both the reply received and `reply` before comparing: for what Redis does not fix. */
  normalise?: (reply: string) => string;
  /** What Redis before 7.2 answers instead. */
  older?: string;
  /** Where the emulator deliberately answers otherwise than Redis: Redis's reply and the reason. */
  differs?: { redis: string; because: string };
}

interface Scenario {
  title: string;
  exchanges: Exchange[];
  /** Send `AUTH <password>` first (expecting `+OK`). Default true. */
  login?: boolean;
  /** The server closes the connection after the last exchange. */
  closes?: boolean;
}

/** `HELLO`'s client id and server version vary by server and connection: fixed to `0` and `V`. */
function helloFixed(reply: string): string {
  return reply
    .replace(/(\$2\r\nid\r\n):\d+\r\n/, "$1:0\r\n")
    .replace(/(\$7\r\nversion\r\n)\$\d+\r\n[^\r]*\r\n/, "$1$$1\r\nV\r\n");
}

/** Sets and hash-table keyspaces have no defined order: sorts the (only or last) list of bulk strings. */
function sortedBulks(reply: string): string {
  const match = /^([\s\S]*?)([*~])(\d+)\r\n((?:\$\d+\r\n[^\r]*\r\n)*)$/.exec(reply);
  if (!match) return reply;
  const items = (match[4] ?? "").match(/\$\d+\r\n[^\r]*\r\n/g) ?? [];
  return `${match[1]}${match[2]}${match[3]}\r\n${[...items].sort().join("")}`;
}

/** A PTTL taken on a real server's running clock: whole seconds (rounded up), as the emulator's frozen clock gives exactly. */
function pttlSeconds(reply: string): string {
  const match = /^:(\d+)\r\n$/.exec(reply);
  return match ? `:${Math.ceil(Number(match[1]) / 1000)}\r\n` : reply;
}

const HELLO3 = map3(
  bulk("server"),
  bulk("redis"),
  bulk("version"),
  bulk("V"),
  bulk("proto"),
  int(3),
  bulk("id"),
  int(0),
  bulk("mode"),
  bulk("standalone"),
  bulk("role"),
  bulk("master"),
  bulk("modules"),
  arr(),
);
const HELLO2 = arr(
  ...[bulk("server"), bulk("redis"), bulk("version"), bulk("V"), bulk("proto"), int(2), bulk("id"), int(0)],
  ...[bulk("mode"), bulk("standalone"), bulk("role"), bulk("master"), bulk("modules"), arr()],
);
const HELLO_NOAUTH =
  "NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH " +
  "<user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time";

const SCENARIOS: Scenario[] = [
  {
    title: "before AUTH: unknown commands and arity come first, then NOAUTH; wrong passwords are refused",
    login: false,
    exchanges: [
      { send: ["PING"], reply: NOAUTH },
      { send: ["GET", "k"], reply: NOAUTH },
      {
        send: ["FOO", "a", "b"],
        reply: err("ERR unknown command 'FOO', with args beginning with: 'a' 'b' "),
      },
      { send: ["nosuch"], reply: err("ERR unknown command 'nosuch', with args beginning with: ") },
      { send: ["GET"], reply: arity("get") },
      { send: ["CLIENT", "NOPE"], reply: err("ERR unknown subcommand 'NOPE'. Try CLIENT HELP.") },
      { send: ["AUTH", "wrong"], reply: WRONGPASS },
      { send: ["AUTH", "default", "wrong"], reply: WRONGPASS },
      { send: ["AUTH", "someone", PASSWORD], reply: WRONGPASS },
      { send: ["AUTH", "a", "b", "c"], reply: SYNTAX },
      {
        send: ["HELLO", "3"],
        reply: err(HELLO_NOAUTH),
        older: err(HELLO_NOAUTH.replace("HELLO <proto> AUTH", "HELLO AUTH")),
      },
      { send: ["HELLO", "4"], reply: err("NOPROTO unsupported protocol version") },
      { send: ["HELLO", "x"], reply: err("ERR Protocol version is not an integer or out of range") },
      { send: ["HELLO", "3", "AUTH", "default", "wrong"], reply: WRONGPASS },
      { send: ["HELLO", "3", "AUTH", "default"], reply: err("ERR Syntax error in HELLO option 'AUTH'") },
      { send: ["AUTH", PASSWORD], reply: OK },
      { send: ["PING"], reply: simple("PONG") },
    ],
  },
  {
    title: "AUTH default <password> logs in",
    login: false,
    exchanges: [
      { send: ["AUTH", "default", PASSWORD], reply: OK },
      { send: ["PING"], reply: simple("PONG") },
    ],
  },
  {
    title: "HELLO 3 with AUTH and SETNAME switches to RESP3: nulls, maps, sets, doubles, verbatim text",
    login: false,
    exchanges: [
      {
        send: ["HELLO", "3", "AUTH", "default", PASSWORD, "SETNAME", "app"],
        reply: HELLO3,
        normalise: helloFixed,
      },
      { send: ["GET", "nokey"], reply: NULL3 },
      { send: ["SET", "k", "v"], reply: OK },
      { send: ["GET", "k"], reply: bulk("v") },
      { send: ["MGET", "k", "nokey"], reply: arr(bulk("v"), NULL3) },
      { send: ["SET", "k", "w", "NX"], reply: NULL3 },
      { send: ["HSET", "h", "f", "v", "g", "w"], reply: int(2) },
      { send: ["HGETALL", "h"], reply: map3(bulk("f"), bulk("v"), bulk("g"), bulk("w")) },
      { send: ["HGETALL", "nokey"], reply: map3() },
      { send: ["SADD", "s", "a"], reply: int(1) },
      { send: ["SMEMBERS", "s"], reply: set3(bulk("a")) },
      { send: ["SMEMBERS", "nokey"], reply: set3() },
      { send: ["ZADD", "z", "1", "a", "2.5", "b"], reply: int(2) },
      {
        send: ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        reply: arr(arr(bulk("a"), double3("1")), arr(bulk("b"), double3("2.5"))),
      },
      { send: ["ZADD", "z", "INCR", "1", "a"], reply: double3("2") },
      { send: ["ZADD", "z", "XX", "INCR", "1", "nope"], reply: NULL3 },
      { send: ["INFO", "keyspace"], reply: verbatim("# Keyspace\r\ndb0:keys=4,expires=0,avg_ttl=0\r\n") },
      { send: ["HELLO", "2"], reply: HELLO2, normalise: helloFixed },
      { send: ["GET", "nokey"], reply: NIL },
      { send: ["HGETALL", "h"], reply: bulks("f", "v", "g", "w") },
    ],
  },
  {
    title:
      "strings and expiries: SET's options, GET, MGET, DEL, EXISTS, EXPIRE/PEXPIRE and their options, TTL/PTTL",
    exchanges: [
      { send: ["SET", "a", "1"], reply: OK },
      { send: ["GET", "a"], reply: bulk("1") },
      { send: ["SET", "a", "2", "NX"], reply: NIL },
      { send: ["SET", "a", "2", "XX"], reply: OK },
      { send: ["SET", "a", "3", "GET"], reply: bulk("2") },
      { send: ["SET", "new", "v", "XX", "GET"], reply: NIL },
      { send: ["GET", "new"], reply: NIL },
      { send: ["SET", "b", "v", "EX", "100"], reply: OK },
      { send: ["TTL", "b"], reply: int(100) },
      { send: ["PTTL", "b"], reply: int(100_000), normalise: pttlSeconds },
      { send: ["SET", "b", "w", "KEEPTTL"], reply: OK },
      { send: ["TTL", "b"], reply: int(100) },
      { send: ["SET", "b", "x"], reply: OK },
      { send: ["TTL", "b"], reply: int(-1) },
      { send: ["SET", "c", "v", "PX", "100000"], reply: OK },
      { send: ["PTTL", "c"], reply: int(100_000), normalise: pttlSeconds },
      { send: ["SET", "gone", "v", "EXAT", "1"], reply: OK },
      { send: ["GET", "gone"], reply: NIL },
      { send: ["SET", "k", "v", "EX", "0"], reply: invalidExpire("set") },
      { send: ["SET", "k", "v", "EX", "x"], reply: NOT_INTEGER },
      { send: ["SET", "k", "v", "PX", "-5"], reply: invalidExpire("set") },
      { send: ["SET", "k", "v", "EX", "9999999999999999"], reply: invalidExpire("set") },
      { send: ["SET", "k", "v", "NX", "XX"], reply: SYNTAX },
      { send: ["SET", "k", "v", "EX", "10", "PX", "10"], reply: SYNTAX },
      { send: ["SET", "k", "v", "EX"], reply: SYNTAX },
      { send: ["SET", "k", "v", "FOO"], reply: SYNTAX },
      { send: ["SET", "k"], reply: arity("set") },
      { send: ["GET", "k"], reply: NIL },
      { send: ["EXPIRE", "a", "100"], reply: int(1) },
      { send: ["EXPIRE", "a", "100", "NX"], reply: int(0) },
      { send: ["EXPIRE", "a", "50", "GT"], reply: int(0) },
      { send: ["EXPIRE", "a", "200", "GT"], reply: int(1) },
      { send: ["TTL", "a"], reply: int(200) },
      { send: ["EXPIRE", "a", "10", "lt"], reply: int(1) },
      { send: ["TTL", "a"], reply: int(10) },
      { send: ["EXPIRE", "b", "10", "XX"], reply: int(0) },
      { send: ["EXPIRE", "b", "10", "GT"], reply: int(0) },
      { send: ["EXPIRE", "b", "10", "LT"], reply: int(1) },
      { send: ["EXPIRE", "nokey", "10"], reply: int(0) },
      {
        send: ["EXPIRE", "a", "10", "NX", "XX"],
        reply: err("ERR NX and XX, GT or LT options at the same time are not compatible"),
      },
      {
        send: ["EXPIRE", "a", "10", "GT", "LT"],
        reply: err("ERR GT and LT options at the same time are not compatible"),
      },
      { send: ["EXPIRE", "a", "10", "FOO"], reply: err("ERR Unsupported option FOO") },
      { send: ["EXPIRE", "a", "x"], reply: NOT_INTEGER },
      { send: ["EXPIRE", "a", "9223372036854775807"], reply: invalidExpire("expire") },
      { send: ["PEXPIRE", "a", "9223372036854775807"], reply: invalidExpire("pexpire") },
      { send: ["PEXPIRE", "a", "0"], reply: int(1) },
      { send: ["EXISTS", "a"], reply: int(0) },
      { send: ["TTL", "a"], reply: int(-2) },
      { send: ["PTTL", "a"], reply: int(-2) },
      { send: ["SET", "d", "v"], reply: OK },
      { send: ["EXPIRE", "d", "-1"], reply: int(1) },
      { send: ["GET", "d"], reply: NIL },
      { send: ["SET", "k", "v"], reply: OK },
      { send: ["MGET", "a", "b", "c", "nokey", "k"], reply: arr(NIL, bulk("x"), bulk("v"), NIL, bulk("v")) },
      { send: ["EXISTS", "k", "k", "nokey"], reply: int(2) },
      { send: ["DBSIZE"], reply: int(3) },
      { send: ["DEL", "b", "c", "nokey"], reply: int(2) },
      { send: ["DEL", "b"], reply: int(0) },
      { send: ["DBSIZE"], reply: int(1) },
    ],
  },
  {
    title: "hashes, lists and sets, TYPE, and WRONGTYPE for the wrong kind of value",
    exchanges: [
      { send: ["HSET", "h", "f"], reply: arity("hset") },
      { send: ["HSET", "h", "f", "v", "g", "w"], reply: int(2) },
      { send: ["HSET", "h", "f", "v2"], reply: int(0) },
      { send: ["HGETALL", "h"], reply: bulks("f", "v2", "g", "w") },
      { send: ["HGETALL", "nokey"], reply: arr() },
      { send: ["GET", "h"], reply: WRONGTYPE },
      { send: ["LPUSH", "h", "x"], reply: WRONGTYPE },
      { send: ["SADD", "h", "x"], reply: WRONGTYPE },
      { send: ["SET", "h", "x", "GET"], reply: WRONGTYPE },
      { send: ["MGET", "h"], reply: arr(NIL) },
      { send: ["RPUSH", "l", "a", "b", "c"], reply: int(3) },
      { send: ["LPUSH", "l", "y", "z"], reply: int(5) },
      { send: ["LRANGE", "l", "0", "-1"], reply: bulks("z", "y", "a", "b", "c") },
      { send: ["LRANGE", "l", "-2", "-1"], reply: bulks("b", "c") },
      { send: ["LRANGE", "l", "1", "1"], reply: bulks("y") },
      { send: ["LRANGE", "l", "-100", "1"], reply: bulks("z", "y") },
      { send: ["LRANGE", "l", "5", "10"], reply: arr() },
      { send: ["LRANGE", "l", "3", "1"], reply: arr() },
      { send: ["LRANGE", "l", "x", "1"], reply: NOT_INTEGER },
      { send: ["LRANGE", "h", "0", "1"], reply: WRONGTYPE },
      { send: ["LRANGE", "nokey", "0", "-1"], reply: arr() },
      { send: ["HGETALL", "l"], reply: WRONGTYPE },
      { send: ["SADD", "s", "a", "b", "a"], reply: int(2) },
      { send: ["SADD", "s", "b", "c"], reply: int(1) },
      { send: ["SMEMBERS", "s"], reply: bulks("a", "b", "c"), normalise: sortedBulks },
      { send: ["SADD", "n", "3", "1", "2"], reply: int(3) },
      { send: ["SMEMBERS", "n"], reply: bulks("1", "2", "3"), normalise: sortedBulks },
      { send: ["SMEMBERS", "nokey"], reply: arr() },
      { send: ["SMEMBERS", "l"], reply: WRONGTYPE },
      { send: ["TYPE", "h"], reply: simple("hash") },
      { send: ["TYPE", "l"], reply: simple("list") },
      { send: ["TYPE", "s"], reply: simple("set") },
      { send: ["TYPE", "nokey"], reply: simple("none") },
      { send: ["SET", "h", "now a string"], reply: OK },
      { send: ["TYPE", "h"], reply: simple("string") },
    ],
  },
  {
    title:
      "sorted sets: ZADD's options and score parsing, ZRANGE by rank, score and lex, WITHSCORES in RESP2",
    exchanges: [
      { send: ["ZADD", "z", "x", "m"], reply: NOT_FLOAT },
      { send: ["ZADD", "z", "nan", "m"], reply: NOT_FLOAT },
      { send: ["ZADD", "z", "1e400", "m"], reply: NOT_FLOAT },
      { send: ["ZADD", "z", "1e-400", "m"], reply: NOT_FLOAT },
      { send: ["ZADD", "z", " 1", "m"], reply: NOT_FLOAT },
      { send: ["ZADD", "z", "inf", "a", "1", "c", "2.5", "b", "-3", "d"], reply: int(4) },
      { send: ["ZRANGE", "z", "0", "-1"], reply: bulks("d", "c", "b", "a") },
      {
        send: ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        reply: bulks("d", "-3", "c", "1", "b", "2.5", "a", "inf"),
      },
      { send: ["ZRANGE", "z", "0", "1", "REV"], reply: bulks("a", "b") },
      { send: ["ZRANGE", "z", "-2", "-1"], reply: bulks("b", "a") },
      { send: ["ZRANGE", "z", "(1", "inf", "BYSCORE", "WITHSCORES"], reply: bulks("b", "2.5", "a", "inf") },
      { send: ["ZRANGE", "z", "-inf", "+inf", "BYSCORE", "LIMIT", "1", "2"], reply: bulks("c", "b") },
      { send: ["ZRANGE", "z", "+inf", "-inf", "BYSCORE", "REV", "LIMIT", "0", "1"], reply: bulks("a") },
      { send: ["ZRANGE", "z", "2", "1", "BYSCORE"], reply: arr() },
      { send: ["ZRANGE", "z", "(x", "1", "BYSCORE"], reply: err("ERR min or max is not a float") },
      {
        send: ["ZRANGE", "z", "0", "-1", "LIMIT", "0", "1"],
        reply: err("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"),
      },
      { send: ["ZRANGE", "z", "a", "b"], reply: NOT_INTEGER },
      { send: ["ZRANGE", "z", "0", "-1", "FOO"], reply: SYNTAX },
      { send: ["ZADD", "lex", "0", "a", "0", "b", "0", "c", "0", "d"], reply: int(4) },
      { send: ["ZRANGE", "lex", "[b", "(d", "BYLEX"], reply: bulks("b", "c") },
      { send: ["ZRANGE", "lex", "-", "+", "BYLEX", "LIMIT", "1", "2"], reply: bulks("b", "c") },
      { send: ["ZRANGE", "lex", "+", "-", "BYLEX", "REV", "LIMIT", "0", "2"], reply: bulks("d", "c") },
      {
        send: ["ZRANGE", "lex", "-", "+", "BYLEX", "WITHSCORES"],
        reply: err("ERR syntax error, WITHSCORES not supported in combination with BYLEX"),
      },
      {
        send: ["ZRANGE", "lex", "a", "b", "BYLEX"],
        reply: err("ERR min or max not valid string range item"),
      },
      {
        send: ["ZADD", "z", "NX", "XX", "1", "a"],
        reply: err("ERR XX and NX options at the same time are not compatible"),
      },
      {
        send: ["ZADD", "z", "GT", "LT", "1", "a"],
        reply: err("ERR GT, LT, and/or NX options at the same time are not compatible"),
      },
      {
        send: ["ZADD", "z", "INCR", "1", "a", "2", "b"],
        reply: err("ERR INCR option supports a single increment-element pair"),
      },
      { send: ["ZADD", "z", "NX", "1"], reply: SYNTAX },
      { send: ["ZADD", "z"], reply: arity("zadd") },
      { send: ["ZADD", "z", "1"], reply: arity("zadd") },
      { send: ["ZADD", "z", "INCR", "1", "c"], reply: bulk("2") },
      { send: ["ZADD", "z", "XX", "INCR", "1", "nope"], reply: NIL },
      { send: ["ZADD", "z", "GT", "0", "c"], reply: int(0) },
      { send: ["ZADD", "z", "GT", "CH", "5", "c"], reply: int(1) },
      { send: ["ZADD", "z", "LT", "CH", "9", "c"], reply: int(0) },
      { send: ["ZADD", "z", "NX", "7", "e", "8", "c"], reply: int(1) },
      { send: ["ZADD", "z", "XX", "CH", "9", "e", "9", "nope"], reply: int(1) },
      { send: ["ZADD", "z", "INCR", "-inf", "a"], reply: err("ERR resulting score is not a number (NaN)") },
      {
        send: ["ZRANGE", "z", "0", "-1", "WITHSCORES"],
        reply: bulks("d", "-3", "b", "2.5", "c", "5", "e", "9", "a", "inf"),
      },
      { send: ["SET", "str", "v"], reply: OK },
      { send: ["ZADD", "str", "1", "a"], reply: WRONGTYPE },
      { send: ["ZRANGE", "str", "0", "1"], reply: WRONGTYPE },
      { send: ["ZRANGE", "nokey", "0", "-1"], reply: arr() },
      { send: ["ZADD", "f", "0.1", "m"], reply: int(1) },
      {
        send: ["ZRANGE", "f", "0", "-1", "WITHSCORES"],
        reply: bulks("m", "0.1"),
        older: bulks("m", "0.10000000000000001"),
      },
    ],
  },
  {
    title: "SCAN with MATCH, COUNT and TYPE, INFO keyspace and DBSIZE",
    exchanges: [
      { send: ["SET", "user:1", "a"], reply: OK },
      { send: ["SET", "user:2", "b"], reply: OK },
      { send: ["SET", "order:1", "c"], reply: OK },
      { send: ["HSET", "h", "f", "v"], reply: int(1) },
      { send: ["RPUSH", "l", "x"], reply: int(1) },
      {
        send: ["SCAN", "0", "COUNT", "1000"],
        reply: arr(bulk("0"), bulks("h", "l", "order:1", "user:1", "user:2")),
        normalise: sortedBulks,
      },
      {
        send: ["SCAN", "0", "MATCH", "user:*", "COUNT", "1000"],
        reply: arr(bulk("0"), bulks("user:1", "user:2")),
        normalise: sortedBulks,
      },
      {
        send: ["SCAN", "0", "MATCH", "u?er:[12]", "COUNT", "1000"],
        reply: arr(bulk("0"), bulks("user:1", "user:2")),
        normalise: sortedBulks,
      },
      {
        send: ["SCAN", "0", "MATCH", "*[^0-9]", "COUNT", "1000"],
        reply: arr(bulk("0"), bulks("h", "l")),
        normalise: sortedBulks,
      },
      { send: ["SCAN", "0", "TYPE", "hash", "COUNT", "1000"], reply: arr(bulk("0"), bulks("h")) },
      { send: ["SCAN", "0", "TYPE", "foo"], reply: arr(bulk("0"), arr()) },
      { send: ["SCAN", "x"], reply: err("ERR invalid cursor") },
      { send: ["SCAN", "0", "COUNT", "0"], reply: SYNTAX },
      { send: ["SCAN", "0", "COUNT", "x"], reply: NOT_INTEGER },
      { send: ["SCAN", "0", "FOO"], reply: SYNTAX },
      { send: ["SCAN", "0", "MATCH"], reply: SYNTAX },
      { send: ["INFO", "keyspace"], reply: bulk("# Keyspace\r\ndb0:keys=5,expires=0,avg_ttl=0\r\n") },
      { send: ["INFO", "nosuchsection"], reply: bulk("") },
      { send: ["DBSIZE"], reply: int(5) },
      { send: ["EXISTS", "user:1", "h", "nokey"], reply: int(2) },
    ],
  },
  {
    title: "connection commands: PING, SELECT, CLIENT SETNAME/SETINFO, INFO of an empty datastore, QUIT",
    closes: true,
    exchanges: [
      { send: ["PING"], reply: simple("PONG") },
      { send: ["PING", "hello"], reply: bulk("hello") },
      { send: ["PING", "a", "b"], reply: arity("ping") },
      { send: ["SELECT", "0"], reply: OK },
      { send: ["SELECT", "x"], reply: NOT_INTEGER },
      { send: ["SELECT", "16"], reply: err("ERR DB index is out of range") },
      {
        send: ["SELECT", "1"],
        reply: err("ERR DB index is out of range"),
        differs: { redis: OK, because: "the emulator has one database; redis-server has 16 by default" },
      },
      { send: ["CLIENT", "SETNAME", "app"], reply: OK },
      {
        send: ["CLIENT", "SETNAME", "bad name"],
        reply: err("ERR Client names cannot contain spaces, newlines or special characters."),
      },
      { send: ["CLIENT", "SETNAME"], reply: arity("client|setname") },
      { send: ["CLIENT"], reply: arity("client") },
      {
        send: ["CLIENT", "SETINFO", "LIB-NAME", "mylib"],
        reply: OK,
        older: err("ERR unknown subcommand 'SETINFO'. Try CLIENT HELP."),
      },
      {
        send: ["CLIENT", "SETINFO", "lib-ver", "1.0"],
        reply: OK,
        older: err("ERR unknown subcommand 'SETINFO'. Try CLIENT HELP."),
      },
      {
        send: ["CLIENT", "SETINFO", "FOO", "x"],
        reply: err("ERR Unrecognized option 'FOO'"),
        older: err("ERR unknown subcommand 'SETINFO'. Try CLIENT HELP."),
      },
      { send: ["DBSIZE", "x"], reply: arity("dbsize") },
      { send: ["INFO", "keyspace"], reply: bulk("# Keyspace\r\n") },
      { send: ["DBSIZE"], reply: int(0) },
      { send: ["QUIT"], reply: OK },
    ],
  },
  {
    title: "the wire: inline commands with quotes, pipelines, binary values, commands split across packets",
    exchanges: [
      { send: { raw: "PING\r\n" }, reply: simple("PONG") },
      { send: { raw: 'SET "a b" "c\\x41\\n"\r\n' }, reply: OK },
      { send: { raw: "GET 'a b'\r\n" }, reply: bulk("cA\n") },
      { send: { raw: "\r\n*0\r\n*1\r\n$4\r\nPING\r\n" }, reply: simple("PONG") },
      {
        send: { raw: `${wire(["PING"])}${wire(["GET", "a b"])}${wire(["DBSIZE"])}` },
        replies: 3,
        reply: `+PONG\r\n${bulk("cA\n")}:1\r\n`,
      },
      { send: ["SET", "bin", "\x00\xff\r\n"], reply: OK },
      { send: ["GET", "bin"], reply: bulk("\x00\xff\r\n") },
      { send: { raw: "*2\r\n$3\r\nGE" }, replies: 0, reply: "" },
      { send: { raw: "T\r\n$3\r\nbin\r\n" }, reply: bulk("\x00\xff\r\n") },
    ],
  },
  ...(
    [
      ["an invalid bulk length", "*1\r\n$x\r\n", "ERR Protocol error: invalid bulk length", true],
      ["an invalid multibulk length", "*abc\r\n", "ERR Protocol error: invalid multibulk length", true],
      [
        "something else where a bulk string belongs",
        "*1\r\n!3\r\n",
        "ERR Protocol error: expected '$', got '!'",
        true,
      ],
      [
        "unbalanced quotes in an inline command",
        'SET "a b\r\n',
        "ERR Protocol error: unbalanced quotes in request",
        true,
      ],
      [
        "more than 10 arguments before AUTH",
        "*11\r\n",
        "ERR Protocol error: unauthenticated multibulk length",
        false,
      ],
      [
        "a bulk string over 16 KiB before AUTH",
        "*1\r\n$20000\r\n",
        "ERR Protocol error: unauthenticated bulk length",
        false,
      ],
    ] as const
  ).map(
    ([what, raw, reply, login]): Scenario => ({
      title: `a protocol error closes the connection after answering it: ${what}`,
      login,
      closes: true,
      exchanges: [{ send: { raw }, reply: err(reply) }],
    }),
  ),
];

/** The same checks on a datastore without a password (`disable_passkey`) and a redis-server without `requirepass`. */
const NOPASS_SCENARIOS: Scenario[] = [
  {
    title:
      "without a password: commands run at once; AUTH <password> is refused, AUTH default <anything> accepted",
    login: false,
    exchanges: [
      { send: ["PING"], reply: simple("PONG") },
      {
        send: ["AUTH", "x"],
        reply: err(
          "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
        ),
      },
      { send: ["AUTH", "default", "anything"], reply: OK },
      { send: ["AUTH", "someone", "anything"], reply: WRONGPASS },
      { send: ["HELLO", "3"], reply: HELLO3, normalise: helloFixed },
      { send: ["SET", "k", "v"], reply: OK },
      { send: ["GET", "k"], reply: bulk("v") },
    ],
  },
];

// ---------------------------------------------------------------------------------------------
// A raw RESP connection

/** How long a reply may take before the test says which one never came (not a timing assertion). */
const REPLY_GUARD_MS = 5000;

/** The end (exclusive) of the reply starting at `start` of `data`, or undefined when incomplete. */
function replyEnd(data: string, start: number): number | undefined {
  const lineEnd = data.indexOf("\r\n", start);
  if (lineEnd < 0) return undefined;
  const head = data[start];
  const count = Number(data.slice(start + 1, lineEnd));
  const afterLine = lineEnd + 2;
  switch (head) {
    case "+":
    case "-":
    case ":":
    case "_":
    case ",":
    case "#":
    case "(":
      return afterLine;
    case "$":
    case "=":
    case "!": {
      if (count < 0) return afterLine;
      return data.length >= afterLine + count + 2 ? afterLine + count + 2 : undefined;
    }
    case "*":
    case "~":
    case ">":
    case "%": {
      let position = afterLine;
      const items = head === "%" ? count * 2 : Math.max(count, 0);
      for (let i = 0; i < items; i++) {
        const end = replyEnd(data, position);
        if (end === undefined) return undefined;
        position = end;
      }
      return position;
    }
    default:
      throw new Error(`not a RESP reply: ${JSON.stringify(data.slice(start, start + 40))}`);
  }
}

/** A client that writes bytes and reads whole replies, exactly as they arrive. */
class RawConnection {
  private data = "";
  private wake: (() => void) | undefined;
  private readonly socket: net.Socket;
  /** Resolves when the server closes the connection. */
  readonly closed: Promise<void>;

  private constructor(socket: net.Socket) {
    this.socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.data += chunk.toString("latin1");
      this.wake?.();
    });
    this.closed = new Promise((resolve) => socket.on("close", () => resolve()));
    void this.closed.then(() => this.wake?.());
  }

  /** Connects to 127.0.0.1:`port`; rejects with the socket error (e.g. ECONNREFUSED). */
  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = net.connect(port, "127.0.0.1");
      socket.once("error", reject);
      socket.once("connect", () => {
        socket.off("error", reject);
        socket.on("error", () => {});
        resolve(new RawConnection(socket));
      });
    });
  }

  write(bytes: string): void {
    this.socket.write(Buffer.from(bytes, "latin1"));
  }

  /** The next whole reply. */
  async reply(what: string): Promise<string> {
    const deadline = Date.now() + REPLY_GUARD_MS;
    let isClosed = false;
    void this.closed.then(() => {
      isClosed = true;
    });
    for (;;) {
      const end = this.data === "" ? undefined : replyEnd(this.data, 0);
      if (end !== undefined) {
        const reply = this.data.slice(0, end);
        this.data = this.data.slice(end);
        return reply;
      }
      if (isClosed) throw new Error(`the connection closed before the reply to ${what}`);
      const wait = deadline - Date.now();
      if (wait <= 0) throw new Error(`no reply to ${what} within ${REPLY_GUARD_MS} ms`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  /** Sends one command and reads its reply. */
  command(args: readonly string[]): Promise<string> {
    this.write(wire(args));
    return this.reply(args.join(" "));
  }

  /** Resolves when the server has closed the connection; rejects if it stays open. */
  async waitClosed(what: string): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const guard = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new Error(`the server kept the connection open after ${what}`)),
        REPLY_GUARD_MS,
      );
    });
    try {
      await Promise.race([this.closed, guard]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Bytes received and not yet read as a reply. */
  unread(): string {
    return this.data;
  }

  destroy(): void {
    this.socket.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// Running the table

/** A server to run the table on. */
interface Target {
  port: number;
  password: string;
  /** Empties the server's data before a scenario. */
  flush(): Promise<void>;
  /** The server's Redis version (`7.2.0` for the emulator). */
  version: string;
}

function label(exchange: Exchange): string {
  return Array.isArray(exchange.send) ? exchange.send.join(" ") : JSON.stringify(exchange.send.raw);
}

/** Runs `scenario` on a fresh connection to `target` and returns each exchange's replies. */
async function run(target: Target, scenario: Scenario): Promise<string[]> {
  await target.flush();
  const connection = await RawConnection.open(target.port);
  try {
    if (scenario.login !== false) expect(await connection.command(["AUTH", target.password])).toBe(OK);
    const replies: string[] = [];
    for (const exchange of scenario.exchanges) {
      const send = exchange.send;
      connection.write(
        Array.isArray(send) ? wire(send.map((arg) => (arg === PASSWORD ? target.password : arg))) : send.raw,
      );
      let reply = "";
      for (let k = 0; k < (exchange.replies ?? 1); k++) reply += await connection.reply(label(exchange));
      replies.push(reply);
    }
    if (scenario.closes) await connection.waitClosed(label(scenario.exchanges.at(-1) as Exchange));
    expect(connection.unread(), "bytes after the last reply").toBe("");
    return replies;
  } finally {
    connection.destroy();
  }
}

/** Whether `version` is older than 7.2 (what `older` replies are for). */
function before72(version: string): boolean {
  const [major = 0, minor = 0] = version.split(".").map(Number);
  return major < 7 || (major === 7 && minor < 2);
}

/** Runs `scenario` on `target` and checks every reply against the table. */
async function check(target: Target, scenario: Scenario, side: "emulator" | "redis-server"): Promise<void> {
  const replies = await run(target, scenario);
  scenario.exchanges.forEach((exchange, index) => {
    let expected = exchange.reply;
    if (side === "redis-server" && exchange.differs) expected = exchange.differs.redis;
    else if (side === "redis-server" && exchange.older !== undefined && before72(target.version))
      expected = exchange.older;
    const normalise = exchange.normalise ?? ((reply: string) => reply);
    expect(normalise(replies[index] ?? ""), `${side}: the reply to ${label(exchange)}`).toBe(
      normalise(expected),
    );
  });
}

// ---------------------------------------------------------------------------------------------
// The emulator's half

/** The port of an `addr` (`127.0.0.1:<port>`). */
function portOf(addr: string): number {
  const match = /^127\.0\.0\.1:(\d+)$/.exec(addr);
  if (!match) throw new Error(`addr ${JSON.stringify(addr)} is not 127.0.0.1:<port>`);
  return Number(match[1]);
}

let emulator: RunningEmulator;
/** An active datastore with a password, and one without (`disable_passkey`). */
let secured: { id: string; port: number; password: string };
let passwordless: { id: string; port: number };

beforeAll(async () => {
  emulator = await startFrozen();
  const [apiKey = ""] = emulator.apiKeys;
  const one = await emulator.admin.seedDatastore(apiKey, datastoreConfig());
  secured = { id: one.datastore_id, port: portOf(one.addr), password: one.password };
  const two = await emulator.admin.seedDatastore(apiKey, datastoreConfig({ disable_passkey: true }));
  passwordless = { id: two.datastore_id, port: portOf(two.addr) };
});

afterAll(async () => {
  await emulator?.close();
});

function emulatorTarget(datastore: { id: string; port: number }, password: string): Target {
  return {
    port: datastore.port,
    password,
    version: "7.2.0",
    flush: async () => {
      await emulator.admin.setData(datastore.id, {});
    },
  };
}

describe("the data plane answers the table as Redis 7.2 does (the emulator)", () => {
  it.each(SCENARIOS)("$title", async (scenario) => {
    await check(emulatorTarget(secured, secured.password), scenario, "emulator");
  });

  it.each(NOPASS_SCENARIOS)("$title", async (scenario) => {
    await check(emulatorTarget(passwordless, ""), scenario, "emulator");
  });

  it("returns every key exactly once over a SCAN iteration in steps of COUNT 2, ending at cursor 0", async () => {
    await emulator.admin.setData(secured.id, Object.fromEntries(KEYS_TO_SCAN.map((key) => [key, "v"])));
    expect(await scanAll(secured.port, secured.password)).toEqual([...KEYS_TO_SCAN].sort());
  });
});

const KEYS_TO_SCAN = Array.from({ length: 23 }, (_, i) => `key:${i}`);

/** Every key a full SCAN iteration with COUNT 2 returns (sorted; duplicates kept, so a repeat shows). */
async function scanAll(port: number, password: string): Promise<string[]> {
  const connection = await RawConnection.open(port);
  try {
    expect(await connection.command(["AUTH", password])).toBe(OK);
    const keys: string[] = [];
    let cursor = "0";
    let steps = 0;
    do {
      const reply = await connection.command(["SCAN", cursor, "COUNT", "2"]);
      const bulkTexts = [...reply.matchAll(/\$\d+\r\n([^\r]*)\r\n/g)].map((m) => m[1] ?? "");
      cursor = bulkTexts[0] ?? "0";
      keys.push(...bulkTexts.slice(1));
      steps++;
    } while (cursor !== "0" && steps < 1000);
    return keys.sort();
  } finally {
    connection.destroy();
  }
}

// ---------------------------------------------------------------------------------------------
// The real server's half

/** `redis-server` on PATH, or undefined. */
function findRedisServer(): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(path.delimiter)) {
    const candidate = path.join(dir, "redis-server");
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      return candidate;
    } catch {
      // not in this directory
    }
  }
  return undefined;
}

const REDIS_SERVER = findRedisServer();
const REAL_TITLE = REDIS_SERVER
  ? `the same table against a real redis-server (${REDIS_SERVER})`
  : "the same table against a real redis-server — SKIPPED: redis-server is not on PATH (`make redis` or scripts/ensure-redis.sh installs it)";

/** A free loopback port (the kernel's pick; the server started on it next). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Starts redis-server on a free loopback port, without persistence; resolves once it accepts connections. */
async function startRedis(
  executable: string,
  password: string | undefined,
): Promise<{ port: number; process: ChildProcess }> {
  const port = await freePort();
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"];
  if (password !== undefined) args.push("--requirepass", password);
  const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes("Ready to accept connections")) resolve();
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("error", reject);
    child.once("exit", (code) =>
      reject(new Error(`redis-server exited (${code}) before it was ready:\n${output}`)),
    );
  });
  return { port, process: child };
}

async function stopRedis(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGTERM");
  await exited;
}

/** Runs FLUSHALL on the real server (the emulator's data is emptied through the admin API instead). */
async function flushRedis(port: number, password: string | undefined): Promise<void> {
  const connection = await RawConnection.open(port);
  try {
    if (password !== undefined) expect(await connection.command(["AUTH", password])).toBe(OK);
    expect(await connection.command(["FLUSHALL"])).toBe(OK);
  } finally {
    connection.destroy();
  }
}

/** The server's version, from HELLO. */
async function redisVersion(port: number, password: string | undefined): Promise<string> {
  const connection = await RawConnection.open(port);
  try {
    if (password !== undefined) expect(await connection.command(["AUTH", password])).toBe(OK);
    const hello = await connection.command(["HELLO", "2"]);
    return /\$7\r\nversion\r\n\$\d+\r\n([^\r]*)\r\n/.exec(hello)?.[1] ?? "";
  } finally {
    connection.destroy();
  }
}

describe.skipIf(REDIS_SERVER === undefined)(REAL_TITLE, () => {
  let secure: { port: number; process: ChildProcess } | undefined;
  let nopass: { port: number; process: ChildProcess } | undefined;
  let version = "";

  beforeAll(async () => {
    const executable = REDIS_SERVER as string;
    [secure, nopass] = await Promise.all([
      startRedis(executable, secured.password),
      startRedis(executable, undefined),
    ]);
    version = await redisVersion(secure.port, secured.password);
  });

  afterAll(async () => {
    await Promise.all([stopRedis(secure?.process), stopRedis(nopass?.process)]);
  });

  function redisTarget(server: { port: number } | undefined, password: string | undefined): Target {
    if (!server) throw new Error("redis-server did not start");
    return {
      port: server.port,
      password: password ?? "",
      version,
      flush: () => flushRedis(server.port, password),
    };
  }

  it.each(SCENARIOS)("$title", async (scenario) => {
    await check(redisTarget(secure, secured.password), scenario, "redis-server");
  });

  it.each(NOPASS_SCENARIOS)("$title", async (scenario) => {
    await check(redisTarget(nopass, undefined), scenario, "redis-server");
  });

  it("returns every key exactly once over a SCAN iteration in steps of COUNT 2, ending at cursor 0", async () => {
    const target = redisTarget(secure, secured.password);
    await target.flush();
    const connection = await RawConnection.open(target.port);
    try {
      expect(await connection.command(["AUTH", target.password])).toBe(OK);
      for (const key of KEYS_TO_SCAN) expect(await connection.command(["SET", key, "v"])).toBe(OK);
    } finally {
      connection.destroy();
    }
    expect(await scanAll(target.port, target.password)).toEqual([...KEYS_TO_SCAN].sort());
  });
});

// ---------------------------------------------------------------------------------------------
// The emulator around the protocol: statuses, backups, restores, the clock, deletion

describe("a datastore's data plane in the emulator", () => {
  beforeEach(async () => {
    await emulator.admin.setData(secured.id, {});
  });

  async function login(port: number, password: string): Promise<RawConnection> {
    const connection = await RawConnection.open(port);
    expect(await connection.command(["AUTH", password])).toBe(OK);
    return connection;
  }

  it("is reachable at the API's addr with the API's password; new datastores get addr once active", async () => {
    const client = api(emulator);
    const shown = await client.get(`/v1/datastores/${secured.id}`);
    expect(shown.body).toMatchObject({ addr: `127.0.0.1:${secured.port}`, password: secured.password });

    const created = await client.post("/v1/datastores", datastoreConfig({ name: "later" }));
    expect(created.body).toMatchObject({ status: "pending", addr: "" });
    await emulator.admin.advance(30);
    const active = await client.get(`/v1/datastores/${created.body.datastore_id}`);
    expect(active.body.status).toBe("active");
    const connection = await login(portOf(active.body.addr), active.body.password);
    try {
      expect(await connection.command(["GET", "greeting"])).toBe(bulk("hello from the dfcloud emulator"));
    } finally {
      connection.destroy();
    }
  });

  it("expires keys on the emulator's clock: frozen, they stay; advanced, they go", async () => {
    const connection = await login(secured.port, secured.password);
    try {
      expect(await connection.command(["SET", "session", "s", "EX", "10"])).toBe(OK);
      expect(await connection.command(["PEXPIRE", "other", "1"])).toBe(int(0));
      await emulator.admin.advance(9.5);
      expect(await connection.command(["PTTL", "session"])).toBe(int(500));
      expect(await connection.command(["TTL", "session"])).toBe(int(1));
      expect(await connection.command(["INFO", "keyspace"])).toBe(
        bulk("# Keyspace\r\ndb0:keys=1,expires=1,avg_ttl=500\r\n"),
      );
      await emulator.admin.advance(0.5);
      expect(await connection.command(["GET", "session"])).toBe(NIL);
      expect(await connection.command(["DBSIZE"])).toBe(int(0));
    } finally {
      connection.destroy();
    }
  });

  it("serves the admin API's keys and shows every type through getKeyspace; getData keeps only strings", async () => {
    const { now } = await emulator.admin.clock();
    const seeded: KeyspaceEntry[] = [
      { key: "greeting", type: "string", value: "héllo" },
      { key: "user:1", type: "hash", value: [["name", "Ada"]], expiresAt: now + 60_000 },
      { key: "queue", type: "list", value: ["a", "b"] },
      { key: "tags", type: "set", value: ["x"] },
      {
        key: "board",
        type: "zset",
        value: [
          ["ada", 10],
          ["bob", "inf"],
        ],
      },
    ];
    await emulator.admin.setKeyspace(secured.id, seeded);
    const connection = await login(secured.port, secured.password);
    try {
      expect(await connection.command(["GET", "greeting"])).toBe(
        bulk(Buffer.from("héllo").toString("latin1")),
      );
      expect(await connection.command(["HGETALL", "user:1"])).toBe(bulks("name", "Ada"));
      expect(await connection.command(["TTL", "user:1"])).toBe(int(60));
      expect(await connection.command(["LRANGE", "queue", "0", "-1"])).toBe(bulks("a", "b"));
      expect(await connection.command(["ZRANGE", "board", "0", "-1", "WITHSCORES"])).toBe(
        bulks("ada", "10", "bob", "inf"),
      );
      expect(await connection.command(["RPUSH", "queue", "c"])).toBe(int(3));
    } finally {
      connection.destroy();
    }
    expect(await emulator.admin.getData(secured.id)).toEqual({ greeting: "héllo" });
    // Every key as seeded, and the list with the element RPUSH added over RESP.
    expect(await emulator.admin.getKeyspace(secured.id)).toEqual(
      seeded.map((entry) => (entry.key === "queue" ? { ...entry, value: ["a", "b", "c"] } : entry)),
    );
    await expect(
      emulator.admin.setKeyspace(secured.id, [{ key: "l", type: "list", value: [] }]),
    ).rejects.toMatchObject({
      status: 400,
      message: expect.stringContaining("body[0].value: must be a non-empty array"),
    });
  });

  it("a backup captures every type and expiry; a restore drops connections, answers LOADING, then serves the backup", async () => {
    const client = api(emulator);
    const before = await login(secured.port, secured.password);
    try {
      for (const command of [
        ["SET", "s", "1", "EX", "3600"],
        ["HSET", "h", "f", "v"],
        ["RPUSH", "l", "a", "b"],
        ["SADD", "set", "m"],
        ["ZADD", "z", "1.5", "m"],
      ])
        expect((await before.command(command)).startsWith("-")).toBe(false);
      const backup = await client.post("/v1/backups", { datastore_id: secured.id, retention: 1 });
      await emulator.admin.advance(15);
      const ready = await client.get(`/v1/backups/${backup.body.backup_id}`);
      // size_bytes: 64-byte header + keys and contents (s1, hfv, lab, setm, zm + 8 per score).
      expect(ready.body).toMatchObject({ status: "ready", size_bytes: 64 + 2 + 3 + 3 + 4 + 10 });

      expect(await before.command(["FLUSHALL"])).toBe(
        err("ERR unknown command 'FLUSHALL', with args beginning with: "),
      );
      expect(await before.command(["DEL", "s", "h", "l", "set", "z"])).toBe(int(5));
      expect(await before.command(["SET", "after", "backup"])).toBe(OK);

      const put = await client.put(`/v1/datastores/${secured.id}`, {
        ...datastoreConfig(),
        restore: { backup_id: backup.body.backup_id, loaded: false },
      });
      expect(put.body.status).toBe("restoring");
      await before.waitClosed("the restore started");
    } finally {
      before.destroy();
    }

    const during = await login(secured.port, secured.password);
    try {
      const loading = err("LOADING Dragonfly is loading the dataset in memory");
      expect(await during.command(["GET", "after"])).toBe(loading);
      expect(await during.command(["PING"])).toBe(loading);
      expect(await during.command(["SELECT", "0"])).toBe(OK);
      expect(await during.command(["INFO", "persistence"])).toBe(
        bulk("# Persistence\r\nloading:1\r\nasync_loading:0\r\n"),
      );
      await emulator.admin.advance(20);
      expect((await client.get(`/v1/datastores/${secured.id}`)).body.status).toBe("active");
      expect(await during.command(["GET", "after"])).toBe(NIL);
      expect(await during.command(["TTL", "s"])).toBe(int(3600 - 35));
      expect(await during.command(["HGETALL", "h"])).toBe(bulks("f", "v"));
      expect(await during.command(["LRANGE", "l", "0", "-1"])).toBe(bulks("a", "b"));
      expect(await during.command(["SMEMBERS", "set"])).toBe(bulks("m"));
      expect(await during.command(["ZRANGE", "z", "0", "-1", "WITHSCORES"])).toBe(bulks("m", "1.5"));
    } finally {
      during.destroy();
    }
  });

  it("stops listening when the datastore is deleted: connections close and new ones are refused", async () => {
    const [apiKey = ""] = emulator.apiKeys;
    const doomed = await emulator.admin.seedDatastore(apiKey, datastoreConfig({ name: "doomed" }));
    const connection = await login(portOf(doomed.addr), doomed.password);
    const deleting = await api(emulator).delete(`/v1/datastores/${doomed.datastore_id}`);
    expect(deleting.body).toMatchObject({ status: "deleting", addr: doomed.addr });
    await connection.waitClosed("the DELETE");
    await expect(RawConnection.open(portOf(doomed.addr))).rejects.toMatchObject({ code: "ECONNREFUSED" });
  });

  it("keeps the data of every type, and the address, across a restart with a state file", async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), "dfcloud-data-plane-"));
    const statePath = path.join(dir, "state.json");
    try {
      const first = await startFrozen({ statePath });
      const id = await seedActive(first);
      const { addr, password } = (await api(first).get(`/v1/datastores/${id}`)).body;
      const connection = await login(portOf(addr), password);
      expect(await connection.command(["ZADD", "z", "2", "b", "1", "a"])).toBe(int(2));
      expect(await connection.command(["SET", "bytes", "\x00\xff"])).toBe(OK);
      connection.destroy();
      await first.close();

      const second = await startFrozen({ statePath });
      try {
        const after = (await api(second).get(`/v1/datastores/${id}`)).body;
        expect(after.addr).toBe(addr);
        const again = await login(portOf(after.addr), password);
        expect(await again.command(["ZRANGE", "z", "0", "-1"])).toBe(bulks("a", "b"));
        expect(await again.command(["GET", "bytes"])).toBe(bulk("\x00\xff"));
        again.destroy();
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("reads a version-1 state file (string data only) into the typed keyspace", async () => {
    const dir = fs.mkdtempSync(path.join(tmpdir(), "dfcloud-data-plane-"));
    const statePath = path.join(dir, "state.json");
    try {
      const first = await startFrozen({ statePath });
      const id = await seedActive(first);
      await first.admin.setData(id, { kept: "ünïcode" });
      await first.close();
      const file = JSON.parse(fs.readFileSync(statePath, "utf8"));
      file.version = 1;
      file.datastores[0].data = { kept: "ünïcode" };
      file.datastores[0].addr = `${id.slice(4)}.dragonflydb.cloud:6385`;
      fs.writeFileSync(statePath, JSON.stringify(file));

      const second = await startFrozen({ statePath });
      try {
        expect(await second.admin.getKeyspace(id)).toEqual([
          { key: "kept", type: "string", value: "ünïcode" },
        ]);
        const { addr, password } = (await api(second).get(`/v1/datastores/${id}`)).body;
        const connection = await login(portOf(addr), password);
        expect(await connection.command(["TYPE", "kept"])).toBe(simple("string"));
        connection.destroy();
      } finally {
        await second.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
