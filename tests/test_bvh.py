import numpy as np
import pytest

from deepmotion_client.motion import BVHError, parse_bvh, read_bvh, write_bvh
from deepmotion_client.motion.bvh import bvh_text
from deepmotion_client.motion.rotations import quat_to_matrix
from motion_fixtures import walking_motion

SMALL = """HIERARCHY
ROOT Hips
{
\tOFFSET 0 0 0
\tCHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation
\tJOINT Chest
\t{
\t\tOFFSET 0 10 0
\t\tCHANNELS 3 Zrotation Xrotation Yrotation
\t\tEnd Site
\t\t{
\t\t\tOFFSET 0 5 0
\t\t}
\t}
}
MOTION
Frames: 2
Frame Time: 0.05
0 90 0 0 0 0 0 0 0
1 90 0 0 0 0 0 45 0
"""


def rotation_error(a, b):
    return np.abs(quat_to_matrix(a) - quat_to_matrix(b)).max()


@pytest.mark.parametrize("order", ["ZXY", "XYZ", "YZX", "ZYX"])
def test_write_read_round_trip(tmp_path, order):
    motion = walking_motion(80)
    path = tmp_path / "walk.bvh"
    write_bvh(path, motion, order=order)
    back = read_bvh(path).to_motion()
    assert sorted(back.skeleton.names) == sorted(motion.skeleton.names)  # file order is depth-first
    order_map = [back.skeleton.index(n) for n in motion.skeleton.names]
    assert np.abs(back.root_positions - motion.root_positions).max() < 1e-4
    assert rotation_error(back.local_rotations[:, order_map], motion.local_rotations) < 1e-4
    assert back.fps == pytest.approx(20.0)
    np.testing.assert_allclose(back.skeleton.offsets[order_map][1:], motion.skeleton.offsets[1:], atol=1e-6)


def test_written_file_is_read_identically_by_an_independent_reader(tmp_path):
    bvhio = pytest.importorskip("bvhio", reason="bvhio (independent BVH reader) is a test dependency")
    motion = walking_motion(30)
    path = tmp_path / "walk.bvh"
    write_bvh(path, motion, scale=100.0)  # centimetres, as most tools expect
    ours = motion.joint_positions() * 100.0
    root = bvhio.readAsHierarchy(str(path))
    for t in (0, 13, 29):
        root.loadPose(t)
        for joint, _, _ in root.layout():
            if joint.Name in motion.skeleton.names:
                np.testing.assert_allclose(np.array(joint.PositionWorld), ours[t, motion.skeleton.index(joint.Name)],
                                           atol=1e-2)  # 0.1 mm


def test_reader_takes_tabs_crlf_scientific_notation_and_end_sites():
    text = SMALL.replace("\n", "\r\n").replace("OFFSET 0 10 0", "OFFSET 0e0 1.0E+1 0")
    d = parse_bvh(text)
    assert d.skeleton.names == ["Hips", "Chest"]
    assert d.num_frames == 2 and d.fps == pytest.approx(20)
    np.testing.assert_allclose(d.skeleton.end_sites[1], [0, 5, 0])
    pos = d.world_positions()
    np.testing.assert_allclose(pos[0, 1], [0, 100, 0], atol=1e-9)  # root at y=90 + 10
    np.testing.assert_allclose(pos[1, 0], [1, 90, 0], atol=1e-9)


def test_reader_takes_any_channel_order_and_six_channel_joints():
    text = SMALL.replace("CHANNELS 3 Zrotation Xrotation Yrotation",
                         "CHANNELS 6 Xposition Yposition Zposition Yrotation Xrotation Zrotation")
    text = text.replace("0 90 0 0 0 0 0 0 0\n", "0 90 0 0 0 0 0 10 0 0 0 0\n")
    text = text.replace("1 90 0 0 0 0 0 45 0\n", "1 90 0 0 0 0 0 20 0 0 0 90\n")
    d = parse_bvh(text)
    pos = d.world_positions()
    np.testing.assert_allclose(pos[1, 1], [1, 110, 0], atol=1e-9)  # position channels replace the offset
    # Chest rotated 90 deg about Z: its End Site direction (0, 5, 0) turns to -X.
    chest_rot = quat_to_matrix(d.local_rotations[1, 1])
    np.testing.assert_allclose(chest_rot @ [0, 5, 0], [-5, 0, 0], atol=1e-9)


def test_reader_takes_a_three_channel_root():
    text = SMALL.replace("CHANNELS 6 Xposition Yposition Zposition Zrotation Xrotation Yrotation",
                         "CHANNELS 3 Zrotation Xrotation Yrotation")
    text = text.replace("0 90 0 0 0 0 0 0 0", "0 0 0 0 0 0").replace("1 90 0 0 0 0 0 45 0", "0 0 0 0 45 0")
    d = parse_bvh(text)
    assert d.num_frames == 2
    np.testing.assert_allclose(d.translations[:, 0], 0)


