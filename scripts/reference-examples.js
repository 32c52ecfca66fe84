// @ts-check
// The examples and the import notes of the API reference (docs/reference), one spec per resource
// and function. A spec holds values only, in a small language-neutral form that scripts/gen-docs.js
// renders to TypeScript, Python, Go and Pulumi YAML, so the four examples of a page cannot say
// different things. The properties and their types stay the contract's (schema.json): gen-docs.js
// refuses a spec that names an input the schema does not have, or leaves out a required one.

/**
 * A value in a spec:
 * - a literal (string, number, boolean) or an array of them;
 * - `{ config: "key" }`: a string the program reads from the stack's config (`pulumi config set key …`);
 * - `{ ref: "step", property: "name" }`: an output of an earlier step (a resource, or a lookup's
 *   result); without `property`, the whole result of a lookup.
 * @typedef {{ config: string }} ConfigValue
 * @typedef {{ ref: string, property?: string }} RefValue
 * @typedef {string | number | boolean | ConfigValue | RefValue | Array<string | number | boolean>} Value
 */

/**
 * A step of an example program: a resource (`name` is its Pulumi name and, in snake_case in Python,
 * its variable) or a lookup (`name` is the variable holding its result).
 * `comment` is one line of prose above it. Resource `options` are the few resource options an
 * example shows.
 * @typedef {{
 *   resource: string, name: string, args: Record<string, Value>, comment?: string,
 *   options?: { retainOnDelete?: boolean, protect?: boolean },
 * }} ResourceStep
 * @typedef {{ invoke: string, name: string, args: Record<string, Value>, comment?: string }} InvokeStep
 */

/**
 * How `pulumi import` works for a resource. `id` is an example resource id and `idIs` what that id
 * is; `native` says what an import records. A resource that cannot be imported says why in
 * `refused` instead. `dynamic` is what the dynamic SDK (`pulumi-dfcloud`) offers in its place.
 * @typedef {{ id: string, idIs: string, native: string, dynamic: string } | { refused: string, dynamic: string }} ImportNote
 */

/**
 * @typedef {{
 *   steps: Array<ResourceStep | InvokeStep>,
 *   exports: Record<string, RefValue>,
 *   import?: ImportNote,
 * }} ReferenceExample
 */

/**
 * Why no `pulumi import` reaches a dynamic resource: what every resource page says about the
 * dynamic SDK before its own alternative.
 */
const DYNAMIC_CANNOT_IMPORT =
  "The dynamic SDK (`pulumi-dfcloud`) cannot import, neither with `pulumi import` nor with the `import` " +
  "resource option: the engine imports by asking the resource's provider to read the id alone, and a " +
  "dynamic resource's provider is code kept in the resource's own inputs, which an import does not have yet.";

