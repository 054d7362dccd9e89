"""Options several commands share, declared once so they read and default the same everywhere."""
from __future__ import annotations

import argparse
from pathlib import Path

# Where `deepmotion data prepare` writes the Bandai-Namco cache and training/eval look for it.
DEFAULT_DATA = Path("data/cache/bandai-dm-v4")


def add_device(p: argparse.ArgumentParser, default: str = "auto") -> None:
    p.add_argument("--device", default=default, help=f"auto, cpu or cuda[:N] (default {default})")


def add_model(p: argparse.ArgumentParser) -> None:
    p.add_argument("--model", "--checkpoint", dest="model", type=Path, default=None,
                   help="model directory, or a shipped model by name: default (0.14, reads prompts with all-mpnet-base-v2) "
                        "or fast (0.7.2, MiniLM: ~45 ms sooner on a prompt not seen before)")
    p.add_argument("--steps", type=int, nargs="+", default=None, metavar="N",
                   help="sampling steps per level (default 8 4 4, or the steps a distilled level was taught; "
                        "20 10 10 is the slower setting the model was first measured at): fewer is faster "
                        "(docs/RESULTS.md, 'Sampling steps')")


def add_data(p: argparse.ArgumentParser, help_: str | None = None) -> None:
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help=help_ or f"dataset directory (default {DEFAULT_DATA})")


def load_model(args):
    """The model a command names with --model (or the shipped one), on --device, with --steps."""
    from deepmotion.engine.assets import model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade
    return apply_steps(load_cascade(model_path(args.model), resolve_device(args.device)), args)


def apply_steps(pipe, args):
    """--steps N [N ...]: one count per level, each at least 1."""
    steps = getattr(args, "steps", None)
    if steps:
        from deepmotion_client.errors import UsageError
        if len(steps) != pipe.levels or min(steps) < 1:
            raise UsageError(f"--steps: {len(steps)} value(s) {steps}; give {pipe.levels} counts of at least 1, "
                             "one per level (e.g. 8 4 4)")
        pipe.settings.sample_steps = {level: n for level, n in enumerate(steps, 1)}
    return pipe

NO_PLAN_HELP = ("keep every prompt one piece (default: a prompt that names an order, 'jogs, then bows', runs as a "
                "timeline of its parts, and one that moves about while it gestures, 'walks while waving', as the "
                "two spliced at the spine)")
