"""Defects an attack on the server found (issue 17), each with the test that failed before its fix:
a real server on a loopback port with a tiny model, real CLI processes, real files."""
import os
import subprocess
import sys
import time

import grpc
import pytest

from deepmotion.engine.pipeline import generator_seed, load_cascade
from deepmotion.server.app import MotionServer, ServerConfig, ServerStartError
from deepmotion_client.client import MotionStream, StreamError
from deepmotion_client.proto import motion_pb2 as pb
from deepmotion_client.recording import RecordingWriter, read_recording
from servers import Running
from tiny_model import build_tiny_model


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("ops-model"))


@pytest.fixture(scope="module")
def server(model_dir):
    r = Running(lambda: load_cascade(model_dir), max_batch=4, max_queue=8, wait_s=0.01)
    yield r
    r.stop()


def request(**kw):
    kw.setdefault("text", "a person walks forward")
    kw.setdefault("duration_s", 2.0)
    kw.setdefault("seed", 5)
    kw.setdefault("has_seed", True)
    kw.setdefault("max_level", 1)
    return pb.GenerateRequest(**kw)


def cli(*args, timeout=120):
    env = dict(os.environ, PYTHONUNBUFFERED="1")
    return subprocess.run([sys.executable, "-m", *args], capture_output=True, text=True, timeout=timeout, env=env)


def test_a_second_server_on_a_held_port_fails_instead_of_sharing_it(server, model_dir):
    import asyncio
    second = MotionServer(lambda: load_cascade(model_dir), ServerConfig(host="127.0.0.1", port=server.port))
    with pytest.raises(ServerStartError, match=rf"cannot listen on 127.0.0.1:{server.port}: the port is in use"):
        asyncio.run(second.start())
    # and the CLI says it in one line, exit 2
    out = cli("deepmotion.cli", "serve", "--model", str(model_dir), "--port", str(server.port), "--device", "cpu")
    assert out.returncode == 2, out.stderr
    assert "the port is in use" in out.stderr and "Traceback" not in out.stderr + out.stdout


def test_replay_server_on_a_held_port_fails_too(server, tmp_path):
    rec = tmp_path / "r.dmrec"
    w = RecordingWriter(rec)
    for i, r in enumerate(server.stub.Generate(request())):
        w.write(0.01 * i, r)
    w.close()
    out = cli("deepmotion_client.cli", "replay", str(rec), "--port", str(server.port))
    assert out.returncode == 2 and "the port is in use" in out.stderr, out.stderr
    assert "Traceback" not in out.stderr


def test_model_that_fails_to_load_stops_the_server_cleanly(tmp_path):
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "cascade.json").write_text("{not json")
    out = cli("deepmotion.cli", "serve", "--model", str(broken), "--port", "0", "--device", "cpu")
    assert out.returncode == 2, out.stdout + out.stderr
    assert "cascade.json: not valid JSON" in out.stderr
    for noise in ("Traceback", "Exception ignored", "Event loop is closed"):
        assert noise not in out.stderr + out.stdout, out.stderr


def test_serve_refuses_batch_waits_out_of_range_naming_the_flag(model_dir):
    for flag, value in (("--burst-wait-ms", "-1"), ("--batch-wait-ms", "nan")):
        out = cli("deepmotion.cli", "serve", "--model", str(model_dir), "--port", "0", "--device", "cpu", flag, value)
        assert out.returncode == 2, out.stdout + out.stderr
        assert f"{flag} must be between 0 and 1000 (ms)" in out.stderr and "Traceback" not in out.stderr


def test_garbage_request_body_is_invalid_argument_and_the_server_keeps_serving(server):
    raw = server.channel.unary_stream("/deepmotion.v1.MotionService/Generate",
                                      request_serializer=lambda b: b, response_deserializer=pb.GenerateResponse.FromString)
    with pytest.raises(grpc.RpcError) as info:
        list(raw(b"\xff\xff\xff\xff\x0f garbage"))
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "request body: not a valid deepmotion.v1.GenerateRequest" in info.value.details()
    unary = server.channel.unary_unary("/deepmotion.v1.MotionService/GetModelInfo",
                                       request_serializer=lambda b: b, response_deserializer=pb.ModelInfo.FromString)
    with pytest.raises(grpc.RpcError) as info:
        unary(b"\x0a\xff")
    assert info.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert list(server.stub.Generate(request()))[-1].WhichOneof("payload") == "end"


