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
from .request import GenerationRequest, RequestError

MAX_SEGMENTS = 16
MAX_TIMELINE_S = 60.0


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


def generate_timeline(pipe, segments: list[tuple[str, float]], seed: int = 0, guidance: float | None = None,
                      max_level: int | None = None, history=None) -> Iterator[TimelineLevel]:
    if not segments:
        raise RequestError("segments", "at least one (text, seconds) segment is needed")
    if len(segments) > MAX_SEGMENTS:
        raise RequestError("segments", f"{len(segments)} segments; at most {MAX_SEGMENTS}")
    total = sum(s for _, s in segments)
    if total > MAX_TIMELINE_S:
        raise RequestError("segments", f"{total:g} s in all; a timeline holds at most {MAX_TIMELINE_S:g} s")
    resolved = []
    for i, (text, seconds) in enumerate(segments):
        try:
            resolved.append(pipe.validate(GenerationRequest(text, float(seconds), seed + i, guidance, max_level)))
        except RequestError as e:
            raise RequestError(f"segments[{i}].{'seconds' if e.field == 'duration_s' else e.field}", e.problem) from None
    if any(not r.duration_s for r in resolved):
        raise RequestError("segments", "every segment needs its length in seconds")
    guidance, max_level = resolved[0].guidance, resolved[0].max_level
    frames = [segment_frames(r.duration_s) for r in resolved]
    states = pipe.prepare([r.text for r in resolved], [f / dmv1.FPS for f in frames], [r.seed for r in resolved],
                          [history] + [None] * (len(resolved) - 1))
    for i in range(1, len(states)):
        h = history_frames(states[i - 1].frames)
        states[i].history = EncodedHistory(h, [None] * len(STRIDES), np.zeros(3), 0.0)
        states[i].own = pipe.tokenizer.model.pad_length(h + states[i].frames)
    for level in range(1, max_level + 1):
        t0 = time.perf_counter()
        feats = []
        for i, state in enumerate(states):
            if i > 0:
                _chain(states[i - 1], feats[-1], state, level)
            feats.append(pipe.run_level([state], level, guidance)[0])
        yield TimelineLevel(level, feats, [s.placement for s in states], time.perf_counter() - t0)


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
