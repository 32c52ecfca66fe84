/**
 * Pulumi type tokens of the dfcloud resources, for policy packs and stack exports. A stack holds one
 * of two tokens for each resource, by the front door that registered it: this SDK's dynamic resources
 * are `pulumi-nodejs:dynamic/dfcloud:<Kind>`, and the native plugin's (the SDKs generated from
 * schema.json, Pulumi YAML) are `dfcloud-backups:index:<Kind>`. Both are derived from the provider's
 * registry of resources, as everything else that names a resource is; the policy pack
 * `dfcloud-backup-guardrails` matches both.
 */
import { dynamicToken, nativeToken } from "@pulumi-dfcloud/provider";

/** Type token of {@link BackupSchedule}, this SDK's dynamic resource: `pulumi-nodejs:dynamic/dfcloud:BackupSchedule`. */
export const BACKUP_SCHEDULE_TYPE: string = dynamicToken("BackupSchedule");
/** Type token of {@link Backup}, this SDK's dynamic resource: `pulumi-nodejs:dynamic/dfcloud:Backup`. */
export const BACKUP_TYPE: string = dynamicToken("Backup");
/** Type token of {@link Restore}, this SDK's dynamic resource: `pulumi-nodejs:dynamic/dfcloud:Restore`. */
export const RESTORE_TYPE: string = dynamicToken("Restore");
/** Type token of {@link RestoreDrill}, this SDK's dynamic resource: `pulumi-nodejs:dynamic/dfcloud:RestoreDrill`. */
export const RESTORE_DRILL_TYPE: string = dynamicToken("RestoreDrill");

/** Type token of a BackupSchedule of the native plugin: `dfcloud-backups:index:BackupSchedule`. */
export const NATIVE_BACKUP_SCHEDULE_TYPE: string = nativeToken("BackupSchedule");
/** Type token of a Backup of the native plugin: `dfcloud-backups:index:Backup`. */
export const NATIVE_BACKUP_TYPE: string = nativeToken("Backup");
/** Type token of a Restore of the native plugin: `dfcloud-backups:index:Restore`. */
export const NATIVE_RESTORE_TYPE: string = nativeToken("Restore");
/** Type token of a RestoreDrill of the native plugin: `dfcloud-backups:index:RestoreDrill`. */
export const NATIVE_RESTORE_DRILL_TYPE: string = nativeToken("RestoreDrill");
