/**
 * The API key stays secret on every path, not only the happy one. The real `pulumi` CLI in
 * a project folder, as a new user runs it, against the emulator:
 *
 * - What lands in state for each way of giving the key (the dynamic-provider front door; the native
 *   plugin is not built): plain `dfcloud-backups:apiKey` — in the clear, as the inputs of the default
 *   pulumi-nodejs provider, with a warning on the stack at preview and up that names the fix; the same
 *   stack after `config set --secret` — ciphertext in the checkpoint; `--secret` from the start — only
 *   ciphertext anywhere; DFCLOUD_API_KEY — nothing at all. A stack that still holds the key under the
 *   package's former namespace (`dfcloud:apiKey`) keeps working, and is warned about under that name.
 * - A preview with no key at all passes and warns that up, refresh and destroy will need one.
 * - Against an emulator that echoes the Authorization header in every error body (as given,
 *   URL-encoded, base64, in a Bearer header dump): a create that fails after the backup was made
 *   (initErrors in state), the retries' progress lines, a failed refresh and a failed destroy; and a
 *   refresh and destroy with a key the API rejects (401). No spelling of either key is in any file
 *   the engine wrote or in anything it printed.
 */
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, LEGACY_CONFIG_NAMESPACE } from "@pulumi-dfcloud/provider";
import { type RunningEmulator, startEmulator } from "dfcloud-emulator";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type CommandResult, engineEnv, newWorkDir, pulumi, writeFile } from "./harness";

/** Keys with characters that every encoding spells differently, so each spelling is a real search. */
const KEY = "dragonflydb_s3cr3t/echo+Key=42~!(x)&%y?>>";
/** A key the emulator does not know: the one a user rotated away, or mistyped. */
const REJECTED_KEY = "dragonflydb_rev0ked/Key+7=~!(z)&%q?<<";

/** The stack config keys of the key and the URL: `dfcloud-backups:apiKey`, `dfcloud-backups:apiUrl`. */
const API_KEY = configKey("apiKey");
const API_URL = configKey("apiUrl");
/** Where stacks written before the package had its own name hold the key: `dfcloud:apiKey`. */
const LEGACY_API_KEY = `${LEGACY_CONFIG_NAMESPACE}:apiKey`;

/** The warning on the stack for a plain-text key under config key `name`, word for word. */
const plainTextKeyWarning = (name: string) =>
  `warning: ${name} is plain text in this stack's config, and Pulumi copies the stack config into the ` +
  "state (as the inputs of the default pulumi-nodejs provider), so the key is stored there unencrypted. " +
  `Make it a secret: \`pulumi config set --secret ${name} <key>\`; or remove it ` +
  `(\`pulumi config rm ${name}\`) and set the DFCLOUD_API_KEY environment variable, which is never ` +
  "stored. If the state or Pulumi.<stack>.yaml was shared with the key in it, rotate the key.";
const PLAIN_TEXT_KEY_WARNING = plainTextKeyWarning(API_KEY);

/** The warning on the stack at a preview without any key, word for word. */
const NO_KEY_WARNING =
  "warning: no Dragonfly Cloud API key: neither dfcloud-backups:apiKey nor DFCLOUD_API_KEY is set, so " +
  "this preview checked no ids against the API. `pulumi up`, `pulumi refresh` and `pulumi destroy` need " +
  "a key: set it with `pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY " +
  "environment variable.";

/**
 * Every spelling of `key` a server or library could echo, computed here independently of the
 * provider's redact.ts: as given, percent-encoded (`encodeURIComponent`), form-encoded, base64 and
 * base64url of the key, and the part of base64("Bearer <key>") that encodes the key alone.
 */
function spellingsOf(key: string): Record<string, string> {
  const header = `Bearer ${key}`;
  const prefixBits = 8 * "Bearer ".length;
  return {
    "as given": key,
    "percent-encoded": encodeURIComponent(key),
    "form-encoded": new URLSearchParams({ k: key }).toString().slice(2),
    base64: Buffer.from(key).toString("base64"),
    base64url: Buffer.from(key).toString("base64url"),
    "inside base64 of the Bearer header": Buffer.from(header)
      .toString("base64")
      .slice(Math.ceil(prefixBits / 6), Math.floor((prefixBits + 8 * Buffer.byteLength(key)) / 6)),
  };
}

