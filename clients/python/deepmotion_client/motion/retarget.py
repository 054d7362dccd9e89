"""Retargeting canonical motion onto another skeleton: a user's BVH rig or a Unity avatar.

Why per-bone rest alignment: rigs differ in rest pose (T-pose, A-pose) and in local axes
(some point every bone along its own +Y or +X). Copying local rotations breaks both. Instead
each mapped target bone takes the source bone's world rotation *relative to a T-pose-like
reference*, measured on the target's own rest pose: W[j] turns the target's rest bone onto
the source's rest bone direction (twist from the body's left or forward axis), so the target
rest pose itself never needs to be a T-pose. A swing per frame keeps the bone aimed exactly
where the source bone points even when the target lacks an intermediate joint (no
UpperChest, no Neck). Joints without a canonical counterpart (twist bones, fingers, extra
spine joints) stay at their rest local rotation.

The same algorithm runs in the Unity package (Runtime/Core/HumanoidRetargeter.cs); shared
test vectors keep the two equal.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import DeepMotionError
from .clip import Motion
from .rotations import (cross, matrix_to_quat, quat_conj, quat_identity, quat_mul, quat_normalize, quat_rotate)
from .skeleton import CANONICAL_NAMES, Skeleton, canonical_skeleton


class RetargetError(DeepMotionError, ValueError):
    """A target rig or joint map that cannot be retargeted onto; the message lists what is wrong."""


# Unity's required humanoid bones; the other canonical joints are optional on a target.
REQUIRED = ("Hips", "Spine", "Head", "LeftUpperLeg", "RightUpperLeg", "LeftLowerLeg", "RightLowerLeg",
            "LeftFoot", "RightFoot", "LeftUpperArm", "RightUpperArm", "LeftLowerArm", "RightLowerArm",
            "LeftHand", "RightHand")

# Where each canonical bone points: the first of these the target has is its aim joint.
_SPINE_UP = ["Spine", "Chest", "UpperChest", "Neck", "Head"]
AIM = {
    "Hips": _SPINE_UP, "Spine": _SPINE_UP[1:], "Chest": _SPINE_UP[2:], "UpperChest": _SPINE_UP[3:],
    "Neck": ["Head"], "Head": [],
}
for _side in ("Left", "Right"):
    AIM.update({f"{_side}Shoulder": [f"{_side}UpperArm"], f"{_side}UpperArm": [f"{_side}LowerArm"],
                f"{_side}LowerArm": [f"{_side}Hand"], f"{_side}Hand": [],
                f"{_side}UpperLeg": [f"{_side}LowerLeg"], f"{_side}LowerLeg": [f"{_side}Foot"],
                f"{_side}Foot": [f"{_side}Toes"], f"{_side}Toes": []})
# Bones that lie along the body's left axis in a T-pose twist-align on the forward axis instead.
_ALONG_LEFT = {f"{s}{b}" for s in ("Left", "Right") for b in ("Shoulder", "UpperArm", "LowerArm", "Hand")}


def _frame(primary, secondary, what="rig") -> np.ndarray:
    """Orthonormal basis (columns) with e1 along primary and e2 in the primary/secondary plane."""
    if np.linalg.norm(primary) < 1e-9:
        raise RetargetError(f"{what}: zero-length bone in the rest pose")
    e1 = primary / np.linalg.norm(primary)
    e2 = secondary - e1 * np.dot(secondary, e1)
    n = np.linalg.norm(e2)
    if n < 1e-6:
        raise RetargetError(f"{what}: the bone lies along the body's twist reference axis in the rest pose")
    e2 /= n
    return np.stack([e1, e2, np.cross(e1, e2)], axis=1)


def _snap_to_axes(m: np.ndarray) -> np.ndarray:
    """Nearest rotation that permutes and flips axes: rigs are authored axis-aligned, and a
    head slightly in front of the hips must not tilt the whole motion."""
    out = np.zeros((3, 3))
    used = set()
    for col in np.argsort(-np.abs(m).max(axis=0)):
        order = [r for r in np.argsort(-np.abs(m[:, col])) if r not in used]
        r = order[0]
        out[r, col] = np.sign(m[r, col]) or 1.0
        used.add(r)
    if np.linalg.det(out) < 0:
        weakest = int(np.argmin(np.abs(m).max(axis=0)))
        out[:, weakest] *= -1
    return out


def _swing(a, b) -> np.ndarray:
    """Shortest-arc quaternion [..., 4] taking vectors a to b (any lengths)."""
    a = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b / np.linalg.norm(b, axis=-1, keepdims=True)
    q = np.concatenate([cross(a, b), 1.0 + np.sum(a * b, axis=-1, keepdims=True)], axis=-1)
    return quat_normalize(q)  # opposite vectors cannot occur for bones a few degrees apart


@dataclass
class RetargetReport:
    """What the retargeter decided, for users to check a map."""
    mapped: dict[str, str]
    unmapped_target_joints: list[str]
    scale: float
    rig_rotation: np.ndarray


class Retargeter:
    """Maps canonical frames onto `target` (a Skeleton with its rest pose).

    joint_map: canonical joint name -> target joint name; optional canonical joints may be absent.
    rest_rotations: the target's rest local rotations [J, 4]; identity (the BVH zero pose) by default.
    """

    def __init__(self, target: Skeleton, joint_map: dict[str, str], rest_rotations=None,
                 source: Skeleton | None = None):
        self.source = source or canonical_skeleton()
        if list(self.source.names) != CANONICAL_NAMES:
            raise RetargetError("source skeleton must be the canonical 22-joint skeleton, got joints "
                                f"{', '.join(self.source.names)}")
        self.target = target
        self.rest_rotations = (quat_identity((len(target),)) if rest_rotations is None
                               else quat_normalize(np.asarray(rest_rotations, dtype=np.float64)))
        self._check_map(joint_map)
        # Canonical order puts parents first, so a leaf can take its parent's correction.
        self.map = {c: joint_map[c] for c in CANONICAL_NAMES if c in joint_map}
        self._build()

    # -- validation ---------------------------------------------------------------------------
    def _check_map(self, joint_map: dict[str, str]) -> None:
        unknown = sorted(set(joint_map) - set(CANONICAL_NAMES))
        if unknown:
            raise RetargetError(f"joint map: keys must be canonical joint names; unknown: {', '.join(unknown)}")
        absent = sorted(f"{c} -> {t}" for c, t in joint_map.items() if t not in self.target.names)
        if absent:
            raise RetargetError(f"joint map names joints the target skeleton does not have: {', '.join(absent)} "
                                f"(target joints: {', '.join(self.target.names)})")
        missing = [c for c in REQUIRED if c not in joint_map]
        if missing:
            raise RetargetError(f"target rig is missing required humanoid joints: {', '.join(missing)} "
                                "(map them, or check that the file is a humanoid rig)")
        dup = sorted({t for t in joint_map.values() if list(joint_map.values()).count(t) > 1})
        if dup:
            raise RetargetError(f"joint map assigns one target joint to several canonical joints: {', '.join(dup)}")
        # Non-humanoid hierarchies: every mapped joint must sit below its mapped canonical ancestor.
        wrong = []
        for c, t in joint_map.items():
            cp = self.source.parents[CANONICAL_NAMES.index(c)]
            while cp >= 0 and CANONICAL_NAMES[cp] not in joint_map:
                cp = self.source.parents[cp]
            if cp < 0:
                continue
            anc, j = self.target.index(joint_map[CANONICAL_NAMES[cp]]), self.target.index(t)
            while j >= 0 and j != anc:
                j = self.target.parents[j]
            if j != anc:
                wrong.append(f"{t} ({c}) is not below {joint_map[CANONICAL_NAMES[cp]]} ({CANONICAL_NAMES[cp]})")
        if wrong:
            raise RetargetError("target hierarchy is not humanoid: " + "; ".join(wrong))

    # -- constants from the two rest poses ---------------------------------------------------
    def _build(self) -> None:
        src_pos = self.source.rest_positions()
        tgt_pos, tgt_rot = self.target.forward_kinematics(self.target.offsets[0], self.rest_rotations)
        self._tgt_rest_world_rot = tgt_rot
        t = {c: self.target.index(n) for c, n in self.map.items()}
        s = {c: CANONICAL_NAMES.index(c) for c in self.map}

        left = tgt_pos[t["LeftUpperLeg"]] - tgt_pos[t["RightUpperLeg"]]
        up = tgt_pos[t["Head"]] - tgt_pos[t["Hips"]]
        if np.linalg.norm(left) < 0.02 * np.linalg.norm(up) or np.linalg.norm(up) == 0 or \
                abs(np.dot(left, up)) > 0.5 * np.linalg.norm(left) * np.linalg.norm(up):
            raise RetargetError("target rig is not humanoid in its rest pose: the legs (LeftUpperLeg -> "
                                "RightUpperLeg) must lie side by side across the hips -> head axis")
        self.rig_rotation = _snap_to_axes(_frame(left, up))  # source world -> target world (X->left, Y->up)
        r0 = self.rig_rotation
        r0q = matrix_to_quat(r0)

        def leg(pos, idx):
            return np.mean([np.linalg.norm(pos[idx[f"{sd}UpperLeg"]] - pos[idx[f"{sd}LowerLeg"]])
                            + np.linalg.norm(pos[idx[f"{sd}LowerLeg"]] - pos[idx[f"{sd}Foot"]])
                            for sd in ("Left", "Right")])
        self.scale = leg(tgt_pos, t) / leg(src_pos, s)

        n = len(self.target)
        self.mapped_target = np.array([t[c] for c in self.map], dtype=int)
        self.mapped_source = np.array([s[c] for c in self.map], dtype=int)
        self.constant = np.zeros((len(self.map), 4))   # K = R0^-1 W Gt_rest, so Gt = R0 Gs K
        self.aim_source = np.full(len(self.map), -1)   # canonical aim joint, -1 for leaves
        self.aim_local = np.zeros((len(self.map), 3))  # target bone direction in its own rest frame
        corrections: dict[str, np.ndarray] = {}
        for k, c in enumerate(self.map):
            aim = next((a for a in AIM[c] if a in self.map), None)
            if aim is None:
                parent = self._mapped_canonical_parent(c)
                w = corrections[parent] if parent else np.eye(3)
            else:
                d_t = tgt_pos[t[aim]] - tgt_pos[t[c]]
                d_s = r0 @ (src_pos[s[aim]] - src_pos[s[c]])
                axis = r0[:, 2] if c in _ALONG_LEFT else r0[:, 0]
                w = _frame(d_s, axis, c) @ _frame(d_t, axis, f"{c} ({self.map[c]})").T
                self.aim_source[k] = s[aim]
                self.aim_local[k] = quat_rotate(quat_conj(tgt_rot[t[c]]), d_t)
            corrections[c] = w
            self.constant[k] = quat_mul(quat_conj(r0q), quat_mul(matrix_to_quat(w), tgt_rot[t[c]]))
        self._r0q = r0q

        # Unmapped joints: world rotation = (world rotation of the nearest mapped ancestor) * chain
        # of rest local rotations below it, or their rest world rotation when nothing above is mapped.
        mapped_slot = {j: k for k, j in enumerate(self.mapped_target)}
        self.anchor = np.full(n, -1)
        self.chain = quat_identity((n,))
        for j in range(n):
            if j in mapped_slot:
                continue
            p = self.target.parents[j]
            if p < 0:
                self.chain[j] = self.rest_rotations[j]
            elif p in mapped_slot:
                self.anchor[j], self.chain[j] = mapped_slot[p], self.rest_rotations[j]
            else:
                self.anchor[j] = self.anchor[p]
                self.chain[j] = quat_mul(self.chain[p], self.rest_rotations[j])
        self._slot = np.array([mapped_slot.get(j, -1) for j in range(n)])

        # Hips path: the source's, scaled by leg length, lifted so that in the source's rest pose the
        # target's ankles sit where the source's (scaled) ankles do. The rig's own root offset is not
        # trusted for height: BVH files often put the root at 0 and the height in the frames.
        hips_t, up = t["Hips"], r0[:, 1]
        self._lift = np.zeros(3)
        world, hips = self.world_rotations(src_pos[0], quat_identity((len(self.source),)))
        posed = self._positions(world, hips)
        ankles_t = (posed[t["LeftFoot"]] + posed[t["RightFoot"]]) / 2
        ankle_s = (src_pos[s["LeftFoot"], 1] + src_pos[s["RightFoot"], 1]) / 2
        self._lift = up * (ankle_s * self.scale - np.dot(ankles_t, up))
        # Root translation that puts the hips where they belong when Hips is not the target's root
        # (joints above it stay at rest).
        self._root_from_hips = self.target.offsets[0] - tgt_pos[hips_t]
        self.report = RetargetReport(dict(self.map), [nm for j, nm in enumerate(self.target.names)
                                                      if j not in mapped_slot], float(self.scale), r0)

    def _positions(self, world, hips):
        """Target joint positions (one frame) for world rotations, hips placed at `hips`; joints
        above the hips are not needed and stay at 0."""
        pos = np.zeros((len(self.target), 3))
        hips_t = self.target.index(self.map["Hips"])
        pos[hips_t] = hips
        for j, p in enumerate(self.target.parents):
            if j != hips_t and p >= 0:
                pos[j] = pos[p] + quat_rotate(world[p], self.target.offsets[j])
        return pos

    def _mapped_canonical_parent(self, c: str) -> str | None:
        p = self.source.parents[CANONICAL_NAMES.index(c)]
        while p >= 0 and CANONICAL_NAMES[p] not in self.map:
            p = self.source.parents[p]
        return CANONICAL_NAMES[p] if p >= 0 else None

    # -- per frame -----------------------------------------------------------------------------
    def world_rotations(self, root_positions, local_rotations):
        """Target world rotations [..., J, 4] and hips positions [..., 3] for canonical frames."""
        src_pos, src_rot = self.source.forward_kinematics(root_positions, local_rotations)
        g = quat_mul(quat_mul(self._r0q, src_rot[..., self.mapped_source, :]), self.constant)
        aimed = self.aim_source >= 0
        if aimed.any():
            ks = np.nonzero(aimed)[0]
            want = src_pos[..., self.aim_source[ks], :] - src_pos[..., self.mapped_source[ks], :]
            want = quat_rotate(self._r0q, want)
            have = quat_rotate(g[..., ks, :], self.aim_local[ks])
            g[..., ks, :] = quat_mul(_swing(have, want), g[..., ks, :])
        shape = g.shape[:-2]
        world = np.empty(shape + (len(self.target), 4))
        slot = self._slot
        world[..., slot >= 0, :] = g[..., slot[slot >= 0], :]
        free = np.nonzero(slot < 0)[0]
        anchored = free[self.anchor[free] >= 0]
        world[..., anchored, :] = quat_mul(g[..., self.anchor[anchored], :], self.chain[anchored])
        floating = free[self.anchor[free] < 0]
        world[..., floating, :] = self._tgt_rest_world_rot[floating]
        hips = quat_rotate(self._r0q, np.asarray(root_positions, dtype=np.float64) * self.scale) + self._lift
        return world, hips

    def apply(self, root_positions, local_rotations):
        """Target (root positions [..., 3], local rotations [..., J, 4]) for canonical frames;
        vectorised, cheap enough to call per frame as chunks arrive."""
        world, hips = self.world_rotations(root_positions, local_rotations)
        parents = np.array(self.target.parents)
        local = world.copy()
        local[..., 1:, :] = quat_mul(quat_conj(world[..., parents[1:], :]), world[..., 1:, :])
        root = hips + self._root_from_hips if self.map["Hips"] != self.target.names[0] else hips
        return root, quat_normalize(local)

    def to_canonical(self, root_positions, local_rotations, translations=None):
        """The inverse: frames on the target rig -> canonical (root positions [..., 3], local
        rotations [..., 22, 4]), so a pose from any rig (an NPC on screen, a BVH take) can be
        the history a continuation starts from. Each mapped bone takes back its rest alignment;
        canonical joints the rig lacks keep their parent's world rotation."""
        tgt_pos, tgt_rot = self.target.forward_kinematics(root_positions, local_rotations, translations)
        inv_r0 = quat_conj(self._r0q)
        shape = tgt_rot.shape[:-2]
        world = np.empty(shape + (len(CANONICAL_NAMES), 4))
        slot = {c: k for k, c in enumerate(self.map)}
        for j, c in enumerate(CANONICAL_NAMES):
            if c in slot:
                k = slot[c]
                gt = tgt_rot[..., self.mapped_target[k], :]
                world[..., j, :] = quat_mul(quat_mul(inv_r0, gt), quat_conj(self.constant[k]))
            else:
                parent = self.source.parents[j]
                world[..., j, :] = world[..., parent, :] if parent >= 0 else quat_identity(shape)
        hips = tgt_pos[..., self.target.index(self.map["Hips"]), :]
        root = quat_rotate(inv_r0, hips - self._lift) / self.scale
        parents = np.array(self.source.parents)
        local = world.copy()
        local[..., 1:, :] = quat_mul(quat_conj(world[..., parents[1:], :]), world[..., 1:, :])
        return root, quat_normalize(local)

    def apply_motion(self, motion: Motion) -> Motion:
        """Retarget a clip on the canonical skeleton, its joints in any order (a BVH file read back
        lists them depth-first)."""
        names = list(motion.skeleton.names)
        if names != CANONICAL_NAMES:
            missing = sorted(set(CANONICAL_NAMES) - set(names))
            if missing:
                raise RetargetError(f"source motion must be on the canonical skeleton; it lacks {', '.join(missing)}")
            order = [names.index(n) for n in CANONICAL_NAMES]
            motion = Motion(self.source, motion.root_positions, motion.local_rotations[:, order], motion.fps)
        root, local = self.apply(motion.root_positions, motion.local_rotations)
        return Motion(self.target, root, local, motion.fps)


