"""The MotionService servicer: thin, over the Scheduler. Streams header, level 1, 2, 3, end."""
from __future__ import annotations

import asyncio
import logging
import secrets
import time
import uuid

import grpc

from deepmotion.engine.pipeline import GenerationError
from deepmotion.engine.representation import dmv1
from deepmotion.engine.text import TextInputError
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.proto import motion_pb2_grpc as pb_grpc

from .frames import MAX_CHUNK_FRAMES, chunks, skeleton_message
from .scheduler import END, Draining, Job, QueueFull, Scheduler
from .validation import RequestError, validate

log = logging.getLogger("deepmotion.server")


class MotionService(pb_grpc.MotionServiceServicer):
    def __init__(self, state):
        self.state = state  # ServerState: pipeline and scheduler once loaded, draining flag

    async def GetModelInfo(self, request, context):
        pipe = await self._pipeline(context)
        lim = pipe.limits
        return pb.ModelInfo(
            model_version=pipe.meta["model_version"], skeleton=skeleton_message(pipe.skeleton), fps=dmv1.FPS,
            levels=pipe.levels, text_encoder=pipe.text_encoder.id, licence=pipe.meta["licence"],
            representation=dmv1.NAME,
            limits=pb.Limits(max_text_chars=lim.max_text_chars, min_duration_s=lim.min_duration_s,
                             max_duration_s=lim.max_duration_s, min_guidance_scale=lim.min_guidance,
                             max_guidance_scale=lim.max_guidance, default_guidance_scale=lim.default_guidance,
                             max_chunk_frames=MAX_CHUNK_FRAMES, max_queue=self.state.scheduler.max_queue))

    async def _pipeline(self, context):
        if self.state.draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "server is draining: retry on another instance")
        if self.state.pipeline is None:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "model is still loading: retry shortly")
        return self.state.pipeline

    async def Generate(self, request, context):
        pipe = await self._pipeline(context)
        t0 = time.perf_counter()
        rid = request.request_id or uuid.uuid4().hex[:12]
        try:
            validate(request, pipe.limits, pipe.levels)
            pipe.text_encoder.check([request.text])
        except (RequestError, TextInputError) as e:
            log.info("[%s] INVALID_ARGUMENT %s", rid, e)
            await context.abort(grpc.StatusCode.INVALID_ARGUMENT, str(e).replace("text[0]", "text"))
        seed = request.seed if request.has_seed else secrets.randbits(63)
        guidance = request.guidance_scale or pipe.limits.default_guidance
        max_level = request.max_level or pipe.levels
        duration = request.duration_s or pipe.predict_duration(request.text)
        frames = max(2, int(round(duration * dmv1.FPS)))
        job = Job(rid, request.text, duration, seed, guidance, max_level)
        scheduler: Scheduler = self.state.scheduler
        try:
            scheduler.submit(job)
        except QueueFull:
            await context.abort(grpc.StatusCode.RESOURCE_EXHAUSTED,
                                f"queue full ({scheduler.max_queue} requests waiting): retry later")
        except Draining:
            await context.abort(grpc.StatusCode.UNAVAILABLE, "server is draining: retry on another instance")
        log.info("[%s] accepted: %r, %.1f s, seed %d, levels 1..%d", rid, request.text[:60], duration, seed, max_level)
        output = pb.OutputOptions(joint_positions=request.output.joint_positions,
                                  foot_contacts=request.output.foot_contacts,
                                  root_motion=request.output.root_motion or pb.ROOT_MOTION_WORLD)
        timings = []
        try:
            yield pb.GenerateResponse(header=pb.StreamHeader(
                request_id=rid, skeleton=skeleton_message(pipe.skeleton), fps=dmv1.FPS, frame_count=frames,
                levels=list(range(1, max_level + 1)), model_version=pipe.meta["model_version"], seed=seed,
                duration_s=frames / dmv1.FPS, guidance_scale=guidance, output=output))
            while True:
                item = await job.out.get()
                if item is END:
                    break
                if isinstance(item, Exception):
                    code = grpc.StatusCode.INVALID_ARGUMENT if isinstance(item, GenerationError) else grpc.StatusCode.INTERNAL
                    await context.abort(code, f"generation failed: {item}")
                level, feats, compute_s = item
                first = time.perf_counter() - t0
                n = 0
                for msg in chunks(level, feats, output):
                    n += 1
                    yield msg
                timings.append(pb.LevelTiming(level=level, first_chunk_s=first, compute_s=compute_s, chunk_count=n))
                log.info("[%s] level %d sent (%d chunks) after %.3f s", rid, level, n, first)
            yield pb.GenerateResponse(end=pb.StreamEnd(timings=timings, total_s=time.perf_counter() - t0))
        except asyncio.CancelledError:
            scheduler.cancel(job)
            log.info("[%s] client went away: work cancelled", rid)
            raise
        finally:
            if not job.out.empty() or len(timings) < max_level:
                scheduler.cancel(job)
