/**
 * Warnings about the API key, given in the Pulumi program (which can see the stack config and
 * whether a value is secret; the provider process sees the config already decrypted and cannot).
 */
import * as pulumi from "@pulumi/pulumi";

/** The stack config key of the API key. */
export const API_KEY_CONFIG = "dfcloud:apiKey";

/** The environment variable the provider reads when the stack config has no key. */
export const API_KEY_ENV = "DFCLOUD_API_KEY";

/**
 * Warned on the stack when `dfcloud:apiKey` is plain text in the stack config. The engine hands the
 * whole stack config to the dynamic provider as the inputs of the default `pulumi-nodejs` provider
 * and records those inputs in the state file, so a plain key is stored there in the clear (measured:
 * 9 copies after one `up` with the file backend — the checkpoint, its backup and the history), while
 * a secret one is stored encrypted.
 */
export const PLAIN_TEXT_KEY_WARNING =
  "dfcloud:apiKey is plain text in this stack's config, and Pulumi copies the stack config into the " +
  "state (as the inputs of the default pulumi-nodejs provider), so the key is stored there unencrypted. " +
  "Make it a secret: `pulumi config set --secret dfcloud:apiKey <key>`; or remove it " +
  "(`pulumi config rm dfcloud:apiKey`) and set the DFCLOUD_API_KEY environment variable, which is never " +
  "stored. If the state or Pulumi.<stack>.yaml was shared with the key in it, rotate the key.";

/** Warned on the stack at preview when there is no key at all: preview passes, later steps would not. */
export const NO_KEY_WARNING =
  "no Dragonfly Cloud API key: neither dfcloud:apiKey nor DFCLOUD_API_KEY is set, so this preview " +
  "checked no ids against the API. `pulumi up`, `pulumi refresh` and `pulumi destroy` need a key: set " +
  "it with `pulumi config set --secret dfcloud:apiKey <key>` or the DFCLOUD_API_KEY environment variable.";

/** What the program can tell about the key, for {@link credentialWarnings}. */
export interface CredentialFacts {
  /** `dfcloud:apiKey` is set to a non-empty value. */
  configKeySet: boolean;
  /** The stack config marks `dfcloud:apiKey` secret; undefined when this SDK cannot tell. */
  configKeySecret: boolean | undefined;
  /** `DFCLOUD_API_KEY` is set to a non-empty value. */
  envKeySet: boolean;
  /** The program runs for a preview (`pulumi preview`, or the preview step of `up`). */
  dryRun: boolean;
}

/** The warnings that fit `facts`, in the order they are given. */
export function credentialWarnings(facts: CredentialFacts): string[] {
  if (facts.configKeySet) return facts.configKeySecret === false ? [PLAIN_TEXT_KEY_WARNING] : [];
  // At `up` a missing key fails every resource that needs the API with the same advice.
  return !facts.envKeySet && facts.dryRun ? [NO_KEY_WARNING] : [];
}

/**
 * `pulumi.runtime.isConfigSecret`, which @pulumi/pulumi exports at runtime but marks internal (its
 * type is not published); undefined in an SDK without it, where the key's secrecy is unknown.
 */
function isConfigSecret(key: string): boolean | undefined {
  const probe = (pulumi.runtime as unknown as { isConfigSecret?: (key: string) => boolean }).isConfigSecret;
  return typeof probe === "function" ? probe(key) : undefined;
}

/** The facts of the running program. */
function currentFacts(env: NodeJS.ProcessEnv = process.env): CredentialFacts {
  // runtime.getConfig reads the raw value without Config.get's secret-access bookkeeping.
  const configKey = pulumi.runtime.getConfig(API_KEY_CONFIG);
  const configKeySet = configKey !== undefined && configKey.trim() !== "";
  return {
    configKeySet,
    configKeySecret: configKeySet ? isConfigSecret(API_KEY_CONFIG) : undefined,
    envKeySet: (env[API_KEY_ENV] ?? "").trim() !== "",
    dryRun: pulumi.runtime.isDryRun(),
  };
}

/** Program runs already warned, by their stack resource (an Automation API process runs many). */
const warnedRuns = new WeakSet<object>();

/**
 * Warns on the stack, once per program run, when the key is plain text in the stack config, or, at
 * preview, when there is no key at all. Does nothing outside a program run. Every dfcloud resource's
 * constructor (generated from the contracts) and every lookup calls it, so inline Automation API
 * programs, which import this package outside any run, are warned too.
 */
export function noticeCredentials(): void {
  const stack = pulumi.runtime.getStackResource();
  if (stack === undefined || warnedRuns.has(stack)) return;
  warnedRuns.add(stack);
  for (const warning of credentialWarnings(currentFacts())) void pulumi.log.warn(warning, stack);
}
