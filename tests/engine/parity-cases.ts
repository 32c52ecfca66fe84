/**
 * The parity table: what every scenario of parity.test.ts expects, written once for both front
 * doors (the dynamic SDK `pulumi-dfcloud` and the native plugin `dfcloud-backups` through its
 * generated Node.js SDK), and every deliberate difference between the doors with its reason.
 */
import { restoreMessages } from "@pulumi-dfcloud/provider";
import { BAD_INPUT_CASES, type Case, type Fixture } from "../../provider/test/resources/bad-input-cases";
import type { DoorName } from "./harness";

/** The account the scenarios run in. */
export const API_KEY = "dragonflydb_parity_suite_key_0123456789abc";
/** Another account, whose objects the scenarios' account must not see. */
export const OTHER_API_KEY = "dragonflydb_parity_other_account_key_0123";

/**
 * The emulator's frozen clock in every scenario: Thursday 2026-01-15 10:30 UTC, in winter (Berlin at
 * UTC+1, New York at UTC-5). The same instant in both doors' emulators, so timestamps in state match.
 */
export const START = Date.UTC(2026, 0, 15, 10, 30);
/** {@link START} as the API's ISO 8601 timestamps show it. */
export const START_ISO = new Date(START).toISOString();

/** One day, in seconds (what emulator.admin.advance takes). */
export const DAY_SECONDS = 86_400;

/** The live policy of the lifecycle's schedule at `hours` UTC on `weekdays`, kept 7 days. */
export const policy = (weekdays: number[], hours: number[], enabled = true) => ({
  enabled,
  every_day: false,
  weekdays,
  every_hour: false,
  hours,
  retention: 7,
});

/** The ids a scenario's emulator gave out, to write expected state with (and to normalise it). */
export interface LifecycleIds {
  orders: string;
  staging: string;
  backupId: string;
}

/**
 * A timestamp the provider takes on the API's clock between two of its answers: the API's `Date`
 * header (whole seconds) plus the milliseconds this machine measured since, so its milliseconds vary
 * from run to run; the second is START's.
 */
export const ON_THE_API_CLOCK_AT_START = /^2026-01-15T10:30:00\.\d{3}Z$/;

/**
 * What state holds for each resource of the lifecycle after its first `up` (outputs, contract
 * fields only), the same through both doors: the frozen clock makes every timestamp known, to the
 * millisecond where the API gave it ({@link ON_THE_API_CLOCK_AT_START} where the provider measured it).
 */
export function lifecycleState(ids: LifecycleIds): Record<string, Record<string, unknown>> {
  return {
    nightly: {
      datastoreId: ids.orders,
      enabled: true,
      days: ["mon", "thu"],
      hours: [2],
      retentionDays: 7,
      timeZone: "UTC",
      dstHandling: "reject",
      waitTimeoutMinutes: 30,
      utcDays: ["mon", "thu"],
      utcHours: [2],
      utcOffsetHours: 0,
    },
    "before-drill": {
      datastoreId: ids.orders,
      description: "before the drill",
      retentionDays: 3,
      waitTimeoutMinutes: 30,
      backupId: ids.backupId,
      status: "ready",
      sizeBytes: LIFECYCLE_BACKUP_SIZE,
      createdAt: START_ISO,
      expiresAt: new Date(START + 3 * DAY_SECONDS * 1000).toISOString(),
      source: "manual",
      cloudProvider: "aws",
      region: "eu-west-1",
      shardCount: 1,
    },
    drill: {
      datastoreId: ids.staging,
      backupId: ids.backupId,
      acknowledgeDataLoss: true,
      trigger: "t1",
      ifAlreadyLoaded: "fail",
      waitTimeoutMinutes: 30,
      status: "restored",
      startedAt: ON_THE_API_CLOCK_AT_START,
      restoredAt: ON_THE_API_CLOCK_AT_START,
    },
  };
}

