/**
 * Warnings about the API key, given in the Pulumi program (which can see the stack config and
 * whether a value is secret; the provider process sees the config already decrypted and cannot).
 */
import * as pulumi from "@pulumi/pulumi";
import { API_KEY_ENV, configKeysOf } from "@pulumi-dfcloud/provider";

export { API_KEY_ENV };

/**
 * The stack config key of the API key, `dfcloud-backups:apiKey`, and the one stacks written before
 * the package had its own name hold, still read after it.
 */
export const [API_KEY_CONFIG, LEGACY_API_KEY_CONFIG] = configKeysOf("apiKey");

/**
 * Warned on the stack when the key is plain text in the stack config under `configName` (default
 * {@link API_KEY_CONFIG}). The engine hands the
 * whole stack config to the dynamic provider as the inputs of the default `pulumi-nodejs` provider
 * and records those inputs in the state file, so a plain key is stored there in the clear (measured:
 * 9 copies after one `up` with the file backend — the checkpoint, its backup and the history), while
 * a secret one is stored encrypted.
 */
export function plainTextKeyWarning(configName: string = API_KEY_CONFIG): string {
  return (
    `${configName} is plain text in this stack's config, and Pulumi copies the stack config into the ` +
    "state (as the inputs of the default pulumi-nodejs provider), so the key is stored there unencrypted. " +
    `Make it a secret: \`pulumi config set --secret ${configName} <key>\`; or remove it ` +
    `(\`pulumi config rm ${configName}\`) and set the DFCLOUD_API_KEY environment variable, which is never ` +
    "stored. If the state or Pulumi.<stack>.yaml was shared with the key in it, rotate the key."
  );
}

/** {@link plainTextKeyWarning} of a key under {@link API_KEY_CONFIG}. */
export const PLAIN_TEXT_KEY_WARNING = plainTextKeyWarning();

/** Warned on the stack at preview when there is no key at all: preview passes, later steps would not. */
export const NO_KEY_WARNING =
  `no Dragonfly Cloud API key: neither ${API_KEY_CONFIG} nor DFCLOUD_API_KEY is set, so this preview ` +
  "checked no ids against the API. `pulumi up`, `pulumi refresh` and `pulumi destroy` need a key: set " +
  `it with \`pulumi config set --secret ${API_KEY_CONFIG} <key>\` or the DFCLOUD_API_KEY environment variable.`;

/** What the program can tell about the key, for {@link credentialWarnings}. */
export interface CredentialFacts {
  /** {@link API_KEY_CONFIG} (or {@link LEGACY_API_KEY_CONFIG}) is set to a non-empty value. */
  configKeySet: boolean;
  /** The stack config marks the key secret; undefined when this SDK cannot tell. */
  configKeySecret: boolean | undefined;
  /** The config key the key was found under. Default {@link API_KEY_CONFIG}. */
  configName?: string;
  /** `DFCLOUD_API_KEY` is set to a non-empty value. */
  envKeySet: boolean;
  /** The program runs for a preview (`pulumi preview`, or the preview step of `up`). */
  dryRun: boolean;
}

/** The warnings that fit `facts`, in the order they are given. */
export function credentialWarnings(facts: CredentialFacts): string[] {
  if (facts.configKeySet) {
    return facts.configKeySecret === false ? [plainTextKeyWarning(facts.configName)] : [];
  }
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
  // runtime.getConfig reads the raw value without Config.get's secret-access bookkeeping. The
  // provider reads the package's own key first, then the legacy one: so does this.
  const configName = configKeysOf("apiKey").find(
    (name) => (pulumi.runtime.getConfig(name) ?? "").trim() !== "",
  );
  return {
    configKeySet: configName !== undefined,
    configKeySecret: configName !== undefined ? isConfigSecret(configName) : undefined,
    ...(configName !== undefined ? { configName } : {}),
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
