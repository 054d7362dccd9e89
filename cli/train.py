"""`deepmotion train ...` and `deepmotion tokenizer ...` commands."""
from __future__ import annotations

import argparse
import json
from pathlib import Path
from .options import add_data, add_device



def add_commands(sub: argparse._SubParsersAction) -> None:
    train = sub.add_parser("train", help="train the engine's models")
    tsub = train.add_subparsers(dest="train_command", required=True, metavar="MODEL")
    p = tsub.add_parser("tokenizer", help="train the hierarchical motion tokenizer (resumes from OUT/train_state)")
    add_data(p)
    p.add_argument("--out", type=Path, required=True, help="checkpoint directory to write")
    p.add_argument("--config", type=Path, default=None, help='JSON {"model": {...}, "train": {...}}')
    p.add_argument("--steps", type=int, default=None, help="override train.steps")
    p.add_argument("--seed", type=int, default=None, help="override train.seed")
    add_device(p)
    p.set_defaults(func=cmd_train_tokenizer)

    for name, help_ in (("base", "train the level-1 (base) denoiser and the length predictor"),
                        ("sr", "train a super-resolution denoiser (--level 2 or 3)"),
                        ("cascade", "train base, level-2 and level-3 denoisers into one model directory")):
        p = tsub.add_parser(name, help=help_)
        add_data(p)
        p.add_argument("--tokenizer", type=Path, default=None, help="tokenizer checkpoint (default: the shipped one)")
        p.add_argument("--out", type=Path, required=True,
                       help="model directory (cascade) or denoiser checkpoint directory (base, sr)")
        p.add_argument("--config", type=Path, default=None, help='JSON {"1": {...}, "2": {...}, "3": {...}} or {...}')
        p.add_argument("--steps", type=int, default=None, help="override steps (every level)")
        p.add_argument("--text-encoder", default="minilm", help="minilm, st:DIR (a sentence-transformers directory, found by name in $DEEPMOTION_TEXT_ENCODER_PATH when a model is loaded) or t5:DIR")
        add_device(p)
        if name == "sr":
            p.add_argument("--level", type=int, choices=[2, 3], required=True)
        if name == "cascade":
            p.add_argument("--name", default=None, help='model name and version, e.g. "deepmotion-default 0.1.0"')
        p.set_defaults(func=cmd_train_diffusion, mode=name)

    p = tsub.add_parser("evaluator", help="train the text-motion evaluator used by `deepmotion eval`")
    add_data(p)
    p.add_argument("--out", type=Path, required=True, help="checkpoint directory to write (resumes from OUT/train_state)")
    p.add_argument("--config", type=Path, default=None, help='JSON {"model": {...}, "train": {...}}')
    p.add_argument("--steps", type=int, default=None, help="override train.steps")
    p.add_argument("--text-encoder", default="minilm", help="minilm, st:DIR or t5:DIR (must match the models it scores)")
    add_device(p)
    p.add_argument("--export", type=Path, default=None,
                   help="also write a float16 copy without training state here (e.g. engine/assets/evaluator)")
    p.set_defaults(func=cmd_train_evaluator)

    p = tsub.add_parser("distil", help="distil a model's levels into students that take fewer steps with guidance "
                                        "inside (resumes from OUT/<part>/train_state)")
    add_data(p)
    p.add_argument("--teacher", type=Path, default=None, help="model directory to distil (default: the shipped model)")
    p.add_argument("--out", type=Path, required=True, help="model directory to write (the teacher's other parts copied)")
    p.add_argument("--config", type=Path, default=None, help='JSON {"1": {...}, "2": {...}, "3": {...}} (DistilConfig)')
    p.add_argument("--levels", type=int, nargs="+", choices=[1, 2, 3], default=[1, 2, 3])
    p.add_argument("--steps", type=int, default=None, help="override optimiser steps (every level)")
    p.add_argument("--name", default=None, help='model name and version, e.g. "deepmotion-default 0.3.0"')
    add_device(p)
    p.set_defaults(func=cmd_train_distil)

    p = sub.add_parser("model", help="manage text-to-motion model directories")
    msub = p.add_subparsers(dest="model_command", required=True, metavar="COMMAND")
    p = msub.add_parser("export", help="copy a model directory without training state, optionally as float16")
    p.add_argument("--model", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--dtype", choices=["float32", "float16"], default="float16")
    p.add_argument("--default-guidance", type=float, default=None, metavar="SCALE",
                   help="guidance scale for requests that name none (limits.default_guidance in cascade.json; "
                        "default: keep the model's). The best scale depends on the model: docs/RESULTS.md, "
                        "'Guidance scale'")
    p.set_defaults(func=cmd_model_export)

    tok = sub.add_parser("tokenizer", help="inspect a trained tokenizer")
    ksub = tok.add_subparsers(dest="tokenizer_command", required=True, metavar="COMMAND")
    p = ksub.add_parser("recon", help="reconstruct a dataset clip from its first N levels and write a BVH")
    p.add_argument("--checkpoint", type=Path, default=None, help="default: the shipped tokenizer")
    add_data(p)
    p.add_argument("--clip", required=True)
    p.add_argument("--level", type=int, choices=[1, 2, 3], default=3)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--preview", type=Path, default=None)
    p.set_defaults(func=cmd_recon)
    p = ksub.add_parser("eval", help="per-level reconstruction figures on a split")
    p.add_argument("--checkpoint", type=Path, default=None)
    add_data(p)
    p.add_argument("--split", default="test", choices=["train", "val", "test", "open"])
    p.add_argument("--max-clips", type=int, default=None)
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    add_device(p)
    p.set_defaults(func=cmd_eval)
    p = ksub.add_parser("bench", help="decode speed of a 10-second clip per level (median of 20 runs)")
    p.add_argument("--checkpoint", type=Path, default=None)
    add_device(p, default="cpu")
    p.set_defaults(func=cmd_bench)
    p = ksub.add_parser("export", help="copy a checkpoint without training state, optionally as float16")
    p.add_argument("--checkpoint", type=Path, required=True)
    p.add_argument("--out", type=Path, required=True)
    p.add_argument("--dtype", choices=["float32", "float16"], default="float32")
    p.set_defaults(func=cmd_export)


def _load(path, device="cpu"):
    from deepmotion.engine.assets import default_tokenizer_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.models.tokenizer import Tokenizer
    return Tokenizer.load(path or default_tokenizer_path(), resolve_device(device))


def cmd_train_tokenizer(args) -> int:
    import torch

    from deepmotion.engine.training.tokenizer import load_config_file, train_tokenizer
    model_cfg, cfg = load_config_file(args.config)
    if args.steps is not None:
        cfg.steps = args.steps
    if args.seed is not None:
        cfg.seed = args.seed
    torch.set_num_threads(max(1, torch.get_num_threads()))
    tok = train_tokenizer(args.data, args.out, model_cfg, cfg, args.device)
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.training.tokenizer import evaluate, format_eval
    print(format_eval(evaluate(tok, Dataset(args.data), "val", max_clips=cfg.eval_clips)))
    return 0


def cmd_train_evaluator(args) -> int:
    from deepmotion.engine.training.evaluator import load_config_file, train_evaluator
    model_cfg, cfg = load_config_file(args.config)
    if args.steps is not None:
        cfg.steps = args.steps
    train_evaluator(args.data, args.out, model_cfg, cfg, args.device, args.text_encoder)
    print(f"wrote {args.out}")
    if args.export:
        import torch

        from deepmotion.engine.checkpoint import copy_checkpoint
        from deepmotion.engine.models.evaluator import Evaluator
        copy_checkpoint(args.out, args.export, Evaluator.KIND, torch.float16)
        print(f"wrote {args.export} (float16)")
    return 0


def _diffusion_config(args, level: int):
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig
    data = json.loads(args.config.read_text()) if args.config else {}
    if str(level) in data or any(k in data for k in ("1", "2", "3")):
        data = data.get(str(level), {})
    cfg = DiffusionTrainConfig.from_dict(data)
    if args.steps is not None:
        cfg.steps = args.steps
    return cfg


def cmd_train_diffusion(args) -> int:
    import shutil

    from deepmotion.engine.data.bandai import LICENCE
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.cascade import DENOISERS, LEVELS, TOKENIZER, write_cascade_json
    from deepmotion.engine.training.diffusion import LatentData, train_denoiser
    dev = resolve_device(args.device)
    tok = _load(args.tokenizer, args.device)
    encoder = load_text_encoder(args.text_encoder, dev)
    ds = Dataset(args.data)
    levels = [1] if args.mode == "base" else [args.level] if args.mode == "sr" else list(LEVELS)
    data = LatentData(ds, tok, encoder, extend_s=max(_diffusion_config(args, k).extend_s for k in levels))
    if args.mode == "base":
        train_denoiser(data, 1, args.out, _diffusion_config(args, 1), args.device)
    elif args.mode == "sr":
        train_denoiser(data, args.level, args.out, _diffusion_config(args, args.level), args.device)
    else:
        args.out.mkdir(parents=True, exist_ok=True)
        for level in LEVELS:
            train_denoiser(data, level, args.out / DENOISERS[level].directory, _diffusion_config(args, level), args.device)
        if (args.out / TOKENIZER.directory).exists():
            shutil.rmtree(args.out / TOKENIZER.directory)
        tok.save(args.out / TOKENIZER.directory)
        licence = LICENCE if ds.meta["source"].get("kind") == "bandai-namco" else ds.meta["source"].get("licence", "see data")
        max_seconds = min(_diffusion_config(args, k).max_seconds for k in LEVELS)
        write_cascade_json(args.out, encoder.id, licence, args.name or f"deepmotion {args.out.name}", max_seconds)
        print(f"wrote text-to-motion model {args.out}")
    return 0


def cmd_train_distil(args) -> int:
    import shutil

    from deepmotion.engine.assets import model_path
    from deepmotion.engine.cascade import CASCADE_JSON, DENOISERS, PARTS, read_cascade_json
    from deepmotion.engine.checkpoint import copy_checkpoint
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade
    from deepmotion.engine.training.diffusion import LatentData
    from deepmotion.engine.training.distil import DistilConfig, distil_denoiser
    teacher_dir = model_path(args.teacher)
    dev = resolve_device(args.device)
    teacher = load_cascade(teacher_dir, dev)
    meta = read_cascade_json(teacher_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    for part in PARTS:  # every part the students do not replace, as the teacher has it
        sub = meta["parts"][part.key]
        if part.key not in {DENOISERS[k].key for k in args.levels} and not (args.out / sub).exists():
            copy_checkpoint(teacher_dir / sub, args.out / sub, part.kind)
    config = json.loads(args.config.read_text()) if args.config else {}
    extend_s = max(DistilConfig.from_dict(config.get(str(k), {})).extend_s for k in args.levels)
    data = LatentData(Dataset(args.data), teacher.tokenizer, teacher.text_encoder, extend_s=extend_s)
    data.stats = {k: (m.cpu(), s.cpu()) for k, (m, s) in teacher.latent_stats.items()}  # the teacher's normalisation
    for level in args.levels:
        cfg = DistilConfig.from_dict(config.get(str(level), {}))
        if args.steps is not None:
            cfg.steps = args.steps
        distil_denoiser(data, teacher.denoisers[level], level, args.out / meta["parts"][DENOISERS[level].key], cfg,
                        args.device)
    shutil.copy(teacher_dir / CASCADE_JSON, args.out / CASCADE_JSON)
    if args.name:
        out_meta = json.loads((args.out / CASCADE_JSON).read_text())
        out_meta["model_version"] = args.name
        (args.out / CASCADE_JSON).write_text(json.dumps(out_meta, indent=2))
    print(f"wrote distilled model {args.out} (levels {' '.join(map(str, args.levels))})")
    return 0


def cmd_recon(args) -> int:
    from deepmotion_client.motion.bvh import write_bvh

    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.representation import dmv1
    from deepmotion.engine.training.tokenizer import reconstruct
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
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.training.tokenizer import evaluate, format_eval
    res = evaluate(_load(args.checkpoint, args.device), Dataset(args.data), args.split, args.max_clips)
    print(format_eval(res))
    if args.json:
        args.json.write_text(json.dumps(res, indent=2))
    return 0


def cmd_bench(args) -> int:
    import torch

    from deepmotion.engine.training.tokenizer import decode_speed
    tok = _load(args.checkpoint, args.device)
    print(f"decode speed, 10 s clip (200 frames), device {tok.device}, {torch.get_num_threads()} threads, median of 20:")
    for r in decode_speed(tok):
        print(f"  levels 1..{r['level']}: {r['median_ms']:.1f} ms")
    return 0


def cmd_export(args) -> int:
    import torch

    from deepmotion.engine.checkpoint import copy_checkpoint
    from deepmotion.engine.models.tokenizer import Tokenizer
    copy_checkpoint(args.checkpoint, args.out, Tokenizer.KIND, getattr(torch, args.dtype))
    size = sum(f.stat().st_size for f in args.out.iterdir())
    print(f"wrote {args.out} ({size / 1e6:.2f} MB, {args.dtype})")
    return 0


def cmd_model_export(args) -> int:
    import torch

    from deepmotion.engine.cascade import CASCADE_JSON, PARTS, read_cascade_json
    from deepmotion.engine.checkpoint import copy_checkpoint
    from deepmotion.engine.request import GenerationLimits, check_guidance
    meta = read_cascade_json(args.model)
    g = args.default_guidance
    if g is not None:
        check_guidance(g, GenerationLimits(**meta.get("limits", {})), "--default-guidance")
    dtype = getattr(torch, args.dtype)
    args.out.mkdir(parents=True, exist_ok=True)
    for part in PARTS:
        sub = meta["parts"][part.key]
        copy_checkpoint(args.model / sub, args.out / sub, part.kind, dtype)
    if g is not None:
        meta["limits"] = {**meta.get("limits", {}), "default_guidance": g}
    (args.out / CASCADE_JSON).write_text(json.dumps(meta, indent=2) + "\n")
    size = sum(f.stat().st_size for f in args.out.rglob("*") if f.is_file())
    print(f"wrote {args.out} ({size / 1e6:.1f} MB, {args.dtype})")
    return 0
