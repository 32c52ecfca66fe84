#!/usr/bin/env bash
# Puts the plugins the engine needs next to the `pulumi` we built, where the engine treats them as
# bundled (found without PATH, no "using … from $PATH" warning):
# - `pulumi-resource-pulumi-nodejs`, the dynamic-provider shim that ships inside @pulumi/pulumi;
# - `pulumi-language-nodejs`, our Node.js language host (tools/language-host/README.md says why).
# When a real Pulumi CLI is used instead (no .tools/pulumi/bin), its own bundled plugins serve.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.tools/pulumi/bin"
SHIM="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
HOST="$ROOT/tools/language-host/bin/pulumi-language-nodejs"
[ -d "$BIN" ] || exit 0
[ -x "$SHIM" ] || { echo "link-plugins: $SHIM is missing; run npm ci" >&2; exit 1; }
ln -sf "$SHIM" "$BIN/pulumi-resource-pulumi-nodejs"
ln -sf "$HOST" "$BIN/pulumi-language-nodejs"
