"""The gRPC server end to end on a real loopback socket, with a tiny trained model."""
import asyncio
import re
import os
import signal
import subprocess
import sys
import threading
import time

import grpc
import numpy as np
import pytest
from grpc_health.v1 import health_pb2, health_pb2_grpc

from deepmotion.engine.pipeline import CascadeSettings, load_cascade
from deepmotion.server.app import MotionServer
from deepmotion.server.frames import frames_from_features
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.proto import motion_pb2_grpc as pb_grpc
from servers import Running
from tiny_model import build_tiny_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("server-model"))


@pytest.fixture(scope="module")
def server(model_dir):
    r = Running(lambda: load_cascade(model_dir), max_batch=4, max_queue=8, wait_s=0.01)
    yield r
    r.stop()


def request(**kw):
    kw.setdefault("text", "a person walks and turns left")
    kw.setdefault("duration_s", 2.0)
    kw.setdefault("seed", 5)
    kw.setdefault("has_seed", True)
    return pb.GenerateRequest(**kw)


def test_stream_is_header_then_levels_in_order_then_end(server):
    responses = list(server.stub.Generate(request(output=pb.OutputOptions(joint_positions=True, foot_contacts=True))))
    kinds = [r.WhichOneof("payload") for r in responses]
    assert kinds[0] == "header" and kinds[-1] == "end" and set(kinds[1:-1]) == {"chunk"}
    header = responses[0].header
    assert header.frame_count == 40 and list(header.levels) == [1, 2, 3] and header.seed == 5
    assert len(header.skeleton.joint_names) == 22 and header.skeleton.joint_names[0] == "Hips"
    levels = [r.chunk.level for r in responses[1:-1]]
    assert levels == sorted(levels)  # all of level 1 before any of level 2, ...
    for level in (1, 2, 3):
        cs = [r.chunk for r in responses[1:-1] if r.chunk.level == level]
        assert sum(c.frame_count for c in cs) == header.frame_count  # each level covers the clip
        assert all(len(c.local_rotations) == 4 * 22 * c.frame_count for c in cs)
        assert all(len(c.joint_positions) == 3 * 22 * c.frame_count and len(c.foot_contacts) == 4 * c.frame_count
                   for c in cs)
        assert all(c.ByteSize() < 200_000 for c in cs)
    assert [t.level for t in responses[-1].end.timings] == [1, 2, 3]


def assemble(responses, level):
    cs = sorted((r.chunk for r in responses if r.WhichOneof("payload") == "chunk" and r.chunk.level == level),
                key=lambda c: c.start_frame)
    root = np.concatenate([np.array(c.root_positions).reshape(-1, 3) for c in cs])
    rot = np.concatenate([np.array(c.local_rotations).reshape(-1, 22, 4) for c in cs])
    return root, rot


def test_streamed_frames_equal_the_engine_output_for_the_same_seed(server, model_dir):
    responses = list(server.stub.Generate(request(seed=11)))
    pipe = load_cascade(model_dir)
    outs = list(pipe.generate(["a person walks and turns left"], [2.0], [11]))
    for out in outs:
        root, rot = assemble(responses, out.level)
        want_root, want_rot, _, _ = frames_from_features(out.features[0], pb.ROOT_MOTION_WORLD)
        np.testing.assert_allclose(root, want_root, atol=1e-4)
        np.testing.assert_allclose(rot, want_rot, atol=1e-4)


def test_in_place_root_motion_keeps_the_root_over_the_origin(server):
    responses = list(server.stub.Generate(request(output=pb.OutputOptions(root_motion=pb.ROOT_MOTION_IN_PLACE))))
    root, _ = assemble(responses, 3)
    assert np.abs(root[:, [0, 2]]).max() == 0.0 and (root[:, 1] > 0.3).all()


