/**
 * The BackupSchedule resource's contract: every input and output, declared once. The schedule's own
 * inputs (days, hours, retention, enabled, time zone) are the schedule module's.
 */
import {
  type InputsOf,
  optionalOutput,
  type ResourceOutputsOf,
  resourceContract,
  t,
} from "../../schema/spec";
import { datastoreIdInput, waitTimeoutInput } from "../inputs";
import { SCHEDULE_INPUTS, WEEKDAY_TYPE } from "../schedule";

/** The BackupSchedule resource's contract: every input and output, declared once. */
export const backupScheduleContract = resourceContract({
  name: "BackupSchedule",
  description:
    "The recurring backup schedule of one datastore (its `config.backup_policy`). `up` writes only the schedule, by " +
    "read-modify-write, and waits until the datastore applied it; `refresh` shows a console edit as drift; " +
    "`destroy` disables the schedule and leaves the datastore and its backups. The resource id is the datastore id.",
  inputs: {
    datastoreId: datastoreIdInput(
      "Id of the datastore whose backups are scheduled (`dst_…`). Changing it replaces the resource.",
      true,
    ),
    ...SCHEDULE_INPUTS,
    waitTimeoutMinutes: waitTimeoutInput("the datastore to apply the schedule"),
  },
  outputs: {
    utcDays: optionalOutput(
      t.oneOf(t.literal("every"), t.array(t.ref(WEEKDAY_TYPE))),
      "The weekdays the API stores, in UTC: `days` converted from `timeZone` (an hour crossing midnight moves " +
        'its weekday). `"every"` or short names, Sunday first. Read from the datastore on `refresh`. Absent, ' +
        "with `utcHours` and `utcOffsetHours`, only from state written before time zones, until the next " +
        "`refresh` or update.",
    ),
    utcHours: optionalOutput(
      t.oneOf(t.literal("every"), t.array(t.integer)),
      'The hours of the day (0-23) the API stores, in UTC: `hours` converted from `timeZone`. `"every"` or ' +
        "ascending. Read from the datastore on `refresh`.",
    ),
    utcOffsetHours: optionalOutput(
      t.integer,
      "The offset from UTC, in whole hours east (+1 for `Europe/Berlin` in standard time, -11 for " +
        "`Pacific/Pago_Pago`), that `days` and `hours` were converted with at the last `up` or `refresh`: a " +
        "local hour h is stored as h − `utcOffsetHours`, modulo 24, on the weekday before or after when that " +
        "crosses midnight. 0 for `UTC`.",
    ),
  },
});

/** BackupSchedule inputs after `check`: validated and normalised. */
export type BackupScheduleInputs = InputsOf<typeof backupScheduleContract.inputs>;

/** BackupSchedule outputs: the inputs as they are live on the datastore. */
export type BackupScheduleOutputs = ResourceOutputsOf<typeof backupScheduleContract>;
