"""Where the time of one request goes (issue 16), engine and server path, on a model directory:
text encoding, each level's sampling (the denoiser steps) and its snap + decode, the frames
(placement, quaternions, forward kinematics), protobuf packing, and what the server path adds
(event-loop hops, transport) over the engine alone. Medians over runs, 2 threads, batch 1.

    .venv/bin/python benchmarks/breakdown.py [--model DIR] [--seconds 10] [--runs 9] [--json out.json]
"""
from __future__ import annotations

import argparse
import asyncio
import statistics
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path

from report import emit


class Timers:
    """Wraps callables so each call's wall time is added to a named bucket of the current run."""

    def __init__(self):
        self.run: dict[str, float] = defaultdict(float)
        self.runs: list[dict[str, float]] = []

    def wrap(self, owner, name: str, label: str):
        fn = getattr(owner, name)
        timers = self

        def timed(*a, **k):
            t0 = time.perf_counter()
            try:
                return fn(*a, **k)
            finally:
                timers.run[label] += time.perf_counter() - t0
        setattr(owner, name, timed)

    def next(self):
        self.runs.append(dict(self.run))
        self.run = defaultdict(float)

    def medians(self) -> dict[str, float]:
        keys = sorted({k for r in self.runs for k in r})
        return {k: round(statistics.median(r.get(k, 0.0) for r in self.runs) * 1000, 2) for k in keys}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    import torch
    torch.set_num_threads(2)
    import deepmotion.engine.pipeline as P
    from deepmotion.engine.assets import model_path
    from deepmotion.server import frames as F
    from deepmotion_client.proto import motion_pb2 as pb

    pipe = P.load_cascade(model_path(args.model))
    timers = Timers()
    level_of = {"current": 0}
    sample = P.ddim_sample

    def timed_sample(*a, **k):
        t0 = time.perf_counter()
        try:
            return sample(*a, **k)
        finally:
            timers.run[f"level {level_of['current']}: sampling (denoiser steps)"] += time.perf_counter() - t0
    P.ddim_sample = timed_sample
    run_level = pipe.run_level

    def timed_level(prompts, level, guidance):
        level_of["current"] = level
        t0 = time.perf_counter()
        try:
            return run_level(prompts, level, guidance)
        finally:
            timers.run[f"level {level}: whole stage"] += time.perf_counter() - t0
    pipe.run_level = timed_level
    timers.wrap(pipe.text_encoder, "encode", "text encoding")
    pipe.settings.text_cache = 0  # the same prompt every run: encode it every time, as a new one would be
    output = pb.OutputOptions()
    text = "a person walks forward and waves with the right hand"
    for run in range(args.runs + 1):
        t0 = time.perf_counter()
        first = None
        for out in pipe.generate([text], [args.seconds], [run]):
            first = first or time.perf_counter() - t0
            feats = out.features[0]
            placement = out.placements[0]
            t1 = time.perf_counter()
            F.frames_from_features(feats, output.root_motion, placement)
            t2 = time.perf_counter()
            list(F.chunks(out.level, feats, output, placement=placement))
            t3 = time.perf_counter()
            timers.run[f"level {out.level}: frames (placement, quaternions, FK)"] += t2 - t1
            timers.run[f"level {out.level}: protobuf packing"] += (t3 - t2) - (t2 - t1)
        timers.run["engine: first level"] = first
        timers.run["engine: final level"] = time.perf_counter() - t0
        if run:
            timers.next()
        else:
            timers.run.clear()
    engine = timers.medians()
    for k in list(engine):
        if k.endswith("whole stage"):
            lv = k.split(":")[0]
            engine[f"{lv}: snap + decode + rest"] = round(engine[k] - engine.get(f"{lv}: sampling (denoiser steps)", 0), 2)
    P.ddim_sample = sample
    pipe.run_level = run_level

    # The same request through a real server on loopback.
    from deepmotion.server.app import MotionServer, ServerConfig
    from deepmotion_client.client import AsyncMotionClient
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    server = MotionServer(lambda: pipe, ServerConfig(host="127.0.0.1", port=0))
    port = asyncio.run_coroutine_threadsafe(server.start(), loop).result(600)

    async def through_server(seed):
        async with AsyncMotionClient(f"127.0.0.1:{port}") as c:
            t0 = time.perf_counter()
            first = None
            async for r in c.generate(text, args.seconds, seed):
                if first is None and r.WhichOneof("payload") == "chunk":
                    first = time.perf_counter() - t0
            return first, time.perf_counter() - t0
    rows = [asyncio.run(through_server(s)) for s in range(args.runs + 1)][1:]
    asyncio.run_coroutine_threadsafe(server.drain(), loop).result(120)
    first_s = statistics.median(r[0] for r in rows) * 1000
    final_s = statistics.median(r[1] for r in rows) * 1000
    result = {"model": str(args.model or "default"), "seconds": args.seconds, "runs": args.runs,
              "threads": torch.get_num_threads(), "engine_ms": engine,
              "server_ms": {"first frames": round(first_s, 1), "final level": round(final_s, 1),
                            "server path adds to first frames": round(first_s - engine["engine: first level"], 1),
                            "server path adds to the final level": round(final_s - engine["engine: final level"], 1)}}
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
