"""What planning a movement with a gesture costs: the same prompt as one piece and spliced (two
parts sampled as one batch at every level), time to the first level and to the final level,
in process, one engine thread (what `deepmotion serve` gives its engine on 2 cores). Medians.

    .venv/bin/python benchmarks/splice_cost.py [--model DIR] [--seconds 10] [--runs 10] [--json out.json]
"""
from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

from report import emit


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--prompt", default="a person walks forward and waves with the right hand")
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=10)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    from deepmotion.engine.assets import model_path
    from deepmotion.engine.device import configure_threads
    from deepmotion.engine.pipeline import load_cascade
    configure_threads(1)
    pipe = load_cascade(model_path(args.model), "cpu")
    result = {"prompt": args.prompt, "seconds": args.seconds, "runs": args.runs, "threads": 1,
              "parts": pipe.composition(args.prompt), "rows": {}}
    for planned in (False, True):
        pipe.settings.plan_prompts = planned
        first, final = [], []
        for seed in range(args.runs + 2):  # two warm-up runs
            t0 = time.perf_counter()
            first_s = None
            for _ in pipe.generate([args.prompt], [args.seconds], [seed]):
                first_s = first_s or time.perf_counter() - t0
            if seed >= 2:
                first.append(first_s)
                final.append(time.perf_counter() - t0)
        result["rows"]["spliced" if planned else "one piece"] = {
            "first_level_ms": round(statistics.median(first) * 1000, 1),
            "final_level_ms": round(statistics.median(final) * 1000, 1)}
    emit(result, args.json)


if __name__ == "__main__":
    main()