/** `where: spelling` for each spelling of each key found in each text. */
function leaks(texts: Record<string, string>, keys: readonly string[]): string[] {
  const found: string[] = [];
  for (const [where, text] of Object.entries(texts)) {
    for (const key of keys) {
      for (const [name, spelling] of Object.entries(spellingsOf(key))) {
        if (text.includes(spelling)) found.push(`${where}: ${key === KEY ? "key" : "rejected key"} ${name}`);
      }
    }
  }
  return found;
}

/** Every file under `dir`, by path relative to it, with its text. */
function filesUnder(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files[path.relative(dir, file)] = fs.readFileSync(file, "latin1");
  }
  return files;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

/** The datastore every stack protects. */
const DATASTORE_CONFIG = {
  name: "orders",
  location: { provider: "aws", region: "eu-west-1", availability_zones: ["euw1-az1"] },
  tier: { max_memory_bytes: 6_250_000_000, performance_tier: "standard", replicas: 1 },
  cluster: { enabled: false },
};

/**
 * The program, in JavaScript so that no TypeScript compile runs: one nightly schedule, a new user's
 * first program, plus, with `withBackup`, a backup whose create can fail after the backup was made.
 */
const PROGRAM = `
const pulumi = require("@pulumi/pulumi");
const dfcloud = require("pulumi-dfcloud");
const config = new pulumi.Config();
const datastoreId = config.require("datastoreId");
new dfcloud.BackupSchedule("nightly", { datastoreId, days: "every", hours: [3], retentionDays: 7 });
if (config.getBoolean("withBackup")) {
  new dfcloud.Backup("pre-deploy", { datastoreId, description: "before release", retentionDays: 7, waitTimeoutMinutes: 1 });
}
`;

/** A project folder with its own file backend, run with the real CLI; remembers everything it printed. */
class Project {
  readonly dir = newWorkDir("secrets");
  readonly name = `dfcloud-secrets-${path.basename(this.dir).split("-").pop()}`;
  readonly stack = "dev";
  readonly env: NodeJS.ProcessEnv;
  /** stdout and stderr of every command, in order. */
  readonly printed: string[] = [];

  constructor(extraEnv: Record<string, string> = {}) {
    this.env = engineEnv(this.dir, extraEnv);
    // Only what a test sets: never a developer's own key or URL.
    for (const name of ["DFCLOUD_API_KEY", "DFCLOUD_API_URL"]) if (!(name in extraEnv)) delete this.env[name];
    writeFile(
      this.dir,
      "Pulumi.yaml",
      `name: ${this.name}\nmain: index.js\nruntime:\n  name: nodejs\n  options:\n    typescript: false\n` +
        "    nodeargs: --disable-warning=ExperimentalWarning\n",
    );
    writeFile(this.dir, "index.js", PROGRAM);
  }

  /** Runs `pulumi <args> --stack dev`; never throws. */
  async run(...args: string[]): Promise<CommandResult> {
    const stackArgs = args[0] === "stack" && args[1] === "init" ? [] : ["--stack", this.stack];
    const result = await pulumi([...args, ...stackArgs], this.dir, this.env);
    this.printed.push(result.stdout, result.stderr);
    return result;
  }

  /** Runs a command that must succeed; throws with its output otherwise. */
  async ok(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    if (result.code !== 0)
      throw new Error(`pulumi ${args.join(" ")} exited ${result.code}\n${result.stdout}\n${result.stderr}`);
    return `${result.stdout}\n${result.stderr}`;
  }

  /** A command that must fail; its output. */
  async fails(...args: string[]): Promise<string> {
    const result = await this.run(...args);
    expect(result.code, `pulumi ${args.join(" ")} should fail\n${result.stdout}\n${result.stderr}`).not.toBe(
      0,
    );
    return `${result.stdout}\n${result.stderr}`;
  }

