"""One generation request, its limits and its validation: the engine's single source for what
a request may hold. The server maps the wire message onto a GenerationRequest and a
RequestError onto INVALID_ARGUMENT; GetModelInfo publishes the same GenerationLimits.
"""
from __future__ import annotations

import math
import unicodedata
import re
from dataclasses import asdict, dataclass, field

import numpy as np
from deepmotion_client.errors import DeepMotionError

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{0,128}$")
ROOT_MOTIONS = ("world", "in_place")


class RequestError(DeepMotionError, ValueError):
    """A request the engine refuses: the message names the field and what is allowed."""

    def __init__(self, field_name: str, problem: str):
        super().__init__(f"{field_name}: {problem}")
        self.field, self.problem = field_name, problem


@dataclass(frozen=True)
class GenerationLimits:
    max_text_chars: int = 1000
    min_duration_s: float = 1.0
    max_duration_s: float = 12.0
    min_guidance: float = 1.0
    max_guidance: float = 10.0
    default_guidance: float = 2.5
    max_batch: int = 16
    max_history_frames: int = 200
    min_history_frames: int = 8
    quaternion_tolerance: float = 1e-3
    max_segments: int = 16
    max_timeline_s: float = 60.0

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class OutputOptions:
    joint_positions: bool = False
    foot_contacts: bool = False
    root_motion: str = "world"   # "world": the hips travel; "in_place": over the origin, heading removed


@dataclass(frozen=True)
class HistoryFrames:
    """The motion a request continues: canonical skeleton, model fps."""
    root_positions: np.ndarray    # [N, 3] metres
    local_rotations: np.ndarray   # [N, J, 4] unit quaternions (x, y, z, w)

    def check(self, limits: GenerationLimits, joints: int) -> None:
        root, rot = np.asarray(self.root_positions), np.asarray(self.local_rotations)
        n = len(rot)
        if root.ndim != 2 or root.shape[1] != 3 or rot.ndim != 3 or rot.shape[2] != 4 or len(root) != n:
            raise RequestError("history", f"root positions [N, 3] and local rotations [N, J, 4] of the same N frames, "
                                          f"got {list(root.shape)} and {list(rot.shape)}")
        if rot.shape[1] != joints:
            raise RequestError("history.local_rotations", f"{rot.shape[1]} joints per frame; the skeleton has {joints}")
        if not limits.min_history_frames <= n <= limits.max_history_frames:
            raise RequestError("history.frame_count", f"{n} frames; allowed {limits.min_history_frames}.."
                                                      f"{limits.max_history_frames}")
        for name, a in (("history.root_positions", root), ("history.local_rotations", rot)):
            bad = ~np.isfinite(a)
            if bad.any():
                raise RequestError(name, f"not finite (NaN or infinity) at frame {int(np.argwhere(bad)[0][0])}")
        off = np.abs(np.linalg.norm(rot, axis=-1) - 1.0)
        if off.max() > limits.quaternion_tolerance:
            f, j = (int(i) for i in np.argwhere(off > limits.quaternion_tolerance)[0])
            raise RequestError("history.local_rotations", f"quaternion of joint {j} at frame {f} has length "
                                                          f"{np.linalg.norm(rot[f, j]):.4f}; allowed 1 +- "
                                                          f"{limits.quaternion_tolerance:g}")


@dataclass(frozen=True)
class Segment:
    text: str
    duration_s: float


