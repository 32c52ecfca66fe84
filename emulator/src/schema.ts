/**
 * A tiny declarative checker for JSON bodies. It answers the first problem as a `400` whose message
 * starts with the JSON path of the bad field (the doc, "Transport": e.g.
 * `backup_policy.hours[0]: must be an integer from 0 to 23`). Fields a rule does not name are left
 * alone, so unknown fields pass through untouched.
 */
import { badRequest } from "./errors.ts";
import { isJsonObject } from "./json.ts";

/** What one JSON value must be. */
export type Rule =
  | { type: "string"; minLength?: number; maxLength?: number; oneOf?: readonly string[] }
  | { type: "integer"; min?: number; max?: number }
  | { type: "number"; min?: number; max?: number }
  | { type: "boolean" }
  | { type: "array"; items: Rule; minItems?: number }
  | { type: "object"; fields: Readonly<Record<string, Field>> }
  | { type: "map"; values: Rule };

/** A named field of an object rule. */
export interface Field {
  rule: Rule;
  /** Absent is an error (default: optional). */
  required?: boolean;
  /** `null` is accepted (default: not). */
  nullable?: boolean;
}

/** Throws a `400` naming `path` unless `value` satisfies `rule`. */
export function check(value: unknown, rule: Rule, path: string): void {
  const problem = describeProblem(value, rule, path);
  if (problem !== undefined) throw badRequest(problem);
}

/** Joins a parent path and a child key: `""` + `name` → `name`, `tier` + `replicas` → `tier.replicas`. */
export function childPath(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

function describeProblem(value: unknown, rule: Rule, path: string): string | undefined {
  const label = path === "" ? "body" : path;
  const mismatch = typeMismatch(value, rule);
  if (mismatch !== undefined) return `${label}: ${mismatch}`;
  if (rule.type === "array") return arrayProblem(value as unknown[], rule, path);
  if (rule.type === "object") return objectProblem(value as Record<string, unknown>, rule.fields, path);
  if (rule.type === "map") return mapProblem(value as Record<string, unknown>, rule.values, path);
  return undefined;
}

/** The message (without path) when `value` has the wrong type or range for `rule`. */
function typeMismatch(value: unknown, rule: Rule): string | undefined {
  switch (rule.type) {
    case "string":
      return stringMismatch(value, rule);
    case "integer":
      return Number.isSafeInteger(value) && inRange(value as number, rule)
        ? undefined
        : `must be an integer${rangeText(rule)}`;
    case "number":
      return typeof value === "number" && Number.isFinite(value) && inRange(value, rule)
        ? undefined
        : `must be a number${rangeText(rule)}`;
    case "boolean":
      return typeof value === "boolean" ? undefined : "must be a boolean";
    case "array":
      return Array.isArray(value) ? undefined : "must be an array";
    case "object":
    case "map":
      return isJsonObject(value) ? undefined : "must be an object";
  }
}

function stringMismatch(
  value: unknown,
  rule: { minLength?: number; maxLength?: number; oneOf?: readonly string[] },
): string | undefined {
  if (rule.oneOf)
    return typeof value === "string" && rule.oneOf.includes(value) ? undefined : oneOfText(rule.oneOf);
  const { minLength = 0, maxLength = Number.POSITIVE_INFINITY } = rule;
  if (typeof value === "string" && value.length >= minLength && value.length <= maxLength) return undefined;
  // One text states the whole requirement, whichever part failed.
  if (rule.maxLength !== undefined) {
    return `must be a string of ${minLength > 0 ? `${minLength} to` : "at most"} ${maxLength} characters`;
  }
  return minLength === 1 ? "must be a non-empty string" : "must be a string";
}

function oneOfText(values: readonly string[]): string {
  return `must be one of ${values.map((v) => JSON.stringify(v)).join(", ")}`;
}

function inRange(value: number, rule: { min?: number; max?: number }): boolean {
  return (rule.min === undefined || value >= rule.min) && (rule.max === undefined || value <= rule.max);
}

function rangeText(rule: { min?: number; max?: number }): string {
  if (rule.min !== undefined && rule.max !== undefined) return ` from ${rule.min} to ${rule.max}`;
  if (rule.min !== undefined) return ` of at least ${rule.min}`;
  if (rule.max !== undefined) return ` of at most ${rule.max}`;
  return "";
}

function arrayProblem(
  items: unknown[],
  rule: { items: Rule; minItems?: number },
  path: string,
): string | undefined {
  if (rule.minItems !== undefined && items.length < rule.minItems) {
    return `${path}: must have at least ${rule.minItems} item${rule.minItems === 1 ? "" : "s"}`;
  }
  for (const [index, item] of items.entries()) {
    const problem = describeProblem(item, rule.items, `${path}[${index}]`);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function objectProblem(
  object: Record<string, unknown>,
  fields: Readonly<Record<string, Field>>,
  path: string,
): string | undefined {
  for (const [key, field] of Object.entries(fields)) {
    const fieldPath = childPath(path, key);
    const value = Object.hasOwn(object, key) ? object[key] : undefined;
    if (value === undefined) {
      if (field.required) return `${fieldPath}: is required`;
      continue;
    }
    if (value === null && field.nullable) continue;
    const mismatch = typeMismatch(value, field.rule);
    if (mismatch !== undefined) return `${fieldPath}: ${mismatch}${field.nullable ? " or null" : ""}`;
    const problem = describeProblem(value, field.rule, fieldPath);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function mapProblem(map: Record<string, unknown>, values: Rule, path: string): string | undefined {
  for (const [key, value] of Object.entries(map)) {
    const problem = describeProblem(value, values, childPath(path, key));
    if (problem !== undefined) return problem;
  }
  return undefined;
}
