import type { InputSpec, InputsOf } from "../schema/spec";
import type * as z from "../zod";
import type { CheckFailure } from "./logic";
import { isUnknown } from "./unknowns";

/** How one input property is validated: the part of its contract (InputSpec) that `check` uses. */
export type FieldRule = Pick<InputSpec, "schema" | "required" | "default">;

/**
 * The outcome of {@link checkFields}: normalised values (complete only when there are no failures;
 * during preview an unknown value stands in as the engine's sentinel), the still-unknown keys, and
 * failures.
 */
export interface FieldCheck<V> {
  values: V;
  unknownKeys: Set<string>;
  failures: CheckFailure[];
}

/** Longest rendering of a given value that a message quotes in full (characters). */
const MAX_QUOTED_LENGTH = 60;

/**
 * Names a given value for a message, so that a wrong type reads as what it is: `the string "14"`,
 * `NaN`, `Infinity`, `the boolean true`, `the list [1,2]`, `the object {"a":1}`, `null`; a number
 * is shown as itself (`2.5`). `JSON.stringify` alone would print NaN and ±Infinity as `null`, and a
 * quoted `"14"` is easy to misread as the number. Long values are summarised (a string by its length,
 * a list by its item count, an object by its keys) so a message stays one readable line.
 * @param stringExpected when true, a (short) string is the right type with a wrong value and is
 *   only quoted: `"funday"` rather than `the string "funday"`. Default false.
 */
export function describeValue(value: unknown, stringExpected = false): string {
  if (value === null) return "null";
  if (value === undefined) return "nothing";
  if (typeof value === "number") {
    // String() keeps NaN and ±Infinity as themselves and shows -0 as 0.
    return String(value);
  }
  if (typeof value === "string") {
    const quoted = JSON.stringify(value);
    if (quoted.length > MAX_QUOTED_LENGTH) return `a string of ${value.length} characters`;
    return stringExpected ? quoted : `the string ${quoted}`;
  }
  if (typeof value === "boolean") return `the boolean ${value}`;
  if (Array.isArray(value)) {
    const shown = render(value);
    if (shown.length <= MAX_QUOTED_LENGTH) return `the list ${shown}`;
    return `a list of ${value.length} item${value.length === 1 ? "" : "s"}`;
  }
  if (typeof value === "object") {
    const shown = render(value);
    if (shown.length <= MAX_QUOTED_LENGTH) return `the object ${shown}`;
    return `an object with keys ${Object.keys(value).join(", ")}`;
  }
  // Functions, symbols and bigints cannot come through the engine; name their type.
  return `a ${typeof value}`;
}

/** Like JSON, except that NaN and ±Infinity stay visible instead of becoming null. */
function render(value: unknown): string {
  if (typeof value === "number") return String(value);
  if (Array.isArray(value)) return `[${value.map(render).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value).map(([key, item]) => `${JSON.stringify(key)}:${render(item)}`);
    return `{${entries.join(",")}}`;
  }
  return JSON.stringify(value) ?? String(value);
}

/** The value at a zod issue path inside the raw input (what the user gave at that place). */
function valueAt(raw: unknown, path: readonly PropertyKey[]): unknown {
  let value = raw;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

/** Formats a zod issue path under a property: `hours` + `[2]` → `hours[2]`. */
function pathOf(property: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    property,
  );
}

/**
 * The reason for one zod issue. A rule's own (`custom`) issues already name the offending value;
 * every built-in one (wrong type, out of range, not a whole number, …) says only what is allowed,
 * so the value that was given is added here, once for all three resources: `…, got the string "14"`.
 */
function reasonOf(property: string, raw: unknown, issue: z.core.$ZodIssue): string {
  const where = pathOf(property, issue.path);
  if (issue.code === "custom") return `${where}: ${issue.message}`;
  return `${where}: ${issue.message}, got ${describeValue(valueAt(raw, issue.path))}`;
}

/**
 * Validates and normalises each input property on its own, so that a value still unknown during
 * preview (an id of a resource not yet created) passes through untouched instead of failing a
 * strict schema. Each failure names the property, what is allowed and what was given.
 */
export function checkFields<const R extends Readonly<Record<string, FieldRule>>>(
  rules: R,
  news: Record<string, unknown>,
): FieldCheck<InputsOf<R>> {
  const values: Record<string, unknown> = {};
  const unknownKeys = new Set<string>();
  const failures: CheckFailure[] = [];
  for (const [property, rule] of Object.entries(rules)) {
    const raw = news[property];
    if (isUnknown(raw)) {
      values[property] = raw;
      unknownKeys.add(property);
      continue;
    }
    if (raw === undefined || raw === null) {
      if (rule.required) {
        failures.push({ property, reason: `${property} is required: ${rule.required}` });
        continue;
      }
    }
    const parsed = rule.schema.safeParse(raw ?? undefined);
    if (parsed.success) {
      if (parsed.data !== undefined) values[property] = parsed.data;
    } else {
      for (const issue of parsed.error.issues) {
        failures.push({ property, reason: reasonOf(property, raw, issue) });
      }
    }
  }
  for (const property of Object.keys(news)) {
    const value = news[property];
    if (!(property in rules) && property !== "__provider" && value !== undefined && value !== null) {
      failures.push({
        property,
        reason: `${property} is not a property of this resource; allowed: ${Object.keys(rules).join(", ")}`,
      });
    }
  }
  // Built property by property from each rule's schema output, which is what InputsOf<R> says;
  // the compiler cannot follow the loop, so this is the one place that asserts it.
  return { values: values as InputsOf<R>, unknownKeys, failures };
}
