#!/usr/bin/env bash
# The rows a candidate default is compared on (issues 14 and 15; docs/RESULTS.md): probes (single
# prompts in two wordings each, compositions, the reported wordings; prompts that name an order
# planned as timelines, as the server runs them) with timeline-segment probes over 16 seeds; the
# test split, the open split's composed clips (held out for every model) and the whole open split
# (300 clips, 3 replications); single test clips in held-out wording, per action label; seams of
# timelines and continued real takes. Guidance 4 (the shipped default) for every model, so rows
# compare models, not scales. MODELS names the models (default: the shipped one); OUT the folder
# for the JSON and text results; EVALUATOR the evaluator (default: the shipped one, the float16 copy
# of runs/evaluator-compose). About 25 minutes per model on 2 CPU cores. A result already in OUT is kept.
# Rows in docs/RESULTS.md before 0.14 ran this script's earlier form (8 seeds, each model's own guidance,
# probes and the test and whole open splits only, runs/evaluator-compose; git log -p on this file).
#   MODELS="runs/distilled-0.14 engine/assets/default" OUT=runs/m14 nohup bash scripts/eval_compositions.sh > runs/m14/eval.log 2>&1 &
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/training_setup.sh
MODELS=${MODELS:-engine/assets/default}
OUT=${OUT:-$RUNS/eval}
GUIDANCE=${GUIDANCE:-4}
mkdir -p "$OUT"
EVAL=(.venv/bin/deepmotion eval --data "$DATA" --replications 3 --max-clips 300 --guidance "$GUIDANCE" --device "$DEVICE")
[ -n "${EVALUATOR:-}" ] && EVAL+=(--evaluator "$EVALUATOR")
for model in $MODELS; do
  name=$(basename "$model")
  [ "$name" = default ] && name=shipped
  [ -f "$OUT/probes-$name.json" ] || .venv/bin/deepmotion probes --model "$model" --guidance "$GUIDANCE" \
    --seeds $(seq 0 15) --timelines --json "$OUT/probes-$name.json" --device "$DEVICE" > "$OUT/probes-$name.txt"
  for run in "test" "open --kind composed" "open"; do
    tag=$(echo "$run" | sed 's/ --kind /-/')
    [ -f "$OUT/eval-$tag-$name.json" ] || time "${EVAL[@]}" --model "$model" --split $run --json "$OUT/eval-$tag-$name.json"
  done
  [ -f "$OUT/actions-heldout-$name.txt" ] || .venv/bin/python benchmarks/actions_by_label.py --models "$model" --data "$DATA" \
    --split test --wording held-out --level 3 > "$OUT/actions-heldout-$name.txt"
  [ -f "$OUT/seams-$name.json" ] || .venv/bin/python benchmarks/seams.py --model "$model" --timelines 20 --takes 40 --seed 0 \
    --json "$OUT/seams-$name.json"
done