/** The example and import note of each resource and function, by the member's name in schema.json. */
/** @type {Record<string, ReferenceExample>} */
const EXAMPLES = {
  BackupSchedule: {
    steps: [
      {
        resource: "BackupSchedule",
        name: "weekdays",
        comment:
          "Monday to Friday at 02:00 in Berlin, converted with Berlin's winter offset all year (03:00 in summer); each backup kept two weeks.",
        args: {
          datastoreId: { config: "datastoreId" },
          days: ["mon", "tue", "wed", "thu", "fri"],
          hours: [2],
          retentionDays: 14,
          timeZone: "Europe/Berlin",
          dstHandling: "standardTime",
        },
      },
    ],
    exports: {
      utcDays: { ref: "weekdays", property: "utcDays" },
      utcHours: { ref: "weekdays", property: "utcHours" },
    },
    import: {
      id: "dst_…",
      idIs: "the datastore's id (`dst_…`), which is the resource id",
      native:
        "The import records the live schedule as the inputs, in UTC (`timeZone` `UTC`) and in the form the plugin's " +
        "check normalises them to, so a program that declares those inputs previews no change. A datastore without " +
        "a schedule has nothing to import, and the import fails.",
      dynamic:
        "Adopt the schedule instead: declare a `BackupSchedule` with the live days, hours and retention. `up` reads the " +
        "live schedule, finds that it already matches, and writes nothing.",
    },
  },

  Backup: {
    steps: [
      {
        resource: "Backup",
        name: "beforeMigration",
        comment:
          "A one-off backup before a risky change, kept two weeks; `retainOnDelete` keeps it (until it expires) when the stack is destroyed.",
        args: {
          datastoreId: { config: "datastoreId" },
          description: "before schema migration",
          retentionDays: 14,
        },
        options: { retainOnDelete: true },
      },
    ],
    exports: {
      backupId: { ref: "beforeMigration", property: "backupId" },
      backupStatus: { ref: "beforeMigration", property: "status" },
      backupExpiresAt: { ref: "beforeMigration", property: "expiresAt" },
    },
    import: {
      id: "bkp_…",
      idIs: "its backup id (`bkp_…`), which is the resource id",
      native:
        "The import records the backup's datastore, description and retention as the API reports them as the inputs, " +
        "so a program that declares those inputs previews no change. A backup that does not exist fails the import.",
      dynamic:
        'Adopt the backup instead: declare a `Backup` with `existingBackupId: "bkp_…"` and the backup\'s datastore, ' +
        "description and retention. `up` adopts it instead of taking a new one, and refuses with the live values when " +
        "they differ. An adopted backup is deleted on `destroy` like any other.",
    },
  },

  Restore: {
    steps: [
      {
        resource: "Restore",
        name: "stagingRestore",
        comment:
          "Replaces the staging datastore's data with the backup, then checks the restored data; a new `trigger` restores again.",
        args: {
          datastoreId: { config: "stagingDatastoreId" },
          backupId: { config: "backupId" },
          acknowledgeDataLoss: true,
          trigger: "2026-12-01",
          ifAlreadyLoaded: "skip",
          expectKeys: ["config:feature-flags"],
          minKeys: 1,
        },
      },
    ],
    exports: {
      restoreStatus: { ref: "stagingRestore", property: "status" },
      restoredAt: { ref: "stagingRestore", property: "restoredAt" },
      restoredKeys: { ref: "stagingRestore", property: "keys" },
    },
    import: {
      refused:
        "A Restore cannot be imported: it records an action this stack took, not an object the API keeps (the API " +
        "keeps no record of restores, only the datastore's last `config.restore`). `pulumi import " +
        'dfcloud-backups:index:Restore` fails and says so. To record a restore that already ran, declare the Restore with `ifAlreadyLoaded: "skip"`: ' +
        "`up` finds the backup loaded and records the Restore as `skipped` without restoring again.",
      dynamic: 'The same `ifAlreadyLoaded: "skip"` declaration records it with the dynamic SDK.',
    },
  },

  RestoreDrill: {
    steps: [
      {
        resource: "RestoreDrill",
        name: "weeklyDrill",
        comment:
          "Restores the newest ready backup into a temporary datastore and judges it; a new `trigger` (the ISO week) drills again.",
        args: {
          datastoreId: { config: "datastoreId" },
          expectKeys: ["config:feature-flags"],
          minKeys: 100,
          maxRestoreMinutes: 30,
          maxBackupAgeHours: 26,
          trigger: "2026-W49",
        },
      },
    ],
    exports: {
      drillPassed: { ref: "weeklyDrill", property: "passed" },
      drilledBackupId: { ref: "weeklyDrill", property: "backupId" },
      restoreSeconds: { ref: "weeklyDrill", property: "restoreSeconds" },
      drillFailures: { ref: "weeklyDrill", property: "failures" },
    },
    import: {
      refused:
        "A RestoreDrill cannot be imported: it records an action this stack took (a drill and its evidence), not an " +
        "object the API keeps. `pulumi import dfcloud-backups:index:RestoreDrill` fails with " +
        '"a RestoreDrill cannot be imported (<id>); declare it, and `up` runs the drill." There is nothing ' +
        "to adopt: declare the drill, and `up` runs it.",
      dynamic: "The same holds for the dynamic SDK.",
    },
  },

  listBackups: {
    steps: [
      {
        invoke: "listBackups",
        name: "readyManualBackups",
        comment: "The datastore's manual backups that are ready, newest first.",
        args: { datastoreId: { config: "datastoreId" }, source: "manual", status: "ready" },
      },
    ],
    exports: { backups: { ref: "readyManualBackups" } },
  },

  getBackup: {
    steps: [
      {
        invoke: "getBackup",
        name: "found",
        comment: "One backup, as the API reports it.",
        args: { backupId: { config: "backupId" } },
      },
    ],
    exports: {
      status: { ref: "found", property: "status" },
      datastoreId: { ref: "found", property: "datastoreId" },
      expiresAt: { ref: "found", property: "expiresAt" },
    },
  },

  getDatastore: {
    steps: [
      {
        invoke: "getDatastore",
        name: "datastore",
        comment: "The datastore's status, location, live backup schedule and last restore.",
        args: { datastoreId: { config: "datastoreId" } },
      },
    ],
    exports: {
      status: { ref: "datastore", property: "status" },
      region: { ref: "datastore", property: "region" },
      backupSchedule: { ref: "datastore", property: "backupSchedule" },
    },
  },
};

module.exports = { EXAMPLES, DYNAMIC_CANNOT_IMPORT };
