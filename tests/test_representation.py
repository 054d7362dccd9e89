import numpy as np
import pytest

from deepmotion.engine.data.mirror import mirror_motion, mirror_text
from deepmotion.engine.representation import dmv1, humanml3d
from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import quat_mul, quat_rotate, yaw_to_quat
from deepmotion_client.motion.skeleton import CANONICAL_NAMES
from motion_fixtures import walking_motion


def test_dmv1_has_269_floats_in_the_design_layout():
    f = dmv1.encode(walking_motion(40))
    assert f.shape == (40, 269) and f.dtype == np.float32
    assert sum(s.stop - s.start for s in dmv1.SLICES.values()) == 269


def test_a_batch_of_motions_encodes_as_each_alone():
    motions = [walking_motion(32), walking_motion(32, turn=2.0), walking_motion(32, turn=-1.0)]
    many = dmv1.encode_many(motions)
    assert many.shape == (3, 32, 269)
    for m, f in zip(motions, many):
        np.testing.assert_array_equal(f, dmv1.encode(m))
    assert not np.allclose(many[1], many[2])


def test_frames_to_dmv1_to_frames_reproduces_joint_positions_within_1mm():
    motion = walking_motion(200, turn=2.5)
    back = dmv1.decode(dmv1.encode(motion))
    err = np.abs(back.joint_positions() - motion.joint_positions()).max()
    assert err < 1e-3, f"max joint error {err * 1000:.3f} mm"


def test_position_block_agrees_with_rotations():
    motion = walking_motion(100)
    np.testing.assert_allclose(dmv1.ric_positions(dmv1.encode(motion)), motion.joint_positions(), atol=1e-3)


def test_features_do_not_depend_on_where_the_clip_starts():
    motion = walking_motion(60)
    turn = yaw_to_quat(np.array(1.1))
    moved = Motion(motion.skeleton, quat_rotate(turn, motion.root_positions) + [3.0, 0, -2.0],
                   motion.local_rotations.copy(), motion.fps)
    moved.local_rotations[:, 0] = quat_mul(turn, motion.local_rotations[:, 0])
    np.testing.assert_allclose(dmv1.encode(moved), dmv1.encode(motion), atol=1e-4)


def test_yaw_velocity_sign_follows_a_left_turn():
    f = dmv1.encode(walking_motion(60, turn=1.0))
    assert f[:, 0].sum() == pytest.approx(1.0 * 59 / 59, abs=0.05)
    assert dmv1.encode(walking_motion(60, turn=-1.0))[:, 0].sum() < -0.9


def test_foot_contacts_mark_a_planted_foot_only():
    motion = walking_motion(40, turn=0.0)
    motion.root_positions[:] = motion.root_positions[0]
    motion.local_rotations[:] = [0, 0, 0, 1]  # T-pose standing on the floor, not moving
    motion.root_positions[:, 1] = motion.skeleton.offsets[0, 1]
    contacts = dmv1.encode(motion)[:, dmv1.SLICES["contacts"]]
    assert contacts.min() == 1.0
    jumping = Motion(motion.skeleton, motion.root_positions + [0, 0.5, 0], motion.local_rotations, motion.fps)
    assert dmv1.encode(jumping)[:, dmv1.SLICES["contacts"]].max() == 0.0


def test_bad_shapes_are_named():
    with pytest.raises(ValueError, match=r"\[T, 269\]"):
        dmv1.decode(np.zeros((5, 263)))
    with pytest.raises(ValueError, match="at least 2 frames"):
        dmv1.encode(walking_motion(2).__class__(walking_motion(2).skeleton, np.zeros((1, 3)),
                                                walking_motion(2).local_rotations[:1], 20))


def test_mirror_reflects_positions_and_swaps_sides():
    motion = walking_motion(30, turn=0.8)
    pos = motion.joint_positions()
    mpos = mirror_motion(motion).joint_positions()
    swap = [CANONICAL_NAMES.index(n.replace("Left", "#").replace("Right", "Left").replace("#", "Right"))
            for n in CANONICAL_NAMES]
    np.testing.assert_allclose(mpos, pos[:, swap] * [-1, 1, 1], atol=1e-9)
    assert dmv1.encode(mirror_motion(motion))[:, 0].sum() == pytest.approx(-dmv1.encode(motion)[:, 0].sum(), abs=1e-4)


def test_mirror_text_swaps_left_and_right_words_only():
    assert mirror_text("Left hand up, then the right hand; bright lights") == \
        "Right hand up, then the left hand; bright lights"


def test_recover_from_ric_matches_the_humanml3d_reference(hml_reference):
    feats = np.load(hml_reference / "new_joint_vecs_012314.npy")
    joints = np.load(hml_reference / "new_joints_012314.npy")
    ours = humanml3d.recover_from_ric(feats)
    n = min(len(ours), len(joints))
    err = np.abs(ours[:n] - joints[:n]).max()
    assert err < 1e-3, f"max error {err * 1000:.3f} mm"


def test_recover_from_ric_rejects_other_layouts():
    with pytest.raises(ValueError, match="must have 263 values per frame, got 269"):
        humanml3d.recover_from_ric(np.zeros((4, 269)))
