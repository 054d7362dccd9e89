"""Where a model loses on the composed clips, clip by clip: what R-precision's winning distractor
was when the own caption lost, which parts of the composed actions the joints miss, and how FID
moves without the clips that hold an action (and with the capture's embeddings put in for them).
This is how the style lost by the planner's cut and the missing bow were found (docs/RESULTS.md,
"The subject goes to every part").

The clips, captions and seeds are those of `deepmotion eval --split open --kind composed
--max-clips 300`'s first replication, so the figures sit beside its table.

    .venv/bin/python benchmarks/composed_failures.py [--model DIR] [--evaluator DIR] [--split open] \\
        [--max-clips 300] [--data data/cache/bandai-dm-v4] [--json out.json]
"""
from __future__ import annotations

import argparse
import collections
import json
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))


def loss_reasons(text_emb, motion_emb, records, rng, rounds=50, batch=32) -> dict:
    """Share of R-precision draws won by the own caption ("hit"), else how the winner's label differs."""
    from evaluator_near_misses import difference
    dist = np.linalg.norm(motion_emb[:, None] - text_emb[None], axis=2)
    why, n = collections.Counter(), 0
    usable = len(records) // batch * batch
    for _ in range(rounds):
        for idx in rng.permutation(len(records))[:usable].reshape(-1, batch):
            won = np.argmin(dist[np.ix_(idx, idx)], 1)
            for a, b in enumerate(won):
                n += 1
                ra, rb = records[idx[a]], records[idx[b]]
                why["hit" if a == b else "same label" if (ra["action"], ra["style"]) == (rb["action"], rb["style"])
                    else difference(ra, rb)] += 1
    return {k: v / n for k, v in why.most_common()}


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--model", default=None, help="model directory (default: the shipped model)")
    p.add_argument("--evaluator", default=None, help="evaluator directory (default: the shipped evaluator)")
    p.add_argument("--data", default="data/cache/bandai-dm-v4", help="prepared dataset (deepmotion data prepare)")
    p.add_argument("--split", default="open")
    p.add_argument("--max-clips", type=int, default=300)
    p.add_argument("--json", default=None, help="also write the figures here")
    args = p.parse_args(argv)
    from deepmotion.engine.assets import default_evaluator_path, model_path
    from deepmotion.engine.data.compose import label_parts
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.evaluation import metrics as M
    from deepmotion.engine.evaluation.actions import part_verdicts
    from deepmotion.engine.evaluation.suite import KIND_CHOICES, RetrievalBaseline, _generate, kind_of
    from deepmotion.engine.models.evaluator import Evaluator
    from deepmotion.engine.pipeline import load_cascade
    from deepmotion.engine.representation import dmv1

    ds = Dataset(args.data)
    pipe = load_cascade(model_path(args.model), "cpu")
    evaluator = Evaluator.load(args.evaluator or default_evaluator_path(), "cpu", pipe.text_encoder)
    clips = [i for i in ds.split(args.split) if kind_of(ds.records[i]) in KIND_CHOICES["composed"]]
    if len(clips) < 32:
        print(f"split {args.split!r} has {len(clips)} composed clips; R-precision needs 32", file=sys.stderr)
        return 2
    clips = list(np.random.default_rng(0).choice(clips, min(args.max_clips, len(clips)), replace=False))
    records = [ds.records[i] for i in clips]
    lim = pipe.limits
    gt = [ds.features_of(i)[:int(lim.max_duration_s * dmv1.FPS)] for i in clips]
    frames = [len(f) for f in gt]
    durations = [min(max(n / dmv1.FPS, lim.min_duration_s), lim.max_duration_s) for n in frames]
    rng = np.random.default_rng([0, 0])  # the eval's seed 0, replication 0
    texts = [r["captions"][rng.integers(len(r["captions"]))] for r in records]
    generated = _generate(pipe, texts, durations, list(range(len(clips))), 16)
    rows = {"ground truth": gt, "model": generated[max(generated)],
            "retrieval baseline": RetrievalBaseline(ds, evaluator.encoder())(texts, frames)}
    text_emb = evaluator.embed_texts(texts)
    emb = {row: evaluator.embed_motions(f) for row, f in rows.items()}
    out = {"clips": len(clips), "rows": {}}
    for row, feats in rows.items():
        parts = collections.defaultdict(list)
        for f, r in zip(feats, records):
            for action, done in part_verdicts(f, r["action"]) or []:
                parts[action].append(done)
        holds = {a: np.array([a in label_parts(r["action"]) for r in records])
                 for a in sorted({p for r in records for p in label_parts(r["action"])})}
        without = {}
        for action, held in holds.items():
            keep = ~held
            if 2 <= keep.sum() < len(keep):
                without[action] = M.frechet_distance(emb["ground truth"][keep], emb[row][keep])
        out["rows"][row] = {
            "r_precision_draws": loss_reasons(text_emb, emb[row], records, np.random.default_rng(0)),
            "fid": M.frechet_distance(emb["ground truth"], emb[row]),
            "fid_without": without,
            "fid_with_capture_for": {a: M.frechet_distance(emb["ground truth"], np.where(
                holds[a][:, None], emb["ground truth"], emb[row])) for a in without},
            "parts_done": {a: [float(np.mean(v)), len(v)] for a, v in sorted(parts.items())},
        }
    print(f"split {args.split}, {len(clips)} composed clips, one replication\n")
    for row, r in out["rows"].items():
        draws = ", ".join(f"{k} {v:.3f}" for k, v in r["r_precision_draws"].items())
        print(f"{row}: FID {r['fid']:.3f}; R-precision draws: {draws}")
    print("\nparts done (share, count):\n")
    acts = sorted({a for r in out["rows"].values() for a in r["parts_done"]})
    print("| part | " + " | ".join(out["rows"]) + " |\n" + "|---" * (len(out["rows"]) + 1) + "|")
    for a in acts:
        print(f"| {a} | " + " | ".join(f"{r['parts_done'][a][0]:.2f} ({r['parts_done'][a][1]})" if a in r["parts_done"]
                                       else "-" for r in out["rows"].values()) + " |")
    print("\nFID without the clips holding an action / with the capture's embeddings for them:\n")
    print("| action | " + " | ".join(f"{row} without / with capture" for row in out["rows"] if row != "ground truth")
          + " |\n" + "|---" * len(out["rows"]) + "|")
    for a in out["rows"]["model"]["fid_without"]:
        print(f"| {a} | " + " | ".join(f"{r['fid_without'][a]:.3f} / {r['fid_with_capture_for'][a]:.3f}"
                                       for row, r in out["rows"].items() if row != "ground truth") + " |")
    if args.json:
        Path(args.json).write_text(json.dumps(out, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
