"""`deepmotion eval`: the field's text-to-motion metrics for a model (see suite.py)."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from deepmotion_client.errors import UsageError
from .options import NO_PLAN_HELP, add_data, add_device, add_model, apply_steps



def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("eval", help="R-precision, FID, MM-Dist, Diversity, MultiModality and physical figures "
                                    "for ground truth, each level and a retrieval baseline")
    add_model(p)
    p.add_argument("--evaluator", type=Path, default=None, help="evaluator checkpoint (default: the shipped one)")
    add_data(p)
    p.add_argument("--split", default="test", choices=["train", "val", "test", "open"])
    p.add_argument("--replications", type=int, default=3, help="repeats with new captions and seeds (Guo et al.: 20)")
    p.add_argument("--kind", choices=["single", "spatial", "temporal", "composed"], default=None,
                   help="only clips of this kind: single captured actions, two at once (spatial), one after the "
                        "other (temporal), or both composed kinds")
    p.add_argument("--max-clips", type=int, default=None, help="evaluate a random subset of the split")
    p.add_argument("--mm-texts", type=int, default=30, help="captions used for MultiModality")
    p.add_argument("--mm-samples", type=int, default=10, help="generations per MultiModality caption")
    p.add_argument("--batch", type=int, default=16)
    p.add_argument("--guidance", type=float, default=None, help="classifier-free guidance (default: the model's)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--json", type=Path, default=None, help="also write the results as JSON")
    p.add_argument("--no-plan", action="store_true", help=NO_PLAN_HELP)
    add_device(p)
    p.set_defaults(func=cmd_eval)


def cmd_eval(args) -> int:
    from deepmotion.engine.assets import default_evaluator_path, model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.models.evaluator import Evaluator
    from deepmotion.engine.pipeline import load_cascade
    from deepmotion.engine.evaluation.suite import KIND_CHOICES, EvalSettings, format_results, run_evaluation

    if args.replications < 1:
        raise UsageError(f"--replications must be at least 1, got {args.replications}")
    if args.mm_samples < 2:
        raise UsageError(f"--mm-samples must be at least 2, got {args.mm_samples}")
    dev = resolve_device(args.device)
    pipe = apply_steps(load_cascade(model_path(args.model), dev), args)
    pipe.settings.plan_prompts = not args.no_plan
    evaluator = Evaluator.load(args.evaluator or default_evaluator_path(), dev, pipe.text_encoder)
    settings = EvalSettings(args.split, args.replications, args.max_clips, args.mm_texts, args.mm_samples,
                            args.batch, args.guidance, args.seed, KIND_CHOICES[args.kind] if args.kind else None)
    result = run_evaluation(pipe, evaluator, args.data, settings)
    print(format_results(result))
    print(f"\nwall time {result['wall_s']:.0f} s on {dev}")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0
