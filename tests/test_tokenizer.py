"""The hierarchical tokenizer on a tiny configuration and a tiny synthetic dataset."""
import json

import numpy as np
import pytest
import torch

from deepmotion.engine.checkpoint import CheckpointError
from deepmotion.engine.data.dataset import ClipItem, Dataset, write_dataset
from deepmotion.engine.models.kinematics import joint_positions
from deepmotion.engine.models.tokenizer import MotionTokenizer, Tokenizer, TokenizerConfig
from deepmotion.engine.representation import dmv1
from deepmotion.engine.training.tokenizer import TrainConfig, evaluate, reconstruct, train_tokenizer
from deepmotion.cli import main
from motion_fixtures import walking_motion

TINY = TokenizerConfig(width=16, code_dim=8, codebook_sizes=(16, 16, 16), kmeans_init=False)
TINY_TRAIN = TrainConfig(steps=4, batch=4, window=16, eval_every=4, save_every=2, eval_clips=4, kmeans_batch=8)


@pytest.fixture(scope="module")
def tiny_data(tmp_path_factory):
    out = tmp_path_factory.mktemp("tinyds")
    items = [ClipItem(id=f"clip{i}", motion=walking_motion(30 + 7 * i, turn=0.3 * i - 1, seed=i),
                      captions=["a person walks"]) for i in range(12)]
    write_dataset(out, items, "test-hash", {"kind": "synthetic"})
    return Dataset(out)


def test_torch_kinematics_match_numpy():
    motion = walking_motion(40, turn=1.0)
    feats = dmv1.encode(motion)
    pos = joint_positions(torch.tensor(feats[None], dtype=torch.float64))[0].numpy()
    np.testing.assert_allclose(pos, motion.joint_positions(), atol=1e-3)


def test_shapes_and_prefix_decoding():
    torch.manual_seed(0)
    model = MotionTokenizer(TINY).eval()
    x = torch.randn(2, 32, 269)
    idx, _, _ = model.encode(x)
    assert [i.shape for i in idx] == [(2, 4), (2, 8), (2, 16)]  # strides 8, 4, 2
    outs = [model.decode(idx, k) for k in (1, 2, 3)]
    assert all(o.shape == (2, 32, 269) for o in outs)
    assert not torch.allclose(outs[0], outs[1]) and not torch.allclose(outs[1], outs[2])  # each level adds
    # a prefix decode ignores the codes of the levels it leaves out
    idx2 = [idx[0], torch.zeros_like(idx[1]), torch.zeros_like(idx[2])]
    assert torch.equal(model.decode(idx2, 1), outs[0])
    with pytest.raises(ValueError, match="levels must be 1..3"):
        model.decode(idx, 4)


def test_training_is_deterministic_and_resumable(tiny_data, tmp_path):
    a = train_tokenizer(tiny_data.path, tmp_path / "a", TINY, TINY_TRAIN, "cpu", log=lambda *_: None, progress=False)
    b = train_tokenizer(tiny_data.path, tmp_path / "b", TINY, TINY_TRAIN, "cpu", log=lambda *_: None, progress=False)
    half = TrainConfig(**{**TINY_TRAIN.__dict__, "steps": 2})
    train_tokenizer(tiny_data.path, tmp_path / "c", TINY, half, "cpu", log=lambda *_: None, progress=False)
    c = train_tokenizer(tiny_data.path, tmp_path / "c", TINY, TINY_TRAIN, "cpu", log=lambda *_: None, progress=False)
    for (name, pa), pb, pc in zip(a.model.state_dict().items(), b.model.state_dict().values(),
                                  c.model.state_dict().values()):
        assert torch.equal(pa, pb), f"{name} differs between two runs with one seed"
        assert torch.allclose(pa.float(), pc.float(), atol=1e-6), f"{name} differs after resuming"


