#!/usr/bin/env bash
# Distils a cascade into students that sample in 4 / 2 / 2 steps with guidance inside
# (engine/training/distil.py; issue 16): each DDIM step of a student learns to land where two
# guided steps of its teacher land; a teacher trained to continue a prefix passes that on.
# The default makes the shipped 0.3.0: its teacher is 0.1.0, taken from git history (the last
# commit that shipped it). TEACHER=runs/cascade-continuation (scripts/train_continuation.sh)
# OUT=runs/distilled-0.4.0 NAME="deepmotion-default 0.4.0" distils the continuation-trained 0.2.0
# instead (measured, not shipped: docs/RESULTS.md, "Distillation"). Resumable: run it again after
# an interruption and each level continues from $OUT/<part>/train_state (LEVELS="2 3" does the
# rest). About 19 minutes on 2 CPU cores.
#   nohup bash scripts/train_distilled.sh > runs/train-distilled.log 2>&1 &
# Installed as the default model only after its probes and evaluation are checked:
#   .venv/bin/deepmotion model export --model runs/distilled --out engine/assets/default --dtype float16
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
if [ -z "${TEACHER:-}" ]; then
  TEACHER=$RUNS/teacher-0.1.0/engine/assets/default
  [ -d "$TEACHER" ] || { mkdir -p "$RUNS/teacher-0.1.0"; git archive f4a7229 engine/assets/default | tar -x -C "$RUNS/teacher-0.1.0"; }
fi
OUT=${OUT:-$RUNS/distilled}
NAME=${NAME:-deepmotion-default 0.3.0}
LEVELS=${LEVELS:-1 2 3}
time .venv/bin/deepmotion train distil --data "$DATA" --teacher "$TEACHER" --out "$OUT" \
  --config "${CONFIG:-configs/distil-default.json}" --levels $LEVELS --device "$DEVICE" --name "$NAME"
