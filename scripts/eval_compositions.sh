#!/usr/bin/env bash
# Issue 15, after scripts/train_compositions.sh: probes (single prompts, compositions, timeline
# segments) and the test-split evaluation of the composition model and of 0.1.0, with the
# evaluator that has seen compositions. Together about 35 minutes on 2 CPU cores.
#   nohup bash scripts/eval_compositions.sh > runs/eval-compositions.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
for model in "$RUNS/cascade-compose" engine/assets/default; do
  name=$(basename "$model")
  .venv/bin/deepmotion probes --model "$model" --seeds 0 1 2 3 --timelines --json "$RUNS/probes-$name.json" \
    --device "$DEVICE"
done
for model in "$RUNS/cascade-compose" engine/assets/default; do
  name=$(basename "$model")
  time .venv/bin/deepmotion eval --model "$model" --evaluator "$RUNS/evaluator-compose" --data "$DATA" --split test \
    --replications 3 --json "$RUNS/eval-test-$name.json" --device "$DEVICE"
done
