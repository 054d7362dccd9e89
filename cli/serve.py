"""`deepmotion serve`: the gRPC server on a model, until SIGTERM/SIGINT drains it."""
from __future__ import annotations

from pathlib import Path

from .options import NO_PLAN_HELP, add_device, add_model, apply_steps
from deepmotion_client.errors import UsageError


def add_commands(sub) -> None:
    p = sub.add_parser("serve", help="serve the model over gRPC (MotionService, health, reflection)")
    add_model(p)
    p.add_argument("--host", default="127.0.0.1", help="address to bind (0.0.0.0 for every interface)")
    p.add_argument("--port", type=int, default=50051, help="port (0 = any free port, printed at start)")
    add_device(p)
    p.add_argument("--max-batch", type=int, default=8, help="requests batched onto the engine at once")
    p.add_argument("--max-queue", type=int, default=32, help="waiting requests before RESOURCE_EXHAUSTED")
    p.add_argument("--batch-wait-ms", type=float, default=10.0,
                   help="how long a request waits for company while others are under way")
    p.add_argument("--burst-wait-ms", type=float, default=3.0,
                   help="how long a request reaching an idle server waits for requests sent with it (0: none)")
    p.add_argument("--token-file", type=Path, default=None, help="require 'authorization: Bearer <token>'")
    p.add_argument("--tls-cert", type=Path, default=None)
    p.add_argument("--tls-key", type=Path, default=None)
    p.add_argument("--grace", type=float, default=30.0, help="seconds in-flight streams get on SIGTERM")
    p.add_argument("--metrics-port", type=int, default=None,
                   help="serve Prometheus metrics on http://HOST:PORT/metrics (0 = any free port, printed at start)")
    p.add_argument("--threads", type=int, default=None,
                   help="torch intra-op threads of the engine (default: one core fewer than the machine has, 1..8; "
                        "the server's own threads need the other)")
    p.add_argument("--text-cache", type=int, default=256, metavar="N",
                   help="encoded prompts kept for reuse (sessions repeat their idle prompt; 0: off; default 256)")
    p.add_argument("--no-plan", action="store_true", help=NO_PLAN_HELP)
    p.add_argument("--log-format", choices=["text", "json"], default="text",
                   help="log lines as text or JSON objects, each with the request id (default: text)")
    p.set_defaults(func=cmd_serve)


def config_from_args(args):
    from deepmotion.server.app import ServerConfig, read_token
    if (args.tls_cert is None) != (args.tls_key is None):
        raise UsageError("--tls-cert and --tls-key go together")
    for flag, ms in (("--batch-wait-ms", args.batch_wait_ms), ("--burst-wait-ms", args.burst_wait_ms)):
        if not 0 <= ms <= 1000:
            raise UsageError(f"{flag} must be between 0 and 1000 (ms), got {ms}")
    tls = (args.tls_cert.read_bytes(), args.tls_key.read_bytes()) if args.tls_cert else None
    token = read_token(args.token_file) if args.token_file else None
    return ServerConfig(host=args.host, port=args.port, max_batch=args.max_batch, max_queue=args.max_queue,
                        wait_s=args.batch_wait_ms / 1000, burst_s=args.burst_wait_ms / 1000, token=token, tls=tls,
                        grace_s=args.grace, metrics_port=args.metrics_port, engine_threads=args.threads)


def cmd_serve(args) -> int:
    import asyncio

    from deepmotion.engine.assets import model_path
    from deepmotion.engine.device import resolve_device
    from deepmotion.engine.pipeline import load_cascade
    from deepmotion.server.app import MotionServer

    from deepmotion.server import logs
    logs.configure(args.log_format)
    config = config_from_args(args)
    device = resolve_device(args.device)
    model = model_path(args.model)

    async def run():
        def load():
            pipe = apply_steps(load_cascade(model, device), args)
            pipe.settings.text_cache = max(0, args.text_cache)
            pipe.settings.plan_prompts = not args.no_plan
            return pipe
        server = MotionServer(load, config)
        server.install_signal_handlers()
        port = await server.start()
        print(f"deepmotion serve: ready on {config.host}:{port}", flush=True)
        if config.metrics_port is not None:
            print(f"deepmotion serve: metrics on http://{config.host}:{server.metrics_port}/metrics", flush=True)
        await server.stopped.wait()
        print("deepmotion serve: stopped", flush=True)

    asyncio.run(run())
    return 0
