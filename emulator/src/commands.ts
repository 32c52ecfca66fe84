/**
 * The commands the data plane serves, answering as Redis 7.2 does (replies, error texts, the order
 * of checks: unknown command, arity, authentication, loading; server.c processCommand). Anything
 * else is an unknown command. The emulator has one database (`SELECT 0` only) and one user,
 * `default`, whose password is the datastore's (none with `disable_passkey`).
 */
import {
  type Command,
  cString,
  type DataContext,
  EMPTY_ARRAY,
  indexRange,
  LLONG_MAX,
  LLONG_MIN,
  lookup,
  lower,
  NOT_INTEGER,
  putNew,
  type Session,
  SYNTAX,
  WRONGPASS,
  WRONGTYPE,
} from "./commandKit.ts";
import { globMatch } from "./glob.ts";
import type { Slot } from "./keyspace.ts";
import { array, bulk, error, integer, NULL, OK, parseLongLong, type Reply } from "./resp.ts";
import { zadd, zrange } from "./sortedSets.ts";

export type { DataContext, Session } from "./commandKit.ts";

/** The Redis version the data plane answers as (`HELLO`, `INFO server`): its replies are Redis 7.2's. */
const REDIS_VERSION = "7.2.0";
/**
 * The reply to commands other than AUTH, HELLO, QUIT, SELECT, INFO and CLIENT while a datastore is
 * `restoring`, as a server loading a snapshot answers them (Dragonfly's text of Redis's `-LOADING`).
 */
const LOADING_ERROR = "LOADING Dragonfly is loading the dataset in memory";

/**
 * Runs `argv` (byte strings) for `session` and returns the reply. Checks come in Redis's order: an
 * unknown command or subcommand, the arity, authentication, then a loading datastore.
 */
export function execute(argv: readonly string[], session: Session, context: DataContext): Reply {
  const name = lower(argv[0] ?? "");
  let command = COMMANDS.get(name);
  if (command === undefined) {
    const container = CONTAINERS.get(name);
    if (container === undefined) return unknownCommand(argv);
    command = argv.length === 1 ? container.self : container.subcommands.get(lower(argv[1] ?? ""));
    if (command === undefined)
      return error(
        `ERR unknown subcommand '${cString(argv[1] ?? "").slice(0, 128)}'. Try ${name.toUpperCase()} HELP.`,
      );
  }
  if ((command.arity > 0 && argv.length !== command.arity) || argv.length < -command.arity)
    return error(`ERR wrong number of arguments for '${command.fullName}' command`);
  if (context.password !== "" && !session.authenticated && !command.noAuth)
    return error("NOAUTH Authentication required.");
  if (context.loading && !command.whileLoading) return error(LOADING_ERROR);
  return command.run(argv, session, context);
}

function unknownCommand(argv: readonly string[]): Reply {
  let args = "";
  for (let i = 1; i < argv.length && args.length < 128; i++)
    args += `'${cString(argv[i] ?? "").slice(0, 128 - args.length)}' `;
  return error(
    `ERR unknown command '${cString(argv[0] ?? "").slice(0, 128)}', with args beginning with: ${args}`,
  );
}

// ---------------------------------------------------------------------------------------------
// Connection commands

function auth(argv: readonly string[], session: Session, context: DataContext): Reply {
  if (argv.length > 3) return SYNTAX;
  if (argv.length === 2 && context.password === "") {
    return error(
      "ERR AUTH <password> called without any password configured for the default user. " +
        "Are you sure your configuration is correct?",
    );
  }
  const [user, password] = argv.length === 2 ? ["default", argv[1] ?? ""] : [argv[1] ?? "", argv[2] ?? ""];
  if (!authenticates(user, password, context)) return WRONGPASS;
  session.authenticated = true;
  return OK;
}

/** The `default` user with the datastore's password, or any password when it has none (`nopass`). */
function authenticates(user: string, password: string, context: DataContext): boolean {
  return user === "default" && (context.password === "" || password === context.password);
}

