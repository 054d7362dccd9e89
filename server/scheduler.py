"""Batches concurrent requests onto the engine per stage: one worker thread, bounded queue.

Every request passes the stages level 1, 2, 3 (up to the level it asked for). Each stage has
its own queue; the worker takes the lowest stage with waiting requests (new clients get their
first frames soonest) and runs up to `max_batch` of them with the same guidance scale as one
batch. A request that arrives while another batch refines its level 3 joins the next level-1
batch instead of waiting for that whole cascade. The pipeline keeps every prompt's motion
independent of its company. Level-1 batches wait at most `wait_s` for company while other
requests are under way; a request reaching an idle server waits only `burst_s` (3 ms), for the
requests sent with it: eight sessions changing prompt together reach the server a few ms apart,
and without it the first ran alone and the other seven queued behind it (median prompt change
0.19 -> 0.13-0.16 s with 8 sessions, docs/RESULTS.md; the 10-ms wait had cost 10 of the 68 ms
to first frames of a lone request, "Where a request's time goes"). If others did arrive in that
wait, a burst is under way and the batch keeps gathering while they keep coming (gaps up to
`burst_gap_s`, at most `burst_max_s` in all): eight sessions' requests spread over 7-20 ms with
gaps of 1-16 ms, so a fixed 3 ms split most bursts into a batch of a few and the rest behind it.
A cancelled request (client gone, deadline passed) leaves its queue at once and no further
level is computed for it; counters make this observable (`stats`).
"""
import asyncio
import logging
import threading
import time
from collections import Counter, deque
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

from deepmotion.engine.continuation import history_motion
from deepmotion.engine.request import GenerationRequest
from deepmotion.engine.timeline import Timeline

log = logging.getLogger("deepmotion.server")

END = object()


class QueueFull(Exception):
    pass


class Draining(Exception):
    pass


@dataclass
class Job:
    """One accepted request on its way through the stages (request: validated, defaults and seed set)."""
    request: GenerationRequest
    out: asyncio.Queue = field(default_factory=asyncio.Queue)
    cancelled: threading.Event = field(default_factory=threading.Event)
    prepared: asyncio.Future | None = None  # frame count, once the engine thread has prepared the prompt
    state: object = None  # the pipeline's PromptState once level 1 has started

    @property
    def request_id(self) -> str:
        return self.request.request_id

    @property
    def guidance(self) -> float:
        return self.request.guidance

    @property
    def max_level(self) -> int:
        return self.request.max_level


