#!/usr/bin/env bash
# Issues 15 and 14: the model 0.5.0. Needs the dataset with composed clips, the open split and
# caption variety (`deepmotion data prepare`, pipeline version 3). Fine-tunes the
# continuation-trained 0.2.0 (runs/default-0.2.0-ft, scripts/train_continuation.sh) on it with
# a trained prefix on half the samples, rare actions drawn more often (balance 0.5), composed
# clips 40% of draws and short clips also asked for at longer lengths (configs/cascade-0.5-finetune.json:
# 3000 / 1500 / 800 steps, about 20 minutes on 2 CPU cores), then distils it to 4 / 2 / 2 steps
# with the same draws (configs/distil-0.5.json, about 19 minutes).
# Resumable: run it again after an interruption; each stage continues from its train_state.
#   nohup bash scripts/train_compositions.sh > runs/train-0.5.log 2>&1 &
# Installed as the default only after its probes and evaluation are checked:
#   .venv/bin/deepmotion model export --model runs/distilled-0.5 --out engine/assets/default --dtype float16
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
INIT=${INIT:-$RUNS/default-0.2.0-ft}
[ -d "$INIT" ] || { echo "needs the continuation-trained 0.2.0 in $INIT (scripts/train_continuation.sh)"; exit 1; }
time .venv/bin/deepmotion train cascade --data "$DATA" --tokenizer "$INIT/tokenizer" \
  --out "$RUNS/cascade-0.5" --config configs/cascade-0.5-finetune.json --device "$DEVICE" \
  --name "deepmotion-default 0.5.0 (teacher)"
TEACHER=$RUNS/cascade-0.5 OUT=$RUNS/distilled-0.5 NAME="deepmotion-default 0.5.0" CONFIG=configs/distil-0.5.json \
  bash scripts/train_distilled.sh
