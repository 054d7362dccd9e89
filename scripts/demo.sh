#!/usr/bin/env bash
# Sets everything up and runs the main job: starts the gRPC server on the shipped default model,
# streams a prompt through the Python client (level 1 first, then refinements), writes
# out/demo.bvh and out/demo.gif, prints per-level timings and stops the server.
#   bash scripts/demo.sh ["your prompt"] [duration seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
PROMPT=${1:-"a person walks forward and waves with the right hand"}
DURATION=${2:-4}
mkdir -p out
.venv/bin/deepmotion serve --port 0 --device auto > out/server.log 2>&1 &
SERVER=$!
trap 'kill -TERM $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true' EXIT
PORT=""
for _ in $(seq 1 240); do
  PORT=$(sed -n 's/.*ready on [^:]*:\([0-9]*\).*/\1/p' out/server.log | head -n1)
  [ -n "$PORT" ] && break
  kill -0 $SERVER 2>/dev/null || { cat out/server.log; echo "demo: the server failed to start"; exit 1; }
  sleep 0.5
done
[ -n "$PORT" ] || { cat out/server.log; echo "demo: the server did not become ready"; exit 1; }
echo "demo: server ready on port $PORT (log: out/server.log)"
.venv/bin/deepmotion-client --address "127.0.0.1:$PORT" generate "$PROMPT" --duration "$DURATION" --seed 1 \
  -o out/demo.bvh --preview out/demo.gif
echo "demo: open out/demo.bvh in Blender (File > Import > Motion Capture (.bvh)) or view out/demo.gif"
