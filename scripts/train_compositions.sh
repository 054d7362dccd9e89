#!/usr/bin/env bash
# Issue 15: teaches the cascade compositions and open wording. Needs the dataset with composed
# clips and the open split (`deepmotion data prepare`, pipeline version 2). Fine-tunes the
# shipped model 0.1.0 (2400/1200/600 steps, prefix on half the samples so continuation is kept:
# about 12 minutes on 2 CPU cores), then trains an evaluator that has seen compositions (about
# 22 minutes), then evaluates the new model and 0.1.0 on the open split with that evaluator.
# Resumable: run it again after an interruption; each stage continues from its train_state.
#   nohup bash scripts/train_compositions.sh > runs/train-compositions.log 2>&1 &
# Installed as the default only after its probes and evaluation are checked:
#   .venv/bin/deepmotion model export --model runs/cascade-compose --out engine/assets/default --dtype float16
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
time .venv/bin/deepmotion train cascade --data "$DATA" --tokenizer engine/assets/default/tokenizer \
  --out "$RUNS/cascade-compose" --config configs/cascade-compose-finetune.json --device "$DEVICE" \
  --name "deepmotion-default 0.3.0"
time .venv/bin/deepmotion train evaluator --data "$DATA" --out "$RUNS/evaluator-compose" --steps 3000 --device "$DEVICE"
for model in "$RUNS/cascade-compose" engine/assets/default; do
  name=$(basename "$model")
  time .venv/bin/deepmotion eval --model "$model" --evaluator "$RUNS/evaluator-compose" --data "$DATA" --split open \
    --replications 3 --json "$RUNS/eval-open-$name.json" --device "$DEVICE"
done
