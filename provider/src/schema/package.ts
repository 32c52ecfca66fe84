/**
 * The package's metadata and the provider's configuration. The resources and functions are listed
 * in registry.ts, which assembles the whole package contract; this file knows none of them.
 */
import { DEFAULT_API_URL } from "../client/modelled";
import { ALLOW_INSECURE_HTTP_ENV } from "../client/options";
import type { PackageContract } from "./render";
import { PACKAGE, t } from "./spec";

/** The package's version: the SDK's, the plugin's and schema.json's. */
export const PACKAGE_VERSION = "0.1.0";

const API_URL_TEXT =
  "Base URL of the Dragonfly Cloud API: `https` only, except `http` on loopback hosts (the local emulator), or on " +
  "any host with `allowInsecureHttp`. When " +
  `unset, the \`DFCLOUD_API_URL\` environment variable is used. Default \`${DEFAULT_API_URL}\`.`;

const ALLOW_INSECURE_HTTP_TEXT =
  "Accept a plain `http` `apiUrl` on a host that is not loopback, such as the local emulator in a CI service " +
  "container reached by host name (`http://dfcloud-emulator:8765`). The API key then travels unencrypted, and the " +
  "provider warns once; never set it with a real key. Without it, such a URL is refused. When unset, the " +
  `\`${ALLOW_INSECURE_HTTP_ENV}\` environment variable (\`true\` or \`false\`) is used. Default \`false\`.`;

/** The package's metadata, as schema.json's top level says it. */
export const PACKAGE_METADATA: PackageContract["metadata"] = {
  name: PACKAGE,
  displayName: "Dragonfly Cloud backups",
  version: PACKAGE_VERSION,
  description:
    "Dragonfly Cloud backups as Pulumi resources: a datastore's recurring backup schedule, one-off backups, restores, and lookups of backups and datastores.",
  keywords: ["pulumi", "dragonfly", "dragonflydb", "backup", "restore", "category/database", "kind/native"],
  homepage: "https://www.dragonflydb.io/cloud",
  license: "Apache-2.0",
  publisher: "pulumi-dfcloud",
  meta: { moduleFormat: "(.*)" },
  // Every generated SDK names the plugin at this package's version (`respectSchemaVersion`), not a
  // placeholder (`${VERSION}`, 0.0.0, or v1 read from the Go import path).
  language: {
    nodejs: {
      // Not the dynamic SDK's `pulumi-dfcloud`: a project can hold both while it moves to the plugin.
      packageName: "pulumi-dfcloud-backups",
      packageDescription:
        "Pulumi resources for Dragonfly Cloud backups: BackupSchedule, Backup, Restore and lookups",
      dependencies: { "@pulumi/pulumi": "^3.220.0" },
      respectSchemaVersion: true,
    },
    python: {
      packageName: "pulumi_dfcloud_backups",
      requires: { pulumi: ">=3.0.0,<4.0.0" },
      respectSchemaVersion: true,
    },
    // The Go SDK is the module github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go (go.mod written by
    // scripts/go-sdk-module.js into sdk/generated/go), its root package directly inside. The module is
    // not published: programs reach it through a `replace` directive to sdk/generated/go.
    go: {
      importBasePath: "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups",
      modulePath: "github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go",
      generateResourceContainerTypes: true,
      respectSchemaVersion: true,
    },
  },
};

/** The provider's configuration: what `pulumi config set dfcloud-backups:<key>` and an explicit provider take. */
export const PROVIDER_CONFIG: PackageContract["config"] = {
  apiKey: {
    type: t.string,
    secret: true,
    environment: ["DFCLOUD_API_KEY"],
    description:
      "Dragonfly Cloud API key (`dragonflydb_…`), sent as a bearer token. Set it with `pulumi config set --secret " +
      "dfcloud-backups:apiKey <key>`; when unset, the `DFCLOUD_API_KEY` environment variable is used. It is never written " +
      "to resource outputs.",
    providerDescription:
      "Dragonfly Cloud API key (`dragonflydb_…`), sent as a bearer token. When unset, the `DFCLOUD_API_KEY` " +
      "environment variable is used. It is never written to resource outputs.",
  },
  apiUrl: {
    type: t.string,
    default: DEFAULT_API_URL,
    environment: ["DFCLOUD_API_URL"],
    description: API_URL_TEXT,
    providerDescription: API_URL_TEXT,
  },
  allowInsecureHttp: {
    type: t.boolean,
    environment: [ALLOW_INSECURE_HTTP_ENV],
    description: ALLOW_INSECURE_HTTP_TEXT,
    providerDescription: ALLOW_INSECURE_HTTP_TEXT,
  },
};

/** What the provider resource is, as schema.json's `provider` description says. */
export const PROVIDER_DESCRIPTION =
  "The dfcloud-backups provider: the Dragonfly Cloud API key and URL every resource and lookup uses.";
