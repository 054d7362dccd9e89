"""Skeletons and forward kinematics, plus the canonical 22-joint skeleton (docs/ARCHITECTURE.md, "Conventions").

A Skeleton is only a hierarchy with rest offsets: the canonical one that every model
output uses, or any skeleton read from a user's BVH file.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

from .rotations import quat_mul, quat_rotate


@dataclass
class Skeleton:
    names: list[str]
    parents: list[int]
    # Rest offset of each joint from its parent (metres); the root's entry is its rest position.
    offsets: np.ndarray
    # Offsets of BVH "End Site"s, by joint index, so leaf bones have a visible length.
    end_sites: dict[int, np.ndarray] = field(default_factory=dict)

    def __post_init__(self):
        self.offsets = np.asarray(self.offsets, dtype=np.float64).reshape(-1, 3)
        n = len(self.names)
        if len(self.parents) != n or len(self.offsets) != n:
            raise ValueError(f"skeleton: {n} names, {len(self.parents)} parents and "
                             f"{len(self.offsets)} offsets must have the same count")
        for j, p in enumerate(self.parents):
            if (j == 0) != (p == -1) or p >= j:
                raise ValueError(f"skeleton: joint {j} ({self.names[j]}) has parent {p}; "
                                 "the root must be joint 0 and parents must precede children")
        if len(set(self.names)) != n:
            raise ValueError("skeleton: joint names must be unique")

    def __len__(self) -> int:
        return len(self.names)

    def index(self, name: str) -> int:
        try:
            return self.names.index(name)
        except ValueError:
            raise KeyError(f"joint {name!r} is not in the skeleton ({', '.join(self.names)})") from None

    def children(self, j: int) -> list[int]:
        return [c for c, p in enumerate(self.parents) if p == j]

    def bone_lengths(self) -> np.ndarray:
        return np.linalg.norm(self.offsets, axis=-1)

    def rest_positions(self) -> np.ndarray:
        pos = np.zeros((len(self), 3))
        for j, p in enumerate(self.parents):
            pos[j] = self.offsets[j] if p < 0 else pos[p] + self.offsets[j]
        return pos

    def depth_groups(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """(joints, their parents) by depth below the root (root first): every joint of a group has
        its parent in an earlier one, so forward kinematics can take a whole group per step."""
        return _depth_groups(tuple(self.parents))

    def forward_kinematics(self, root_positions, local_rotations, translations=None):
        """World positions [..., J, 3] and world rotations [..., J, 4] of every joint.

        translations (optional, [..., J, 3]) replace the rest offsets per frame, for BVH
        files whose joints carry position channels. Joints are taken a depth at a time rather
        than one by one: the same arithmetic in a third of the numpy calls, which is most of
        its cost on the few frames a server places per request.
        """
        local_rotations = np.asarray(local_rotations, dtype=np.float64)
        root_positions = np.asarray(root_positions, dtype=np.float64)
        shape = local_rotations.shape[:-2]
        world_rot = np.empty(shape + (len(self), 4))
        world_pos = np.empty(shape + (len(self), 3))
        translations = None if translations is None else np.asarray(translations)
        world_rot[..., 0, :] = local_rotations[..., 0, :]
        world_pos[..., 0, :] = root_positions
        for g, p in self.depth_groups()[1:]:
            off = self.offsets[g] if translations is None else translations[..., g, :]
            world_rot[..., g, :] = quat_mul(world_rot[..., p, :], local_rotations[..., g, :])
            world_pos[..., g, :] = world_pos[..., p, :] + quat_rotate(world_rot[..., p, :], off)
        return world_pos, world_rot


@lru_cache(maxsize=64)
def _depth_groups(parents: tuple[int, ...]) -> list[tuple[np.ndarray, np.ndarray]]:
    """Skeleton.depth_groups, once per hierarchy (forward kinematics runs several times per request)."""
    depth = [0] * len(parents)
    for j, p in enumerate(parents):
        depth[j] = 0 if p < 0 else depth[p] + 1
    groups = [np.array([j for j, d in enumerate(depth) if d == k]) for k in range(max(depth) + 1)]
    return [(g, np.asarray(parents)[g]) for g in groups]


CANONICAL_NAMES = [
    "Hips", "LeftUpperLeg", "RightUpperLeg", "Spine", "LeftLowerLeg", "RightLowerLeg", "Chest",
    "LeftFoot", "RightFoot", "UpperChest", "LeftToes", "RightToes", "Neck", "LeftShoulder",
    "RightShoulder", "Head", "LeftUpperArm", "RightUpperArm", "LeftLowerArm", "RightLowerArm",
    "LeftHand", "RightHand",
]
CANONICAL_PARENTS = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19]

# T-pose, Y up, facing +Z, left = +X. Bone lengths are those of the Bandai-Namco capture rig
# (the data the default model learns from); Chest->Neck is split evenly by UpperChest so
# that the two segments are collinear and UpperChest can carry an identity rotation.
# The skeleton is exactly left/right symmetric, which mirroring relies on.
_ANKLE_HEIGHT = 0.075
_LEG = (0.0219, 0.3908, 0.4099)
CANONICAL_OFFSETS = np.array([
    [0.0, _ANKLE_HEIGHT + sum(_LEG), 0.0],  # Hips (rest position: feet on the floor)
    [0.0647, -_LEG[0], 0.0],                 # LeftUpperLeg
    [-0.0647, -_LEG[0], 0.0],                # RightUpperLeg
    [0.0, 0.1574, 0.0],                      # Spine
    [0.0, -_LEG[1], 0.0],                    # LeftLowerLeg
    [0.0, -_LEG[1], 0.0],                    # RightLowerLeg
    [0.0, 0.0898, 0.0],                      # Chest
    [0.0, -_LEG[2], 0.0],                    # LeftFoot
    [0.0, -_LEG[2], 0.0],                    # RightFoot
    [0.0, 0.0819, 0.0],                      # UpperChest
    [0.0, -0.055, 0.1038],                   # LeftToes
    [0.0, -0.055, 0.1038],                   # RightToes
    [0.0, 0.0819, 0.0],                      # Neck
    [0.0498, 0.0480, 0.0],                   # LeftShoulder
    [-0.0498, 0.0480, 0.0],                  # RightShoulder
    [0.0, 0.0646, 0.0],                      # Head
    [0.0535, 0.0, 0.0],                      # LeftUpperArm
    [-0.0535, 0.0, 0.0],                     # RightUpperArm
    [0.2433, 0.0, 0.0],                      # LeftLowerArm
    [-0.2433, 0.0, 0.0],                     # RightLowerArm
    [0.2229, 0.0, 0.0],                      # LeftHand
    [-0.2229, 0.0, 0.0],                     # RightHand
])
_CANONICAL_END_SITES = {
    15: np.array([0.0, 0.16, 0.0]),     # Head top
    20: np.array([0.09, 0.0, 0.0]),     # LeftHand fingertips
    21: np.array([-0.09, 0.0, 0.0]),    # RightHand fingertips
    10: np.array([0.0, 0.0, 0.05]),     # LeftToes tip
    11: np.array([0.0, 0.0, 0.05]),     # RightToes tip
}

# Joint indices the representation and tools refer to by role.
FOOT_JOINTS = (7, 10, 8, 11)  # LeftFoot, LeftToes, RightFoot, RightToes (contact order)


def canonical_skeleton() -> Skeleton:
    return Skeleton(list(CANONICAL_NAMES), list(CANONICAL_PARENTS), CANONICAL_OFFSETS.copy(),
                    {k: v.copy() for k, v in _CANONICAL_END_SITES.items()})
