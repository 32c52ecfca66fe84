import { InvalidArgumentError } from "./errors";

/** Segments that would change the path's meaning instead of naming an object. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(["", ".", ".."]);

/**
 * Tagged template that builds a request path from trusted literal text and untrusted ids: each
 * substituted value is percent-encoded as one path segment, so an id can never add segments, a query
 * or a fragment. Ids are never concatenated into paths by hand.
 * @throws InvalidArgumentError when a value is not a string, or is empty, `.` or `..`
 * @example path`/v1/datastores/${datastoreId}` // "/v1/datastores/dst%2Fx" for "dst/x"
 */
export function path(literals: TemplateStringsArray, ...segments: readonly string[]): string {
  return literals.reduce((built, literal, index) => {
    if (index === 0) return literal;
    return built + encodeSegment(segments[index - 1]) + literal;
  }, "");
}

function encodeSegment(segment: unknown): string {
  // Ids reach the client from Pulumi inputs at runtime, so the type is checked, not assumed.
  if (typeof segment !== "string") {
    throw new InvalidArgumentError(`An id in a request path must be a string, got ${typeof segment}`);
  }
  if (FORBIDDEN_SEGMENTS.has(segment)) {
    throw new InvalidArgumentError(
      `An id in a request path must not be empty, "." or "..", got "${segment}"`,
    );
  }
  return encodeURIComponent(segment);
}
