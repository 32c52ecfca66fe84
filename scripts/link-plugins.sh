#!/usr/bin/env bash
# The engine finds the bundled `pulumi-nodejs` dynamic-provider plugin on PATH or next to the
# `pulumi` binary. The shim ships inside @pulumi/pulumi, so link it next to our engine.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
BIN="$ROOT/.tools/pulumi/bin"
SHIM="$ROOT/node_modules/@pulumi/pulumi/pulumi-resource-pulumi-nodejs"
[ -x "$SHIM" ] || { echo "link-plugins: $SHIM is missing; run npm ci" >&2; exit 1; }
if [ -d "$BIN" ]; then ln -sf "$SHIM" "$BIN/pulumi-resource-pulumi-nodejs"; fi
