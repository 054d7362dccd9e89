"""`deepmotion serve` in its own process, the way a game's clients meet it: the benchmark's
clients then do not share the server's interpreter (its GIL), and the server's own memory can
be read from /proc."""
from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from pathlib import Path


@contextlib.contextmanager
def served(*args: str):
    """Start `deepmotion serve --port 0 [args]`; yield (port, pid) once it is ready. The server's
    log goes to the file DEEPMOTION_SERVE_LOG names, if set (per-request timings, errors)."""
    log = os.environ.get("DEEPMOTION_SERVE_LOG")
    err = open(log, "w") if log else subprocess.DEVNULL
    proc = subprocess.Popen([sys.executable, "-m", "deepmotion.cli", "serve", "--port", "0", "--device", "cpu", *args],
                            stdout=subprocess.PIPE, stderr=err, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        port = None
        while port is None:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("deepmotion serve did not start")
            if "ready on" in line:
                port = int(line.rsplit(":", 1)[1])
        yield port, proc.pid
    finally:
        proc.terminate()
        proc.wait(30)
        if log:
            err.close()


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (MB)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")
