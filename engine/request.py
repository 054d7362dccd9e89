"""One generation request, its limits and its validation: the engine's single source for what
a request may hold. The server maps the wire message onto a GenerationRequest and a
RequestError onto INVALID_ARGUMENT; GetModelInfo publishes the same GenerationLimits.
"""
from __future__ import annotations

import math
import re
from dataclasses import asdict, dataclass, field
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

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class OutputOptions:
    joint_positions: bool = False
    foot_contacts: bool = False
    root_motion: str = "world"   # "world": the hips travel; "in_place": over the origin, heading removed


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

    def validate(self, limits: GenerationLimits, levels: int) -> None:
        """Raises RequestError for the first field outside what the model allows."""
        if not isinstance(self.request_id, str) or not REQUEST_ID.match(self.request_id):
            raise RequestError("request_id", "at most 128 characters of A-Z a-z 0-9 . _ : -")
        if not isinstance(self.text, str) or not self.text.strip():
            raise RequestError("text", "empty; a prompt needs at least one non-space character")
        if len(self.text) > limits.max_text_chars:
            raise RequestError("text", f"{len(self.text)} characters; at most {limits.max_text_chars} allowed")
        d = self.duration_s
        if d and (not math.isfinite(d) or not limits.min_duration_s <= d <= limits.max_duration_s):
            raise RequestError("duration_s", f"{d:g} is outside [{limits.min_duration_s:g}, {limits.max_duration_s:g}] "
                                             "seconds (0 = predicted from the text)")
        g = self.guidance
        if g is not None and (not math.isfinite(g) or not limits.min_guidance <= g <= limits.max_guidance):
            raise RequestError("guidance_scale", f"{g:g} is outside [{limits.min_guidance:g}, {limits.max_guidance:g}] "
                                                 "(0 = model default)")
        if self.max_level is not None and self.max_level not in range(1, levels + 1):
            raise RequestError("max_level", f"{self.max_level} is not a level of this model (0 = all, 1..{levels})")
        if self.seed is not None and not 0 <= self.seed < 2 ** 64:
            raise RequestError("seed", f"{self.seed} is outside [0, 2^64)")
        if self.output.root_motion not in ROOT_MOTIONS:
            raise RequestError("output.root_motion", f"unknown value {self.output.root_motion} "
                                                     "(ROOT_MOTION_WORLD = 1, ROOT_MOTION_IN_PLACE = 2)")

    def resolved(self, limits: GenerationLimits, levels: int) -> "GenerationRequest":
        """The same request with the defaults a model applies filled in (duration stays: the
        length predictor resolves it on the engine thread)."""
        return GenerationRequest(self.text, self.duration_s or None, self.seed,
                                 self.guidance if self.guidance is not None else limits.default_guidance,
                                 self.max_level or levels, self.request_id, self.output)
