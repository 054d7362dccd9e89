"""Retargeting onto other rigs (deepmotion_client.motion.retarget) and the vectors shared with C#."""
import numpy as np
import pytest
from motion_fixtures import walking_motion
from rigs import apose_rotated_rig, tpose_mixamo_rig, unreal_rig, write_rig_bvh, write_skinned_gltf
from unity_vectors import VECTORS, compute, read_vectors, to_unity_quat, to_unity_vec

from deepmotion_client.motion.bvh import read_bvh, write_bvh
from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.export import save_gltf
from deepmotion_client.motion.feet import pin_feet, skating
from deepmotion_client.motion.joint_maps import CANONICAL, MIXAMO, UNREAL, VRM, resolve_names
from deepmotion_client.motion.retarget import AIM, Retargeter, RetargetError, load_target_rig
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


# -- BVH targets, exports and independent readers ---------------------------------------------

def _bvh_rig(tmp_path, rig_name):
    """The rig written as a BVH file (cm, rest pose in frame 0) and loaded back as a user would."""
    build, joint_map = RIGS[rig_name]
    skeleton, rest = build()
    if np.abs(skeleton.offsets).max() > 20:  # builders that work in cm
        skeleton = Skeleton(skeleton.names, skeleton.parents, skeleton.offsets / 100)
    path = write_rig_bvh(tmp_path / f"{rig_name}.bvh", skeleton, rest, 100.0)
    name = {MIXAMO is joint_map: "mixamo", VRM is joint_map: "vrm", UNREAL is joint_map: "unreal"}[True]
    return path, name


@pytest.mark.parametrize("rig_name", RIGS)
def test_bvh_target_rig_round_trip(tmp_path, rig_name):
    path, map_name = _bvh_rig(tmp_path, rig_name)
    target = load_target_rig(path, map_name, rest_frame=0)
    r, file_units = target.retargeter, target.units
    assert file_units == 100.0, "files in cm are detected; the retargeter works in metres"
    m = walking_motion(turn=1.2)
    out = r.apply_motion(m)
    assert np.isfinite(out.local_rotations).all()
    # Ankles at rest height: the target's ankles sit where the source's ankles (scaled) sit.
    rest_out = r.apply_motion(Motion(m.skeleton, m.skeleton.offsets[:1], np.tile([0, 0, 0, 1.0], (1, 22, 1)), 20))
    pos = rest_out.joint_positions()[0]
    up = r.rig_rotation[:, 1]
    ankles = [pos[rest_out.skeleton.index(r.map[n])] @ up for n in ("LeftFoot", "RightFoot")]
    assert np.allclose(ankles, 0.075 * r.scale, atol=1e-6)


def test_auto_map_and_bad_map_names(tmp_path):
    path, _ = _bvh_rig(tmp_path, "tpose-mixamo-cm-fingers")
    r = load_target_rig(path).retargeter  # auto picks mixamo
    assert r.map["Chest"] == "mixamorig:Spine1"
    with pytest.raises(RetargetError, match="not a built-in map"):
        load_target_rig(path, "blender")
    bad = tmp_path / "map.json"
    bad.write_text('{"Hips": "mixamorig:Hips", "Head": "Skull"}')
    with pytest.raises(RetargetError, match="Head -> Skull"):
        load_target_rig(path, str(bad))
    with pytest.raises(RetargetError, match="rest_frame: 5 is outside"):
        load_target_rig(path, "mixamo", rest_frame=5)


def test_target_bvh_missing_mapped_joints_is_one_clear_error(tmp_path):
    path, _ = _bvh_rig(tmp_path, "tpose-mixamo-cm-fingers")
    text = path.read_text().replace("mixamorig:LeftHand", "mixamorig:LeftPaw")
    (tmp_path / "paw.bvh").write_text(text)
    with pytest.raises(RetargetError, match="names joints this file does not have: LeftHand -> mixamorig:LeftHand"):
        load_target_rig(tmp_path / "paw.bvh", "mixamo")
    with pytest.raises(RetargetError, match="missing required humanoid joints: LeftHand"):
        # The same file with a map given as a dict (as from a JSON file): the retargeter names it too.
        load_target_rig(tmp_path / "paw.bvh", resolve_names(read_bvh(tmp_path / "paw.bvh").skeleton.names, MIXAMO))


