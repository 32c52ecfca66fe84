#!/usr/bin/env bash
# Makes `redis-server` available to emulator/test/data-plane.test.ts, which runs its table of RESP
# exchanges against the emulator's data plane and against a real redis-server (started by the test
# on a free loopback port, without persistence) and expects the same replies. Without redis-server
# on PATH the test reports that half as skipped, with the reason, and the rest still runs.
#
# As root with apt-get (CI containers, Debian/Ubuntu), it installs the Debian package `redis-server`
# (running `apt-get update` first when the package lists lack it). Note that on a machine with
# systemd the package also starts a redis service on port 6379; the test does not use it. Anyone
# else is told what to run. Never fails `make tools`: the test can do without it.
set -uo pipefail

if command -v redis-server >/dev/null 2>&1; then
  exit 0
fi

if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "ensure-redis: installing the redis-server package (apt-get) for the data-plane test's real-server half"
  export DEBIAN_FRONTEND=noninteractive
  install() { apt-get install -y -qq --no-install-recommends redis-server >/dev/null; }
  if install || { apt-get update -qq && install; }; then
    echo "ensure-redis: $(redis-server --version)"
    exit 0
  fi
  echo "ensure-redis: apt-get could not install redis-server; data-plane.test.ts will skip its real-server half" >&2
  exit 0
fi

cat >&2 <<'EOF'
ensure-redis: redis-server is not on PATH, so emulator/test/data-plane.test.ts will skip comparing
the emulator's data plane with a real Redis. To run that half, install it and re-run the tests:
  Debian/Ubuntu:  sudo apt-get install redis-server
  Fedora:         sudo dnf install redis
  macOS:          brew install redis
EOF
exit 0
