"""Reliability under attack, repeatable (issue 17): a real `deepmotion serve` process on loopback,
attacked the way an operator's security team would, with the figures an operator asks for.

1. bad inputs: hand-made bad requests (every field, wrong types of history and segments) and
   random ones (fields drawn at random, garbage bodies): each must get INVALID_ARGUMENT (or OK
   when it happens to be valid), never another code, never a traceback in the server's log;
2. garbage bytes and half-open connections on the port, then a normal request;
3. load: 64 and 128 concurrent streams (OK / RESOURCE_EXHAUSTED / other, first-frame p50/p95);
4. disconnects: clients that cancel mid-stream; the work they leave is freed (active streams
   back to 0) within 1 s;
5. a soak of N requests: first-frame p50/p95/p99, RSS of the server every 100 requests;
6. at the end: the process is alive, health SERVING, zero tracebacks, zero malformed streams.

    .venv/bin/python benchmarks/reliability.py [--model DIR] [--soak 1000] [--json out.json]
"""
from __future__ import annotations

import argparse
import os
import random
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import grpc
from report import emit

NAN, INF = float("nan"), float("inf")


def bad_requests(pb) -> list[tuple[str, object]]:
    """(name, GenerateRequest or raw bytes) that a server must refuse with INVALID_ARGUMENT."""
    R = pb.GenerateRequest
    q = [0.0, 0.0, 0.0, 1.0]

    def hist(frames=8, joints=22, root=0.0, quat=None, count=None):
        h = pb.MotionFrames(frame_count=frames if count is None else count)
        h.root_positions.extend([root] * 3 * frames)
        h.local_rotations.extend((quat or q) * joints * frames)
        return h

    out = [
        ("empty text", R(text="")), ("spaces only", R(text="   \t\n")), ("text over max_text_chars", R(text="a" * 5000)),
        ("CJK over the token limit", R(text="人" * 600)), ("duration NaN", R(text="walk", duration_s=NAN)),
        ("duration inf", R(text="walk", duration_s=INF)), ("duration negative", R(text="walk", duration_s=-3)),
        ("duration absurd", R(text="walk", duration_s=1e9)), ("duration tiny", R(text="walk", duration_s=1e-6)),
        ("guidance NaN", R(text="walk", guidance_scale=NAN)), ("guidance negative", R(text="walk", guidance_scale=-1)),
        ("guidance huge", R(text="walk", guidance_scale=1e6)), ("max_level 99", R(text="walk", max_level=99)),
        ("request_id with spaces", R(text="walk", request_id="a b")), ("request_id huge", R(text="walk", request_id="x" * 500)),
        ("history NaN root", R(text="walk", duration_s=2, history=hist(root=NAN))),
        ("history inf root", R(text="walk", duration_s=2, history=hist(root=INF))),
        ("history NaN quaternion", R(text="walk", duration_s=2, history=hist(quat=[NAN, 0, 0, 1]))),
        ("history zero quaternion", R(text="walk", duration_s=2, history=hist(quat=[0, 0, 0, 0]))),
        ("history long quaternion", R(text="walk", duration_s=2, history=hist(quat=[0, 0, 0, 2]))),
        ("history 21 joints", R(text="walk", duration_s=2, history=hist(joints=21))),
        ("history 23 joints", R(text="walk", duration_s=2, history=hist(joints=23))),
        ("history too many frames", R(text="walk", duration_s=2, history=hist(frames=5000))),
        ("history too few frames", R(text="walk", duration_s=2, history=hist(frames=2))),
        ("history count mismatch", R(text="walk", duration_s=2, history=hist(count=9))),
        ("history count zero with data", R(text="walk", duration_s=2, history=hist(count=0))),
        ("segment empty text", R(segments=[pb.Segment(text="", duration_s=2)])),
        ("segment zero length", R(segments=[pb.Segment(text="walk", duration_s=0)])),
        ("segment NaN length", R(segments=[pb.Segment(text="walk", duration_s=NAN)])),
        ("segment too long", R(segments=[pb.Segment(text="walk", duration_s=1e4)])),
        ("too many segments", R(segments=[pb.Segment(text="walk", duration_s=1)] * 40)),
        ("timeline too long", R(segments=[pb.Segment(text="walk", duration_s=10)] * 10)),
        ("text and segments", R(text="walk", segments=[pb.Segment(text="wave", duration_s=2)])),
        ("control characters", R(text="\x00\x01\x02")),
        ("garbage body", b"\xff\xff\xff\xff\x0f garbage"), ("truncated varint", b"\x08\xff\xff"),
        ("wrong wire type", b"\x12\x05\x08"), ("nested garbage", b"\x4a\x03\xff\xff\xff"),
        ("lone surrogate bytes", b"\x12\x03\xed\xa0\x80"),
    ]
    return out


