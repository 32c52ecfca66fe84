/** The request log of `/v1` calls (docs/api-model.md: `GET /_emulator/requests`). */

import type { FaultKind } from "./faults.ts";
import { REQUEST_LOG_LIMIT } from "./modelled.ts";

/** One `/v1` request as the emulator saw and answered it. */
export interface RequestLogEntry {
  method: string;
  /** The path with its query string, e.g. `/v1/backups?datastore_id=dst_…`. */
  path: string;
  /** The status code answered, or `"dropped"` when the socket was destroyed without an answer. */
  status: number | "dropped";
  /** Emulator time of the request, Unix ms. */
  time: number;
  /** Real (wall-clock) time of the request, Unix ms. */
  realTime: number;
  /** The injected fault, if any. */
  fault?: FaultKind;
  /** The `Idempotency-Key` header, if sent (to check that retries reuse it). */
  idempotencyKey?: string;
}

/** The newest {@link REQUEST_LOG_LIMIT} entries, oldest first. */
export class RequestLog {
  private entries: RequestLogEntry[] = [];

  /** Appends an entry, dropping the oldest beyond the limit. */
  add(entry: RequestLogEntry): void {
    this.entries.push(entry);
    if (this.entries.length > REQUEST_LOG_LIMIT)
      this.entries.splice(0, this.entries.length - REQUEST_LOG_LIMIT);
  }

  /** A copy of the entries, oldest first. */
  list(): RequestLogEntry[] {
    return this.entries.map((entry) => ({ ...entry }));
  }

  /** Forgets every entry. */
  clear(): void {
    this.entries = [];
  }
}