@dataclass(frozen=True)
class GenerationRequest:
    """What to generate. None means "the model decides" (duration, seed, guidance, levels)."""
    text: str
    duration_s: float | None = None    # None or 0: predicted from the text
    seed: int | None = None            # None: the caller picks one at random
    guidance: float | None = None      # None: limits.default_guidance
    max_level: int | None = None       # None: every level of the model
    request_id: str = ""
    output: OutputOptions = field(default_factory=OutputOptions)
    history: HistoryFrames | None = None   # the motion this continues
    segments: tuple[Segment, ...] = ()     # a timeline instead of text + duration

    def validate(self, limits: GenerationLimits, levels: int, joints: int = 22) -> None:
        """Raises RequestError for the first field outside what the model allows."""
        if not isinstance(self.request_id, str) or not REQUEST_ID.match(self.request_id):
            raise RequestError("request_id", "at most 128 characters of A-Z a-z 0-9 . _ : -")
        if self.segments:
            if self.text:
                raise RequestError("segments", "set either text or segments, not both")
            if len(self.segments) > limits.max_segments:
                raise RequestError("segments", f"{len(self.segments)} segments; at most {limits.max_segments}")
            total = sum(seg.duration_s for seg in self.segments if math.isfinite(seg.duration_s))
            if total > limits.max_timeline_s:
                raise RequestError("segments", f"{total:g} s in all; a timeline holds at most {limits.max_timeline_s:g} s")
            for i, seg in enumerate(self.segments):
                _check_text(seg.text, limits, f"segments[{i}].text")
                _check_duration(seg.duration_s, limits, f"segments[{i}].duration_s", required=True)
        else:
            _check_text(self.text, limits, "text")
            _check_duration(self.duration_s, limits, "duration_s")
        if self.guidance is not None:
            check_guidance(self.guidance, limits, "guidance_scale", " (0 = model default)")
        if self.max_level is not None and self.max_level not in range(1, levels + 1):
            raise RequestError("max_level", f"{self.max_level} is not a level of this model (0 = all, 1..{levels})")
        if self.seed is not None and not 0 <= self.seed < 2 ** 64:
            raise RequestError("seed", f"{self.seed} is outside [0, 2^64)")
        if self.history is not None:
            self.history.check(limits, joints)
        if self.output.root_motion not in ROOT_MOTIONS:
            raise RequestError("output.root_motion", f"unknown value {self.output.root_motion} "
                                                     "(ROOT_MOTION_WORLD = 1, ROOT_MOTION_IN_PLACE = 2)")

    def resolved(self, limits: GenerationLimits, levels: int) -> "GenerationRequest":
        """The same request with the defaults a model applies filled in (duration stays: the
        length predictor resolves it on the engine thread)."""
        return GenerationRequest(self.text, self.duration_s or None, self.seed,
                                 self.guidance if self.guidance is not None else limits.default_guidance,
                                 self.max_level or levels, self.request_id, self.output, self.history, self.segments)

    @property
    def texts(self) -> list[str]:
        return [seg.text for seg in self.segments] if self.segments else [self.text]


def _check_text(text, limits: GenerationLimits, name: str) -> None:
    if not isinstance(text, str) or not text.strip():
        raise RequestError(name, "empty; a prompt needs at least one non-space character")
    if len(text) > limits.max_text_chars:
        raise RequestError(name, f"{len(text)} characters; at most {limits.max_text_chars} allowed")
    bad = next((c for c in text if unicodedata.category(c) == "Cc" and c not in "\t\n\r"), None)
    if bad is not None:
        raise RequestError(name, f"contains the control character U+{ord(bad):04X}; a prompt is plain text")


def check_guidance(g: float, limits: GenerationLimits, name: str, hint: str = "") -> None:
    """A guidance scale a request asks for, or a model's default (`deepmotion model export`)."""
    if not math.isfinite(g) or not limits.min_guidance <= g <= limits.max_guidance:
        raise RequestError(name, f"{g:g} is outside [{limits.min_guidance:g}, {limits.max_guidance:g}]{hint}")


def _check_duration(d, limits: GenerationLimits, name: str, required: bool = False) -> None:
    if (d or required) and (d is None or not math.isfinite(d) or not limits.min_duration_s <= d <= limits.max_duration_s):
        raise RequestError(name, f"{d:g} is outside [{limits.min_duration_s:g}, {limits.max_duration_s:g}] seconds"
                                 + ("" if required else " (0 = predicted from the text)"))
