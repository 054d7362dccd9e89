"""The MotionService on Ray Serve: replicas that each hold the model, behind Ray's gRPC proxy.

Why a thin layer: requests are stateless (a continuation carries its history), so any replica
serves any request, and each replica runs the same servicer and per-stage scheduler as
`deepmotion serve` (batching within the replica). Ray's gRPC proxy routes
`deepmotion.v1.MotionService/Generate` to the deployment method of that name and streams what
it yields; the Python and Unity clients need no change. Needs the optional extra
`deepmotion[ray]`.

    deepmotion serve-ray --replicas 2 [--num-cpus 1] [--num-gpus 0] [--model DIR]
    serve run deepmotion.server.ray_app:app_builder model=DIR replicas=2   (a Serve config works too)
"""
from __future__ import annotations

import hmac

import grpc
from ray import serve

SERVICER_FUNCTIONS = ["deepmotion.server.ray_app.add_to_ray_proxy"]


def add_to_ray_proxy(servicer, server) -> None:
    """The servicer function Ray's gRPC proxy loads (grpc_options.grpc_servicer_functions).

    Why not the generated one alone: Ray 2.60's proxy answers a stream whose replica died
    mid-stream with INTERNAL "The actor died unexpectedly" (serve/_private/grpc_util.py,
    get_grpc_response_status). For clients that is a server that went away, the case
    UNAVAILABLE names, and it is what they retry. So while the MotionService registers, the
    proxy's handler factory is wrapped: a call that ends INTERNAL because its replica died ends
    UNAVAILABLE instead; every other status passes unchanged. Ray is pinned (the ray extra) and
    tests/test_ray.py kills a replica to hold this."""
    from deepmotion_client.proto.motion_pb2_grpc import add_MotionServiceServicer_to_server
    factory = getattr(server, "service_handler_factory", None)
    if factory is None:  # not Ray's proxy server: register as is
        add_MotionServiceServicer_to_server(servicer, server)
        return

    def mapped(service_method, streaming_type):
        handler = factory(service_method=service_method, streaming_type=streaming_type)
        if getattr(streaming_type, "value", streaming_type) == "unary_stream":
            async def stream(request, context):
                async for message in handler(request, context):
                    yield message
                _replica_lost_is_unavailable(context)
            return stream
        if getattr(streaming_type, "value", streaming_type) == "unary_unary":
            async def unary(request, context):
                response = await handler(request, context)
                _replica_lost_is_unavailable(context)
                return response
            return unary
        return handler

    server.service_handler_factory = mapped
    try:
        add_MotionServiceServicer_to_server(servicer, server)
    finally:
        server.service_handler_factory = factory


def _replica_lost_is_unavailable(context) -> None:
    if context.code() == grpc.StatusCode.INTERNAL and "actor died" in (context.details() or "").lower():
        context.set_code(grpc.StatusCode.UNAVAILABLE)
        context.set_details(f"the replica serving this stream went away: retry ({context.details()[:200]})")


class _Aborted(Exception):
    """Ends a call after its status is set on Ray's context (the proxy answers with that status)."""


class _Context:
    """What MotionService needs of a grpc.aio context, over Ray's RayServegRPCContext."""

    def __init__(self, ray_context):
        self.ray = ray_context

    async def abort(self, code: grpc.StatusCode, details: str):
        self.ray.set_code(code)
        self.ray.set_details(details)
        raise _Aborted(details)

    def code(self):
        return self.ray.code()

    def invocation_metadata(self):
        return self.ray.invocation_metadata()


@serve.deployment(name="MotionService", max_ongoing_requests=64)
class MotionDeployment:
    def __init__(self, model: str | None = None, device: str = "auto", token: str | None = None,
                 max_batch: int = 8, max_queue: int = 32, steps: list[int] | None = None,
                 threads: int | None = None):
        from deepmotion.engine.assets import model_path
        from deepmotion.engine.device import configure_threads, resolve_device
        from deepmotion.engine.pipeline import load_cascade

        from .app import ServerState
        from .service import MotionService
        configure_threads(threads)
        pipe = load_cascade(model_path(model), resolve_device(device))
        if steps:
            pipe.settings.sample_steps = {level: n for level, n in enumerate(steps, 1)}
        self.state = ServerState(pipeline=pipe)
        self.service = MotionService(self.state)
        self.token = f"Bearer {token}".encode() if token else None
        self.max_batch, self.max_queue = max_batch, max_queue
        self.replica = serve.get_replica_context().replica_id.unique_id

    def _ready(self) -> None:
        if self.state.scheduler is None:  # needs the replica's running event loop
            from .scheduler import Scheduler
            self.state.scheduler = Scheduler(self.state.pipeline, self.max_batch, self.max_queue, 0.01)
            self.state.scheduler.start()

    def _authorized(self, ctx: _Context) -> bool:
        if self.token is None:
            return True
        values = [v for k, v in ctx.invocation_metadata() if k == "authorization"]
        got = values[0].encode() if len(values) == 1 and isinstance(values[0], str) else b""
        return len(values) == 1 and hmac.compare_digest(got, self.token)

    async def Generate(self, request, grpc_context):
        self._ready()
        ctx = _Context(grpc_context)
        # Which replica served it (trailing metadata): operators and tests see the spread.
        grpc_context.set_trailing_metadata([("deepmotion-replica", self.replica)])
        if not self._authorized(ctx):
            await ctx.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token in 'authorization'")
        async for message in self.service.Generate(request, ctx):
            yield message

    async def GetModelInfo(self, request, grpc_context):
        self._ready()
        ctx = _Context(grpc_context)
        if not self._authorized(ctx):
            await ctx.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token in 'authorization'")
        return await self.service.GetModelInfo(request, ctx)


def build(model: str | None = None, replicas: int | None = 1, num_cpus: float = 1.0, num_gpus: float = 0.0,
          device: str = "auto", token: str | None = None, max_batch: int = 8, max_queue: int = 32,
          steps: list[int] | None = None, threads: int | None = None, autoscale: tuple[int, int] | None = None):
    """The Serve application: `replicas` copies (or autoscaling between min and max)."""
    options = {"ray_actor_options": {"num_cpus": num_cpus, "num_gpus": num_gpus}}
    if autoscale:
        options["autoscaling_config"] = {"min_replicas": autoscale[0], "max_replicas": autoscale[1],
                                         "target_ongoing_requests": max_batch}
    elif replicas:
        options["num_replicas"] = replicas  # None: left to a Serve config (autoscaling_config there)
    return MotionDeployment.options(**options).bind(model, device, token, max_batch, max_queue, steps, threads)


def app_builder(args: dict):
    """For `serve run deepmotion.server.ray_app:app_builder key=value ...` and Serve config files
    (deploy/kuberay/rayservice.yaml). `token_file` names a file holding the bearer token."""
    token = None
    if args.get("token_file"):
        from .app import read_token
        token = read_token(args["token_file"])
    return build(args.get("model"), int(args["replicas"]) if "replicas" in args else None, float(args.get("num_cpus", 1)),
                 float(args.get("num_gpus", 0)), args.get("device", "auto"), token,
                 int(args.get("max_batch", 8)), int(args.get("max_queue", 32)))
