#!/usr/bin/env bash
# Builds the Pulumi CLI at one pinned version from the Go module
# proxy into .tools/pulumi/bin. The npm package `pulumi` only downloads the CLI from the internet,
# which our machines cannot reach; both binaries are Go modules, so we compile them.
# See ../shared/research/pulumi-offline-engine.md §1, §2, §7.
set -euo pipefail

VERSION="${PULUMI_ENGINE_VERSION:-v3.274.1}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/.tools/pulumi/bin"
STAMP="$OUT/.version"

if [ -x "$OUT/pulumi" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  echo "build-engine: pulumi $VERSION already built in $OUT"
  exit 0
fi

# A machine that already has a real Pulumi CLI at or above the pinned version (a user's machine)
# uses it: its own language host and plugins come with it.
if existing="$(PATH="${PATH//$OUT:/}" command -v pulumi 2>/dev/null)"; then
  have="$("$existing" version 2>/dev/null || true)"
  if [ -n "$have" ] && [ "$(printf '%s\n%s\n' "$VERSION" "$have" | sort -V | head -n1)" = "$VERSION" ]; then
    echo "build-engine: using $existing ($have >= $VERSION); nothing to build"
    exit 0
  fi
fi

command -v go >/dev/null || { echo "build-engine: Go is required to build the Pulumi engine (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$OUT"
WORK="$ROOT/.tools/pulumi/build"
rm -rf "$WORK"; mkdir -p "$WORK"; cd "$WORK"

# pulumi's own go.mod has replace directives, so `go install module@version` refuses it:
# a throwaway wrapper module requires the modules instead.
go mod init local.invalid/pulumi-engine-build >/dev/null 2>&1

go get "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi@$VERSION" "github.com/pulumi/pulumi/sdk/v3@$VERSION"

# Without the version ldflag `pulumi version` is empty and the Automation API's version check fails.
LDFLAGS="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$VERSION"
export CGO_ENABLED=0
go build -mod=mod -trimpath -tags osusergo,grpcnotrace -ldflags "$LDFLAGS" \
  -o "$OUT/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

echo "$VERSION" > "$STAMP"
cd "$ROOT"; rm -rf "$WORK"
"$OUT/pulumi" version
