"""Turning source clips (BVH with any rig, or joint positions) into canonical Motions."""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from deepmotion_client.motion.bvh import BVHData
from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.joint_maps import resolve_names
from deepmotion_client.motion.skeleton import CANONICAL_NAMES, canonical_skeleton

from . import retarget
from deepmotion_client.errors import DeepMotionError


class SourceError(DeepMotionError, ValueError):
    """A source clip that cannot be mapped onto the canonical skeleton."""


def check_map(source_names: list[str], joint_map: dict[str, str], source: str) -> dict[str, str]:
    resolved = resolve_names(source_names, joint_map)
    missing = [c for c in retarget.REQUIRED if c not in resolved]
    if missing:
        raise SourceError(f"{source}: no joint for {', '.join(missing)} "
                          f"(looked for {', '.join(joint_map.get(c, '?') for c in missing)}); "
                          f"the file has: {', '.join(source_names)}")
    return resolved


@dataclass
class WorldClip:
    """A source clip seen in world space, by canonical joint name."""
    name: str
    positions: dict[str, np.ndarray]   # [T, 3] metres
    rotations: dict[str, np.ndarray]   # [T, 4] world rotations (empty for position-only data)
    fps: float
    meta: dict = field(default_factory=dict)


def world_clip_from_bvh(name: str, bvh: BVHData, joint_map: dict[str, str], meta=None) -> WorldClip:
    resolved = check_map(bvh.skeleton.names, joint_map, name)
    pos, rot = bvh.skeleton.forward_kinematics(bvh.translations[:, 0], bvh.local_rotations, bvh.translations)
    idx = {c: bvh.skeleton.index(s) for c, s in resolved.items()}
    return WorldClip(name, {c: pos[:, j] for c, j in idx.items()}, {c: rot[:, j] for c, j in idx.items()},
                     bvh.fps, dict(meta or {}))


def world_clip_from_positions(name: str, joints: np.ndarray, fps: float, meta=None) -> WorldClip:
    """joints: [T, 22, 3] in canonical (SMPL) order, metres, Y up."""
    joints = np.asarray(joints, dtype=np.float64)
    if joints.ndim != 3 or joints.shape[1:] != (22, 3):
        raise SourceError(f"{name}: joint positions must be [T, 22, 3], got {list(joints.shape)}")
    return WorldClip(name, {c: joints[:, j] for j, c in enumerate(CANONICAL_NAMES)}, {}, fps, dict(meta or {}))


@dataclass
class RetargetResult:
    motion: Motion            # canonical, at the source frame rate, on the floor, facing +Z
    bone_error_deg: float     # mean angle between canonical and source bone directions


def fit_offsets(clips: list[WorldClip], progress=None) -> dict[str, np.ndarray]:
    fit = retarget.RotationOffsetFit()
    for c in (progress(clips) if progress else clips):
        fit.add(c.positions, c.rotations)
    return fit.solve()


def to_canonical(clip: WorldClip, offsets: dict[str, np.ndarray] | None) -> RetargetResult:
    """offsets from fit_offsets for clips with rotations; None fits positions per frame."""
    sk = canonical_skeleton()
    if offsets is not None:
        world = retarget.world_rotations_from_offsets(clip.rotations, offsets)
    else:
        world = retarget.world_rotations_from_positions(clip.positions, sk)
    scale = retarget.canonical_leg_length(sk) / retarget.leg_length(clip.positions)
    motion = retarget.assemble(world, clip.positions["Hips"], scale, clip.fps, sk)
    err = retarget.bone_direction_error_deg(motion, clip.positions)
    return RetargetResult(retarget.place_on_floor(motion), float(err.mean()))


def canonical_in_source_world(path, joint_map: dict[str, str] | None = None, fps: float | None = None) -> Motion:
    """A BVH file's motion on the canonical skeleton, kept in the file's own world frame (its
    path scaled to canonical size, not turned or moved): the history a continuation of that
    file starts from. joint_map: None picks the built-in map that fits the file."""
    from deepmotion_client.motion.bvh import read_bvh
    from deepmotion_client.motion.joint_maps import guess_map

    bvh = read_bvh(path)
    jm = joint_map if joint_map is not None else guess_map(bvh.skeleton.names)[1]
    clip = world_clip_from_bvh(str(path), bvh, jm)
    world = retarget.world_rotations_from_offsets(clip.rotations, fit_offsets([clip]))
    sk = canonical_skeleton()
    scale = retarget.canonical_leg_length(sk) / retarget.leg_length(clip.positions)
    motion = retarget.assemble(world, clip.positions["Hips"], scale, clip.fps, sk)
    return motion.resample(fps) if fps else motion
