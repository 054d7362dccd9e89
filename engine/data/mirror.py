"""Left/right mirroring, of the motion and of its caption together (training data augmentation)."""
from __future__ import annotations

import re

import numpy as np

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.skeleton import CANONICAL_NAMES

# The canonical joint each joint becomes in the mirror image (Left <-> Right).
MIRROR_INDEX = [CANONICAL_NAMES.index(n.replace("Left", "#").replace("Right", "Left").replace("#", "Right"))
                for n in CANONICAL_NAMES]

_SWAP = {"left": "right", "right": "left", "Left": "Right", "Right": "Left", "LEFT": "RIGHT", "RIGHT": "LEFT"}
_WORDS = re.compile(r"\b(left|right|Left|Right|LEFT|RIGHT)\b")


def mirror_text(text: str) -> str:
    return _WORDS.sub(lambda m: _SWAP[m.group(1)], text)


def mirror_motion(motion: Motion) -> Motion:
    """Reflect through the YZ plane (x -> -x) and swap left and right joints.

    Needs a left/right symmetric skeleton (the canonical one is), so the reflected poses are
    poses of the same skeleton. A reflected rotation (x, y, z, w) is (x, -y, -z, w).
    """
    root = motion.root_positions * np.array([-1.0, 1.0, 1.0])
    rot = motion.local_rotations[:, MIRROR_INDEX] * np.array([1.0, -1.0, -1.0, 1.0])
    return Motion(motion.skeleton, root, rot, motion.fps)
