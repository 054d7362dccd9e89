"""`deepmotion generate "text" --out x.bvh`: text to motion straight on the engine, no server."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from .options import add_device, add_model, load_model


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate motion for a prompt and write BVH (engine only, no server)")
    p.add_argument("text")
    p.add_argument("--out", type=Path, required=True, help="output: .bvh, .glb / .gltf (glTF 2.0) or .npz")
    p.add_argument("--duration", type=float, default=0.0, help="seconds; 0 = predicted from the text")
    p.add_argument("--level", type=int, choices=[1, 2, 3], default=3, help="highest level to generate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--guidance", type=float, default=None)
    add_model(p)
    p.add_argument("--preview", type=Path, default=None, help="also write an animated GIF")
    p.add_argument("--units", choices=["m", "cm"], default="cm")
    add_device(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("probes", help="text-adherence probes (held-out paraphrases) and per-level quality")
    add_model(p)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    p.add_argument("--guidance", type=float, default=None)
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    add_device(p)
    p.set_defaults(func=cmd_probes)


def cmd_generate(args) -> int:
    from deepmotion_client.motion.export import check_output_path, save_motion

    from deepmotion.engine.representation import dmv1

    check_output_path(args.out)
    t0 = time.perf_counter()
    pipe = load_model(args)
    print(f"loaded {pipe.meta['model_version']} in {time.perf_counter() - t0:.1f} s (licence: {pipe.meta['licence']})")
    t0 = time.perf_counter()
    last = None
    for out in pipe.generate([args.text], [args.duration], [args.seed], args.guidance, args.level):
        print(f"level {out.level}: {len(out.features[0])} frames after {time.perf_counter() - t0:.2f} s "
              f"(this level {out.compute_s:.2f} s)")
        last = out
    motion = dmv1.decode(last.features[0])
    save_motion(args.out, motion, args.units)
    written = [args.out]
    if args.preview:
        from deepmotion_client.motion.preview import save_preview
        written.append(save_preview(motion, args.preview, args.text))
    print(f"wrote {', '.join(map(str, written))} ({motion.num_frames} frames, {motion.duration:.1f} s, level {last.level})")
    return 0


def cmd_probes(args) -> int:
    from deepmotion.engine.evaluation.probes import format_probes, run_probes

    pipe = load_model(args)
    t0 = time.perf_counter()
    summary = run_probes(pipe, args.seeds, args.guidance)
    print(format_probes(summary))
    print(f"probes took {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0
