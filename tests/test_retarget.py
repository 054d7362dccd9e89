"""Retargeting onto other rigs (deepmotion_client.motion.retarget) and the vectors shared with C#."""
import numpy as np
import pytest
from motion_fixtures import walking_motion
from rigs import apose_rotated_rig, tpose_mixamo_rig, unreal_rig
from unity_vectors import VECTORS, compute, read_vectors, to_unity_quat, to_unity_vec

from deepmotion_client.motion.joint_maps import CANONICAL, MIXAMO, UNREAL, VRM, resolve_names
from deepmotion_client.motion.retarget import AIM, Retargeter, RetargetError
from deepmotion_client.motion.skeleton import CANONICAL_NAMES, Skeleton, canonical_skeleton

RIGS = {
    "tpose-mixamo-cm-fingers": (tpose_mixamo_rig, MIXAMO),
    "apose-vrm-rotated-axes": (apose_rotated_rig, VRM),
    "unreal-zup-extra-spine-twist": (unreal_rig, UNREAL),
}


def _retarget(rig_name, motion):
    build, joint_map = RIGS[rig_name]
    skeleton, rest = build()
    r = Retargeter(skeleton, resolve_names(skeleton.names, joint_map), rest)
    return r, r.apply_motion(motion)


def test_onto_the_canonical_skeleton_itself_is_the_identity():
    m = walking_motion()
    out = Retargeter(canonical_skeleton(), CANONICAL).apply_motion(m)
    assert np.abs(out.root_positions - m.root_positions).max() < 1e-9
    dots = np.abs(np.sum(out.local_rotations * m.local_rotations, axis=-1))
    assert np.abs(dots - 1).max() < 1e-9


@pytest.mark.parametrize("rig_name", RIGS)
def test_mapped_bones_point_where_the_source_bones_point(rig_name):
    m = walking_motion(turn=1.2)
    r, out = _retarget(rig_name, m)
    sk = out.skeleton
    tp, sp = out.joint_positions(), m.joint_positions()
    assert np.isfinite(out.local_rotations).all() and np.isfinite(out.root_positions).all()
    worst = 0.0
    for c, name in r.map.items():
        aim = next((a for a in AIM[c] if a in r.map), None)
        if aim is None:
            continue
        dt = tp[:, sk.index(r.map[aim])] - tp[:, sk.index(name)]
        ds = (sp[:, CANONICAL_NAMES.index(aim)] - sp[:, CANONICAL_NAMES.index(c)]) @ r.rig_rotation.T
        cos = np.sum(dt * ds, -1) / np.linalg.norm(dt, axis=-1) / np.linalg.norm(ds, axis=-1)
        worst = max(worst, np.degrees(np.arccos(np.clip(cos, -1, 1))).max())
    assert worst < 2.0, f"{rig_name}: worst bone direction error {worst:.3f} deg"


@pytest.mark.parametrize("rig_name", RIGS)
def test_hips_path_is_scaled_by_leg_length(rig_name):
    m = walking_motion(turn=1.2)
    r, out = _retarget(rig_name, m)
    sk = out.skeleton
    hips = out.joint_positions()[:, sk.index(r.map["Hips"])]
    expected = (m.root_positions - m.root_positions[0]) @ r.rig_rotation.T * r.scale
    assert np.abs((hips - hips[0]) - expected).max() < 1e-6 * max(1.0, r.scale)
    pos = sk.rest_positions() if rig_name != "apose-vrm-rotated-axes" else sk.forward_kinematics(
        sk.offsets[0], RIGS[rig_name][0]()[1])[0]
    leg = np.linalg.norm(pos[sk.index(r.map["LeftUpperLeg"])] - pos[sk.index(r.map["LeftLowerLeg"])]) + \
        np.linalg.norm(pos[sk.index(r.map["LeftLowerLeg"])] - pos[sk.index(r.map["LeftFoot"])])
    assert r.scale == pytest.approx(leg / (0.3908 + 0.4099), rel=1e-6)


def test_zup_rig_faces_its_own_forward():
    r, out = _retarget("unreal-zup-extra-spine-twist", walking_motion(turn=0.0))
    # The walk goes +Z in the canonical world; the Unreal rig faces +Y with Z up.
    travel = out.root_positions[-1] - out.root_positions[0]
    assert travel[1] > 50 and abs(travel[2]) < 5, travel


