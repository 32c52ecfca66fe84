/** The errors resource operations throw: a partial create the engine records, and an operation's failure with its cause. */

/**
 * The error a failed `create` throws once something exists or has started on the API side: carrying
 * `id` and `properties` makes the engine record the resource in state (ErrorResourceInitFailed), so
 * it is never orphaned nor started twice; the next `up` runs an update that picks it up.
 */
export class PartialCreateError<Properties> extends Error {
  override readonly name = "PartialCreateError";
  /** What the engine shows under the resource. */
  readonly reasons: string[];
  /**
   * @param id the resource's id in state
   * @param properties the outputs recorded in state
   */
  constructor(
    message: string,
    readonly id: string,
    readonly properties: Properties,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.reasons = [message];
  }
}

/**
 * A resource operation that failed: the message says what the resource was doing, and the failure
 * itself stays as `cause`, with its kind, status and request id — wrapped with `{ cause }` as
 * openai-node's errors are, never by rewriting the original's message.
 */
export class OperationError extends Error {
  override readonly name = "OperationError";
  /**
   * @param operation what the resource was doing, e.g. `restoring backup bkp_x into datastore dst_y`
   * @param cause what failed
   */
  constructor(
    readonly operation: string,
    cause: unknown,
  ) {
    super(`${operation}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
  }
}

/** Wraps a failure in an {@link OperationError} that says what the resource was doing. */
export function withOperation(operation: string, error: unknown): OperationError {
  return new OperationError(operation, error);
}
