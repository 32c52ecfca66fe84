import type { HttpTransport } from "./http";
import type { ReconcileEvent } from "./options";
import type { Clock } from "./retry";

/** What every operation module needs from the client instance it runs in. */
export interface ClientContext {
  readonly transport: HttpTransport;
  readonly clock: Clock;
  readonly onReconcile: ((event: ReconcileEvent) => void) | undefined;
}
