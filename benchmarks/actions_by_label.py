"""Does each model do the labelled action, per label? `deepmotion eval` reports one rate per
kind of caption; this breaks single clips down by action label, which is how a regression in
one gesture (raises, for the continuation fine-tunes) was found. Every clip of the split with a
check (engine/evaluation/actions.py) is generated once at its own length from its first
caption, seed = its position in a batch of 16, so models are compared clip for clip.

    .venv/bin/python benchmarks/actions_by_label.py --models engine/assets/default runs/distilled-0.7.2 \
        [--split open] [--actions raise] [--level 1] [--wording held-out] [--data data/cache/bandai-dm-v4]
"""
from __future__ import annotations

import argparse
import collections
import sys

import numpy as np


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--models", nargs="+", required=True, help="model directories")
    p.add_argument("--data", default="data/cache/bandai-dm-v4", help="prepared dataset (deepmotion data prepare)")
    p.add_argument("--split", default="open")
    p.add_argument("--actions", default="", help="only labels starting with this (e.g. raise)")
    p.add_argument("--level", type=int, default=3, help="judge this level's output (level 1 decides the action)")
    p.add_argument("--wording", choices=["split", "held-out"], default="split",
                   help="the split's own first caption, or the clip's first caption in the held-out wording "
                        "family (test clips in held-out wording: wording no model trained on, on clips no model "
                        "trained on, whatever data pipeline a model's training started from)")
    args = p.parse_args(argv)
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.evaluation.actions import does
    from deepmotion.engine.pipeline import load_cascade
    from deepmotion.engine.representation import dmv1
    ds = Dataset(args.data)
    clips = [i for i in ds.split(args.split)
             if not ds.records[i]["source"].startswith("composed") and ds.records[i]["action"].startswith(args.actions)
             and does(ds.features_of(i), ds.records[i]["action"]) is not None
             and (args.wording == "split" or ds.records[i].get("heldout_captions"))]
    if not clips:
        print(f"no single clips with a check in split {args.split!r} for labels starting {args.actions!r}", file=sys.stderr)
        return 2
    print(f"split {args.split}: {len(clips)} single clips with a check, level {args.level}, {args.wording} wording")
    for model in args.models:
        pipe = load_cascade(model, "cpu")
        passed = collections.defaultdict(list)
        for k in range(0, len(clips), 16):
            chunk = clips[k:k + 16]
            texts = [(ds.records[i]["heldout_captions"] if args.wording == "held-out" else ds.records[i]["captions"])[0]
                     for i in chunk]
            seconds = [min(max(ds.records[i]["frames"] / dmv1.FPS, pipe.limits.min_duration_s), pipe.limits.max_duration_s)
                       for i in chunk]
            out = list(pipe.generate(texts, seconds, list(range(len(chunk))), max_level=args.level))[-1]
            for i, features in zip(chunk, out.features):
                passed[ds.records[i]["action"]].append(bool(does(features, ds.records[i]["action"])))
        everything = [x for v in passed.values() for x in v]
        print(f"{model}: all {np.mean(everything):.3f}  " +
              "  ".join(f"{a} {np.mean(v):.2f} ({len(v)})" for a, v in sorted(passed.items())))
    return 0


if __name__ == "__main__":
    sys.exit(main())
