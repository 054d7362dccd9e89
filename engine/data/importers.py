"""Importers for a user's own data: a folder of BVH files with captions, a HumanML3D folder.

Captions for a BVH folder: `clip.txt` beside `clip.bvh` (one caption per line), and/or a
`captions.csv` in the folder with columns `file,caption` (several rows per file allowed).
HumanML3D lines "caption#tokens#start#end" are accepted too: only the caption is kept.
BVH units do not matter: rotations are fitted from directions and the root path is scaled
by leg length into the canonical skeleton.
"""
from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import numpy as np

from deepmotion_client.errors import DeepMotionError
from deepmotion_client.motion.bvh import read_bvh
from deepmotion_client.motion.joint_maps import MAPS, guess_map

from ..config import read_json_object
from ..representation import dmv1, humanml3d
from .dataset import ClipItem
from .sources import SourceError, check_map, fit_offsets, to_canonical, world_clip_from_bvh, world_clip_from_positions


class FolderImportError(DeepMotionError, ValueError):
    """A folder that cannot be imported; the message lists what is missing."""


def _caption_lines(text: str) -> list[str]:
    out = []
    for line in text.splitlines():
        cap = line.split("#", 1)[0].strip()
        if cap:
            out.append(cap)
    return out


def read_captions(folder: Path, stems: list[str]) -> dict[str, list[str]]:
    caps: dict[str, list[str]] = defaultdict(list)
    csv_path = folder / "captions.csv"
    if csv_path.exists():
        with open(csv_path, newline="", encoding="utf-8") as f:
            reader = csv.DictReader(f)
            if not reader.fieldnames or not {"file", "caption"} <= set(reader.fieldnames):
                raise FolderImportError(f"{csv_path}: needs a header with columns 'file' and 'caption', "
                                   f"found {reader.fieldnames}")
            for row in reader:
                if row["caption"] and row["caption"].strip():
                    caps[Path(row["file"].strip()).stem].append(row["caption"].strip())
    for stem in stems:
        txt = folder / f"{stem}.txt"
        if txt.exists():
            caps[stem].extend(_caption_lines(txt.read_text(encoding="utf-8")))
    return caps


def load_joint_map(spec: str) -> dict[str, str] | None:
    """'auto' (None), a built-in map name, or a JSON file {canonical name: source name}."""
    if spec == "auto":
        return None
    if spec in MAPS:
        return MAPS[spec]
    path = Path(spec)
    if not path.exists():
        raise FolderImportError(f"--map must be 'auto', one of {', '.join(MAPS)}, or a JSON file; {spec!r} is none")
    data = read_json_object(path, FolderImportError)
    if not all(isinstance(k, str) and isinstance(v, str) for k, v in data.items()):
        raise FolderImportError(f"{path}: must be a JSON object mapping canonical joint names to source joint names")
    return data


def import_bvh_folder(folder, joint_map: str = "auto", progress=None) -> list[ClipItem]:
    folder = Path(folder)
    if not folder.is_dir():
        raise FolderImportError(f"not a folder: {folder}")
    files = sorted(folder.rglob("*.bvh"))
    if not files:
        raise FolderImportError(f"{folder}: no .bvh files found")
    caps = read_captions(folder, [f.stem for f in files])
    missing = [f.name for f in files if not caps.get(f.stem)]
    if missing:
        raise FolderImportError(f"{folder}: no caption for {len(missing)} clip(s): {', '.join(missing[:10])}"
                           f"{' ...' if len(missing) > 10 else ''}; add CLIP.txt beside each or rows in captions.csv")
    fixed = load_joint_map(joint_map)
    groups = defaultdict(list)  # one rotation fit per rig (same joint names)
    for f in (progress(files) if progress else files):
        bvh = read_bvh(f)
        jm = fixed if fixed is not None else guess_map(bvh.skeleton.names)[1]
        check_map(bvh.skeleton.names, jm, f.name)
        clip = world_clip_from_bvh(str(f.relative_to(folder).with_suffix("")), bvh, jm, {"file": f.name})
        groups[tuple(bvh.skeleton.names)].append(clip)
    items = []
    for clips in groups.values():
        offsets = fit_offsets(clips)
        for clip in clips:
            res = to_canonical(clip, offsets)
            stem = Path(clip.meta["file"]).stem
            items.append(ClipItem(id=clip.name, motion=res.motion.resample(dmv1.FPS), captions=caps[stem],
                                  source=f"bvh-folder:{folder.name}",
                                  extra={"bone_error_deg": round(res.bone_error_deg, 3)}))
    return items


def import_humanml3d(folder, progress=None) -> list[ClipItem]:
    """A HumanML3D-format folder: new_joints/ or new_joint_vecs/ plus texts/."""
    folder = Path(folder)
    joints_dir, vecs_dir, texts_dir = folder / "new_joints", folder / "new_joint_vecs", folder / "texts"
    if not texts_dir.is_dir() or not (joints_dir.is_dir() or vecs_dir.is_dir()):
        raise FolderImportError(f"{folder}: a HumanML3D folder needs texts/ and new_joints/ or new_joint_vecs/")
    ids = sorted({p.stem for d in (joints_dir, vecs_dir) if d.is_dir() for p in d.glob("*.npy")})
    if not ids:
        raise FolderImportError(f"{folder}: no .npy clips in new_joints/ or new_joint_vecs/")
    items = []
    for cid in (progress(ids) if progress else ids):
        txt = texts_dir / f"{cid}.txt"
        captions = _caption_lines(txt.read_text(encoding="utf-8")) if txt.exists() else []
        if not captions:
            raise FolderImportError(f"{folder}: clip {cid} has no caption in texts/{cid}.txt")
        if (joints_dir / f"{cid}.npy").exists():
            joints = np.load(joints_dir / f"{cid}.npy")
        else:
            joints = humanml3d.recover_from_ric(np.load(vecs_dir / f"{cid}.npy"))
        if len(joints) < 2:
            raise SourceError(f"{folder}: clip {cid} has {len(joints)} frame(s), at least 2 are needed")
        res = to_canonical(world_clip_from_positions(cid, joints, humanml3d.FPS), None)
        items.append(ClipItem(id=f"hml-{cid}", motion=res.motion, captions=captions, source="humanml3d",
                              extra={"bone_error_deg": round(res.bone_error_deg, 3)}))
    return items
