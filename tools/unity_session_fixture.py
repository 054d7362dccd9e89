"""The recorded multi-piece session the Unity package's tests replay (SessionTests.cs).

Runs the Python client's MotionSession on a timed script against a real server on the default
model (in this process, loopback), and writes into clients/unity/Tests/Editor/TestData/:
  session.txt          the script and the session settings (one 'key value' per line, then the events)
  session.dmrec        every response of every piece, session time (the recording format)
  session-frames.bin   the motion the Python session stitched: float32 little-endian, per frame
                       root xyz then 22 x (x, y, z, w) local rotations

The C# MotionSession must make the same switch decisions and stitch the same frames.
Regenerate (deliberately; the default model's output changes with the model):
    .venv/bin/python tools/unity_session_fixture.py
"""
from __future__ import annotations

import asyncio
import threading
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "clients/unity/Tests/Editor/TestData"
SETTINGS = {"piece_s": 2.0, "lead_s": 1.2, "switch_delay_s": 0.4, "history_s": 3.2, "step_s": 0.1, "seconds": 9.0,
            "seed": 7, "idle": "a person stands and looks around"}
EVENTS = [(0.0, "a person walks forward"), (2.5, "a person waves with the right hand"),
          (3.1, "a person jogs in place"), (5.0, "someone turns left and walks")]


def main() -> None:
    from deepmotion.engine.assets import default_model_path
    from deepmotion.engine.pipeline import load_cascade
    from deepmotion.server.app import MotionServer, ServerConfig
    from deepmotion_client.client import MotionClient
    from deepmotion_client.recording import RecordingWriter
    from deepmotion_client.session import MotionSession, run_script

    pipe = load_cascade(default_model_path())
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    server = MotionServer(lambda: pipe, ServerConfig(host="127.0.0.1", port=0))
    port = asyncio.run_coroutine_threadsafe(server.start(), loop).result(600)
    s = SETTINGS
    recorder = RecordingWriter(OUT / "session.dmrec")
    try:
        with MotionClient(f"127.0.0.1:{port}") as client:
            session = MotionSession(client, s["idle"], s["piece_s"], lead_s=s["lead_s"],
                                    switch_delay_s=s["switch_delay_s"], history_s=s["history_s"], seed=s["seed"],
                                    record=recorder)
            run_script(session, list(EVENTS), s["seconds"], s["step_s"])
    finally:
        recorder.close()
        asyncio.run_coroutine_threadsafe(server.drain(), loop).result(120)
        loop.call_soon_threadsafe(loop.stop)
    frames = np.concatenate([session.root, session.rotations.reshape(len(session.root), -1)], axis=1)
    (OUT / "session-frames.bin").write_bytes(frames.astype("<f4").tobytes())
    lines = ["# tools/unity_session_fixture.py: settings, then 'SECONDS TEXT' events; do not edit by hand"]
    lines += [f"{k} {v}" for k, v in s.items()]
    lines += [f"event {t} {text}" for t, text in EVENTS]
    lines += [f"piece {p.start_frame} {p.frames} {p.text}" for p in session.pieces]
    (OUT / "session.txt").write_text("\n".join(lines) + "\n")
    print(f"{len(session.pieces)} pieces, {len(frames)} frames; switches "
          f"{[p.start_frame for p in session.pieces]}; wrote {OUT.relative_to(ROOT)}/session.*")


if __name__ == "__main__":
    main()
