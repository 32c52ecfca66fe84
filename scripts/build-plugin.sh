#!/usr/bin/env bash
# Builds the native provider plugin as users install it: one bundled JavaScript file (the plugin and
# every package it needs, by esbuild) plus the `pulumi-resource-dfcloud-backups` launcher, in
#   .tools/plugin/dfcloud-backups/                                  (a folder: `pulumi plugin install … --file <folder>`)
#   .tools/plugin/pulumi-resource-dfcloud-backups-v<version>-linux-amd64.tar.gz   (the same as a tarball)
# A bundle, because an installed plugin is copied into PULUMI_HOME/plugins/, away from any
# node_modules. Needs `tsc -b` to have built plugin/dist first (make tools runs it after `build`).
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="$(node -p 'require(process.argv[1]).version' "$ROOT/plugin/package.json")"
OUT="$ROOT/.tools/plugin"
DIR="$OUT/dfcloud-backups"
rm -rf "$DIR"
mkdir -p "$DIR"
"$ROOT/node_modules/.bin/esbuild" "$ROOT/plugin/dist/main.js" --bundle --platform=node --target=node22 \
  --log-level=warning --legal-comments=none --outfile="$DIR/pulumi-resource-dfcloud-backups.js"
cp "$ROOT/plugin/bin/pulumi-resource-dfcloud-backups" "$DIR/pulumi-resource-dfcloud-backups"
chmod +x "$DIR/pulumi-resource-dfcloud-backups"
cp "$ROOT/LICENSE" "$DIR/LICENSE" 2>/dev/null || true
tar -czf "$OUT/pulumi-resource-dfcloud-backups-v$VERSION-linux-amd64.tar.gz" -C "$DIR" .
echo "plugin: built $DIR and pulumi-resource-dfcloud-backups-v$VERSION-linux-amd64.tar.gz"
