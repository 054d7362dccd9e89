"""Representation dm-v1: 269 floats per frame (docs/ARCHITECTURE.md, "Motion representation").

| slice   | dims | content                                                              |
| 0       | 1    | root yaw angular velocity, rad/frame (frame t -> t+1)                |
| 1:3     | 2    | root xz velocity in the heading frame of frame t, m/frame            |
| 3       | 1    | root height, m                                                       |
| 4:67    | 63   | joints 1..21 relative to the root in x,z (y absolute), heading frame |
| 67:199  | 132  | 6D local rotations of all 22 joints; joint 0 relative to heading     |
| 199:265 | 66   | joint velocities (t -> t+1), heading frame, m/frame                  |
| 265:269 | 4    | foot contacts LeftFoot, LeftToes, RightFoot, RightToes (0/1)         |

Velocities at frame t describe t -> t+1, as in HumanML3D; the last frame repeats the one
before it. The heading is the yaw of the hips' left axis (+X), which stays horizontal when a
person bows, unlike the hips' forward axis. Decoding starts at heading 0 and root xz 0; clips
from the data pipeline start there, so decode(encode(x)) == x for them.
Rotations are the primary output: positions for export come from FK of decoded rotations,
so bone lengths are constant by construction.
"""
from __future__ import annotations

import numpy as np

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import (matrix_to_quat, quat_conj, quat_mul, quat_rotate, quat_to_matrix,
                                                yaw_to_quat)
from deepmotion_client.motion.skeleton import FOOT_JOINTS, Skeleton, canonical_skeleton

from .sixd import matrix_to_6d, sixd_to_matrix

NAME = "dm-v1"
FPS = 20.0
NUM_JOINTS = 22
DIM = 269
SLICES = {
    "root_yaw_vel": slice(0, 1),
    "root_xz_vel": slice(1, 3),
    "root_height": slice(3, 4),
    "ric": slice(4, 67),
    "rot6d": slice(67, 199),
    "joint_vel": slice(199, 265),
    "contacts": slice(265, 269),
}
# A foot joint is in contact when it moves less than this per frame (0.5 m/s at 20 fps)
# and is within this height above its rest height.
CONTACT_SPEED = 0.025
CONTACT_HEIGHT = 0.05


def heading_yaw(world_root_rot: np.ndarray) -> np.ndarray:
    left = quat_rotate(world_root_rot, np.array([1.0, 0.0, 0.0]))
    return np.arctan2(-left[..., 2], left[..., 0])


def _wrap(a):
    return (a + np.pi) % (2 * np.pi) - np.pi


def _forward_diff(x):
    d = x[1:] - x[:-1]
    return np.concatenate([d, d[-1:]], axis=0)


def foot_contacts(positions: np.ndarray, skeleton: Skeleton) -> np.ndarray:
    """[T, 4] contact flags from world joint positions (y up, floor at 0)."""
    feet = positions[:, list(FOOT_JOINTS)]
    speed = np.linalg.norm(_forward_diff(feet), axis=-1)
    rest_h = skeleton.rest_positions()[list(FOOT_JOINTS), 1]
    return ((speed < CONTACT_SPEED) & (feet[..., 1] < rest_h + CONTACT_HEIGHT)).astype(np.float32)


def encode(motion: Motion, kinematics: tuple[np.ndarray, np.ndarray] | None = None) -> np.ndarray:
    """Frames (root positions + local rotations, 20 fps canonical skeleton) -> [T, 269].
    `kinematics`: the motion's forward kinematics (world positions, world rotations) when the
    caller has it; a batch of histories runs one pass for all (encode_many)."""
    if len(motion.skeleton) != NUM_JOINTS:
        raise ValueError(f"dm-v1 needs the canonical {NUM_JOINTS}-joint skeleton, got {len(motion.skeleton)} joints")
    if motion.num_frames < 2:
        raise ValueError(f"dm-v1 needs at least 2 frames, got {motion.num_frames}")
    pos, wrot = kinematics or motion.skeleton.forward_kinematics(motion.root_positions, motion.local_rotations)
    t = motion.num_frames
    yaw = heading_yaw(wrot[:, 0])
    yaw_vel = _forward_diff(yaw)
    yaw_vel = _wrap(yaw_vel)
    inv_heading = quat_conj(yaw_to_quat(yaw))  # [T, 4]
    root = pos[:, 0]
    root_vel = quat_rotate(inv_heading, _forward_diff(root))
    rel = pos[:, 1:] - root[:, None] * np.array([1.0, 0.0, 1.0])
    ric = quat_rotate(inv_heading[:, None], rel)
    local = motion.local_rotations.copy()
    local[:, 0] = quat_mul(inv_heading, wrot[:, 0])
    rot6d = matrix_to_6d(quat_to_matrix(local))
    joint_vel = quat_rotate(inv_heading[:, None], _forward_diff(pos))
    contacts = foot_contacts(pos, motion.skeleton)
    feats = np.concatenate([
        yaw_vel[:, None], root_vel[:, [0, 2]], root[:, 1:2], ric.reshape(t, -1),
        rot6d.reshape(t, -1), joint_vel.reshape(t, -1), contacts,
    ], axis=1)
    return feats.astype(np.float32)


