"""`deepmotion train ...` and `deepmotion tokenizer ...` commands."""
from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_DATA = Path("data/cache/bandai-dm-v1")


def add_commands(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="train the engine's models")
    tsub = train.add_subparsers(dest="train_command", required=True, metavar="MODEL")
    p = tsub.add_parser("tokenizer", help="train the hierarchical motion tokenizer (resumes from OUT/train_state)")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help=f"dataset directory (default {DEFAULT_DATA})")
    p.add_argument("--out", type=Path, required=True, help="checkpoint directory to write")
    p.add_argument("--config", type=Path, default=None, help='JSON {"model": {...}, "train": {...}}')
    p.add_argument("--steps", type=int, default=None, help="override train.steps")
    p.add_argument("--seed", type=int, default=None, help="override train.seed")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda[:N]")
    p.set_defaults(func=cmd_train_tokenizer)

    tok = sub.add_parser("tokenizer", help="inspect a trained tokenizer")
    ksub = tok.add_subparsers(dest="tokenizer_command", required=True, metavar="COMMAND")
    p = ksub.add_parser("recon", help="reconstruct a dataset clip from its first N levels and write a BVH")
    p.add_argument("--checkpoint", type=Path, default=None, help="default: the shipped tokenizer")
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--clip", required=True)
    p.add_argument("--level", type=int, choices=[1, 2, 3], default=3)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--preview", type=Path, default=None)
    p.set_defaults(func=cmd_recon)
    p = ksub.add_parser("eval", help="per-level reconstruction figures on a split")
    p.add_argument("--checkpoint", type=Path, default=None)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA)
    p.add_argument("--split", default="test", choices=["train", "val", "test"])
    p.add_argument("--max-clips", type=int, default=None)
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    p.add_argument("--device", default="auto")
    p.set_defaults(func=cmd_eval)
    p = ksub.add_parser("bench", help="decode speed of a 10-second clip per level (median of 20 runs)")
    p.add_argument("--checkpoint", type=Path, default=None)
    p.add_argument("--device", default="cpu")
    p.set_defaults(func=cmd_bench)
    p = ksub.add_parser("export", help="copy a checkpoint without training state, optionally as float16")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--dtype", choices=["float32", "float16"], default="float32")
    p.set_defaults(func=cmd_export)


def _load(path, device="cpu"):
    from ..assets import default_tokenizer_path
    from ..device import resolve_device
    from ..models.tokenizer import Tokenizer
    return Tokenizer.load(path or default_tokenizer_path(), resolve_device(device))


def cmd_train_tokenizer(args) -> int:
    import torch
    from .tokenizer import load_config_file, train_tokenizer
    model_cfg, cfg = load_config_file(args.config)
    if args.steps is not None:
        cfg.steps = args.steps
    if args.seed is not None:
        cfg.seed = args.seed
    torch.set_num_threads(max(1, torch.get_num_threads()))
    tok = train_tokenizer(args.data, args.out, model_cfg, cfg, args.device)
    from ..data.dataset import Dataset
    from .tokenizer import evaluate, format_eval
    print(format_eval(evaluate(tok, Dataset(args.data), "val", max_clips=cfg.eval_clips)))
    return 0


def cmd_recon(args) -> int:
    from deepmotion_client.motion.bvh import write_bvh

    from ..data.dataset import Dataset
    from ..representation import dmv1
    from .tokenizer import reconstruct
    tok = _load(args.checkpoint)
    ds = Dataset(args.data)
    i = ds.index(args.clip)
    rec = reconstruct(tok, ds.features_of(i).astype("float32"), args.level)
    motion = dmv1.decode(rec)
    write_bvh(args.out, motion)
    print(f"wrote {args.out}: clip {args.clip} through levels 1..{args.level} ({motion.num_frames} frames)")
    if args.preview:
        from deepmotion_client.motion.preview import render_gif
        render_gif(motion, args.preview, title=f"level {args.level}")
        print(f"wrote {args.preview}")
    return 0


def cmd_eval(args) -> int:
    from ..data.dataset import Dataset
    from .tokenizer import evaluate, format_eval
    res = evaluate(_load(args.checkpoint, args.device), Dataset(args.data), args.split, args.max_clips)
    print(format_eval(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


def cmd_bench(args) -> int:
    import torch
    from .tokenizer import decode_speed
    tok = _load(args.checkpoint, args.device)
    print(f"decode speed, 10 s clip (200 frames), device {tok.device}, {torch.get_num_threads()} threads, median of 20:")
    for r in decode_speed(tok):
        print(f"  levels 1..{r['level']}: {r['median_ms']:.1f} ms")
    return 0


def cmd_export(args) -> int:
    import torch
    tok = _load(args.checkpoint)
    tok.save(args.out, dtype=torch.float16 if args.dtype == "float16" else torch.float32)
    size = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.2f} MB, {args.dtype})")
    return 0
