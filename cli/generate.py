"""`deepmotion generate "text" --out x.bvh`: text to motion straight on the engine, no server."""
from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from deepmotion_client.prompt_args import add_prompt_arguments, describe, segments_from_args

from .options import NO_PLAN_HELP, add_device, add_model, load_model


def add_commands(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("generate", help="generate motion for a prompt (or a timeline) and write BVH (engine only, no server)")
    add_prompt_arguments(p)
    p.add_argument("--map", default="auto", help="joint map of --start-from: auto, mixamo, unreal, vrm, unity, "
                                                  "canonical, bandai or a .json file")
    p.add_argument("--out", type=Path, required=True, help="output: .bvh, .glb / .gltf (glTF 2.0) or .npz")
    p.add_argument("--duration", type=float, default=0.0, help="seconds; 0 = predicted from the text")
    p.add_argument("--level", type=int, choices=[1, 2, 3], default=3, help="highest level to generate")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--guidance", type=float, default=None)
    add_model(p)
    p.add_argument("--preview", type=Path, default=None, help="also write an animated GIF")
    p.add_argument("--units", choices=["m", "cm"], default="cm")
    p.add_argument("--no-plan", action="store_true", help=NO_PLAN_HELP)
    add_device(p)
    p.set_defaults(func=cmd_generate)

    p = sub.add_parser("probes", help="text-adherence probes (held-out paraphrases) and per-level quality")
    add_model(p)
    p.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3])
    p.add_argument("--guidance", type=float, default=None)
    p.add_argument("--json", type=Path, default=None, help="also write the figures as JSON")
    p.add_argument("--timelines", action="store_true",
                   help="also run each probe prompt as the second segment of a timeline (after a walk)")
    p.add_argument("--no-plan", action="store_true", help=NO_PLAN_HELP)
    add_device(p)
    p.set_defaults(func=cmd_probes)


def cmd_generate(args) -> int:
    from deepmotion_client.motion.export import check_output_path, save_motion

    from deepmotion.engine.representation import dmv1
    from deepmotion.engine.timeline import generate_timeline

    segments = segments_from_args(args) or [(args.text, args.duration)]
    check_output_path(args.out)
    history, target = None, None
    if args.start_from:
        from deepmotion_client.motion.retarget import load_target_rig
        from deepmotion.engine.data.importers import load_joint_map
        from deepmotion.engine.data.sources import canonical_in_source_world
        # The world-space fit of the data importer, not the client's inverse retargeter: it also
        # reads rigs whose zero pose is degenerate (the Bandai-Namco takes).
        target = load_target_rig(args.start_from, args.map)  # the new frames go back onto this rig
        history = canonical_in_source_world(args.start_from, load_joint_map(args.map), dmv1.FPS)
        print(f"continuing the last {history.num_frames / dmv1.FPS:.1f} s of {args.start_from}")
    t0 = time.perf_counter()
    pipe = load_model(args)
    print(f"loaded {pipe.meta['model_version']} in {time.perf_counter() - t0:.1f} s (licence: {pipe.meta['licence']})")
    t0 = time.perf_counter()
    pipe.settings.plan_prompts = not args.no_plan
    if args.segment is None:
        from deepmotion.engine.timeline import planned_segments
        planned = planned_segments(pipe, args.text, args.duration, args.seed, args.guidance)
        if planned:
            segments = planned
            print("in order: " + " | ".join(f"{t} ({d:.1f} s)" for t, d in segments))
    for text, _ in segments:
        parts = pipe.composition(text)
        if parts:
            print(f"at once: {parts[0]} (root and legs) + {parts[1]} (upper body)")
    if len(segments) == 1 and args.segment is None and history is None:  # a plain clip (its length may be predicted)
        levels = pipe.generate([args.text], [args.duration], [args.seed], args.guidance, args.level)
    else:
        levels = generate_timeline(pipe, segments, args.seed, args.guidance, args.level, history)
    for lv in levels:  # each level is reported as soon as it exists
        level = lv.level
        motion = lv.motion()
        print(f"level {level}: {motion.num_frames} frames after {time.perf_counter() - t0:.2f} s "
              f"(this level {lv.compute_s:.2f} s)")
    canonical = motion
    if target is not None:
        target.save(args.out, target.apply(motion), args.units)
    else:
        save_motion(args.out, motion, args.units)
    written = [args.out]
    if args.preview:
        from deepmotion_client.motion.preview import save_preview
        written.append(save_preview(canonical, args.preview, describe(args, segments)))
    print(f"wrote {', '.join(map(str, written))} ({motion.num_frames} frames, {motion.duration:.1f} s, level {level})")
    return 0


def cmd_probes(args) -> int:
    from deepmotion.engine.evaluation.probes import format_probes, run_probes, run_timeline_probes

    pipe = load_model(args)
    t0 = time.perf_counter()
    pipe.settings.plan_prompts = not args.no_plan
    summary = run_probes(pipe, args.seeds, args.guidance)
    print(format_probes(summary))
    if args.timelines:
        summary["timelines"] = run_timeline_probes(pipe, args.seeds, args.guidance)
        print(format_probes(summary["timelines"]).replace("probe pass rates", "timeline segment pass rates"))
    print(f"probes took {time.perf_counter() - t0:.0f} s")
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2))
    return 0
