#!/usr/bin/env bash
# Issue 15, after scripts/train_compositions.sh: probes (single prompts in two wordings each,
# compositions; prompts that name an order planned as timelines, as the server runs them),
# timeline-segment probes, and the test and open-split evaluations (300 clips, 3 replications)
# with the evaluator that has seen compositions (runs/evaluator-compose). MODELS names the
# models (default: the distilled 0.5.0 and the shipped one). About 12 minutes per model on 2 CPU cores,
# after the evaluator (trained here once if missing, about 22 minutes).
#   nohup bash scripts/eval_compositions.sh > runs/eval-compositions.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
MODELS=${MODELS:-"$RUNS/distilled-0.5 engine/assets/default"}
[ -f "$RUNS/evaluator-compose/model.safetensors" ] || time .venv/bin/deepmotion train evaluator --data "$DATA" \
  --out "$RUNS/evaluator-compose" --device "$DEVICE"
for model in $MODELS; do
  name=$(basename "$model")
  .venv/bin/deepmotion probes --model "$model" --seeds 0 1 2 3 4 5 6 7 --timelines --json "$RUNS/probes-$name.json" \
    --device "$DEVICE"
  for split in test open; do
    time .venv/bin/deepmotion eval --model "$model" --evaluator "$RUNS/evaluator-compose" --data "$DATA" --split $split \
      --replications 3 --max-clips 300 --json "$RUNS/eval-$split-$name.json" --device "$DEVICE"
  done
done
