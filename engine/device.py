"""`--device auto|cpu|cuda`: one rule for every command."""
from __future__ import annotations

import torch
from deepmotion_client.errors import UsageError


def resolve_device(spec: str = "auto") -> torch.device:
    spec = (spec or "auto").lower()
    if spec == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if spec.startswith("cuda"):
        if not torch.cuda.is_available():
            raise UsageError(f"--device {spec}: no CUDA device is available here; use --device cpu or auto")
        return torch.device(spec)
    if spec == "cpu":
        return torch.device("cpu")
    raise UsageError(f"--device must be auto, cpu or cuda[:N], got {spec!r}")


def server_threads(cores: int | None = None) -> int:
    """Intra-op threads for a serving process. The server's own threads (the gRPC poller, the
    event loop, the clients it streams to) need a core: measured on 2 cores (benchmarks/
    breakdown.py, a 10-s clip through `deepmotion serve`), 2 torch threads gave first frames in
    340 ms and the final level in 750 ms, 1 thread 149 ms and 376 ms. So one core is left to the
    server; the model is small, so more than 8 threads add little."""
    import os
    cores = cores or os.cpu_count() or 1
    return max(1, min(8, cores - 1))


def configure_threads(threads: int | None) -> int:
    """Sets torch's intra-op threads (None: server_threads()); -> the number in force."""
    n = threads if threads and threads > 0 else server_threads()
    torch.set_num_threads(n)
    return n
