"""Retargeting source motion into the canonical skeleton from world space.

Source rigs differ in rest pose and local axes (the Bandai-Namco rig's zero pose is
degenerate: every bone along its local X). Instead of trusting any rest pose we look at what
the source does in the world: for each canonical joint, vector pairs (a canonical rest-pose
direction, the matching direction observed in the source: bone to its child, the body's left,
the elbow/knee hinge axis) define its world rotation.

- Sources with rotations (BVH): the rotation between a source joint's frame and the canonical
  bone frame is constant, so it is fitted once over many frames (Kabsch) and applied exactly:
  canonical world rotation = source world rotation @ C. Twist survives, noise averages out.
- Sources with positions only (HumanML3D joints): the same pairs give a rotation per frame.

Leaves without a child in the source (head, hands, toes) take their parent's correction
(sources with rotations) or world rotation (positions only); UpperChest, absent from most
rigs, carries the identity (it splits Chest->Neck).
"""
from __future__ import annotations

import numpy as np

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import (matrix_to_quat, quat_conj, quat_mul, quat_rotate,
                                                yaw_to_quat)
from deepmotion_client.motion.skeleton import (CANONICAL_NAMES, CANONICAL_PARENTS, FOOT_JOINTS, Skeleton,
                                               canonical_skeleton)

X, Y, Z = np.eye(3)
PRIMARY_WEIGHT = 10.0
SECONDARY_WEIGHT = 1.0
FALLBACK_WEIGHT = 0.05
# Canonical joints a source must provide (UpperChest is derived, never required).
REQUIRED = [n for n in CANONICAL_NAMES if n != "UpperChest"]
LEAF_PARENT = {"Head": "Neck", "LeftHand": "LeftLowerArm", "RightHand": "RightLowerArm",
               "LeftToes": "LeftFoot", "RightToes": "RightFoot", "UpperChest": "Chest"}



def rotation_from_covariance(h) -> np.ndarray:
    """The R maximising trace(R^T H), H = sum w b a^T (Kabsch): the per-joint fit accumulates
    H over many clips and frames, then takes one rotation from it."""
    u, _, vt = np.linalg.svd(h)
    d = np.sign(np.linalg.det(u @ vt))
    return u @ np.diag([1.0, 1.0, d]) @ vt

def _unit(v):
    n = np.linalg.norm(v, axis=-1, keepdims=True)
    return v / np.maximum(n, 1e-9)


def _rest_dir(rest, a, b):
    return _unit(rest[CANONICAL_NAMES.index(b)] - rest[CANONICAL_NAMES.index(a)])


