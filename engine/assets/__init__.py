"""Weights shipped with the package (trained by the project's own CLI; CC BY-NC 4.0 because
they learned from the Bandai-Namco data). Found here, never downloaded."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent


def default_tokenizer_path() -> Path:
    return HERE / "default" / "tokenizer"


def default_model_path() -> Path:
    return HERE / "default"


def default_evaluator_path() -> Path:
    """The text-motion evaluator `deepmotion eval` scores with (trained by `deepmotion train evaluator`)."""
    return HERE / "evaluator"