function hello(argv: readonly string[], session: Session, context: DataContext): Reply {
  let version: 2 | 3 | undefined;
  let next = 1;
  if (argv.length >= 2) {
    const parsed = parseLongLong(argv[next++] ?? "");
    if (parsed === undefined) return error("ERR Protocol version is not an integer or out of range");
    if (parsed < 2n || parsed > 3n) return error("NOPROTO unsupported protocol version");
    version = parsed === 2n ? 2 : 3;
  }
  let credentials: [string, string] | undefined;
  let name: string | undefined;
  for (let j = next; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const option = lower(argv[j] ?? "");
    if (option === "auth" && more >= 2) {
      credentials = [argv[j + 1] ?? "", argv[j + 2] ?? ""];
      j += 2;
    } else if (option === "setname" && more >= 1) {
      name = argv[j + 1] ?? "";
      if (!validClientAttribute(name)) return error(CLIENT_NAME_ERROR);
      j++;
    } else {
      return error(`ERR Syntax error in HELLO option '${cString(argv[j] ?? "")}'`);
    }
  }
  if (credentials) {
    if (!authenticates(credentials[0], credentials[1], context)) return WRONGPASS;
    session.authenticated = true;
  }
  if (context.password !== "" && !session.authenticated) {
    return error(
      "NOAUTH HELLO must be called with the client already authenticated, otherwise the " +
        "HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and " +
        "select the RESP protocol version at the same time",
    );
  }
  if (name !== undefined) session.name = name;
  if (version !== undefined) session.protocol = version;
  return {
    kind: "map",
    entries: [
      [bulk("server"), bulk("redis")],
      [bulk("version"), bulk(REDIS_VERSION)],
      [bulk("proto"), integer(session.protocol)],
      [bulk("id"), integer(session.id)],
      [bulk("mode"), bulk("standalone")],
      [bulk("role"), bulk("master")],
      [bulk("modules"), EMPTY_ARRAY],
    ],
  };
}

const CLIENT_NAME_ERROR = "ERR Client names cannot contain spaces, newlines or special characters.";

/** Client names and library names are printable ASCII without spaces (networking.c validateClientAttr). */
function validClientAttribute(value: string): boolean {
  return /^[!-~]*$/.test(value);
}

function clientSetName(argv: readonly string[], session: Session): Reply {
  const name = argv[2] ?? "";
  if (!validClientAttribute(name)) return error(CLIENT_NAME_ERROR);
  session.name = name;
  return OK;
}

function clientSetInfo(argv: readonly string[]): Reply {
  const attribute = argv[2] ?? "";
  if (!["lib-name", "lib-ver"].includes(lower(attribute)))
    return error(`ERR Unrecognized option '${cString(attribute)}'`);
  if (!validClientAttribute(cString(argv[3] ?? "")))
    return error(`ERR ${cString(attribute)} cannot contain spaces, newlines or special characters.`);
  return OK;
}

function select(argv: readonly string[]): Reply {
  const index = parseLongLong(argv[1] ?? "");
  if (index === undefined || index < -(2n ** 31n) || index >= 2n ** 31n) return NOT_INTEGER;
  // One database: Redis's answer for an index beyond its `databases`.
  return index === 0n ? OK : error("ERR DB index is out of range");
}

function ping(argv: readonly string[]): Reply {
  if (argv.length > 2) return error("ERR wrong number of arguments for 'ping' command");
  return argv.length === 2 ? bulk(argv[1] ?? "") : { kind: "simple", text: "PONG" };
}

function quit(_argv: readonly string[], session: Session): Reply {
  session.closing = true;
  return OK;
}

/** The INFO sections the data plane has, in Redis's order. */
const INFO_SECTIONS = ["server", "clients", "persistence", "keyspace"] as const;

function info(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const asked = argv.slice(1).map(lower);
  const everything =
    asked.length === 0 || asked.some((name) => ["default", "all", "everything"].includes(name));
  const sections = INFO_SECTIONS.filter((name) => everything || asked.includes(name));
  const text = sections.map((name) => infoSection(name, context)).join("\r\n");
  return { kind: "verbatim", text };
}

function infoSection(name: (typeof INFO_SECTIONS)[number], context: DataContext): string {
  const lines = (title: string, fields: Array<[string, string | number]>) =>
    `# ${title}\r\n${fields.map(([field, value]) => `${field}:${value}\r\n`).join("")}`;
  switch (name) {
    case "server":
      return lines("Server", [
        ["redis_version", REDIS_VERSION],
        ["redis_mode", "standalone"],
        ["tcp_port", context.port],
      ]);
    case "clients":
      return lines("Clients", [["connected_clients", context.clients]]);
    case "persistence":
      return lines("Persistence", [
        ["loading", context.loading ? 1 : 0],
        ["async_loading", 0],
      ]);
    case "keyspace":
      return lines("Keyspace", context.loading ? [] : keyspaceLine(context));
  }
}

