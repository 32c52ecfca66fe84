/**
 * An answer other than 200, thrown by request handlers and turned into `{"error": message}` by the
 * server (the doc, "Transport": every error body is `{"error": "<message>"}`).
 */
export class ApiError extends Error {
  /** HTTP status code of the answer. */
  readonly status: number;
  /** Extra response headers (e.g. `Allow` on a 405). */
  readonly headers: Readonly<Record<string, string>>;

  constructor(status: number, message: string, headers: Readonly<Record<string, string>> = {}) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.headers = headers;
  }
}

/** `400`: an invalid value; `message` starts with the JSON path of the bad field. */
export function badRequest(message: string): ApiError {
  return new ApiError(400, message);
}

/** `404`: an unknown object, or one of another account (the two are indistinguishable). */
export function notFound(message: string): ApiError {
  return new ApiError(404, message);
}

/** `409`: the object is in a state that forbids the call. */
export function conflict(message: string): ApiError {
  return new ApiError(409, message);
}
