"""The progressive generation pipeline with tiny, untrained models: order, shapes, seeds,
batch independence and every refused input. (Motion quality is measured by the evaluation
on the trained default model, not here.)"""
import numpy as np
import pytest
import torch

from deepmotion.engine.models.denoiser import Denoiser, DenoiserConfig, LengthPredictor
from deepmotion.engine.models.tokenizer import MotionTokenizer, Tokenizer, TokenizerConfig
from deepmotion.engine.pipeline import CascadePipeline, CascadeSettings
from deepmotion.engine.request import RequestError
from deepmotion.engine.representation import dmv1
from deepmotion.engine.text import load_text_encoder


@pytest.fixture(scope="module")
def pipeline():
    torch.manual_seed(0)
    tcfg = TokenizerConfig(width=16, code_dim=8, codebook_sizes=(16, 16, 16), kmeans_init=False)
    tok = Tokenizer(MotionTokenizer(tcfg), torch.zeros(269), torch.ones(269))
    encoder = load_text_encoder("minilm")  # the real default encoder; the denoisers are tiny and untrained
    den = {k: Denoiser(DenoiserConfig(level=k, code_dim=8, text_dim=encoder.dim, width=16, depth=1, heads=2, max_len=64,
                                      dropout=0.0)) for k in (1, 2, 3)}
    stats = {k: (torch.zeros(8), torch.ones(8)) for k in (1, 2, 3)}
    return CascadePipeline(tok, encoder, den, LengthPredictor(encoder.dim, 16), stats,
                           settings=CascadeSettings(sample_steps={1: 3, 2: 2, 3: 2}))


def test_levels_come_in_order_with_the_requested_length(pipeline):
    outs = list(pipeline.generate(["a person waves", "someone walks in a circle"], durations=[2.0, 3.3], seeds=[1, 2]))
    assert [o.level for o in outs] == [1, 2, 3]
    for o in outs:
        assert [f.shape for f in o.features] == [(40, 269), (66, 269)]
        assert all(np.isfinite(f).all() for f in o.features)
    assert not np.allclose(outs[0].features[0], outs[2].features[0])


def test_generation_is_a_generator_that_yields_level_1_first(pipeline):
    gen = pipeline.generate(["a person waves"], durations=[2.0])
    first = next(gen)
    assert first.level == 1  # level 2 has not been computed yet
    gen.close()


def test_same_seed_same_frames_and_batch_independence(pipeline):
    alone = list(pipeline.generate(["a person bows"], durations=[2.5], seeds=[7]))
    again = list(pipeline.generate(["a person bows"], durations=[2.5], seeds=[7]))
    batched = list(pipeline.generate(["someone runs far away", "a person bows"], durations=[6.0, 2.5], seeds=[3, 7]))
    other = list(pipeline.generate(["a person bows"], durations=[2.5], seeds=[8]))
    for a, b, c, d in zip(alone, again, batched, other):
        np.testing.assert_array_equal(a.features[0], b.features[0])
        np.testing.assert_allclose(a.features[0], c.features[1], atol=1e-4)
        assert not np.allclose(a.features[0], d.features[0])


def test_max_level_and_predicted_duration(pipeline):
    outs = list(pipeline.generate(["a person waves"], max_level=1))
    assert [o.level for o in outs] == [1]
    frames = len(outs[0].features[0])
    lim = pipeline.limits
    assert lim.min_duration_s * dmv1.FPS <= frames <= lim.max_duration_s * dmv1.FPS


@pytest.mark.parametrize("kwargs, message", [
    (dict(texts=[""]), r"^text: empty"),
    (dict(texts=["x" * 1001]), r"^text: 1001 characters; at most 1000"),
    (dict(texts=["walk", ""]), r"^text: empty; .* \(prompt 1\)"),
    (dict(texts=["walk"], durations=[30.0]), r"^duration_s: 30 is outside \[1, 12\] seconds"),
    (dict(texts=["walk"], durations=[float("nan")]), r"^duration_s: nan is outside"),
    (dict(texts=["walk"], guidance=float("nan")), r"^guidance_scale: nan is outside \[1, 10\]"),
    (dict(texts=["walk"], max_level=4), r"^max_level: 4 is not a level of this model \(0 = all, 1..3\)"),
    (dict(texts=[]), r"^texts: at least one prompt"),
])
def test_bad_requests_raise_one_clear_error(pipeline, kwargs, message):
    with pytest.raises(RequestError, match=message):
        list(pipeline.generate(**kwargs))


def test_prompts_seen_lately_are_not_encoded_again_and_the_cache_is_bounded(pipeline):
    calls = []
    encode = pipeline.text_encoder.encode
    pipeline.text_encoder.encode = lambda texts: calls.append(list(texts)) or encode(texts)
    old = pipeline.settings.text_cache
    try:
        pipeline.settings.text_cache = 2
        first = list(pipeline.generate(["a person jumps high"], [2.0], [3], max_level=1))
        again = list(pipeline.generate(["a person jumps high", "a person sits"], [2.0, 2.0], [3, 4], max_level=1))
        assert calls == [["a person jumps high"], ["a person sits"]]
        np.testing.assert_allclose(first[0].features[0], again[0].features[0], atol=1e-4)
        list(pipeline.generate(["a person kicks"], [2.0], [5], max_level=1))  # drops the least recent
        list(pipeline.generate(["a person jumps high"], [2.0], [3], max_level=1))
        assert calls[-1] == ["a person jumps high"]
    finally:
        pipeline.text_encoder.encode = encode
        pipeline.settings.text_cache = old
