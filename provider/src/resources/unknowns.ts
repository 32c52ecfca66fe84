/**
 * During `pulumi preview`, an input that depends on an output not yet known (the id of a resource
 * that will be created by this same update) reaches a dynamic provider as this sentinel string
 * (`rpc.unknownValue` in @pulumi/pulumi). A strict schema would reject it, so every check and diff
 * treats it as "not known yet" instead of as a value.
 */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** True when `value` is, or contains, a preview-time unknown. */
export function isUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(isUnknown);
  return false;
}