/** `db0:keys=…,expires=…,avg_ttl=…` (Redis's avg_ttl is a sampled estimate; here the exact mean in ms). */
function keyspaceLine(context: DataContext): Array<[string, string]> {
  let keys = 0;
  let expires = 0;
  let ttlSum = 0;
  for (const [, slot] of context.keyspace.live(context.now)) {
    keys++;
    if (slot.expiresAt !== null) {
      expires++;
      ttlSum += slot.expiresAt - context.now;
    }
  }
  if (keys === 0) return [];
  const averageTtl = expires === 0 ? 0 : Math.floor(ttlSum / expires);
  return [["db0", `keys=${keys},expires=${expires},avg_ttl=${averageTtl}`]];
}

// ---------------------------------------------------------------------------------------------
// Keyspace commands

function dbsize(_argv: readonly string[], _session: Session, context: DataContext): Reply {
  return integer(context.keyspace.size(context.now));
}

function type(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const slot = context.keyspace.lookup(argv[1] ?? "", context.now);
  return { kind: "simple", text: slot?.value.type ?? "none" };
}

function exists(argv: readonly string[], _session: Session, context: DataContext): Reply {
  return integer(argv.slice(1).filter((key) => context.keyspace.lookup(key, context.now)).length);
}

function del(argv: readonly string[], _session: Session, context: DataContext): Reply {
  let deleted = 0;
  for (const key of argv.slice(1)) if (context.keyspace.remove(key, context.now)) deleted++;
  if (deleted > 0) context.changed();
  return integer(deleted);
}

/** SCAN's cursor as strtoul reads it (db.c parseScanCursorOrReply): unsigned 64-bit, `-n` wraps around. */
function parseCursor(text: string): bigint | undefined {
  const match = /^([+-]?)(\d*)$/.exec(text);
  if (!match || (match[2] === "" && text !== "")) return undefined;
  const value = BigInt(match[2] || "0");
  if (value > 2n ** 64n - 1n) return undefined;
  return match[1] === "-" ? (2n ** 64n - value) % 2n ** 64n : value;
}

function scan(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const cursor = parseCursor(argv[1] ?? "");
  if (cursor === undefined) return error("ERR invalid cursor");
  let count = 10;
  let pattern: string | undefined;
  let typeName: string | undefined;
  for (let i = 2; i < argv.length; i += 2) {
    const option = lower(argv[i] ?? "");
    const value = argv[i + 1];
    if (value === undefined) return SYNTAX;
    if (option === "count") {
      const parsed = parseLongLong(value);
      if (parsed === undefined) return NOT_INTEGER;
      if (parsed < 1n) return SYNTAX;
      count = parsed > 2n ** 31n ? 2 ** 31 : Number(parsed);
    } else if (option === "match") {
      pattern = value === "*" ? undefined : value;
    } else if (option === "type") {
      // An unknown type name matches nothing (Redis 7.2; 8.0 answers an error).
      typeName = lower(value);
    } else {
      return SYNTAX;
    }
  }
  const step = context.keyspace.scan(cursor, count, context.now);
  const keys = step.keys
    .filter(
      ([key, slot]) =>
        (pattern === undefined || globMatch(pattern, key)) &&
        (typeName === undefined || slot.value.type === typeName),
    )
    .map(([key]) => bulk(key));
  return array([bulk(step.cursor.toString()), array(keys)]);
}

function get(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const value = lookup(context, argv[1] ?? "", "string");
  if (value === "wrongtype") return WRONGTYPE;
  return value === undefined ? NULL : bulk(value.value);
}

function mget(argv: readonly string[], _session: Session, context: DataContext): Reply {
  return array(
    argv.slice(1).map((key) => {
      const value = lookup(context, key, "string");
      return value === undefined || value === "wrongtype" ? NULL : bulk(value.value);
    }),
  );
}

