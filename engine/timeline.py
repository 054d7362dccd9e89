"""A timeline of (text, seconds) segments generated as one motion, each segment continuing the
one before, streamed level by level: level 1 of every segment first, then level 2, then 3.

Why segments chain on latents: the known prefix of segment i at level k is segment i-1's own
level-k latents of its last frames, so no re-encoding happens between segments and each
level's seams are made by the denoiser that knows both sides. Segment lengths are whole 0.4-s
steps (the level-1 token), so a segment's tail lines up with the next one's prefix.
"""
from __future__ import annotations

import time
from dataclasses import dataclass
from typing import Iterator

import numpy as np

from .cascade import STRIDES
from .continuation import HISTORY_STEP, EncodedHistory, Placement, heading_free, history_frames
from .representation import dmv1
from .request import GenerationRequest, RequestError, Segment

@dataclass
class TimelineLevel:
    level: int
    features: list[np.ndarray]       # per segment, its frames' dm-v1 features
    placements: list[Placement]      # per segment, where its frames start
    compute_s: float

    def motion(self):
        """The whole timeline at this level as one Motion in the world frame."""
        from deepmotion_client.motion.clip import Motion
        parts = [p.place(f) for f, p in zip(self.features, self.placements)]
        return Motion(parts[0].skeleton, np.concatenate([m.root_positions for m in parts]),
                      np.concatenate([m.local_rotations for m in parts]), parts[0].fps)

    def seams(self) -> list[int]:
        """Index of each segment's first frame (after the first) in motion()."""
        return list(np.cumsum([len(f) for f in self.features])[:-1])


def segment_frames(seconds: float) -> int:
    return max(HISTORY_STEP, int(round(seconds * dmv1.FPS / HISTORY_STEP)) * HISTORY_STEP)


class Timeline:
    """One request's segments between stages (the server's scheduler runs it stage by stage,
    like a prompt; segments run in order within a stage)."""

    def __init__(self, pipe, request: GenerationRequest, history=None):
        self.pipe, self.guidance = pipe, request.guidance
        frames = [segment_frames(seg.duration_s) for seg in request.segments]
        seed = request.seed or 0
        self.states = pipe.prepare([seg.text for seg in request.segments], [f / dmv1.FPS for f in frames],
                                   [seed + i for i in range(len(frames))], [history] + [None] * (len(frames) - 1))
        for i in range(1, len(self.states)):
            h = history_frames(self.states[i - 1].frames, pipe.max_frames - self.states[i].frames)
            self.states[i].history = EncodedHistory(h, [None] * len(STRIDES), np.zeros(3), 0.0)
            self.states[i].own = pipe.tokenizer.model.pad_length(h + self.states[i].frames)

    @property
    def frames(self) -> int:
        return sum(s.frames for s in self.states)

    def run_level(self, level: int) -> TimelineLevel:
        t0 = time.perf_counter()
        feats = []
        for i, state in enumerate(self.states):
            if i > 0:
                _chain(self.states[i - 1], feats[-1], state, level)
            feats.append(self.pipe.run_level([state], level, self.guidance)[0])
        return TimelineLevel(level, feats, [s.placement for s in self.states], time.perf_counter() - t0)


def generate_timeline(pipe, segments: list[tuple[str, float]], seed: int = 0, guidance: float | None = None,
                      max_level: int | None = None, history=None) -> Iterator[TimelineLevel]:
    """(text, seconds) pairs -> each level of the whole timeline; `history` (a Motion) is what
    the first segment continues."""
    if not segments:
        raise RequestError("segments", "at least one (text, seconds) segment is needed")
    request = pipe.validate(GenerationRequest("", None, seed, guidance, max_level,
                                              segments=tuple(Segment(t, float(d)) for t, d in segments)))
    timeline = Timeline(pipe, request, history)
    for level in range(1, request.max_level + 1):
        yield timeline.run_level(level)


def planned_segments(pipe, text: str, seconds: float | None, seed: int = 0,
                     guidance: float | None = None) -> list[tuple[str, float]] | None:
    """The (text, seconds) segments the pipeline plans for a prompt that names an order, or None
    when it stays one piece (the one place probes, evaluation and the command line ask this)."""
    plan = pipe.plan(pipe.validate(GenerationRequest(text, seconds or None, seed, guidance)))
    return [(seg.text, seg.duration_s) for seg in plan.segments] or None


def _chain(prev, prev_feats: np.ndarray, state, level: int) -> None:
    """The tail of the previous segment at this level becomes this segment's known prefix."""
    stride = STRIDES[level]
    h = state.history.frames
    end = (prev.history.frames if prev.history else 0) + prev.frames
    state.history.indices[level - 1] = prev.indices[level][(end - h) // stride: end // stride]
    prev_motion = prev.placement.place(prev_feats)
    last = prev_motion.local_rotations[-1]
    state.history.last_root = prev_motion.root_positions[-1]
    state.history.last_heading = float(dmv1.heading_yaw(last[0]))
    state.history.last_local = heading_free(last)
    state.history.last_step = prev_motion.root_positions[-1] - prev_motion.root_positions[-2]
    state.history.prev_local = heading_free(prev_motion.local_rotations[-2])
    state.history.prev_heading = float(dmv1.heading_yaw(prev_motion.local_rotations[-2][0]))
    state.history.tail_root = prev_motion.root_positions[-2:].astype(np.float64)
    state.history.tail_local = prev_motion.local_rotations[-2:].astype(np.float64)
