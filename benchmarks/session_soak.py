"""A long session against a real server (`deepmotion serve` in its own process, loopback): a
10-minute timed script with a prompt change every 10 s (60 changes), idle pieces in between.
Reports whether the whole motion is finite, bone lengths exact, hips height within the
capture's range, the seams, and the server's resident memory over time (it should stay flat).

    .venv/bin/python benchmarks/session_soak.py [--model DIR] [--minutes 10] [--every 10]
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
from report import emit

ROOT = Path(__file__).resolve().parents[1]
PROMPTS = ["a person walks forward", "a person waves with the right hand", "someone walks and turns left",
           "a person raises the left hand", "a person walks backwards", "someone runs forward",
           "a person bows", "an old man walks slowly", "a person walks and turns right", "someone waves both hands"]


def capture_hips_range() -> tuple[float, float] | None:
    cache = ROOT / "data" / "cache" / "bandai-dm-v4" / "clips.npz"
    if not cache.exists():
        return None
    heights = np.load(cache)["root_positions"][:, 1]
    return float(heights.min()), float(heights.max())


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--minutes", type=float, default=10.0)
    ap.add_argument("--every", type=float, default=10.0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    from served import rss_mb, served

    from deepmotion.engine.evaluation.seams import seam_ratios
    from deepmotion_client.client import MotionClient
    from deepmotion_client.session import MotionSession, run_script

    capture = capture_hips_range()
    total = args.minutes * 60
    events = [(i * args.every, PROMPTS[i % len(PROMPTS)]) for i in range(int(total // args.every))]
    memory = []
    t0 = time.perf_counter()
    with served(*(["--model", str(args.model)] if args.model else [])) as (port, pid), \
            MotionClient(f"127.0.0.1:{port}") as client:
        session = MotionSession(client, piece_s=4.0)
        original = session._generate

        def generate_and_sample(text, switch):
            piece = original(text, switch)
            if len(session.pieces) % 10 == 0:
                memory.append((len(session.pieces), rss_mb(pid)))
            return piece
        session._generate = generate_and_sample
        run_script(session, events, total)
    motion = session.motion()
    pos = motion.joint_positions()
    bones = np.linalg.norm(pos[:, 1:] - pos[:, motion.skeleton.parents[1:]], axis=-1)
    hips = motion.root_positions[:, 1]
    seams = seam_ratios(pos, session.seams())
    acc = np.array([s["acceleration_ratio"] for s in seams])
    result = {
        "seconds": motion.duration, "prompt_changes": len(events), "pieces": len(session.pieces),
        "wall_s": time.perf_counter() - t0, "finite": bool(np.isfinite(pos).all()),
        "bone_length_range_mm": float((bones.max(0) - bones.min(0)).max() * 1000),
        "hips_height_m": [float(hips.min()), float(hips.max())], "capture_hips_height_m": capture,
        "seam_acceleration_ratio": {"median": float(np.median(acc)), "p90": float(np.percentile(acc, 90)),
                                    "within_1.5": float((acc <= 1.5).mean())},
        "server_rss_mb_by_piece": memory,
    }
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