  async init(config: Record<string, string>, secret: Record<string, string> = {}): Promise<void> {
    await this.ok("stack", "init", this.stack);
    for (const [key, value] of Object.entries(config)) await this.ok("config", "set", key, value);
    for (const [key, value] of Object.entries(secret)) await this.ok("config", "set", "--secret", key, value);
  }

  get stateDir(): string {
    return path.join(this.dir, ".pulumi-state");
  }

  /** The stack's current checkpoint file (the file backend's `stacks/<project>/<stack>.json`). */
  checkpoint(): { text: string; json: Checkpoint } {
    const text = fs.readFileSync(
      path.join(this.stateDir, ".pulumi", "stacks", this.name, `${this.stack}.json`),
      "utf8",
    );
    return { text, json: JSON.parse(text) as Checkpoint };
  }

  /** The inputs of the default pulumi-nodejs provider: where the engine puts the stack config. */
  providerInputs(): Record<string, unknown> {
    const provider = this.checkpoint().json.checkpoint.latest.resources?.find(
      (resource) => resource.type === "pulumi:providers:pulumi-nodejs",
    );
    if (!provider) throw new Error("no pulumi-nodejs provider in the checkpoint");
    return provider.inputs ?? {};
  }
}

interface Checkpoint {
  checkpoint: {
    latest: {
      /** Absent once everything is destroyed. */
      resources?: { type: string; urn: string; inputs?: Record<string, unknown>; initErrors?: string[] }[];
    };
  };
}

/** How Pulumi writes a secret into state: a marker and the ciphertext, never the value. */
const SECRET_ENVELOPE = {
  "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270",
  ciphertext: expect.any(String),
};

let emulator: RunningEmulator;

beforeAll(async () => {
  emulator = await startEmulator({
    apiKeys: [KEY],
    echoAuthorization: true,
    timeScale: 0,
    durations: { datastoreCreate: 0, datastoreUpdate: 0, datastoreDelete: 0, restore: 0, backup: 0 },
  });
});

afterAll(async () => {
  await emulator?.close();
});

// A test that failed half-way must not leave its faults to the next one.
afterEach(async () => {
  await emulator?.admin.clearFaults();
});

async function newDatastore(): Promise<string> {
  return (await emulator.admin.seedDatastore(KEY, DATASTORE_CONFIG)).datastore_id;
}

