#!/usr/bin/env bash
# Builds Pulumi YAML's language host, `pulumi-language-yaml`, at one pinned version from the Go
# module proxy into .tools/yaml/bin; scripts/link-plugins.sh then links it next to the engine we
# built, where the engine finds it as a bundled plugin (like the Node.js host). Skips the build when
# that version is already there, and when no engine was built here (a real Pulumi CLI on PATH ships
# its own YAML host).
#
# pulumi-yaml's go.mod has no replace directives, so `go install module@version` builds it with
# exactly the dependency versions pulumi-yaml was released with (pkg/v3 v3.206.0 for v1.25.0). It
# cannot share the engine's pkg/v3 v3.274.1: pkg's plugin API changed in between.
set -euo pipefail

VERSION="${PULUMI_YAML_VERSION:-v1.25.0}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/.tools/yaml/bin"
STAMP="$OUT/.version"

[ -x "$ROOT/.tools/pulumi/bin/pulumi" ] || exit 0
if [ -x "$OUT/pulumi-language-yaml" ] && [ "$(cat "$STAMP" 2>/dev/null)" = "$VERSION" ]; then
  exit 0
fi

command -v go >/dev/null || { echo "build-yaml-host: Go is required to build it (https://go.dev/dl)" >&2; exit 1; }
mkdir -p "$OUT"
# Without the version ldflag the host reports an empty version to the engine.
LDFLAGS="-s -w -X github.com/pulumi/pulumi-yaml/pkg/version.Version=$VERSION"
CGO_ENABLED=0 GOBIN="$OUT" go install -trimpath -ldflags "$LDFLAGS" \
  "github.com/pulumi/pulumi-yaml/cmd/pulumi-language-yaml@$VERSION"
echo "$VERSION" > "$STAMP"
echo "build-yaml-host: built $OUT/pulumi-language-yaml $VERSION"
