#!/usr/bin/env bash
# Sets everything up and runs the main job. Today: prepare the real motion data (cached after
# the first run) and write a BVH and a GIF preview of a real clip into out/.
# Set DEEPMOTION_ARCHIVE to the Bandai-Namco .tar.xz if it is not at ../shared/data/.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export DEEPMOTION_ARCHIVE=${DEEPMOTION_ARCHIVE:-../shared/data/bandai-namco-research-motion.tar.xz}
CLIP=${1:-dataset-2_walk-turn-left_normal_001}
mkdir -p out
.venv/bin/deepmotion data prepare
.venv/bin/deepmotion data export "$CLIP" --out "out/$CLIP.bvh" --preview "out/$CLIP.gif" --units cm
echo "demo: open out/$CLIP.bvh in Blender (File > Import > Motion Capture) or view out/$CLIP.gif"
