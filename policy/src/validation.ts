/**
 * The builders every policy is made with (`resourcePolicy`, `stackPolicy`). They do what all
 * policies share, so each policy body holds only its rule: match the type token, read config with
 * its defaults, honour `exemptStacks`, and turn "could not check yet" into a not-applicable result
 * that carries the reason.
 */
import type {
  Policy,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidation,
  StackValidationPolicy,
} from "@pulumi/policy";
import type { ResourceKind } from "@pulumi-dfcloud/provider";
import { configWithDefaults, exemptReason, isExemptStack } from "./config";
import type { PropRead } from "./props";
import { kindOfType, stackOfUrn, typesOfKind } from "./resources";

/** What a resource rule gets: the engine's args, the config with defaults, and the reporter. */
export interface ResourceCheck<C> {
  args: ResourceValidationArgs;
  config: Required<C>;
  reportViolation: ReportViolation;
}

/** What a stack rule gets, plus `couldNotCheck` for values that are unknown during preview. */
export interface StackCheck<C> {
  resources: PolicyResource[];
  config: Required<C>;
  reportViolation: ReportViolation;
  /** Records why part of the stack could not be checked yet; the rule goes on with the rest. */
  couldNotCheck(reason: string): void;
}

/** Why a resource policy on `kind` does not apply to another resource: it names every token it matches. */
export function otherKindReason(kind: ResourceKind): string {
  const types = typesOfKind(kind).map((token) => `'${token}'`);
  return `Policy only applies to ${kind} resources, of type ${types.slice(0, -1).join(", ")} or ${types.at(-1)}`;
}

/**
 * A resource validation that runs `check` only for resources of `kind`, whichever front door
 * registered them (matched by type token: dynamic resource classes have no static `__pulumiType`,
 * so `validateResourceOfType` cannot match them, and the pack does not depend on a generated SDK),
 * and only in stacks that `exemptStacks` does not name. Other resources get a not-applicable result.
 */
function validateResourceOfKind<C extends object>(
  kind: ResourceKind,
  configSchema: PolicyConfigSchema,
  check: (context: ResourceCheck<C>) => void,
): ResourceValidation {
  return (args, reportViolation) => {
    if (kindOfType(args.type) !== kind) args.notApplicable(otherKindReason(kind));
    const config = configWithDefaults<Required<C>>(args, configSchema);
    const stack = stackOfUrn(args.urn);
    if (isExemptStack(stack, config)) args.notApplicable(exemptReason(stack));
    check({ args, config, reportViolation });
  };
}

/**
 * A stack validation that runs `check` unless the stack is exempt. Parts `check` could not judge
 * (values unknown during preview) do not stop the rest; once it is done, they are reported as
 * the policy's not-applicable reason, so the result says what was left for `pulumi up`.
 */
function validateStackWith<C extends object>(
  configSchema: PolicyConfigSchema,
  check: (context: StackCheck<C>) => void,
): StackValidation {
  return (args, reportViolation) => {
    const config = configWithDefaults<Required<C>>(args, configSchema);
    // Every URN of one analysis names the same stack; with no resources there is nothing to check.
    const stack = args.resources[0] ? stackOfUrn(args.resources[0].urn) : undefined;
    if (stack !== undefined && isExemptStack(stack, config)) args.notApplicable(exemptReason(stack));
    const unchecked: string[] = [];
    check({
      resources: args.resources,
      config,
      reportViolation,
      couldNotCheck: (reason) => unchecked.push(reason),
    });
    if (unchecked.length > 0) args.notApplicable(`Could not check yet: ${unchecked.join("; ")}.`);
  };
}

/** The fields of a policy besides its validation, with a config schema that is always present. */
type PolicyFields = Omit<Policy, "configSchema"> & { configSchema: PolicyConfigSchema };

/**
 * Builds a resource policy from its metadata, the kind of resource it checks (from either front
 * door) and its rule. The schema is passed once and used both for the engine (`configSchema`) and
 * for the defaults.
 */
export function resourcePolicy<C extends object>(
  definition: PolicyFields & { resourceKind: ResourceKind; check: (context: ResourceCheck<C>) => void },
): ResourceValidationPolicy {
  const { resourceKind, check, ...fields } = definition;
  return { ...fields, validateResource: validateResourceOfKind(resourceKind, fields.configSchema, check) };
}

/** Builds a stack policy from its metadata and its rule (see {@link validateStackWith}). */
export function stackPolicy<C extends object>(
  definition: PolicyFields & { check: (context: StackCheck<C>) => void },
): StackValidationPolicy {
  const { check, ...fields } = definition;
  return { ...fields, validateStack: validateStackWith(fields.configSchema, check) };
}

/**
 * Returns a read's value, or marks the policy not applicable to this resource with the read's
 * reason: a resource rule cannot judge a value that is unknown until `pulumi up`.
 */
export function knownOrNotApplicable<T>(args: ResourceValidationArgs, read: PropRead<T>): T {
  return read.known ? read.value : args.notApplicable(read.reason);
}
