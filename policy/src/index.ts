/**
 * The `dfcloud-backup-guardrails` policy pack. Pulumi runs this file (compiled to
 * `dist/index.js`, the package's `main`) in the pack directory for `pulumi preview` and
 * `pulumi up --policy-pack <dir>`; constructing the pack serves it to the engine, so nothing else
 * should import this module: import `./policies` instead.
 */
import { PolicyPack } from "@pulumi/policy";
import { policies } from "./policies";

new PolicyPack("dfcloud-backup-guardrails", {
  policies,
  description:
    "Guardrails for Dragonfly Cloud backups: retention, frequency and enabled schedules, restores only where allowed and only after a safety backup, one schedule per datastore, protected backups, and a restore drill for every scheduled datastore.",
  displayName: "Dragonfly Cloud backup guardrails",
  provider: "dfcloud",
  tags: ["dragonfly", "backup", "restore"],
});
