"""A motion clip: a skeleton animated by a root path and local joint rotations."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .rotations import quat_normalize, quat_slerp
from .skeleton import Skeleton


@dataclass
class Motion:
    skeleton: Skeleton
    root_positions: np.ndarray   # [T, 3] metres
    local_rotations: np.ndarray  # [T, J, 4] quaternions (x, y, z, w)
    fps: float

    def __post_init__(self):
        self.root_positions = np.asarray(self.root_positions, dtype=np.float64)
        self.local_rotations = np.asarray(self.local_rotations, dtype=np.float64)
        t, j = self.local_rotations.shape[:2]
        if self.root_positions.shape != (t, 3):
            raise ValueError(f"root_positions must be [{t}, 3], got {self.root_positions.shape}")
        if j != len(self.skeleton) or self.local_rotations.shape[2] != 4:
            raise ValueError(f"local_rotations must be [T, {len(self.skeleton)}, 4], "
                             f"got {self.local_rotations.shape}")
        if not self.fps > 0:
            raise ValueError(f"fps must be positive, got {self.fps}")

    @property
    def num_frames(self) -> int:
        return len(self.root_positions)

    @property
    def duration(self) -> float:
        return self.num_frames / self.fps

    def joint_positions(self) -> np.ndarray:
        return self.skeleton.forward_kinematics(self.root_positions, self.local_rotations)[0]

    def resample(self, fps: float) -> "Motion":
        """Same clip at another frame rate: slerp rotations, lerp the root, same duration."""
        if self.num_frames < 2 or abs(fps - self.fps) < 1e-9:
            return Motion(self.skeleton, self.root_positions.copy(), self.local_rotations.copy(), fps)
        span = (self.num_frames - 1) / self.fps
        n = int(np.floor(span * fps + 1e-6)) + 1
        src = np.arange(n) * (self.fps / fps)
        i0 = np.minimum(np.floor(src).astype(int), self.num_frames - 2)
        t = src - i0
        root = self.root_positions[i0] * (1 - t)[:, None] + self.root_positions[i0 + 1] * t[:, None]
        rot = quat_slerp(self.local_rotations[i0], self.local_rotations[i0 + 1],
                         np.broadcast_to(t[:, None], self.local_rotations[i0].shape[:-1]))
        return Motion(self.skeleton, root, quat_normalize(rot), fps)
