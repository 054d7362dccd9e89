"""Dataclass configurations read from JSON: unknown keys are named, lists become tuples."""
from __future__ import annotations


def from_dict(cls, data: dict, what: str, tuples: tuple[str, ...] = ()):
    unknown = set(data) - set(cls.__dataclass_fields__)
    if unknown:
        raise ValueError(f"unknown {what} keys: {', '.join(sorted(unknown))}")
    return cls(**{k: tuple(v) if k in tuples else v for k, v in data.items()})
