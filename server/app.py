"""Assembles the grpc.aio server: MotionService, health, reflection, optional token auth and
TLS; loads the model after the port is open (health NOT_SERVING until then) and drains on
SIGTERM/SIGINT (health NOT_SERVING, new calls UNAVAILABLE, in-flight streams finish within
the grace period)."""
from __future__ import annotations

import asyncio
import hmac
import logging
import signal
from dataclasses import dataclass
from pathlib import Path

import grpc
from grpc_health.v1 import health, health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from deepmotion_client.proto import motion_pb2 as pb

from .metrics import Metrics
from .scheduler import Scheduler
from .service import MotionService, add_to_server
from deepmotion_client.errors import DeepMotionError, UsageError

log = logging.getLogger("deepmotion.server")
SERVICE = pb.DESCRIPTOR.services_by_name["MotionService"].full_name
OPEN_METHODS = ("/grpc.health.v1.Health/", "/grpc.reflection.")


@dataclass
class ServerConfig:
    """How `deepmotion serve` runs (the command line fills it; tests and the bench build it)."""
    host: str = "127.0.0.1"
    port: int = 50051                  # 0: any free port (MotionServer.start returns it)
    max_batch: int = 8                 # requests batched onto the engine at once, per stage
    max_queue: int = 32                # waiting requests before RESOURCE_EXHAUSTED
    wait_s: float = 0.01               # how long a level-1 batch waits for company while others run
    burst_s: float = 0.003             # how long a request reaching an idle server waits for those sent with it
    burst_gap_s: float = 0.006         # ... and, once others came in that wait, how long it waits for each next one
    burst_max_s: float = 0.025         # ... at most, in all (server/scheduler.py)
    token: str | None = None           # bearer token required in 'authorization'
    tls: tuple[bytes, bytes] | None = None  # (certificate chain PEM, private key PEM)
    grace_s: float = 30.0              # seconds in-flight streams get on SIGTERM
    metrics_port: int | None = None    # Prometheus /metrics on this port (0: any free port)
    engine_threads: int | None = None  # torch intra-op threads; None: engine/device.py server_threads()


@dataclass
class ServerState:
    pipeline: object = None
    scheduler: Scheduler | None = None
    draining: bool = False
    active: int = 0                    # streams in flight (a drain waits for them)
    metrics: object = None             # server/metrics.py Metrics when exported


class TokenAuth(grpc.aio.ServerInterceptor):
    """Bearer token in `authorization` metadata, compared in constant time; health and
    reflection stay open so load balancers and tools can probe."""

    def __init__(self, token: str):
        self.expected = f"Bearer {token}".encode()

    async def intercept_service(self, continuation, details):
        if details.method.startswith(OPEN_METHODS):
            return await continuation(details)
        # Exactly one authorization header: with two, checking either one alone lets a wrong
        # token ride along with a right one (or the other way round, through a proxy).
        values = [v for k, v in (details.invocation_metadata or ()) if k == "authorization"]
        got = values[0] if len(values) == 1 else ""
        if len(values) == 1 and hmac.compare_digest(got.encode() if isinstance(got, str) else got, self.expected):
            return await continuation(details)

        async def deny_unary(request, context):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token in 'authorization'")

        async def deny_stream(request, context):
            await context.abort(grpc.StatusCode.UNAUTHENTICATED, "missing or wrong bearer token in 'authorization'")
            yield  # pragma: no cover - makes this an async generator

        handler = await continuation(details)
        if handler is not None and handler.response_streaming:
            return grpc.unary_stream_rpc_method_handler(deny_stream, handler.request_deserializer,
                                                        handler.response_serializer)
        return grpc.unary_unary_rpc_method_handler(deny_unary, getattr(handler, "request_deserializer", None),
                                                   getattr(handler, "response_serializer", None))


SERVER_OPTIONS = [("grpc.max_send_message_length", 4 << 20), ("grpc.so_reuseport", 0)]


class ServerStartError(DeepMotionError, OSError):
    """The server could not listen (address in use, no such interface)."""


def bind(server, host: str, port: int, credentials=None) -> int:
    """Adds the listening port; a port another process holds is one clear error."""
    addr = f"{host}:{port}"
    try:
        bound = server.add_secure_port(addr, credentials) if credentials else server.add_insecure_port(addr)
    except RuntimeError as e:
        raise ServerStartError(f"cannot listen on {addr}: the port is in use (another deepmotion serve or replay?) "
                               f"or the address is not this machine's ({e})") from None
    if not bound and port:
        raise ServerStartError(f"cannot listen on {addr}: the port is in use or the address is not this machine's")
    return bound