def test_retargeted_bvh_imports_in_blender_with_our_joint_positions(tmp_path):
    """Debian's Blender 3.4 importer reads the retargeted clip (A-pose rig, rotated local axes)."""
    import json
    import shutil
    import subprocess

    from conftest import ROOT
    blender = shutil.which("blender")
    if blender is None:
        pytest.skip("Blender is not installed (apt-get install blender to run this check)")
    path, map_name = _bvh_rig(tmp_path, "apose-vrm-rotated-axes")
    target = load_target_rig(path, map_name, rest_frame=0)
    r, units = target.retargeter, target.units
    out = r.apply_motion(walking_motion(30, turn=1.2))
    bvh = tmp_path / "retargeted.bvh"
    write_bvh(bvh, out, scale=units)
    seen_path = tmp_path / "blender.json"
    proc = subprocess.run([blender, "-b", "--factory-startup", "--python-exit-code", "1", "--python",
                           str(ROOT / "tests" / "blender_probe.py"), "--", str(bvh), str(seen_path), "0", "15", "29"],
                          capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    seen = json.loads(seen_path.read_text())
    ours = out.joint_positions() * units
    for f, joints in seen.items():
        assert len(joints) == len(out.skeleton)
        for name, (x, y, z) in joints.items():
            np.testing.assert_allclose([x, z, -y], ours[int(f), out.skeleton.index(name)], atol=0.05)  # 0.5 mm


def test_retargeted_gltf_loads_back_valid(tmp_path):
    pygltflib = pytest.importorskip("pygltflib")
    skeleton, rest = unreal_rig()
    r = Retargeter(Skeleton(skeleton.names, skeleton.parents, skeleton.offsets / 100), resolve_names(skeleton.names, UNREAL), rest)
    out = r.apply_motion(walking_motion())
    path = tmp_path / "unreal.glb"
    save_gltf(path, out)
    g = pygltflib.GLTF2().load(str(path))
    assert [n.name for n in g.nodes] == skeleton.names
    blob = g.binary_blob()

    def read(accessor_index, width):
        acc = g.accessors[accessor_index]
        view = g.bufferViews[acc.bufferView]
        return np.frombuffer(blob[view.byteOffset:view.byteOffset + view.byteLength], np.float32).reshape(-1, width)

    anim = g.animations[0]
    times = read(anim.samplers[0].input, 1).ravel()
    assert np.all(np.diff(times) > 0)
    for ch in anim.channels:
        if ch.target.path == "rotation":
            q = read(anim.samplers[ch.sampler].output, 4)
            assert np.allclose(np.linalg.norm(q, axis=1), 1, atol=1e-5)
    assert len([c for c in anim.channels if c.target.path == "rotation"]) == len(skeleton)


# -- foot contact cleanup ----------------------------------------------------------------------

def test_pinning_removes_the_slide_of_a_planted_foot():
    m = walking_motion(40, turn=0.0)
    # Fake a sliding stance: the left foot claims contact for frames 10..14 while the body walks on.
    contacts = np.zeros((40, 4))
    contacts[10:15, 0] = 1
    cleaned = pin_feet(m, contacts)
    ankle = cleaned.joint_positions()[:, CANONICAL_NAMES.index("LeftFoot")]
    before = m.joint_positions()[:, CANONICAL_NAMES.index("LeftFoot")]
    drift_before = np.linalg.norm(before[14, [0, 2]] - before[10, [0, 2]])
    drift_after = np.linalg.norm(ankle[10:15, [0, 2]] - ankle[10, [0, 2]], axis=-1).max()
    assert drift_before > 0.04 and drift_after < 0.001, (drift_before, drift_after)
    # Hips, right leg and upper body are untouched; bone lengths stay exact.
    assert np.allclose(cleaned.root_positions, m.root_positions)
    for j in ("RightUpperLeg", "RightLowerLeg", "Spine", "LeftUpperArm"):
        k = CANONICAL_NAMES.index(j)
        assert np.allclose(cleaned.local_rotations[:, k], m.local_rotations[:, k])
    # The foot keeps its world orientation during the pin.
    _, w0 = m.skeleton.forward_kinematics(m.root_positions, m.local_rotations)
    _, w1 = m.skeleton.forward_kinematics(cleaned.root_positions, cleaned.local_rotations)
    k = CANONICAL_NAMES.index("LeftFoot")
    assert np.allclose(np.abs(np.sum(w0[:, k] * w1[:, k], -1)), 1, atol=1e-9)


def test_no_contacts_changes_nothing_and_bad_shape_is_named():
    m = walking_motion()
    same = pin_feet(m, np.zeros((m.num_frames, 4)))
    assert np.allclose(same.local_rotations, m.local_rotations)
    with pytest.raises(ValueError, match=r"contacts must be \[60, 4\]"):
        pin_feet(m, np.zeros((m.num_frames, 2)))


def test_skating_ratio_counts_skidding_grounded_frames():
    m = walking_motion(40, turn=0.0)
    # Every joint slides 10 cm per frame along x with feet on the floor: all frames skid.
    root = m.root_positions.copy()
    root[:, 0] = np.arange(40) * 0.1
    root[:, 2] = 0
    still = np.tile([0, 0, 0, 1.0], (40, 22, 1))
    sliding = Motion(m.skeleton, root, still, 20.0)
    assert skating(sliding)["skating_ratio"] == 1.0
    assert skating(sliding)["grounded_speed_m_s"] == pytest.approx(2.0)
    standing = Motion(m.skeleton, np.tile(m.skeleton.offsets[0], (40, 1)), still, 20.0)
    assert skating(standing) == {"skating_ratio": 0.0, "grounded_speed_m_s": 0.0}


def test_a_canonical_clip_read_back_from_bvh_retargets_like_the_original(tmp_path):
    """BVH files list joints depth-first; apply_motion matches them by name, not by position."""
    m = walking_motion()
    write_bvh(tmp_path / "walk.bvh", m, scale=100)
    back = read_bvh(tmp_path / "walk.bvh", scale=0.01).to_motion()
    assert back.skeleton.names != m.skeleton.names
    skeleton, rest = apose_rotated_rig()
    r = Retargeter(skeleton, resolve_names(skeleton.names, VRM), rest)
    np.testing.assert_allclose(r.apply_motion(back).joint_positions(), r.apply_motion(m).joint_positions(), atol=1e-5)
    with pytest.raises(RetargetError, match="lacks"):
        r.apply_motion(Motion(skeleton, np.zeros((2, 3)), np.tile(rest, (2, 1, 1)), 20))


# -- glTF characters ---------------------------------------------------------------------------

def _gltf_world_positions(path, frame):
    """Joint world positions of a glTF file at one animation frame, computed from the file's own
    node transforms and animation data (an independent read of what we wrote)."""
    import pygltflib
    from deepmotion_client.motion.gltf_rig import _local_matrix
    g = pygltflib.GLTF2().load(str(path))
    blob = g.binary_blob()

    def read(i, width):
        acc = g.accessors[i]
        view = g.bufferViews[acc.bufferView]
        return np.frombuffer(blob[view.byteOffset:view.byteOffset + acc.count * width * 4], np.float32).reshape(-1, width)
    anim = g.animations[-1]
    for ch in anim.channels:
        values = read(g.animations[-1].samplers[ch.sampler].output, 4 if ch.target.path == "rotation" else 3)
        setattr(g.nodes[ch.target.node], ch.target.path, values[frame].tolist())
    parent = {c: i for i, n in enumerate(g.nodes) for c in (n.children or [])}

    def world(i):
        m = _local_matrix(g.nodes[i])
        return m if i not in parent else world(parent[i]) @ m
    return {g.nodes[j].name: world(j)[:3, 3] for j in g.skins[0].joints}, g


def test_gltf_character_gets_the_animation_with_its_mesh_and_skin(tmp_path):
    pytest.importorskip("pygltflib")
    from deepmotion_client.motion.rotations import quat_normalize
    skeleton, rest = apose_rotated_rig()
    tilt = quat_normalize(np.array([0.0, 0.3826834, 0.0, 0.9238795]))  # armature turned 45 deg about +Y
    src = write_skinned_gltf(tmp_path / "avatar.vrm", skeleton, rest, tilt)
    target = load_target_rig(src)  # auto: the file's VRM humanoid table
    r, units = target.retargeter, target.units
    assert units == 1.0 and r.map["LeftUpperArm"] == "leftUpperArm"
    assert target.gltf.humanoid_map == r.map
    m = walking_motion(30, turn=0.8)
    out = r.apply_motion(m)
    dst = tmp_path / "avatar-walk.glb"
    target.save(dst, out)
    ours = out.joint_positions()
    for frame in (0, 17, 29):
        seen, g = _gltf_world_positions(dst, frame)
        for name, pos in seen.items():
            np.testing.assert_allclose(pos, ours[frame, out.skeleton.index(name)], atol=1e-4)
    assert len(g.meshes) == 1 and len(g.skins) == 1 and g.skins[0].inverseBindMatrices is not None
    assert g.extensions["VRM"]["humanoid"]["humanBones"]
    anim = g.animations[-1]
    assert len(anim.channels) == len(skeleton) + 1


@pytest.mark.filterwarnings("ignore:pygltflib does not support:UserWarning")
def test_gltf_without_a_skin_is_rejected(tmp_path):
    pygltflib = pytest.importorskip("pygltflib")
    empty = pygltflib.GLTF2(asset=pygltflib.Asset(version="2.0"), nodes=[pygltflib.Node(name="a")])
    empty.save_json(str(tmp_path / "plain.gltf"))
    with pytest.raises(ValueError, match="no skin"):
        load_target_rig(tmp_path / "plain.gltf")
    (tmp_path / "broken.glb").write_bytes(b"glTF garbage")
    with pytest.raises(ValueError, match="not a readable glTF"):
        load_target_rig(tmp_path / "broken.glb")


@pytest.mark.parametrize("rig", ["mixamo", "apose"])
def test_rig_motion_goes_back_to_the_canonical_skeleton(tmp_path, rig):
    """The inverse retargeter: canonical -> rig -> canonical keeps the pose (the way a pose on
    screen, or a take on any rig, becomes the history a continuation starts from)."""
    from deepmotion_client.motion.retarget import TargetRig
    skeleton, rest = tpose_mixamo_rig() if rig == "mixamo" else apose_rotated_rig()
    target = TargetRig(None, Retargeter(skeleton, resolve_names(skeleton.names, MIXAMO if rig == "mixamo" else VRM),
                                        rest))
    m = walking_motion(40, turn=0.7, seed=4)
    back = target.to_canonical(target.apply(m))
    err = np.linalg.norm(back.joint_positions() - m.joint_positions(), axis=-1)
    assert err.max() < 0.03, f"largest joint error {err.max() * 100:.1f} cm"
    np.testing.assert_allclose(back.root_positions[:, [0, 2]], m.root_positions[:, [0, 2]], atol=0.02)