def random_requests(pb, n: int, seed: int) -> list[tuple[str, object]]:
    rng = random.Random(seed)
    pick = lambda *xs: rng.choice(xs)  # noqa: E731
    out = []
    for i in range(n):
        if rng.random() < 0.15:
            out.append((f"random bytes {i}", bytes(rng.randrange(256) for _ in range(rng.randrange(1, 64)))))
            continue
        m = pb.GenerateRequest(text=pick("", "walk", "a person waves", "x" * rng.randrange(0, 2000), "人" * rng.randrange(0, 700)),
                               duration_s=pick(0.0, 2.0, NAN, INF, -1.0, 1e30, rng.uniform(-20, 20)),
                               guidance_scale=pick(0.0, 2.5, NAN, -5.0, rng.uniform(-50, 50)),
                               max_level=rng.randrange(0, 6), seed=rng.randrange(2 ** 64), has_seed=rng.random() < 0.5,
                               request_id=pick("", "ok-1", "bad id", "z" * rng.randrange(0, 300)))
        if rng.random() < 0.3:
            f = rng.randrange(0, 300)
            j = pick(22, 21, 0, 30)
            m.history.frame_count = pick(f, f + 1, 0)
            m.history.root_positions.extend([pick(0.0, NAN, 1e30)] * 3 * f)
            m.history.local_rotations.extend(pick([0, 0, 0, 1], [0, 0, 0, 0], [NAN, 0, 0, 1], [1, 1, 1, 1]) * j * f)
        if rng.random() < 0.3:
            for _ in range(rng.randrange(0, 20)):
                m.segments.add(text=pick("", "walk", "wave"), duration_s=pick(0.0, 2.0, NAN, 1e9, -2.0))
        out.append((f"random {i}", m))
    return out


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def well_formed(responses, pb) -> bool:
    kinds = [r.WhichOneof("payload") for r in responses]
    if not kinds or kinds[0] != "header" or kinds[-1] != "end" or "header" in kinds[1:]:
        return False
    h = responses[0].header
    levels = {r.chunk.level for r in responses if r.WhichOneof("payload") == "chunk"}
    return levels == set(h.levels) and all(
        r.chunk.start_frame + r.chunk.frame_count <= h.frame_count for r in responses if r.WhichOneof("payload") == "chunk")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--soak", type=int, default=1000)
    ap.add_argument("--random", type=int, default=300)
    ap.add_argument("--concurrency", type=int, nargs="+", default=[64, 128])
    ap.add_argument("--disconnects", type=int, default=70)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    from deepmotion_client.proto import motion_pb2 as pb
    from deepmotion_client.proto import motion_pb2_grpc as pb_grpc
    from grpc_health.v1 import health_pb2, health_pb2_grpc

    log = tempfile.NamedTemporaryFile("w+", suffix=".log", delete=False)
    cmd = [sys.executable, "-m", "deepmotion.cli", "serve", "--port", "0", "--metrics-port", "0", "--log-format", "json",
           "--device", "cpu", "--max-queue", "32", "--max-batch", "16"] + (["--model", str(args.model)] if args.model else [])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=log, text=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    port = metrics_port = None
    while port is None or metrics_port is None:
        line = proc.stdout.readline()
        if not line:
            raise SystemExit(f"server did not start; log: {Path(log.name).read_text()[-2000:]}")
        if "ready on" in line:
            port = int(line.rsplit(":", 1)[1])
        if "metrics on" in line:
            metrics_port = int(line.rsplit(":", 1)[1].split("/")[0])
    addr = f"127.0.0.1:{port}"
    channel = grpc.insecure_channel(addr)
    stub = pb_grpc.MotionServiceStub(channel)
    raw = channel.unary_stream("/deepmotion.v1.MotionService/Generate", request_serializer=lambda b: b,
                               response_deserializer=pb.GenerateResponse.FromString)
    ok_request = pb.GenerateRequest(text="a person walks forward", duration_s=4.0, seed=1, has_seed=True)
    result = {"model": str(args.model or "default")}

    # 1. bad inputs
    codes, wrong, malformed = {}, [], 0
    for name, req in bad_requests(pb) + random_requests(pb, args.random, 0):
        try:
            responses = list(raw(req) if isinstance(req, bytes) else stub.Generate(req, timeout=120))
            code = "OK"
            if not well_formed(responses, pb):
                malformed += 1
        except grpc.RpcError as e:
            code = e.code().name
        codes[code] = codes.get(code, 0) + 1
        if code not in ("INVALID_ARGUMENT", "OK") or (code == "OK" and not name.startswith("random")):
            wrong.append(f"{name}: {code}")
    result["bad_inputs"] = {"tried": sum(codes.values()), "codes": codes, "unexpected": wrong,
                            "malformed_streams": malformed}

    # 2. garbage bytes and half-open connections
    held = []
    for i in range(50):
        s = socket.create_connection(("127.0.0.1", port), timeout=5)
        if i % 2:
            s.sendall(os.urandom(256))
        held.append(s)
    after_garbage = well_formed(list(stub.Generate(ok_request, timeout=120)), pb)
    for s in held:
        s.close()
    result["garbage_and_half_open"] = {"connections": len(held), "served_after": after_garbage}

    # 3. load
    def one(req):
        t0 = time.perf_counter()
        first = None
        try:
            responses = []
            for r in stub.Generate(req, timeout=600):
                if first is None and r.WhichOneof("payload") == "chunk":
                    first = time.perf_counter() - t0
                responses.append(r)
            return ("OK" if well_formed(responses, pb) else "MALFORMED"), first
        except grpc.RpcError as e:
            return e.code().name, None

    result["load"] = {}
    for n in args.concurrency:
        with ThreadPoolExecutor(n) as ex:
            outs = list(ex.map(one, [pb.GenerateRequest(text="a person walks forward", duration_s=4.0, seed=i,
                                                        has_seed=True) for i in range(n)]))
        firsts = sorted(f for c, f in outs if f is not None)
        tally = {}
        for c, _ in outs:
            tally[c] = tally.get(c, 0) + 1
        result["load"][str(n)] = {"codes": tally, "first_frame_p50_s": statistics.median(firsts) if firsts else None,
                                  "first_frame_p95_s": firsts[int(0.95 * (len(firsts) - 1))] if firsts else None}

    # 4. disconnects
    def metric(name):
        text = urllib.request.urlopen(f"http://127.0.0.1:{metrics_port}/metrics", timeout=10).read().decode()
        for line in text.splitlines():
            if line.startswith(name + " ") or line.startswith(name + "{"):
                return float(line.rsplit(" ", 1)[1])
        return 0.0

    def vanish(i):
        call = stub.Generate(pb.GenerateRequest(text="someone runs forward", duration_s=8.0, seed=i, has_seed=True))
        for k, _ in enumerate(call):
            if k >= i % 3:
                break
        call.cancel()

    cancelled_before = metric("deepmotion_cancelled_total")
    with ThreadPoolExecutor(16) as ex:
        list(ex.map(vanish, range(args.disconnects)))
    t0 = time.perf_counter()
    while metric("deepmotion_active_streams") > 0 and time.perf_counter() - t0 < 10:
        time.sleep(0.05)
    freed_s = time.perf_counter() - t0
    result["disconnects"] = {"clients": args.disconnects,
                             "cancelled_seen": metric("deepmotion_cancelled_total") - cancelled_before,
                             "levels_skipped": metric("deepmotion_levels_skipped_total"),
                             "active_streams_zero_after_s": round(freed_s, 3)}

    # 5. soak
    rss, firsts = [rss_mb(proc.pid)], []
    with ThreadPoolExecutor(4) as ex:
        for start in range(0, args.soak, 100):
            outs = list(ex.map(one, [pb.GenerateRequest(text=random.Random(i).choice(
                ["a person walks forward", "a person waves with the right hand", "someone runs", "a person bows"]),
                duration_s=3.0, seed=i, has_seed=True) for i in range(start, min(args.soak, start + 100))]))
            firsts += [f for c, f in outs if f is not None]
            rss.append(rss_mb(proc.pid))
    firsts.sort()
    q = lambda p: round(firsts[int(p * (len(firsts) - 1))], 3) if firsts else None  # noqa: E731
    result["soak"] = {"requests": args.soak, "first_frame_p50_s": q(0.5), "p95_s": q(0.95), "p99_s": q(0.99),
                      "rss_mb_every_100": [round(x, 1) for x in rss]}

    # 6. the end
    alive = proc.poll() is None
    health = health_pb2_grpc.HealthStub(channel).Check(health_pb2.HealthCheckRequest(), timeout=10).status
    channel.close()
    proc.send_signal(signal.SIGTERM)
    proc.wait(120)
    log.seek(0)
    lines = log.read().splitlines()
    tracebacks = sum("Traceback" in x for x in lines)
    not_json = sum(1 for x in lines if x.strip() and not x.startswith("{"))
    result["end"] = {"alive": alive, "health": health_pb2.HealthCheckResponse.ServingStatus.Name(health),
                     "crashes": int(not alive), "tracebacks_in_log": tracebacks, "non_json_log_lines": not_json,
                     "exit_code": proc.returncode}
    emit(result, args.json)
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
