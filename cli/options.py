"""Options several commands share, declared once so they read and default the same everywhere."""
from __future__ import annotations

import argparse
from pathlib import Path

# Where `deepmotion data prepare` writes the Bandai-Namco cache and training/eval look for it.
DEFAULT_DATA = Path("data/cache/bandai-dm-v2")


def add_device(p: argparse.ArgumentParser, default: str = "auto") -> None:
    p.add_argument("--device", default=default, help=f"auto, cpu or cuda[:N] (default {default})")


def add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", "--checkpoint", dest="model", type=Path, default=None,
                   help="model directory (default: the shipped model)")


def add_data(p: argparse.ArgumentParser, help_: str | None = None) -> None:
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help=help_ or f"dataset directory (default {DEFAULT_DATA})")


def load_model(args):
    """The model a command names with --model (or the shipped one), on --device."""
    from deepmotion.engine.assets import default_model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade
    return load_cascade(args.model or default_model_path(), resolve_device(args.device))
