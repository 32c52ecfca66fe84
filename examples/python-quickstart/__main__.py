"""Quickstart: put a backup schedule on a datastore, take one manual backup of it, and look it up.

Config: `datastoreId` (the datastore to protect), plus the provider's credentials
`dfcloud-backups:apiKey` (secret) and, for the emulator, `dfcloud-backups:apiUrl`.
"""

import pulumi
import pulumi_dfcloud_backups as dfcloud

config = pulumi.Config()
datastore_id = config.require("datastoreId")

# Every hour of every day, each backup kept two days. The other quickstarts back up at 02:00 and
# 14:00 UTC (`hours=[2, 14]`), which Python cannot send yet: the Pulumi Python SDK raises
# "Unexpected type. Expected 'list'" for a list in a property typed as "every" or a list (`days`,
# `hours`), whether it sends one or reads one back. See docs/reference/backup-schedule.md.
hourly = dfcloud.BackupSchedule(
    "hourly",
    datastore_id=datastore_id,
    days="every",
    hours="every",
    retention_days=2,
)

# A one-off backup before a risky change, kept for two weeks.
before_migration = dfcloud.Backup(
    "before-migration",
    datastore_id=datastore_id,
    description="before schema migration",
    retention_days=14,
)

# The backup as the API lists it, looked up by id once it exists (an invoke of the plugin).
looked_up = dfcloud.get_backup_output(backup_id=before_migration.backup_id)

pulumi.export("scheduleDays", hourly.days)
pulumi.export("scheduleHours", hourly.hours)
pulumi.export("backupId", before_migration.backup_id)
pulumi.export("backupStatus", before_migration.status)
pulumi.export("backupExpiresAt", before_migration.expires_at)
# Fields of the lookup, as the API reports them.
pulumi.export("lookedUpStatus", looked_up.status)
pulumi.export("lookedUpSource", looked_up.source)
