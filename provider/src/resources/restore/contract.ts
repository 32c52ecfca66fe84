/**
 * The Restore resource's contract: every input and output, declared once, and the enum types of
 * `ifAlreadyLoaded` and `status`.
 */
import {
  type EnumValueOf,
  enumType,
  enumValues,
  type InputsOf,
  optionalOutput,
  output,
  type ResourceOutputsOf,
  resourceContract,
  t,
} from "../../schema/spec";
import * as z from "../../zod";
import { expectKeysInput, optionalMinKeysInput } from "../data-checks";
import { backupIdSchema } from "../ids";
import { datastoreIdInput, waitTimeoutInput } from "../inputs";
import { RESTORE_MARKER_KEY } from "./marker";
import {
  ifAlreadyLoadedMustBeOneOf,
  mustAcknowledgeDataLoss,
  rerunMarkerMustBeBoolean,
  triggerMustBeString,
} from "./messages";

export { RESTORE_MARKER_KEY } from "./marker";

/** What a Restore does when its datastore already holds the backup it names. */
export const IF_ALREADY_LOADED_TYPE = enumType(
  "IfAlreadyLoaded",
  "What a Restore does when its datastore already holds the backup it names.",
  [
    { name: "Fail", value: "fail", description: "Start nothing and say what to check (the default)." },
    { name: "Skip", value: "skip", description: "Record the restore as done without running it." },
    { name: "Restore", value: "restore", description: "Wipe the datastore and restore the backup again." },
  ],
);
/** One of {@link IF_ALREADY_LOADED_TYPE}'s values. */
export type IfAlreadyLoaded = EnumValueOf<typeof IF_ALREADY_LOADED_TYPE>;

/** Where a Restore stands: started and not yet seen to finish, finished, or recorded without running. */
export const RESTORE_STATUS_TYPE = enumType("RestoreStatus", "Where a Restore stands.", [
  {
    name: "Restoring",
    value: "restoring",
    description: "The API accepted the restore; it was not yet seen to finish.",
  },
  {
    name: "Restored",
    value: "restored",
    description: "The datastore was seen active with the backup loaded.",
  },
  {
    name: "Skipped",
    value: "skipped",
    description: "The backup was already loaded and `ifAlreadyLoaded` was `skip`.",
  },
  {
    name: "Unknown",
    value: "unknown",
    description:
      "A new `trigger`'s restore was requested, its answer was lost, and the datastore cannot show whether it took; " +
      "`up` starts nothing until `ifAlreadyLoaded` says what to do.",
  },
]);
/** One of {@link RESTORE_STATUS_TYPE}'s values. */
export type RestoreStatus = EnumValueOf<typeof RESTORE_STATUS_TYPE>;

