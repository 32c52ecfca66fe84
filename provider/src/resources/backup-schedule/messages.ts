/**
 * What a BackupSchedule tells the person running Pulumi, defined once: the logic throws these and
 * the tests expect them. The first line says what happened and what to do; details follow.
 */

/** What an operation was doing, for the OperationError that wraps its failure. */
export const operation = {
  creating: (datastoreId: string) => `creating the backup schedule of datastore ${datastoreId}`,
  updating: (datastoreId: string) => `updating the backup schedule of datastore ${datastoreId}`,
  reading: (datastoreId: string) => `reading the backup schedule of datastore ${datastoreId}`,
  disabling: (datastoreId: string) => `disabling the backup schedule of datastore ${datastoreId}`,
};

/**
 * The datastore went back to `active` without the schedule that was written: someone changed it in
 * between, or the API dropped part of it.
 * @param live the live `backup_policy` as the API sent it
 */
export function scheduleNotKept(datastoreId: string, live: string): string {
  return (
    `datastore ${datastoreId} did not keep the backup schedule that was written; run \`pulumi up\` again, and if it ` +
    "happens again, check who else changes the datastore's schedule (the console, another tool).\n" +
    `The API accepted the schedule, but the datastore now reports ${live}.`
  );
}

/** `pulumi import` of a datastore that has no schedule. */
export function nothingToImport(datastoreId: string): string {
  return (
    `datastore ${datastoreId} has no backup schedule to import; declare a BackupSchedule instead of importing one.\n` +
    "Its config.backup_policy is unset."
  );
}