def test_two_authorization_headers_are_refused(model_dir):
    r = Running(lambda: load_cascade(model_dir), token="s3cret")
    try:
        for headers in ([("authorization", "Bearer wrong"), ("authorization", "Bearer s3cret")],
                        [("authorization", "Bearer s3cret"), ("authorization", "Bearer wrong")],
                        [("authorization", "Bearer s3cret"), ("authorization", "Bearer s3cret")]):
            with pytest.raises(grpc.RpcError) as info:
                list(r.stub.Generate(request(), metadata=headers))
            assert info.value.code() == grpc.StatusCode.UNAUTHENTICATED
        ok = list(r.stub.Generate(request(), metadata=[("authorization", "Bearer s3cret")]))
        assert ok[-1].WhichOneof("payload") == "end"
    finally:
        r.stop()


def test_while_draining_new_requests_get_the_draining_message(model_dir):
    import asyncio
    r = Running(lambda: load_cascade(model_dir), grace_s=30)
    try:
        call = r.stub.Generate(request(duration_s=4.0, max_level=3))
        assert next(call).WhichOneof("payload") == "header"
        r.server.state.active += 1  # hold the drain open as a slow stream would
        drain = asyncio.run_coroutine_threadsafe(r.server.drain(), r.loop)
        deadline = time.time() + 10
        while not r.server.state.draining and time.time() < deadline:
            time.sleep(0.01)
        with pytest.raises(grpc.RpcError) as info:
            list(r.stub.Generate(request()))
        assert info.value.code() == grpc.StatusCode.UNAVAILABLE
        assert "draining" in info.value.details()
        assert list(call)[-1].WhichOneof("payload") == "end"  # the in-flight stream completes
        r.server.state.active -= 1
        drain.result(30)
    finally:
        r.channel.close()
        r.loop.call_soon_threadsafe(r.loop.stop)


def test_all_64_bits_of_the_seed_count(model_dir):
    import torch
    assert generator_seed(5) == 5  # seeds below 2**32 are unchanged: old motions stay reproducible
    seeds = [5, 5 + 2 ** 32, 5 + 2 ** 63, 2 ** 64 - 1]
    assert len({generator_seed(s) for s in seeds}) == len(seeds)
    # Each request's noise stream: torch's generator alone gives s, s + 2**32 and s + 2**63 the same.
    states = load_cascade(model_dir).prepare(["a person walks"] * 4, [2.0] * 4, seeds)
    noise = [torch.randn(8, generator=st.generator) for st in states]
    for i in range(1, 4):
        assert not torch.equal(noise[0], noise[i]), seeds[i]
    assert torch.equal(torch.randn(8, generator=torch.Generator().manual_seed(5)), noise[0])


def test_text_encoder_token_limit_is_published_and_named(server):
    info = server.stub.GetModelInfo(pb.GetModelInfoRequest())
    assert info.limits.max_text_tokens > 0
    cjk = "人" * (info.limits.max_text_tokens + 10)
    assert len(cjk) <= info.limits.max_text_chars
    with pytest.raises(grpc.RpcError) as e:
        list(server.stub.Generate(request(text=cjk)))
    assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    assert "text:" in e.value.details() and "max_text_tokens" in e.value.details()


