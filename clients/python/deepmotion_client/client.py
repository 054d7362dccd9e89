"""Streaming client of MotionService (sync), and assembly of streamed chunks into a Motion.

    with MotionClient("127.0.0.1:50051") as client:
        stream = MotionStream()
        for response in client.generate("a person waves with the right hand", duration_s=4, seed=1):
            stream.feed(response)          # header, chunks of level 1, 2, 3, end
        motion = stream.motion()           # highest level received for every frame
"""
from __future__ import annotations

import time
from typing import Iterator

import grpc
import numpy as np

from .connection import RetryPolicy, auth_metadata, open_channel
from .errors import DeepMotionError, UsageError
from .motion.clip import Motion
from .motion.skeleton import Skeleton
from .proto import motion_pb2 as pb
from .proto import motion_pb2_grpc as pb_grpc

ROOT_MOTION = {"world": pb.ROOT_MOTION_WORLD, "in-place": pb.ROOT_MOTION_IN_PLACE}


class StreamError(DeepMotionError, RuntimeError):
    """A stream that broke the protocol (chunk before header, frames out of range)."""


def build_request(text, duration_s=0.0, seed=None, guidance_scale=0.0, max_level=0, joint_positions=False,
                  foot_contacts=False, root_motion="world", request_id="", history: Motion | None = None,
                  segments=None) -> pb.GenerateRequest:
    """history: the motion to continue (canonical skeleton; resampled to 20 fps); segments:
    (text, seconds) pairs for a timeline instead of text + duration."""
    if root_motion not in ROOT_MOTION:
        raise UsageError(f"root_motion must be one of {', '.join(ROOT_MOTION)}, got {root_motion!r}")
    req = pb.GenerateRequest(request_id=request_id, text=text or "", duration_s=duration_s, seed=seed or 0,
                             has_seed=seed is not None, guidance_scale=guidance_scale, max_level=max_level,
                             output=pb.OutputOptions(joint_positions=joint_positions, foot_contacts=foot_contacts,
                                                     root_motion=ROOT_MOTION[root_motion]))
    if history is not None:
        req.history.CopyFrom(history_frames(history))
    for seg_text, seconds in segments or ():
        req.segments.add(text=seg_text, duration_s=float(seconds))
    return req


MODEL_FPS = 20.0


def history_frames(motion: Motion, fps: float = MODEL_FPS) -> pb.MotionFrames:
    """A canonical-skeleton motion as GenerateRequest.history (the server uses its last ModelInfo.limits.history_used_s, 0.8 s)."""
    if abs(motion.fps - fps) > 1e-6:
        motion = motion.resample(fps)
    return pb.MotionFrames(frame_count=motion.num_frames,
                           root_positions=motion.root_positions.astype(np.float32).ravel().tolist(),
                           local_rotations=motion.local_rotations.astype(np.float32).ravel().tolist())


class MotionClient:
    """Sync client. Retries (RetryPolicy, gRPC's own) happen only before a response arrives."""

    def __init__(self, address: str = "127.0.0.1:50051", token: str | None = None, tls: bool = False,
                 root_certificates: bytes | None = None, retries: int = 0, backoff_s: float = 0.5):
        self.channel = open_channel(address, tls, root_certificates, RetryPolicy(retries, backoff_s))
        self.stub = pb_grpc.MotionServiceStub(self.channel)
        self.metadata = auth_metadata(token)
        self.retries = retries

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self) -> None:
        self.channel.close()

    def model_info(self, timeout: float | None = 30) -> pb.ModelInfo:
        return self.stub.GetModelInfo(pb.GetModelInfoRequest(), metadata=self.metadata, timeout=timeout)

    def generate(self, text: str, duration_s: float = 0.0, seed: int | None = None, guidance_scale: float = 0.0,
                 max_level: int = 0, joint_positions: bool = False, foot_contacts: bool = False,
                 root_motion: str = "world", request_id: str = "", timeout: float | None = None,
                 history: Motion | None = None, segments=None
                 ) -> Iterator[pb.GenerateResponse]:
        """Yields the stream's responses as they arrive; a consumer that stops early cancels the
        call, which frees the server's remaining work at once."""
        req = build_request(text, duration_s, seed, guidance_scale, max_level, joint_positions, foot_contacts,
                            root_motion, request_id, history, segments)
        for attempt in range(self.retries + 1):
            call = self.stub.Generate(req, metadata=self.metadata, timeout=timeout)
            header = None
            try:
                for response in call:
                    if response.WhichOneof("payload") == "header":
                        header = response.header
                    yield response
                return
            except grpc.RpcError as e:
                # The server that had the stream went away mid-stream (a replica killed, a node
                # lost): ask again, any replica, with the seed the header reported, so the frames
                # are the same ones; the consumer sees a new header and the stream again.
                if header is None or attempt == self.retries or not replica_lost(e):
                    raise
                req.seed, req.has_seed = header.seed, True
            finally:
                call.cancel()


