"""Seam smoothness of continuation, judged like motion capture (engine/evaluation/seams.py):
timelines of prompt pairs and continuations of real Bandai-Namco takes cut mid-motion (runs,
walks, dances), on a model directory. Prints the distribution of the acceleration and step
ratios (bar: 1.5) and, for reference, the same ratios of the real takes cut at the same frame.

    .venv/bin/python benchmarks/seams.py [--model DIR] [--timelines 20] [--takes 20] [--json out.json]
"""
from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
from report import emit

ROOT = Path(__file__).resolve().parents[1]
ARCHIVE = ROOT.parent / "shared" / "data" / "bandai-namco-research-motion.tar.xz"
PROMPTS = ["a person walks forward", "a person waves with the right hand", "someone runs forward",
           "a person walks backwards", "a person raises the left hand", "a person bows",
           "an old man walks slowly", "a person walks and turns left", "someone waves both hands",
           "a person walks and turns right"]
TAKES = r"(run|walk|dance)"


def summary(rows: list[dict]) -> dict:
    out = {"n": len(rows)}
    for key in ("acceleration_ratio", "step_ratio"):
        v = np.array([r[key] for r in rows])
        out[key] = {"median": float(np.median(v)), "p90": float(np.percentile(v, 90)), "max": float(v.max()),
                    "share_within_1.5": float((v <= 1.5).mean())}
    # Seams whose history alone (the acceleration two frames before the seam) is over the bar
    # cannot pass whatever follows; the share of the others is what continuation controls.
    for key, own in (("acceleration_ratio", "history_ratio"), ("step_ratio", "history_step_ratio")):
        fair = [r[key] <= 1.5 for r in rows if r[own] <= 1.5]
        out[key]["history_over_the_bar"] = len(rows) - len(fair)
        out[key]["share_within_1.5_where_the_history_is"] = float(np.mean(fair)) if fair else None
    return out


def timelines(pipe, n: int, seed: int) -> list[dict]:
    from deepmotion.engine.evaluation.seams import seam_ratios
    from deepmotion.engine.timeline import generate_timeline
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        a, b = rng.choice(len(PROMPTS), 2, replace=False)
        lv = list(generate_timeline(pipe, [(PROMPTS[a], 3.2), (PROMPTS[b], 3.2)], seed=seed + i))[-1]
        rows += seam_ratios(lv.motion().joint_positions(), lv.seams())
    return rows


def takes(pipe, n: int, seed: int) -> tuple[list[dict], list[dict]]:
    """Continue real takes cut mid-motion; also score the takes themselves cut there."""
    from deepmotion.engine.data.bandai import iter_bvh_members
    from deepmotion.engine.data.sources import canonical_in_source_world
    from deepmotion.engine.evaluation.seams import seam_ratios
    from deepmotion_client.motion.clip import Motion
    rng = np.random.default_rng(seed)
    ours, capture = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for i, (clip_id, _, data) in enumerate(iter_bvh_members(ARCHIVE, limit=n, match=TAKES)):
            path = Path(tmp) / f"{clip_id}.bvh"
            path.write_bytes(data)
            full = canonical_in_source_world(path, None, 20.0)
            if full.num_frames < 100:
                continue
            cut = int(rng.integers(64, full.num_frames - 32))
            history = Motion(full.skeleton, full.root_positions[:cut], full.local_rotations[:cut], full.fps)
            out = list(pipe.generate(["a person keeps moving"], [3.0], [seed + i], histories=[history]))[-1]
            new = out.placements[0].place(out.features[0])
            joined = Motion(full.skeleton, np.concatenate([history.root_positions, new.root_positions]),
                            np.concatenate([history.local_rotations, new.local_rotations]), full.fps)
            ours += seam_ratios(joined.joint_positions(), [cut])
            capture += seam_ratios(full.joint_positions(), [cut])
    return ours, capture


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--timelines", type=int, default=20)
    ap.add_argument("--takes", type=int, default=20)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument("--history-s", type=float, default=None,
                    help="seconds of history a continuation uses (default: the engine's MAX_HISTORY_S)")
    args = ap.parse_args(argv)
    from deepmotion.engine import continuation
    from deepmotion.engine.assets import model_path
    if args.history_s is not None:
        continuation.MAX_HISTORY_S = args.history_s
    from deepmotion.engine.pipeline import load_cascade
    pipe = load_cascade(model_path(args.model))
    prefix = any(d.config.prefix for d in pipe.denoisers.values())
    result = {"model": pipe.meta.get("model_version"), "prefix_trained": prefix,
              "history_s": continuation.MAX_HISTORY_S,
              "timelines": summary(timelines(pipe, args.timelines, args.seed))}
    if args.takes and ARCHIVE.exists():
        ours, capture = takes(pipe, args.takes, args.seed)
        result["continued_takes"], result["capture_cut_at_the_same_frames"] = summary(ours), summary(capture)
    elif args.takes:
        print(f"note: {ARCHIVE} absent; real-take continuations skipped", file=sys.stderr)
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.exit(main())
