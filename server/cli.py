"""The `deepmotion` command: data pipeline today; training, generation and serving join it."""
from __future__ import annotations

import argparse
import sys

from deepmotion_client.motion.bvh import BVHError


def _known_errors() -> tuple[type[BaseException], ...]:
    from deepmotion.engine.data.bandai import ArchiveError
    from deepmotion.engine.data.dataset import DatasetError
    from deepmotion.engine.data.importers import FolderImportError
    from deepmotion.engine.checkpoint import CheckpointError
    from deepmotion.engine.data.sources import SourceError
    return (CheckpointError, BVHError, ArchiveError, DatasetError, FolderImportError, SourceError, KeyError, OSError, ValueError)


def build_parser() -> argparse.ArgumentParser:
    from deepmotion.engine.data import cli as data_cli
    from deepmotion.engine import generate
    from deepmotion.engine.evaluation import cli as eval_cli
    from deepmotion.engine.training import cli as train_cli

    from . import bench

    ap = argparse.ArgumentParser(prog="deepmotion", description="DeepMotion bridge: text-to-motion engine and server")
    sub = ap.add_subparsers(dest="command", required=True, metavar="COMMAND")
    data_cli.add_commands(sub)
    train_cli.add_commands(sub)
    generate.add_commands(sub)
    eval_cli.add_commands(sub)
    add_serve_command(sub)
    bench.add_commands(sub)
    return ap


def add_serve_command(sub) -> None:
    from pathlib import Path
    p = sub.add_parser("serve", help="serve the model over gRPC (MotionService, health, reflection)")
    p.add_argument("--model", "--checkpoint", dest="model", type=Path, default=None,
                   help="model directory (default: the shipped model)")
    p.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=50051, help="port (0 = any free port, printed at start)")
    p.add_argument("--device", default="auto", help="auto, cpu or cuda[:N]")
    p.add_argument("--max-batch", type=int, default=8, help="requests batched onto the engine at once")
    p.add_argument("--max-queue", type=int, default=32, help="waiting requests before RESOURCE_EXHAUSTED")
    p.add_argument("--batch-wait-ms", type=float, default=10.0, help="how long a request waits for company")
    p.add_argument("--token-file", type=Path, default=None, help="require 'authorization: Bearer <token>'")
    p.add_argument("--tls-cert", type=Path, default=None)
    p.add_argument("--tls-key", type=Path, default=None)
    p.add_argument("--grace", type=float, default=30.0, help="seconds in-flight streams get on SIGTERM")
    p.set_defaults(func=cmd_serve)


def cmd_serve(args) -> int:
    import asyncio
    import logging

    from deepmotion.engine.assets import default_model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade

    from .app import MotionServer, read_token

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    if (args.tls_cert is None) != (args.tls_key is None):
        raise ValueError("--tls-cert and --tls-key go together")
    tls = (args.tls_cert.read_bytes(), args.tls_key.read_bytes()) if args.tls_cert else None
    token = read_token(args.token_file) if args.token_file else None
    device = resolve_device(args.device)
    model = args.model or default_model_path()

    async def run():
        server = MotionServer(lambda: load_cascade(model, device), args.host, args.port, args.max_batch,
                              args.max_queue, args.batch_wait_ms / 1000, token, tls, args.grace)
        server.install_signal_handlers()
        port = await server.start()
        print(f"deepmotion serve: ready on {args.host}:{port}", flush=True)
        await server.stopped.wait()
        print("deepmotion serve: stopped", flush=True)

    asyncio.run(run())
    return 0


def main(argv=None) -> int:
    ap = build_parser()
    args = ap.parse_args(argv)
    try:
        return args.func(args)
    except _known_errors() as e:
        msg = e.args[0] if isinstance(e, KeyError) and e.args else e
        print(f"deepmotion: error: {msg}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("deepmotion: interrupted", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
