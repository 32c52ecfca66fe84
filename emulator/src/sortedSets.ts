/**
 * Sorted sets on the data plane: `ZADD` and `ZRANGE` as Redis 7.2 parses and answers them
 * (t_zset.c), with its score parsing (strtod) and its walk of score and lex ranges.
 */
import {
  type DataContext,
  EMPTY_ARRAY,
  indexRange,
  lookup,
  lower,
  NOT_FLOAT,
  NOT_INTEGER,
  putNew,
  type Session,
  SYNTAX,
  WRONGTYPE,
} from "./commandKit.ts";
import { array, bulk, error, integer, NULL, parseLongLong, type Reply } from "./resp.ts";

/**
 * A double as Redis reads a score (util.c string2d: strtod over the whole text, no leading space,
 * no overflow to infinity or underflow to zero, not NaN); undefined otherwise.
 */
function parseScore(text: string): number | undefined {
  if (text === "" || /^\s/.test(text)) return undefined;
  const read = strtod(text);
  if (read === undefined || read.outOfRange) return undefined;
  return read.value;
}

/**
 * strtod over all of `text` (C locale): decimal with optional exponent, hexadecimal with optional
 * binary exponent, `inf`/`infinity`; undefined unless the whole text is one number (NaN counts
 * as none). `outOfRange`: the value overflowed to infinity or underflowed to zero (ERANGE).
 */
function strtod(text: string): { value: number; outOfRange: boolean } | undefined {
  if (/^[+-]?(inf|infinity)$/i.test(text))
    return {
      value: text.startsWith("-") ? Number.NEGATIVE_INFINITY : Number.POSITIVE_INFINITY,
      outOfRange: false,
    };
  const decimal = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.exec(text);
  if (decimal) {
    const value = Number(text);
    const mantissaNonZero = /[1-9]/.test(decimal[1] ?? "");
    return { value, outOfRange: !Number.isFinite(value) || (value === 0 && mantissaNonZero) };
  }
  const hex = /^([+-]?)0[xX]([0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP]([+-]?\d+))?$/.exec(text);
  if (hex) {
    const [whole = "", fraction = ""] = (hex[2] ?? "").split(".");
    let value = whole === "" ? 0 : Number.parseInt(whole, 16);
    for (const [index, digit] of [...fraction].entries())
      value += Number.parseInt(digit, 16) / 16 ** (index + 1);
    value *= 2 ** Number(hex[3] ?? "0");
    if (hex[1] === "-") value = -value;
    const nonZero = /[1-9a-fA-F]/.test(hex[2] ?? "");
    return { value, outOfRange: !Number.isFinite(value) || (value === 0 && nonZero) };
  }
  return undefined;
}

/** A score range bound as zslParseRange reads it: strtod with leading blanks allowed; "" is 0. */
function parseRangeBound(text: string): { value: number; exclusive: boolean } | undefined {
  const exclusive = text.startsWith("(");
  const body = exclusive ? text.slice(1) : text;
  if (body === "") return { value: 0, exclusive };
  const trimmed = body.replace(/^[ \t\n\v\f\r]+/, "");
  const read = trimmed === "" ? undefined : strtod(trimmed);
  return read === undefined ? undefined : { value: read.value, exclusive };
}

/** A lexicographic range bound (`[x`, `(x`, `-`, `+`) as zslParseLexRangeItem reads it. */
type LexBound = { kind: "min" } | { kind: "max" } | { kind: "value"; value: string; exclusive: boolean };

function parseLexBound(text: string): LexBound | undefined {
  if (text === "+") return { kind: "max" };
  if (text === "-") return { kind: "min" };
  if (text.startsWith("(")) return { kind: "value", value: text.slice(1), exclusive: true };
  if (text.startsWith("[")) return { kind: "value", value: text.slice(1), exclusive: false };
  return undefined;
}

/** A sorted set's members in order: by score, then by member bytes. */
function ordered(zset: ReadonlyMap<string, number>): Array<[string, number]> {
  return [...zset].sort(([a, x], [b, y]) => (x !== y ? (x < y ? -1 : 1) : a < b ? -1 : a > b ? 1 : 0));
}

