"""Sessions in real time against a real server (`deepmotion serve` in its own process,
loopback): how long a prompt change takes to its first new level-1 frames, alone and with other
sessions running, and how many sessions play at 20 fps without an underrun on this machine.

Each session is a thread with its own client: its playhead advances with the wall clock at
20 fps; it asks for the next piece (idle prompt) when less than `lead` seconds are left, and
says a new prompt every `every` seconds. An underrun is a moment the playhead passes the end of
what has arrived. Medians and p95 of prompt-change latency are over all sessions.

    .venv/bin/python benchmarks/sessions.py [--model DIR] [--sessions 1 8] [--seconds 30]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import threading
import time
from pathlib import Path

PROMPTS = ["a person walks forward", "a person waves with the right hand", "someone walks and turns left",
           "a person raises the left hand", "a person walks backwards"]


class LiveSession(threading.Thread):
    def __init__(self, address: str, seconds: float, every: float, lead: float, piece: float, seed: int,
                 offset: float = 0.0):
        super().__init__(daemon=True)
        self.offset = offset
        self.address, self.seconds, self.every, self.lead, self.piece, self.seed = address, seconds, every, lead, piece, seed
        self.latencies: list[float] = []   # prompt change -> first new level-1 frames (s)
        self.underruns = 0
        self.error = None

    def run(self):
        from deepmotion_client.client import MotionClient
        from deepmotion_client.session import MotionSession
        try:
            with MotionClient(self.address) as client:
                s = MotionSession(client, piece_s=self.piece, lead_s=self.lead, seed=self.seed)
                s._generate(PROMPTS[self.seed % len(PROMPTS)], 0)
                start = time.perf_counter()
                next_prompt, k, starved = self.every + self.offset, 1, False
                while (now := time.perf_counter() - start) < self.seconds:
                    s.playhead = int(now * 20)
                    if s.playhead >= s.frames:
                        if not starved:
                            self.underruns += 1
                        starved = True
                    else:
                        starved = False
                    if now >= next_prompt:
                        piece = s.say(PROMPTS[(self.seed + k) % len(PROMPTS)])
                        self.latencies.append(piece.first_frames_s)
                        next_prompt, k = next_prompt + self.every, k + 1
                    elif s.frames - s.playhead < self.lead * 20:
                        s._generate(s.idle_prompt, s.frames)
                    else:
                        time.sleep(0.01)
        except Exception as e:  # noqa: BLE001 - reported in the table
            self.error = repr(e)


def run(server_args: list[str], sessions: int, seconds: float, every: float, lead: float, piece: float,
        stagger: bool = False) -> dict:
    from served import served
    with served("--max-batch", "16", "--max-queue", "64", *server_args) as (port, _):
        threads = [LiveSession(f"127.0.0.1:{port}", seconds, every, lead, piece, seed=i,
                               offset=every * i / sessions if stagger else 0.0) for i in range(sessions)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(seconds + 120)
    lat = sorted(x for t in threads for x in t.latencies)
    return {"sessions": sessions, "prompt_changes": len(lat), "staggered": stagger, "server_args": server_args,
            "prompt_change_to_first_frames_s": {"median": statistics.median(lat) if lat else None,
                                                "p95": lat[int(0.95 * (len(lat) - 1))] if lat else None},
            "underruns": sum(t.underruns for t in threads), "errors": [t.error for t in threads if t.error],
            # per round of prompt changes (every session's k-th change): is a slow run slow throughout?
            "median_by_round_s": [statistics.median(r) for r in zip(*[t.latencies for t in threads if t.latencies])],
            "latencies_s": [t.latencies for t in threads]}


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--sessions", type=int, nargs="+", default=[1, 8])
    ap.add_argument("--seconds", type=float, default=30.0)
    ap.add_argument("--every", type=float, default=5.0, help="seconds between prompt changes per session")
    ap.add_argument("--lead", type=float, default=1.2)
    ap.add_argument("--piece", type=float, default=4.0)
    ap.add_argument("--text-cache", type=int, default=256, help="the server's --text-cache (0: every prompt encoded)")
    ap.add_argument("--stagger", action="store_true",
                    help="spread the sessions' prompt changes over the interval (default: all change at once)")
    ap.add_argument("--burst-wait-ms", type=float, default=None, help="the server's --burst-wait-ms (default: its own)")
    ap.add_argument("--threads", type=int, default=None, help="the server's --threads (default: its own)")
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    server_args = (["--model", str(args.model)] if args.model else []) + ["--text-cache", str(args.text_cache)]
    if args.burst_wait_ms is not None:
        server_args += ["--burst-wait-ms", str(args.burst_wait_ms)]
    if args.threads is not None:
        server_args += ["--threads", str(args.threads)]
    rows = [run(server_args, n, args.seconds, args.every, args.lead, args.piece, args.stagger) for n in args.sessions]
    for r in rows:
        p = r["prompt_change_to_first_frames_s"]
        print(f"{r['sessions']} session(s): {r['prompt_changes']} prompt changes, first new frames median "
              f"{p['median']:.3f} s, p95 {p['p95']:.3f} s; underruns {r['underruns']}"
              + (f"; errors {r['errors']}" if r["errors"] else ""))
    if args.json:
        args.json.write_text(json.dumps(rows, indent=2))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).parent))
    sys.exit(main())
