/**
 * Side by side with the bridged Dragonfly Terraform provider. `pulumi package add terraform-provider
 * dragonflydb/dfcloud` makes the vendor's Terraform provider a Pulumi package named `dfcloud`: the
 * `terraform-provider` plugin parameterized as `dfcloud`, with a local SDK whose package.json tells the
 * language host so. Since engine v3.233 two plugins that claim one package name stop every preview and
 * update ("package … is provided by more than one plugin"), which is why this package is
 * `dfcloud-backups`. Here, with the real engine, our Node.js language host (which reports the
 * packages a program's node_modules need, as the Go host does), the native plugin and the generated
 * SDK `pulumi-dfcloud-backups`, against the emulator:
 * - a stand-in `terraform-provider` plugin (fixtures/terraform-provider) gives the bridged package's
 *   SDK through `pulumi package gen-sdk <plugin> dragonflydb/dfcloud --local`, the step `package add`
 *   runs, and one program creates a datastore with it and schedules that datastore's backups with
 *   ours: preview and up succeed, the datastore exists with the declared schedule, destroy removes both;
 * - the same program with the stand-in parameterized as `dfcloud-backups` (`--provider-name`, as the
 *   bridge offers for clashing names) is refused by the engine before anything runs: the name alone
 *   makes the difference.
 */
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { configKey, nativeToken, PACKAGE, PACKAGE_VERSION } from "@pulumi-dfcloud/provider";
import type { RunningEmulator } from "dfcloud-emulator";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  CODEGEN_BIN,
  completedSteps,
  engineEnv,
  frozenEmulator,
  generatedNodeSdk,
  isInfrastructure,
  NATIVE_PLUGIN_DIR,
  newWorkDir,
  pulumi,
  pulumiOk,
  ROOT,
  stepCounts,
  writeFile,
} from "./harness";

const API_KEY = "dragonflydb_bridged_provider_key_0123456789";
/** The stand-in for Pulumi's `terraform-provider` plugin. */
const STAND_IN = path.join(__dirname, "fixtures", "terraform-provider");
/** The bridged package's name: the Terraform provider's, as `package add` gives it. */
const BRIDGED = "dfcloud";
/** The datastore the program creates through the bridged package. */
const DATASTORE = { name: "orders", region: "eu-west-1", memoryBytes: 6_250_000_000 };

/** Runs the repository's tsc on a generated SDK's tsconfig.json; throws with its output when it fails. */
function compile(dir: string): Promise<void> {
  return new Promise((resolve, reject) =>
    execFile(
      process.execPath,
      [path.join(ROOT, "node_modules/typescript/bin/tsc"), "-p", dir],
      (error, stdout, stderr) =>
        error ? reject(new Error(`tsc -p ${dir}:\n${stdout}${stderr}`)) : resolve(),
    ),
  );
}

/**
 * A Node.js project whose node_modules hold the bridged package's local SDK (as `pulumi package add
 * terraform-provider dragonflydb/dfcloud <parameters>` leaves it: generated into `sdks/`, built by its
 * postinstall, linked as `@pulumi/<package>`) and the generated SDK of this package, with both plugins
 * loaded from their folders.
 */
class Project {
  readonly workDir = newWorkDir("bridged-provider");
  readonly dir = path.join(this.workDir, "project");
  readonly env = engineEnv(this.workDir);
  readonly stack = "dev";

  /**
   * @param bridgedName the package the stand-in is parameterized as
   * @param parameters what follows `pulumi package add terraform-provider`
   */
  constructor(
    readonly bridgedName: string,
    readonly parameters: string[],
  ) {
    delete this.env.DFCLOUD_API_KEY;
    delete this.env.DFCLOUD_API_URL;
  }

  /** Runs `pulumi <args> --stack dev` in the project; never throws. */
  run(...args: string[]) {
    return pulumi([...args, "--stack", this.stack], this.dir, this.env);
  }

  /** Runs a command that must succeed; its stdout. */
  async ok(...args: string[]): Promise<string> {
    return (await pulumiOk([...args, "--stack", this.stack], this.dir, this.env)).stdout;
  }

