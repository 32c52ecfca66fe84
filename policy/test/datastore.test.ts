/**
 * The stack policies that group by datastore. A compliant stack (one schedule, a Backup and a
 * Restore of the same datastore) passes the schedule policies; with a RestoreDrill of that
 * datastore it passes the drill policy too. Each test changes one resource or one config value.
 */
import { describe, expect, it } from "vitest";
import {
  datastoreHasRestoreDrill,
  datastoreHasSchedule,
  oneSchedulePerDatastore,
} from "../src/policies/datastore";
import { DOORS, runStackPolicy, stackResource, UNKNOWN, urnOf } from "./util";

describe.each(DOORS)("through $name", ({ types }) => {
  function schedule(name: string, datastoreId: string) {
    return stackResource({
      type: types.BackupSchedule,
      name,
      props: { datastoreId, enabled: true, days: "every", hours: [3], retentionDays: 14 },
    });
  }

  function backup(name: string, datastoreId: string) {
    return stackResource({ type: types.Backup, name, props: { datastoreId, retentionDays: 7 } });
  }

  function restore(name: string, datastoreId: string) {
    return stackResource({
      type: types.Restore,
      name,
      props: { datastoreId, backupId: "bk-1", acknowledgeDataLoss: true },
    });
  }

  function drill(name: string, datastoreId: string) {
    return stackResource({
      type: types.RestoreDrill,
      name,
      props: { datastoreId, expectKeys: ["order:1"], maxRestoreMinutes: 30, trigger: "2026-W49" },
    });
  }

  /** A compliant stack: ds-1 is scheduled, backed up and restored. */
  function happyStack() {
    return [schedule("nightly", "ds-1"), backup("pre-restore", "ds-1"), restore("restore", "ds-1")];
  }

  describe("datastore-has-schedule", () => {
    it("passes a stack whose every used datastore has a schedule", async () => {
      expect(await runStackPolicy(datastoreHasSchedule, happyStack())).toEqual({ violations: [], urns: [] });
    });

    it("fails a datastore that a Backup and a Restore use without a schedule, once, on the first user by name", async () => {
      const unscheduled = happyStack().slice(1).reverse();
      expect(await runStackPolicy(datastoreHasSchedule, unscheduled)).toEqual({
        violations: [
          'Datastore "ds-1" (used by Backup "pre-restore", Restore "restore") must have a BackupSchedule in this stack, but the stack has none for it.',
        ],
        urns: [urnOf(types.Backup, "pre-restore")],
      });
    });

    it("fails a datastore whose only schedule is of another datastore", async () => {
      const run = await runStackPolicy(datastoreHasSchedule, [
        schedule("nightly", "ds-2"),
        backup("b", "ds-1"),
      ]);
      expect(run.violations).toEqual([
        'Datastore "ds-1" (used by Backup "b") must have a BackupSchedule in this stack, but the stack has none for it.',
      ]);
    });

    it("passes a datastore listed in exemptDatastoreIds", async () => {
      const run = await runStackPolicy(datastoreHasSchedule, [backup("b", "ds-1")], {
        exemptDatastoreIds: ["ds-1"],
      });
      expect(run.violations).toEqual([]);
    });

    it("says it could not check while a schedule's datastoreId is unknown during preview", async () => {
      const run = await runStackPolicy(datastoreHasSchedule, [
        schedule("nightly", UNKNOWN),
        backup("b", "ds-1"),
      ]);
      expect(run).toEqual({
        violations: [],
        urns: [],
        notApplicable:
          'Could not check yet: whether datastore "ds-1" has a BackupSchedule (BackupSchedule "nightly": datastoreId is not known during preview (checked again during `pulumi up`)).',
      });
    });

    it("says it could not check a Backup whose datastoreId is unknown during preview", async () => {
      const run = await runStackPolicy(datastoreHasSchedule, [
        schedule("nightly", "ds-1"),
        backup("b", UNKNOWN),
      ]);
      expect(run.notApplicable).toBe(
        'Could not check yet: Backup "b": datastoreId is not known during preview (checked again during `pulumi up`).',
      );
    });
  });

  describe("one-schedule-per-datastore", () => {
    it("passes one schedule per datastore", async () => {
      const run = await runStackPolicy(oneSchedulePerDatastore, [...happyStack(), schedule("other", "ds-2")]);
      expect(run).toEqual({ violations: [], urns: [] });
    });

    it("fails a second schedule on the same datastore, listing them by name, on the second by name", async () => {
      const run = await runStackPolicy(oneSchedulePerDatastore, [
        ...happyStack(),
        schedule("hourly", "ds-1"),
      ]);
      expect(run).toEqual({
        violations: [
          `Datastore "ds-1" must have at most one BackupSchedule, because each one overwrites the datastore's backup policy on every update, but it has 2: "hourly", "nightly".`,
        ],
        urns: [urnOf(types.BackupSchedule, "nightly")],
      });
    });

    it("reports each crowded datastore once, with all of its schedules", async () => {
      const crowded = [
        schedule("c", "ds-1"),
        schedule("a", "ds-1"),
        schedule("b", "ds-1"),
        schedule("d", "ds-2"),
      ];
      expect((await runStackPolicy(oneSchedulePerDatastore, crowded)).violations).toEqual([
        `Datastore "ds-1" must have at most one BackupSchedule, because each one overwrites the datastore's backup policy on every update, but it has 3: "a", "b", "c".`,
      ]);
    });

    it("says it could not check a schedule whose datastoreId is unknown next to another schedule", async () => {
      const run = await runStackPolicy(oneSchedulePerDatastore, [
        ...happyStack(),
        schedule("hourly", UNKNOWN),
      ]);
      expect(run.notApplicable).toBe(
        'Could not check yet: BackupSchedule "hourly": datastoreId is not known during preview (checked again during `pulumi up`).',
      );
    });

    it("has nothing to check yet for a lone schedule whose datastoreId is unknown", async () => {
      const run = await runStackPolicy(oneSchedulePerDatastore, [schedule("nightly", UNKNOWN)]);
      expect(run).toEqual({ violations: [], urns: [] });
    });

    it("does not apply in a stack named by exemptStacks", async () => {
      const run = await runStackPolicy(
        oneSchedulePerDatastore,
        [...happyStack(), schedule("hourly", "ds-1")],
        {
          exemptStacks: ["d*"],
        },
      );
      expect(run).toEqual({ violations: [], urns: [], notApplicable: 'stack "dev" matches exemptStacks' });
    });
  });
  describe("datastore-has-restore-drill", () => {
    /** The advisory for a datastore scheduled by `schedules` and drilled by nothing in the stack. */
    function noDrill(datastoreId: string, schedules: string) {
      return `Datastore "${datastoreId}" (backed up by ${schedules}) should have a RestoreDrill in this stack, so that its backups are proven to restore, but the stack has none for it: add a RestoreDrill with datastoreId "${datastoreId}" and a trigger that a scheduled pipeline changes each week, such as the ISO week ("2026-W49").`;
    }

    it("passes a scheduled datastore that a RestoreDrill in the stack drills", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, [...happyStack(), drill("weekly", "ds-1")]);
      expect(run).toEqual({ violations: [], urns: [] });
    });

    it("advises a drill for a scheduled datastore that nothing drills, once, on its schedule", async () => {
      expect(await runStackPolicy(datastoreHasRestoreDrill, happyStack())).toEqual({
        violations: [noDrill("ds-1", 'BackupSchedule "nightly"')],
        urns: [urnOf(types.BackupSchedule, "nightly")],
      });
    });

    it("does not count a drill of another datastore", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, [...happyStack(), drill("weekly", "ds-2")]);
      expect(run).toEqual({
        violations: [noDrill("ds-1", 'BackupSchedule "nightly"')],
        urns: [urnOf(types.BackupSchedule, "nightly")],
      });
    });

    it("reports each undrilled datastore once, naming its schedules by name, on the first of them", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, [
        schedule("nightly", "ds-1"),
        schedule("hourly", "ds-1"),
        schedule("sessions", "ds-2"),
        drill("weekly", "ds-2"),
      ]);
      expect(run).toEqual({
        violations: [noDrill("ds-1", 'BackupSchedule "hourly", BackupSchedule "nightly"')],
        urns: [urnOf(types.BackupSchedule, "hourly")],
      });
    });

    it("asks nothing of a datastore that is only backed up or restored, or drilled without a schedule", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, [
        backup("b", "ds-1"),
        restore("r", "ds-1"),
        drill("weekly", "ds-2"),
      ]);
      expect(run).toEqual({ violations: [], urns: [] });
    });

    it("passes a datastore listed in exemptDatastoreIds", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, happyStack(), {
        exemptDatastoreIds: ["ds-1"],
      });
      expect(run).toEqual({ violations: [], urns: [] });
    });

    it("says it could not check while a drill's datastoreId is unknown during preview", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, [...happyStack(), drill("weekly", UNKNOWN)]);
      expect(run).toEqual({
        violations: [],
        urns: [],
        notApplicable:
          'Could not check yet: whether datastore "ds-1" has a RestoreDrill (RestoreDrill "weekly": datastoreId is not known during preview (checked again during `pulumi up`)).',
      });
    });

    it("says it could not check a schedule whose datastoreId is unknown, and still judges the others", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, [
        schedule("nightly", UNKNOWN),
        schedule("sessions", "ds-2"),
      ]);
      expect(run).toEqual({
        violations: [noDrill("ds-2", 'BackupSchedule "sessions"')],
        urns: [urnOf(types.BackupSchedule, "sessions")],
        notApplicable:
          'Could not check yet: BackupSchedule "nightly": datastoreId is not known during preview (checked again during `pulumi up`).',
      });
    });

    it("does not apply in a stack named by exemptStacks", async () => {
      const run = await runStackPolicy(datastoreHasRestoreDrill, happyStack(), { exemptStacks: ["dev"] });
      expect(run).toEqual({ violations: [], urns: [], notApplicable: 'stack "dev" matches exemptStacks' });
    });
  });
});
