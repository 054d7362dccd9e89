#!/usr/bin/env bash
# Trains the whole default model from the Bandai-Namco archive, on CPU or GPU (--device auto),
# and installs it as the shipped default (engine/assets/default, float16).
# Long: run it in the background, e.g. `nohup bash scripts/train_default.sh > train.log 2>&1 &`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
time .venv/bin/deepmotion train tokenizer --data "$DATA" --out "$RUNS/tokenizer-default" \
  --config configs/tokenizer-default.json --device "$DEVICE"
time .venv/bin/deepmotion train cascade --data "$DATA" --tokenizer "$RUNS/tokenizer-default" \
  --out "$RUNS/cascade-default" --config configs/cascade-default.json --device "$DEVICE" \
  --name "deepmotion-default 0.1.0"
rm -rf engine/assets/default
.venv/bin/deepmotion model export --model "$RUNS/cascade-default" --out engine/assets/default --dtype float16
.venv/bin/deepmotion tokenizer eval --data "$DATA" --split test
# The evaluator that `deepmotion eval` scores models with (about 25 minutes on 2 CPU cores).
time .venv/bin/deepmotion train evaluator --data "$DATA" --out "$RUNS/evaluator" --steps 3000 --device "$DEVICE" \
  --export engine/assets/evaluator
