"""Importer for the Bandai-Namco Research Motion archive (CC BY-NC 4.0).

Read straight from the .tar.xz (one sequential pass, no extraction). File names carry the
labels: dataset-{1,2}_{action}_{style}_{NNN}.bvh. The capture rig is the same across clips,
so the source-to-canonical rotation offsets are fitted once over all clips (retarget.py).
"""
from __future__ import annotations

import lzma
import re
import tarfile
from pathlib import Path

from deepmotion_client.motion.bvh import BVHError, parse_bvh
from deepmotion_client.motion.joint_maps import BANDAI_NAMCO

from ..representation import dmv1
from .captions import captions_for
from .dataset import ClipItem
from .sources import SourceError, WorldClip, fit_offsets, to_canonical, world_clip_from_bvh
from deepmotion_client.errors import DeepMotionError

NAME_RE = re.compile(r"(dataset-\d+)_([a-z-]+)_([a-z-]+)_(\d+)\.bvh$")
LICENCE = "CC-BY-NC-4.0 (Bandai-Namco Research Motion datasets 1 and 2, Bandai Namco Research Inc.)"


class ArchiveError(DeepMotionError, ValueError):
    """The archive path is missing or is not the expected .tar.xz."""


def parse_name(name: str) -> tuple[str, str, str, str] | None:
    m = NAME_RE.search(name)
    return (m.group(1), m.group(2), m.group(3), m.group(4)) if m else None


def iter_bvh_members(archive: Path, limit: int | None = None, match: str | None = None):
    """Yield (clip id, labels, bvh bytes) in archive order."""
    archive = Path(archive)
    if not archive.exists():
        raise ArchiveError(f"archive not found: {archive}")
    if not archive.is_file():
        raise ArchiveError(f"archive path is not a file: {archive}")
    count = 0
    try:
        with tarfile.open(archive, mode="r|xz") as tar:
            for member in tar:
                if not member.isfile() or not member.name.endswith(".bvh"):
                    continue
                labels = parse_name(member.name)
                if labels is None or (match and not re.search(match, member.name)):
                    continue
                data = tar.extractfile(member).read()
                clip_id = Path(member.name).stem
                yield clip_id, labels, data
                count += 1
                if limit and count >= limit:
                    return
    except (tarfile.TarError, lzma.LZMAError, EOFError) as e:
        raise ArchiveError(f"{archive}: not a readable .tar.xz archive ({e})") from None


def load_world_clips(archive: Path, limit=None, match=None, progress=None, errors=None) -> list[WorldClip]:
    clips = []
    members = iter_bvh_members(archive, limit, match)
    for clip_id, (dataset, action, style, take), data in (progress(members) if progress else members):
        try:
            bvh = parse_bvh(data, source=f"{clip_id}.bvh", scale=0.01)  # centimetres -> metres
            clips.append(world_clip_from_bvh(clip_id, bvh, BANDAI_NAMCO,
                                             {"dataset": dataset, "action": action, "style": style, "take": take}))
        except (BVHError, SourceError) as e:
            if errors is None:
                raise
            errors.append(str(e))
    return clips


def build_items(clips: list[WorldClip], progress=None, fit_progress=None) -> tuple[list[ClipItem], dict]:
    """Retarget all clips into canonical 20 fps ClipItems; returns them and retarget figures."""
    offsets = fit_offsets(clips, fit_progress)
    items, errs = [], []
    for clip in (progress(clips) if progress else clips):
        res = to_canonical(clip, offsets)
        motion = res.motion.resample(dmv1.FPS)
        m = clip.meta
        items.append(ClipItem(
            id=clip.name, motion=motion, action=m["action"], style=m["style"], source="bandai-namco",
            captions=captions_for(m["action"], m["style"], clip.name, count=6),
            heldout_captions=captions_for(m["action"], m["style"], clip.name, count=2, held_out=True),
            extra={"dataset": m["dataset"], "take": m["take"], "bone_error_deg": round(res.bone_error_deg, 3)},
        ))
        errs.append(res.bone_error_deg)
    figures = {"mean_bone_error_deg": float(sum(errs) / max(len(errs), 1)),
               "max_clip_bone_error_deg": float(max(errs, default=0.0))}
    return items, figures
