"""Every field of GenerateRequest checked before any work: one message naming the field and
what is allowed, answered as INVALID_ARGUMENT."""
from __future__ import annotations

import math
import re

from deepmotion.engine.pipeline import GenerationLimits
from deepmotion_client.proto import motion_pb2 as pb

REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{0,128}$")
ROOT_MOTIONS = {pb.ROOT_MOTION_UNSPECIFIED, pb.ROOT_MOTION_WORLD, pb.ROOT_MOTION_IN_PLACE}


class RequestError(ValueError):
    pass


def validate(req: pb.GenerateRequest, limits: GenerationLimits, levels: int) -> None:
    if not REQUEST_ID.match(req.request_id):
        raise RequestError("request_id: at most 128 characters of A-Z a-z 0-9 . _ : -")
    if not req.text.strip():
        raise RequestError("text: empty; a prompt needs at least one non-space character")
    if len(req.text) > limits.max_text_chars:
        raise RequestError(f"text: {len(req.text)} characters; at most {limits.max_text_chars} allowed")
    d = req.duration_s
    if d != 0 and (not math.isfinite(d) or not limits.min_duration_s <= d <= limits.max_duration_s):
        raise RequestError(f"duration_s: {d:g} is outside [{limits.min_duration_s:g}, {limits.max_duration_s:g}] "
                           "seconds (0 = predicted from the text)")
    g = req.guidance_scale
    if g != 0 and (not math.isfinite(g) or not limits.min_guidance <= g <= limits.max_guidance):
        raise RequestError(f"guidance_scale: {g:g} is outside [{limits.min_guidance:g}, {limits.max_guidance:g}] "
                           "(0 = model default)")
    if req.max_level > levels:
        raise RequestError(f"max_level: {req.max_level} is not a level of this model (0 = all, 1..{levels})")
    if req.output.root_motion not in ROOT_MOTIONS:
        raise RequestError(f"output.root_motion: unknown value {req.output.root_motion} "
                           "(ROOT_MOTION_WORLD = 1, ROOT_MOTION_IN_PLACE = 2)")
