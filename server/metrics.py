"""Prometheus metrics of a serving process (`deepmotion serve --metrics-port PORT`).

Why these series: an operator needs to see whether clients get their first frames in time
(time to first frame, per-level latency), whether the box keeps up (queue depth, active
streams, batch sizes per stage) and what goes wrong (requests by status code, work freed for
clients that left). Each server has its own registry, so several servers in one process (tests)
do not share counters.
"""
from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

LATENCY_BUCKETS = (0.025, 0.05, 0.1, 0.15, 0.25, 0.4, 0.6, 1.0, 1.5, 2.5, 4.0, 8.0, 16.0)


class Metrics:
    def __init__(self, registry: CollectorRegistry | None = None):
        self.registry = registry or CollectorRegistry()
        r = self.registry
        self.requests = Counter("deepmotion_requests", "RPCs by method and final gRPC status code",
                                ["method", "code"], registry=r)
        self.first_frame = Histogram("deepmotion_time_to_first_frame_seconds",
                                     "Request accepted to its first level-1 chunk sent", buckets=LATENCY_BUCKETS,
                                     registry=r)
        self.level_latency = Histogram("deepmotion_level_latency_seconds",
                                       "Request accepted to the first chunk of each level sent", ["level"],
                                       buckets=LATENCY_BUCKETS, registry=r)
        self.queue_depth = Gauge("deepmotion_queue_depth", "Requests waiting for a stage of the engine", registry=r)
        self.active_streams = Gauge("deepmotion_active_streams", "Generate streams in flight", registry=r)
        self.batch_size = Histogram("deepmotion_batch_size", "Prompts per engine batch, by stage (level)", ["stage"],
                                    buckets=(1, 2, 4, 8, 16, 32, 64), registry=r)
        self.cancelled = Counter("deepmotion_cancelled", "Requests whose client went away or whose deadline passed",
                                 registry=r)
        self.levels_skipped = Counter("deepmotion_levels_skipped",
                                      "Levels never computed because their request was cancelled", registry=r)

    def watch(self, scheduler) -> None:
        """Queue depth read from the scheduler whenever Prometheus scrapes."""
        self.queue_depth.set_function(lambda: sum(len(q) for q in scheduler.stages.values()))

    def serve(self, host: str, port: int):
        """The /metrics HTTP endpoint on its own thread; -> (server, thread)."""
        return start_http_server(port, addr=host, registry=self.registry)
