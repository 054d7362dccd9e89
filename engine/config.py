"""Configurations read from JSON: a file must hold an object, unknown dataclass keys are named,
lists become tuples."""
from __future__ import annotations

import json
from pathlib import Path


def read_json_object(path, error: type[Exception]) -> dict:
    """The JSON object in `path`; `error` (the caller's documented type) names the file otherwise."""
    path = Path(path)
    try:
        data = json.loads(path.read_text())
    except ValueError as e:
        raise error(f"{path}: not valid JSON ({e})") from None
    if not isinstance(data, dict):
        raise error(f"{path}: expected a JSON object")
    return data


def from_dict(cls, data: dict, what: str, tuples: tuple[str, ...] = ()):
    unknown = set(data) - set(cls.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown {what} keys: {', '.join(sorted(unknown))}")
    return cls(**{k: tuple(v) if k in tuples else v for k, v in data.items()})
