/** JSON values as they travel on the wire: what `JSON.parse` can return. */
export type JsonValue = null | boolean | number | string | JsonValue[] | JsonObject;
/** A JSON object; unknown fields stay in it untouched. */
export type JsonObject = { [key: string]: JsonValue };

/** True for a JSON object (not an array, not null). */
export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A deep copy, so a stored config never shares objects with a request or a response. */
export function cloneJson<T extends JsonValue>(value: T): T {
  return structuredClone(value);
}

/** Reads `object[key]` when it is an object, else undefined. */
export function objectField(object: JsonObject | undefined, key: string): JsonObject | undefined {
  const value = object?.[key];
  return isJsonObject(value) ? value : undefined;
}
