/**
 * Property values as they cross the gRPC boundary: protobuf Structs in and out, the engine's secret
 * wrappers unwrapped on the way in and put back on the way out, and preview-time unknowns passed
 * through as the sentinel string the resource logic already understands (resources/unknowns.ts).
 * The sentinels are @pulumi/pulumi's (sdk/nodejs/runtime/rpc.ts: specialSigKey, specialSecretSig).
 */
import { Struct } from "google-protobuf/google/protobuf/struct_pb";

/** Key that marks a special value in a property map. */
export const SIGNATURE_KEY = "4dabf18193072939515e22adb298388d";
/** Signature of a secret: `{[SIGNATURE_KEY]: SECRET_SIGNATURE, value}`. */
export const SECRET_SIGNATURE = "1b47061264138c4ac30d75fd1eb44270";

/** A property map as the resource logic sees it. */
export type Properties = Record<string, unknown>;

function isSecret(value: unknown): value is { value: unknown } {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<string, unknown>)[SIGNATURE_KEY] === SECRET_SIGNATURE
  );
}

function unwrap(value: unknown): unknown {
  if (isSecret(value)) return unwrap(value.value);
  if (Array.isArray(value)) return value.map(unwrap);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, unwrap(item)]));
  }
  return value;
}

function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (typeof value === "object" && value !== null) return Object.values(value).some(containsSecret);
  return false;
}

/** A Struct's properties with secrets unwrapped, and the top-level keys that held (or contained) one. */
export function fromStruct(struct: Struct | undefined): { values: Properties; secretKeys: Set<string> } {
  const raw = (struct?.toJavaScript() ?? {}) as Properties;
  const secretKeys = new Set(Object.keys(raw).filter((key) => containsSecret(raw[key])));
  return { values: unwrap(raw) as Properties, secretKeys };
}

/** JSON-safe: drops `undefined` (protobuf's Struct has no such value) at every depth. */
function defined(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(defined);
  if (typeof value === "object" && value !== null) {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, item]) => item !== undefined)
        .map(([key, item]) => [key, defined(item)]),
    );
  }
  return value;
}

/** A Struct of `values`, with the properties named in `secretKeys` wrapped as secrets. */
export function toStruct(values: object, secretKeys: ReadonlySet<string> = new Set()): Struct {
  const wrapped = Object.fromEntries(
    Object.entries(defined(values) as Properties).map(([key, value]) => [
      key,
      secretKeys.has(key) ? { [SIGNATURE_KEY]: SECRET_SIGNATURE, value } : value,
    ]),
  );
  return Struct.fromJavaScript(wrapped as Parameters<typeof Struct.fromJavaScript>[0]);
}