def history_message(frames=24, joints=22, nan_at=None, scale_at=None):
    from motion_fixtures import walking_motion
    m = walking_motion(frames, turn=0.3, seed=9)
    root, rot = m.root_positions.copy(), m.local_rotations.copy()[:, :joints]
    if nan_at is not None:
        root[nan_at, 1] = float("nan")
    if scale_at is not None:
        rot[scale_at, 3] *= 1.2
    return pb.MotionFrames(frame_count=frames, root_positions=root.ravel().tolist(), local_rotations=rot.ravel().tolist())


BAD = [
    (dict(text=""), "text: empty"),
    (dict(text="x" * 1001), "text: 1001 characters; at most 1000"),
    (dict(duration_s=99.0), r"duration_s: 99 is outside \[1, 4\] seconds"),
    (dict(duration_s=float("nan")), "duration_s: nan is outside"),
    (dict(guidance_scale=float("inf")), r"guidance_scale: inf is outside \[1, 10\]"),
    (dict(max_level=7), r"max_level: 7 is not a level of this model \(0 = all, 1..3\)"),
    (dict(request_id="bad id with spaces"), "request_id: at most 128 characters"),
    (dict(output=pb.OutputOptions(root_motion=9)), "output.root_motion: unknown value 9"),
    (dict(text="a!" * 200), r"text: \d+ tokens; .* takes at most 256"),
    (dict(history=history_message(nan_at=5)), r"^history.root_positions: not finite .* at frame 5"),
    (dict(history=history_message(scale_at=7)), r"^history.local_rotations: quaternion of joint 3 at frame 7 has length"),
    (dict(history=history_message(joints=21)), r"^history.local_rotations: 21 joints per frame; the skeleton has 22"),
    (dict(history=history_message(frames=400)), r"^history.frame_count: 400 frames; allowed 8..200"),
    (dict(history=pb.MotionFrames(frame_count=3, root_positions=[0.0] * 8)), r"^history.root_positions: 8 floats"),
    (dict(text="", segments=[pb.Segment(text="walk", duration_s=2), pb.Segment(text=" ", duration_s=2)]),
     r"^segments\[1\]\.text: empty"),
    (dict(text="", segments=[pb.Segment(text="walk", duration_s=30)]), r"^segments\[0\]\.duration_s: 30 is outside"),
    (dict(text="", segments=[pb.Segment(text="walk", duration_s=4)] * 17), r"^segments: 17 segments; at most 16"),
    (dict(text="", segments=[pb.Segment(text="walk", duration_s=4)] * 16), r"^segments: 64 s in all"),
    (dict(segments=[pb.Segment(text="walk", duration_s=2)]), r"^segments: set either text or segments"),
]


@pytest.mark.parametrize("fields, message", BAD, ids=[m.strip("^").split(":")[0] for _, m in BAD])
def test_bad_requests_get_invalid_argument_naming_the_field(server, fields, message):
    with pytest.raises(grpc.RpcError) as info:
        list(server.stub.Generate(request(**fields)))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert re.search(message, info.value.details()), info.value.details()


def test_server_keeps_serving_after_bad_requests(server):
    for fields, _ in BAD[:3]:
        with pytest.raises(grpc.RpcError):
            list(server.stub.Generate(request(**fields)))
    assert list(server.stub.Generate(request(max_level=1)))[-1].WhichOneof("payload") == "end"


def test_model_info_reports_the_limits(server):
    info = server.stub.GetModelInfo(pb.GetModelInfoRequest())
    assert info.levels == 3 and info.fps == 20 and info.representation == "dm-v1"
    assert info.limits.max_duration_s == 4.0 and info.limits.max_text_chars == 1000
    assert info.text_encoder.endswith("all-MiniLM-L6-v2") and info.licence


def test_health_is_serving(server):
    h = health_pb2_grpc.HealthStub(server.channel)
    assert h.Check(health_pb2.HealthCheckRequest(service="deepmotion.v1.MotionService")).status == \
        health_pb2.HealthCheckResponse.SERVING


