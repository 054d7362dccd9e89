#!/usr/bin/env bash
# Sets everything up and runs every test: pytest for everything Python, then the Unity
# package: its plain C# core with its NUnit tests under Debian's mono, and a compile check of
# every C# file of the package with and without the gRPC packages. Tests that need ../shared
# (real data) skip with the reason when it is absent; the Blender import check skips without Blender,
# the browser viewer's test without Chromium (Debian's, driven by playwright).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# System tools the tests drive (Debian packages), installed when running as root with apt,
# which CI and the team's machines are. Without them the Blender check skips and says why;
# the C# tests cannot run and fail with the command to install them.
missing=()
command -v blender >/dev/null || missing+=(blender)
command -v mcs >/dev/null || missing+=(mono-devel)
command -v nunit-console >/dev/null || missing+=(nunit-console)
command -v chromium >/dev/null || missing+=(chromium)
if [ ${#missing[@]} -gt 0 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
  echo "test: installing ${missing[*]} (Debian)"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}") \
    >/tmp/deepmotion-apt.log 2>&1 || echo "test: apt-get install failed (see /tmp/deepmotion-apt.log)"
fi
status=0
.venv/bin/python -m pytest "$@" || status=$?
echo "test: Unity package core (C#, NUnit under mono)"
bash scripts/test_unity_core.sh || status=$?
echo "test: Unity package compile check (every .cs file, with and without gRPC)"
bash scripts/check_unity_compile.sh || status=$?
exit $status
