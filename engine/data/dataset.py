"""The processed-dataset cache: dm-v1 features of canonical clips, captions, splits, statistics.

A dataset is a directory:
  meta.json   representation, fps, content hash of the source, pipeline version, counts
  clips.json  one record per clip (id, split, action, style, mirrored, captions, ...)
  clips.npz   features [N, 269] float32 of all clips end to end, offsets [C + 1] into them,
              and the frames themselves (root positions, local rotations) for export
  stats.npz   mean / std of the train split's features, for normalisation
Splits are decided by a hash of the clip's base id, so a mirrored twin always shares its
original's split and a clip never moves between splits when the dataset grows.
"""
from __future__ import annotations

import hashlib
import json
import os
import time
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.skeleton import canonical_skeleton

from ..representation import dmv1
from .mirror import mirror_motion, mirror_text
from deepmotion_client.errors import DeepMotionError

PIPELINE_VERSION = "4"  # 2: composed clips and the open split (compose.py); 3: caption variety, 6 per clip; 4: turns as paths
SPLITS = {"train": 0.8, "val": 0.1, "test": 0.1}
STD_FLOOR = 1e-3


class DatasetError(DeepMotionError, ValueError):
    """A dataset directory that is missing, incomplete or of another format."""


@dataclass
class ClipItem:
    id: str
    motion: Motion                      # canonical skeleton, 20 fps, on the floor, facing +Z
    captions: list[str]
    heldout_captions: list[str] = field(default_factory=list)
    action: str = "custom"
    style: str = "custom"
    source: str = "custom"
    extra: dict = field(default_factory=dict)


def split_of(base_id: str) -> str:
    u = int(hashlib.sha256(base_id.encode()).hexdigest()[:12], 16) / float(1 << 48)
    edge = 0.0
    for name, share in SPLITS.items():
        edge += share
        if u < edge:
            return name
    return "test"


def file_hash(paths: list[Path], extra: str = "") -> str:
    h = hashlib.sha256(f"dm-data:{PIPELINE_VERSION}:{extra}".encode())
    for p in sorted(paths):
        h.update(p.name.encode())
        with open(p, "rb") as f:
            for block in iter(lambda: f.read(1 << 20), b""):
                h.update(block)
    return h.hexdigest()


def is_current(out_dir: Path, content_hash: str) -> bool:
    meta = Path(out_dir) / "meta.json"
    if not meta.exists() or not (Path(out_dir) / "clips.npz").exists():
        return False
    try:
        return json.loads(meta.read_text()).get("content_hash") == content_hash
    except (OSError, ValueError):
        return False


