#!/usr/bin/env node
// `dfcloud-emulator`: runs the compiled CLI, dist/cli.js (its usage: `dfcloud-emulator --help`).
// A committed launcher rather than the compiled file itself, because `npm ci` links a workspace's
// bins before anything is built: a bin pointing into dist/ is not linked in a fresh clone, and
// `npx dfcloud-emulator` then says `not found`. This file exists at install time, so the link does.
const fs = require("node:fs");
const path = require("node:path");

const cli = path.join(__dirname, "..", "dist", "cli.js");
if (!fs.existsSync(cli)) {
  process.stderr.write(
    `dfcloud-emulator: ${cli} is not built yet; in the repository, run \`make tools\` (or \`npx tsc -b emulator\`) first\n`,
  );
  process.exit(1);
}
require(cli);
