"""Can an evaluator tell a caption's motion from its near misses? R-precision draws its 31
distractors at random, so an evaluator that cannot tell "walks while waving the left hand" from
"walks while raising the left hand" still ranks a stored clip of the wrong composition first;
this scores the evaluator itself, on real capture only, before any model is judged with it.

For every clip of the split and up to `--per-clip` clips of any split that differ from it in
one thing (the near misses a retrieval baseline returns come from the train split) (engine/training/evaluator.py, Neighbours: the other side, another style,
one part of a composition, the order of a temporal one), with each clip's first caption:

- motion -> text: the clip's motion is nearer its own caption than the neighbour's caption;
- text -> motion: the clip's caption is nearer its own motion than the neighbour's motion.

Chance is 0.5. Reported per kind of difference.

    .venv/bin/python benchmarks/evaluator_near_misses.py --evaluators engine/assets/evaluator runs/evaluator-near \\
        [--split open] [--data data/cache/bandai-dm-v4] [--json out.json]
"""
from __future__ import annotations

import argparse
import collections
import json
import sys

import numpy as np


def difference(a: dict, b: dict) -> str:
    """How two clips' labels differ, in words."""
    if a["action"] == b["action"]:
        return "style or side" if a["style"] != b["style"] else "side"
    from deepmotion.engine.data.compose import label_parts
    pa, pb = label_parts(a["action"]), label_parts(b["action"])
    if len(pa) == 2 and len(pb) == 2 and sorted(pa) == sorted(pb):
        return "order of a temporal pair"
    from deepmotion.engine.training.evaluator import _sideless
    if [_sideless(p) for p in pa] == [_sideless(p) for p in pb]:
        return "side"
    if len(pa) == 2 and len(pb) == 2:
        return "one part of a pair"
    if len(pa) != len(pb):
        return "a pair against one part"
    return "another action"


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--evaluators", nargs="+", required=True, help="evaluator checkpoint directories")
    p.add_argument("--data", default="data/cache/bandai-dm-v4", help="prepared dataset (deepmotion data prepare)")
    p.add_argument("--split", default="open")
    p.add_argument("--per-clip", type=int, default=8, help="neighbours scored per clip")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", default=None, help="also write the numbers here")
    args = p.parse_args(argv)
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.models.evaluator import Evaluator
    from deepmotion.engine.training.evaluator import Neighbours
    ds = Dataset(args.data)
    clips = ds.split(args.split)
    if not clips:
        print(f"split {args.split!r} has no clips", file=sys.stderr)
        return 2
    records = ds.records
    neighbours = Neighbours(records)
    rng = np.random.default_rng(args.seed)
    pairs = []
    for k in clips:
        others = neighbours.others(k)
        if not others:
            continue
        pool = np.unique(np.concatenate(list(others.values())))
        for j in rng.permutation(pool)[:args.per_clip]:
            pairs.append((k, int(j), difference(records[k], records[int(j)])))
    used = sorted({i for k, j, _ in pairs for i in (k, j)})
    row = {i: n for n, i in enumerate(used)}
    pairs = [(row[k], row[j], kind) for k, j, kind in pairs]
    texts = [records[i]["captions"][0] for i in used]
    motions = [ds.features_of(i) for i in used]
    results = {}
    for path in args.evaluators:
        ev = Evaluator.load(path)
        t, m = ev.embed_texts(texts), ev.embed_motions(motions)
        by_kind: dict[str, list[tuple[bool, bool]]] = collections.defaultdict(list)
        for k, j, kind in pairs:
            own = np.linalg.norm(m[k] - t[k])
            by_kind[kind].append((own < np.linalg.norm(m[k] - t[j]), own < np.linalg.norm(t[k] - m[j])))
            by_kind["all"].append(by_kind[kind][-1])
        results[path] = {kind: {"pairs": len(v), "motion_to_text": float(np.mean([a for a, _ in v])),
                                "text_to_motion": float(np.mean([b for _, b in v]))} for kind, v in by_kind.items()}
    kinds = sorted({k for r in results.values() for k in r}, key=lambda k: (k != "all", k))
    print(f"split {args.split}, {len(clips)} clips, {len(pairs)} near-miss pairs; "
          "share of pairs told apart, motion -> text / text -> motion (chance 0.5)\n")
    print("| evaluator | " + " | ".join(f"{k} ({results[args.evaluators[0]][k]['pairs']})" for k in kinds) + " |")
    print("|---" * (len(kinds) + 1) + "|")
    for path, r in results.items():
        print(f"| {path} | " + " | ".join(f"{r[k]['motion_to_text']:.3f} / {r[k]['text_to_motion']:.3f}" for k in kinds) + " |")
    if args.json:
        with open(args.json, "w") as f:
            json.dump({"split": args.split, "clips": len(clips), "results": results}, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