/** SET key value [NX|XX] [GET] [EX s|PX ms|EXAT s|PXAT ms|KEEPTTL], as t_string.c parses it. */
function set(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const flags = new Set<string>();
  let expire: { text: string; unit: "ex" | "px" | "exat" | "pxat" } | undefined;
  const timed = () => ["ex", "px", "exat", "pxat"].some((flag) => flags.has(flag));
  for (let j = 3; j < argv.length; j++) {
    const option = argv[j] ?? "";
    const name = lower(option);
    const next = argv[j + 1];
    if (name === "nx" && !flags.has("xx")) flags.add("nx");
    else if (name === "xx" && !flags.has("nx")) flags.add("xx");
    else if (name === "get") flags.add("get");
    else if (name === "keepttl" && !timed()) flags.add("keepttl");
    else if (
      (name === "ex" || name === "px" || name === "exat" || name === "pxat") &&
      next !== undefined &&
      !flags.has("keepttl") &&
      [...flags].every((flag) => !["ex", "px", "exat", "pxat"].includes(flag) || flag === name)
    ) {
      flags.add(name);
      expire = { text: next, unit: name };
      j++;
    } else {
      return SYNTAX;
    }
  }
  let expiresAt: number | undefined;
  if (expire) {
    const parsed = parseLongLong(expire.text);
    if (parsed === undefined) return NOT_INTEGER;
    const seconds = expire.unit === "ex" || expire.unit === "exat";
    if (parsed <= 0n || (seconds && parsed > LLONG_MAX / 1000n)) return invalidExpire("set");
    let ms = seconds ? parsed * 1000n : parsed;
    if (expire.unit === "ex" || expire.unit === "px") ms += BigInt(context.now);
    if (ms > LLONG_MAX) return invalidExpire("set");
    expiresAt = Number(ms);
  }
  const key = argv[1] ?? "";
  const slot = context.keyspace.lookup(key, context.now);
  let reply: Reply = OK;
  if (flags.has("get")) {
    if (slot && slot.value.type !== "string") return WRONGTYPE;
    reply = slot?.value.type === "string" ? bulk(slot.value.value) : NULL;
  }
  if ((flags.has("nx") && slot) || (flags.has("xx") && !slot)) return flags.has("get") ? reply : NULL;
  const keepTtl = flags.has("keepttl") ? (slot?.expiresAt ?? null) : null;
  context.keyspace.put(key, { type: "string", value: argv[2] ?? "" }, expiresAt ?? keepTtl);
  context.changed();
  return reply;
}

function invalidExpire(command: string): Reply {
  return error(`ERR invalid expire time in '${command}' command`);
}

function hset(argv: readonly string[], _session: Session, context: DataContext): Reply {
  if (argv.length % 2 === 1) return error("ERR wrong number of arguments for 'hset' command");
  const key = argv[1] ?? "";
  const existing = lookup(context, key, "hash");
  if (existing === "wrongtype") return WRONGTYPE;
  const hash = existing ?? putNew(context, key, { type: "hash", value: new Map() });
  let created = 0;
  for (let i = 2; i < argv.length; i += 2) {
    const field = argv[i] ?? "";
    if (!hash.value.has(field)) created++;
    hash.value.set(field, argv[i + 1] ?? "");
  }
  context.changed();
  return integer(created);
}

function hgetall(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const hash = lookup(context, argv[1] ?? "", "hash");
  if (hash === "wrongtype") return WRONGTYPE;
  return {
    kind: "map",
    entries: [...(hash?.value ?? [])].map(([field, value]) => [bulk(field), bulk(value)]),
  };
}

function push(end: "head" | "tail") {
  return (argv: readonly string[], _session: Session, context: DataContext): Reply => {
    const key = argv[1] ?? "";
    const existing = lookup(context, key, "list");
    if (existing === "wrongtype") return WRONGTYPE;
    const list = existing ?? putNew(context, key, { type: "list", value: [] });
    for (const element of argv.slice(2)) {
      if (end === "head") list.value.unshift(element);
      else list.value.push(element);
    }
    context.changed();
    return integer(list.value.length);
  };
}

function lrange(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const start = parseLongLong(argv[2] ?? "");
  const end = parseLongLong(argv[3] ?? "");
  if (start === undefined || end === undefined) return NOT_INTEGER;
  const list = lookup(context, argv[1] ?? "", "list");
  if (list === "wrongtype") return WRONGTYPE;
  const range = list && indexRange(start, end, list.value.length);
  if (!list || !range) return EMPTY_ARRAY;
  return array(list.value.slice(range[0], range[1] + 1).map(bulk));
}

function sadd(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const key = argv[1] ?? "";
  const existing = lookup(context, key, "set");
  if (existing === "wrongtype") return WRONGTYPE;
  const set = existing ?? putNew(context, key, { type: "set", value: new Set() });
  let added = 0;
  for (const member of argv.slice(2)) {
    if (!set.value.has(member)) added++;
    set.value.add(member);
  }
  context.changed();
  return integer(added);
}

function smembers(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const set = lookup(context, argv[1] ?? "", "set");
  if (set === "wrongtype") return WRONGTYPE;
  return { kind: "set", items: [...(set?.value ?? [])].map(bulk) };
}

// ---------------------------------------------------------------------------------------------
// Expiry