MALFORMED = {
    "truncated MOTION block": (SMALL.rsplit("1 90", 1)[0], r":\d+: the MOTION section is truncated: 'Frames:' declares 2 frames but the file has 1"),
    "wrong channel count": (SMALL.replace("CHANNELS 3 Zrotation Xrotation Yrotation", "CHANNELS 4 Zrotation Xrotation Yrotation"),
                            r"bvh>:10: JOINT Chest declares 4 channels but 'End' is not a channel name"),
    "frame with too few values": (SMALL.replace("1 90 0 0 0 0 0 45 0", "1 90 0 0 0 0 0 45"),
                                  r":20: frame 1 has 8 values, expected 9"),
    "non-numeric value": (SMALL.replace("1 90 0 0 0 0 0 45 0", "1 90 0 0 abc 0 0 45 0"),
                          r":20: value 5 of frame 1 is not a number: 'abc'"),
    "missing opening brace": (SMALL.replace("JOINT Chest\n\t{", "JOINT Chest"),
                              r":7: expected '\{' after JOINT Chest, found 'OFFSET'"),
    "missing closing brace": (SMALL.replace("\t}\n}\nMOTION", "\t}\nMOTION"),
                              r"unexpected end of file, expected '}' closing JOINT Hips \(opened at line 2\)"),
    "non-numeric offset": (SMALL.replace("OFFSET 0 10 0", "OFFSET 0 ten 0"),
                           r":8: OFFSET of Chest must be a number, found 'ten'"),
    "no MOTION section": (SMALL.split("MOTION")[0], r"no MOTION section"),
    "bad frame time": (SMALL.replace("Frame Time: 0.05", "Frame Time: 0"), r":18: Frame Time must be positive"),
    "extra frames": (SMALL + "1 90 0 0 0 0 0 45 0\n", r":21: more frame lines than the 2 declared"),
    "nan offset": (SMALL.replace("OFFSET 0 10 0", "OFFSET nan 10 inf"),
                   r":8: OFFSET of Chest must be a finite number, found 'nan'"),
    "infinite end site": (SMALL.replace("OFFSET 0 5 0", "OFFSET 0 -inf 0"), r"End Site OFFSET of \w+ must be a finite number"),
}


def test_a_hierarchy_nested_thousands_deep_is_read_without_recursion():
    depth = 5000
    head = "HIERARCHY\nROOT J0\n{\nOFFSET 0 0 0\nCHANNELS 3 Xposition Yposition Zposition\n"
    joints = "".join(f"JOINT J{k}\n{{\nOFFSET 0 1 0\nCHANNELS 0\n" for k in range(1, depth))
    text = head + joints + "}\n" * depth + "MOTION\nFrames: 1\nFrame Time: 0.05\n0 0 0\n"
    bvh = parse_bvh(text, source="deep.bvh")
    assert len(bvh.skeleton.names) == depth and bvh.skeleton.parents[-1] == depth - 2
    with pytest.raises(BVHError, match=r"deep.bvh:\d+: unexpected end of file, expected '}' closing JOINT J4999"):
        parse_bvh(head + joints + "MOTION\nFrames: 1\nFrame Time: 0.05\n0 0 0\n", source="deep.bvh")


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_malformed_bvh_gives_one_line_error_naming_the_problem(case):
    text, pattern = MALFORMED[case]
    with pytest.raises(BVHError, match=pattern) as info:
        parse_bvh(text)
    assert "\n" not in str(info.value)


def test_missing_file_is_a_bvh_error(tmp_path):
    with pytest.raises(BVHError, match="cannot read file"):
        read_bvh(tmp_path / "nope.bvh")


def test_writer_handles_any_skeleton():
    d = parse_bvh(SMALL)
    text = bvh_text(d.to_motion())
    back = parse_bvh(text)
    np.testing.assert_allclose(back.world_positions(), d.world_positions(), atol=1e-5)


def test_blender_imports_the_pose_we_wrote(tmp_path):
    """Blender's own BVH importer (Debian's blender package) sees the joint positions we computed."""
    import json
    import shutil
    import subprocess

    from conftest import ROOT

    blender = shutil.which("blender")
    if blender is None:
        pytest.skip("Blender is not installed (apt-get install blender to run this check)")
    motion = walking_motion(30, turn=1.2)
    path = tmp_path / "walk.bvh"
    write_bvh(path, motion, scale=100.0)
    out = tmp_path / "blender.json"
    r = subprocess.run([blender, "-b", "--factory-startup", "--python-exit-code", "1", "--python",
                        str(ROOT / "tests" / "blender_probe.py"), "--", str(path), str(out), "0", "15", "29"],
                       capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    seen = json.loads(out.read_text())
    assert len(seen) == 3 and all(len(joints) == 22 for joints in seen.values())
    ours = motion.joint_positions() * 100.0
    for f, joints in seen.items():
        for name, (x, y, z) in joints.items():
            np.testing.assert_allclose([x, z, -y], ours[int(f), motion.skeleton.index(name)], atol=0.05)  # 0.5 mm
