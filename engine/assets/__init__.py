"""Weights shipped with the package (trained by the project's own CLI; CC BY-NC 4.0 because
they learned from the Bandai-Namco data). Found here, never downloaded."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent

# Shipped models by name. `default` (0.14) reads prompts with all-mpnet-base-v2, which follows
# wording it never saw far better; `fast` (0.7.2) reads them with MiniLM, about 45 ms sooner on
# every prompt the server has not encoded before (docs/RESULTS.md, "0.14.0").
SHIPPED_MODELS = ("default", "fast")


def default_tokenizer_path() -> Path:
    return HERE / "default" / "tokenizer"


def default_model_path() -> Path:
    return HERE / "default"


def model_path(model: str | Path | None) -> Path:
    """--model as given: a model directory, a shipped model's name when no such directory exists
    here, or None for the default."""
    if model is None:
        return default_model_path()
    if str(model) in SHIPPED_MODELS and not Path(model).exists():
        return HERE / str(model)
    return Path(model)


def default_evaluator_path() -> Path:
    """The text-motion evaluator `deepmotion eval` scores with (trained by `deepmotion train evaluator`)."""
    return HERE / "evaluator"