/** ZADD key [NX|XX] [GT|LT] [CH] [INCR] score member [score member …] (t_zset.c zaddGenericCommand). */
export function zadd(argv: readonly string[], _session: Session, context: DataContext): Reply {
  const flags = new Set<string>();
  let index = 2;
  while (index < argv.length) {
    const option = lower(argv[index] ?? "");
    if (!["nx", "xx", "ch", "incr", "gt", "lt"].includes(option)) break;
    flags.add(option);
    index++;
  }
  const elements = argv.length - index;
  if (elements % 2 !== 0 || elements === 0) return SYNTAX;
  const [nx, xx, gt, lt, incr] = ["nx", "xx", "gt", "lt", "incr"].map((flag) => flags.has(flag));
  if (nx && xx) return error("ERR XX and NX options at the same time are not compatible");
  if ((gt && nx) || (lt && nx) || (gt && lt))
    return error("ERR GT, LT, and/or NX options at the same time are not compatible");
  if (incr && elements > 2) return error("ERR INCR option supports a single increment-element pair");
  const pairs: Array<[number, string]> = [];
  for (let j = index; j < argv.length; j += 2) {
    const score = parseScore(argv[j] ?? "");
    if (score === undefined) return NOT_FLOAT;
    pairs.push([score, argv[j + 1] ?? ""]);
  }
  const key = argv[1] ?? "";
  const existing = lookup(context, key, "zset");
  if (existing === "wrongtype") return WRONGTYPE;
  if (existing === undefined && xx) return incr ? NULL : integer(0);
  const zset = existing ?? putNew(context, key, { type: "zset", value: new Map() });
  let added = 0;
  let updated = 0;
  let processed = 0;
  let last = 0;
  for (const [given, member] of pairs) {
    const current = zset.value.get(member);
    let score = given;
    if (current !== undefined) {
      if (nx) continue;
      if (incr) {
        score += current;
        if (Number.isNaN(score)) {
          if (added + updated > 0) context.changed();
          return error("ERR resulting score is not a number (NaN)");
        }
      }
      if ((lt && score >= current) || (gt && score <= current)) continue;
      if (score !== current) {
        zset.value.set(member, score);
        updated++;
      }
    } else {
      if (xx) continue;
      zset.value.set(member, score);
      added++;
    }
    processed++;
    last = score;
  }
  context.changed();
  if (incr) return processed > 0 ? { kind: "double", value: last } : NULL;
  return integer(flags.has("ch") ? added + updated : added);
}

/** ZRANGE key start stop [BYSCORE|BYLEX] [REV] [LIMIT offset count] [WITHSCORES] (t_zset.c zrangeGenericCommand). */
export function zrange(argv: readonly string[], session: Session, context: DataContext): Reply {
  let withScores = false;
  let reverse = false;
  let by: "rank" | "score" | "lex" | undefined;
  let offset = 0n;
  let limit = -1n;
  for (let j = 4; j < argv.length; j++) {
    const option = lower(argv[j] ?? "");
    const left = argv.length - j - 1;
    if (option === "withscores") withScores = true;
    else if (option === "limit" && left >= 2) {
      const parsedOffset = parseLongLong(argv[j + 1] ?? "");
      if (parsedOffset === undefined) return NOT_INTEGER;
      const parsedLimit = parseLongLong(argv[j + 2] ?? "");
      if (parsedLimit === undefined) return NOT_INTEGER;
      [offset, limit] = [parsedOffset, parsedLimit];
      j += 2;
    } else if (option === "rev" && !reverse) reverse = true;
    else if (option === "bylex" && by === undefined) by = "lex";
    else if (option === "byscore" && by === undefined) by = "score";
    else return SYNTAX;
  }
  by ??= "rank";
  if (limit !== -1n && by === "rank")
    return error("ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX");
  if (withScores && by === "lex")
    return error("ERR syntax error, WITHSCORES not supported in combination with BYLEX");
  let [minText, maxText] = [argv[2] ?? "", argv[3] ?? ""];
  if (reverse && by !== "rank") [minText, maxText] = [maxText, minText];

  let select: (members: Array<[string, number]>) => Array<[string, number]>;
  if (by === "rank") {
    const start = parseLongLong(minText);
    const end = parseLongLong(maxText);
    if (start === undefined || end === undefined) return NOT_INTEGER;
    select = (members) => {
      const range = indexRange(start, end, members.length);
      if (!range) return [];
      const list = reverse ? [...members].reverse() : members;
      return list.slice(range[0], range[1] + 1);
    };
  } else {
    let bounds: RangeBounds;
    if (by === "score") {
      const min = parseRangeBound(minText);
      const max = parseRangeBound(maxText);
      if (!min || !max) return error("ERR min or max is not a float");
      bounds = {
        empty: min.value > max.value || (min.value === max.value && (min.exclusive || max.exclusive)),
        atLeastMin: (_member, score) => (min.exclusive ? score > min.value : score >= min.value),
        atMostMax: (_member, score) => (max.exclusive ? score < max.value : score <= max.value),
      };
    } else {
      const min = parseLexBound(minText);
      const max = parseLexBound(maxText);
      if (!min || !max) return error("ERR min or max not valid string range item");
      const order = compareLex(min, max);
      bounds = {
        empty: order > 0 || (order === 0 && (exclusiveBound(min) || exclusiveBound(max))),
        atLeastMin: (member) => lexAtLeast(member, min),
        atMostMax: (member) => lexAtMost(member, max),
      };
    }
    select = (members) => walkRange(members, bounds, reverse, offset, limit);
  }
  const zset = lookup(context, argv[1] ?? "", "zset");
  if (zset === undefined) return EMPTY_ARRAY;
  if (zset === "wrongtype") return WRONGTYPE;
  const chosen = select(ordered(zset.value));
  if (!withScores) return array(chosen.map(([member]) => bulk(member)));
  const score = (value: number): Reply => ({ kind: "double", value });
  return session.protocol === 3
    ? array(chosen.map(([member, value]) => array([bulk(member), score(value)])))
    : array(chosen.flatMap(([member, value]) => [bulk(member), score(value)]));
}

