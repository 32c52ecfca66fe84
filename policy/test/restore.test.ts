/**
 * The Restore policies. `restore-allowed-stacks` reads the stack from the Restore's URN;
 * `restore-needs-safety-backup` walks the Restore's dependencies in a fake stack. Each test makes
 * one change to a compliant case and asserts the exact message or the reason it could not check.
 */
import type { PolicyResource } from "@pulumi/policy";
import { describe, expect, it } from "vitest";
import { restoreAllowedStacks, restoreNeedsSafetyBackup } from "../src/policies/restore";
import {
  DOORS,
  resourceArgs,
  runResourcePolicy,
  runStackPolicy,
  stackResource,
  UNKNOWN,
  urnOf,
} from "./util";

describe.each(DOORS)("through $name", ({ types }) => {
  /** Validation args of a compliant Restore, declared in `stack`, with policy config `config`. */
  function restoreIn(stack: string, config: object = {}) {
    const props = { datastoreId: "ds-1", backupId: "bk-1", acknowledgeDataLoss: true };
    return resourceArgs({ type: types.Restore, name: "restore", stack, props }, config);
  }

  describe("restore-allowed-stacks", () => {
    it("passes a Restore in a stack that does not start with prod", async () => {
      expect(await runResourcePolicy(restoreAllowedStacks, restoreIn("staging"))).toEqual({
        violations: [],
        urns: [],
      });
    });

    it.each(["prod", "prod-eu", "Production"])("fails a Restore in stack %s by default", async (stack) => {
      expect((await runResourcePolicy(restoreAllowedStacks, restoreIn(stack))).violations).toEqual([
        `Restore "restore" may only be declared in a stack that matches allowedStacks ["*"] and no pattern in deniedStacks ["prod*"], but this stack is "${stack}".`,
      ]);
    });

    it("allows only the stacks allowedStacks names", async () => {
      const config = { allowedStacks: ["dev", "staging-?"] };
      expect(
        (await runResourcePolicy(restoreAllowedStacks, restoreIn("staging-1", config))).violations,
      ).toEqual([]);
      const run = await runResourcePolicy(restoreAllowedStacks, restoreIn("staging-10", config));
      expect(run.violations).toEqual([
        'Restore "restore" may only be declared in a stack that matches allowedStacks ["dev","staging-?"] and no pattern in deniedStacks ["prod*"], but this stack is "staging-10".',
      ]);
    });

    it("allows production when deniedStacks is emptied", async () => {
      const run = await runResourcePolicy(restoreAllowedStacks, restoreIn("prod", { deniedStacks: [] }));
      expect(run.violations).toEqual([]);
    });
  });

  /** The stack of a compliant restore: a fresh Backup of ds-1, and a Restore of ds-1 that depends on it. */
  function safeRestoreStack(
    overrides: { backup?: Record<string, unknown>; restore?: Record<string, unknown> } = {},
  ) {
    const backup = stackResource({
      type: types.Backup,
      name: "pre-restore",
      props: { datastoreId: "ds-1", retentionDays: 7, ...overrides.backup },
    });
    const restore = stackResource({
      type: types.Restore,
      name: "restore",
      props: { datastoreId: "ds-1", backupId: "bk-old", acknowledgeDataLoss: true, ...overrides.restore },
      dependsOn: [backup],
    });
    return { backup, restore };
  }

  const NO_BACKUP =
    'Restore "restore" must depend on a Backup of datastore "ds-1" in this stack, so that a safety backup is taken before the restore overwrites the data, but it depends on no Backup of that datastore.';

  describe("restore-needs-safety-backup", () => {
    it("passes a Restore that depends on a new Backup of its datastore", async () => {
      const { backup, restore } = safeRestoreStack();
      expect(await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).toEqual({
        violations: [],
        urns: [],
      });
    });

    it("fails a Restore that depends on nothing, and names its URN", async () => {
      const { backup, restore } = safeRestoreStack();
      restore.dependencies = [];
      expect(await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).toEqual({
        violations: [NO_BACKUP],
        urns: [urnOf(types.Restore, "restore")],
      });
    });

    it("fails a Restore whose only Backup is of another datastore", async () => {
      const { backup, restore } = safeRestoreStack({ backup: { datastoreId: "ds-2" } });
      expect((await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).violations).toEqual([
        NO_BACKUP,
      ]);
    });

    it("counts a Backup reached through a property dependency (backupId = backup.id)", async () => {
      const { backup, restore } = safeRestoreStack();
      restore.dependencies = [];
      restore.propertyDependencies = { backupId: [backup] };
      expect((await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).violations).toEqual([]);
    });

    it("counts a Backup reached through another dependency", async () => {
      const { backup, restore } = safeRestoreStack();
      const gate: PolicyResource = stackResource({
        type: "test:index:Gate",
        name: "gate",
        props: {},
        dependsOn: [backup],
      });
      restore.dependencies = [gate];
      expect((await runStackPolicy(restoreNeedsSafetyBackup, [backup, gate, restore])).violations).toEqual(
        [],
      );
    });

    it("fails a Restore whose Backup only adopts an existing backup", async () => {
      const { backup, restore } = safeRestoreStack({ backup: { existingBackupId: "bk-old" } });
      expect((await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).violations).toEqual([
        'Restore "restore" must depend on a Backup of datastore "ds-1" in this stack, so that a safety backup is taken before the restore overwrites the data, but its Backups of that datastore ("pre-restore") only adopt existing backups (existingBackupId) and allowExistingBackup is false.',
      ]);
    });

    it("accepts an adopted Backup when allowExistingBackup is true", async () => {
      const { backup, restore } = safeRestoreStack({ backup: { existingBackupId: "bk-old" } });
      const run = await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore], {
        allowExistingBackup: true,
      });
      expect(run.violations).toEqual([]);
    });

    it("says it could not check a Restore whose datastoreId is unknown during preview", async () => {
      const { backup, restore } = safeRestoreStack({ restore: { datastoreId: UNKNOWN } });
      expect(await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).toEqual({
        violations: [],
        urns: [],
        notApplicable:
          'Could not check yet: Restore "restore": datastoreId is not known during preview (checked again during `pulumi up`).',
      });
    });

    it("says it could not check a Backup whose datastoreId is unknown, and still reports the others", async () => {
      const { backup, restore } = safeRestoreStack({ backup: { datastoreId: UNKNOWN } });
      const unsafe = stackResource({
        type: types.Restore,
        name: "restore-2",
        props: { datastoreId: "ds-9", backupId: "bk-9", acknowledgeDataLoss: true },
      });
      expect(await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore, unsafe])).toEqual({
        violations: [
          'Restore "restore-2" must depend on a Backup of datastore "ds-9" in this stack, so that a safety backup is taken before the restore overwrites the data, but it depends on no Backup of that datastore.',
        ],
        urns: [urnOf(types.Restore, "restore-2")],
        notApplicable:
          'Could not check yet: Backup "pre-restore", which Restore "restore" depends on: datastoreId is not known during preview (checked again during `pulumi up`).',
      });
    });

    it("does not apply in a stack named by exemptStacks", async () => {
      const { restore } = safeRestoreStack();
      restore.dependencies = [];
      const run = await runStackPolicy(restoreNeedsSafetyBackup, [restore], { exemptStacks: ["dev"] });
      expect(run).toEqual({ violations: [], urns: [], notApplicable: 'stack "dev" matches exemptStacks' });
    });
  });
});
