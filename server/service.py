"""The MotionService servicer: thin, over the Scheduler. Streams header, level 1, 2, 3, end."""
from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import secrets
import time
import uuid

import grpc

from deepmotion.engine.representation import dmv1
from deepmotion.engine.request import RequestError
from deepmotion.engine.text.plan import split_sequence
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.proto import motion_pb2_grpc as pb_grpc

from .frames import chunks, skeleton_message
from .logs import request_id
from .scheduler import END, Draining, Job, QueueFull, Scheduler
from .wire import limits_to_proto, output_to_proto, request_from_proto

log = logging.getLogger("deepmotion.server")
SERVICE = pb.DESCRIPTOR.services_by_name["MotionService"].full_name


class MalformedRequest:
    """A request body protobuf could not parse: the handler answers INVALID_ARGUMENT with this,
    instead of gRPC's UNKNOWN and a server-side traceback per request."""

    def __init__(self, message_type, error: Exception):
        self.detail = (f"request body: not a valid {message_type.DESCRIPTOR.full_name} "
                       f"({type(error).__name__}: {error})")


def _lenient(message_type):
    def parse(data: bytes):
        try:
            return message_type.FromString(data)
        except Exception as e:  # noqa: BLE001 - protobuf raises DecodeError and others on garbage
            return MalformedRequest(message_type, e)
    return parse


def add_to_server(service, server) -> None:
    """MotionService on the server, with request parsing that turns garbage into INVALID_ARGUMENT."""
    handlers = {
        "Generate": grpc.unary_stream_rpc_method_handler(
            service.Generate, request_deserializer=_lenient(pb.GenerateRequest),
            response_serializer=pb.GenerateResponse.SerializeToString),
        "GetModelInfo": grpc.unary_unary_rpc_method_handler(
            service.GetModelInfo, request_deserializer=_lenient(pb.GetModelInfoRequest),
            response_serializer=pb.ModelInfo.SerializeToString),
    }
    server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(SERVICE, handlers),))
    server.add_registered_method_handlers(SERVICE, handlers)


class MotionService(pb_grpc.MotionServiceServicer):
    def __init__(self, state):
        self.state = state  # ServerState: pipeline and scheduler once loaded, draining flag

    async def GetModelInfo(self, request, context):
        async with self._counted("GetModelInfo", context):
            return await self._model_info(request, context)

    @contextlib.asynccontextmanager
    async def _counted(self, method: str, context):
        """Counts the call by its final status code (metrics), whatever ends it."""
        code = "UNKNOWN"
        try:
            yield
            code = "OK"
        except asyncio.CancelledError:
            code = "CANCELLED"
            raise
        except grpc.aio.AbortError:
            set_code = context.code()
            code = set_code.name if isinstance(set_code, grpc.StatusCode) else "UNKNOWN"
            raise
        finally:
            if self.state.metrics is not None:
                self.state.metrics.requests.labels(method, code).inc()

    async def _model_info(self, request, context):
        if isinstance(request, MalformedRequest):
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.detail)
        pipe = await self._pipeline(context)
        return pb.ModelInfo(
            model_version=pipe.meta["model_version"], skeleton=skeleton_message(pipe.skeleton), fps=dmv1.FPS,
            levels=pipe.levels, text_encoder=pipe.text_encoder.id, licence=pipe.meta["licence"],
            representation=dmv1.NAME, limits=limits_to_proto(pipe.limits, self.state.scheduler.max_queue,
                                                                   pipe.text_encoder.max_tokens))

    async def _pipeline(self, context):
        if self.state.draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "server is draining: retry on another instance")
        if self.state.pipeline is None:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "model is still loading: retry shortly")
        return self.state.pipeline

    async def Generate(self, request, context):
        rid = getattr(request, "request_id", "") or uuid.uuid4().hex[:12]
        request_id.set(rid)  # this task's log lines carry it (server/logs.py)
        metrics = self.state.metrics
        if metrics is not None:
            metrics.active_streams.inc()
        try:
            async with self._counted("Generate", context):
                async for message in self._generate(request, context, rid):
                    yield message
        finally:
            if metrics is not None:
                metrics.active_streams.dec()

    async def _generate(self, request, context, rid: str):
        if isinstance(request, MalformedRequest):
            log.info("[%s] INVALID_ARGUMENT %s", rid, request.detail)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, request.detail)
        pipe = await self._pipeline(context)
        t0 = time.perf_counter()
        try:
            req = pipe.validate(request_from_proto(request))  # the engine's one validation, defaults resolved
        except RequestError as e:
            log.info("[%s] INVALID_ARGUMENT %s", rid, e)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e))
        req = dataclasses.replace(req, request_id=rid, seed=req.seed if req.seed is not None else secrets.randbits(63))
        scheduler: Scheduler = self.state.scheduler
        if pipe.settings.plan_prompts and req.text and len(split_sequence(req.text)) > 1:
            # "X, then Y" runs as a timeline; its lengths come from the model, on the engine thread.
            req = await asyncio.get_running_loop().run_in_executor(scheduler.executor, pipe.plan, req)
        job = Job(req)
        try:
            scheduler.submit(job)
        except QueueFull:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                f"queue full ({scheduler.max_queue} requests waiting): retry later")
        except Draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "server is draining: retry on another instance")
        log.info("[%s] accepted: %r, %s, seed %d, levels 1..%d", rid, req.text[:60],
                 f"{req.duration_s:.1f} s" if req.duration_s else "predicted length", req.seed, req.max_level)
        output = output_to_proto(req.output)
        timings = []
        self.state.active += 1  # a drain waits for these
        try:
            try:
                frames = await job.prepared  # length known once the engine thread has prepared the prompt
            except Exception as e:  # noqa: BLE001 - the engine's failure becomes the call's status
                await self._abort_for(context, e)
            yield pb.GenerateResponse(header=pb.StreamHeader(
                request_id=rid, skeleton=skeleton_message(pipe.skeleton), fps=dmv1.FPS, frame_count=frames,
                levels=list(range(1, req.max_level + 1)), model_version=pipe.meta["model_version"], seed=req.seed,
                duration_s=frames / dmv1.FPS, guidance_scale=req.guidance, output=output))
            while True:
                item = await job.out.get()
                if item is END:
                    break
                if isinstance(item, Exception):
                    await self._abort_for(context, item)
                level, parts, compute_s = item
                first = time.perf_counter() - t0
                n, start = 0, 0
                for feats, placement in parts:  # one part, or a timeline's segments in order
                    for msg in chunks(level, feats, output, placement=placement, start=start):
                        n += 1
                        yield msg
                    start += len(feats)
                timings.append(pb.LevelTiming(level=level, first_chunk_s=first, compute_s=compute_s, chunk_count=n))
                if self.state.metrics is not None:
                    self.state.metrics.level_latency.labels(str(level)).observe(first)
                    if level == 1:
                        self.state.metrics.first_frame.observe(first)
                log.info("[%s] level %d sent (%d chunks) after %.3f s", rid, level, n, first)
            yield pb.GenerateResponse(end=pb.StreamEnd(timings=timings, total_s=time.perf_counter() - t0))
        except asyncio.CancelledError:
            scheduler.cancel(job)
            log.info("[%s] client went away: work cancelled", rid)
            raise
        finally:
            self.state.active -= 1
            if not job.out.empty() or len(timings) < req.max_level:
                scheduler.cancel(job)

    @staticmethod
    async def _abort_for(context, error: Exception):
        code = grpc.StatusCode.INVALID_ARGUMENT if isinstance(error, RequestError) else grpc.StatusCode.INTERNAL
        await context.abort(code, f"generation failed: {error}")