/** A BYSCORE or BYLEX range: whether it is empty by its bounds alone, and the test of each bound. */
interface RangeBounds {
  empty: boolean;
  atLeastMin: (member: string, score: number) => boolean;
  atMostMax: (member: string, score: number) => boolean;
}

/**
 * The members of a BYSCORE or BYLEX range as Redis walks them (t_zset.c genericZrangebyscoreCommand,
 * genericZrangebylexCommand): from the first member past the near bound (the last one before the
 * max when reversed) that is also within the far bound, skipping `offset` members, then while the
 * far bound holds, at most `limit` (negative: no limit). A negative offset, or one past the end,
 * gives nothing. For BYLEX this is what Redis answers even when the scores differ.
 */
function walkRange(
  members: Array<[string, number]>,
  bounds: RangeBounds,
  reverse: boolean,
  offset: bigint,
  limit: bigint,
): Array<[string, number]> {
  if (offset < 0n || (offset > 0n && offset >= BigInt(members.length))) return [];
  const first = members[0];
  const last = members[members.length - 1];
  if (bounds.empty || !first || !last || !bounds.atLeastMin(...last) || !bounds.atMostMax(...first))
    return [];
  const walk = reverse ? [...members].reverse() : members;
  const near = reverse ? bounds.atMostMax : bounds.atLeastMin;
  const far = reverse ? bounds.atLeastMin : bounds.atMostMax;
  const start = walk.findIndex(([member, score]) => near(member, score));
  const startMember = walk[start];
  if (!startMember || !far(...startMember)) return [];
  const chosen: Array<[string, number]> = [];
  for (let i = start + Number(offset); i < walk.length && (limit < 0n || chosen.length < limit); i++) {
    const member = walk[i] as [string, number];
    if (!far(...member)) break;
    chosen.push(member);
  }
  return chosen;
}

/** Orders two lex bounds as sdscmplex does: `-` below everything, `+` above. */
function compareLex(a: LexBound, b: LexBound): number {
  const rank = (bound: LexBound) => (bound.kind === "min" ? -1 : bound.kind === "max" ? 1 : 0);
  if (a.kind !== "value" || b.kind !== "value") return a.kind === b.kind ? 0 : rank(a) - rank(b);
  return a.value < b.value ? -1 : a.value > b.value ? 1 : 0;
}

function exclusiveBound(bound: LexBound): boolean {
  return bound.kind !== "value" || bound.exclusive;
}

function lexAtLeast(member: string, bound: LexBound): boolean {
  if (bound.kind === "min") return true;
  if (bound.kind === "max") return false;
  return bound.exclusive ? member > bound.value : member >= bound.value;
}

function lexAtMost(member: string, bound: LexBound): boolean {
  if (bound.kind === "max") return true;
  if (bound.kind === "min") return false;
  return bound.exclusive ? member < bound.value : member <= bound.value;
}
