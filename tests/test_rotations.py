import numpy as np
import pytest
from hypothesis import given, settings, strategies as st

from deepmotion_client.motion import rotations as R
from deepmotion.engine.representation.sixd import matrix_to_6d, sixd_to_matrix

ORDERS = ["XYZ", "XZY", "YXZ", "YZX", "ZXY", "ZYX"]


def random_quats(n, seed=0):
    q = np.random.default_rng(seed).normal(size=(n, 4))
    return R.quat_normalize(q)


@pytest.mark.parametrize("order", ORDERS)
def test_euler_round_trip_every_order(order):
    rng = np.random.default_rng(1)
    a = rng.uniform(-179, 179, (2000, 3))
    a[:, 1] = rng.uniform(-89, 89, 2000)
    back = R.matrix_to_euler(R.euler_to_matrix(a, order), order)
    np.testing.assert_allclose(back, a, atol=1e-9)


@pytest.mark.parametrize("order", ORDERS)
def test_euler_matches_axis_product(order):
    a = np.array([10.0, -20.0, 30.0])
    m = np.eye(3)
    for axis, ang in zip(order, a):
        m = m @ R.axis_angle_to_matrix(R.AXES[axis], np.deg2rad(ang))
    np.testing.assert_allclose(R.euler_to_matrix(a, order), m, atol=1e-12)


@pytest.mark.parametrize("order", ORDERS)
def test_gimbal_lock_still_gives_the_same_rotation(order):
    a = np.array([[30.0, 90.0, 40.0], [-50.0, -90.0, 10.0]])
    m = R.euler_to_matrix(a, order)
    np.testing.assert_allclose(R.euler_to_matrix(R.matrix_to_euler(m, order), order), m, atol=1e-6)


def test_bad_order_is_named():
    with pytest.raises(ValueError, match="permutation of XYZ"):
        R.euler_to_matrix(np.zeros(3), "XXZ")


@given(st.lists(st.floats(-1, 1), min_size=4, max_size=4).filter(lambda v: np.linalg.norm(v) > 0.1))
@settings(max_examples=200, deadline=None)
def test_quat_matrix_round_trip(v):
    q = R.quat_normalize(np.array(v))
    back = R.matrix_to_quat(R.quat_to_matrix(q))
    assert min(np.abs(back - q).max(), np.abs(back + q).max()) < 1e-9  # q and -q are one rotation


def test_quat_mul_matches_matrix_product_and_rotate():
    a, b = random_quats(100, 1), random_quats(100, 2)
    np.testing.assert_allclose(R.quat_to_matrix(R.quat_mul(a, b)), R.quat_to_matrix(a) @ R.quat_to_matrix(b), atol=1e-12)
    v = np.random.default_rng(3).normal(size=(100, 3))
    np.testing.assert_allclose(R.quat_rotate(a, v), np.einsum("nij,nj->ni", R.quat_to_matrix(a), v), atol=1e-12)


def test_6d_round_trip_and_gram_schmidt():
    m = R.quat_to_matrix(random_quats(50))
    np.testing.assert_allclose(sixd_to_matrix(matrix_to_6d(m)), m, atol=1e-12)
    noisy = sixd_to_matrix(matrix_to_6d(m) + 0.05)
    np.testing.assert_allclose(noisy @ np.swapaxes(noisy, -1, -2), np.broadcast_to(np.eye(3), noisy.shape), atol=1e-12)
    np.testing.assert_allclose(np.linalg.det(noisy), 1.0, atol=1e-12)


def test_yaw_is_positive_towards_plus_x():
    fwd = R.quat_rotate(R.yaw_to_quat(np.array(np.pi / 2)), np.array([0.0, 0, 1]))
    np.testing.assert_allclose(fwd, [1, 0, 0], atol=1e-12)


def test_slerp_endpoints_and_midpoint():
    a, b = R.quat_identity(), R.yaw_to_quat(np.array(1.0))
    np.testing.assert_allclose(R.quat_slerp(a, b, 0.0), a, atol=1e-12)
    np.testing.assert_allclose(R.quat_slerp(a, b, 1.0), b, atol=1e-12)
    np.testing.assert_allclose(R.quat_slerp(a, b, 0.5), R.yaw_to_quat(np.array(0.5)), atol=1e-12)
    np.testing.assert_allclose(R.quat_slerp(a, -b, 0.5), R.yaw_to_quat(np.array(0.5)), atol=1e-12)


def test_rotation_between_including_opposite():
    rng = np.random.default_rng(4)
    a = rng.normal(size=(30, 3))
    b = rng.normal(size=(30, 3))
    b[0] = -a[0]
    m = R.rotation_between(a, b)
    np.testing.assert_allclose(np.einsum("nij,nj->ni", m, a / np.linalg.norm(a, axis=1, keepdims=True)),
                               b / np.linalg.norm(b, axis=1, keepdims=True), atol=1e-9)