/** Size the emulator gives a backup of the lifecycle's datastore data (`{order: "A"}`), bytes. */
export const LIFECYCLE_BACKUP_SIZE = 70;

/**
 * Fields a door adds to every resource's inputs and outputs in state that are no part of the
 * package's contract.
 */
export const DOOR_ONLY_FIELDS: Record<DoorName, readonly string[]> = {
  // The serialised provider the dynamic SDK passes as an input (pulumi.dynamic.Resource).
  dynamic: ["__provider"],
  native: [],
};

/**
 * The `refresh` steps the engine adds for `schedules` BackupSchedules being updated: see
 * DOOR_DIFFERENCES, "an update of a BackupSchedule".
 */
export const refreshBeforeUpdate = (door: DoorName, schedules: number): Record<string, number> =>
  door === "native" && schedules > 0 ? { refresh: schedules } : {};

/** The warning preview gives through both doors for each id it could not check without a key. */
export const NO_KEY_PREVIEW_WARNING =
  "ids not checked at preview: no Dragonfly Cloud API key: set it with " +
  "`pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable";

/** The dynamic SDK's own warning, from the program, when there is no key at preview (see DOOR_DIFFERENCES). */
export const DYNAMIC_PROGRAM_NO_KEY_WARNING =
  "no Dragonfly Cloud API key: neither dfcloud-backups:apiKey nor DFCLOUD_API_KEY is set, so this preview " +
  "checked no ids against the API. `pulumi up`, `pulumi refresh` and `pulumi destroy` need a key: set " +
  "it with `pulumi config set --secret dfcloud-backups:apiKey <key>` or the DFCLOUD_API_KEY environment variable.";

/** The dynamic SDK's warning, on the stack at preview and up, about a key given as plain text. */
export const DYNAMIC_PLAIN_TEXT_KEY_WARNING =
  "dfcloud-backups:apiKey is plain text in this stack's config, and Pulumi copies the stack config into the " +
  "state (as the inputs of the default pulumi-nodejs provider), so the key is stored there unencrypted. " +
  "Make it a secret: `pulumi config set --secret dfcloud-backups:apiKey <key>`; or remove it " +
  "(`pulumi config rm dfcloud-backups:apiKey`) and set the DFCLOUD_API_KEY environment variable, which is never " +
  "stored. If the state or Pulumi.<stack>.yaml was shared with the key in it, rotate the key.";

/** What an API without `/v1/backups` makes Backup, listBackups and getBackup say. */
export const NO_BACKUP_ENDPOINTS =
  "this Dragonfly Cloud API offers no manual backup endpoints (GET /v1/backups answered 404): " +
  "Backup, listBackups and getBackup need them; BackupSchedule and Restore (with a backup id from the console) work without them";

/**
 * The warning of a Restore whose backup an API without backup endpoints cannot verify at preview, in
 * the provider's own words (its text is the Restore's to choose; what this suite checks is that both
 * doors show the same one, at warning severity).
 */
export const unverifiableBackupWarning = (backupId: string) =>
  restoreMessages.backupUnverified(backupId, NO_BACKUP_ENDPOINTS);

/**
 * The ids a bad-input case of the parity suite may refer to, made in each door's emulator: none of
 * its cases names another account's backup.
 */
export type BadInputFixture = Omit<Fixture, "otherAccountBackup">;

/** The fixture the shared cases are written against (their parity subset reads only {@link BadInputFixture}). */
export type BadInputCaseFixture = Fixture;

/** One input the provider refuses at preview, the same way through both doors. */
export type BadInput = Case & { shown: NonNullable<Case["shown"]> };

/**
 * Inputs each door's preview refuses with the same check failure, and nothing written: the unit
 * test's cases that say how the engine shows their value.
 */
export const BAD_INPUTS: BadInput[] = BAD_INPUT_CASES.flatMap((c) =>
  c.shown === undefined ? [] : [{ ...c, shown: c.shown }],
);

