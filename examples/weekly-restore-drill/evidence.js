#!/usr/bin/env node
// @ts-check
// Prints one week's restore-drill evidence as JSON, read from the stack's state:
//
//   pulumi stack export | node evidence.js 2026-W49 > restore-drill-evidence-2026-W49.json
//
// Why the state, not `pulumi stack output --json`: a drill that fails a check fails `pulumi up`, and
// a failed `up` records no stack outputs, so `stack output` would still show the last week that
// passed. The RestoreDrill is in the state either way, with `passed: false` and its failures.
//
// The evidence is the drill's record (every field is in docs/reference/restore-drill.md) under
// `week`, when its `trigger` is that week. Otherwise no drill of that week ran (the `up` failed
// before it, or the state could not be read), and the evidence says so with `passed: false`.
// Exits 0 when it found the week's drill, passed or failed; 1 when it did not.

const fs = require("node:fs");
const { RESTORE_DRILL_TYPE } = require("pulumi-dfcloud/tokens");

/** @typedef {{ urn: string, type: string, outputs?: Record<string, unknown> }} StateResource */

/**
 * The evidence of `week` in `exported`, the text `pulumi stack export` printed, and whether it is a
 * record of that week's drill.
 * @param {string} week
 * @param {string} exported
 * @returns {{ found: boolean, evidence: Record<string, unknown> }}
 */
function evidenceOf(week, exported) {
  const noDrill = (/** @type {string} */ why) => ({
    found: false,
    evidence: { week, passed: false, failures: [`no restore drill of ${week} is recorded: ${why}`] },
  });
  if (exported.trim() === "") return noDrill("the stack's state could not be read (see the log above)");
  /** @type {{ deployment?: { resources?: StateResource[] } }} */
  let state;
  try {
    state = JSON.parse(exported);
  } catch (error) {
    return noDrill(`the stack's state could not be read (${String(error)})`);
  }
  const drills = (state.deployment?.resources ?? []).filter(
    (resource) => resource.type === RESTORE_DRILL_TYPE,
  );
  const [drill] = drills;
  if (!drill) return noDrill("the stack holds no RestoreDrill (`pulumi up` failed before creating one)");
  if (drills.length > 1)
    return noDrill(`the stack holds ${drills.length} RestoreDrills; this program declares one`);
  // The dynamic provider's serialised code is stored with every dynamic resource; it is no evidence.
  const { __provider, ...record } = drill.outputs ?? {};
  if (record.trigger !== week) {
    return noDrill(
      `\`pulumi up\` failed before the drill ran (see the log above); the last drill recorded is of ${JSON.stringify(record.trigger)}`,
    );
  }
  return { found: true, evidence: { week, ...record } };
}

const week = process.argv[2] ?? "";
if (!/^\d{4}-W\d{2}$/.test(week)) {
  process.stderr.write("usage: pulumi stack export | node evidence.js <ISO week, such as 2026-W49>\n");
  process.exit(2);
}
const { found, evidence } = evidenceOf(week, fs.readFileSync(0, "utf8"));
process.stdout.write(`${JSON.stringify(evidence, null, 2)}\n`);
process.exitCode = found ? 0 : 1;
