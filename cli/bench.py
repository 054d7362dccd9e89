"""`deepmotion bench`: the speed numbers a user compares systems by, on their own hardware.

Engine: text encoding, each level's compute for one 10-s clip, time to the first and the
final level and the real-time factor at batch 1 and 8. Server (a real MotionServer on a
loopback port in this process, the model loaded once, driven by the asyncio client): time to
first frame, time to the final level and throughput with 1, 4 and 16 concurrent clients.
Medians throughout (machines are shared and noisy); a table and, with --json, a file.
"""
from __future__ import annotations

import asyncio
import json
import statistics
import time
from pathlib import Path
from deepmotion_client.errors import UsageError
from .options import add_device, add_model, apply_steps

PROMPTS = ["a person walks forward", "someone waves with the right hand", "a man runs", "a woman bows",
           "a person raises the left hand", "someone walks and turns left", "an old man walks slowly",
           "a child waves both hands"]


def add_commands(sub) -> None:
    p = sub.add_parser("bench", help="speed: text encoding, per-level latency, time to first frame through the "
                                     "server, real-time factor, concurrent throughput")
    add_model(p)
    add_device(p)
    p.add_argument("--runs", type=int, default=10, help="timed runs per engine measurement (after one warm-up)")
    p.add_argument("--seconds", type=float, default=10.0, help="clip length for the engine measurements")
    p.add_argument("--server-seconds", type=float, default=4.0, help="clip length for the server measurements")
    p.add_argument("--clients", type=int, nargs="+", default=[1, 4, 16], help="concurrency levels")
    p.add_argument("--requests", type=int, default=2, help="requests per client at each concurrency level")
    p.add_argument("--no-server", action="store_true", help="engine measurements only")
    p.add_argument("--json", type=Path, default=None)
    p.set_defaults(func=cmd_bench)


def engine_figures(pipe, runs: int, seconds: float) -> dict:
    import torch
    enc = []
    for k in range(runs + 1):
        t0 = time.perf_counter()
        with torch.no_grad():
            pipe.text_encoder.encode([PROMPTS[k % len(PROMPTS)]])
        if k:
            enc.append(time.perf_counter() - t0)
    rows = []
    for batch in (1, 8):
        texts = PROMPTS[:batch]
        per_level: dict[int, list[float]] = {}
        firsts, finals = [], []
        for run in range(runs + 1):
            t0 = time.perf_counter()
            first = None
            for out in pipe.generate(texts, [seconds] * batch, list(range(run, run + batch))):
                first = first or time.perf_counter() - t0
                if run:
                    per_level.setdefault(out.level, []).append(out.compute_s)
            if run:
                firsts.append(first)
                finals.append(time.perf_counter() - t0)
        final = statistics.median(finals)
        rows.append({"batch": batch, "first_level_s": statistics.median(firsts), "final_level_s": final,
                     "level_compute_s": {lv: statistics.median(v) for lv, v in per_level.items()},
                     "real_time_factor": seconds * batch / final})
    return {"text_encoding_ms": statistics.median(enc) * 1000, "clip_s": seconds, "rows": rows}


async def _one(client, i, seconds):
    t0 = time.perf_counter()
    first = None
    async for r in client.generate(PROMPTS[i % len(PROMPTS)], seconds, seed=i):
        if first is None and r.WhichOneof("payload") == "chunk":
            first = time.perf_counter() - t0
    return first, time.perf_counter() - t0


async def _concurrent(port, clients, requests, seconds):
    from deepmotion_client.client import AsyncMotionClient
    async with AsyncMotionClient(f"127.0.0.1:{port}") as client:
        await _one(client, 0, seconds)  # warm-up
        sem = asyncio.Semaphore(clients)

        async def guarded(i):
            async with sem:
                return await _one(client, i, seconds)
        t0 = time.perf_counter()
        results = await asyncio.gather(*[guarded(i) for i in range(requests * clients)])
        wall = time.perf_counter() - t0
    return {"clients": clients, "requests": len(results),
            "first_frame_s": statistics.median(r[0] for r in results),
            "final_level_s": statistics.median(r[1] for r in results),
            "clips_per_s": len(results) / wall, "real_time_factor": len(results) * seconds / wall}


def server_figures(pipe, clients, requests, seconds) -> list[dict]:
    """A real MotionServer on a loopback port, in this process on its own event-loop thread,
    driven by the asyncio client from the main thread."""
    import threading

    from deepmotion.server.app import MotionServer, ServerConfig

    loop = asyncio.new_event_loop()
    thread = threading.Thread(target=loop.run_forever, name="bench-server", daemon=True)
    thread.start()
    server = MotionServer(lambda: pipe, ServerConfig(port=0, max_batch=max(16, max(clients)),
                                                     max_queue=4 * max(clients) + 8))
    try:
        port = asyncio.run_coroutine_threadsafe(server.start(), loop).result(600)
        return [asyncio.run(_concurrent(port, c, requests, seconds)) for c in clients]
    finally:
        asyncio.run_coroutine_threadsafe(server.drain(), loop).result(120)
        loop.call_soon_threadsafe(loop.stop)
        thread.join(10)


def format_bench(result: dict) -> str:
    e = result["engine"]
    lines = [f"device {result['device']}, torch threads {result['threads']}, medians of {result['runs']} runs",
             f"text encoding (one prompt): {e['text_encoding_ms']:.1f} ms", "",
             f"| engine, {e['clip_s']:g}-s clip | level 1 (s) | level 2 (s) | level 3 (s) | first level (s) | "
             "final level (s) | real-time factor |", "|---|---|---|---|---|---|---|"]
    for r in e["rows"]:
        lv = r["level_compute_s"]
        cells = " | ".join(f"{lv[k]:.3f}" if k in lv else "-" for k in (1, 2, 3))
        lines.append(f"| batch {r['batch']} | {cells} | {r['first_level_s']:.3f} | {r['final_level_s']:.3f} | "
                     f"{r['real_time_factor']:.1f} |")
    if result.get("server"):
        lines += ["", f"| server over loopback, {result['server_seconds']:g}-s clips | time to first frame (s) | "
                      "time to final level (s) | clips/s | real-time factor |", "|---|---|---|---|---|"]
        for r in result["server"]:
            lines.append(f"| {r['clients']} client{'s' if r['clients'] > 1 else ''} | {r['first_frame_s']:.3f} | {r['final_level_s']:.3f} | "
                         f"{r['clips_per_s']:.2f} | {r['real_time_factor']:.1f} |")
    return "\n".join(lines)


def cmd_bench(args) -> int:
    import torch

    from deepmotion.engine.assets import model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade

    if args.runs < 1 or args.requests < 1 or min(args.clients) < 1:
        raise UsageError("--runs, --requests and --clients must be at least 1")
    dev = resolve_device(args.device)
    pipe = apply_steps(load_cascade(model_path(args.model), dev), args)
    pipe.settings.text_cache = 0  # every prompt encoded, as a new one would be (the bench cycles a few)
    result = {"device": str(dev), "threads": torch.get_num_threads(), "runs": args.runs,
              "model": pipe.meta.get("model_version", ""),
              "engine": engine_figures(pipe, args.runs, args.seconds)}
    if not args.no_server:
        result["server_seconds"] = args.server_seconds
        result["server"] = server_figures(pipe, args.clients, args.requests, args.server_seconds)
    print(format_bench(result))
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))
    return 0
