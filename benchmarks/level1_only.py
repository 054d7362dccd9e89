"""Score a level 1 trained alone (`deepmotion train base`) before any levels 2-3 exist for it:
levels 2-3 condition on the text too, so a level 1 read with another encoder (all-mpnet-base-v2)
cannot borrow MiniLM's. Runs a `deepmotion` command, or benchmarks/actions_by_label.py, with
every model it loads replaced by a one-level cascade of DIR's level 1, its length predictor and a
tokenizer; the command's level-1 rows and figures are that level's.

    .venv/bin/python benchmarks/level1_only.py runs/cascade-mpnet -- eval --split test --replications 3 \
        --max-clips 300 --guidance 4 --evaluator runs/evaluator-compose --model runs/cascade-mpnet
    .venv/bin/python benchmarks/level1_only.py runs/cascade-mpnet -- actions_by_label --models runs/cascade-mpnet \
        --split test --wording held-out --level 1

DIR holds base/ and length/ as `deepmotion train base --out DIR/base` writes them.
"""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def load_level1(directory, tokenizer, device="cpu"):
    """A CascadePipeline of one level: DIR/base, DIR/length, the tokenizer, the encoder base trained with."""
    from deepmotion.engine.cascade import DENOISERS, LENGTH
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.pipeline import CascadePipeline, load_denoiser, load_length
    from deepmotion.engine.request import GenerationLimits
    from deepmotion.engine.text import load_text_encoder
    directory = Path(directory)
    model, cfg, mean, std = load_denoiser(directory / DENOISERS[1].directory, 1)
    length = load_length(directory / LENGTH.directory)
    seconds = cfg.get("train", {}).get("max_seconds", 10.0)
    pipe = CascadePipeline(Tokenizer.load(tokenizer, device), load_text_encoder(cfg["text_encoder"], device),
                           {1: model.to(device)}, length.to(device), {1: (mean.to(device), std.to(device))},
                           GenerationLimits(min_duration_s=1.0, max_duration_s=seconds))
    pipe.meta = {"model_version": f"level 1 of {directory}", "licence": "see the training data",
                 "text_encoder": cfg["text_encoder"]}
    return pipe


def main(argv=None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if "--" not in argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index("--")
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("directory", type=Path, help="holds base/ and length/ (deepmotion train base)")
    p.add_argument("--tokenizer", type=Path, default=None, help="default: the shipped model's")
    args = p.parse_args(argv[:cut])
    command = argv[cut + 1:]
    if not (args.directory / "base").is_dir() or not (args.directory / "length").is_dir():
        print(f"{args.directory}: needs base/ and length/ (deepmotion train base --out {args.directory}/base)",
              file=sys.stderr)
        return 2
    import deepmotion.engine.pipeline as pipeline
    from deepmotion.engine.assets import default_model_path
    tokenizer = args.tokenizer or default_model_path() / "tokenizer"
    original = pipeline.load_cascade
    pipeline.load_cascade = lambda path=None, device="cpu", text_encoder=None: load_level1(args.directory, tokenizer, device)
    try:
        if command[:1] == ["actions_by_label"]:
            sys.path.insert(0, str(Path(__file__).parent))
            import actions_by_label
            return actions_by_label.main(command[1:])
        from deepmotion.cli import main as deepmotion
        return deepmotion(command)
    finally:  # a caller in the same process (a test) gets the real loader back
        pipeline.load_cascade = original


if __name__ == "__main__":
    sys.exit(main())
