"""The wire <-> engine mapping: a GenerateRequest becomes the engine's GenerationRequest (the
wire's 0 = "default" becomes None), the engine's limits become ModelInfo.limits. Validation
itself is the engine's (deepmotion.engine.request); nothing here decides what is allowed.
"""
from __future__ import annotations

import numpy as np

from deepmotion.engine.continuation import MAX_HISTORY_S
from deepmotion.engine.request import GenerationRequest, HistoryFrames, OutputOptions, RequestError, Segment
from deepmotion_client.proto import motion_pb2 as pb

from .frames import MAX_CHUNK_FRAMES

ROOT_MOTION_NAMES = {pb.ROOT_MOTION_UNSPECIFIED: "world", pb.ROOT_MOTION_WORLD: "world",
                     pb.ROOT_MOTION_IN_PLACE: "in_place"}
ROOT_MOTION_ENUMS = {"world": pb.ROOT_MOTION_WORLD, "in_place": pb.ROOT_MOTION_IN_PLACE}


def request_from_proto(m: pb.GenerateRequest) -> GenerationRequest:
    output = OutputOptions(m.output.joint_positions, m.output.foot_contacts,
                           ROOT_MOTION_NAMES.get(m.output.root_motion, str(m.output.root_motion)))
    return GenerationRequest(text=m.text, duration_s=m.duration_s or None, seed=m.seed if m.has_seed else None,
                             guidance=m.guidance_scale or None, max_level=m.max_level or None,
                             request_id=m.request_id, output=output,
                             history=history_from_proto(m.history) if m.HasField("history") else None,
                             segments=tuple(Segment(seg.text, seg.duration_s) for seg in m.segments))


def history_from_proto(h: pb.MotionFrames) -> HistoryFrames:
    """Packed floats -> arrays; the shapes must agree with frame_count (the engine checks the rest)."""
    n = h.frame_count
    if n == 0:
        raise RequestError("history.frame_count", "0 frames; a history needs frames (or leave it unset)")
    if len(h.root_positions) != 3 * n:
        raise RequestError("history.root_positions", f"{len(h.root_positions)} floats; 3 per frame = {3 * n} expected")
    if len(h.local_rotations) % (4 * n):
        raise RequestError("history.local_rotations", f"{len(h.local_rotations)} floats is not 4 x joints x {n} frames")
    root = np.asarray(h.root_positions, dtype=np.float64).reshape(n, 3)
    rot = np.asarray(h.local_rotations, dtype=np.float64).reshape(n, -1, 4)
    return HistoryFrames(root, rot)


def output_to_proto(o: OutputOptions) -> pb.OutputOptions:
    return pb.OutputOptions(joint_positions=o.joint_positions, foot_contacts=o.foot_contacts,
                            root_motion=ROOT_MOTION_ENUMS[o.root_motion])


def limits_to_proto(limits, max_queue: int, max_text_tokens: int = 0) -> pb.Limits:
    return pb.Limits(max_text_chars=limits.max_text_chars, max_text_tokens=max_text_tokens, min_duration_s=limits.min_duration_s,
                     max_duration_s=limits.max_duration_s, min_guidance_scale=limits.min_guidance,
                     max_guidance_scale=limits.max_guidance, default_guidance_scale=limits.default_guidance,
                     max_chunk_frames=MAX_CHUNK_FRAMES, max_queue=max_queue,
                     max_history_frames=limits.max_history_frames, min_history_frames=limits.min_history_frames,
                     history_used_s=MAX_HISTORY_S, quaternion_tolerance=limits.quaternion_tolerance,
                     max_segments=limits.max_segments, max_timeline_s=limits.max_timeline_s)
