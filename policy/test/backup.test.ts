/** `backup-protected`: a protected Backup passes; an unprotected one gets the advisory message. */
import { describe, expect, it } from "vitest";
import { backupProtected } from "../src/policies/backup";
import { otherKindReason } from "../src/validation";
import { DOORS, type FakeResource, resourceArgs, runResourcePolicy } from "./util";

describe.each(DOORS)("through $name", ({ types }) => {
  function protectedBackup(): FakeResource {
    return {
      type: types.Backup,
      name: "pre-restore",
      props: { datastoreId: "ds-1", retentionDays: 7 },
      opts: { protect: true },
    };
  }

  describe("backup-protected", () => {
    it("passes a protected Backup", async () => {
      expect(await runResourcePolicy(backupProtected, resourceArgs(protectedBackup()))).toEqual({
        violations: [],
        urns: [],
      });
    });

    it("advises protecting an unprotected Backup", async () => {
      const backup = protectedBackup();
      backup.opts = { protect: false };
      expect((await runResourcePolicy(backupProtected, resourceArgs(backup))).violations).toEqual([
        'Backup "pre-restore" should be protected (protect: true) so that removing it from the program or destroying the stack cannot delete the backup, but protect is false.',
      ]);
    });

    it("is advisory, so it warns and never blocks", () => {
      expect(backupProtected.enforcementLevel).toBe("advisory");
    });

    it("does not apply in a stack named by exemptStacks", async () => {
      const backup = { ...protectedBackup(), opts: { protect: false }, stack: "ci-123" };
      const run = await runResourcePolicy(backupProtected, resourceArgs(backup, { exemptStacks: ["ci-*"] }));
      expect(run).toEqual({ violations: [], urns: [], notApplicable: 'stack "ci-123" matches exemptStacks' });
    });

    it("is not a concern on a Restore", async () => {
      const restore = { type: types.Restore, name: "r", props: {} };
      expect((await runResourcePolicy(backupProtected, resourceArgs(restore))).notApplicable).toBe(
        otherKindReason("Backup"),
      );
    });
  });
});
