"""`deepmotion eval`: the Guo et al. 2022 protocol on our data, for ground truth, each level of
a model and a nearest-neighbour retrieval baseline, over several replications.

Per replication every clip of the split gets one of its captions at random; the model
generates a motion of the clip's length for it (seeded by replication and clip); the
baseline returns the training clip whose caption is closest in the text encoder's space. All
rows are scored by the same evaluator. MultiModality uses `mm_texts` captions with
`mm_samples` generations each. Levels 1, 1+2 and 1+2+3 come from the same generation pass,
so they differ only by refinement.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from deepmotion_client.errors import UsageError

from ..data.dataset import Dataset
from ..representation import dmv1
from . import metrics as M
from .actions import action_accuracy

ROWS = ("ground truth", "level 1", "levels 1+2", "levels 1+2+3", "levels 1+2+3, feet cleaned", "retrieval baseline")
CLEANED = "levels 1+2+3, feet cleaned"
FOOT = ("LeftFoot", "LeftToes", "RightFoot", "RightToes")


@dataclass
class EvalSettings:
    split: str = "test"
    replications: int = 3
    max_clips: int | None = None
    mm_texts: int = 30
    mm_samples: int = 10
    batch: int = 16
    guidance: float | None = None
    seed: int = 0
    kinds: tuple[str, ...] | None = None  # only clips of these kinds (KINDS values); None: all


KINDS = {"bandai-namco": "single", "composed:spatial": "two at once", "composed:temporal": "one after the other"}
# --kind on the command line: composed clips alone are the one part of the open split that no
# model can have trained on, whichever data pipeline it came from (docs/RESULTS.md, "open split").
KIND_CHOICES = {"single": ("single",), "spatial": ("two at once",), "temporal": ("one after the other",),
                "composed": ("two at once", "one after the other")}

# Printed with open-split results that include single clips: which models they are held out for.
OPEN_SINGLES_CAVEAT = ("note: the open split's single clips (held-out action x style) were in data pipeline 1's "
                       "train split, before the open split existed; a model grown from pipeline-1 weights (0.1.0 "
                       "and every model fine-tuned from it, 0.3.0 and 0.7.x among them) has trained on most of "
                       "them, so only --kind composed is held out for it (docs/RESULTS.md, \"The open split\").")


def kind_of(record: dict) -> str:
    return KINDS.get(record.get("source", ""), "single")


def physical(features: list[np.ndarray], kinds: list[str] | None = None) -> dict:
    """Foot skating ratio, jitter and ground penetration averaged over clips; with `kinds` (what
    each caption asks for), skating per kind too ("skating:single", ...). Skating is mostly a
    matter of how much a motion travels (walks in the capture score about 0.4, waves 0.0), so
    one model that walks where another stands for "walks while waving" skates more overall
    without sliding its feet any worse: the per-kind figures compare like with like."""
    from deepmotion_client.motion.feet import skating
    out = {"skating_ratio": [], "jitter_m_s3": [], "penetration_cm": []}
    for f in features:
        motion = dmv1.decode(f)
        sk = motion.skeleton
        pos = motion.joint_positions()
        idx = [sk.index(n) for n in FOOT]
        out["skating_ratio"].append(skating(motion)["skating_ratio"])
        out["jitter_m_s3"].append(M.jitter(pos, motion.fps))
        out["penetration_cm"].append(M.ground_penetration(pos[:, idx], sk.rest_positions()[idx, 1])["penetration_cm"])
    result = {k: float(np.mean(v)) for k, v in out.items()}
    for kind in sorted(set(kinds or [])):
        result[f"skating:{kind}"] = float(np.mean([v for v, k in zip(out["skating_ratio"], kinds) if k == kind]))
    return result


class RetrievalBaseline:
    """Returns the training clip whose caption embedding (text encoder, pooled) is nearest."""

    def __init__(self, ds: Dataset, text_encoder, split: str = "train", batch: int = 256):
        self.ds = ds
        self.clip_of, texts = [], []
        for i in ds.split(split):
            for c in ds.records[i]["captions"]:
                texts.append(c)
                self.clip_of.append(i)
        self.text_encoder = text_encoder
        self.bank = self._embed(texts, batch)

    def _embed(self, texts, batch=256) -> np.ndarray:
        import torch
        with torch.no_grad():
            return np.concatenate([self.text_encoder.encode(texts[k:k + batch]).pooled.float().cpu().numpy()
                                   for k in range(0, len(texts), batch)])

    def __call__(self, texts: list[str], frames: list[int]) -> list[np.ndarray]:
        nearest = np.argmax(self._embed(texts) @ self.bank.T, axis=1)
        return [self.ds.features_of(self.clip_of[k])[:n] for k, n in zip(nearest, frames)]


def clean_feet(features: list[np.ndarray]) -> list[np.ndarray]:
    """What a client gets with foot cleanup on (deepmotion_client.motion.feet.pin_feet, driven by
    the model's own contact channels), re-encoded so the evaluator can score it too."""
    from deepmotion_client.motion.feet import pin_feet
    out = []
    for f in features:
        contacts = (f[:, dmv1.SLICES["contacts"]] > 0.5).astype(np.float32)
        out.append(dmv1.encode(pin_feet(dmv1.decode(f), contacts)).astype(np.float32))
    return out


def _generate(pipeline, texts, durations, seeds, batch, guidance=None):
    """Per level, the features of every prompt (levels 1..L), in order. A caption that names an
    order runs as the timeline the pipeline plans for it (as the server runs it), its segments'
    features end to end."""
    from ..timeline import generate_timeline, planned_segments
    plans = {}
    if pipeline.settings.plan_prompts:
        for k, text in enumerate(texts):
            segments = planned_segments(pipeline, text, durations[k], seeds[k], guidance)
            if segments:
                plans[k] = segments
    plain = [k for k in range(len(texts)) if k not in plans]
    found: dict[int, dict[int, np.ndarray]] = {}
    for s in range(0, len(plain), batch):
        ks = plain[s:s + batch]
        for out in pipeline.generate([texts[k] for k in ks], [durations[k] for k in ks], [seeds[k] for k in ks],
                                     guidance):
            for k, f in zip(ks, out.features):
                found.setdefault(out.level, {})[k] = f
    for k, segments in plans.items():
        for lv in generate_timeline(pipeline, segments, seeds[k], guidance):
            found.setdefault(lv.level, {})[k] = np.concatenate(lv.features)
    return {level: [by_prompt[k] for k in range(len(texts))] for level, by_prompt in found.items()}


def run_evaluation(pipeline, evaluator, data, settings: EvalSettings, log=print) -> dict:
    ds = data if isinstance(data, Dataset) else Dataset(data)
    clips = ds.split(settings.split)
    if settings.kinds:
        clips = [i for i in clips if kind_of(ds.records[i]) in settings.kinds]
    if settings.max_clips:
        clips = list(np.random.default_rng(settings.seed).choice(clips, min(settings.max_clips, len(clips)),
                                                                   replace=False))
    if len(clips) < 32:
        which = f"split {settings.split!r}" + (f" ({', '.join(settings.kinds)})" if settings.kinds else "")
        raise UsageError(f"{which} has {len(clips)} clips; R-precision needs at least 32")
    lim = pipeline.limits
    max_frames = int(lim.max_duration_s * dmv1.FPS)
    gt = [ds.features_of(i)[:max_frames] for i in clips]
    frames = [len(f) for f in gt]
    durations = [min(max(n / dmv1.FPS, lim.min_duration_s), lim.max_duration_s) for n in frames]
    t0 = time.perf_counter()
    gt_emb = evaluator.embed_motions(gt)
    # Retrieval in the evaluator's text space, whatever the generator reads with: one baseline for
    # every model scored by this evaluator (with MiniLM both were always the same encoder).
    baseline = RetrievalBaseline(ds, evaluator.encoder())
    kinds = [kind_of(ds.records[i]) for i in clips]
    labels = [ds.records[i].get("action", "") for i in clips]
    phys = {"ground truth": {**physical(gt, kinds), **action_accuracy(gt, labels, kinds)}}
    levels = len(pipeline.denoisers)
    names = {1: "level 1", 2: "levels 1+2", 3: "levels 1+2+3"}
    per_rep: dict[str, list[dict]] = {r: [] for r in ROWS}
    for rep in range(settings.replications):
        rng = np.random.default_rng([settings.seed, rep])
        texts = [ds.records[i]["captions"][rng.integers(len(ds.records[i]["captions"]))] for i in clips]
        seeds = [settings.seed * 1_000_003 + rep * 100_003 + k for k in range(len(clips))]
        text_emb = evaluator.embed_texts(texts)
        tg = time.perf_counter()
        generated = _generate(pipeline, texts, durations, seeds, settings.batch, settings.guidance)
        gen_s = time.perf_counter() - tg
        rows = {"ground truth": gt, "retrieval baseline": baseline(texts, frames)}
        rows.update({names[lv]: generated[lv] for lv in range(1, levels + 1)})
        rows[CLEANED] = clean_feet(generated[levels])
        # MultiModality: a few captions, several samples each.
        mm_pick = rng.choice(len(clips), min(settings.mm_texts, len(clips)), replace=False)
        mm_texts = [texts[k] for k in mm_pick for _ in range(settings.mm_samples)]
        mm_dur = [durations[k] for k in mm_pick for _ in range(settings.mm_samples)]
        mm_seeds = [seeds[-1] + 1 + j for j in range(len(mm_texts))]
        mm_gen = _generate(pipeline, mm_texts, mm_dur, mm_seeds, settings.batch, settings.guidance)
        for row, feats in rows.items():
            emb = gt_emb if row == "ground truth" else evaluator.embed_motions(feats)
            top = M.r_precision(text_emb, emb, np.random.default_rng([settings.seed, rep, 1]))
            result = {"top1": top[0], "top2": top[1], "top3": top[2],
                      "fid": M.frechet_distance(gt_emb, emb), "mm_dist": M.mm_dist(text_emb, emb),
                      "diversity": M.diversity(emb, np.random.default_rng([settings.seed, rep, 2]))}
            if row in names.values():
                lv = next(k for k, v in names.items() if v == row)
                groups = evaluator.embed_motions(mm_gen[lv]).reshape(len(mm_pick), settings.mm_samples, -1)
                result["multimodality"] = M.multimodality(groups, np.random.default_rng([settings.seed, rep, 3]))
            elif row == CLEANED:
                groups = evaluator.embed_motions(clean_feet(mm_gen[levels])).reshape(len(mm_pick), settings.mm_samples, -1)
                result["multimodality"] = M.multimodality(groups, np.random.default_rng([settings.seed, rep, 3]))
            elif row == "retrieval baseline":
                result["multimodality"] = 0.0  # retrieval is deterministic: one motion per text
            result.update(phys["ground truth"] if row == "ground truth"
                          else {**physical(feats, kinds), **action_accuracy(feats, labels, kinds)})
            per_rep[row].append(result)
        log(f"replication {rep + 1}/{settings.replications}: generated {len(texts) + len(mm_texts)} clips "
            f"in {gen_s:.0f} s (+ multimodality), level-3 FID {per_rep[names[levels]][-1]['fid']:.3f}, "
            f"top-3 {per_rep[names[levels]][-1]['top3']:.3f}")
    summary = {}
    for row, reps in per_rep.items():
        if not reps:
            continue
        summary[row] = {k: M.interval([r[k] for r in reps]) for k in reps[0]}
    return {"split": settings.split, "kinds": list(settings.kinds or []), "clips": len(clips), "replications": settings.replications,
            "mm_texts": settings.mm_texts, "mm_samples": settings.mm_samples,
            "model": pipeline.meta.get("model_version", ""),
            "wall_s": round(time.perf_counter() - t0, 1), "rows": summary}


COLUMNS = [("top1", "R-prec top-1 ↑"), ("top2", "top-2 ↑"), ("top3", "top-3 ↑"), ("fid", "FID ↓"),
           ("mm_dist", "MM-Dist ↓"), ("diversity", "Diversity →"), ("multimodality", "MModality ↑"),
           ("skating_ratio", "skating ↓"), ("jitter_m_s3", "jitter m/s³"), ("penetration_cm", "penetration cm ↓"),
           ("actions", "does its actions ↑")]


def format_results(result: dict) -> str:
    kinds = f" ({', '.join(result['kinds'])} only)" if result.get("kinds") else ""
    head = (f"split {result['split']}{kinds}, {result['clips']} clips, {result['replications']} replications "
            f"(mean ± 95% interval), MultiModality over {result['mm_texts']} texts x {result['mm_samples']} samples")
    if result["split"] == "open" and (not result.get("kinds") or "single" in result["kinds"]):
        head += "\n" + OPEN_SINGLES_CAVEAT
    lines = [head, "", "| | " + " | ".join(c for _, c in COLUMNS) + " |", "|---" * (len(COLUMNS) + 1) + "|"]
    for row, vals in result["rows"].items():
        cells = []
        for key, _ in COLUMNS:
            if key == "multimodality" and row == "ground truth":
                cells.append("-")
                continue
            if key not in vals:
                cells.append("-")
                continue
            mean, ci = vals[key]
            digits = 3 if key in ("top1", "top2", "top3", "skating_ratio", "fid", "actions") else 2 if key != "jitter_m_s3" else 1
            cells.append(f"{mean:.{digits}f}" + (f" ±{ci:.{digits}f}" if ci else ""))
        lines.append(f"| {row} | " + " | ".join(cells) + " |")
    for prefix, title in (("skating:", "Skating by what the caption asks for (like with like):"),
                          ("actions:", "Does its actions (engine/evaluation/actions.py: the joints checked against the "
                                       "clip's action labels), by what the caption asks for:")):
        kinds = [k for k in next(iter(result["rows"].values()), {}) if k.startswith(prefix)]
        if kinds:
            lines += ["", title, "", "| | " + " | ".join(k.split(":", 1)[1] for k in kinds) + " |",
                      "|---" * (len(kinds) + 1) + "|"]
            for row, vals in result["rows"].items():
                lines.append(f"| {row} | " + " | ".join(f"{vals[k][0]:.3f}" if k in vals else "-" for k in kinds) + " |")
    return "\n".join(lines)
