"""Rotation conversions in numpy, vectorised over any leading batch shape.

Quaternions are (x, y, z, w) everywhere, as on the wire. Matrices act on column vectors
(v' = R v). The 6D form is the first two columns of the matrix (Zhou et al. 2019),
concatenated as (c0, c1): continuous, which is why networks regress it.
Euler angles follow the BVH meaning: for channel order "ZXY" the matrix is Rz @ Rx @ Ry.
"""
from __future__ import annotations

import numpy as np

AXES = {"X": 0, "Y": 1, "Z": 2}


def _as_float(a) -> np.ndarray:
    a = np.asarray(a)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def quat_identity(shape=()) -> np.ndarray:
    q = np.zeros(tuple(shape) + (4,))
    q[..., 3] = 1.0
    return q


def quat_normalize(q) -> np.ndarray:
    q = _as_float(q)
    return q / np.linalg.norm(q, axis=-1, keepdims=True)


def quat_conj(q) -> np.ndarray:
    q = _as_float(q)
    return np.concatenate([-q[..., :3], q[..., 3:]], axis=-1)


def quat_mul(a, b) -> np.ndarray:
    """Hamilton product a * b (apply b first, then a). Written into one output array rather
    than stacked: forward kinematics calls it per joint depth, and on a server placing many
    short clips the stacking was a third of the time."""
    a, b = _as_float(a), _as_float(b)
    ax, ay, az, aw = a[..., 0], a[..., 1], a[..., 2], a[..., 3]
    bx, by, bz, bw = b[..., 0], b[..., 1], b[..., 2], b[..., 3]
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), dtype=np.result_type(a, b))
    out[..., 0] = aw * bx + ax * bw + ay * bz - az * by
    out[..., 1] = aw * by - ax * bz + ay * bw + az * bx
    out[..., 2] = aw * bz + ax * by - ay * bx + az * bw
    out[..., 3] = aw * bw - ax * bx - ay * by - az * bz
    return out


def cross(a, b) -> np.ndarray:
    """np.cross for [..., 3] arrays, several times faster on the small arrays of per-frame work."""
    a, b = np.asarray(a), np.asarray(b)
    a0, a1, a2 = a[..., 0], a[..., 1], a[..., 2]
    b0, b1, b2 = b[..., 0], b[..., 1], b[..., 2]
    out = np.empty(np.broadcast_shapes(a.shape, b.shape), dtype=np.result_type(a, b))
    out[..., 0] = a1 * b2 - a2 * b1
    out[..., 1] = a2 * b0 - a0 * b2
    out[..., 2] = a0 * b1 - a1 * b0
    return out


def quat_rotate(q, v) -> np.ndarray:
    q, v = _as_float(q), _as_float(v)
    u = q[..., :3]
    w = q[..., 3:]
    t = 2.0 * cross(u, v)
    return v + w * t + cross(u, t)


def quat_canonical(q) -> np.ndarray:
    """Flip quaternions to w >= 0 so equal rotations compare equal."""
    q = _as_float(q)
    return np.where(q[..., 3:] < 0, -q, q)


def quat_to_matrix(q) -> np.ndarray:
    q = quat_normalize(q)
    x, y, z, w = np.moveaxis(q, -1, 0)
    m = np.stack([
        1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w),
        2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w),
        2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y),
    ], axis=-1)
    return m.reshape(q.shape[:-1] + (3, 3))


def matrix_to_quat(m) -> np.ndarray:
    """Shepperd's method: picks the numerically largest component per rotation."""
    m = _as_float(m)
    shape = m.shape[:-2]
    m = m.reshape(-1, 3, 3)
    tr = m[:, 0, 0] + m[:, 1, 1] + m[:, 2, 2]
    cand = np.stack([tr, m[:, 0, 0], m[:, 1, 1], m[:, 2, 2]], axis=-1)
    pick = np.argmax(cand, axis=-1)
    q = np.empty((m.shape[0], 4))
    for case in range(4):
        sel = pick == case
        if not np.any(sel):
            continue
        r = m[sel]
        if case == 0:
            s = np.sqrt(1.0 + tr[sel]) * 2
            q[sel] = np.stack([(r[:, 2, 1] - r[:, 1, 2]) / s, (r[:, 0, 2] - r[:, 2, 0]) / s,
                               (r[:, 1, 0] - r[:, 0, 1]) / s, 0.25 * s], -1)
        elif case == 1:
            s = np.sqrt(1.0 + r[:, 0, 0] - r[:, 1, 1] - r[:, 2, 2]) * 2
            q[sel] = np.stack([0.25 * s, (r[:, 0, 1] + r[:, 1, 0]) / s,
                               (r[:, 0, 2] + r[:, 2, 0]) / s, (r[:, 2, 1] - r[:, 1, 2]) / s], -1)
        elif case == 2:
            s = np.sqrt(1.0 + r[:, 1, 1] - r[:, 0, 0] - r[:, 2, 2]) * 2
            q[sel] = np.stack([(r[:, 0, 1] + r[:, 1, 0]) / s, 0.25 * s,
                               (r[:, 1, 2] + r[:, 2, 1]) / s, (r[:, 0, 2] - r[:, 2, 0]) / s], -1)
        else:
            s = np.sqrt(1.0 + r[:, 2, 2] - r[:, 0, 0] - r[:, 1, 1]) * 2
            q[sel] = np.stack([(r[:, 0, 2] + r[:, 2, 0]) / s, (r[:, 1, 2] + r[:, 2, 1]) / s,
                               0.25 * s, (r[:, 1, 0] - r[:, 0, 1]) / s], -1)
    return quat_canonical(quat_normalize(q)).reshape(shape + (4,))