@dataclass
class TargetRig:
    """A character to put motion on: the retargeter onto its skeleton, the factor from metres to
    its file's units, and for glTF / VRM characters the file itself, so that saving writes the
    animation into a copy of it (mesh and skin included)."""
    path: object
    retargeter: "Retargeter"
    units: float = 1.0
    gltf: object = None  # GltfRig for .glb / .gltf / .vrm characters

    def apply(self, motion: Motion) -> Motion:
        return self.retargeter.apply_motion(motion)

    def to_canonical(self, motion_on_rig: Motion, translations=None) -> Motion:
        """Motion on this rig (in metres) -> the canonical skeleton, same frames and fps
        (`translations` [T, J, 3]: per-joint translation channels, for rigs that have them)."""
        root, local = self.retargeter.to_canonical(motion_on_rig.root_positions, motion_on_rig.local_rotations,
                                                   translations)
        return Motion(self.retargeter.source, root, local, motion_on_rig.fps)

    def read_motion(self) -> Motion:
        """The motion stored in this rig's own file (BVH), on the canonical skeleton."""
        from .bvh import read_bvh
        bvh = read_bvh(self.path)
        to_metres = 1.0 / self.units
        on_rig = Motion(self.retargeter.target, bvh.translations[:, 0] * to_metres, bvh.local_rotations, bvh.fps)
        return self.to_canonical(on_rig, bvh.translations * to_metres)

    def save(self, out, motion_on_rig: Motion, units: str = "cm") -> None:
        """Write motion already on this rig: into a copy of the character for .glb / .gltf output
        of a glTF rig, as BVH in the rig file's own units, or by suffix otherwise."""
        from pathlib import Path

        from .export import check_output_path, save_motion
        suffix = check_output_path(out).suffix.lower()
        if suffix in (".glb", ".gltf") and self.gltf is not None:
            from .gltf_rig import save_gltf_animation
            save_gltf_animation(self.gltf, motion_on_rig, Path(out))
        elif suffix == ".bvh" and self.gltf is None:
            from .bvh import write_bvh
            write_bvh(out, motion_on_rig, scale=self.units)
        else:
            save_motion(out, motion_on_rig, units)


