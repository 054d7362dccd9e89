"""Fuzzing (hypothesis, bounded in time): the readers and the request validation raise nothing
but their documented error type, whatever they are given."""
import io
import math
import struct
import tempfile
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from deepmotion.engine.request import GenerationLimits, RequestError
from deepmotion.server.wire import request_from_proto
from deepmotion_client.motion.bvh import BVHError, bvh_text, parse_bvh
from deepmotion_client.motion.gltf_rig import GltfRigError, read_gltf_rig
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.recording import RecordingError, RecordingWriter, parse_recording
from motion_fixtures import walking_motion

FUZZ = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
VALID_BVH = bvh_text(walking_motion(6))


def _mutate(data: bytes, edits) -> bytes:
    b = bytearray(data)
    for pos, value, kind in edits:
        if not b:
            break
        i = pos % len(b)
        if kind == 0:
            b[i] = value
        elif kind == 1:
            del b[i]
        else:
            b.insert(i, value)
    return bytes(b)


edits = st.lists(st.tuples(st.integers(0, 1 << 20), st.integers(0, 255), st.integers(0, 2)), max_size=12)


@FUZZ
@given(edits, st.integers(0, len(VALID_BVH)))
def test_bvh_reader_raises_only_bvh_errors(changes, cut):
    data = _mutate(VALID_BVH.encode()[:cut] if cut % 3 == 0 else VALID_BVH.encode(), changes)
    try:
        bvh = parse_bvh(data, source="fuzz.bvh")
    except BVHError as e:
        assert str(e).startswith("fuzz.bvh") and "\n" not in str(e)
        return
    assert np.isfinite(bvh.translations).all() and np.isfinite(bvh.local_rotations).all()


@FUZZ
@given(st.binary(max_size=400))
def test_bvh_reader_takes_any_bytes(data):
    try:
        parse_bvh(data, source="junk.bvh")
    except BVHError:
        pass


def _recording_bytes() -> bytes:
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as d:
        w = RecordingWriter(Path(d) / "r.dmrec")
        w.write(0.0, pb.GenerateResponse(header=pb.StreamHeader(request_id="r", fps=20.0, frame_count=2, levels=[1])))
        w.write(0.1, pb.GenerateResponse(chunk=pb.FrameChunk(level=1, start_frame=0, frame_count=2,
                                                             root_positions=[0.0] * 6)))
        w.write(0.2, pb.GenerateResponse(end=pb.StreamEnd(total_s=0.2)))
        w.close()
        buf.write((Path(d) / "r.dmrec").read_bytes())
    return buf.getvalue()


VALID_RECORDING = _recording_bytes()


@FUZZ
@given(edits, st.integers(0, len(VALID_RECORDING)))
def test_recording_reader_raises_only_recording_errors(changes, cut):
    data = _mutate(VALID_RECORDING[:cut], changes)
    try:
        records = parse_recording(data, "fuzz.dmrec")
    except RecordingError as e:
        assert str(e).startswith("fuzz.dmrec")
        return
    assert records and records[0].response.WhichOneof("payload") == "header"


@FUZZ
@given(st.binary(max_size=600))
def test_gltf_loader_raises_only_gltf_errors(data):
    with tempfile.TemporaryDirectory() as d:
        for name in ("c.glb", "c.gltf"):
            path = Path(d) / name
            path.write_bytes(data if name.endswith("glb") else b'{"asset": {"version": "2.0"}, "nodes": ' + data + b"}")
            try:
                read_gltf_rig(path)
            except GltfRigError:
                pass


@FUZZ
@given(st.binary(max_size=120))
def test_gltf_header_with_garbage_chunks(tail):
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "c.glb"
        path.write_bytes(struct.pack("<4sII", b"glTF", 2, 12 + len(tail)) + tail)
        try:
            read_gltf_rig(path)
        except GltfRigError:
            pass


floats = st.floats(allow_nan=True, allow_infinity=True, width=32)


@FUZZ
@given(text=st.text(max_size=80), duration=floats, guidance=floats, level=st.integers(0, 9),
       seed=st.integers(0, 2 ** 64 - 1), frames=st.integers(0, 12), joints=st.integers(0, 24),
       values=st.lists(floats, max_size=40), segs=st.lists(st.tuples(st.text(max_size=10), floats), max_size=3))
def test_request_validation_raises_only_request_errors(text, duration, guidance, level, seed, frames, joints, values,
                                                       segs):
    m = pb.GenerateRequest(text=text, duration_s=duration, guidance_scale=guidance, max_level=level, seed=seed,
                           has_seed=True)
    if frames:
        pool = values or [0.0]
        m.history.frame_count = frames
        m.history.root_positions.extend((pool * (3 * frames))[:3 * frames])
        m.history.local_rotations.extend((pool * (4 * joints * frames + 1))[:4 * joints * frames])
    for t, d in segs:
        m.segments.add(text=t, duration_s=d)
    try:
        req = request_from_proto(m)
        req.validate(GenerationLimits(), 3, 22)
    except RequestError as e:
        assert e.field and str(e)
        return
    assert req.text.strip() or req.segments
    if req.duration_s:
        assert math.isfinite(req.duration_s)


def test_fuzzing_finds_what_it_should():
    """The fuzzers are live: a NaN history frame is caught, garbage BVH is an error."""
    with pytest.raises(BVHError):
        parse_bvh(b"\x00\xff", source="x.bvh")
    m = pb.GenerateRequest(text="walk", duration_s=2.0, has_seed=True)
    m.history.frame_count = 8
    m.history.root_positions.extend([float("nan")] * 24)
    m.history.local_rotations.extend([0.0, 0.0, 0.0, 1.0] * 22 * 8)
    with pytest.raises(RequestError, match="history"):
        request_from_proto(m).validate(GenerationLimits(), 3, 22)
