"""Fixed-length training windows from a dataset, reproducible from (seed, step) alone.

Deriving each batch's randomness from (seed, step) makes training resumable without saving
a sampler state: step 1234 draws the same windows whether or not the run was interrupted.
Clips shorter than the window are padded by holding their last pose (velocities zeroed) and
the padded frames are masked out of the loss.
"""
from __future__ import annotations

import numpy as np

from ..data.dataset import Dataset
from ..representation.dmv1 import SLICES

VELOCITY_CHANNELS = np.r_[SLICES["root_yaw_vel"], SLICES["root_xz_vel"], SLICES["joint_vel"]]


def hold_pad(feats: np.ndarray, length: int) -> np.ndarray:
    """Extend [T, F] raw features to `length` frames by holding the last pose still."""
    if len(feats) >= length:
        return feats[:length]
    tail = np.repeat(feats[-1:], length - len(feats), axis=0)
    tail[:, VELOCITY_CHANNELS] = 0.0
    out = np.concatenate([feats, tail])
    out[len(feats) - 1, VELOCITY_CHANNELS] = 0.0  # the last real frame no longer moves on
    return out


class WindowSampler:
    def __init__(self, dataset: Dataset, split: str, window: int, seed: int):
        self.ds, self.window, self.seed = dataset, window, seed
        self.clips = np.array(dataset.split(split) or range(len(dataset)))
        lengths = np.diff(dataset.offsets)[self.clips]
        self.lengths = lengths
        self.weights = np.minimum(lengths, 4 * window) / np.minimum(lengths, 4 * window).sum()

    def batch(self, step: int, size: int) -> tuple[np.ndarray, np.ndarray]:
        """-> raw features [B, W, F] float32 and mask [B, W] (1 = real frame)."""
        rng = np.random.default_rng([self.seed, step])
        picks = rng.choice(len(self.clips), size=size, p=self.weights)
        feats = np.empty((size, self.window, self.ds.features.shape[1]), np.float32)
        mask = np.zeros((size, self.window), np.float32)
        for b, k in enumerate(picks):
            i, n = self.clips[k], self.lengths[k]
            start = rng.integers(0, max(n - self.window, 0) + 1)
            clip = self.ds.features_of(i)[start:start + self.window]
            feats[b] = hold_pad(clip, self.window)
            mask[b, :len(clip)] = 1.0
        return feats, mask
