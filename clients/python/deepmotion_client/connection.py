"""How both clients (sync and asyncio) reach a server: one channel setup and one retry policy.

Retries use gRPC's own retry service config rather than a loop of our own: gRPC retries a call
only while nothing of its response has arrived, so a Generate stream that already delivered
frames is never silently restarted (that would put another motion on top of frames shown),
while UNAVAILABLE before the first response (server loading, draining, restarting) is retried
with exponential backoff, for unary and streaming calls alike.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import grpc

SERVICE = "deepmotion.v1.MotionService"
MAX_ATTEMPTS = 5  # gRPC caps a retry policy's attempts at 5


@dataclass(frozen=True)
class RetryPolicy:
    retries: int = 0            # attempts after the first (at most MAX_ATTEMPTS - 1)
    backoff_s: float = 0.5      # first backoff; doubles per attempt
    max_backoff_s: float = 5.0

    def service_config(self) -> str | None:
        if self.retries <= 0:
            return None
        return json.dumps({"methodConfig": [{
            "name": [{"service": SERVICE}],
            "retryPolicy": {"maxAttempts": min(self.retries + 1, MAX_ATTEMPTS),
                            "initialBackoff": f"{self.backoff_s:g}s", "maxBackoff": f"{self.max_backoff_s:g}s",
                            "backoffMultiplier": 2, "retryableStatusCodes": ["UNAVAILABLE"]}}]})


def open_channel(address: str, tls: bool = False, root_certificates: bytes | None = None,
                 retry: RetryPolicy = RetryPolicy(), asyncio: bool = False):
    """A grpc (or grpc.aio) channel to `address` with the retry policy and message size the
    protocol needs."""
    options = [("grpc.max_receive_message_length", 4 << 20), ("grpc.enable_retries", 1)]
    config = retry.service_config()
    if config:
        options.append(("grpc.service_config", config))
    module = grpc.aio if asyncio else grpc
    if tls:
        return module.secure_channel(address, grpc.ssl_channel_credentials(root_certificates), options=options)
    return module.insecure_channel(address, options=options)


def auth_metadata(token: str | None) -> list[tuple[str, str]]:
    return [("authorization", f"Bearer {token}")] if token else []
