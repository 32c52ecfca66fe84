/**
 * The parts of zod this package uses, as the one namespace every module imports (`import * as z from
 * "../zod"`), in place of zod's own `z`. zod's `z` re-exports all of zod, so a bundler that meets one
 * `z.string()` keeps every export: each locale, JSON Schema conversion, codecs, ISO formats. In the
 * native plugin's bundle that was 583 KB of zod and about 15 ms of its first operation; with only these
 * names it is 134 KB and 4 ms. zod registers its English messages on the first schema it builds,
 * whichever names are imported, so messages are the same.
 */

export type { core, infer, output, ZodEnum, ZodObject, ZodType } from "zod";
export {
  array,
  boolean,
  custom,
  enum,
  int,
  literal,
  looseObject,
  NEVER,
  number,
  object,
  string,
  union,
  unknown,
} from "zod";
