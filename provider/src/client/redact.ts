/** What a secret is replaced with in messages. */
export const REDACTED = "[REDACTED]";

/**
 * Derived spellings shorter than this are not searched for: a two-letter fragment of a short test key
 * would blank out ordinary words. The secret as given is always removed, whatever its length.
 */
const MIN_DERIVED_LENGTH = 8;

/**
 * A credential after an HTTP auth scheme name, in a header dump (`Authorization: Bearer …`, also
 * URL-encoded as `Bearer%20…` or form-encoded as `Bearer+…`). Whatever token follows is removed, not
 * only the key this client sent: a server may echo it cut short (`Bearer dragonflydb_ab…`), re-encoded,
 * or an older key, and no part of a credential belongs in a message. Eight characters at least, so
 * that prose such as "Bearer token" keeps its meaning.
 */
const AUTH_SCHEME_TOKEN = /\b([Bb]earer|BEARER|Basic|BASIC)(\s+|%20|\+)(?!\[REDACTED\])[^\s"'`<>,;)\]}]{8,}/g;

/**
 * Every spelling of `secret` that a server, proxy or library could put into a message: as given;
 * percent-encoded as a path segment (`encodeURIComponent`, upper- and lower-case hex) and as a form
 * or query value (`application/x-www-form-urlencoded`, `+` for a space); JSON-string-escaped; and
 * base64 (standard and URL alphabets). Base64 is given as the part of the encoding that depends on
 * the secret alone, at each of the three byte alignments, so the secret is found inside the base64 of
 * a longer text too — `Basic base64(user:key)`, `base64("Bearer " + key)` — where its full encoding
 * never appears. Longest first, without duplicates or empty strings.
 */
export function secretForms(secret: string): string[] {
  if (secret === "") return [];
  const percent = encodeURIComponent(secret);
  const form = new URLSearchParams({ v: secret }).toString().slice("v=".length);
  const derived = [
    percent,
    lowerCaseHex(percent),
    form,
    lowerCaseHex(form),
    JSON.stringify(secret).slice(1, -1),
    ...base64Forms(secret),
  ].filter((spelling) => spelling.length >= MIN_DERIVED_LENGTH);
  return [...new Set([secret, ...derived])].sort((a, b) => b.length - a.length);
}

/** How many secrets' patterns are kept built; a provider process uses one or two keys. */
const MAX_CACHED_PATTERNS = 4;
const patterns = new Map<string, RegExp>();

/** The regular expression that finds every {@link secretForms} of `secret`. */
function patternOf(secret: string): RegExp {
  let pattern = patterns.get(secret);
  if (pattern === undefined) {
    const alternatives = secretForms(secret).map((form) => form.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"));
    pattern = new RegExp(alternatives.join("|"), "g");
    if (patterns.size >= MAX_CACHED_PATTERNS) patterns.clear();
    patterns.set(secret, pattern);
  }
  return pattern;
}

/**
 * Removes `secret`, in every spelling of {@link secretForms}, and any credential after an auth scheme
 * name (`Bearer …`, `Basic …`) from `text`. Applied to everything that reaches a message from outside
 * the client (server error bodies, socket error text) and to every line and error the provider hands
 * the engine: a server that echoes the request's `Authorization` header back must not leak the API key
 * into Pulumi's output or state.
 */
export function redactSecret(text: string, secret: string): string {
  return redactSecrets(text, [secret]);
}

/** {@link redactSecret} for several secrets (e.g. the key from the stack config and the one from the environment). */
export function redactSecrets(text: string, secrets: readonly (string | undefined)[]): string {
  let result = text;
  // The known secrets first: a key with characters a header token cannot hold would otherwise be
  // half-replaced by the token rule and then no longer match whole.
  for (const secret of secrets) if (secret) result = result.replace(patternOf(secret), REDACTED);
  return result.replace(
    AUTH_SCHEME_TOKEN,
    (_match, scheme: string, gap: string) => `${scheme}${gap}${REDACTED}`,
  );
}

/** How deep {@link redactError} follows `cause` chains; real chains are two or three long. */
const MAX_CAUSE_DEPTH = 8;

/**
 * Removes `secrets` from an error in place, wherever a message of it can be shown: `message`, `stack`
 * (the dynamic provider prints `${error}: ${error.stack}` for a failed check, read or delete),
 * `reasons` (what the engine records as a resource's `initErrors` after a partial create), and the
 * same in its `cause` chain and in the `errors` of an AggregateError. Returns the same error; a value
 * that is not an object is returned as a redacted string when it is one, else unchanged.
 */
export function redactError<T>(error: T, secrets: readonly (string | undefined)[]): T {
  return redactValue(error, secrets, 0, new Set()) as T;
}

function redactValue(
  value: unknown,
  secrets: readonly (string | undefined)[],
  depth: number,
  seen: Set<object>,
): unknown {
  if (typeof value === "string") return redactSecrets(value, secrets);
  if (typeof value !== "object" || value === null || seen.has(value) || depth > MAX_CAUSE_DEPTH) return value;
  seen.add(value);
  const record = value as Record<string, unknown>;
  for (const field of ["message", "stack"] as const) {
    if (typeof record[field] === "string") trySet(record, field, redactSecrets(record[field], secrets));
  }
  if (Array.isArray(record.reasons)) {
    trySet(
      record,
      "reasons",
      record.reasons.map((reason) => (typeof reason === "string" ? redactSecrets(reason, secrets) : reason)),
    );
  }
  if ("cause" in record) trySet(record, "cause", redactValue(record.cause, secrets, depth + 1, seen));
  if (Array.isArray(record.errors)) {
    for (const inner of record.errors) redactValue(inner, secrets, depth + 1, seen);
  }
  return value;
}

/** Sets a field, ignoring the TypeError of a frozen object or a read-only field: redaction must never throw. */
function trySet(record: Record<string, unknown>, field: string, value: unknown): void {
  try {
    record[field] = value;
  } catch {
    // Nothing more can be done with an error that cannot be changed.
  }
}

/** `%2f` for `%2F`: some servers and libraries percent-encode with lower-case hex digits. */
function lowerCaseHex(encoded: string): string {
  return encoded.replace(/%[0-9A-F]{2}/g, (hex) => hex.toLowerCase());
}

/**
 * The base64 characters that depend only on `secret`'s bytes when it starts 0, 1 or 2 bytes into the
 * encoded text, in the standard and URL-safe alphabets. With `shift` bytes before it, the secret's
 * bits begin at bit 8·shift, so the characters from ⌈8·shift/6⌉ up to ⌊8·(shift+n)/6⌋ are its own.
 * The full encoding of the secret alone (with and without padding) is included as well, so that the
 * common case leaves not even its last characters.
 */
function base64Forms(secret: string): string[] {
  const bytes = Buffer.from(secret, "utf8");
  const forms: string[] = [];
  const whole = bytes.toString("base64");
  forms.push(whole, whole.replace(/=+$/, ""));
  for (let shift = 0; shift < 3; shift++) {
    const encoded = Buffer.concat([Buffer.alloc(shift), bytes]).toString("base64");
    forms.push(encoded.slice(Math.ceil((8 * shift) / 6), Math.floor((8 * (shift + bytes.length)) / 6)));
  }
  return forms.flatMap((form) => [form, form.replace(/\+/g, "-").replace(/\//g, "_")]);
}
