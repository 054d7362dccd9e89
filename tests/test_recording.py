"""Recordings: written by the client, read back, served by the replay server, and rejected
clearly when truncated or corrupt."""
import asyncio
import threading

import numpy as np
import pytest

from deepmotion_client.client import MotionClient, MotionStream
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.recording import (RecordingError, RecordingWriter, encode_record, file_header,
                                         parse_recording, read_recording)
from deepmotion_client.replay import serve


def synthetic_stream(frames=30, levels=(1, 2, 3)):
    """A well-formed stream built from protocol messages (recordings need no model)."""
    sk = pb.Skeleton(joint_names=["Hips", "Spine"], parents=[-1, 0], rest_offsets=[0, 0.9, 0, 0, 0.1, 0])
    out = [pb.GenerateResponse(header=pb.StreamHeader(skeleton=sk, fps=20, frame_count=frames, levels=list(levels)))]
    for level in levels:
        for start in range(0, frames, 20):
            n = min(20, frames - start)
            root = np.stack([np.full(n, 0.01 * level), np.full(n, 0.9), np.arange(start, start + n) * 0.05], -1).ravel()
            rot = np.tile([0, 0, 0, 1.0], 2 * n)
            out.append(pb.GenerateResponse(chunk=pb.FrameChunk(level=level, start_frame=start, frame_count=n,
                                                               root_positions=root.tolist(), local_rotations=rot.tolist())))
    out.append(pb.GenerateResponse(end=pb.StreamEnd(total_s=0.5)))
    return out


@pytest.fixture
def recording(tmp_path):
    path = tmp_path / "walk.dmrec"
    with RecordingWriter(path) as w:
        for i, r in enumerate(synthetic_stream()):
            w.write(0.01 * i, r)
    return path


def test_round_trip_keeps_responses_and_timing(recording):
    recs = read_recording(recording)
    assert [r.response for r in recs] == synthetic_stream()
    assert [round(r.arrival_s, 3) for r in recs] == [round(0.01 * i, 3) for i in range(len(recs))]


def test_truncated_and_corrupt_recordings_are_named(recording, tmp_path):
    data = recording.read_bytes()
    with pytest.raises(RecordingError, match=r"truncated: record \d+ at byte \d+ declares \d+ bytes, only \d+ remain"):
        parse_recording(data[:-5], "walk.dmrec")
    with pytest.raises(RecordingError, match="incomplete header"):
        parse_recording(data + b"\x01\x02", "walk.dmrec")
    with pytest.raises(RecordingError, match="missing the DMREC magic"):
        parse_recording(b"BVH HIERARCHY", "x")
    with pytest.raises(RecordingError, match="format version 9"):
        parse_recording(b"DMREC\x00\x09\x00", "x")
    bad = file_header() + encode_record(0.0, synthetic_stream()[0]) + (b"\x00" * 8 + (5).to_bytes(4, "little") + b"\xff" * 5)
    with pytest.raises(RecordingError, match=r"corrupt: record 1 at byte \d+ is not a GenerateResponse"):
        parse_recording(bad, "x")
    chunk_first = file_header() + encode_record(0.0, synthetic_stream()[1])
    with pytest.raises(RecordingError, match="the first record is a chunk, not the StreamHeader"):
        parse_recording(chunk_first, "x")
    with pytest.raises(RecordingError, match="cannot read"):
        read_recording(tmp_path / "missing.dmrec")


class Replay:
    def __init__(self, records, realtime=False):
        self.loop = asyncio.new_event_loop()
        self.stop_event = None
        ready = threading.Event()
        self.port = None

        def on_ready(port):
            self.port = port
            ready.set()

        async def main():
            self.stop_event = asyncio.Event()
            await serve(records, "127.0.0.1", 0, realtime, "test", on_ready, self.stop_event)

        self.thread = threading.Thread(target=lambda: self.loop.run_until_complete(main()), daemon=True)
        self.thread.start()
        assert ready.wait(30)

    def close(self):
        self.loop.call_soon_threadsafe(self.stop_event.set)
        self.thread.join(10)


def test_replay_serves_the_same_frames(recording):
    records = read_recording(recording)
    replay = Replay(records)
    try:
        with MotionClient(f"127.0.0.1:{replay.port}") as client:
            stream = MotionStream()
            got = [r for r in client.generate("anything")]
            for r in got:
                stream.feed(r)
            assert got == [r.response for r in records]
            assert stream.complete_level() == 3
            np.testing.assert_allclose(stream.root[:, 0], 0.03, atol=1e-6)  # level 3 replaced levels 1 and 2
            assert client.model_info().levels == 3
    finally:
        replay.close()


def test_realtime_replay_keeps_the_timing(recording):
    import time
    records = read_recording(recording)
    replay = Replay(records, realtime=True)
    try:
        with MotionClient(f"127.0.0.1:{replay.port}") as client:
            t0 = time.perf_counter()
            list(client.generate("anything"))
            assert time.perf_counter() - t0 >= records[-1].arrival_s
    finally:
        replay.close()