def test_extra_target_joints_stay_at_rest():
    skeleton, rest = unreal_rig()
    r = Retargeter(skeleton, resolve_names(skeleton.names, UNREAL), rest)
    out = r.apply_motion(walking_motion())
    for name in ("spine_04", "upperarm_twist_01_l", "thigh_twist_01_r"):
        j = skeleton.index(name)
        assert np.abs(np.abs(np.sum(out.local_rotations[:, j] * rest[j], -1)) - 1).max() < 1e-9, name


def test_map_naming_absent_joints_lists_them():
    skeleton, rest = tpose_mixamo_rig()
    bad = dict(resolve_names(skeleton.names, MIXAMO), LeftHand="mixamorig:LeftPaw", Head="Skull")
    with pytest.raises(RetargetError, match=r"Head -> Skull.*LeftHand -> mixamorig:LeftPaw"):
        Retargeter(skeleton, bad, rest)


def test_target_missing_mapped_joints_lists_them():
    skeleton, rest = tpose_mixamo_rig()
    partial = {c: n for c, n in resolve_names(skeleton.names, MIXAMO).items() if c not in ("LeftFoot", "Spine")}
    with pytest.raises(RetargetError, match="missing required humanoid joints: Spine, LeftFoot"):
        Retargeter(skeleton, partial, rest)


def test_non_humanoid_hierarchy_is_rejected():
    # A creature with five limbs hanging off its body: the "arms" do not hang below the chest.
    names, parents, offsets = ["body"], [-1], [[0.0, 1.0, 0.0]]
    for limb, direction in zip("abcde", ([0, 1, 0], [1, -1, 0], [-1, -1, 0], [1, 0, 1], [-1, 0, 1])):
        for k in range(4):
            names.append(f"{limb}{k}")
            parents.append(0 if k == 0 else len(names) - 2)
            offsets.append(np.array(direction, float) * 0.2)
    joint_map = {"Hips": "body", "Spine": "a0", "Chest": "a1", "Neck": "a2", "Head": "a3",
                 "LeftUpperLeg": "b0", "LeftLowerLeg": "b1", "LeftFoot": "b2", "LeftToes": "b3",
                 "RightUpperLeg": "c0", "RightLowerLeg": "c1", "RightFoot": "c2", "RightToes": "c3",
                 "LeftUpperArm": "d0", "LeftLowerArm": "d1", "LeftHand": "d2",
                 "RightUpperArm": "e0", "RightLowerArm": "e1", "RightHand": "e2"}
    creature = Skeleton(names, parents, np.array(offsets))
    with pytest.raises(RetargetError, match=r"not humanoid: d0 \(LeftUpperArm\) is not below a1 \(Chest\)"):
        Retargeter(creature, joint_map)


def test_rig_whose_legs_are_not_side_by_side_is_rejected():
    names = [f"j{k}" for k in range(22)]
    chain = Skeleton(names, [-1] + list(range(21)), np.tile([0.0, 0.1, 0.0], (22, 1)))
    with pytest.raises(RetargetError, match="not humanoid in its rest pose"):
        Retargeter(chain, dict(zip(CANONICAL_NAMES, names)))


def test_unknown_canonical_key_is_rejected():
    with pytest.raises(RetargetError, match="unknown: Tail"):
        Retargeter(canonical_skeleton(), dict(CANONICAL, Tail="Hips"))


def test_shared_unity_vectors_match_this_implementation():
    """tests/unity_vectors.py wrote these; the C# tests check the same file."""
    rigs = read_vectors(VECTORS)
    assert len(rigs) >= 2
    rests = {tuple(np.round(rest, 6).ravel()) for _, _, rest, _ in rigs}
    assert len(rests) == len(rigs), "each rig has its own rest pose"
    for name, sk, rest, frames in rigs:
        root = np.array([f["root"] for f in frames])
        rot = np.array([f["rot"] for f in frames])
        hips, local, world = compute(sk, rest, root, rot)
        assert np.abs(hips - np.array([f["hips"] for f in frames])).max() < 1e-6, name
        for key, ours in (("local", local), ("world", world)):
            theirs = np.array([f[key] for f in frames])
            dots = np.abs(np.sum(ours * theirs, -1))
            assert np.abs(dots - 1).max() < 1e-6, (name, key)


def test_unity_conversion_is_a_mirror():
    p = np.array([0.1, 0.2, 0.3])
    assert np.allclose(to_unity_vec(to_unity_vec(p)), p)
    q = np.array([0.1, 0.2, 0.3, 0.9])
    assert np.allclose(to_unity_quat(q), [0.1, -0.2, -0.3, 0.9])
