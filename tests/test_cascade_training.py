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


class Interrupted(Exception):
    pass


def interrupt_at(data, step: int):
    """`data` whose batch for `step` never comes: the run stops there as if killed."""
    original = data.batch

    def batch(k, *args, **kw):
        if k == step:
            raise Interrupted(k)
        return original(k, *args, **kw)
    data.batch = batch
    return original


def test_training_resumes_from_its_state(trained, tmp_path):
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData, train_denoiser
    data = LatentData(Dataset(trained / "ds"), Tokenizer.load(trained / "tok"), load_text_encoder("minilm"), progress=False)
    full = DiffusionTrainConfig.from_dict({**TINY_DENOISER, "steps": 4, "save_every": 2})
    a = train_denoiser(data, 2, tmp_path / "a", full, "cpu", log=lambda *_: None, progress=False)
    original = interrupt_at(data, 3)
    with pytest.raises(Interrupted):
        train_denoiser(data, 2, tmp_path / "b", full, "cpu", log=lambda *_: None, progress=False)
    data.batch = original
    logs = []
    b = train_denoiser(data, 2, tmp_path / "b", full, "cpu", log=logs.append, progress=False)
    assert "resuming level 2 from step 2" in logs
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.allclose(pa, pb, atol=1e-6), name
    # A finished level lost its train_state to its checkpoint: run again, it is kept, not retrained
    # (a resumed cascade skips its finished levels); other settings train anew.
    interrupt_at(data, 0)  # any batch drawn would be training again
    logs = []
    kept = train_denoiser(data, 2, tmp_path / "b", full, "cpu", log=logs.append, progress=False)
    assert any("already holds this training's result" in line for line in logs)
    for (name, pa), pb in zip(a.state_dict().items(), kept.state_dict().values()):
        assert torch.allclose(pa, pb, atol=1e-6), name
    with pytest.raises(Interrupted):
        train_denoiser(data, 2, tmp_path / "b", DiffusionTrainConfig.from_dict({**TINY_DENOISER, "steps": 5}), "cpu",
                       log=lambda *_: None, progress=False)


def test_a_finished_level_1_is_kept_only_with_its_length_predictor(trained, tmp_path):
    import shutil
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData, train_denoiser
    data = LatentData(Dataset(trained / "ds"), Tokenizer.load(trained / "tok"), load_text_encoder("minilm"), progress=False)
    cfg = DiffusionTrainConfig.from_dict({**TINY_DENOISER, "steps": 2})
    train_denoiser(data, 1, tmp_path / "m" / "base", cfg, "cpu", log=lambda *_: None, progress=False)
    assert (tmp_path / "m" / "length" / "config.json").exists()
    original = interrupt_at(data, 0)  # any batch drawn would be training again
    logs = []
    train_denoiser(data, 1, tmp_path / "m" / "base", cfg, "cpu", log=logs.append, progress=False)
    assert any("already holds this training's result" in line for line in logs)
    shutil.rmtree(tmp_path / "m" / "length")  # a level 1 copied in without the predictor it trained with
    with pytest.raises(Interrupted):
        train_denoiser(data, 1, tmp_path / "m" / "base", cfg, "cpu", log=lambda *_: None, progress=False)
    data.batch = original


def test_model_export_to_float16_still_generates(trained, tmp_path):
    out = tmp_path / "fp16"
    assert main(["model", "export", "--model", str(trained / "model"), "--out", str(out)]) == 0
    assert not (out / "base" / "train_state").exists()
    pipe = load_cascade(out)
    outs = list(pipe.generate(["a person walks"], [2.0], [0], max_level=1))
    assert np.isfinite(outs[0].features[0]).all()
    assert pipe.limits.max_duration_s == 4.0  # from the training crops, recorded in cascade.json


def test_model_export_sets_the_guidance_a_request_without_one_gets(trained, tmp_path, capsys):
    out = tmp_path / "g4"
    assert main(["model", "export", "--model", str(trained / "model"), "--out", str(out), "--default-guidance", "4"]) == 0
    pipe = load_cascade(out)
    assert pipe.limits.default_guidance == 4.0 and pipe.limits.max_duration_s == 4.0  # other limits kept
    from deepmotion.engine.request import GenerationRequest
    assert pipe.validate(GenerationRequest("a person walks", 2.0)).guidance == 4.0
    assert pipe.validate(GenerationRequest("a person walks", 2.0, guidance=2.0)).guidance == 2.0
    assert main(["model", "export", "--model", str(trained / "model"), "--out", str(tmp_path / "bad"),
                 "--default-guidance", "11"]) == 2
    assert "--default-guidance: 11 is outside [1, 10]" in capsys.readouterr().err
    assert not (tmp_path / "bad").exists()


