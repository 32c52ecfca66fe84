/** What a secret is replaced with in messages. */
export const REDACTED = "[REDACTED]";

/**
 * Removes every occurrence of `secret` from `text`. Applied to everything that reaches an error message
 * from outside the client (server error bodies, socket error text): a server that echoes the request's
 * `Authorization` header back must not leak the API key into Pulumi's logs.
 */
export function redactSecret(text: string, secret: string): string {
  return secret === "" ? text : text.replaceAll(secret, REDACTED);
}
