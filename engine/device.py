"""`--device auto|cpu|cuda`: one rule for every command."""
from __future__ import annotations

import torch
from deepmotion_client.errors import UsageError


def resolve_device(spec: str = "auto") -> torch.device:
    spec = (spec or "auto").lower()
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if spec.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UsageError(f"--device {spec}: no CUDA device is available here; use --device cpu or auto")
        return torch.device(spec)
    if spec == "cpu":
        return torch.device("cpu")
    raise UsageError(f"--device must be auto, cpu or cuda[:N], got {spec!r}")
