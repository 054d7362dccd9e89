#!/usr/bin/env bash
# Sets everything up and runs every test. Tests that need ../shared (real data) skip
# with the reason when it is absent; the Blender import check skips without Blender.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
# System tools some tests drive (Debian packages). Installed when running as root with apt,
# which CI and the team's machines are; elsewhere those tests skip and say why.
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null && ! command -v blender >/dev/null; then
  echo "test: installing Blender (Debian) for the BVH import check"
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends blender) \
    >/tmp/deepmotion-apt.log 2>&1 || echo "test: Blender install failed (see /tmp/deepmotion-apt.log); its test will skip"
fi
.venv/bin/python -m pytest "$@"
