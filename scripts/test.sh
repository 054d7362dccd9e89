#!/usr/bin/env bash
# Sets everything up and runs every test. Tests that need ../shared (real data) skip
# with the reason when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --dev
.venv/bin/python -m pytest "$@"