/** One deliberate difference between the doors: what each does, and why. */
export interface DoorDifference {
  scenario: string;
  dynamic: string;
  native: string;
  reason: string;
}

/**
 * Every deliberate difference between the doors that the scenarios meet. Each is asserted per door
 * where it shows (parity.test.ts), so a change to either side is noticed.
 */
export const DOOR_DIFFERENCES: DoorDifference[] = [
  {
    scenario: "warnings and progress",
    dynamic: "on the stack (the diagnostic carries no URN of a package resource)",
    native: "on the resource the line is about",
    reason:
      "the dynamic provider passes no URN to its provider's methods (@pulumi/pulumi's dynamic provider), so " +
      "the provider host cannot say which resource a line is about",
  },
  {
    scenario: "no key at preview",
    dynamic: "also warns from the program: the dynamic SDK's own no-key warning",
    native: "only the provider's warnings",
    reason:
      "the dynamic SDK's classes run in the program and can read the stack config; the generated SDK's classes " +
      "are codegen output with no hook of ours",
  },
  {
    scenario: "type tokens",
    dynamic: "pulumi-nodejs:dynamic/dfcloud:<Kind> (every check failure starts with it)",
    native: "dfcloud-backups:index:<Kind>",
    reason: "the engine names a resource by its type token; a dynamic resource's is pulumi-nodejs's",
  },
  {
    scenario: "what lands in state",
    dynamic: "inputs and outputs also hold __provider",
    native: "nothing beyond the contract",
    reason:
      "pulumi.dynamic.Resource stores the serialised provider as an input, and the engine copies it to outputs",
  },
  {
    scenario: "a key given as plain text in the stack config",
    dynamic:
      "stored in the clear in the default pulumi-nodejs provider's inputs and outputs (and nowhere else), " +
      "with a warning on the stack at preview and up that names the fix",
    native: "stored only encrypted: CheckConfig returns apiKey as a secret, as schema.json marks it",
    reason:
      "the engine hands a dynamic provider the whole stack config as the inputs of the default pulumi-nodejs " +
      "provider and records them as given; only a provider plugin's CheckConfig can mark a setting secret",
  },
  {
    scenario: "an update of a BackupSchedule",
    dynamic: "no refresh step: the engine diffs against the schedule state last recorded",
    native: "a `refresh` step first, so preview and up diff against the live schedule",
    reason:
      "the native plugin answers refresh_before_update for BackupSchedule (registry.ts); @pulumi/pulumi's dynamic " +
      "provider has no way to say it",
  },
  {
    scenario: "which properties an update changes",
    dynamic: "the plan lists no property-level diff: the engine shows the resource as updated",
    native: "the plan shows each changed property and whether it updates or replaces",
    reason:
      "both doors get the same diff from the resource logic, with its changed properties, but @pulumi/pulumi's " +
      "dynamic provider passes on only changes, replaces and deleteBeforeReplace",
  },
  {
    scenario: "a required input left out",
    dynamic: 'the preview fails on the provider\'s check ("hours is required: …", naming the property)',
    native: "the program fails in the generated class's constructor (\"Missing required property 'hours'\")",
    reason:
      "the generated SDK checks required inputs itself before registering the resource (pulumi codegen)",
  },
  {
    scenario: "an input of no such name",
    dynamic: 'the preview fails on the provider\'s check ("retention is not a property of this resource; …")',
    native: "the generated class drops it without a word (TypeScript refuses it at compile time)",
    reason: "the generated SDK copies only the inputs the schema declares into the registration",
  },
  {
    scenario: "a failed lookup",
    dynamic: "the program's lookup throws the provider's error itself",
    native:
      'the invoke fails with "invocation of dfcloud-backups:index:<fn> returned an error: " and the same text',
    reason:
      "the engine wraps an invoke's error; the dynamic SDK's lookups are plain functions in the program",
  },
];
