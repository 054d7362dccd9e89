"""A damaged model directory is one line naming the file and what is wrong, exit code 2, no
traceback: for the CLI user and for `deepmotion serve` alike (docs/ARCHITECTURE.md, errors)."""
import json
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from deepmotion.engine.cascade import DENOISERS
from deepmotion.engine.checkpoint import load_checkpoint, save_checkpoint
from deepmotion.engine.pipeline import load_cascade
from servers import Running
from deepmotion_client.proto import motion_pb2 as pb
from tiny_model import build_tiny_model

DEEPMOTION = Path(sys.executable).with_name("deepmotion")


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory):
    return build_tiny_model(tmp_path_factory.mktemp("errors-model"))


def generate(model: Path, tmp_path: Path) -> subprocess.CompletedProcess:
    return subprocess.run([str(DEEPMOTION), "generate", "a person walks", "--model", str(model),
                           "--out", str(tmp_path / "x.bvh"), "--device", "cpu"], capture_output=True, text=True,
                          timeout=300)


def assert_one_line(run: subprocess.CompletedProcess, *needles: str):
    assert run.returncode == 2, run.stderr
    lines = run.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("deepmotion: error: "), run.stderr
    assert "Traceback" not in run.stderr
    for needle in needles:
        assert needle in lines[0], (needle, lines[0])
    assert not (Path(run.args[-3]).exists()), "nothing written"


def test_shape_mismatched_part_names_the_checkpoint_and_tensor(model_dir, tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(model_dir, broken)
    sr2 = broken / DENOISERS[2].directory
    cfg, state, mean, std = load_checkpoint(sr2, DENOISERS[2].kind)
    extra = {k: v for k, v in cfg.items() if k not in ("kind", "format_version", "representation", "fps", "model", "versions")}
    save_checkpoint(sr2, DENOISERS[2].kind, {**cfg["model"], "width": cfg["model"]["width"] * 2}, state, mean, std, extra)
    assert_one_line(generate(broken, tmp_path), str(sr2), "has shape", "denoiser-level-2")


def test_cascade_json_without_a_key_names_the_file_and_key(model_dir, tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(model_dir, broken)
    meta = json.loads((broken / "cascade.json").read_text())
    del meta["text_encoder"]
    (broken / "cascade.json").write_text(json.dumps(meta))
    assert_one_line(generate(broken, tmp_path), str(broken / "cascade.json"), "missing key 'text_encoder'")


def test_missing_file_names_the_checkpoint_and_file(model_dir, tmp_path):
    broken = tmp_path / "model"
    shutil.copytree(model_dir, broken)
    (broken / "length" / "model.safetensors").unlink()
    assert_one_line(generate(broken, tmp_path), str(broken / "length"), "missing model.safetensors")


def test_predicted_durations_run_on_the_engine_thread_not_the_event_loop(model_dir):
    """Text encoding and the length predictor are model work: they must not stall the event
    loop every open stream shares."""
    pipe = load_cascade(model_dir)
    threads = []
    predict = pipe.length_predictor.predict_seconds

    def recording_predict(pooled):
        threads.append(threading.current_thread().name)
        return predict(pooled)

    pipe.length_predictor.predict_seconds = recording_predict
    running = Running(lambda: pipe)
    try:
        responses = list(running.stub.Generate(pb.GenerateRequest(text="a person walks", seed=1, has_seed=True)))
    finally:
        running.stop()
    assert responses[0].header.frame_count > 0 and responses[-1].HasField("end")
    assert threads and all(name.startswith("engine") for name in threads), threads