def test_a_distilled_target_is_one_ddim_step_to_where_the_teacher_samples(trained):
    """A student that predicts the distillation targets exactly samples, in 2 steps, what its
    teacher samples in 3 guided steps (the sampler's own ddim_sample) from the same noise."""
    from deepmotion.engine.models.diffusion import CosineSchedule, ddim_sample
    from deepmotion.engine.training.distil import _ddim, distil_targets, grid
    pipe = load_cascade(trained / "model")
    teacher, schedule = pipe.denoisers[1], CosineSchedule()
    torch.manual_seed(0)
    b, length = 3, 5
    x_T = torch.randn(b, length, teacher.config.code_dim)
    enc = pipe.text_encoder.encode(["a person walks", "a person walks and turns left", "turns right"])
    mask = torch.ones(b, length, dtype=torch.bool)
    cond = (enc.states, enc.mask, None, mask)
    w = torch.tensor([1.0, 2.5, 4.0])
    with torch.no_grad():
        target = distil_targets(teacher, schedule, x_T, torch.zeros(b, dtype=torch.long), 2, w, cond)
        t = grid(2, schedule)
        one_step = _ddim(x_T, target, schedule.ab(t[0]), schedule.ab(t[1]))
        # The grid's last point (t = 0): the sampler returns the prediction there.
        student_sample = distil_targets(teacher, schedule, one_step, torch.ones(b, dtype=torch.long), 2, w, cond)
        for k in range(b):  # the teacher's sampler, one prompt at a time at its own scale
            pair = lambda x, tt: teacher.guided_pair(x, tt, enc.states[k:k + 1], enc.mask[k:k + 1], None, mask[k:k + 1])  # noqa: E731
            sampled = ddim_sample(lambda x, tt, _: pair(x, tt)[0], schedule, x_T[k:k + 1], None, None, float(w[k]), 3,
                                  guided=pair)
            assert torch.allclose(student_sample[k:k + 1], sampled, atol=1e-4), (student_sample[k] - sampled[0]).abs().max()


def test_distil_cli_writes_a_model_whose_levels_take_their_taught_steps(trained, tmp_path):
    out = tmp_path / "fast"
    (tmp_path / "distil.json").write_text(json.dumps({"1": {"student_steps": 2, "steps": 3, "batch": 4},
                                                      "3": {"student_steps": 1, "steps": 2, "batch": 4}}))
    assert main(["train", "distil", "--data", str(trained / "ds"), "--teacher", str(trained / "model"), "--out", str(out),
                 "--config", str(tmp_path / "distil.json"), "--levels", "1", "3", "--name", "tiny fast",
                 "--device", "cpu"]) == 0
    pipe = load_cascade(out)
    assert pipe.meta["model_version"] == "tiny fast"
    assert pipe.denoisers[1].config.guidance_input and not pipe.denoisers[2].config.guidance_input
    assert pipe.settings.sample_steps == {1: 2, 2: load_cascade(trained / "model").settings.sample_steps[2], 3: 1}
    calls = {1: 0, 2: 0, 3: 0}
    for level, model in pipe.denoisers.items():
        model.register_forward_hook(lambda m, a, kw, r, level=level: calls.__setitem__(level, calls[level] + 1),
                                    with_kwargs=True)
    outs = list(pipe.generate(["a person walks"], [2.0], [1], guidance=3.0))
    assert all(np.isfinite(o.features[0]).all() for o in outs)
    assert calls[1] == 2 and calls[3] == 1, "a distilled level: one pass per taught step, no unconditional pass"
    assert calls[2] == pipe.settings.sample_steps[2], "the teacher's level: one batched cond+uncond pass per step"


