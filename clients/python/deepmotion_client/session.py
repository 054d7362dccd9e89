"""A session: one character's unbounded motion, built from pieces the server generates, each
continuing the frames about to play. The server keeps no state; the session does.

Why client-side: any replica can serve any piece (each request carries its history), and the
client knows what is on screen. The session keeps a lead of generated motion ahead of its
playhead; when a prompt arrives it switches a little ahead of the playhead (the frames that
still play while the piece is generated), sends the motion up to the switch as history, and
replaces everything after the switch with the new piece. When the lead runs low and no prompt
is waiting, the idle prompt continues the motion, so it never freezes.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from .client import MODEL_FPS, MotionStream
from .motion.clip import Motion
from .motion.skeleton import canonical_skeleton


@dataclass
class Piece:
    text: str
    start_frame: int      # session frame of the piece's first frame
    frames: int
    first_frames_s: float  # request to its first level-1 frames
    final_s: float         # request to its final level


@dataclass
class MotionSession:
    client: object                       # MotionClient (or anything with its generate())
    # Not "stands and looks around": the planner read that as a way of moving plus a gesture (until
    # it learnt staying put, engine/text/plan.py STILL_PHRASES) and the idle NPC walked off in 10 of
    # 16 seeds, up to 4 m. "stands idle" stayed put with 0.7.2 but walks off with 0.14 (5 of 8 seeds,
    # up to 1.6 m); this wording stays put with both, from rest and after a walk, 16 seeds each
    # (docs/RESULTS.md, "The idle prompt walked off" and "0.14.0").
    idle_prompt: str = "a person stands and waits without moving their feet"
    piece_s: float = 4.0                 # length of each generated piece
    lead_s: float = 1.2                  # ask for more when less than this is left ahead of the playhead
    switch_delay_s: float = 0.4          # a prompt takes over this far ahead of the playhead
    history_s: float = 0.8               # seconds of history sent (ModelInfo.limits.history_used_s)
    seed: int = 0
    record: object = None                # RecordingWriter: every response of every piece, session time
    root: np.ndarray = field(default_factory=lambda: np.zeros((0, 3)))
    rotations: np.ndarray = field(default_factory=lambda: np.zeros((0, 22, 4)))
    playhead: int = 0
    pieces: list[Piece] = field(default_factory=list)
    _t0: float = field(default_factory=time.perf_counter)

    @property
    def frames(self) -> int:
        return len(self.root)

    def motion(self) -> Motion:
        return Motion(canonical_skeleton(), self.root.copy(), self.rotations.copy(), MODEL_FPS)

    def seams(self) -> list[int]:
        return [p.start_frame for p in self.pieces[1:]]

    def say(self, text: str) -> Piece:
        """Switch to `text` a little ahead of the playhead, continuing what is about to play."""
        switch = min(self.frames, self.playhead + int(round(self.switch_delay_s * MODEL_FPS)))
        return self._generate(text, switch)

    def advance(self, seconds: float) -> None:
        """Move the playhead; keep the lead (continuing with the idle prompt when it runs low)."""
        self.playhead += int(round(seconds * MODEL_FPS))
        while self.frames - self.playhead < self.lead_s * MODEL_FPS:
            self._generate(self.idle_prompt, self.frames)

    def _generate(self, text: str, switch: int) -> Piece:
        history = None
        if switch > 0:  # only what the server uses (ModelInfo.limits.history_used_s)
            first = max(0, switch - int(round(self.history_s * MODEL_FPS)))
            history = Motion(canonical_skeleton(), self.root[first:switch], self.rotations[first:switch], MODEL_FPS)
        stream = MotionStream()
        t0 = time.perf_counter()
        first = None
        for response in self.client.generate(text, self.piece_s, seed=self.seed + len(self.pieces), history=history,
                                             request_id=f"session-{len(self.pieces)}.{switch}"):
            if self.record is not None:
                self.record.write(time.perf_counter() - self._t0, response)
            if stream.feed(response) == "chunk" and first is None:
                first = time.perf_counter() - t0
        stream.require_end()
        piece = stream.motion()
        self.root = np.concatenate([self.root[:switch], piece.root_positions])
        self.rotations = np.concatenate([self.rotations[:switch], piece.local_rotations])
        out = Piece(text, switch, piece.num_frames, first or 0.0, time.perf_counter() - t0)
        self.pieces.append(out)
        return out


def run_script(session: MotionSession, events: list[tuple[float, str]], total_s: float, step_s: float = 0.1) -> None:
    """Plays a timed script on a simulated clock: each (seconds, text) is said at its time."""
    events = sorted(events)
    t = 0.0
    if events and events[0][0] <= 0:
        session._generate(events.pop(0)[1], 0)
    while t < total_s:
        while events and events[0][0] <= t:
            session.say(events.pop(0)[1])
        session.advance(step_s)
        t += step_s
    session.root = session.root[: int(round(total_s * MODEL_FPS))]
    session.rotations = session.rotations[: len(session.root)]


def parse_script(lines, gap_s: float = 4.0) -> list[tuple[float, str]]:
    """'SECONDS TEXT' lines (or plain TEXT, said gap_s after the one before); # comments."""
    events, last = [], -gap_s
    for raw in lines:
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        head, _, rest = line.partition(" ")
        try:
            t, text = float(head), rest.strip()
        except ValueError:
            t, text = last + gap_s, line
        if text:
            events.append((t, text))
            last = t
    return events
