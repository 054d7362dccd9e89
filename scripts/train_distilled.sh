#!/usr/bin/env bash
# Distils the shipped model into students that sample in 4 / 2 / 2 steps with guidance inside
# (engine/training/distil.py; issue 16): each DDIM step of a student learns to land where two
# guided steps of its teacher land. Resumable: run it again after an interruption and each
# level continues from runs/distilled/<part>/train_state (finished levels are kept; LEVELS="2 3"
# does the rest). About 25 minutes on 2 CPU cores.
#   nohup bash scripts/train_distilled.sh > runs/train-distilled.log 2>&1 &
# Installed as the default model only after its probes and evaluation are checked:
#   .venv/bin/deepmotion model export --model runs/distilled --out engine/assets/default --dtype float16
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
TEACHER=${TEACHER:-engine/assets/default}
LEVELS=${LEVELS:-1 2 3}
time .venv/bin/deepmotion train distil --data "$DATA" --teacher "$TEACHER" --out "$RUNS/distilled" \
  --config configs/distil-default.json --levels $LEVELS --device "$DEVICE" --name "deepmotion-default 0.3.0"