def test_distillation_resumes_from_its_state(trained, tmp_path):
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.training.diffusion import LatentData
    from deepmotion.engine.training.distil import DistilConfig, distil_denoiser
    teacher = load_cascade(trained / "model")
    data = LatentData(Dataset(trained / "ds"), teacher.tokenizer, teacher.text_encoder, progress=False)
    cfg = DistilConfig(student_steps=2, steps=4, batch=4, save_every=2)
    quiet = dict(log=lambda *_: None, progress=False)
    a = distil_denoiser(data, teacher.denoisers[1], 1, tmp_path / "a", cfg, "cpu", **quiet)
    original = interrupt_at(data, 3)
    with pytest.raises(Interrupted):
        distil_denoiser(data, teacher.denoisers[1], 1, tmp_path / "b", cfg, "cpu", **quiet)
    data.batch = original
    logs = []
    b = distil_denoiser(data, teacher.denoisers[1], 1, tmp_path / "b", cfg, "cpu", log=logs.append, progress=False)
    assert "resuming distillation of level 1 from step 2" in logs
    for (name, pa), pb in zip(a.state_dict().items(), b.state_dict().values()):
        assert torch.allclose(pa, pb, atol=1e-6), name


def test_a_prefix_teacher_distils_into_a_student_that_continues(trained, tmp_path):
    """A teacher trained with a prefix channel: the student keeps the channel, learns with known
    prefixes imposed on the teacher as at sampling, and continues a given motion."""
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData, train_denoiser
    from deepmotion.engine.training.distil import DistilConfig, distil_denoiser
    from motion_fixtures import walking_motion
    base = load_cascade(trained / "model")
    data = LatentData(Dataset(trained / "ds"), base.tokenizer, base.text_encoder, progress=False)
    quiet = dict(log=lambda *_: None, progress=False)
    teacher = train_denoiser(data, 1, tmp_path / "teacher", DiffusionTrainConfig.from_dict(
        {**TINY_DENOISER, "steps": 2, "prefix_prob": 0.7}), "cpu", **quiet)
    seen = []
    original = teacher.forward
    teacher.forward = lambda *a, **kw: seen.append(kw.get("known_mask")) or original(*a, **kw)
    student = distil_denoiser(data, teacher, 1, tmp_path / "student", DistilConfig(student_steps=2, steps=3, batch=8),
                              "cpu", **quiet)
    assert student.config.prefix and student.config.guidance_input
    assert any(m is not None and bool(m.any()) for m in seen), "the teacher saw known prefixes"
    base.denoisers[1] = student.eval()
    base.settings.sample_steps[1] = 2
    out = list(base.generate(["a person walks"], [1.6], [0], histories=[walking_motion(24)], max_level=1))
    assert np.isfinite(out[0].features[0]).all() and len(out[0].features[0]) == 32


