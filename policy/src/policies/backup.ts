/**
 * Policies on each Backup by itself. A Backup is data that outlives the program's wish to delete
 * it: without protection, removing the resource or destroying the stack deletes the backup.
 */
import type { ResourceValidationPolicy } from "@pulumi/policy";
import { type ExemptStacksArgs, exemptStacksProperty } from "../config";
import { label } from "../resources";
import { resourcePolicy } from "../validation";

/** Config of `backup-protected`: only `exemptStacks`. */
export type BackupProtectedArgs = ExemptStacksArgs;

/**
 * Advises `protect: true` on every Backup. `retainOnDelete` would also keep the backup, but
 * @pulumi/policy 1.21 passes policies no such option (its `PolicyResourceOptions` has `protect`
 * only), so this policy cannot see it; it stays advisory for that reason too.
 */
export const backupProtected: ResourceValidationPolicy = resourcePolicy<BackupProtectedArgs>({
  name: "backup-protected",
  description:
    "Checks whether every Backup is protected (protect: true), so that removing it from the program or destroying the stack cannot delete the backup.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Set the resource option protect: true on the Backup. retainOnDelete: true also keeps the backup, but policy packs cannot see that option: for stacks that rely on it, list them in exemptStacks.",
  configSchema: { properties: { ...exemptStacksProperty } },
  resourceKind: "Backup",
  check: ({ args, reportViolation }) => {
    if (!args.opts.protect) {
      reportViolation(
        `${label(args)} should be protected (protect: true) so that removing it from the program or destroying the stack cannot delete the backup, but protect is false.`,
      );
    }
  },
});
