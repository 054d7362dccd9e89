"""Continuing a given motion: the history a request carries becomes a known prefix of latents
at every level, and the new frames are placed in the history's own world frame.

Why a prefix of latents rather than blending frames: the denoisers are trained to continue a
known prefix (a mask channel, random prefix lengths in training), and the tokenizer decodes
history and new latents together, so the join is one motion, not two clips glued. Only the new
frames go out; they start where the history's last frame leaves off (position, heading and the
velocity the decoder gives that frame). See docs/ARCHITECTURE.md, "Continuation".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import quat_rotate, yaw_to_quat

from .cascade import STRIDES
from .representation import dmv1
from .request import RequestError

MAX_HISTORY_S = 3.2
HISTORY_STEP = STRIDES[1]  # history is used in whole level-1 tokens (0.4 s at 20 fps)


@dataclass(frozen=True)
class Placement:
    """Where new frames start in the world: the heading (radians, left turn positive) and the
    root's x, z at the first new frame. The default is the origin facing +Z."""
    heading: float = 0.0
    origin_x: float = 0.0
    origin_z: float = 0.0


@dataclass
class EncodedHistory:
    frames: int                       # history frames the latents cover (a multiple of HISTORY_STEP)
    indices: list[torch.Tensor]       # token indices per level, [frames / stride_k]
    last_root: np.ndarray             # world root position of the history's last frame
    last_heading: float               # world heading of the history's last frame

    def placement(self, decoded: np.ndarray) -> Placement:
        """Continue from the real last frame with the step the jointly decoded features give it
        (`decoded` covers history + new frames)."""
        last = decoded[self.frames - 1]
        step = quat_rotate(yaw_to_quat(np.array(self.last_heading)), np.array([last[1], 0.0, last[2]], dtype=np.float64))
        return Placement(float(self.last_heading + last[0]), float(self.last_root[0] + step[0]),
                         float(self.last_root[2] + step[2]))


def history_frames(n: int) -> int:
    """How many of the last `n` frames are used: whole 0.4-s steps, at most MAX_HISTORY_S."""
    return min(n, int(MAX_HISTORY_S * dmv1.FPS)) // HISTORY_STEP * HISTORY_STEP


def encode_history(motion: Motion, tokenizer) -> EncodedHistory:
    """The motion's last frames (canonical skeleton, model fps) as latents of every level."""
    h = history_frames(motion.num_frames)
    if h < HISTORY_STEP:
        raise RequestError("history", f"{motion.num_frames} frames; at least {HISTORY_STEP} "
                                      f"({HISTORY_STEP / dmv1.FPS:g} s at {dmv1.FPS:g} fps) are needed")
    recent = Motion(motion.skeleton, motion.root_positions[-h:], motion.local_rotations[-h:], motion.fps)
    feats = torch.tensor(dmv1.encode(recent)[None], device=tokenizer.device)
    indices = [i[0] for i in tokenizer.encode(feats)]
    world_root_rot = recent.skeleton.forward_kinematics(recent.root_positions[-1:], recent.local_rotations[-1:])[1][0, 0]
    return EncodedHistory(h, indices, recent.root_positions[-1].astype(np.float64),
                          float(dmv1.heading_yaw(world_root_rot)))