def write_dataset(out_dir, items: list[ClipItem], content_hash: str, source: dict,
                  mirror: bool = True, progress=None) -> dict:
    """Encode every clip (and its mirror), assign splits, compute stats, write the cache."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    t0 = time.time()
    feats, roots, rots, records = [], [], [], []
    for item in (progress(items) if progress else items):
        variants = [(item.id, item.motion, item.captions, item.heldout_captions, False)]
        if mirror:
            variants.append((f"{item.id}~mirror", mirror_motion(item.motion),
                             [mirror_text(c) for c in item.captions],
                             [mirror_text(c) for c in item.heldout_captions], True))
        for cid, motion, caps, held, mirrored in variants:
            f = dmv1.encode(motion)
            feats.append(f)
            roots.append(motion.root_positions.astype(np.float32))
            rots.append(motion.local_rotations.astype(np.float32))
            records.append({
                "id": cid, "base_id": item.id, "split": split_of(item.id), "source": item.source,
                "action": mirror_text(item.action) if mirrored else item.action, "style": item.style,
                "mirrored": mirrored, "frames": len(f), "captions": caps, "heldout_captions": held,
                **item.extra,
            })
    if not records:
        raise DatasetError("no clips to write: the source held no usable motion")
    lengths = np.array([len(f) for f in feats])
    offsets = np.concatenate([[0], np.cumsum(lengths)]).astype(np.int64)
    all_feats = np.concatenate(feats)
    tmp = out_dir / "clips.npz.tmp"
    with open(tmp, "wb") as fh:
        np.savez(fh, features=all_feats, offsets=offsets,
                 root_positions=np.concatenate(roots), local_rotations=np.concatenate(rots))
    os.replace(tmp, out_dir / "clips.npz")
    train = np.concatenate([all_feats[offsets[i]:offsets[i + 1]] for i, r in enumerate(records)
                            if r["split"] == "train"] or [all_feats])
    np.savez(out_dir / "stats.npz", mean=train.mean(0), std=np.maximum(train.std(0), STD_FLOOR))
    (out_dir / "clips.json").write_text(json.dumps(records, indent=0))
    meta = {
        "format": "deepmotion-dataset", "representation": dmv1.NAME, "fps": dmv1.FPS,
        "pipeline_version": PIPELINE_VERSION, "content_hash": content_hash, "source": source,
        "skeleton_offsets": canonical_skeleton().offsets.round(6).tolist(),
        "clips": len(records), "frames": int(offsets[-1]), "build_seconds": round(time.time() - t0, 1),
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    (out_dir / "meta.json").write_text(json.dumps(meta, indent=2))  # written last: marks completion
    return meta


class Dataset:
    """Read access to a dataset directory."""

    def __init__(self, path):
        self.path = Path(path)
        meta_path = self.path / "meta.json"
        if not meta_path.exists():
            raise DatasetError(f"{self.path}: not a dataset directory (no meta.json); "
                               "create one with `deepmotion data prepare`")
        self.meta = json.loads(meta_path.read_text())
        if self.meta.get("representation") != dmv1.NAME:
            raise DatasetError(f"{self.path}: representation {self.meta.get('representation')!r}, "
                               f"this engine reads {dmv1.NAME!r}")
        if self.meta.get("pipeline_version") != PIPELINE_VERSION:
            raise DatasetError(f"{self.path}: made by data pipeline version {self.meta.get('pipeline_version')}, "
                               f"this engine needs {PIPELINE_VERSION}: run `deepmotion data prepare` again")
        self.records = json.loads((self.path / "clips.json").read_text())
        with np.load(self.path / "clips.npz") as z:
            self.features = z["features"]
            self.offsets = z["offsets"]
            self.root_positions = z["root_positions"]
            self.local_rotations = z["local_rotations"]
        with np.load(self.path / "stats.npz") as z:
            self.mean, self.std = z["mean"], z["std"]
        self._index = {r["id"]: i for i, r in enumerate(self.records)}

    def __len__(self) -> int:
        return len(self.records)

    def __contains__(self, clip_id: str) -> bool:
        return clip_id in self._index

    def index(self, clip_id: str) -> int:
        if clip_id not in self._index:
            close = [c for c in self._index if clip_id in c][:5]
            hint = f"; similar: {', '.join(close)}" if close else ""
            raise KeyError(f"no clip {clip_id!r} in {self.path}{hint}")
        return self._index[clip_id]

    def features_of(self, i: int) -> np.ndarray:
        return self.features[self.offsets[i]:self.offsets[i + 1]]

    def motion_of(self, i: int) -> Motion:
        s = slice(self.offsets[i], self.offsets[i + 1])
        return Motion(canonical_skeleton(), self.root_positions[s], self.local_rotations[s], self.meta["fps"])

    def split(self, name: str) -> list[int]:
        return [i for i, r in enumerate(self.records) if r["split"] == name]

    def summary(self) -> dict:
        fps = self.meta["fps"]
        out = {"clips": len(self), "minutes": float(self.offsets[-1] / fps / 60), "splits": {},
               "actions": defaultdict(lambda: [0, 0.0]), "styles": Counter(), "sources": Counter()}
        for i, r in enumerate(self.records):
            sp = out["splits"].setdefault(r["split"], [0, 0.0])
            minutes = r["frames"] / fps / 60
            sp[0] += 1
            sp[1] += minutes
            out["actions"][r["action"]][0] += 1
            out["actions"][r["action"]][1] += minutes
            out["styles"][r["style"]] += 1
            out["sources"][r["source"]] += 1
        out["actions"] = dict(out["actions"])
        return out


def format_summary(ds: Dataset) -> str:
    s = ds.summary()
    mirrored = sum(r["mirrored"] for r in ds.records)
    composed = sum(not r["mirrored"] and r["source"].startswith("composed") for r in ds.records)
    made = f"{s['clips'] - mirrored - composed} captured + " + (f"{composed} composed + " if composed else "")
    lines = [f"dataset {ds.path}  ({ds.meta['representation']}, {ds.meta['fps']:g} fps, "
             f"hash {ds.meta['content_hash'][:12]})",
             f"clips: {s['clips']} ({made}{mirrored} mirrored), "
             f"{s['minutes']:.1f} minutes, {int(ds.offsets[-1])} frames"]
    lines.append("splits: " + ", ".join(f"{k} {v[0]} clips / {v[1]:.1f} min"
                                         for k, v in sorted(s["splits"].items())))
    lines.append("per action (clips, minutes):")
    for a, (n, m) in sorted(s["actions"].items()):
        lines.append(f"  {a:<22} {n:>5} {m:>7.1f}")
    lines.append("per style (clips):")
    for st, n in sorted(s["styles"].items()):
        lines.append(f"  {st:<22} {n:>5}")
    return "\n".join(lines)