def test_a_stream_cut_before_its_end_is_an_error_not_a_clip(server, tmp_path):
    responses = list(server.stub.Generate(request()))
    stream = MotionStream()
    for r in responses[:-1]:  # everything but the StreamEnd
        stream.feed(r)
    with pytest.raises(StreamError, match="ended without its StreamEnd"):
        stream.require_end()
    # A recording cut exactly at a record boundary replays as cut, and the client refuses it.
    rec = tmp_path / "cut.dmrec"
    w = RecordingWriter(rec)
    for i, r in enumerate(responses[:-1]):
        w.write(0.01 * i, r)
    w.close()
    assert len(read_recording(rec)) == len(responses) - 1
    out_bvh = tmp_path / "out.bvh"
    proc = subprocess.Popen([sys.executable, "-m", "deepmotion_client.cli", "replay", str(rec), "--port", "0"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        line = proc.stdout.readline()
        port = int(line.split(":")[-1].split()[0])
        out = cli("deepmotion_client.cli", "--address", f"127.0.0.1:{port}", "generate", "x", "-o", str(out_bvh))
        assert out.returncode == 1, out.stdout + out.stderr  # the server's status: exit 1
        assert "DATA_LOSS" in out.stderr or "without its StreamEnd" in out.stderr, out.stderr
        assert not out_bvh.exists()
    finally:
        proc.kill()


def test_metrics_port_serves_the_series_an_operator_needs(model_dir):
    import urllib.request
    r = Running(lambda: load_cascade(model_dir), metrics_port=0)
    try:
        for seed in (1, 2):
            assert list(r.stub.Generate(request(seed=seed, max_level=3)))[-1].WhichOneof("payload") == "end"
        with pytest.raises(grpc.RpcError):
            list(r.stub.Generate(request(text="")))
        r.stub.GetModelInfo(pb.GetModelInfoRequest())
        text = urllib.request.urlopen(f"http://127.0.0.1:{r.server.metrics_port}/metrics", timeout=10).read().decode()
    finally:
        r.stop()
    want = ['deepmotion_requests_total{code="OK",method="Generate"} 2.0',
            'deepmotion_requests_total{code="INVALID_ARGUMENT",method="Generate"} 1.0',
            'deepmotion_requests_total{code="OK",method="GetModelInfo"} 1.0',
            "deepmotion_time_to_first_frame_seconds_count 2.0",
            'deepmotion_level_latency_seconds_count{level="3"} 2.0',
            "deepmotion_queue_depth 0.0", "deepmotion_active_streams 0.0",
            'deepmotion_batch_size_count{stage="1"}', "deepmotion_cancelled_total 0.0",
            "deepmotion_levels_skipped_total 0.0"]
    for line in want:
        assert line in text, line


def test_json_logs_carry_the_request_id_on_every_line_of_a_request(model_dir):
    import json
    import signal
    proc = subprocess.Popen([sys.executable, "-m", "deepmotion.cli", "serve", "--model", str(model_dir), "--port", "0",
                             "--device", "cpu", "--log-format", "json"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            env=dict(os.environ, PYTHONUNBUFFERED="1"))
    try:
        port = None
        deadline = time.time() + 120
        while port is None and time.time() < deadline:
            line = proc.stdout.readline()
            if "ready on" in line:
                port = int(line.rsplit(":", 1)[1])
        assert port
        channel = grpc.insecure_channel(f"127.0.0.1:{port}")
        from deepmotion_client.proto import motion_pb2_grpc as pb_grpc
        stub = pb_grpc.MotionServiceStub(channel)
        assert list(stub.Generate(request(request_id="rid-json-1", max_level=3)))[-1].WhichOneof("payload") == "end"
        with pytest.raises(grpc.RpcError):
            list(stub.Generate(request(request_id="rid-json-2", duration_s=99.0)))
        channel.close()
        proc.send_signal(signal.SIGTERM)
        proc.wait(60)
        lines = [json.loads(x) for x in proc.stderr.read().splitlines() if x.strip()]  # every line is JSON
    finally:
        if proc.poll() is None:
            proc.kill()
    assert {"time", "level", "logger", "message", "request_id"} <= set(lines[0])
    mine = [x for x in lines if "rid-json-1" in x["message"] or x["request_id"] == "rid-json-1"]
    assert len(mine) >= 3 and all(x["request_id"] == "rid-json-1" for x in mine), mine
    bad = [x for x in lines if x["request_id"] == "rid-json-2"]
    assert bad and "duration_s" in bad[0]["message"]


def test_control_characters_are_not_a_prompt(server):
    for text in ("\x00\x01\x02", "walk\x00forward", "wave\x1b[31m"):
        with pytest.raises(grpc.RpcError) as e:
            list(server.stub.Generate(request(text=text)))
        assert e.value.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert "text: contains the control character U+" in e.value.details()
    assert list(server.stub.Generate(request(text="walk\tforward\n")))[-1].WhichOneof("payload") == "end"


def test_command_line_mistakes_are_one_line_before_any_work(server, tmp_path):
    missing = cli("deepmotion_client.cli", "--token-file", str(tmp_path / "missing"), "info")
    assert missing.returncode == 2 and "Traceback" not in missing.stderr
    assert missing.stderr.startswith("deepmotion-client: error: --token-file") and "missing" in missing.stderr
    address = f"127.0.0.1:{server.port}"
    for out, why in ((tmp_path / "x.xyz", "unknown format '.xyz'"), (tmp_path / "nowhere" / "x.bvh", "does not exist")):
        r = cli("deepmotion_client.cli", "--address", address, "generate", "a person walks", "-o", str(out))
        assert r.returncode == 2 and why in r.stderr, r.stderr
        assert "header:" not in r.stdout, "nothing was generated"
        assert not out.exists()
        e = cli("deepmotion.cli", "generate", "a person walks", "--model", "/nonexistent", "--out", str(out))
        assert e.returncode == 2 and why in e.stderr, e.stderr
