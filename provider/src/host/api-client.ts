/**
 * The API client built from credentials. Apart from host/credentials.ts, which only reads settings,
 * because this module loads the HTTP client (undici) and the API's zod schemas: the provider host
 * loads it on its first API call (host.ts), so that a front door answers the engine's schema and
 * configuration calls without it.
 */
import { DfCloudClient } from "../client/client";
import { type Credentials, clientOptions } from "./credentials";

/**
 * Builds a client from credentials; a missing key is a ConfigurationError that says how to set it.
 * @param log where retries and reconciliations of lost answers are reported (default: nowhere); each
 *   line is free of the key in every spelling (see redactSecret), whatever the server put in the
 *   error it quotes
 * @param onSecretRead called with each datastore password the client reads (for a drill's read-back)
 */
export function createClient(
  credentials: Credentials,
  log?: (message: string) => void,
  onSecretRead?: (secret: string) => void,
): DfCloudClient {
  return new DfCloudClient(clientOptions(credentials, log, onSecretRead));
}