def test_save_load_round_trip_gives_identical_outputs(tiny_data, tmp_path):
    tok = train_tokenizer(tiny_data.path, tmp_path / "t", TINY, TINY_TRAIN, "cpu", log=lambda *_: None, progress=False)
    loaded = Tokenizer.load(tmp_path / "t")
    raw = tiny_data.features_of(0)
    for level in (1, 2, 3):
        np.testing.assert_array_equal(reconstruct(tok, raw, level), reconstruct(loaded, raw, level))
    assert set(p.name for p in (tmp_path / "t").iterdir()) >= {"config.json", "model.safetensors",
                                                               "stats.safetensors", "manifest.json"}
    res = evaluate(loaded, tiny_data, "train")
    assert [r["level"] for r in res["levels"]] == [1, 2, 3]
    assert all(np.isfinite(r["mpjpe_mm"]) for r in res["levels"])
    assert all(0 < c["perplexity"] <= 16 for c in res["codebooks"])


@pytest.fixture
def checkpoint(tiny_data, tmp_path):
    torch.manual_seed(0)
    tok = Tokenizer(MotionTokenizer(TINY), torch.tensor(tiny_data.mean), torch.tensor(tiny_data.std))
    return tok.save(tmp_path / "ck")


def corrupt(case, path):
    if case == "missing file":
        (path / "model.safetensors").unlink()
        return "missing model.safetensors"
    if case == "hash mismatch":
        data = bytearray((path / "model.safetensors").read_bytes())
        data[-1] ^= 0xFF
        (path / "model.safetensors").write_bytes(bytes(data))
        return "model.safetensors does not match its sha256"
    cfg = json.loads((path / "config.json").read_text())
    if case == "wrong representation":
        cfg["representation"] = "humanml3d-263"
        message = "representation 'humanml3d-263', this engine uses 'dm-v1'"
    elif case == "wrong version":
        cfg["format_version"] = 99
        message = "format version 99, this engine reads version 1"
    elif case == "wrong kind":
        cfg["kind"] = "base-denoiser"
        message = "holds a 'base-denoiser' model, expected 'motion-tokenizer'"
    (path / "config.json").write_text(json.dumps(cfg))
    # keep the manifest consistent so the check that fires is the one under test
    from deepmotion.engine.checkpoint import _sha256
    manifest = json.loads((path / "manifest.json").read_text())
    manifest["config.json"]["sha256"] = _sha256(path / "config.json")
    (path / "manifest.json").write_text(json.dumps(manifest))
    return message


@pytest.mark.parametrize("case", ["missing file", "hash mismatch", "wrong representation", "wrong version", "wrong kind"])
def test_corrupt_checkpoints_are_rejected_with_their_reason(checkpoint, case):
    message = corrupt(case, checkpoint)
    with pytest.raises(CheckpointError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Tokenizer.load(checkpoint)


def test_manifest_missing_and_not_a_directory(checkpoint, tmp_path):
    (checkpoint / "manifest.json").unlink()
    with pytest.raises(CheckpointError, match="missing manifest.json"):
        Tokenizer.load(checkpoint)
    with pytest.raises(CheckpointError, match="not a directory"):
        Tokenizer.load(tmp_path / "nowhere")


def test_cli_reports_a_corrupt_checkpoint_in_one_line(checkpoint, tiny_data, tmp_path, capsys):
    corrupt("hash mismatch", checkpoint)
    rc = main(["tokenizer", "recon", "--checkpoint", str(checkpoint), "--data", str(tiny_data.path),
               "--clip", "clip0", "--level", "1", "--out", str(tmp_path / "x.bvh")])
    err = capsys.readouterr().err.strip()
    assert rc == 2 and err.startswith("deepmotion: error: checkpoint") and "\n" not in err


def test_recon_cli_writes_a_bvh_per_level(tiny_data, tmp_path, capsys):
    train_tokenizer(tiny_data.path, tmp_path / "t", TINY, TINY_TRAIN, "cpu", log=lambda *_: None, progress=False)
    for level in (1, 3):
        out = tmp_path / f"l{level}.bvh"
        assert main(["tokenizer", "recon", "--checkpoint", str(tmp_path / "t"), "--data", str(tiny_data.path),
                     "--clip", "clip3", "--level", str(level), "--out", str(out)]) == 0
        assert out.read_text().startswith("HIERARCHY")


def test_unknown_device_and_config_keys_are_named():
    from deepmotion.engine.device import resolve_device
    with pytest.raises(ValueError, match="--device must be auto, cpu or cuda"):
        resolve_device("tpu")
    with pytest.raises(ValueError, match="unknown tokenizer config keys: widht"):
        TokenizerConfig.from_dict({"widht": 3})
