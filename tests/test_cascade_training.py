"""Training the cascade end to end on a tiny synthetic dataset, loading it back, generating."""
import json

import numpy as np
import pytest
import torch

from deepmotion.engine.checkpoint import CheckpointError
from deepmotion.engine.pipeline import load_cascade
from deepmotion.cli import main
from tiny_model import TINY_DENOISER, build_tiny_model

@pytest.fixture(scope="module")
def trained(tmp_path_factory):
    root = tmp_path_factory.mktemp("cascade")
    build_tiny_model(root)
    return root


def test_cascade_directory_holds_every_part(trained):
    model = trained / "model"
    for part in ("tokenizer", "base", "sr2", "sr3", "length"):
        assert (model / part / "manifest.json").exists(), part
    meta = json.loads((model / "cascade.json").read_text())
    assert meta["text_encoder"].endswith("all-MiniLM-L6-v2")


def test_trained_cascade_generates_every_level(trained):
    pipe = load_cascade(trained / "model")
    outs = list(pipe.generate(["a person walks and turns left"], [2.0], [1]))
    assert [o.level for o in outs] == [1, 2, 3]
    assert all(o.features[0].shape == (40, 269) and np.isfinite(o.features[0]).all() for o in outs)


def test_generate_cli_writes_bvh(trained, tmp_path, capsys):
    out = tmp_path / "walk.bvh"
    assert main(["generate", "a person walks", "--duration", "2", "--out", str(out), "--model",
                 str(trained / "model"), "--device", "cpu", "--level", "2"]) == 0
    text = capsys.readouterr().out
    assert "level 1:" in text and "level 2:" in text and "level 3:" not in text
    assert out.read_text().startswith("HIERARCHY")


def test_a_model_refuses_another_text_encoder(trained, tmp_path):
    import shutil
    copy = tmp_path / "model"
    shutil.copytree(trained / "model", copy)
    meta = json.loads((copy / "cascade.json").read_text())
    meta["text_encoder"] = "t5:t5-xxl"
    (copy / "cascade.json").write_text(json.dumps(meta))
    from deepmotion.engine.text import load_text_encoder
    with pytest.raises(CheckpointError, match="trained with text encoder 't5:t5-xxl', refusing 'minilm:"):
        load_cascade(copy, text_encoder=load_text_encoder("minilm"))


def test_training_resumes_from_its_state(trained, tmp_path):
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData, train_denoiser
    data = LatentData(Dataset(trained / "ds"), Tokenizer.load(trained / "tok"), load_text_encoder("minilm"), progress=False)
    full = DiffusionTrainConfig.from_dict({**TINY_DENOISER, "steps": 4})
    half = DiffusionTrainConfig.from_dict({**TINY_DENOISER, "steps": 2})
    a = train_denoiser(data, 2, tmp_path / "a", full, "cpu", log=lambda *_: None, progress=False)
    train_denoiser(data, 2, tmp_path / "b", half, "cpu", log=lambda *_: None, progress=False)
    b = train_denoiser(data, 2, tmp_path / "b", full, "cpu", log=lambda *_: None, progress=False)
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.allclose(pa, pb, atol=1e-6), name


def test_model_export_to_float16_still_generates(trained, tmp_path):
    out = tmp_path / "fp16"
    assert main(["model", "export", "--model", str(trained / "model"), "--out", str(out)]) == 0
    assert not (out / "base" / "train_state").exists()
    pipe = load_cascade(out)
    outs = list(pipe.generate(["a person walks"], [2.0], [0], max_level=1))
    assert np.isfinite(outs[0].features[0]).all()
    assert pipe.limits.max_duration_s == 4.0  # from the training crops, recorded in cascade.json
