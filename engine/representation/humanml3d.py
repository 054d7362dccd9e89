"""The HumanML3D 263-float layout, for importing data in that format.

Only joint recovery is needed (`recover_from_ric`): its 6D block cannot be exported to BVH
faithfully (no root tilt, not BVH-compatible), which is why dm-v1 exists. The formulas follow
the reference implementation (quaternions w, x, y, z there), ported to numpy, so a HumanML3D
folder imports to the same joints its authors computed.
"""
from __future__ import annotations

import numpy as np

DIM = 263
NUM_JOINTS = 22
FPS = 20.0


def _qrot_wxyz(q, v):
    w, u = q[..., :1], q[..., 1:]
    t = 2.0 * np.cross(u, v)
    return v + w * t + np.cross(u, t)


def _qinv_wxyz(q):
    return q * np.array([1.0, -1.0, -1.0, -1.0])


def recover_root_rot_pos(data: np.ndarray):
    data = np.asarray(data, dtype=np.float64)
    rot_vel = data[..., 0]
    ang = np.zeros_like(rot_vel)
    ang[..., 1:] = rot_vel[..., :-1]
    ang = np.cumsum(ang, axis=-1)
    quat = np.zeros(data.shape[:-1] + (4,))
    quat[..., 0] = np.cos(ang)
    quat[..., 2] = np.sin(ang)
    pos = np.zeros(data.shape[:-1] + (3,))
    pos[..., 1:, [0, 2]] = data[..., :-1, 1:3]
    pos = _qrot_wxyz(_qinv_wxyz(quat), pos)
    pos = np.cumsum(pos, axis=-2)
    pos[..., 1] = data[..., 3]
    return quat, pos


def recover_from_ric(data: np.ndarray, joints_num: int = NUM_JOINTS) -> np.ndarray:
    """[..., T, 263] features -> [..., T, joints_num, 3] joint positions (metres, Y up)."""
    data = np.asarray(data, dtype=np.float64)
    expected = 4 + (joints_num - 1) * 9 + joints_num * 3 + 4
    if data.shape[-1] != expected:
        raise ValueError(f"HumanML3D features for {joints_num} joints must have {expected} values "
                         f"per frame, got {data.shape[-1]}")
    quat, root = recover_root_rot_pos(data)
    pos = data[..., 4:(joints_num - 1) * 3 + 4].reshape(data.shape[:-1] + (joints_num - 1, 3))
    pos = _qrot_wxyz(np.broadcast_to(_qinv_wxyz(quat)[..., None, :], pos.shape[:-1] + (4,)), pos)
    pos[..., 0] += root[..., None, 0]
    pos[..., 2] += root[..., None, 2]
    return np.concatenate([root[..., None, :], pos], axis=-2)
