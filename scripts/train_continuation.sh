#!/usr/bin/env bash
# Teaches the default cascade to continue a given motion: every level's denoiser learns a known
# prefix of latents. CONFIG=configs/cascade-continuation-finetune.json (the default) fine-tunes
# the shipped model 0.1.0 (its weights, plus the prefix channel starting at zero: about 5 minutes
# on 2 CPU cores); CONFIG=configs/cascade-default.json trains from scratch (about 20 minutes).
# Resumable: run it again after an interruption and each level continues from
# runs/cascade-continuation/<part>/train_state.
#   nohup bash scripts/train_continuation.sh > runs/train-continuation.log 2>&1 &
# The result is installed as the default model only after its probes and evaluation are checked:
#   .venv/bin/deepmotion model export --model runs/cascade-continuation --out engine/assets/default --dtype float16
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
CONFIG=${CONFIG:-configs/cascade-continuation-finetune.json}
time .venv/bin/deepmotion train cascade --data "$DATA" --tokenizer engine/assets/default/tokenizer \
  --out "$RUNS/cascade-continuation" --config "$CONFIG" --device "$DEVICE" \
  --name "deepmotion-default 0.2.0"
