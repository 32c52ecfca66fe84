#!/usr/bin/env node
// Prints vitest's JSON report as one closing line `tests: N passed, N failed, N skipped` — the
// plain form our CI reads — and fails when no test ran, so a run that silently collected nothing
// can never look green.
const fs = require("node:fs");
const file = process.argv[2];
if (!file || !fs.existsSync(file)) {
  console.error(`test-summary: no vitest report at ${file}`);
  process.exit(1);
}
const report = JSON.parse(fs.readFileSync(file, "utf8"));
const passed = report.numPassedTests ?? 0;
const failed = report.numFailedTests ?? 0;
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped`);
if (passed + failed === 0) {
  console.error("test-summary: no test ran");
  process.exit(1);
}
process.exit(failed > 0 || report.success === false ? 1 : 0);