def load_target_rig(path, joint_map: str | dict | None = "auto", rest_frame: int | None = None) -> TargetRig:
    """The character in a BVH or glTF file (.glb, .gltf, .vrm) as a TargetRig.

    joint_map: a built-in map name (mixamo, unreal, vrm, unity, canonical, bandai), "auto" (a VRM
    file's own humanoid table, else the built-in map that covers most joints), a path to a JSON
    object {canonical: target}, or a dict.
    rest_frame: for BVH, the frame whose rotations are the rig's rest pose (rigs whose local axes are
    not world-aligned keep their bind pose in a frame); None means the zero-rotation pose. A glTF
    rig's rest pose is its nodes' transforms.
    """
    from pathlib import Path

    from .gltf_rig import GLTF_SUFFIXES, read_gltf_rig

    if Path(path).suffix.lower() in GLTF_SUFFIXES:
        if rest_frame is not None:
            raise RetargetError("rest_frame: glTF rigs carry their rest pose in their nodes; leave it unset")
        rig = read_gltf_rig(path)
        if joint_map in (None, "auto") and rig.humanoid_map:
            joint_map = rig.humanoid_map
        retargeter = Retargeter(rig.skeleton, _resolve_map(path, rig.skeleton.names, joint_map), rig.rest_rotations)
        return TargetRig(path, retargeter, 1.0, rig)

    from .bvh import read_bvh
    bvh = read_bvh(path)
    rest = None
    if rest_frame is not None:
        if not 0 <= rest_frame < bvh.num_frames:
            raise RetargetError(f"rest_frame: {rest_frame} is outside the file's frames 0..{bvh.num_frames - 1}")
        rest = bvh.local_rotations[rest_frame]
    names = bvh.skeleton.names
    mapping = _resolve_map(path, names, joint_map)
    # Work in metres: leg length tells the file's units (BVH from DCC tools is often in cm).
    probe = Retargeter(bvh.skeleton, mapping, rest)
    to_metres = 0.01 if probe.scale > 20 else 1.0
    skeleton = Skeleton(list(names), list(bvh.skeleton.parents), bvh.skeleton.offsets * to_metres,
                        {k: v * to_metres for k, v in bvh.skeleton.end_sites.items()})
    return TargetRig(path, Retargeter(skeleton, mapping, rest), 1.0 / to_metres)