class Scheduler:
    def __init__(self, pipeline, max_batch: int = 8, max_queue: int = 32, wait_s: float = 0.01,
                 burst_s: float = 0.003, burst_gap_s: float = 0.006, burst_max_s: float = 0.025):
        self.pipeline = pipeline
        self.max_batch, self.max_queue, self.wait_s, self.burst_s = max_batch, max_queue, wait_s, burst_s
        self.burst_gap_s, self.burst_max_s = burst_gap_s, burst_max_s
        self.stages: dict[int, deque[Job]] = {level: deque() for level in range(1, pipeline.levels + 1)}
        self.executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="engine")
        self.stats = Counter()
        self.metrics = None  # server/metrics.py Metrics, when the server exports them
        self.running = 0
        self.draining = False
        self._wake: asyncio.Event | None = None
        self._task: asyncio.Task | None = None

    def start(self) -> None:
        self._wake = asyncio.Event()
        self._task = asyncio.get_running_loop().create_task(self._loop())

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            try:
                await self._task
            except asyncio.CancelledError:
                pass
        self.executor.shutdown(wait=False, cancel_futures=True)

    def submit(self, job: Job) -> None:
        if self.draining:
            raise Draining()
        if len(self.stages[1]) >= self.max_queue:
            self.stats["rejected_queue_full"] += 1
            raise QueueFull()
        self.stats["submitted"] += 1
        job.prepared = asyncio.get_running_loop().create_future()
        self.stages[1].append(job)
        self._wake.set()

    def cancel(self, job: Job) -> None:
        if not job.cancelled.is_set():
            job.cancelled.set()
            self.stats["cancelled"] += 1
            if self.metrics is not None:
                self.metrics.cancelled.inc()
            self._wake.set()

    def _take(self, level: int) -> list[Job]:
        queue, batch, others = self.stages[level], [], deque()
        while queue and len(batch) < self.max_batch:
            job = queue.popleft()
            if job.cancelled.is_set():
                self._finish(job, level - 1)
            elif not batch or job.guidance == batch[0].guidance:
                batch.append(job)
            else:
                others.append(job)  # another guidance scale: a later batch
        queue.extendleft(reversed(others))
        return batch

    def _finish(self, job: Job, last_level: int) -> None:
        skipped = job.max_level - last_level
        if skipped > 0 and job.cancelled.is_set():
            self.stats["levels_skipped"] += skipped
            if self.metrics is not None:
                self.metrics.levels_skipped.inc(skipped)
        if job.prepared is not None and not job.prepared.done():
            job.prepared.cancel()
        job.out.put_nowait(END)

    async def _loop(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            if not any(self.stages.values()):
                self._wake.clear()
                await self._wake.wait()
                continue
            level = min(k for k, q in self.stages.items() if q)
            busy = any(self.stages[k] for k in self.stages if k > 1)
            if level == 1 and len(self.stages[1]) < self.max_batch:
                if busy and self.wait_s > 0:
                    self.stats["waited_for_company"] += 1
                    await asyncio.sleep(self.wait_s)  # a moment for company
                elif not busy and self.burst_s > 0:
                    self.stats["waited_for_burst"] += 1
                    await self._gather_burst()  # requests sent together arrive a few ms apart
            batch = self._take(level)
            if not batch:
                continue
            self.running = len(batch)
            self.stats["batches"] += 1
            self.stats["batched_requests"] += len(batch)
            if self.metrics is not None:
                self.metrics.batch_size.labels(str(level)).observe(len(batch))
            try:
                ok = await loop.run_in_executor(self.executor, self._run, batch, level, loop)
            finally:
                self.running = 0
            for job in batch:
                if ok and not job.cancelled.is_set() and job.max_level > level:
                    self.stages[level + 1].append(job)
                else:
                    self._finish(job, level if ok else job.max_level)

    async def _gather_burst(self) -> None:
        """Wait burst_s; while requests keep arriving (a burst), wait on in steps of burst_gap_s."""
        loop = asyncio.get_running_loop()
        start, seen = loop.time(), len(self.stages[1])
        await asyncio.sleep(self.burst_s)
        while seen < len(self.stages[1]) < self.max_batch:
            left = self.burst_max_s - (loop.time() - start)
            if left <= 0:
                break
            seen = len(self.stages[1])
            self.stats["burst_extended"] += 1
            await asyncio.sleep(min(self.burst_gap_s, left))

    def _run(self, batch: list[Job], level: int, loop: asyncio.AbstractEventLoop) -> bool:
        """Engine thread: one stage for one batch; hands each prompt's frames to its request."""
        try:
            prompts = [j for j in batch if not j.request.segments]
            timelines = [j for j in batch if j.request.segments]  # their segments run in order, one job at a time
            if level == 1:
                reqs = [j.request for j in prompts]
                if reqs:
                    states = self.pipeline.prepare([r.text for r in reqs], [r.duration_s for r in reqs],
                                                   [r.seed for r in reqs], [history_motion(r.history) for r in reqs])
                    for job, state in zip(prompts, states):
                        job.state = state
                for job in timelines:
                    job.state = Timeline(self.pipeline, job.request, history_motion(job.request.history))
                for job in batch:
                    loop.call_soon_threadsafe(_resolve, job.prepared, job.state.frames)
            t0 = time.perf_counter()
            results = []
            if prompts:
                feats = self.pipeline.run_level([j.state for j in prompts], level, batch[0].guidance)
                results += [(job, [(f, job.state.placement)]) for job, f in zip(prompts, feats)]
            for job in timelines:
                done = job.state.run_level(level)
                results.append((job, list(zip(done.features, done.placements))))
            compute = time.perf_counter() - t0
            self.stats["levels_computed"] += 1
            for job, parts in results:
                if not job.cancelled.is_set():
                    loop.call_soon_threadsafe(job.out.put_nowait, (level, parts, compute))
            return True
        except Exception as e:  # the process keeps serving; these requests fail
            log.exception("engine failed on level %d for %s", level, [j.request_id for j in batch],
                          extra={"request_id": ",".join(j.request_id for j in batch)})
            for job in batch:
                loop.call_soon_threadsafe(_fail, job.prepared, e)
                loop.call_soon_threadsafe(job.out.put_nowait, e)
            return False


def _resolve(future: asyncio.Future | None, value) -> None:
    if future is not None and not future.done():
        future.set_result(value)


def _fail(future: asyncio.Future | None, error: Exception) -> None:
    if future is not None and not future.done():
        future.set_exception(error)
