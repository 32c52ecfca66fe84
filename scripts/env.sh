# Sourced by the Makefile, .ci/run and the tests' harness: puts Node 24, the Pulumi engine and the
# language host first on PATH and points Pulumi at repo-local, offline state.
# Usage: . scripts/env.sh
DFCLOUD_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
export DFCLOUD_ROOT
PATH="$DFCLOUD_ROOT/.tools/pulumi/bin:$DFCLOUD_ROOT/.tools/node/node_modules/node/bin:$PATH"
export PATH
export PULUMI_HOME="$DFCLOUD_ROOT/.pulumi-home"
export PULUMI_BACKEND_URL="${PULUMI_BACKEND_URL:-file://$DFCLOUD_ROOT/.pulumi-state}"
export PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE-dfcloud-local}"
export PULUMI_SKIP_UPDATE_CHECK=true
export PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true
export PULUMI_SUPPRESS_NEO_LINK=true
export PULUMI_CREDENTIAL_STORE=plaintext