def axis_angle_to_matrix(axis: int, angle) -> np.ndarray:
    """Rotation by `angle` radians about coordinate axis 0 (X), 1 (Y) or 2 (Z)."""
    angle = _as_float(angle)
    c, s = np.cos(angle), np.sin(angle)
    m = np.zeros(angle.shape + (3, 3))
    i, j = [(1, 2), (2, 0), (0, 1)][axis]
    m[..., axis, axis] = 1.0
    m[..., i, i] = c
    m[..., j, j] = c
    m[..., i, j] = -s
    m[..., j, i] = s
    return m


def yaw_to_quat(yaw) -> np.ndarray:
    """Rotation about +Y by `yaw` radians (positive = turn left, towards +X)."""
    yaw = _as_float(yaw)
    z = np.zeros_like(yaw)
    return np.stack([z, np.sin(yaw / 2), z, np.cos(yaw / 2)], axis=-1)


def check_order(order: str) -> str:
    order = order.upper()
    if len(order) != 3 or sorted(order) != ["X", "Y", "Z"]:
        raise ValueError(f"rotation order must be a permutation of XYZ, got {order!r}")
    return order


def euler_to_matrix(angles, order: str, degrees: bool = True) -> np.ndarray:
    """angles[..., k] is the rotation about axis order[k]; result = R0 @ R1 @ R2."""
    order = check_order(order)
    angles = _as_float(angles)
    if degrees:
        angles = np.deg2rad(angles)
    m = axis_angle_to_matrix(AXES[order[0]], angles[..., 0])
    for k in (1, 2):
        m = m @ axis_angle_to_matrix(AXES[order[k]], angles[..., k])
    return m


def matrix_to_euler(m, order: str, degrees: bool = True) -> np.ndarray:
    """Inverse of euler_to_matrix (Tait-Bryan angles; the middle angle in [-90, 90] deg)."""
    order = check_order(order)
    m = _as_float(m)
    i, j, k = (AXES[c] for c in order)
    sign = 1.0 if (j - i) % 3 == 1 else -1.0  # cyclic orders (XYZ, YZX, ZXY) vs the others
    mid = np.arcsin(np.clip(sign * m[..., i, k], -1.0, 1.0))
    first = np.arctan2(-sign * m[..., j, k], m[..., k, k])
    last = np.arctan2(-sign * m[..., i, j], m[..., i, i])
    # Gimbal lock: first and last rotate about the same axis; put it all in `first`.
    lock = np.abs(m[..., i, k]) > 1 - 1e-9
    if np.any(lock):
        first = np.where(lock, np.arctan2(sign * m[..., k, j], m[..., j, j]), first)
        last = np.where(lock, 0.0, last)
    out = np.stack([first, mid, last], axis=-1)
    return np.rad2deg(out) if degrees else out


def euler_to_quat(angles, order: str, degrees: bool = True) -> np.ndarray:
    return matrix_to_quat(euler_to_matrix(angles, order, degrees))


def quat_to_euler(q, order: str, degrees: bool = True) -> np.ndarray:
    return matrix_to_euler(quat_to_matrix(q), order, degrees)


def quat_slerp(a, b, t) -> np.ndarray:
    """Shortest-path spherical interpolation; t broadcasts against a[..., 0]."""
    a, b = quat_normalize(a), quat_normalize(b)
    t = _as_float(t)[..., None]
    dot = np.sum(a * b, axis=-1, keepdims=True)
    b = np.where(dot < 0, -b, b)
    dot = np.abs(dot)
    theta = np.arccos(np.clip(dot, -1.0, 1.0))
    sin = np.sin(theta)
    near = sin < 1e-6
    safe = np.where(near, 1.0, sin)
    wa = np.where(near, 1.0 - t, np.sin((1.0 - t) * theta) / safe)
    wb = np.where(near, t, np.sin(t * theta) / safe)
    return quat_normalize(wa * a + wb * b)


def rotation_between(a, b) -> np.ndarray:
    """Smallest rotation (matrix) taking unit vector a to unit vector b."""
    a = _as_float(a) / np.linalg.norm(a, axis=-1, keepdims=True)
    b = _as_float(b) / np.linalg.norm(b, axis=-1, keepdims=True)
    v = np.cross(a, b)
    c = np.sum(a * b, axis=-1)
    # Opposite vectors: rotate by pi about any axis perpendicular to a.
    opposite = c < -1 + 1e-9
    if np.any(opposite):
        helper = np.where(np.abs(a[..., :1]) < 0.9, np.array([1.0, 0, 0]), np.array([0, 1.0, 0]))
        perp = np.cross(a, helper)
        perp /= np.linalg.norm(perp, axis=-1, keepdims=True)
        v = np.where(opposite[..., None], perp, v)
    k = np.zeros(v.shape[:-1] + (3, 3))
    k[..., 0, 1], k[..., 0, 2] = -v[..., 2], v[..., 1]
    k[..., 1, 0], k[..., 1, 2] = v[..., 2], -v[..., 0]
    k[..., 2, 0], k[..., 2, 1] = -v[..., 1], v[..., 0]
    scale = np.where(opposite, 0.0, 1.0 / np.maximum(1.0 + c, 1e-12))[..., None, None]
    m = np.eye(3) + k + k @ k * scale
    if np.any(opposite):
        pi_rot = 2 * v[..., :, None] * v[..., None, :] - np.eye(3)
        m = np.where(opposite[..., None, None], pi_rot, m)
    return m
