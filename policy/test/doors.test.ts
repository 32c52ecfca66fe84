/**
 * Which resources the pack judges: a dfcloud resource through either front door (the dynamic SDK, or
 * the native plugin that Pulumi YAML, Python, Go and the generated Node.js SDK use), also under the
 * native package's earlier name, and nothing else, whatever its props. Every other test file runs its
 * cases through each door ({@link DOORS}); this one pins the tokens themselves and stacks that mix
 * doors.
 */

import {
  BACKUP_SCHEDULE_TYPE,
  BACKUP_TYPE,
  NATIVE_BACKUP_SCHEDULE_TYPE,
  NATIVE_BACKUP_TYPE,
  NATIVE_RESTORE_DRILL_TYPE,
  NATIVE_RESTORE_TYPE,
  RESTORE_DRILL_TYPE,
  RESTORE_TYPE,
} from "pulumi-dfcloud/tokens";
import { describe, expect, it } from "vitest";
import { datastoreHasRestoreDrill, oneSchedulePerDatastore } from "../src/policies/datastore";
import { restoreNeedsSafetyBackup } from "../src/policies/restore";
import { scheduleMinRetention } from "../src/policies/schedule";
import { kindOfType, label } from "../src/resources";
import { otherKindReason } from "../src/validation";
import { DOORS, resourceArgs, runResourcePolicy, runStackPolicy, stackResource, urnOf } from "./util";

describe("the tokens the pack matches", () => {
  it("are the tokens stacks hold, for every kind through every door", () => {
    // Spelled out once: a stack's tokens never change, so a renamed package or module must not
    // silently move what the pack matches.
    expect(DOORS.map((door) => [door.name, door.types])).toEqual([
      [
        "the dynamic SDK",
        {
          BackupSchedule: "pulumi-nodejs:dynamic/dfcloud:BackupSchedule",
          Backup: "pulumi-nodejs:dynamic/dfcloud:Backup",
          Restore: "pulumi-nodejs:dynamic/dfcloud:Restore",
          RestoreDrill: "pulumi-nodejs:dynamic/dfcloud:RestoreDrill",
        },
      ],
      [
        "the native plugin",
        {
          BackupSchedule: "dfcloud-backups:index:BackupSchedule",
          Backup: "dfcloud-backups:index:Backup",
          Restore: "dfcloud-backups:index:Restore",
          RestoreDrill: "dfcloud-backups:index:RestoreDrill",
        },
      ],
      [
        "a native plugin of the earlier package name",
        {
          BackupSchedule: "dfcloud:index:BackupSchedule",
          Backup: "dfcloud:index:Backup",
          Restore: "dfcloud:index:Restore",
          RestoreDrill: "dfcloud:index:RestoreDrill",
        },
      ],
    ]);
    for (const door of DOORS) {
      for (const [kind, type] of Object.entries(door.types)) expect(kindOfType(type), type).toBe(kind);
    }
  });

  it("are what pulumi-dfcloud/tokens exports for the dynamic and the native door", () => {
    const [dynamic, native] = DOORS;
    expect([BACKUP_SCHEDULE_TYPE, BACKUP_TYPE, RESTORE_TYPE, RESTORE_DRILL_TYPE]).toEqual(
      Object.values(dynamic?.types ?? {}),
    );
    expect([
      NATIVE_BACKUP_SCHEDULE_TYPE,
      NATIVE_BACKUP_TYPE,
      NATIVE_RESTORE_TYPE,
      NATIVE_RESTORE_DRILL_TYPE,
    ]).toEqual(Object.values(native?.types ?? {}));
  });

  it.each([
    // The bridged Dragonfly Terraform provider, which `pulumi package add` names dfcloud.
    "dfcloud:index/datastore:Datastore",
    "pulumi:providers:dfcloud-backups",
    "pulumi:providers:dfcloud",
    "pulumi-nodejs:dynamic:Resource",
    "pulumi-nodejs:dynamic/other:BackupSchedule",
    "dfcloud-backups:index:getBackup",
    "dfcloud-backups:other:BackupSchedule",
    "dfcloud-backups:index:backupschedule",
  ])("leave %s alone, even with a schedule's props", async (type) => {
    expect(kindOfType(type)).toBeUndefined();
    const args = resourceArgs({ type, name: "x", props: { datastoreId: "ds-1", retentionDays: 1 } });
    expect(await runResourcePolicy(scheduleMinRetention, args)).toEqual({
      violations: [],
      urns: [],
      notApplicable: otherKindReason("BackupSchedule"),
    });
  });

  it("name every token of the kind when a resource policy does not apply", () => {
    expect(otherKindReason("Restore")).toBe(
      "Policy only applies to Restore resources, of type 'dfcloud-backups:index:Restore', 'pulumi-nodejs:dynamic/dfcloud:Restore' or 'dfcloud:index:Restore'",
    );
  });

  it.each(DOORS)("give messages the kind, not the token, through $name", ({ types }) => {
    expect(label({ type: types.BackupSchedule, name: "nightly" })).toBe('BackupSchedule "nightly"');
  });
});

describe("a stack that mixes doors", () => {
  const [dynamic, native] = DOORS.map((door) => door.types);
  if (!dynamic || !native) throw new Error("DOORS lists the dynamic and the native door first");

  it("counts a native Backup as the safety backup of a dynamic Restore that depends on it", async () => {
    const backup = stackResource({
      type: native.Backup,
      name: "pre-restore",
      props: { datastoreId: "ds-1", retentionDays: 7 },
    });
    const restore = stackResource({
      type: dynamic.Restore,
      name: "restore",
      props: { datastoreId: "ds-1", backupId: "bk-old", acknowledgeDataLoss: true },
      dependsOn: [backup],
    });
    expect(await runStackPolicy(restoreNeedsSafetyBackup, [backup, restore])).toEqual({
      violations: [],
      urns: [],
    });
  });

  it("counts a dynamic and a native schedule of one datastore as two schedules", async () => {
    const props = { datastoreId: "ds-1", days: "every", hours: [3], retentionDays: 14 };
    const schedules = [
      stackResource({ type: dynamic.BackupSchedule, name: "nightly", props: { ...props } }),
      stackResource({ type: native.BackupSchedule, name: "nightly-native", props: { ...props } }),
    ];
    expect(await runStackPolicy(oneSchedulePerDatastore, schedules)).toEqual({
      violations: [
        `Datastore "ds-1" must have at most one BackupSchedule, because each one overwrites the datastore's backup policy on every update, but it has 2: "nightly", "nightly-native".`,
      ],
      urns: [urnOf(native.BackupSchedule, "nightly-native")],
    });
  });
  it("counts a native RestoreDrill as the drill of a dynamic schedule's datastore", async () => {
    const schedule = stackResource({
      type: dynamic.BackupSchedule,
      name: "nightly",
      props: { datastoreId: "ds-1", days: "every", hours: [3], retentionDays: 14 },
    });
    const drill = stackResource({
      type: native.RestoreDrill,
      name: "weekly",
      props: { datastoreId: "ds-1", trigger: "2026-W49" },
    });
    expect(await runStackPolicy(datastoreHasRestoreDrill, [schedule, drill])).toEqual({
      violations: [],
      urns: [],
    });
  });
});