/** The Restore resource's contract: every input and output, declared once. */
export const restoreContract = resourceContract({
  name: "Restore",
  description:
    "Restores a backup into an existing datastore, once per `trigger`. `preview` checks that the backup exists, is ready " +
    "and fits the datastore (same cloud and region, compatible shards), and that a new Restore's datastore does not " +
    "already hold it; `up` waits for the datastore to be active, starts the restore (the request is sent at most once) " +
    "and waits until the backup is loaded. A new `trigger` restores again, in place: the restore this stack records is " +
    "what tells a re-run asked for from an interrupted one, and with `rerunMarker` a key the recorded restore wrote " +
    "into the data proves that nothing restored the datastore since. A restore that started and was not seen to finish is " +
    "recorded with status `restoring`, and the next `up` waits for it instead of starting another. `destroy` leaves " +
    "the datastore's data as it is.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore to restore into (`dst_…`). Its data is deleted and replaced by the backup's. Changing it " +
        "without changing `trigger` fails the preview.",
      false,
    ),
    backupId: {
      schema: backupIdSchema,
      type: t.string,
      description:
        "Id of the backup to restore (`bkp_…`). Changing it without changing `trigger` fails the preview.",
      required: "the id of the backup to restore (for example `backup.backupId`)",
    },
    acknowledgeDataLoss: {
      schema: z.literal(true, { error: () => mustAcknowledgeDataLoss }),
      type: t.boolean,
      sdkType: "true",
      description:
        "Must be `true`: you accept that the datastore's current data is deleted. Any other value fails the preview.",
      required:
        "set it to true to accept that a restore deletes every key in the datastore and replaces it with the backup's data",
    },
    trigger: {
      schema: z.string({ error: () => triggerMustBeString }).optional(),
      type: t.string,
      // Not a replacing input: a new trigger is an update, so `update` sees the restore this stack
      // records (a replacement's `create` would see only the new inputs) and can tell a re-run asked
      // for from a datastore restored again behind that record. A new trigger with another backupId or
      // datastoreId still replaces (see diff): no record of this stack covers that restore.
      description:
        "Any string; the restore runs again only when it changes (for example a date). The new run is an " +
        "in-place update: the restore this stack records explains why the datastore already holds the backup, " +
        "so no `ifAlreadyLoaded` is needed. Changed together with `backupId` or `datastoreId`, it replaces the " +
        "Restore instead. Default: unset.",
    },
    waitTimeoutMinutes: waitTimeoutInput("the restore to finish"),
    ifAlreadyLoaded: {
      schema: z
        .enum(enumValues(IF_ALREADY_LOADED_TYPE), {
          error: () => ifAlreadyLoadedMustBeOneOf(enumValues(IF_ALREADY_LOADED_TYPE)),
        })
        .default("fail"),
      type: t.ref(IF_ALREADY_LOADED_TYPE),
      default: "fail",
      description:
        "What to do when the datastore already holds this backup (its `config.restore` names it) and this stack's " +
        "record does not explain it: a Restore being created (new, or replaced), or a re-run whose earlier restore " +
        "was not seen to finish or whose answer was lost. `fail` (default) starts nothing and says what to check, " +
        "since the API cannot tell an interrupted run's restore from an earlier one; `skip` records the restore as " +
        "done without running it; `restore` wipes the datastore and restores the backup again. A Restore recorded " +
        "as `restored` or `skipped` restores again when `trigger` changes, whatever this says; with `rerunMarker`, " +
        "only while its marker shows that nothing restored the datastore since, and otherwise this decides.",
    },
    expectKeys: {
      ...expectKeysInput(),
      description:
        `${expectKeysInput().description} Checked once the restore finished; a missing key fails \`up\` and the ` +
        "Restore is recorded with its `failures`. Changing it alone checks nothing until the next restore.",
    },
    minKeys: optionalMinKeysInput(),
    rerunMarker: {
      // Optional rather than defaulted: a Restore recorded before this input existed holds no value for
      // it, and an unset one is off, so upgrading the provider shows no change.
      schema: z.boolean({ error: () => rerunMarkerMustBeBoolean }).optional(),
      type: t.boolean,
      description:
        `When \`true\`, each restore this Restore records (created, re-run on a new \`trigger\`, or recorded with ` +
        `\`ifAlreadyLoaded: "skip"\`) is followed by writing one string key, \`${RESTORE_MARKER_KEY}\`, into the ` +
        "datastore over its Redis protocol (at its address, as user `default`, with TLS when its " +
        "`config.dragonfly.tls` is on), and its value is recorded in `markerValue`. A restore wipes the datastore, " +
        "so the key lasts until the next restore. Before a new `trigger` restores again, `up` reads the key: " +
        "holding `markerValue`, nothing replaced the data since the recorded restore, and it restores; missing or " +
        "different, the data was replaced since (for example by an interrupted `up` whose restore then finished), " +
        "so `up` sends nothing and stops, naming `ifAlreadyLoaded` as the way on; a key that cannot be read stops " +
        "`up` too. `preview` neither reads nor writes the key. Turned on for a Restore already recorded, the next " +
        "`up` writes the key without restoring. Needs the machine running Pulumi to reach the datastore's data " +
        "plane. Default: false (no key written; a new `trigger` then restores again whatever happened since).",
    },
  },
  outputs: {
    status: output(
      t.ref(RESTORE_STATUS_TYPE),
      "`restoring` from when the API accepted the restore until it is seen to finish, then `restored`; `skipped` " +
        "when `ifAlreadyLoaded` was `skip` and the backup was already loaded; `unknown` when a new `trigger`'s " +
        "restore request lost its answer and the datastore cannot show whether it took.",
    ),
    startedAt: output(
      t.string,
      "When the API accepted the restore (or it was skipped, or its request was sent and lost its answer), ISO 8601 " +
        "UTC on the API's clock.",
    ),
    keys: optionalOutput(
      t.integer,
      "How many keys the datastore held when read back after the restore (DBSIZE); absent when no data check was asked for.",
    ),
    missingKeys: optionalOutput(
      t.array(t.string),
      "The keys of `expectKeys` the restored datastore did not hold; absent when no data check was asked for.",
    ),
    failures: optionalOutput(
      t.array(t.string),
      "One line per failed data check (`minKeys`, `expectKeys`, or the read-back itself); absent when no data check " +
        "was asked for, empty when they passed. A Restore with failures fails every `up` until `trigger` changes.",
    ),
    restoredAt: optionalOutput(
      t.string,
      "When the datastore was seen active with the backup loaded, ISO 8601 UTC on the API's clock; absent while " +
        "`restoring`, when `skipped` and when `unknown`.",
    ),
    markerValue: optionalOutput(
      t.string,
      `The value \`rerunMarker\` wrote under the key \`${RESTORE_MARKER_KEY}\` after the restore this Restore ` +
        "records: `<backupId>:<8 hex digits of the trigger's SHA-256>:<8 random hex digits>`. Absent when " +
        "`rerunMarker` is off, while the restore is not recorded as `restored` or `skipped`, and when writing the " +
        "key failed (the next `up` writes it, restoring nothing).",
    ),
  },
});

/** Restore inputs after `check`. */
export type RestoreInputs = InputsOf<typeof restoreContract.inputs>;

/** Restore outputs: the inputs plus where the restore stands. */
export type RestoreOutputs = ResourceOutputsOf<typeof restoreContract>;
