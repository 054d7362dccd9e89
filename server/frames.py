"""Engine output -> wire messages: dm-v1 features become root positions, local rotations
(x, y, z, w), optional joint positions and contacts, in chunks well under 1 MB."""
from __future__ import annotations

import numpy as np

from deepmotion.engine.continuation import Placement
from deepmotion.engine.representation import dmv1
from deepmotion_client.motion.rotations import quat_conj, quat_mul, yaw_to_quat
from deepmotion_client.motion.skeleton import Skeleton
from deepmotion_client.proto import motion_pb2 as pb

MAX_CHUNK_FRAMES = 40


def skeleton_message(skeleton: Skeleton) -> pb.Skeleton:
    return pb.Skeleton(joint_names=skeleton.names, parents=skeleton.parents,
                       rest_offsets=skeleton.offsets.astype(np.float32).ravel().tolist())


def frames_from_features(feats: np.ndarray, root_motion: int, placement: Placement | None = None,
                         positions: bool = True):
    """-> (root positions [T, 3], local rotations [T, J, 4], joint positions [T, J, 3] or None when
    not asked for, contacts [T, 4]). `placement` puts a continuation where its history left off
    (default: origin, facing +Z). Positions cost a forward-kinematics pass per request and level,
    run one request after another on the server's event loop, so only requests that ask pay it."""
    motion = (placement or Placement()).place(feats)
    root, local = motion.root_positions.copy(), motion.local_rotations.copy()
    if root_motion == pb.ROOT_MOTION_IN_PLACE:
        heading = yaw_to_quat(np.concatenate([[0.0], np.cumsum(feats[:-1, 0].astype(np.float64))]))
        local[:, 0] = quat_mul(quat_conj(heading), local[:, 0])
        root[:, [0, 2]] = 0.0
    pos = motion.skeleton.forward_kinematics(root, local)[0] if positions else None
    contacts = (feats[:, dmv1.SLICES["contacts"]] > 0.5).astype(np.float32)
    return root, local, pos, contacts


def chunks(level: int, feats: np.ndarray, output: pb.OutputOptions, max_frames: int = MAX_CHUNK_FRAMES,
           placement: Placement | None = None, start: int = 0):
    """FrameChunks of these frames; `start` is the stream frame of their first (timelines)."""
    root, local, pos, contacts = frames_from_features(feats, output.root_motion, placement, output.joint_positions)
    for first in range(0, len(root), max_frames):
        s = slice(first, first + max_frames)
        chunk = pb.FrameChunk(level=level, start_frame=start + first, frame_count=len(root[s]),
                              root_positions=root[s].astype(np.float32).ravel().tolist(),
                              local_rotations=local[s].astype(np.float32).ravel().tolist())
        if output.joint_positions:
            chunk.joint_positions.extend(pos[s].astype(np.float32).ravel().tolist())
        if output.foot_contacts:
            chunk.foot_contacts.extend(contacts[s].ravel().tolist())
        yield pb.GenerateResponse(chunk=chunk)
