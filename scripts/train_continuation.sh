#!/usr/bin/env bash
# Retrains the default cascade for continuation (issue: continuous motion): every level's
# denoiser learns to continue a known prefix of latents (configs/cascade-default.json,
# prefix_prob), on the shipped tokenizer. Resumable: run it again after an interruption and
# each level continues from runs/cascade-continuation/<part>/train_state.
# Long (about 40 minutes on 2 CPU cores): `nohup bash scripts/train_continuation.sh > runs/train-continuation.log 2>&1 &`
# The result is installed as the default model only after its probes and evaluation are checked:
#   .venv/bin/deepmotion model export --model runs/cascade-continuation --out engine/assets/default --dtype float16
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEEPMOTION_ARCHIVE=${DEEPMOTION_ARCHIVE:-../shared/data/bandai-namco-research-motion.tar.xz}
DATA=data/cache/bandai-dm-v1
RUNS=${RUNS:-runs}
DEVICE=${DEVICE:-auto}
mkdir -p "$RUNS"
time .venv/bin/deepmotion data prepare --out "$DATA"
time .venv/bin/deepmotion train cascade --data "$DATA" --tokenizer engine/assets/default/tokenizer \
  --out "$RUNS/cascade-continuation" --config configs/cascade-default.json --device "$DEVICE" \
  --name "deepmotion-default 0.2.0"