/** EXPIRE / PEXPIRE key time [NX|XX|GT|LT] (expire.c expireGenericCommand). */
function expire(unit: "s" | "ms") {
  const command = unit === "s" ? "expire" : "pexpire";
  return (argv: readonly string[], _session: Session, context: DataContext): Reply => {
    const flags = new Set<string>();
    for (const option of argv.slice(3)) {
      const name = lower(option);
      if (!["nx", "xx", "gt", "lt"].includes(name)) return error(`ERR Unsupported option ${cString(option)}`);
      flags.add(name);
    }
    if (flags.has("nx") && (flags.has("xx") || flags.has("gt") || flags.has("lt")))
      return error("ERR NX and XX, GT or LT options at the same time are not compatible");
    if (flags.has("gt") && flags.has("lt"))
      return error("ERR GT and LT options at the same time are not compatible");
    const parsed = parseLongLong(argv[2] ?? "");
    if (parsed === undefined) return NOT_INTEGER;
    let when = parsed;
    if (unit === "s") {
      if (when > LLONG_MAX / 1000n || when < LLONG_MIN / 1000n) return invalidExpire(command);
      when *= 1000n;
    }
    const now = BigInt(context.now);
    if (when > LLONG_MAX - now) return invalidExpire(command);
    when += now;
    const key = argv[1] ?? "";
    const slot = context.keyspace.lookup(key, context.now);
    if (!slot) return integer(0);
    const current = slot.expiresAt === null ? undefined : BigInt(slot.expiresAt);
    if (flags.has("nx") && current !== undefined) return integer(0);
    if (flags.has("xx") && current === undefined) return integer(0);
    if (flags.has("gt") && (current === undefined || when <= current)) return integer(0);
    if (flags.has("lt") && current !== undefined && when >= current) return integer(0);
    if (when <= now) context.keyspace.remove(key, context.now);
    else slot.expiresAt = Number(when);
    context.changed();
    return integer(1);
  };
}

function ttl(unit: "s" | "ms") {
  return (argv: readonly string[], _session: Session, context: DataContext): Reply => {
    const slot: Slot | undefined = context.keyspace.lookup(argv[1] ?? "", context.now);
    if (!slot) return integer(-2);
    if (slot.expiresAt === null) return integer(-1);
    const left = Math.max(0, slot.expiresAt - context.now);
    return integer(unit === "ms" ? left : Math.floor((left + 500) / 1000));
  };
}

// ---------------------------------------------------------------------------------------------
// The table

const COMMANDS = new Map<string, Command>(
  (
    [
      { fullName: "auth", arity: -2, noAuth: true, whileLoading: true, run: auth },
      { fullName: "hello", arity: -1, noAuth: true, whileLoading: true, run: hello },
      { fullName: "quit", arity: -1, noAuth: true, whileLoading: true, run: quit },
      { fullName: "ping", arity: -1, run: ping },
      { fullName: "select", arity: 2, whileLoading: true, run: select },
      { fullName: "info", arity: -1, whileLoading: true, run: info },
      { fullName: "dbsize", arity: 1, run: dbsize },
      { fullName: "scan", arity: -2, run: scan },
      { fullName: "type", arity: 2, run: type },
      { fullName: "exists", arity: -2, run: exists },
      { fullName: "get", arity: 2, run: get },
      { fullName: "set", arity: -3, run: set },
      { fullName: "mget", arity: -2, run: mget },
      { fullName: "del", arity: -2, run: del },
      { fullName: "hset", arity: -4, run: hset },
      { fullName: "hgetall", arity: 2, run: hgetall },
      { fullName: "lpush", arity: -3, run: push("head") },
      { fullName: "rpush", arity: -3, run: push("tail") },
      { fullName: "lrange", arity: 4, run: lrange },
      { fullName: "sadd", arity: -3, run: sadd },
      { fullName: "smembers", arity: 2, run: smembers },
      { fullName: "zadd", arity: -4, run: zadd },
      { fullName: "zrange", arity: -4, run: zrange },
      { fullName: "expire", arity: -3, run: expire("s") },
      { fullName: "pexpire", arity: -3, run: expire("ms") },
      { fullName: "ttl", arity: 2, run: ttl("s") },
      { fullName: "pttl", arity: 2, run: ttl("ms") },
    ] satisfies Command[]
  ).map((command) => [command.fullName, command]),
);

/** Commands with subcommands: the command alone (to report its arity) and its subcommands. */
const CONTAINERS = new Map<string, { self: Command; subcommands: Map<string, Command> }>([
  [
    "client",
    {
      self: { fullName: "client", arity: -2, run: () => OK },
      subcommands: new Map<string, Command>([
        ["setname", { fullName: "client|setname", arity: 3, whileLoading: true, run: clientSetName }],
        ["setinfo", { fullName: "client|setinfo", arity: 4, whileLoading: true, run: clientSetInfo }],
      ]),
    },
  ],
]);
