/**
 * Reading resource properties the way every policy in this pack needs them: raw, typed, and with
 * preview-time unknowns turned into a reason instead of an exception.
 */
import { isUnknown } from "@pulumi-dfcloud/provider";

/** A property as a policy can use it: a checked value, or the reason it cannot be judged now. */
export type PropRead<T> = { known: true; value: T } | { known: false; reason: string };

/** What a property must hold: a type guard plus the words used for it in a reason. */
export interface PropKind<T> {
  /** True when the value has the expected type. */
  is(value: unknown): value is T;
  /** How a reason names the expected type, e.g. "a number". */
  expected: string;
}

/** A finite number. */
export const NUMBER: PropKind<number> = {
  is: (value): value is number => typeof value === "number" && Number.isFinite(value),
  expected: "a number",
};

/** `true` or `false`. */
export const BOOLEAN: PropKind<boolean> = {
  is: (value): value is boolean => typeof value === "boolean",
  expected: "true or false",
};

/** A non-empty string. */
export const STRING: PropKind<string> = {
  is: (value): value is string => typeof value === "string" && value.length > 0,
  expected: "a non-empty string",
};

/**
 * Returns `props[key]` as stored, without the getter of @pulumi/policy's unknown-checking proxy.
 * Why: the engine hands policies props wrapped in a proxy whose `get` throws when the value is a
 * preview-time unknown. Thrown inside a stack policy, that would skip every other resource too.
 * `Object.getOwnPropertyDescriptor` is not trapped by that proxy, so it yields the raw value (and
 * plain objects, as in unit tests, behave the same), and each policy decides what unknown means.
 */
export function rawProp(props: Record<string, unknown>, key: string): unknown {
  return Object.getOwnPropertyDescriptor(props, key)?.value;
}

/** The reason for a value that is (or contains) a preview-time unknown. */
function unknownReason(key: string): string {
  return `${key} is not known during preview (checked again during \`pulumi up\`)`;
}

/**
 * Reads `props[key]` as a `kind`. An absent value yields `fallback` when one is given (an input
 * with a default); otherwise absent, unknown and ill-typed values each yield a reason. During
 * preview an input computed from an unknown output may also arrive absent, hence the wording.
 */
export function readProp<T>(
  props: Record<string, unknown>,
  key: string,
  kind: PropKind<T>,
  fallback?: T,
): PropRead<T> {
  const value = rawProp(props, key);
  if (isUnknown(value)) return { known: false, reason: unknownReason(key) };
  if (value === undefined || value === null) {
    return fallback === undefined
      ? { known: false, reason: `${key} is not set (or not known during preview)` }
      : { known: true, value: fallback };
  }
  if (!kind.is(value)) {
    return { known: false, reason: `${key} is ${JSON.stringify(value)}, not ${kind.expected}` };
  }
  return { known: true, value };
}