describe("what lands in state for each way of giving the key (dynamic-provider front door)", () => {
  it("plain dfcloud-backups:apiKey: in the clear in the provider's inputs, warned at preview and up; after config set --secret: ciphertext", async () => {
    const project = new Project();
    await project.init({
      datastoreId: await newDatastore(),
      [API_URL]: emulator.url,
      [API_KEY]: KEY,
    });

    expect(await project.ok("preview")).toContain(PLAIN_TEXT_KEY_WARNING);
    expect(await project.ok("up", "--yes", "--skip-preview")).toContain(PLAIN_TEXT_KEY_WARNING);

    // The engine stores the stack config as the default pulumi-nodejs provider's inputs.
    expect(project.providerInputs()[API_KEY]).toBe(KEY);
    const stateFiles = filesUnder(project.stateDir);
    const copies = Object.values(stateFiles).reduce((sum, text) => sum + count(text, KEY), 0);
    console.log(
      `plain ${API_KEY} after one up: ${copies} copies of the key in ${Object.keys(stateFiles).length} state files`,
    );
    expect(copies).toBeGreaterThan(0);

    // The fix the warning names: the next up rewrites the checkpoint with the key encrypted.
    await project.ok("config", "set", "--secret", API_KEY, KEY);
    const after = await project.ok("up", "--yes", "--skip-preview");
    expect(after).not.toContain(`warning: ${API_KEY} is plain text`);
    expect(project.providerInputs()[API_KEY]).toEqual(SECRET_ENVELOPE);
    expect(project.checkpoint().text).not.toContain(KEY);
    // Earlier checkpoints, backups and history keep the plain copy: hence "rotate the key".
    const stillHolding = Object.entries(filesUnder(project.stateDir))
      .filter(([, text]) => text.includes(KEY))
      .map(([file]) => file);
    console.log(`after config set --secret and up: the key is in ${stillHolding.length} older state files`);
    for (const file of stillHolding) expect(file).toMatch(/^\.pulumi\/(history|backups)\//);
  });

  it("dfcloud-backups:apiKey set with --secret: only ciphertext in state, no warning", async () => {
    const project = new Project();
    await project.init({ datastoreId: await newDatastore(), [API_URL]: emulator.url }, { [API_KEY]: KEY });
    await project.ok("preview");
    await project.ok("up", "--yes", "--skip-preview");
    expect(project.providerInputs()[API_KEY]).toEqual(SECRET_ENVELOPE);
    expect(leaks({ ...filesUnder(project.stateDir), output: project.printed.join("\n") }, [KEY])).toEqual([]);
    expect(project.printed.join("\n")).not.toContain(`warning: ${API_KEY}`);
    expect(project.printed.join("\n")).not.toContain("no Dragonfly Cloud API key");
  });

  it("DFCLOUD_API_KEY in the environment: not in the config, not in state, no warning", async () => {
    const project = new Project({ DFCLOUD_API_KEY: KEY });
    await project.init({ datastoreId: await newDatastore(), [API_URL]: emulator.url });
    await project.ok("preview");
    await project.ok("up", "--yes", "--skip-preview");
    expect(project.providerInputs()).not.toHaveProperty(API_KEY);
    expect(leaks({ ...filesUnder(project.dir), output: project.printed.join("\n") }, [KEY])).toEqual([]);
    expect(project.printed.join("\n")).not.toContain(`warning: ${API_KEY}`);
  });

  it("a stack from before the package had its own name: dfcloud:apiKey still works, and is warned about by that name", async () => {
    const project = new Project();
    const datastoreId = await newDatastore();
    await project.init({
      datastoreId,
      [`${LEGACY_CONFIG_NAMESPACE}:apiUrl`]: emulator.url,
      [LEGACY_API_KEY]: KEY,
    });
    const up = await project.ok("up", "--yes", "--skip-preview");
    expect(up).toContain(plainTextKeyWarning(LEGACY_API_KEY));
    expect(up).not.toContain(PLAIN_TEXT_KEY_WARNING);
    const policy = (await emulator.admin.state()).datastores.find(
      (datastore) => datastore.datastore_id === datastoreId,
    )?.config.backup_policy;
    expect(policy).toMatchObject({ enabled: true, every_day: true, hours: [3], retention: 7 });
  });
});

describe("no key at all", () => {
  it("preview passes and warns that up, refresh and destroy will need one", async () => {
    const project = new Project();
    await project.init({ datastoreId: await newDatastore(), [API_URL]: emulator.url });
    const preview = await project.ok("preview");
    expect(preview).toContain(NO_KEY_WARNING);
    // The provider's preview-time id check says why it checked nothing, once per resource.
    expect(preview).toContain(
      `ids not checked at preview: no Dragonfly Cloud API key: set it with \`pulumi config set --secret ${API_KEY} <key>\` or the DFCLOUD_API_KEY environment variable`,
    );
    expect(preview).toMatch(/\+ 2 to create/);
  });
});

describe("an API that echoes the Authorization header in its error bodies", () => {
  it("echoes the key in every spelling searched for, so the searches below can find it", async () => {
    const response = await fetch(`${emulator.url}/v1/datastores/dst_nope`, {
      headers: { authorization: `Bearer ${KEY}` },
    });
    const body = await response.text();
    expect(response.status).toBe(404);
    for (const spelling of Object.values(spellingsOf(KEY))) expect(body).toContain(spelling);
  });

  it("keeps both keys out of state and output through a partial create, retries, a failed refresh and failed destroys", async () => {
    const datastoreId = await newDatastore();
    const project = new Project();
    await project.init({ datastoreId, withBackup: "true", [API_URL]: emulator.url }, { [API_KEY]: KEY });

    // The backup is made, then every read of it is refused (429, retry at once): the create fails
    // after it started, so the engine records the backup with its error as initErrors.
    await emulator.admin.setFaults({
      rate: 1,
      kinds: ["429"],
      retryAfterSeconds: 0,
      methods: ["GET"],
      pathPrefix: "/v1/backups/",
    });
    const up = await project.fails("up", "--yes", "--skip-preview");
    expect(up).toMatch(
      /retrying GET \/v1\/backups\/bkp_\w+ in 0\.0 s: GET \/v1\/backups\/bkp_\w+ failed with 429/,
    );
    expect(up).toContain('(request authorization: "Bearer [REDACTED]"; as a query: access_token=[REDACTED]');
    const backup = project
      .checkpoint()
      .json.checkpoint.latest.resources?.find((resource) => resource.urn.endsWith("::pre-deploy"));
    expect(backup?.initErrors).toHaveLength(1);
    expect(backup?.initErrors?.[0]).toMatch(
      /^backup bkp_\w+ was created but did not become ready; run `pulumi up` again to keep waiting[^\n]*\n.*failed with 429 Too Many Requests: .*\(request authorization: "Bearer \[REDACTED\]"/,
    );

    // Every call refused: refresh and destroy fail with the server's echo in their errors.
    await emulator.admin.setFaults({ rate: 1, kinds: ["429"], retryAfterSeconds: 0 });
    const refresh = await project.fails("refresh", "--yes", "--skip-preview");
    expect(refresh).toMatch(/GET \/v1\/\S+ failed with 429 Too Many Requests: .*Bearer \[REDACTED\]/);
    const destroy = await project.fails("destroy", "--yes", "--skip-preview");
    expect(destroy).toMatch(
      /(PUT|GET|DELETE) \/v1\/\S+ failed with 429 Too Many Requests: .*Bearer \[REDACTED\]/,
    );

    // Without faults the stack goes away, so what is searched below is the whole story.
    await emulator.admin.clearFaults();
    await project.ok("destroy", "--yes", "--skip-preview");
    expect(project.checkpoint().json.checkpoint.latest.resources ?? []).toEqual([]);

    const written = filesUnder(project.dir);
    console.log(
      `searched ${Object.keys(written).length} files and ${project.printed.length / 2} commands' output`,
    );
    expect(leaks({ ...written, output: project.printed.join("\n") }, [KEY])).toEqual([]);
  });

  it("keeps a key the API rejects out of state and output: refresh and destroy fail with 401", async () => {
    // The key comes from DFCLOUD_API_KEY here, so that a changed key reaches the provider at once:
    // a destroy configures the provider from the inputs recorded in state, the old stack config.
    const project = new Project({ DFCLOUD_API_KEY: KEY });
    await project.init({ datastoreId: await newDatastore(), [API_URL]: emulator.url });
    await project.ok("up", "--yes", "--skip-preview");

    project.env.DFCLOUD_API_KEY = REJECTED_KEY;
    const refresh = await project.fails("refresh", "--yes", "--skip-preview");
    const destroy = await project.fails("destroy", "--yes", "--skip-preview");
    for (const output of [refresh, destroy]) {
      expect(output).toContain(
        'failed with 401 Unauthorized: unauthorized: missing or invalid API key (request authorization: "Bearer [REDACTED]"',
      );
      expect(output).toContain("Check the API key and its permissions.");
    }

    project.env.DFCLOUD_API_KEY = KEY;
    await project.ok("destroy", "--yes", "--skip-preview");
    expect(project.checkpoint().json.checkpoint.latest.resources ?? []).toEqual([]);
    const written = filesUnder(project.dir);
    expect(leaks({ ...written, output: project.printed.join("\n") }, [KEY, REJECTED_KEY])).toEqual([]);
  });
});
