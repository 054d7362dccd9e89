"""`deepmotion serve-ray`: the MotionService on Ray Serve (replicas, autoscaling, Ray's gRPC proxy).

Needs the optional extra: `pip install -e ".[ray]"`. On one box it starts a local Ray; with
`--ray-address auto` it joins a running cluster (KubeRay: deploy/kuberay/). Clients dial the
proxy's port as they would dial `deepmotion serve`.
"""
from __future__ import annotations

from pathlib import Path

from deepmotion_client.errors import UsageError

from .options import add_device, add_model


def add_commands(sub) -> None:
    p = sub.add_parser("serve-ray", help="serve the model on Ray Serve: N replicas behind Ray's gRPC proxy")
    add_model(p)
    add_device(p)
    p.add_argument("--replicas", type=int, default=2, help="replicas, each holding the model (default 2)")
    p.add_argument("--autoscale", type=int, nargs=2, default=None, metavar=("MIN", "MAX"),
                   help="autoscale between MIN and MAX replicas instead (target: --max-batch ongoing requests each)")
    p.add_argument("--num-cpus", type=float, default=1.0, help="CPUs each replica reserves")
    p.add_argument("--num-gpus", type=float, default=0.0, help="GPUs each replica reserves (e.g. 1, or 0.5 to share)")
    p.add_argument("--port", type=int, default=9000, help="port of Ray's gRPC proxy (clients dial it)")
    p.add_argument("--http-port", type=int, default=8000, help="port of Ray Serve's HTTP proxy (health: /-/healthz)")
    p.add_argument("--host", default="127.0.0.1", help="address the proxies bind (0.0.0.0 in a cluster)")
    p.add_argument("--ray-address", default=None, help="join this Ray cluster ('auto' inside one); default: a local Ray")
    p.add_argument("--max-batch", type=int, default=8)
    p.add_argument("--max-queue", type=int, default=32)
    p.add_argument("--threads", type=int, default=None, help="torch threads per replica (default: cores - 1, 1..8)")
    p.add_argument("--token-file", type=Path, default=None, help="require 'authorization: Bearer <token>'")
    p.set_defaults(func=cmd_serve_ray)


def cmd_serve_ray(args) -> int:
    import signal
    import threading
    try:
        import ray
        from ray import serve
    except ImportError:
        raise UsageError("serve-ray needs Ray Serve: pip install -e '.[ray]' (ray[serve])") from None
    from deepmotion.server.app import read_token
    from deepmotion.server.ray_app import SERVICER_FUNCTIONS, build
    if args.replicas < 1 or (args.autoscale and not 0 <= args.autoscale[0] <= args.autoscale[1]):
        raise UsageError("--replicas must be at least 1; --autoscale MIN MAX with 0 <= MIN <= MAX")
    token = read_token(args.token_file) if args.token_file else None
    ray.init(address=args.ray_address, include_dashboard=False, log_to_driver=False)
    serve.start(grpc_options={"port": args.port, "grpc_servicer_functions": SERVICER_FUNCTIONS},
                http_options={"host": args.host, "port": args.http_port})
    app = build(str(args.model) if args.model else None, args.replicas, args.num_cpus, args.num_gpus, args.device,
                token, args.max_batch, args.max_queue, args.steps, args.threads,
                tuple(args.autoscale) if args.autoscale else None)
    serve.run(app, name="deepmotion")
    print(f"deepmotion serve-ray: ready on {args.host}:{args.port} "
          f"({args.autoscale and f'{args.autoscale[0]}-{args.autoscale[1]}' or args.replicas} replica(s))", flush=True)
    stop = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: stop.set())
    stop.wait()
    serve.shutdown()
    ray.shutdown()
    print("deepmotion serve-ray: stopped", flush=True)
    return 0