  async create(emulatorUrl: string): Promise<void> {
    fs.mkdirSync(this.dir, { recursive: true });
    // `pulumi package add` generates the local SDK with the plugin's schema after Parameterize.
    const sdks = path.join(this.dir, "sdks", this.bridgedName);
    const [source = "", ...flags] = this.parameters;
    await pulumiOk(
      [
        "package",
        "gen-sdk",
        path.join(STAND_IN, "pulumi-resource-terraform-provider"),
        source,
        "--language",
        "nodejs",
        "--local",
        "--out",
        sdks,
        ...(flags.length ? ["--", ...flags] : []),
      ],
      this.dir,
      { ...this.env, PATH: [CODEGEN_BIN, this.env.PATH ?? ""].join(path.delimiter) },
    );
    const bridgedSdk = path.join(sdks, "nodejs");
    await compile(bridgedSdk);
    fs.copyFileSync(path.join(bridgedSdk, "package.json"), path.join(bridgedSdk, "bin", "package.json"));
    const modules = path.join(this.dir, "node_modules");
    fs.mkdirSync(path.join(modules, "@pulumi"), { recursive: true });
    fs.symlinkSync(bridgedSdk, path.join(modules, "@pulumi", this.bridgedName));
    fs.symlinkSync(await generatedNodeSdk(), path.join(modules, "pulumi-dfcloud-backups"));

    writeFile(
      this.dir,
      "Pulumi.yaml",
      [
        `name: bridged-${this.bridgedName}`,
        "main: index.js",
        "runtime:",
        "  name: nodejs",
        "  options:",
        "    typescript: false",
        "plugins:",
        "  providers:",
        `    - name: ${PACKAGE}`,
        `      path: ${NATIVE_PLUGIN_DIR}`,
        "    - name: terraform-provider",
        `      path: ${STAND_IN}`,
        "",
      ].join("\n"),
    );
    writeFile(
      this.dir,
      "index.js",
      [
        `const bridged = require("@pulumi/${this.bridgedName}");`,
        `const backups = require("pulumi-dfcloud-backups");`,
        `const datastore = new bridged.Datastore("orders", ${JSON.stringify(DATASTORE)});`,
        "const nightly = new backups.BackupSchedule(",
        `  "nightly", { datastoreId: datastore.id, days: "every", hours: [3], retentionDays: 7 });`,
        "exports.datastoreId = datastore.id;",
        "exports.scheduleHours = nightly.hours;",
        "",
      ].join("\n"),
    );
    await pulumiOk(["stack", "init", this.stack], this.dir, this.env);
    // One Dragonfly Cloud key, set for each package under its own name: ours reads
    // `dfcloud-backups:apiKey`, the bridged provider `dfcloud:apiKey`.
    await this.ok("config", "set", configKey("apiUrl"), emulatorUrl);
    await this.ok("config", "set", "--secret", configKey("apiKey"), API_KEY);
    await this.ok("config", "set", `${this.bridgedName}:apiUrl`, emulatorUrl);
    await this.ok("config", "set", "--secret", `${this.bridgedName}:apiKey`, API_KEY);
  }
}

