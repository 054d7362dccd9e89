"""The prompt options both command lines share (`deepmotion generate`, `deepmotion-client
generate`): one prompt or a timeline of segments, and a motion to continue."""
from __future__ import annotations

import argparse
from pathlib import Path

from .errors import UsageError


def add_prompt_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument("text", nargs="?", default=None, help="the prompt (or give --segment instead)")
    p.add_argument("--segment", nargs=2, action="append", metavar=("TEXT", "SECONDS"), default=None,
                   help="a timeline segment; repeat for each (each continues the one before)")
    p.add_argument("--start-from", type=Path, default=None,
                   help="continue the end of this BVH motion (any rig --map covers); the output holds only the "
                        "new frames, on that rig, in its world frame and units")


def segments_from_args(args) -> list[tuple[str, float]] | None:
    """The timeline --segment asks for (None for a single prompt); exactly one of the two."""
    if (args.text is None) == (args.segment is None):
        raise UsageError("give a prompt or --segment TEXT SECONDS (one or more), not both")
    if args.segment is None:
        return None
    out = []
    for text, seconds in args.segment:
        try:
            out.append((text, float(seconds)))
        except ValueError:
            raise UsageError(f"--segment: SECONDS must be a number, got {seconds!r}") from None
    return out


def describe(args, segments) -> str:
    """The prompt, or the timeline's prompts, for titles and logs."""
    return args.text or " / ".join(t for t, _ in segments)
