"""dm-v1 features -> joint positions in torch, differentiable, for losses and metrics.

The same maths as representation/dmv1.decode + Skeleton.forward_kinematics (numpy), batched:
heading integrated from yaw velocity, root path from heading-frame velocities, rotations from
the 6D block, positions by forward kinematics of the canonical skeleton (so bone lengths are
exact whatever the network predicts).
"""
from __future__ import annotations

import torch
from deepmotion_client.motion.skeleton import CANONICAL_PARENTS, canonical_skeleton

from ..representation.dmv1 import SLICES

_OFFSETS = torch.tensor(canonical_skeleton().offsets, dtype=torch.float32)


def sixd_to_matrix(d: torch.Tensor) -> torch.Tensor:
    a, b = d[..., :3], d[..., 3:6]
    c0 = torch.nn.functional.normalize(a, dim=-1)
    b = b - (c0 * b).sum(-1, keepdim=True) * c0
    c1 = torch.nn.functional.normalize(b, dim=-1)
    c2 = torch.cross(c0, c1, dim=-1)
    return torch.stack([c0, c1, c2], dim=-1)


def yaw_matrix(yaw: torch.Tensor) -> torch.Tensor:
    c, s = torch.cos(yaw), torch.sin(yaw)
    z, o = torch.zeros_like(yaw), torch.ones_like(yaw)
    return torch.stack([torch.stack([c, z, s], -1), torch.stack([z, o, z], -1), torch.stack([-s, z, c], -1)], -2)


def root_path(feats: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    """Heading yaw [B, T] and root position [B, T, 3] from raw (denormalised) features."""
    vel = feats[..., 0]
    yaw = torch.cumsum(torch.cat([torch.zeros_like(vel[..., :1]), vel[..., :-1]], -1), -1)
    vx, vz = feats[..., 1], feats[..., 2]
    c, s = torch.cos(yaw), torch.sin(yaw)
    step_x, step_z = c * vx + s * vz, -s * vx + c * vz
    step = torch.stack([step_x, torch.zeros_like(step_x), step_z], -1)
    root = torch.cumsum(torch.cat([torch.zeros_like(step[..., :1, :]), step[..., :-1, :]], -2), -2)
    root = torch.cat([root[..., :1], feats[..., 3:4], root[..., 2:3]], -1)
    return yaw, root


def joint_positions(feats: torch.Tensor) -> torch.Tensor:
    """[B, T, 269] raw features -> [B, T, 22, 3] world joint positions (FK of the rotations)."""
    yaw, root = root_path(feats)
    rot6d = feats[..., SLICES["rot6d"]].reshape(*feats.shape[:-1], 22, 6)
    local = sixd_to_matrix(rot6d)
    offsets = _OFFSETS.to(feats.device, feats.dtype)
    world_rot = [yaw_matrix(yaw) @ local[..., 0, :, :]]
    pos = [root]
    for j in range(1, 22):
        p = CANONICAL_PARENTS[j]
        world_rot.append(world_rot[p] @ local[..., j, :, :])
        pos.append(pos[p] + (world_rot[p] @ offsets[j]))
    return torch.stack(pos, -2)
