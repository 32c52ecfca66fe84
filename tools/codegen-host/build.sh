#!/usr/bin/env bash
# Builds the code-generation-only language plugin (main.go) from the Go module proxy and installs
# it as .tools/codegen/bin/pulumi-language-nodejs, …-python and …-go, for `pulumi package gen-sdk`.
# Skips the build when the installed binary was built from the same sources. Needs Go (like
# scripts/build-engine.sh); the first build downloads pulumi's pkg/v3 module if it is not cached.
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
OUT="$ROOT/.tools/codegen/bin"
STAMP="$OUT/.sources"

cd "$HERE"
sources="$(cat go.mod go.sum main.go | sha256sum | cut -d' ' -f1)"
if [ -x "$OUT/pulumi-language-nodejs" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$sources" ]; then
  exit 0
fi
command -v go >/dev/null || { echo "codegen-host: Go is required to build it (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$OUT"
export CGO_ENABLED=0
go build -mod=mod -trimpath -ldflags "-s -w -X main.version=3.274.1" -o "$OUT/pulumi-language-nodejs" .
# One binary serves every language: it picks the generator from the name it is started under.
ln -sf pulumi-language-nodejs "$OUT/pulumi-language-python"
ln -sf pulumi-language-nodejs "$OUT/pulumi-language-go"
echo "$sources" > "$STAMP"
echo "codegen-host: built $OUT/pulumi-language-{nodejs,python,go}"
