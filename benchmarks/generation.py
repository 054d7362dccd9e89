"""Engine speed for a 10-second clip: time to level-1 frames and to the final level,
batch 1 and batch 8, median of N runs (default 20). Prints a table and optional JSON.

    .venv/bin/python benchmarks/generation.py [--model DIR] [--runs 20] [--device auto] [--json out.json]
"""
from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import torch

PROMPTS = ["a person walks forward", "someone waves with the right hand", "a man runs", "a woman bows",
           "a person raises the left hand", "someone walks and turns left", "an old man walks slowly",
           "a child waves both hands"]


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--device", default="auto")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()

    from deepmotion.engine.assets import default_model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade

    dev = resolve_device(args.device)
    pipe = load_cascade(args.model or default_model_path(), dev)
    rows = []
    for batch in (1, 8):
        texts = PROMPTS[:batch]
        firsts, finals = [], []
        for run in range(args.runs + 1):  # the first run warms up and is not counted
            t0 = time.perf_counter()
            first = None
            for out in pipe.generate(texts, [args.seconds] * batch, list(range(run, run + batch))):
                if first is None:
                    first = time.perf_counter() - t0
            final = time.perf_counter() - t0
            if run:
                firsts.append(first)
                finals.append(final)
        row = {"batch": batch, "level1_s": statistics.median(firsts), "final_s": statistics.median(finals),
               "real_time_factor": args.seconds * batch / statistics.median(finals)}
        rows.append(row)
    print(f"device {dev}, torch threads {torch.get_num_threads()}, clip {args.seconds:g} s, median of {args.runs} runs")
    print("| batch | time to level-1 frames (s) | time to final level (s) | real-time factor (clip s / wall s) |")
    print("|---|---|---|---|")
    for r in rows:
        print(f"| {r['batch']} | {r['level1_s']:.3f} | {r['final_s']:.3f} | {r['real_time_factor']:.1f} |")
    if args.json:
        args.json.write_text(json.dumps({"device": str(dev), "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
