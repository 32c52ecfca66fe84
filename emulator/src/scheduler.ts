/**
 * The backup scheduler (docs/api-model.md, `backup_policy`): at every whole UTC hour, a `scheduled`
 * backup of each provisioned datastore whose enabled policy matches that weekday and hour.
 */
import { createBackup } from "./backups.ts";
import { SCHEDULABLE_STATUSES, SCHEDULED_BACKUP_DESCRIPTION } from "./modelled.ts";
import { configSchedule, type Schedule } from "./validation.ts";
import type { World } from "./world.ts";

/** Takes the scheduled backups due at the whole hour `hourMs` (Unix ms), created at that hour. */
export function runScheduler(world: World, hourMs: number): void {
  const moment = new Date(hourMs);
  for (const datastore of world.datastores.values()) {
    if (!SCHEDULABLE_STATUSES.includes(datastore.status)) continue;
    const schedule = configSchedule(datastore.config);
    if (!schedule || !matches(schedule, moment.getUTCDay(), moment.getUTCHours())) continue;
    createBackup(world, datastore, {
      source: "scheduled",
      description: SCHEDULED_BACKUP_DESCRIPTION,
      retention: schedule.retention,
    });
  }
}

/** Whether `schedule` takes a backup on UTC `weekday` (0 = Sunday) at UTC `hour`. */
export function matches(schedule: Schedule, weekday: number, hour: number): boolean {
  const includes = (set: Schedule["hours"], value: number) => set === "every" || set.includes(value);
  return includes(schedule.weekdays, weekday) && includes(schedule.hours, hour);
}
