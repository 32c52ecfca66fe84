import type { z } from "zod";
import type { CheckFailure } from "./contract";
import { isUnknown } from "./unknowns";

/** How one input property is validated: its schema, and what to say when it is missing. */
export interface FieldRule {
  schema: z.ZodType;
  /** When set, the property is required and this explains what it must be. */
  required?: string;
}

/** The outcome of {@link checkFields}: normalised values, the still-unknown keys, and failures. */
export interface FieldCheck {
  values: Record<string, unknown>;
  unknownKeys: Set<string>;
  failures: CheckFailure[];
}

/** Formats a zod issue path under a property: `hours` + `[2]` → `hours[2]`. */
function pathOf(property: string, path: readonly PropertyKey[]): string {
  return path.reduce<string>(
    (acc, key) => (typeof key === "number" ? `${acc}[${key}]` : `${acc}.${String(key)}`),
    property,
  );
}

/**
 * Validates and normalises each input property on its own, so that a value still unknown during
 * preview (an id of a resource not yet created) passes through untouched instead of failing a
 * strict schema. Each failure names the property and what is allowed.
 */
export function checkFields(rules: Record<string, FieldRule>, news: Record<string, unknown>): FieldCheck {
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
        failures.push({ property, reason: `${pathOf(property, issue.path)}: ${issue.message}` });
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
  return { values, unknownKeys, failures };
}