def test_token_auth(model_dir, tmp_path):
    r = Running(lambda: load_cascade(model_dir), token="s3cret")
    try:
        with pytest.raises(grpc.RpcError) as info:
            r.stub.GetModelInfo(pb.GetModelInfoRequest())
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.RpcError) as info:
            list(r.stub.Generate(request(), metadata=[("authorization", "Bearer wrong")]))
        assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
        ok = list(r.stub.Generate(request(max_level=1), metadata=[("authorization", "Bearer s3cret")]))
        assert ok[-1].WhichOneof("payload") == "end"
        h = health_pb2_grpc.HealthStub(r.channel)  # health stays open for probes
        assert h.Check(health_pb2.HealthCheckRequest()).status == health_pb2.HealthCheckResponse.SERVING
    finally:
        r.stop()


def slow_loader(model_dir):
    """The same tiny model sampled with many steps, so a level takes long enough to cancel."""
    def load():
        pipe = load_cascade(model_dir)
        pipe.settings = CascadeSettings(sample_steps={1: 2, 2: 800, 3: 800})
        return pipe
    return load


def test_client_that_disconnects_frees_its_remaining_levels(model_dir):
    r = Running(slow_loader(model_dir), max_batch=1)
    try:
        call = r.stub.Generate(request())
        first = next(call)
        assert first.WhichOneof("payload") == "header"
        assert next(call).chunk.level == 1
        call.cancel()
        deadline = time.time() + 30
        while r.server.state.scheduler.stats["levels_skipped"] == 0 and time.time() < deadline:
            time.sleep(0.05)
        stats = r.server.state.scheduler.stats
        assert stats["cancelled"] == 1
        assert stats["levels_skipped"] >= 1  # level 3 was never computed
        assert stats["levels_computed"] <= 2
    finally:
        r.stop()


def test_full_queue_answers_resource_exhausted(model_dir):
    r = Running(slow_loader(model_dir), max_batch=1, max_queue=1)
    try:
        calls = [r.stub.Generate(request(seed=i)) for i in range(4)]
        codes = []
        for c in calls:
            try:
                list(c)
                codes.append(grpc.StatusCode.OK)
            except grpc.RpcError as e:
                codes.append(e.code())
        assert grpc.StatusCode.RESOURCE_EXHAUSTED in codes and grpc.StatusCode.OK in codes
    finally:
        r.stop()


