#!/usr/bin/env bash
# Makes Node.js >= 22 available. The machines ship Node 20 (end of life) and @pulumi/pulumi needs
# >= 22, so unless the machine already has a new enough node we install Node 24 LTS from the npm
# registry (the `node` package carries a real binary) into .tools/node; the Makefile and
# scripts/env.sh put .tools/node/node_modules/node/bin first on PATH.
set -euo pipefail
NODE_VERSION="${NODE_VERSION:-24.9.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/.tools/node"
if [ -x "$DEST/node_modules/node/bin/node" ] && [ "$("$DEST/node_modules/node/bin/node" --version)" = "v$NODE_VERSION" ]; then
  exit 0
fi
if command -v node >/dev/null 2>&1; then
  major="$(node -p 'process.versions.node.split(".")[0]')"
  if [ "$major" -ge 22 ]; then
    echo "ensure-node: using the machine's node $(node --version)"
    exit 0
  fi
fi
echo "ensure-node: installing Node $NODE_VERSION from the npm registry into .tools/node"
mkdir -p "$DEST"
npm install --prefix "$DEST" --no-audit --no-fund --no-save "node@$NODE_VERSION" >/dev/null
"$DEST/node_modules/node/bin/node" --version