def _resolve_map(path, names: list[str], joint_map) -> dict[str, str]:
    import json
    from pathlib import Path

    from .joint_maps import MAPS, guess_map, resolve_names

    if joint_map is None or joint_map == "auto":
        name, mapping = guess_map(names)
        if len(mapping) < len(REQUIRED):
            raise RetargetError(f"{path}: no built-in joint map fits this skeleton (best: {name}, {len(mapping)} "
                                f"joints); pass --map with a JSON file {{canonical name: joint name}}. "
                                f"Joints in the file: {', '.join(names)}")
        return mapping
    if isinstance(joint_map, dict):
        return dict(joint_map)
    if joint_map in MAPS:
        mapping = resolve_names(names, MAPS[joint_map])
        absent = [f"{c} -> {MAPS[joint_map][c]}" for c in REQUIRED if c not in mapping]
        if absent:
            best, _ = guess_map(names)
            raise RetargetError(f"{path}: the {joint_map} map names joints this file does not have: "
                                f"{', '.join(absent)} (the built-in map that fits best is '{best}'; "
                                "or pass a JSON map)")
        return mapping
    if Path(joint_map).suffix == ".json":
        try:
            mapping = json.loads(Path(joint_map).read_text())
        except (OSError, json.JSONDecodeError) as e:
            raise RetargetError(f"map file {joint_map}: {e}") from None
        if not isinstance(mapping, dict) or not all(isinstance(v, str) for v in mapping.values()):
            raise RetargetError(f"map file {joint_map}: must be a JSON object {{canonical joint: target joint}}")
        return mapping
    raise RetargetError(f"map: {joint_map!r} is not a built-in map ({', '.join(MAPS)}, auto) or a .json file")