def test_draws_follow_the_mix_and_balance_and_short_clips_are_also_asked_for_longer(trained, tmp_path):
    from deepmotion.engine.cascade import STRIDES
    from deepmotion.engine.data.dataset import ClipItem, Dataset, write_dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData
    from motion_fixtures import walking_motion
    # 6 takes of a common action, 2 of a rare one, 2 composed clips; all 2 s long.
    spec = [("common", "bandai-namco")] * 6 + [("rare", "bandai-namco")] * 2 + [("common+rare", "composed:spatial")] * 2
    def on_the_spot(i):  # gestures stay where they are; only those are ever held at the end
        m = walking_motion(40, seed=i)
        m.root_positions[:, [0, 2]] = m.root_positions[:1, [0, 2]]
        return m
    items = [ClipItem(f"x{i}", on_the_spot(i) if i < 8 else walking_motion(40, seed=i), [f"{action} {i}"],
                      action=action, source=source) for i, (action, source) in enumerate(spec)]
    write_dataset(tmp_path / "ds", items, "h", {"kind": "synthetic"})
    ds = Dataset(tmp_path / "ds")
    data = LatentData(ds, Tokenizer.load(trained / "tok"), load_text_encoder("minilm"), split="all", progress=False,
                      extend_s=4.0)
    assert data.real_tokens1 == [40 // STRIDES[1]] * len(data.clips)
    travels = np.array([ds.records[i]["source"] == "composed:spatial" for i in data.clips])
    held = np.array([len(c) for c in data.codes[1]])
    assert (held[~travels] >= 80 // STRIDES[1]).all() and (held[travels] == 40 // STRIDES[1]).all(), \
        "on-the-spot clips may be held to extend_s, travelling ones never"
    cfg = DiffusionTrainConfig(mix={"single": 0.8, "composed:spatial": 0.2}, balance=1.0)
    w = data.weights(cfg)
    actions = np.array([ds.records[i]["action"] for i in data.clips])
    assert w[actions == "common"].sum() == pytest.approx(0.4) and w[actions == "rare"].sum() == pytest.approx(0.4)
    assert w[actions == "common+rare"].sum() == pytest.approx(0.2)
    assert data.weights(DiffusionTrainConfig()) is None, "no mix, no balance: every clip alike"
    # A floor lifts the rare action to its share and leaves the composed group's share alone ...
    w = data.weights(DiffusionTrainConfig(mix={"single": 0.8, "composed:spatial": 0.2}, action_floor=0.4,
                                          floor_min_takes=2))
    assert w[actions == "rare"].sum() == pytest.approx(0.8 * 0.4) and w[actions == "common"].sum() == pytest.approx(0.8 * 0.6)
    assert w[actions == "common+rare"].sum() == pytest.approx(0.2)
    # ... but not for an action with fewer clips than floor_min_takes (mirrors count), nor past what
    # the shares allow.
    rare_clips = int((actions == "rare").sum())
    w = data.weights(DiffusionTrainConfig(action_floor=0.4, floor_min_takes=rare_clips + 1))
    assert w[actions == "rare"].sum() == pytest.approx(w[actions == "common"].sum() / 3)
    with pytest.raises(ValueError, match="action_floor: 0.6 x 2 actions"):
        data.weights(DiffusionTrainConfig(action_floor=0.6, floor_min_takes=1))
    with pytest.raises(ValueError, match="mix: unknown groups"):
        data.weights(DiffusionTrainConfig(mix={"singles": 1.0}))
    # Asked for longer: the crop runs past the take into its held last pose, and the loss covers it.
    lengths = {int(data.batch(s, 8, 1, DiffusionTrainConfig(extend_prob=1.0), "cpu")["mask"].sum(1).max())
               for s in range(6)}
    plain = {int(data.batch(s, 8, 1, DiffusionTrainConfig(extend_prob=0.0), "cpu")["mask"].sum(1).max())
             for s in range(6)}
    assert plain == {40 // STRIDES[1]} and max(lengths) > 40 // STRIDES[1]


def test_a_denoiser_with_the_sentence_token_trains_with_hidden_words_and_hears_the_text(trained, tmp_path):
    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData, train_denoiser
    encoder = load_text_encoder("minilm")
    data = LatentData(Dataset(trained / "ds"), Tokenizer.load(trained / "tok"), encoder, progress=False)
    cfg = DiffusionTrainConfig.from_dict({**TINY_DENOISER, "steps": 2, "text_token_drop": 0.5,
                                          "model": {**TINY_DENOISER["model"], "sentence_token": True}})
    batch = data.batch(0, 4, 1, cfg, "cpu")
    full = data.batch(0, 4, 1, DiffusionTrainConfig.from_dict(TINY_DENOISER), "cpu")
    assert batch["tmask"].sum() < full["tmask"].sum() and batch["tmask"][:, 0].all(), "words hidden, never the first"
    model = train_denoiser(data, 1, tmp_path / "base", cfg, "cpu", log=lambda *_: None, progress=False)
    assert model.config.sentence_token
    enc = encoder.encode(["a person walks", "someone bows deeply to the audience"])
    x, t = torch.randn(2, 5, model.config.code_dim), torch.tensor([500, 500])
    out = model(x, t, enc.states, enc.mask)
    same = model(x[:1].repeat(2, 1, 1), t, enc.states, enc.mask)
    assert out.shape == x.shape and not torch.allclose(same[0], same[1]), "the text reaches the prediction"
    null_states, null_mask = model.null_condition(2, "cpu")
    assert torch.isfinite(model(x, t, null_states, null_mask)).all()


def test_switching_prefixes_end_where_the_second_action_begins_and_carry_its_caption(trained, tmp_path):
    """A continuation trained only on prefixes of its own clip keeps doing what the prefix does;
    switching prefixes teach it to change when the text says so."""
    from deepmotion.engine.cascade import STRIDES
    from deepmotion.engine.data.compose import second_part_start, temporal
    from deepmotion.engine.data.dataset import ClipItem, Dataset, write_dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.representation import dmv1
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import DiffusionTrainConfig, LatentData
    from motion_fixtures import walking_motion
    walk, wave = walking_motion(60, seed=1), walking_motion(48, seed=2)
    wave.root_positions[:, [0, 2]] = wave.root_positions[:1, [0, 2]]
    aside = {"split": "open"}  # the parts are in the data (their captions) but not drawn
    items = [ClipItem("walk", walk, ["a person walks"], action="walk", extra=aside),
             ClipItem("wave", wave, ["a person waves", "someone waves hello"], action="wave", extra=aside),
             ClipItem("walk+wave", temporal(walk, wave), ["a person walks, then waves"], action="walk,wave",
                      source="composed:temporal", extra={"parts": ["walk", "wave"], "split": "train"})]
    write_dataset(tmp_path / "ds", items, "h", {"kind": "synthetic"}, mirror=False)
    encoder = load_text_encoder("minilm")
    data = LatentData(Dataset(tmp_path / "ds"), Tokenizer.load(trained / "tok"), encoder, progress=False)
    assert len(data.clips) == 1
    begin = second_part_start(60, 48)
    boundary1 = begin // STRIDES[1]
    frames = data.frames[0]
    switched = data.batch(0, 8, 2, DiffusionTrainConfig(prefix_prob=1.0, switch_prob=1.0), "cpu")
    second = encoder.encode(["a person waves", "someone waves hello"]).pooled
    for b in range(8):
        prefix = int(switched["known"][b].sum()) // (STRIDES[1] // STRIDES[2])
        length1 = int(switched["mask"][b].sum()) // (STRIDES[1] // STRIDES[2])
        assert 1 <= prefix <= boundary1, "the prefix holds the first action only"
        assert length1 - prefix == -(-frames // STRIDES[1]) - boundary1, "the crop runs from the prefix to the end"
        assert min(float((switched["pooled"][b] - s).abs().max()) for s in second) < 1e-5, "the second's caption"
        assert float(switched["seconds"][b]) == pytest.approx((frames - boundary1 * STRIDES[1]) / dmv1.FPS)
    plain = data.batch(0, 8, 2, DiffusionTrainConfig(prefix_prob=1.0), "cpu")
    whole = encoder.encode(["a person walks, then waves"]).pooled[0]
    assert all(float((p - whole).abs().max()) < 1e-5 for p in plain["pooled"]), "without switching: its own caption"


def test_caption_encodings_are_kept_between_runs_and_a_bad_cache_is_remade(trained, tmp_path):
    import shutil

    from deepmotion.engine.data.dataset import Dataset
    from deepmotion.engine.models.tokenizer import Tokenizer
    from deepmotion.engine.text import load_text_encoder
    from deepmotion.engine.training.diffusion import LatentData
    shutil.copytree(trained / "ds", tmp_path / "ds", ignore=shutil.ignore_patterns("text-cache"))
    encoder = load_text_encoder("minilm")
    calls = []
    real_encode = encoder.encode
    encoder.encode = lambda texts: calls.append(len(texts)) or real_encode(texts)
    tok = Tokenizer.load(trained / "tok")
    first = LatentData(Dataset(tmp_path / "ds"), tok, encoder, progress=False)
    assert calls and list((tmp_path / "ds" / "text-cache").glob("*.pt")), "the first run encodes and keeps"
    calls.clear()
    second = LatentData(Dataset(tmp_path / "ds"), tok, encoder, progress=False)
    assert calls == [], "the second run encodes nothing"
    torch.testing.assert_close(second.text_pooled, first.text_pooled)
    assert all(torch.equal(a, b) for a, b in zip(second.text_states, first.text_states))
    for f in (tmp_path / "ds" / "text-cache").glob("*.pt"):
        f.write_bytes(f.read_bytes()[:100])  # truncated
    third = LatentData(Dataset(tmp_path / "ds"), tok, encoder, progress=False)
    assert calls, "a truncated cache is encoded again"
    torch.testing.assert_close(third.text_pooled, first.text_pooled)


def test_a_level_1_trained_alone_is_scored_by_any_command(trained, capsys):
    """benchmarks/level1_only.py: a level 1 read with another encoder than any levels 2-3 at hand
    runs `deepmotion probes` (or eval, or actions_by_label) as a one-level cascade."""
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import level1_only
    pipe = level1_only.load_level1(trained / "model", trained / "tok")
    assert pipe.levels == 1
    out = list(pipe.generate(["a person walks"], [2.0], [0]))
    assert [o.level for o in out] == [1] and np.isfinite(out[0].features[0]).all()
    assert level1_only.main([str(trained / "model"), "--tokenizer", str(trained / "tok"), "--",
                             "probes", "--seeds", "0", "--model", "ignored"]) == 0
    text = capsys.readouterr().out
    assert "| probe | level 1 |" in text and "level 2" not in text
    assert level1_only.main([str(trained / "tok"), "--", "probes"]) == 2, "a directory without base/ is refused"
    import deepmotion.engine.pipeline as pipeline
    assert pipeline.load_cascade is load_cascade, "the real loader is back after the command"