def test_sigterm_drains_in_flight_streams(model_dir, tmp_path):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    proc = subprocess.Popen([sys.executable, "-m", "deepmotion.cli", "serve", "--model", str(model_dir),
                             "--port", "0", "--device", "cpu", "--grace", "30"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    try:
        port = None
        lines = []
        deadline = time.time() + 120
        while port is None and time.time() < deadline:
            line = proc.stdout.readline()
            lines.append(line)
            if "ready on" in line:
                port = int(line.rsplit(":", 1)[1])
        assert port, "".join(lines)
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        stub = pb_grpc.MotionServiceStub(channel)
        call = stub.Generate(request(duration_s=4.0))
        assert next(call).WhichOneof("payload") == "header"
        proc.send_signal(signal.SIGTERM)
        rest = list(call)  # the in-flight stream still completes
        assert rest[-1].WhichOneof("payload") == "end"
        assert proc.wait(60) == 0
        assert "stopped" in proc.stdout.read()
    finally:
        if proc.poll() is None:
            proc.kill()


def test_python_client_assembles_the_highest_level(server, model_dir):
    from deepmotion_client.client import MotionClient, MotionStream
    with MotionClient(f"127.0.0.1:{server.port}") as client:
        stream = MotionStream()
        kinds = [stream.feed(r) for r in client.generate("a person walks and turns left", 2.0, seed=11)]
        assert kinds[0] == "header" and kinds[-1] == "end"
        assert stream.complete_level() == 3 and set(stream.arrival) == {1, 2, 3}
        motion = stream.motion()
        info = client.model_info()
        assert info.levels == 3
    out = list(load_cascade(model_dir).generate(["a person walks and turns left"], [2.0], [11]))[-1]
    want_root, want_rot, _, _ = frames_from_features(out.features[0], pb.ROOT_MOTION_WORLD)
    np.testing.assert_allclose(motion.root_positions, want_root, atol=1e-4)
    np.testing.assert_allclose(motion.local_rotations, want_rot, atol=1e-4)


def test_client_cli_writes_bvh_and_preview(server, tmp_path, capsys):
    from deepmotion_client.cli import main as client_main
    out, gif = tmp_path / "walk.bvh", tmp_path / "walk.gif"
    assert client_main(["--address", f"127.0.0.1:{server.port}", "generate", "a person walks", "--duration", "2",
                        "-o", str(out), "--preview", str(gif), "--seed", "3"]) == 0
    text = capsys.readouterr().out
    assert "level 1: first frames after" in text and "level 3:" in text and "total:" in text
    assert out.read_text().startswith("HIERARCHY") and gif.read_bytes()[:3] == b"GIF"
    assert client_main(["--address", f"127.0.0.1:{server.port}", "generate", "", "-o", str(out)]) == 1
    assert "INVALID_ARGUMENT: text: empty" in capsys.readouterr().err


def test_client_cli_retargets_onto_a_user_rig_with_clean_feet(server, tmp_path, capsys):
    from rigs import tpose_mixamo_rig, write_rig_bvh

    from deepmotion_client.cli import main as client_main
    from deepmotion_client.motion.bvh import read_bvh
    from deepmotion_client.motion.skeleton import Skeleton as Sk
    skeleton, rest = tpose_mixamo_rig()
    rig = write_rig_bvh(tmp_path / "mixamo.bvh", Sk(skeleton.names, skeleton.parents, skeleton.offsets / 100), rest)
    out, glb = tmp_path / "walk-mixamo.bvh", tmp_path / "walk-mixamo.glb"
    args = ["--address", f"127.0.0.1:{server.port}", "generate", "a person walks", "--duration", "2", "--seed", "3",
            "--target-rig", str(rig), "--map", "mixamo"]
    assert client_main(args + ["-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert "feet: skating ratio" in text and "retargeted onto" in text
    got = read_bvh(out)
    assert sorted(got.skeleton.names) == sorted(skeleton.names)  # fingers included, held at rest
    for j, name in enumerate(skeleton.names[1:], 1):  # still centimetres
        assert np.allclose(got.skeleton.offsets[got.skeleton.index(name)], skeleton.offsets[j], atol=1e-3)
    assert client_main(args + ["-o", str(glb), "--no-foot-cleanup"]) == 0
    assert "feet:" not in capsys.readouterr().out and glb.read_bytes()[:4] == b"glTF"
    assert client_main(args[:-2] + ["--map", "unreal", "-o", str(out)]) == 2
    assert "the unreal map names joints this file does not have" in capsys.readouterr().err
    # A VRM (glTF) character: the .glb out is the character's file with the animation added.
    import pygltflib
    from rigs import apose_rotated_rig, write_skinned_gltf
    avatar = write_skinned_gltf(tmp_path / "avatar.vrm", *apose_rotated_rig())
    glb_out = tmp_path / "avatar-walk.glb"
    assert client_main(args[:-4] + ["--target-rig", str(avatar), "-o", str(glb_out)]) == 0
    g = pygltflib.GLTF2().load(str(glb_out))
    assert len(g.meshes) == 1 and len(g.skins) == 1 and len(g.animations) == 1


def test_recorded_stream_replays_the_same_frames(server, tmp_path):
    from deepmotion_client.cli import main as client_main
    from deepmotion_client.recording import read_recording
    from test_recording import Replay
    rec = tmp_path / "walk.dmrec"
    assert client_main(["--address", f"127.0.0.1:{server.port}", "generate", "a person walks", "--duration", "2",
                        "--seed", "4", "-o", str(tmp_path / "a.bvh"), "--record", str(rec)]) == 0
    records = read_recording(rec)
    live = list(server.stub.Generate(request(text="a person walks", seed=4)))
    replay = Replay(records)
    try:
        replayed = list(pb_grpc.MotionServiceStub(grpc.insecure_channel(f"127.0.0.1:{replay.port}")).Generate(request()))
    finally:
        replay.close()
    for level in (1, 2, 3):
        np.testing.assert_array_equal(assemble(replayed, level)[1], assemble(live, level)[1])


def test_async_client_streams_the_same_as_the_sync_one(server):
    from deepmotion_client.client import AsyncMotionClient

    async def collect():
        async with AsyncMotionClient(f"127.0.0.1:{server.port}") as client:
            return [r async for r in client.generate("a person walks and turns left", 2.0, seed=11)]
    got = asyncio.run(collect())
    want = list(server.stub.Generate(request(seed=11)))
    assert [r.WhichOneof("payload") for r in got] == [r.WhichOneof("payload") for r in want]
    for level in (1, 2, 3):
        np.testing.assert_array_equal(assemble(got, level)[1], assemble(want, level)[1])


def test_deadline_is_honoured_and_frees_the_work(model_dir):
    r = Running(slow_loader(model_dir), max_batch=1)
    try:
        with pytest.raises(grpc.RpcError) as info:
            list(r.stub.Generate(request(), timeout=0.5))
        assert info.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
        deadline = time.time() + 30
        while r.server.state.scheduler.stats["cancelled"] == 0 and time.time() < deadline:
            time.sleep(0.05)
        assert r.server.state.scheduler.stats["cancelled"] == 1
        # and the server still serves
        assert list(r.stub.Generate(request(max_level=1)))[-1].WhichOneof("payload") == "end"
    finally:
        r.stop()


def test_batching_is_per_stage_so_new_requests_do_not_wait_for_refinements(model_dir):
    r = Running(slow_loader(model_dir), max_batch=4)
    try:
        a = r.stub.Generate(request(seed=1))
        assert next(a).WhichOneof("payload") == "header"
        assert next(a).chunk.level == 1  # A now refines levels 2 and 3 (slow)
        t0 = time.perf_counter()
        b = list(r.stub.Generate(request(seed=2, max_level=1)))
        b_done = time.perf_counter() - t0
        rest = list(a)
        a_done = time.perf_counter() - t0
        assert b[-1].WhichOneof("payload") == "end" and rest[-1].WhichOneof("payload") == "end"
        assert b_done < a_done  # B's level 1 ran between A's refinement stages
        assert {c.chunk.level for c in rest if c.WhichOneof("payload") == "chunk"} >= {2, 3}
    finally:
        r.stop()


def test_requests_sent_together_to_an_idle_server_share_its_first_batch(model_dir):
    import threading
    r = Running(slow_loader(model_dir), max_batch=4, wait_s=0.0, burst_s=0.25)
    try:
        stats = r.server.state.scheduler.stats
        barrier = threading.Barrier(3)
        done = []

        def send(i):
            barrier.wait()
            done.append(list(r.stub.Generate(request(seed=20 + i, max_level=1))))
        threads = [threading.Thread(target=send, args=(i,)) for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(done) == 3 and all(d[-1].WhichOneof("payload") == "end" for d in done)
        assert stats["waited_for_burst"] >= 1
        assert stats["batches"] == 1, "three requests sent together share one batch"
    finally:
        r.stop()


def test_a_burst_keeps_gathering_while_its_requests_keep_arriving(model_dir):
    """Three requests 0, 0.05 and 0.4 s apart: the third comes after the first wait (0.2 s) but
    within a gap of the second, so all three share one batch; a lone request does not wait longer."""
    import threading
    r = Running(slow_loader(model_dir), max_batch=4, wait_s=0.0, burst_s=0.2, burst_gap_s=0.6, burst_max_s=3.0)
    try:
        stats = r.server.state.scheduler.stats
        done = []

        def send(i, delay):
            time.sleep(delay)
            done.append(list(r.stub.Generate(request(seed=30 + i, max_level=1))))
        threads = [threading.Thread(target=send, args=(i, d)) for i, d in enumerate((0.0, 0.05, 0.4))]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        assert len(done) == 3 and all(d[-1].WhichOneof("payload") == "end" for d in done)
        assert stats["batches"] == 1, "the burst's late request joined its batch"
        assert stats["burst_extended"] >= 1
        extended = stats["burst_extended"]
        assert list(r.stub.Generate(request(seed=40, max_level=1)))[-1].WhichOneof("payload") == "end"
        assert stats["batches"] == 2 and stats["burst_extended"] == extended, "a lone request is no burst"
    finally:
        r.stop()


def test_a_lone_request_starts_at_once_and_requests_under_load_share_batches(model_dir):
    import threading
    r = Running(slow_loader(model_dir), max_batch=4, wait_s=0.2)
    try:
        stats = r.server.state.scheduler.stats
        assert list(r.stub.Generate(request(max_level=1)))[-1].WhichOneof("payload") == "end"
        assert stats["waited_for_company"] == 0, "an idle server does not wait for company"
        a = r.stub.Generate(request(seed=1))
        assert next(a).WhichOneof("payload") == "header"
        assert next(a).chunk.level == 1  # A refines its levels 2 and 3 (slow): the server is busy
        before = stats["batches"]
        done = []
        threads = [threading.Thread(target=lambda i=i: done.append(list(r.stub.Generate(request(seed=10 + i, max_level=1)))))
                   for i in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
        list(a)
        assert len(done) == 3 and all(d[-1].WhichOneof("payload") == "end" for d in done)
        assert stats["waited_for_company"] >= 1
        assert stats["batches"] - before < 3 + 2, "three level-1 requests under load share a batch"
    finally:
        r.stop()


def test_tls_serves_clients_that_trust_the_certificate(model_dir, tmp_path):
    import shutil
    from deepmotion_client.client import MotionClient
    if shutil.which("openssl") is None:
        pytest.skip("openssl is not installed: cannot make a test certificate")
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
                    "-days", "1", "-subj", "/CN=localhost", "-addext", "subjectAltName=DNS:localhost,IP:127.0.0.1"],
                   check=True, capture_output=True)
    r = Running(lambda: load_cascade(model_dir), tls=(cert.read_bytes(), key.read_bytes()))
    try:
        with MotionClient(f"localhost:{r.port}", tls=True, root_certificates=cert.read_bytes()) as client:
            kinds = [x.WhichOneof("payload") for x in client.generate("a person walks", 2.0, seed=1, max_level=1)]
            assert kinds[0] == "header" and kinds[-1] == "end"
        with pytest.raises(grpc.RpcError) as info:  # plaintext clients cannot talk to a TLS port
            list(r.stub.Generate(request(max_level=1), timeout=5))
        assert info.value.code() in (grpc.StatusCode.UNAVAILABLE, grpc.StatusCode.DEADLINE_EXCEEDED)
    finally:
        r.stop()


def test_clients_retry_unavailable_while_the_model_loads_then_stream(model_dir):
    """Sync and asyncio clients share one retry policy (gRPC's own): UNAVAILABLE before any
    response is retried with backoff; without retries the caller sees UNAVAILABLE at once."""
    import socket

    from deepmotion.server.app import ServerConfig
    from deepmotion_client.client import AsyncMotionClient, MotionClient

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]

    def slow_load():
        time.sleep(1.5)
        return load_cascade(model_dir)

    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    server = MotionServer(slow_load, ServerConfig(port=port))
    started = asyncio.run_coroutine_threadsafe(server.start(), loop)
    try:
        deadline = time.time() + 10
        while time.time() < deadline:  # the port opens before the model loads
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                time.sleep(0.05)
        with MotionClient(f"127.0.0.1:{port}") as impatient:
            with pytest.raises(grpc.RpcError) as info:
                impatient.model_info(timeout=5)
            assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        with MotionClient(f"127.0.0.1:{port}", retries=4, backoff_s=1.0) as client:
            kinds = [r.WhichOneof("payload") for r in client.generate("a person walks", 2.0, seed=3, timeout=60)]
        assert kinds[0] == "header" and kinds[-1] == "end"

        async def async_info():
            async with AsyncMotionClient(f"127.0.0.1:{port}", retries=2) as c:
                return await c.model_info()
        assert asyncio.run(async_info()).levels == 3
        started.result(30)
    finally:
        asyncio.run_coroutine_threadsafe(server.drain(), loop).result(60)
        loop.call_soon_threadsafe(loop.stop)


def test_model_info_publishes_the_continuation_limits(server):
    lim = server.stub.GetModelInfo(pb.GetModelInfoRequest()).limits
    assert lim.max_history_frames == 200 and lim.min_history_frames == 8 and lim.history_used_s == pytest.approx(0.8)
    assert lim.max_segments == 16 and lim.max_timeline_s == 60 and 0 < lim.quaternion_tolerance < 0.01


def test_timeline_streams_level_one_of_every_segment_first(server):
    segs = [pb.Segment(text="a person walks", duration_s=1.2), pb.Segment(text="a person walks and turns left", duration_s=2.0)]
    responses = list(server.stub.Generate(request(text="", segments=segs)))
    header = responses[0].header
    assert header.frame_count == 24 + 40
    chunks = [r.chunk for r in responses if r.HasField("chunk")]
    levels = [c.level for c in chunks]
    assert levels == sorted(levels), "level 1 of the whole timeline, then 2, then 3"
    for level in (1, 2, 3):
        covered = sorted((c.start_frame, c.frame_count) for c in chunks if c.level == level)
        assert sum(n for _, n in covered) == 64 and covered[0][0] == 0
    assert responses[-1].HasField("end")


def test_a_prompt_that_names_an_order_streams_as_a_timeline_of_its_parts(server, model_dir):
    from deepmotion.engine.request import GenerationRequest
    from deepmotion.engine.timeline import segment_frames
    text = "a person walks, then a person walks and turns left"
    pipe = load_cascade(model_dir)
    planned = pipe.plan(pipe.validate(GenerationRequest(text, 3.3, 5)))
    assert len(planned.segments) == 2
    responses = list(server.stub.Generate(request(text=text, duration_s=3.3)))
    assert responses[0].header.frame_count == sum(segment_frames(s.duration_s) for s in planned.segments) != 66
    assert responses[-1].HasField("end")
    level3 = sorted((c.start_frame, c.frame_count) for c in (r.chunk for r in responses if r.HasField("chunk"))
                    if c.level == 3)
    assert sum(n for _, n in level3) == responses[0].header.frame_count


def test_a_movement_with_a_gesture_streams_whole_also_when_it_continues_a_history(server, model_dir):
    text = "a man jogs forward while waving the right hand"
    assert load_cascade(model_dir).composition(text) == ("a man jogs forward", "a man waving the right hand")
    for extra in ({}, {"history": history_message(frames=32)}):
        responses = list(server.stub.Generate(request(text=text, duration_s=2.0, **extra)))
        assert responses[-1].HasField("end") and responses[0].header.frame_count == 40
        chunks = [r.chunk for r in responses if r.HasField("chunk")]
        assert {c.level for c in chunks} == {1, 2, 3}
        assert sum(c.frame_count for c in chunks if c.level == 3) == 40
        assert all(np.isfinite(c.root_positions).all() and np.isfinite(c.local_rotations).all() for c in chunks)


def test_history_request_continues_where_the_history_ends(server):
    hist = history_message(frames=32)
    responses = list(server.stub.Generate(request(history=hist, duration_s=2.0)))
    assert responses[0].header.frame_count == 40, "only the new frames"
    first = next(r.chunk for r in responses if r.HasField("chunk") and r.chunk.level == 3 and r.chunk.start_frame == 0)
    last_root = np.array(hist.root_positions[-3:])
    gap = np.linalg.norm(np.array(first.root_positions[:3])[[0, 2]] - last_root[[0, 2]])
    assert gap < 0.3, f"first new root {gap:.2f} m from the history's last"


def test_client_cli_continues_a_take_on_its_own_rig_and_streams_timelines(server, tmp_path, capsys):
    """--start-from: the end of a Mixamo-rig take (cm) becomes the history; the output holds only
    the new frames, on that rig, in its units, starting where the take ends. --segment: a timeline."""
    from rigs import tpose_mixamo_rig

    from deepmotion_client.cli import main as client_main
    from deepmotion_client.motion.bvh import read_bvh, write_bvh
    from deepmotion_client.motion.joint_maps import MIXAMO, resolve_names
    from deepmotion_client.motion.retarget import Retargeter
    from deepmotion_client.motion.skeleton import Skeleton as Sk
    from motion_fixtures import walking_motion
    skeleton, rest = tpose_mixamo_rig()
    metres = Sk(skeleton.names, skeleton.parents, skeleton.offsets / 100)
    take = Retargeter(metres, resolve_names(skeleton.names, MIXAMO), rest).apply_motion(walking_motion(40, turn=0.5, seed=2))
    src = tmp_path / "take.bvh"
    write_bvh(src, take, scale=100.0)
    out = tmp_path / "next.bvh"
    base = ["--address", f"127.0.0.1:{server.port}", "generate"]
    assert client_main(base + ["a person walks", "--duration", "2", "--seed", "1", "--start-from", str(src),
                               "--map", "mixamo", "--no-foot-cleanup", "-o", str(out)]) == 0
    assert "continuing the last frames" in capsys.readouterr().out
    got, before = read_bvh(out), read_bvh(src)
    assert got.num_frames == 40 and sorted(got.skeleton.names) == sorted(before.skeleton.names)
    hips = got.skeleton.index("mixamorig:Hips")
    gap_cm = np.linalg.norm(got.translations[0, hips, [0, 2]] - before.translations[-1, hips, [0, 2]])
    assert gap_cm < 30, f"the new frames start {gap_cm:.0f} cm from where the take ends"
    timeline = tmp_path / "timeline.bvh"
    assert client_main(base + ["--segment", "a person walks", "1.2", "--segment", "a person walks and turns left", "2",
                               "-o", str(timeline)]) == 0
    assert read_bvh(timeline).num_frames == 64
    assert client_main(base + ["a person walks", "--segment", "x", "1", "-o", str(timeline)]) == 2
    assert "give a prompt or --segment" in capsys.readouterr().err


def test_session_runs_a_timed_script_into_one_unbroken_motion(server, tmp_path, capsys):
    from deepmotion_client.cli import main as client_main
    from deepmotion_client.motion.bvh import read_bvh
    from deepmotion_client.recording import read_recording
    script = tmp_path / "npc.txt"
    script.write_text("0 a person walks\n# the guard turns\n3.0 a person walks and turns left\nnow a person walks\n")
    out, rec = tmp_path / "session.bvh", tmp_path / "session.dmrec"
    assert client_main(["--address", f"127.0.0.1:{server.port}", "session", "--script", str(script), "--seconds", "12",
                        "--piece", "2", "-o", str(out), "--record", str(rec)]) == 0
    text = capsys.readouterr().out
    got = read_bvh(out)
    assert got.num_frames == 240 and np.isfinite(got.translations).all()
    from deepmotion_client.session import MotionSession
    idle = MotionSession(client=None).idle_prompt
    assert "a person walks and turns left" in text and f"'{idle}'" in text, "prompts, then the idle prompt"
    headers = [r.response for r in read_recording(rec) if r.response.HasField("header")]
    assert len(headers) >= 4 and headers[1].header.request_id.startswith("session-1.")