def warm_up(pipeline) -> None:
    """One short request and one continuation on the engine thread before serving, one sampling
    step per level: the first real request paid ~180 ms of one-time set-up (thread pools, lazy
    initialisation) on top of its 26 ms of compute (`scripts/demo.sh`). A movement with a gesture
    is among them: the first one encodes the phrases the planner tells the two kinds apart by
    (~300 ms, the demo's own prompt)."""
    steps = dict(pipeline.settings.sample_steps)
    pipeline.settings.sample_steps = {level: 1 for level in steps}
    try:
        seconds = pipeline.limits.min_duration_s
        list(pipeline.generate(["a person walks while waving"], [seconds], [0]))
        out = list(pipeline.generate(["a person walks"], [seconds], [0]))
        list(pipeline.generate(["a person walks"], [seconds], [0], histories=[out[-1].motion(0)]))
    finally:
        pipeline.settings.sample_steps = steps


class MotionServer:
    def __init__(self, load_pipeline, config: ServerConfig | None = None):
        self.load_pipeline = load_pipeline
        self.config = config or ServerConfig()
        self.port = self.config.port
        self.state = ServerState()
        self.health = health.aio.HealthServicer()
        self.stopped = asyncio.Event()

    async def start(self) -> int:
        """Binds, loads the model, serves. The port is exclusive (gRPC's SO_REUSEPORT default is
        off: a second server on a held port fails here instead of silently splitting clients),
        and a model that fails to load stops the listener before the error goes up."""
        cfg = self.config
        from deepmotion.engine.device import configure_threads
        threads = configure_threads(cfg.engine_threads)
        if cfg.metrics_port is not None:
            self.state.metrics = Metrics()
            try:
                self.metrics_http, _ = self.state.metrics.serve(cfg.host, cfg.metrics_port)
            except OSError as e:
                raise ServerStartError(f"cannot serve metrics on {cfg.host}:{cfg.metrics_port}: {e.strerror or e}") from None
            self.metrics_port = self.metrics_http.server_port
            log.info("metrics on http://%s:%d/metrics", cfg.host, self.metrics_port)
        interceptors = [TokenAuth(cfg.token)] if cfg.token else []
        self.server = grpc.aio.server(interceptors=interceptors, options=SERVER_OPTIONS)
        add_to_server(MotionService(self.state), self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection([SERVICE, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        self.port = bind(self.server, cfg.host, cfg.port, grpc.ssl_server_credentials([(cfg.tls[1], cfg.tls[0])])
                         if cfg.tls else None)
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.start()
        log.info("listening on %s:%d (%s), loading the model; %d engine thread(s)", cfg.host, self.port,
                 "TLS" if cfg.tls else "plaintext", threads)
        loop = asyncio.get_running_loop()
        try:
            pipeline = await loop.run_in_executor(None, self.load_pipeline)
        except BaseException:
            await self.server.stop(0)
            if getattr(self, "metrics_http", None) is not None:
                self.metrics_http.shutdown()
            self.stopped.set()
            raise
        self.state.scheduler = Scheduler(pipeline, cfg.max_batch, cfg.max_queue, cfg.wait_s, cfg.burst_s,
                                          cfg.burst_gap_s, cfg.burst_max_s)
        self.state.scheduler.metrics = self.state.metrics
        if self.state.metrics is not None:
            self.state.metrics.watch(self.state.scheduler)
        self.state.scheduler.start()
        await loop.run_in_executor(self.state.scheduler.executor, warm_up, pipeline)
        self.state.pipeline = pipeline
        await self._set_health(health_pb2.HealthCheckResponse.SERVING)
        log.info("serving %s", pipeline.meta["model_version"])
        return self.port

    async def _set_health(self, status) -> None:
        await self.health.set("", status)
        await self.health.set(SERVICE, status)

    async def drain(self) -> None:
        """Stop taking work, let in-flight streams finish (up to grace_s), then stop."""
        if self.state.draining:
            return
        self.state.draining = True
        if self.state.scheduler:
            self.state.scheduler.draining = True
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        log.info("draining: up to %.0f s for in-flight streams", self.config.grace_s)
        # Keep the listener open while in-flight streams finish, so new requests get the
        # service's UNAVAILABLE "draining" answer (clients retry elsewhere), not a transport error.
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.config.grace_s
        while self.state.active > 0 and loop.time() < deadline:
            await asyncio.sleep(0.05)
        await self.server.stop(max(0.0, min(1.0, deadline - loop.time())))
        if self.state.scheduler:
            await self.state.scheduler.stop()
        if getattr(self, "metrics_http", None) is not None:
            self.metrics_http.shutdown()
        self.stopped.set()

    def install_signal_handlers(self) -> None:
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, lambda: asyncio.ensure_future(self.drain()))


def read_token(path: Path) -> str:
    token = Path(path).read_text().strip()
    if not token:
        raise UsageError(f"--token-file {path}: the file is empty")
    return token
