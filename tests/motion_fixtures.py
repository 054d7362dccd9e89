"""Synthetic motions for tests: smooth, plausible, deterministic, made on the spot."""
from __future__ import annotations

import numpy as np

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import euler_to_quat, quat_mul, yaw_to_quat
from deepmotion_client.motion.skeleton import CANONICAL_NAMES, canonical_skeleton


def walking_motion(frames: int = 60, fps: float = 20.0, turn: float = 0.6, seed: int = 0) -> Motion:
    """A stepping, turning, arm-swinging clip starting at the origin facing +Z."""
    rng = np.random.default_rng(seed)
    sk = canonical_skeleton()
    t = np.arange(frames) / fps
    phase = 2 * np.pi * 1.0 * t
    rot = np.zeros((frames, len(sk), 3))  # ZXY degrees per joint
    j = CANONICAL_NAMES.index
    rot[:, j("LeftUpperLeg"), 1] = -25 * np.sin(phase)
    rot[:, j("RightUpperLeg"), 1] = 25 * np.sin(phase)
    rot[:, j("LeftLowerLeg"), 1] = 30 * np.clip(np.sin(phase + 1), 0, None)
    rot[:, j("RightLowerLeg"), 1] = 30 * np.clip(np.sin(phase + 1 + np.pi), 0, None)
    rot[:, j("LeftUpperArm"), 0] = -70 + 5 * np.sin(phase)
    rot[:, j("RightUpperArm"), 0] = 70 + 5 * np.sin(phase)
    rot[:, j("LeftUpperArm"), 2] = 20 * np.sin(phase)
    rot[:, j("RightUpperArm"), 2] = -20 * np.sin(phase)
    rot[:, j("LeftLowerArm"), 2] = 30 + 10 * np.sin(phase)
    rot[:, j("RightLowerArm"), 2] = -30 - 10 * np.sin(phase)
    rot[:, j("Spine"), 1] = 5 * np.sin(phase)
    rot[:, j("Head"), 2] = 10 * np.sin(phase / 2)
    rot += rng.normal(0, 1.0, rot.shape)  # small twist/noise everywhere
    rot[:, 0] = 0
    rot[:, j("UpperChest")] = 0
    local = euler_to_quat(rot, "ZXY")
    yaw = turn * t / max(t[-1], 1e-9)
    tilt = euler_to_quat(np.stack([3 * np.sin(2 * phase), 8 + 2 * np.sin(phase), np.zeros(frames)], -1), "ZXY")
    local[:, 0] = quat_mul(yaw_to_quat(yaw), tilt)
    speed = 1.2  # m/s along the current heading
    step = np.stack([np.sin(yaw), np.zeros(frames), np.cos(yaw)], -1) * speed / fps
    root = np.concatenate([[np.zeros(3)], np.cumsum(step[:-1], 0)])
    root[:, 1] = 0.88 + 0.02 * np.cos(2 * phase)
    return Motion(sk, root, local, fps)
