import { randomInt } from "node:crypto";
import { ID_ALPHABET } from "./modelled.ts";

/** `length` random characters of {@link ID_ALPHABET} (lowercase alphanumerics), from a CSPRNG. */
export function randomAlphanumerics(length: number): string {
  let text = "";
  for (let i = 0; i < length; i++) text += ID_ALPHABET[randomInt(ID_ALPHABET.length)];
  return text;
}