def replica_lost(error) -> bool:
    """A stream that failed because its server went away: UNAVAILABLE, or Ray Serve's gRPC proxy,
    which reports a replica that died mid-stream as INTERNAL "The actor died unexpectedly"."""
    code = error.code()
    return code == grpc.StatusCode.UNAVAILABLE or (
        code == grpc.StatusCode.INTERNAL and "actor died" in (error.details() or "").lower())


class MotionStream:
    """Collects one stream: keeps, for every frame, the highest level received so far."""

    def __init__(self):
        self.header: pb.StreamHeader | None = None
        self.end: pb.StreamEnd | None = None
        self.root: np.ndarray | None = None
        self.rot: np.ndarray | None = None
        self.level: np.ndarray | None = None
        self.contacts: np.ndarray | None = None  # [T, 4] when the server sends foot contacts
        self.arrival: dict[int, float] = {}
        self._t0 = time.perf_counter()

    @property
    def skeleton(self) -> Skeleton:
        s = self.header.skeleton
        return Skeleton(list(s.joint_names), list(s.parents), np.array(s.rest_offsets).reshape(-1, 3))

    def feed(self, response: pb.GenerateResponse) -> str:
        kind = response.WhichOneof("payload")
        if kind == "header":
            self.header = response.header
            n, j = self.header.frame_count, len(self.header.skeleton.joint_names)
            self.root = np.zeros((n, 3), np.float32)
            self.rot = np.zeros((n, j, 4), np.float32)
            self.level = np.zeros(n, np.int32)
            self.contacts = None
        elif kind == "chunk":
            if self.header is None:
                raise StreamError("a FrameChunk arrived before the StreamHeader")
            c = response.chunk
            s = slice(c.start_frame, c.start_frame + c.frame_count)
            if c.start_frame + c.frame_count > self.header.frame_count:
                raise StreamError(f"chunk frames {c.start_frame}..{c.start_frame + c.frame_count} exceed the "
                                  f"header's frame_count {self.header.frame_count}")
            keep = self.level[s] <= c.level
            self.root[s][keep] = np.array(c.root_positions, np.float32).reshape(-1, 3)[keep]
            self.rot[s][keep] = np.array(c.local_rotations, np.float32).reshape(c.frame_count, -1, 4)[keep]
            if len(c.foot_contacts) == 4 * c.frame_count:
                if self.contacts is None:
                    self.contacts = np.zeros((self.header.frame_count, 4), np.float32)
                self.contacts[s][keep] = np.array(c.foot_contacts, np.float32).reshape(-1, 4)[keep]
            self.level[s] = np.maximum(self.level[s], c.level)
            self.arrival.setdefault(c.level, time.perf_counter() - self._t0)
        elif kind == "end":
            self.end = response.end
        return kind

    def complete_level(self) -> int:
        """The highest level that covers every frame (0 before level 1 is complete)."""
        return int(self.level.min()) if self.level is not None and len(self.level) else 0

    def require_end(self) -> None:
        """A stream that closed OK without its StreamEnd was cut (a proxy, a truncated recording):
        say so instead of writing a partial clip as if it were whole."""
        if self.end is None:
            got = self.complete_level()
            want = max(self.header.levels) if self.header is not None and self.header.levels else "?"
            raise StreamError(f"the stream ended without its StreamEnd (level {got} of {want} complete): it was "
                              "cut short; nothing was written")

    def motion(self) -> Motion:
        if self.header is None or self.complete_level() == 0:
            raise StreamError("no complete level received yet")
        return Motion(self.skeleton, self.root.astype(np.float64), self.rot.astype(np.float64), self.header.fps)


class AsyncMotionClient:
    """The asyncio twin of MotionClient (grpc.aio): `async for r in client.generate(...)`, with the
    same connection and retry policy."""

    def __init__(self, address: str = "127.0.0.1:50051", token: str | None = None, tls: bool = False,
                 root_certificates: bytes | None = None, retries: int = 0, backoff_s: float = 0.5):
        self.channel = open_channel(address, tls, root_certificates, RetryPolicy(retries, backoff_s), asyncio=True)
        self.stub = pb_grpc.MotionServiceStub(self.channel)
        self.metadata = auth_metadata(token)

    async def __aenter__(self):
        return self

    async def __aexit__(self, *exc):
        await self.close()

    async def close(self) -> None:
        await self.channel.close()

    async def model_info(self, timeout: float | None = 30) -> pb.ModelInfo:
        return await self.stub.GetModelInfo(pb.GetModelInfoRequest(), metadata=self.metadata, timeout=timeout)

    async def generate(self, text: str, duration_s: float = 0.0, seed: int | None = None, guidance_scale: float = 0.0,
                       max_level: int = 0, joint_positions: bool = False, foot_contacts: bool = False,
                       root_motion: str = "world", request_id: str = "", timeout: float | None = None,
                 history: Motion | None = None, segments=None):
        req = build_request(text, duration_s, seed, guidance_scale, max_level, joint_positions, foot_contacts,
                            root_motion, request_id, history, segments)
        call = self.stub.Generate(req, metadata=self.metadata, timeout=timeout)
        try:
            while (r := await call.read()) is not grpc.aio.EOF:
                yield r
        finally:
            call.cancel()
