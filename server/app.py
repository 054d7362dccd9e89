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
from deepmotion_client.proto import motion_pb2_grpc as pb_grpc

from .scheduler import Scheduler
from .service import MotionService
from deepmotion_client.errors import UsageError

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
    wait_s: float = 0.01               # how long a level-1 batch waits for company
    token: str | None = None           # bearer token required in 'authorization'
    tls: tuple[bytes, bytes] | None = None  # (certificate chain PEM, private key PEM)
    grace_s: float = 30.0              # seconds in-flight streams get on SIGTERM


@dataclass
class ServerState:
    pipeline: object = None
    scheduler: Scheduler | None = None
    draining: bool = False


class TokenAuth(grpc.aio.ServerInterceptor):
    """Bearer token in `authorization` metadata, compared in constant time; health and
    reflection stay open so load balancers and tools can probe."""

    def __init__(self, token: str):
        self.expected = f"Bearer {token}".encode()

    async def intercept_service(self, continuation, details):
        if details.method.startswith(OPEN_METHODS):
            return await continuation(details)
        got = dict(details.invocation_metadata or ()).get("authorization", "")
        if hmac.compare_digest(got.encode() if isinstance(got, str) else got, self.expected):
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


class MotionServer:
    def __init__(self, load_pipeline, config: ServerConfig | None = None):
        self.load_pipeline = load_pipeline
        self.config = config or ServerConfig()
        self.port = self.config.port
        self.state = ServerState()
        self.health = health.aio.HealthServicer()
        self.stopped = asyncio.Event()

    async def start(self) -> int:
        cfg = self.config
        interceptors = [TokenAuth(cfg.token)] if cfg.token else []
        self.server = grpc.aio.server(interceptors=interceptors, options=[("grpc.max_send_message_length", 4 << 20)])
        pb_grpc.add_MotionServiceServicer_to_server(MotionService(self.state), self.server)
        health_pb2_grpc.add_HealthServicer_to_server(self.health, self.server)
        reflection.enable_server_reflection([SERVICE, health.SERVICE_NAME, reflection.SERVICE_NAME], self.server)
        addr = f"{cfg.host}:{cfg.port}"
        if cfg.tls:
            creds = grpc.ssl_server_credentials([(cfg.tls[1], cfg.tls[0])])
            self.port = self.server.add_secure_port(addr, creds)
        else:
            self.port = self.server.add_insecure_port(addr)
        await self._set_health(health_pb2.HealthCheckResponse.NOT_SERVING)
        await self.server.start()
        log.info("listening on %s:%d (%s), loading the model", cfg.host, self.port, "TLS" if cfg.tls else "plaintext")
        loop = asyncio.get_running_loop()
        pipeline = await loop.run_in_executor(None, self.load_pipeline)
        self.state.scheduler = Scheduler(pipeline, cfg.max_batch, cfg.max_queue, cfg.wait_s)
        self.state.scheduler.start()
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
        await self.server.stop(self.config.grace_s)
        if self.state.scheduler:
            await self.state.scheduler.stop()
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