describe("beside the bridged Terraform provider (a stand-in terraform-provider plugin)", () => {
  let emulator: RunningEmulator;

  /** The API writes (method and path) since the last call. */
  async function writes(): Promise<string[]> {
    const log = await emulator.admin.requests();
    await emulator.admin.clearRequests();
    return log.filter((entry) => entry.method !== "GET").map((entry) => `${entry.method} ${entry.path}`);
  }

  beforeAll(async () => {
    emulator = await frozenEmulator([API_KEY]);
  });

  afterAll(async () => {
    await emulator?.close();
  });

  it("one program creates a datastore with the bridged dfcloud package and schedules its backups with dfcloud-backups", async () => {
    const project = new Project(BRIDGED, ["dragonflydb/dfcloud"]);
    await project.create(emulator.url);
    // What `package add` wrote: the terraform-provider plugin, parameterized as dfcloud.
    const manifest = JSON.parse(
      fs.readFileSync(path.join(project.dir, "node_modules/@pulumi/dfcloud/package.json"), "utf8"),
    ) as { pulumi: object };
    expect(manifest.pulumi).toMatchObject({
      resource: true,
      name: "terraform-provider",
      parameterization: { name: BRIDGED },
    });
    await writes();

    const preview = await project.ok("preview", "--json");
    expect(stepCounts(preview)).toEqual({ create: 2 });
    const planned = (JSON.parse(preview) as { steps: { op: string; urn: string }[] }).steps
      .map((step) => step.urn.split("::")[2] ?? "")
      .filter((type) => !isInfrastructure(type))
      .sort();
    expect(planned).toEqual([`${BRIDGED}:index/datastore:Datastore`, nativeToken("BackupSchedule")].sort());
    expect(await writes()).toEqual([]);

    expect(completedSteps(await project.ok("up", "--yes", "--json"))).toEqual({ create: 2 });
    const outputs = JSON.parse(await project.ok("stack", "output", "--json")) as {
      datastoreId: string;
      scheduleHours: number[];
    };
    expect(outputs.scheduleHours).toEqual([3]);
    // The stand-in created the datastore; ours wrote its schedule (one PUT of its config).
    expect(await writes()).toEqual(["POST /v1/datastores", `PUT /v1/datastores/${outputs.datastoreId}`]);
    const live = (await emulator.admin.state()).datastores.find(
      (datastore) => datastore.datastore_id === outputs.datastoreId,
    );
    expect(live?.config).toMatchObject({
      name: DATASTORE.name,
      backup_policy: { enabled: true, every_day: true, every_hour: false, hours: [3], retention: 7 },
    });
    // Each package has its own default provider, configured from its own namespace.
    const state = JSON.parse(await project.ok("stack", "export")) as {
      deployment: { resources: { type: string; inputs?: Record<string, unknown> }[] };
    };
    const providers = state.deployment.resources.filter((resource) =>
      resource.type.startsWith("pulumi:providers:"),
    );
    expect(providers.map((provider) => provider.type).sort()).toEqual([
      `pulumi:providers:${BRIDGED}`,
      `pulumi:providers:${PACKAGE}`,
    ]);
    expect(
      Object.keys(providers.find((p) => p.type === `pulumi:providers:${PACKAGE}`)?.inputs ?? {}),
    ).toEqual(expect.arrayContaining(["apiKey", "apiUrl"]));

    // The schedule goes first (it depends on the datastore): read (a BackupSchedule is refreshed before
    // it is changed), switched off, then the datastore deleted.
    expect(completedSteps(await project.ok("destroy", "--yes", "--json"))).toEqual({ refresh: 1, delete: 2 });
    expect(await writes()).toEqual([
      `PUT /v1/datastores/${outputs.datastoreId}`,
      `DELETE /v1/datastores/${outputs.datastoreId}`,
    ]);
  });

  it("the same program with the stand-in claiming dfcloud-backups is refused before anything runs", async () => {
    const project = new Project(PACKAGE, ["dragonflydb/dfcloud", `--provider-name=${PACKAGE}`]);
    await project.create(emulator.url);
    await writes();

    for (const command of [["preview"], ["up", "--yes"]]) {
      const refused = await project.run(...command);
      expect(refused.code, refused.stdout).not.toBe(0);
      expect(`${refused.stdout}${refused.stderr}`).toContain(
        [
          `error: package "${PACKAGE}" is provided by more than one plugin:`,
          `  plugin "${PACKAGE}" v${PACKAGE_VERSION}`,
          `  plugin "terraform-provider" v1.0.0 parameterized as "${PACKAGE}" v0.3.0`,
          "Remove one of the packages, or pass an explicit `provider` option on each resource to disambiguate.",
        ].join("\n"),
      );
    }
    expect(await writes()).toEqual([]);
    expect(JSON.parse(await project.ok("stack", "export")).deployment.resources ?? []).toEqual([]);
  });
});