def vector_pairs(P: dict[str, np.ndarray], skeleton: Skeleton) -> dict[str, list[tuple]]:
    """For each fitted canonical joint: [(rest vector a [3], observed b [T,3], weight [T])]."""
    rest = skeleton.rest_positions()
    t = len(P["Hips"])
    one = np.ones(t)

    def d(a, b):
        return P[b] - P[a]

    hips_left = _unit(d("RightUpperLeg", "LeftUpperLeg"))
    shoulder_left = _unit(d("RightUpperArm", "LeftUpperArm"))
    chest_up = _unit(d("Chest", "Neck"))
    body_fwd = _unit(np.cross(shoulder_left, chest_up))
    hips_fwd = _unit(np.cross(hips_left, _unit(d("Hips", "Spine"))))
    pairs = {
        "Hips": [(_rest_dir(rest, "Hips", "Spine"), d("Hips", "Spine"), PRIMARY_WEIGHT * one),
                 (X, hips_left, SECONDARY_WEIGHT * one)],
        "Spine": [(_rest_dir(rest, "Spine", "Chest"), d("Spine", "Chest"), PRIMARY_WEIGHT * one),
                  (X, hips_left + shoulder_left, SECONDARY_WEIGHT * one)],
        "Chest": [(_rest_dir(rest, "Chest", "Neck"), d("Chest", "Neck"), PRIMARY_WEIGHT * one),
                  (X, shoulder_left, SECONDARY_WEIGHT * one)],
        "Neck": [(_rest_dir(rest, "Neck", "Head"), d("Neck", "Head"), PRIMARY_WEIGHT * one),
                 (X, shoulder_left, SECONDARY_WEIGHT * one)],
    }
    for side in ("Left", "Right"):
        sh, ua, la, hand = (f"{side}{n}" for n in ("Shoulder", "UpperArm", "LowerArm", "Hand"))
        ul, ll, foot, toes = (f"{side}{n}" for n in ("UpperLeg", "LowerLeg", "Foot", "Toes"))
        pairs[sh] = [(_rest_dir(rest, sh, ua), d(sh, ua), PRIMARY_WEIGHT * one), (Y, chest_up, SECONDARY_WEIGHT * one)]
        # Elbows flex forward (+Z) from the T-pose, knees backward (-Z): the hinge axis
        # (upper x lower) is fixed in both segments' frames and fixes their twist.
        upper, lower = _unit(d(ua, la)), _unit(d(la, hand))
        hinge = np.cross(upper, lower)
        a_h = np.cross(_rest_dir(rest, ua, la), Z)
        w_h = SECONDARY_WEIGHT * np.linalg.norm(hinge, axis=-1)
        pairs[ua] = [(_rest_dir(rest, ua, la), upper, PRIMARY_WEIGHT * one), (a_h, hinge, w_h),
                     (Z, body_fwd, FALLBACK_WEIGHT * one)]
        pairs[la] = [(_rest_dir(rest, la, hand), lower, PRIMARY_WEIGHT * one), (a_h, hinge, w_h),
                     (Z, body_fwd, FALLBACK_WEIGHT * one)]
        thigh, shin = _unit(d(ul, ll)), _unit(d(ll, foot))
        hinge = np.cross(thigh, shin)
        a_h = np.cross(_rest_dir(rest, ul, ll), -Z)
        w_h = SECONDARY_WEIGHT * np.linalg.norm(hinge, axis=-1)
        pairs[ul] = [(_rest_dir(rest, ul, ll), thigh, PRIMARY_WEIGHT * one), (a_h, hinge, w_h),
                     (Z, hips_fwd, FALLBACK_WEIGHT * one)]
        pairs[ll] = [(_rest_dir(rest, ll, foot), shin, PRIMARY_WEIGHT * one), (a_h, hinge, w_h),
                     (Z, hips_fwd, FALLBACK_WEIGHT * one)]
        pairs[foot] = [(_rest_dir(rest, foot, toes), d(foot, toes), PRIMARY_WEIGHT * one),
                       (Y, -shin, SECONDARY_WEIGHT * one)]
    return pairs


class RotationOffsetFit:
    """Accumulates, over any number of clips, the constant source-to-canonical rotations."""

    def __init__(self, skeleton: Skeleton | None = None):
        self.skeleton = skeleton or canonical_skeleton()
        self.h: dict[str, np.ndarray] = {}
        self.frames = 0

    def add(self, P: dict[str, np.ndarray], R: dict[str, np.ndarray]) -> None:
        """P: world positions [T,3] and R: world rotations [T,4] of the source, by canonical name."""
        for name, pairs in vector_pairs(P, self.skeleton).items():
            inv = quat_conj(R[name])
            h = self.h.setdefault(name, np.zeros((3, 3)))
            for a, b, w in pairs:
                local = _unit(quat_rotate(inv, b))
                h += (local * w[:, None]).T @ np.broadcast_to(a, local.shape)
        self.frames += len(P["Hips"])

    def solve(self) -> dict[str, np.ndarray]:
        """Canonical name -> quaternion C with canonical world rotation = source world rotation * C."""
        if not self.h:
            raise ValueError("no frames were added to the retargeting fit")
        out = {n: matrix_to_quat(rotation_from_covariance(h)) for n, h in self.h.items()}
        for leaf, parent in LEAF_PARENT.items():
            if leaf != "UpperChest":
                out[leaf] = out[parent]
        return out


def world_rotations_from_offsets(R: dict[str, np.ndarray], offsets: dict[str, np.ndarray]) -> np.ndarray:
    """[T, 22, 4] canonical world rotations from source world rotations and fitted offsets."""
    t = len(R["Hips"])
    out = np.empty((t, len(CANONICAL_NAMES), 4))
    for j, name in enumerate(CANONICAL_NAMES):
        if name == "UpperChest":
            continue
        out[:, j] = quat_mul(R[name], offsets[name])
    out[:, CANONICAL_NAMES.index("UpperChest")] = out[:, CANONICAL_NAMES.index("Chest")]
    return out


