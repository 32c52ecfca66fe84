/**
 * What a Backup tells the person running Pulumi, defined once: the logic throws these and the tests
 * expect them. The first line says what happened and what to do; details follow on the next.
 */

/** What an operation was doing, for the OperationError that wraps its failure. */
export const operation = {
  creating: (datastoreId: string) => `creating a backup of datastore ${datastoreId}`,
  adopting: (backupId: string) => `adopting backup ${backupId}`,
  reading: (backupId: string) => `reading backup ${backupId}`,
  deleting: (backupId: string) => `deleting backup ${backupId}`,
};

/** A backup the API reports `failed`: it will never become ready. */
export function backupFailed(backupId: string): string {
  return (
    `backup ${backupId} failed on the API side and will never become ready; replace it with \`pulumi up --replace ` +
    "<urn>` (this Backup's URN: `pulumi stack --show-urns` lists it), or delete it with `pulumi destroy --target <urn>`.\n" +
    'Its status is "failed": waiting again does not help'
  );
}

/** A backup that was created but did not become ready in time: it is in state, and waited for again. */
export function backupNotReady(backupId: string, why: string): string {
  return (
    `backup ${backupId} was created but did not become ready; run \`pulumi up\` again to keep waiting, or ` +
    "`pulumi destroy` to delete it (it is recorded in the stack).\n" +
    `${why}`
  );
}

/**
 * The backup `existingBackupId` names differs from the inputs that would adopt it.
 * @param mismatches how it differs, e.g. `retentionDays 7`
 */
export function adoptionMismatch(backupId: string, mismatches: readonly string[]): string {
  return `backup ${backupId} has ${mismatches.join(", ")}; set the same values on this resource to adopt it`;
}

/** `existingBackupId` names no backup of the account. */
export function adoptedBackupMissing(backupId: string): string {
  return `backup ${backupId} does not exist in this account`;
}

/** A backup gone from the API, on an API that did not say what time it is. */
export const goneWithoutApiTime =
  "it is gone, and the API sent no Date header to tell whether its retention ran out; nothing was changed in the stack";
