// Quickstart: put a backup schedule on a datastore, take one manual backup of it, and look it up.
// Config: `datastoreId` (the datastore to protect), plus the provider's credentials
// `dfcloud-backups:apiKey` (secret) and, for the emulator, `dfcloud-backups:apiUrl`.
package main

import (
	"github.com/pulumi-dfcloud/pulumi-dfcloud/sdk/go/dfcloudbackups"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi"
	"github.com/pulumi/pulumi/sdk/v3/go/pulumi/config"
)

func main() {
	pulumi.Run(func(ctx *pulumi.Context) error {
		datastoreID := config.Require(ctx, "datastoreId")

		// Every day at 02:00 and 14:00 UTC, each backup kept for a week. `days` and `hours` take
		// "every" or a list, so they are pulumi.Input in Go: either spelling goes through.
		nightly, err := dfcloudbackups.NewBackupSchedule(ctx, "nightly", &dfcloudbackups.BackupScheduleArgs{
			DatastoreId:   pulumi.String(datastoreID),
			Days:          pulumi.String("every"),
			Hours:         pulumi.IntArray{pulumi.Int(2), pulumi.Int(14)},
			RetentionDays: pulumi.Int(7),
		})
		if err != nil {
			return err
		}

		// A one-off backup before a risky change, kept for two weeks.
		beforeMigration, err := dfcloudbackups.NewBackup(ctx, "before-migration", &dfcloudbackups.BackupArgs{
			DatastoreId:   pulumi.String(datastoreID),
			Description:   pulumi.String("before schema migration"),
			RetentionDays: pulumi.Int(14),
		})
		if err != nil {
			return err
		}

		// The backup as the API lists it, looked up by id once it exists (an invoke of the plugin).
		lookedUp := dfcloudbackups.LookupBackupOutput(ctx, beforeMigration.BackupId)

		ctx.Export("scheduleDays", nightly.Days)
		ctx.Export("scheduleHours", nightly.Hours)
		ctx.Export("backupId", beforeMigration.BackupId)
		ctx.Export("backupStatus", beforeMigration.Status)
		ctx.Export("backupExpiresAt", beforeMigration.ExpiresAt)
		// Fields of the lookup, as the API reports them.
		ctx.Export("lookedUpStatus", lookedUp.Status())
		ctx.Export("lookedUpSource", lookedUp.Source())
		return nil
	})
}
