/**
 * Policy configuration: defaults taken from each policy's own `configSchema`, and the stack-name
 * patterns that several policies use (`exemptStacks`, `allowedStacks`, `deniedStacks`).
 */
import type { PolicyConfigSchema } from "@pulumi/policy";
import type { PolicyConfigJSONSchema } from "@pulumi/policy/schema";

/** The part of validation args that reads policy config (both resource and stack args have it). */
export interface ConfigSource {
  getConfig<T extends object>(): T;
}

/**
 * Returns the policy's config with every missing property set to its schema `default`. The
 * schema is the single place a default is written: the engine shows it to users, and this fills
 * it in even where the engine does not (unit tests, older CLIs).
 */
export function configWithDefaults<T extends object>(args: ConfigSource, schema: PolicyConfigSchema): T {
  const given: Record<string, unknown> = args.getConfig<Record<string, unknown>>();
  const merged: Record<string, unknown> = {};
  for (const [key, property] of Object.entries(schema.properties)) {
    merged[key] = given[key] ?? (typeof property === "object" ? property.default : undefined);
  }
  return { ...given, ...merged } as T;
}

/** A JSON schema for a list of stack-name patterns with the given default. */
export function stackPatternsSchema(description: string, defaults: string[]): PolicyConfigJSONSchema {
  return { type: "array", items: { type: "string", minLength: 1 }, default: defaults, description };
}

/** Config shared by every policy that can be switched off for some stacks. */
export interface ExemptStacksArgs {
  /** Stack-name patterns where the policy does not apply. Defaults to `[]`. */
  exemptStacks?: string[];
}

/** The `exemptStacks` config property, as it appears in each policy's `configSchema`. */
export const exemptStacksProperty = {
  exemptStacks: stackPatternsSchema(
    "Stack-name patterns (* and ? wildcards, any case) where this policy does not apply.",
    [],
  ),
} satisfies Record<keyof ExemptStacksArgs, PolicyConfigJSONSchema>;

/**
 * True when `stack` matches the glob `pattern`: `*` is any run of characters, `?` one character,
 * and case is ignored so that a guard like `prod*` also catches `Prod-eu` and `PRODUCTION`.
 */
export function matchesStackPattern(stack: string, pattern: string): boolean {
  const source = [...pattern]
    .map((char) => (char === "*" ? ".*" : char === "?" ? "." : char.replace(/[\\^$.|+()[\]{}]/, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, "i").test(stack);
}

/** True when `stack` matches at least one of `patterns`. */
export function matchesAnyStackPattern(stack: string, patterns: readonly string[]): boolean {
  return patterns.some((pattern) => matchesStackPattern(stack, pattern));
}

/** True when the policy config `config` names `stack` in its `exemptStacks`. */
export function isExemptStack(stack: string, config: ExemptStacksArgs): boolean {
  return matchesAnyStackPattern(stack, config.exemptStacks ?? []);
}

/** The reason given when a policy is switched off for a stack through `exemptStacks`. */
export function exemptReason(stack: string): string {
  return `stack "${stack}" matches exemptStacks`;
}
