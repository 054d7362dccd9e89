"""Server speed over loopback with the default model: time to first frame, time to final
level, real-time factor, and throughput with 1, 4 and 16 concurrent clients. Medians.

    .venv/bin/python benchmarks/server.py [--model DIR] [--requests 8] [--seconds 4] [--json out.json]

Starts `deepmotion serve` in a subprocess on a free port, drives it with the asyncio client,
stops it with SIGTERM. Traffic stays on 127.0.0.1.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

PROMPTS = ["a person walks forward", "someone waves with the right hand", "a man runs", "a woman bows",
           "a person raises the left hand", "someone walks and turns left", "an old man walks slowly",
           "a child waves both hands"]


async def one(client, i, seconds):
    t0 = time.perf_counter()
    first = None
    async for r in client.generate(PROMPTS[i % len(PROMPTS)], seconds, seed=i):
        if first is None and r.WhichOneof("payload") == "chunk":
            first = time.perf_counter() - t0
    return first, time.perf_counter() - t0


async def run(port, concurrency, requests, seconds):
    from deepmotion_client.client import AsyncMotionClient
    async with AsyncMotionClient(f"127.0.0.1:{port}") as client:
        await one(client, 0, seconds)  # warm-up
        sem = asyncio.Semaphore(concurrency)

        async def guarded(i):
            async with sem:
                return await one(client, i, seconds)
        t0 = time.perf_counter()
        results = await asyncio.gather(*[guarded(i) for i in range(requests * concurrency)])
        wall = time.perf_counter() - t0
    firsts = [r[0] for r in results]
    finals = [r[1] for r in results]
    return {"clients": concurrency, "requests": len(results), "first_frame_s": statistics.median(firsts),
            "final_level_s": statistics.median(finals), "throughput_clips_per_s": len(results) / wall,
            "real_time_factor": len(results) * seconds / wall}


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--requests", type=int, default=8, help="requests per client")
    ap.add_argument("--seconds", type=float, default=4.0)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args()
    cmd = [sys.executable, "-m", "deepmotion.server.cli", "serve", "--port", "0", "--max-batch", "16",
           "--max-queue", "64"] + (["--model", str(args.model)] if args.model else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        port = None
        while port is None:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("server failed to start")
            if "ready on" in line:
                port = int(line.rsplit(":", 1)[1])
        rows = [asyncio.run(run(port, c, args.requests, args.seconds)) for c in (1, 4, 16)]
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
    print(f"loopback, {args.seconds:g} s clips, {args.requests} requests per client, medians")
    print("| clients | time to first frame (s) | time to final level (s) | clips/s | real-time factor |")
    print("|---|---|---|---|---|")
    for r in rows:
        print(f"| {r['clients']} | {r['first_frame_s']:.3f} | {r['final_level_s']:.3f} | "
              f"{r['throughput_clips_per_s']:.2f} | {r['real_time_factor']:.1f} |")
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