def encode_many(motions: list[Motion]) -> np.ndarray:
    """encode for motions of one length on one skeleton -> [N, T, 269]: their forward kinematics
    in one pass (its per-joint loop is most of a short history's encoding)."""
    sk = motions[0].skeleton
    if any(m.skeleton is not sk and not np.array_equal(m.skeleton.offsets, sk.offsets) for m in motions):
        return np.stack([encode(m) for m in motions])
    pos, wrot = sk.forward_kinematics(np.stack([m.root_positions for m in motions]),
                                      np.stack([m.local_rotations for m in motions]))
    return np.stack([encode(m, (pos[i], wrot[i])) for i, m in enumerate(motions)])


def _headings(feats: np.ndarray) -> np.ndarray:
    yaw_vel = feats[:, 0].astype(np.float64)
    return np.concatenate([[0.0], np.cumsum(yaw_vel[:-1])])


def decode(feats: np.ndarray, skeleton: Skeleton | None = None, fps: float = FPS, heading: float = 0.0,
           origin_xz: tuple[float, float] = (0.0, 0.0)) -> Motion:
    """[T, 269] -> Motion on the canonical skeleton (rotations from the 6D block), starting at
    `origin_xz` with the world heading `heading` (radians; a continuation starts where its
    history left off, a fresh clip at the origin facing +Z)."""
    feats = np.asarray(feats, dtype=np.float64)
    if feats.ndim != 2 or feats.shape[1] != DIM:
        raise ValueError(f"dm-v1 features must be [T, {DIM}], got {list(feats.shape)}")
    skeleton = skeleton or canonical_skeleton()
    t = len(feats)
    heading_q = yaw_to_quat(_headings(feats) + heading)
    root = decode_root(feats, heading, origin_xz)
    mats = sixd_to_matrix(feats[:, SLICES["rot6d"]].reshape(t, NUM_JOINTS, 6))
    local = matrix_to_quat(mats)
    local[:, 0] = quat_mul(heading_q, local[:, 0])
    return Motion(skeleton, root, local, fps)


def ric_positions(feats: np.ndarray) -> np.ndarray:
    """Joint positions [T, 22, 3] straight from the position block (no rotations involved)."""
    feats = np.asarray(feats, dtype=np.float64)
    t = len(feats)
    root = decode_root(feats)
    heading = yaw_to_quat(_headings(feats))
    rel = quat_rotate(heading[:, None], feats[:, SLICES["ric"]].reshape(t, NUM_JOINTS - 1, 3))
    rel[..., [0, 2]] += root[:, None, [0, 2]]
    return np.concatenate([root[:, None], rel], axis=1)


def decode_root(feats: np.ndarray, heading: float = 0.0, origin_xz: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """Root path [T, 3]: integrate the heading-frame velocities from `origin_xz`, starting at
    world heading `heading`."""
    feats = np.asarray(feats, dtype=np.float64)
    heading_q = yaw_to_quat(_headings(feats) + heading)
    step = np.zeros((len(feats), 3))
    step[:, [0, 2]] = feats[:, SLICES["root_xz_vel"]]
    world_step = quat_rotate(heading_q, step)
    root = np.zeros((len(feats), 3))
    root[1:] = np.cumsum(world_step[:-1], axis=0)
    root[:, 0] += origin_xz[0]
    root[:, 2] += origin_xz[1]
    root[:, 1] = feats[:, 3]
    return root
