import numpy as np

from deepmotion_client.motion.rotations import quat_identity
from deepmotion.engine.data.mirror import MIRROR_INDEX
from deepmotion_client.motion.skeleton import CANONICAL_NAMES, Skeleton, canonical_skeleton

DESIGN_ORDER = ("Hips LeftUpperLeg RightUpperLeg Spine LeftLowerLeg RightLowerLeg Chest LeftFoot RightFoot "
                "UpperChest LeftToes RightToes Neck LeftShoulder RightShoulder Head LeftUpperArm RightUpperArm "
                "LeftLowerArm RightLowerArm LeftHand RightHand").split()
SMPL_PARENTS = [-1, 0, 0, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 9, 9, 12, 13, 14, 16, 17, 18, 19]


def test_canonical_skeleton_follows_design():
    sk = canonical_skeleton()
    assert sk.names == DESIGN_ORDER
    assert sk.parents == SMPL_PARENTS


def test_rest_pose_is_a_y_up_t_pose_facing_z():
    sk = canonical_skeleton()
    rest = sk.rest_positions()
    j = CANONICAL_NAMES.index
    assert rest[j("Head"), 1] > 1.3 and rest[j("Head"), 1] < 1.5  # a person, in metres
    assert rest[j("LeftHand"), 0] > 0.5 and rest[j("RightHand"), 0] < -0.5  # arms out, left = +X
    assert abs(rest[j("LeftHand"), 1] - rest[j("LeftShoulder"), 1]) < 0.01
    assert rest[j("LeftToes"), 2] > rest[j("LeftFoot"), 2]  # toes point +Z
    assert 0 <= rest[j("LeftToes"), 1] < 0.05  # feet on the floor


def test_skeleton_is_left_right_symmetric():
    sk = canonical_skeleton()
    mirrored = sk.offsets[MIRROR_INDEX] * np.array([-1, 1, 1])
    np.testing.assert_allclose(mirrored, sk.offsets, atol=1e-12)
    assert [MIRROR_INDEX[i] for i in MIRROR_INDEX] == list(range(22))


def test_fk_of_identity_is_the_rest_pose():
    sk = canonical_skeleton()
    pos, rot = sk.forward_kinematics(sk.offsets[0][None], quat_identity((1, 22)))
    np.testing.assert_allclose(pos[0], sk.rest_positions(), atol=1e-12)


def test_bad_hierarchy_is_rejected():
    import pytest
    with pytest.raises(ValueError, match="parents must precede"):
        Skeleton(["a", "b"], [-1, 1], np.zeros((2, 3)))
    with pytest.raises(ValueError, match="same count"):
        Skeleton(["a", "b"], [-1], np.zeros((2, 3)))
