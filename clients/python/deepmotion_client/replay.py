"""A replay server: serves a recording over the same MotionService API, no model needed.

Every Generate call receives the recorded stream, with the original timing (`realtime`) or
as fast as possible. The recording is read and checked once before serving, so the event
loop never waits on the disk while streaming.
"""
from __future__ import annotations

import asyncio
import time

import grpc

from .errors import UsageError

from .proto import motion_pb2 as pb
from .proto import motion_pb2_grpc as pb_grpc
from .recording import Recorded


class ReplayService(pb_grpc.MotionServiceServicer):
    def __init__(self, records: list[Recorded], realtime: bool, name: str):
        self.records, self.realtime, self.name = records, realtime, name
        self.header = records[0].response.header

    async def Generate(self, request, context):
        t0 = time.perf_counter()
        for rec in self.records:
            if self.realtime:
                delay = rec.arrival_s - (time.perf_counter() - t0)
                if delay > 0:
                    await asyncio.sleep(delay)
            yield rec.response
        if self.records[-1].response.WhichOneof("payload") != "end":
            # Cut at a record boundary (or recorded from a stream that failed): never replay it as complete.
            await context.abort(grpc.StatusCode.DATA_LOSS, f"recording {self.name} ends without its StreamEnd: "
                                                           "truncated, or the recorded stream failed")

    async def GetModelInfo(self, request, context):
        return pb.ModelInfo(model_version=f"replay of {self.name} ({self.header.model_version})",
                            skeleton=self.header.skeleton, fps=self.header.fps, levels=max(self.header.levels),
                            representation="dm-v1", licence="as recorded")


async def serve(records: list[Recorded], host: str, port: int, realtime: bool, name: str, ready=None,
                stop: asyncio.Event | None = None) -> None:
    server = grpc.aio.server(options=[("grpc.so_reuseport", 0)])  # a held port fails, never shared
    pb_grpc.add_MotionServiceServicer_to_server(ReplayService(records, realtime, name), server)
    try:
        bound = server.add_insecure_port(f"{host}:{port}")
    except RuntimeError as e:
        raise UsageError(f"cannot listen on {host}:{port}: the port is in use (another server?) ({e})") from None
    await server.start()
    if ready:
        ready(bound)
    if stop is None:
        await server.wait_for_termination()
    else:
        await stop.wait()
        await server.stop(1)
