import { InvalidArgumentError } from "./errors";
import type { HttpMethod, RequestSpec } from "./http";
import { BACKUPS_PATH, DATASTORES_PATH } from "./modelled";

/**
 * Every API endpoint this client calls, one line each, in octokit's route form
 * (`"GET /v1/datastores/{datastoreId}"`): the one place to read or correct an endpoint.
 * docs/api-model.md names each; the paths' roots are modelled constants.
 */
export const ROUTES = {
  listDatastores: `GET ${DATASTORES_PATH}`,
  getDatastore: `GET ${DATASTORES_PATH}/{datastoreId}`,
  putDatastoreConfig: `PUT ${DATASTORES_PATH}/{datastoreId}`,
  createDatastore: `POST ${DATASTORES_PATH}`,
  deleteDatastore: `DELETE ${DATASTORES_PATH}/{datastoreId}`,
  listBackups: `GET ${BACKUPS_PATH}`,
  getBackup: `GET ${BACKUPS_PATH}/{backupId}`,
  createBackup: `POST ${BACKUPS_PATH}`,
  deleteBackup: `DELETE ${BACKUPS_PATH}/{backupId}`,
} as const;

/** A route of {@link ROUTES}. */
export type Route = (typeof ROUTES)[keyof typeof ROUTES];

type MethodOf<R extends string> = R extends `${infer M extends HttpMethod} ${string}` ? M : never;
type ParamNames<P extends string> = P extends `${string}{${infer Name}}${infer Rest}`
  ? Name | ParamNames<Rest>
  : never;
/** The path parameters a route takes: `{ datastoreId: string }` for `GET /v1/datastores/{datastoreId}`. */
export type RouteParams<R extends string> = { readonly [Name in ParamNames<R>]: string };

/** Segments that would change the path's meaning instead of naming an object. */
const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(["", ".", ".."]);

/**
 * The one encoder of path parameters: each value is percent-encoded as one path segment, so an id can
 * never add segments, a query or a fragment.
 * @throws InvalidArgumentError when a value is not a string, or is empty, `.` or `..`
 */
export function encodeSegment(segment: unknown): string {
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

/**
 * The request for `route` with its path parameters filled in (and a query, headers or a body).
 * @example endpoint(ROUTES.getDatastore, { datastoreId }) // { method: "GET", path: "/v1/datastores/dst_x" }
 */
export function endpoint<R extends Route>(
  route: R,
  params: RouteParams<R>,
  extra: Omit<RequestSpec, "method" | "path"> = {},
): RequestSpec<MethodOf<R>> {
  const space = route.indexOf(" ");
  const method = route.slice(0, space) as MethodOf<R>;
  const values = params as Readonly<Record<string, string>>;
  const path = route.slice(space + 1).replace(/\{(\w+)\}/g, (_, name: string) => encodeSegment(values[name]));
  return { method, path, ...extra };
}
