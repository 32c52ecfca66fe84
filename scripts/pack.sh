#!/usr/bin/env bash
# Writes every publishable package, as users install it, into one folder (default dist-packages/):
#   pulumi-dfcloud-<v>.tgz                     the SDK, with the provider code inside (below)
#   dfcloud-emulator-<v>.tgz                   the local Dragonfly Cloud API and its CLI
#   dfcloud-backup-guardrails-<v>.tgz          the policy pack
#   pulumi-resource-dfcloud-backups-v<v>-linux-amd64.tar.gz   the native plugin (`pulumi plugin install … --file`)
#
# @pulumi-dfcloud/provider (provider/) is private and never published: pulumi-dfcloud and the policy
# pack each carry it inside their tarball as a bundled dependency (`bundleDependencies`), so
# `npm install pulumi-dfcloud @pulumi/pulumi` needs nothing that exists only in this workspace. npm
# does not install the dependencies of a bundled package, so each package that bundles it declares
# the provider's own dependencies (undici, zod) itself; this script fails when one is missing.
#
# Every package is packed from a copy in a temporary folder outside the repository, which gets the
# root LICENSE, has the `//# sourceMappingURL` comments removed (no maps are shipped: their sources
# are not) and, for a bundling package, the provider unpacked from its own tarball into its
# node_modules. Needs `tsc -b` (make build) and the plugin folder (make plugin) first: `make pack`.
#
# Usage: scripts/pack.sh [OUT_DIR]
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$(mkdir -p "${1:-$ROOT/dist-packages}" && cd "${1:-$ROOT/dist-packages}" && pwd)"
STAGE="$(mktemp -d "${TMPDIR:-/tmp}/dfcloud-pack.XXXXXX")"
trap 'rm -rf "$STAGE"' EXIT

die() { echo "pack: $*" >&2; exit 1; }
field() { node -p "require(process.argv[1])[process.argv[2]]" "$1/package.json" "$2"; }

for package in provider sdk emulator policy; do
  [ -f "$ROOT/$package/dist/index.js" ] || die "$package/dist is not built: run \`make build\` first"
done
PLUGIN_DIR="$ROOT/.tools/plugin/dfcloud-backups"
[ -x "$PLUGIN_DIR/pulumi-resource-dfcloud-backups" ] || die "$PLUGIN_DIR is not built: run \`make plugin\` first"

# A clean copy of a workspace package in $STAGE/<name>: its files (npm pack applies its `files`
# later), the root LICENSE, and no sourceMappingURL comments.
stage() {
  local package="$1" dir="$STAGE/$1"
  mkdir -p "$dir"
  tar -C "$ROOT/$package" --exclude=./node_modules -cf - . | tar -C "$dir" -xf -
  cp "$ROOT/LICENSE" "$dir/LICENSE"
  [ -f "$dir/README.md" ] || die "$package has no README.md"
  find "$dir/dist" \( -name '*.js' -o -name '*.d.ts' \) -exec sed -i '/^\/\/# sourceMappingURL=/d' {} +
}

# npm pack of a staged package into $2; prints the tarball's path.
pack() {
  local name
  name="$(cd "$1" && npm pack --ignore-scripts --silent --pack-destination "$2")"
  echo "$2/$name"
}

# Unpacks the provider's tarball into a staged package's node_modules and checks that the package
# declares every dependency of the provider with the same range (npm installs those, not the bundle).
bundle_provider() {
  local dir="$STAGE/$1" into="$STAGE/$1/node_modules/@pulumi-dfcloud/provider"
  mkdir -p "$into"
  tar -C "$into" --strip-components=1 -xzf "$PROVIDER_TARBALL"
  node -e '
    const [pkg, bundled] = process.argv.slice(1).map((file) => require(file));
    if (!(pkg.bundleDependencies ?? []).includes(bundled.name)) throw new Error(`${pkg.name} does not list ${bundled.name} in bundleDependencies`);
    for (const [name, range] of Object.entries(bundled.dependencies ?? {}))
      if (pkg.dependencies?.[name] !== range)
        throw new Error(`${pkg.name} bundles ${bundled.name}, which needs ${name}@${range}: declare it in ${pkg.name}'"'"'s dependencies`);
  ' "$dir/package.json" "$into/package.json" || die "$1/package.json does not carry the provider's dependencies"
}

rm -f "$OUT"/pulumi-dfcloud-*.tgz "$OUT"/dfcloud-emulator-*.tgz "$OUT"/dfcloud-backup-guardrails-*.tgz \
  "$OUT"/pulumi-resource-dfcloud-backups-v*.tar.gz
mkdir -p "$STAGE/internal"
stage provider
PROVIDER_TARBALL="$(pack "$STAGE/provider" "$STAGE/internal")"

tarballs=()
for package in sdk policy emulator; do
  stage "$package"
  case "$package" in sdk | policy) bundle_provider "$package" ;; esac
  tarballs+=("$(pack "$STAGE/$package" "$OUT")")
done

# The native plugin: the folder scripts/build-plugin.sh built, with its README and the LICENSE.
VERSION="$(field "$ROOT/plugin" version)"
mkdir -p "$STAGE/plugin-files"
cp -R "$PLUGIN_DIR/." "$STAGE/plugin-files/"
# Node's compile cache, written by runs of the plugin from this folder: keyed by this folder's paths and
# this Node version, of no use to an installed plugin, which writes its own.
rm -rf "$STAGE/plugin-files/.compile-cache"
cp "$ROOT/plugin/README.md" "$ROOT/LICENSE" "$STAGE/plugin-files/"
PLUGIN_TARBALL="$OUT/pulumi-resource-dfcloud-backups-v$VERSION-linux-amd64.tar.gz"
tar -C "$STAGE/plugin-files" -czf "$PLUGIN_TARBALL" .
tarballs+=("$PLUGIN_TARBALL")

# What every tarball must hold, and must not.
for tarball in "${tarballs[@]}"; do
  listing="$(tar -tzf "$tarball" | grep -v '/$' | sed -E 's#^(package|\.)/##')"
  for needed in README.md LICENSE; do
    grep -qx "$needed" <<<"$listing" || die "$(basename "$tarball") has no $needed"
  done
  if grep -E '(^|/)(\.tsbuildinfo|[^/]*\.map|src/[^/]*\.ts)$' <<<"$listing"; then
    die "$(basename "$tarball") holds build info, source maps or sources (listed above)"
  fi
  printf 'pack: %-48s %7s bytes, %3s files\n' "$(basename "$tarball")" "$(stat -c %s "$tarball")" "$(wc -l <<<"$listing")"
done
echo "pack: wrote ${#tarballs[@]} packages to $OUT"
