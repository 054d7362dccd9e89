"""Batches concurrent requests onto the engine, one worker thread, bounded queue.

Requests wait at most `wait_s` for company: up to `max_batch` requests with the same guidance
scale run as one batch (the pipeline keeps each prompt's result independent of its batch).
Each level's output is handed to every request's own asyncio queue as soon as it exists.
A cancelled request (client gone, deadline passed) stops receiving at once; when every
request of a batch is gone, or has all the levels it asked for, the batch stops computing
further levels. Counters make this observable (`stats`).
"""
from __future__ import annotations

import asyncio
import itertools
import logging
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

log = logging.getLogger("deepmotion.server")

END = object()


class QueueFull(Exception):
    pass


class Draining(Exception):
    pass


@dataclass
class Job:
    request_id: str
    text: str
    duration: float
    seed: int
    guidance: float
    max_level: int
    out: asyncio.Queue = field(default_factory=asyncio.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    received: float = field(default_factory=time.perf_counter)
    levels_done: list = field(default_factory=list)


class Scheduler:
    def __init__(self, pipeline, max_batch: int = 8, max_queue: int = 32, wait_s: float = 0.01):
        self.pipeline = pipeline
        self.max_batch, self.max_queue, self.wait_s = max_batch, max_queue, wait_s
        self.queue: asyncio.Queue[Job] = asyncio.Queue()
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self.stats = Counter()
        self.running = 0
        self.draining = False
        self._task: asyncio.Task | None = None
        self._ids = itertools.count(1)

    def start(self) -> None:
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self.executor.shutdown(wait=False, cancel_futures=True)

    @property
    def in_flight(self) -> int:
        return self.queue.qsize() + self.running

    def submit(self, job: Job) -> None:
        if self.draining:
            raise Draining()
        if self.queue.qsize() >= self.max_queue:
            self.stats["rejected_queue_full"] += 1
            raise QueueFull()
        self.stats["submitted"] += 1
        self.queue.put_nowait(job)

    def cancel(self, job: Job) -> None:
        if not job.cancelled.is_set():
            job.cancelled.set()
            self.stats["cancelled"] += 1

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            first = await self.queue.get()
            batch = [first]
            deadline = loop.time() + self.wait_s
            while len(batch) < self.max_batch:
                timeout = deadline - loop.time()
                if timeout <= 0:
                    break
                try:
                    job = await asyncio.wait_for(self.queue.get(), timeout)
                except asyncio.TimeoutError:
                    break
                if job.guidance == first.guidance:
                    batch.append(job)
                else:
                    self.queue.put_nowait(job)  # another guidance scale: next batch
                    break
            batch = [j for j in batch if not j.cancelled.is_set()]
            if not batch:
                continue
            self.running = len(batch)
            self.stats["batches"] += 1
            self.stats["batched_requests"] += len(batch)
            try:
                await loop.run_in_executor(self.executor, self._run, batch, loop)
            finally:
                self.running = 0

    def _run(self, batch: list[Job], loop: asyncio.AbstractEventLoop) -> None:
        """Engine thread: generate level by level and hand each level to its requests."""
        top = max(j.max_level for j in batch)
        try:
            gen = self.pipeline.generate([j.text for j in batch], [j.duration for j in batch],
                                         [j.seed for j in batch], batch[0].guidance, top)
            for out in gen:
                self.stats["levels_computed"] += 1
                for i, job in enumerate(batch):
                    if job.cancelled.is_set() or out.level > job.max_level:
                        continue
                    job.levels_done.append(out.level)
                    loop.call_soon_threadsafe(job.out.put_nowait, (out.level, out.features[i], out.compute_s))
                wanted = [j for j in batch if not j.cancelled.is_set() and j.max_level > out.level]
                if not wanted:
                    skipped = top - out.level
                    if skipped:
                        self.stats["levels_skipped"] += skipped
                        log.info("batch of %d stops after level %d: nobody waits for more", len(batch), out.level)
                    gen.close()
                    break
        except Exception as e:  # the process keeps serving; these requests fail
            log.exception("engine failed on batch %s", [j.request_id for j in batch])
            for job in batch:
                loop.call_soon_threadsafe(job.out.put_nowait, e)
        finally:
            for job in batch:
                loop.call_soon_threadsafe(job.out.put_nowait, END)
