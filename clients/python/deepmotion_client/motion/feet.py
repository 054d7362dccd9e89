"""Foot contacts: measuring foot skating and pinning planted feet with two-bone IK.

Generated motion slides its feet a little while they should be planted; users notice it more
than any other artefact. The stream can carry the model's contact flags (FrameChunk
foot_contacts, order LeftFoot, LeftToes, RightFoot, RightToes). On frames flagged as contact
the ankle is pinned where it landed and the leg is solved with analytic two-bone IK (hip
stays, knee bends in its own plane, the foot keeps its world orientation), blended over a few
frames at the edges of each contact so nothing pops.

Skating is measured the way text-to-motion papers do (MDM and after): the share of frames in
which a foot joint near the ground (within 5 cm of its rest height) moves more than 2.5 cm
horizontally from one 20-fps frame to the next.
"""
from __future__ import annotations

import numpy as np

from .clip import Motion
from .rotations import quat_conj, quat_mul, quat_normalize, quat_rotate
from .skeleton import CANONICAL_NAMES

FOOT_JOINTS = ("LeftFoot", "LeftToes", "RightFoot", "RightToes")  # contact channel order on the wire
LEGS = {"Left": ("LeftUpperLeg", "LeftLowerLeg", "LeftFoot"), "Right": ("RightUpperLeg", "RightLowerLeg", "RightFoot")}


def skating(motion: Motion, height: float = 0.05, skid: float = 0.025) -> dict:
    """Foot-skating figures: ratio of frames with a skidding grounded foot joint, and the mean
    horizontal speed (m/s) of grounded foot joints. `skid` is per 1/20 s, scaled to the clip's rate."""
    sk = motion.skeleton
    idx = [sk.index(n) for n in FOOT_JOINTS]
    rest_y = sk.rest_positions()[idx, 1]
    pos = motion.joint_positions()[:, idx]
    grounded = pos[..., 1] < rest_y + height
    step = np.linalg.norm(np.diff(pos[..., [0, 2]], axis=0), axis=-1)
    both = grounded[1:] & grounded[:-1]
    skids = both & (step > skid * 20.0 / motion.fps)
    speed = step[both] * motion.fps
    return {"skating_ratio": float(skids.any(axis=1).mean()) if len(skids) else 0.0,
            "grounded_speed_m_s": float(speed.mean()) if speed.size else 0.0}


def contact_segments(flags: np.ndarray) -> list[tuple[int, int]]:
    """[start, end) runs of True."""
    padded = np.concatenate([[False], flags.astype(bool), [False]])
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    return list(zip(edges[::2], edges[1::2]))


def _pin_targets(ankle: np.ndarray, flags: np.ndarray, blend: int) -> tuple[np.ndarray, np.ndarray]:
    """Per-frame pinned position of a joint and blend weight (1 inside a contact, ramps outside)."""
    t = len(ankle)
    target = ankle.copy()
    weight = np.zeros(t)
    for s, e in contact_segments(flags):
        pin = ankle[s].copy()
        lo, hi = max(0, s - blend), min(t, e + blend)
        for f in range(lo, hi):
            if s <= f < e:
                w = 1.0
            else:
                gap = s - f if f < s else f - e + 1
                w = 1.0 - gap / (blend + 1)
            if w > weight[f]:
                weight[f] = w
                target[f, [0, 2]] = pin[[0, 2]]
                target[f, 1] = ankle[f, 1]
    return target, weight


def two_bone_ik(hip, knee, ankle, target, hinge_fallback):
    """World rotations (quaternions [T, 4]) that move the ankle onto `target`: one about the knee's
    bend axis for the knee angle, then one swinging the whole leg about the hip."""
    a = np.linalg.norm(knee - hip, axis=-1)
    b = np.linalg.norm(ankle - knee, axis=-1)
    d = np.clip(np.linalg.norm(target - hip, axis=-1), np.abs(a - b) + 1e-5, a + b - 1e-5)
    u, v = hip - knee, ankle - knee
    axis = np.cross(u, v)
    n = np.linalg.norm(axis, axis=-1, keepdims=True)
    axis = np.where(n > 1e-8, axis / np.maximum(n, 1e-12), hinge_fallback)
    cos_cur = np.sum(u * v, -1) / np.maximum(a * b, 1e-12)
    cur = np.arccos(np.clip(cos_cur, -1, 1))
    want = np.arccos(np.clip((a * a + b * b - d * d) / np.maximum(2 * a * b, 1e-12), -1, 1))
    half = (want - cur)[..., None] / 2
    bend = np.concatenate([axis * np.sin(half), np.cos(half)], -1)
    new_ankle = knee + quat_rotate(bend, v)
    x, y = new_ankle - hip, target - hip
    c = np.cross(x, y)
    swing = quat_normalize(np.concatenate([c, (np.linalg.norm(x, axis=-1) * np.linalg.norm(y, axis=-1)
                                               + np.sum(x * y, -1))[..., None]], -1))
    return bend, swing


def pin_feet(motion: Motion, contacts: np.ndarray, blend: int = 3) -> Motion:
    """The motion with planted feet pinned. contacts: [T, 4] in FOOT_JOINTS order (values > 0.5
    mean contact): ankle flags pin the ankles, toe flags the toes."""
    sk = motion.skeleton
    contacts = np.asarray(contacts)
    if contacts.shape != (motion.num_frames, 4):
        raise ValueError(f"contacts must be [{motion.num_frames}, 4] (LeftFoot, LeftToes, RightFoot, RightToes), "
                         f"got {contacts.shape}")
    if [sk.names[i] for i in range(len(sk))] != CANONICAL_NAMES:
        raise ValueError("pin_feet works on the canonical skeleton; retarget after cleaning the feet")
    local = motion.local_rotations.copy()
    # Pass 1 pins ankles on heel contacts; pass 2 pins the toes on toe contacts (push-off,
    # tiptoe), moving the ankle by the toes' drift since the foot keeps its orientation.
    for pinned, flag_cols in ((("LeftFoot", "RightFoot"), (0, 2)), (("LeftToes", "RightToes"), (1, 3))):
        pos, world = sk.forward_kinematics(motion.root_positions, local)
        for (side, (hip_n, knee_n, ankle_n)), joint_n, col in zip(LEGS.items(), pinned, flag_cols):
            hi, ki, ai, pj = sk.index(hip_n), sk.index(knee_n), sk.index(ankle_n), sk.index(joint_n)
            target, weight = _pin_targets(pos[:, pj], contacts[:, col] > 0.5, blend)
            if not weight.any():
                continue
            goal = pos[:, ai] + (target - pos[:, pj]) * weight[:, None]
            # A straight leg has no bend plane: knees bend about the thigh's -X (the foot goes back).
            hinge = quat_rotate(world[:, hi], np.array([-1.0, 0.0, 0.0]))
            bend, swing = two_bone_ik(pos[:, hi], pos[:, ki], pos[:, ai], goal, hinge)
            g_upper = quat_mul(swing, world[:, hi])
            g_lower = quat_mul(swing, quat_mul(bend, world[:, ki]))
            local[:, hi] = quat_mul(quat_conj(world[:, sk.parents[hi]]), g_upper)
            local[:, ki] = quat_mul(quat_conj(g_upper), g_lower)
            local[:, ai] = quat_mul(quat_conj(g_lower), world[:, ai])  # the foot keeps its world orientation
    return Motion(sk, motion.root_positions.copy(), quat_normalize(local), motion.fps)
