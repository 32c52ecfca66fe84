#!/usr/bin/env bash
# Builds the native provider plugin as users install it: the plugin and every package it needs bundled
# by esbuild (scripts/bundle-plugin.js: an entry, pulumi-resource-dfcloud-backups.js, and the files in
# lib/ it loads when it needs them) plus the `pulumi-resource-dfcloud-backups` launcher, in
#   .tools/plugin/dfcloud-backups/                                  (a folder: `pulumi plugin install … --file <folder>`)
#   .tools/plugin/pulumi-resource-dfcloud-backups-v<version>-linux-amd64.tar.gz   (the same as a tarball)
# A bundle, because an installed plugin is copied into PULUMI_HOME/plugins/, away from any
# node_modules. Bundled from the TypeScript sources; `make plugin` runs `tsc -b` first, which checks them.
# The plugin writes Node's compile cache into .compile-cache/ beside the bundle when it first runs
# (plugin/src/bundle-entry.ts); the tarball is made before that, and scripts/pack.sh leaves it out.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
VERSION="$(node -p 'require(process.argv[1]).version' "$ROOT/plugin/package.json")"
OUT="$ROOT/.tools/plugin"
DIR="$OUT/dfcloud-backups"
rm -rf "$DIR"
mkdir -p "$DIR"
node "$ROOT/scripts/bundle-plugin.js" "$DIR"
cp "$ROOT/plugin/bin/pulumi-resource-dfcloud-backups" "$DIR/pulumi-resource-dfcloud-backups"
chmod +x "$DIR/pulumi-resource-dfcloud-backups"
cp "$ROOT/LICENSE" "$DIR/LICENSE" 2>/dev/null || true
tar -czf "$OUT/pulumi-resource-dfcloud-backups-v$VERSION-linux-amd64.tar.gz" -C "$DIR" .
echo "plugin: built $DIR and pulumi-resource-dfcloud-backups-v$VERSION-linux-amd64.tar.gz"