def world_rotations_from_positions(P: dict[str, np.ndarray], skeleton: Skeleton | None = None) -> np.ndarray:
    """[T, 22, 4] canonical world rotations fitted per frame from joint positions alone."""
    skeleton = skeleton or canonical_skeleton()
    t = len(P["Hips"])
    out = np.empty((t, len(CANONICAL_NAMES), 4))
    for name, pairs in vector_pairs(P, skeleton).items():
        h = np.zeros((t, 3, 3))
        for a, b, w in pairs:
            h += (_unit(b) * w[:, None])[:, :, None] * np.asarray(a)[None, None, :]
        u, _, vt = np.linalg.svd(h)
        det = np.sign(np.linalg.det(u @ vt))
        fix = np.ones((t, 3))
        fix[:, 2] = det
        out[:, CANONICAL_NAMES.index(name)] = matrix_to_quat(u @ (fix[:, :, None] * vt))
    for leaf, parent in LEAF_PARENT.items():
        out[:, CANONICAL_NAMES.index(leaf)] = out[:, CANONICAL_NAMES.index(parent)]
    return out


def leg_length(P: dict[str, np.ndarray]) -> float:
    """Median hip->knee->ankle length of the source (both legs), for scaling the root path."""
    total = 0.0
    for side in ("Left", "Right"):
        total += np.median(np.linalg.norm(P[f"{side}LowerLeg"] - P[f"{side}UpperLeg"], axis=-1))
        total += np.median(np.linalg.norm(P[f"{side}Foot"] - P[f"{side}LowerLeg"], axis=-1))
    return total / 2


def canonical_leg_length(skeleton: Skeleton) -> float:
    lengths = skeleton.bone_lengths()
    return float(lengths[CANONICAL_NAMES.index("LeftLowerLeg")] + lengths[CANONICAL_NAMES.index("LeftFoot")])


def assemble(world_rot: np.ndarray, source_root: np.ndarray, root_scale: float, fps: float,
             skeleton: Skeleton | None = None) -> Motion:
    """Canonical Motion from world rotations and the (scaled) source root path."""
    skeleton = skeleton or canonical_skeleton()
    local = np.empty_like(world_rot)
    for j, p in enumerate(CANONICAL_PARENTS):
        local[:, j] = world_rot[:, j] if p < 0 else quat_mul(quat_conj(world_rot[:, p]), world_rot[:, j])
    return Motion(skeleton, source_root * root_scale, local, fps)


def place_on_floor(motion: Motion) -> Motion:
    """Face +Z at frame 0, start over the origin, lowest toe contact at its rest height."""
    sk = motion.skeleton
    pos, wrot = sk.forward_kinematics(motion.root_positions, motion.local_rotations)
    left = quat_rotate(wrot[0, 0], X)
    yaw0 = np.arctan2(-left[2], left[0])
    turn = yaw_to_quat(np.array(-yaw0))
    root = quat_rotate(turn, motion.root_positions - motion.root_positions[0] * np.array([1.0, 0.0, 1.0]))
    local = motion.local_rotations.copy()
    local[:, 0] = quat_mul(turn, local[:, 0])
    toes = [FOOT_JOINTS[1], FOOT_JOINTS[3]]
    toe_rest = sk.rest_positions()[toes, 1].min()
    root[:, 1] -= pos[:, toes, 1].min() - toe_rest
    return Motion(sk, root, local, motion.fps)


# Each fitted joint's "aim" bone: the one its rotation points (vector_pairs' primary pair).
AIM_CHILD = {"Hips": "Spine", "Spine": "Chest", "Chest": "Neck", "Neck": "Head",
             **{f"{s}{a}": f"{s}{b}" for s in ("Left", "Right") for a, b in (
                 ("Shoulder", "UpperArm"), ("UpperArm", "LowerArm"), ("LowerArm", "Hand"),
                 ("UpperLeg", "LowerLeg"), ("LowerLeg", "Foot"), ("Foot", "Toes"))}}


def bone_direction_error_deg(motion: Motion, P: dict[str, np.ndarray]) -> np.ndarray:
    """Angle (degrees) per frame and aim bone between canonical FK and source directions.

    Only aim bones count: offsets fixed within a parent (hip sockets, collar roots) differ
    between skeletons by design, not by retargeting error.
    """
    pos = motion.joint_positions()
    errs = []
    for joint, child in AIM_CHILD.items():
        a = _unit(pos[:, CANONICAL_NAMES.index(child)] - pos[:, CANONICAL_NAMES.index(joint)])
        b = _unit(P[child] - P[joint])
        errs.append(np.degrees(np.arccos(np.clip(np.sum(a * b, axis=-1), -1, 1))))
    return np.stack(errs, axis=1)
