"""The cascade's layout in one place: its levels, their token strides, the checkpoint directory
and kind of every part, how a level sees the levels below it, and cascade.json. Training,
export and loading all read it here (docs/ARCHITECTURE.md, "Engine").
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from .checkpoint import CheckpointError
from .config import read_json_object
from .models.tokenizer import Tokenizer

LEVELS = (1, 2, 3)
# Frames per latent token at each level (0.4 s, 0.2 s, 0.1 s at 20 fps).
STRIDES = {1: 8, 2: 4, 3: 2}
CASCADE_JSON = "cascade.json"
CASCADE_FORMAT = "deepmotion-cascade"


@dataclass(frozen=True)
class Part:
    key: str         # its key under "parts" in cascade.json
    directory: str   # its checkpoint directory inside the model directory
    kind: str        # the checkpoint kind its config.json must declare


TOKENIZER = Part("tokenizer", "tokenizer", Tokenizer.KIND)
LENGTH = Part("length", "length", "length-predictor")
DENOISERS = {level: Part(str(level), d, f"denoiser-level-{level}") for level, d in zip(LEVELS, ("base", "sr2", "sr3"))}
PARTS = (TOKENIZER, *DENOISERS.values(), LENGTH)
REQUIRED_KEYS = ("model_version", "text_encoder", "licence", "parts")


def upsampling(lower: int, level: int) -> int:
    """Tokens of `level` per token of the coarser `lower` level."""
    return STRIDES[lower] // STRIDES[level]


def lower_condition(codes: dict[int, torch.Tensor], level: int, stats: dict[int, tuple[torch.Tensor, torch.Tensor]]
                    ) -> torch.Tensor:
    """What a super-resolution denoiser sees of the levels below `level`: each lower level's
    codebook latents, normalised by that level's statistics and repeated to this level's token
    rate, concatenated -> [tokens, code_dim * (level - 1)]. Training and sampling both use it."""
    return torch.cat([((codes[k] - stats[k][0]) / stats[k][1]).repeat_interleave(upsampling(k, level), dim=0)
                      for k in range(1, level)], dim=-1)


def read_cascade_json(model_dir) -> dict:
    """cascade.json, with every key the engine needs present; CheckpointError names file and key."""
    path = Path(model_dir) / CASCADE_JSON
    if not path.exists():
        raise CheckpointError(f"model {model_dir}: missing {CASCADE_JSON} (not a text-to-motion model directory)")
    meta = read_json_object(path, CheckpointError)
    for key in REQUIRED_KEYS:
        if key not in meta:
            raise CheckpointError(f"{path}: missing key {key!r}")
    for part in PARTS:
        if part.key not in meta["parts"]:
            raise CheckpointError(f"{path}: missing key 'parts.{part.key}' (the {part.kind} directory)")
    return meta


def write_cascade_json(out, encoder_id: str, licence: str, version: str, max_seconds: float) -> Path:
    path = Path(out) / CASCADE_JSON
    path.write_text(json.dumps({
        "format": CASCADE_FORMAT, "model_version": version, "text_encoder": encoder_id, "licence": licence,
        "limits": {"min_duration_s": 1.0, "max_duration_s": max_seconds},
        "parts": {p.key: p.directory for p in PARTS}}, indent=2))
    return path
