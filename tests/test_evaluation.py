"""Evaluation metrics against hand-computed values, the evaluator's training, `deepmotion eval`
and `deepmotion bench` end to end on tiny models."""
import json

import numpy as np
import pytest
from motion_fixtures import walking_motion

from deepmotion.engine.evaluation import metrics as M


def rng(seed=0):
    return np.random.default_rng(seed)


# -- metrics --------------------------------------------------------------------------------------

def test_fid_of_identical_sets_is_zero():
    a = rng().normal(size=(200, 8))
    assert M.frechet_distance(a, a) == pytest.approx(0.0, abs=1e-9)


def test_fid_of_a_shifted_set_is_the_squared_shift():
    a = rng().normal(size=(200, 8))
    shift = np.array([3.0, 0, 0, 4.0, 0, 0, 0, 0])
    assert M.frechet_distance(a, a + shift) == pytest.approx(25.0, abs=1e-8)


def test_fid_of_a_scaled_set_is_the_trace_of_the_covariance():
    # b = 2 (a - mean): Cb = 4 Ca, so Tr(Ca + 4Ca - 2 (4 Ca^2)^1/2) = Tr(Ca), plus no mean shift.
    a = rng(1).normal(size=(300, 5)) @ rng(2).normal(size=(5, 5))
    a -= a.mean(0)
    assert M.frechet_distance(a, 2 * a) == pytest.approx(np.trace(np.cov(a, rowvar=False)), rel=1e-8)


def test_r_precision_of_perfectly_aligned_embeddings_is_one():
    e = np.eye(64)
    assert np.allclose(M.r_precision(e, e, rng()), [1.0, 1.0, 1.0])


def test_r_precision_counts_rank_two_as_top_two_only():
    # Each motion lies nearest to the *next* caption and second nearest to its own.
    t = np.eye(32)
    m = 0.9 * np.roll(t, -1, axis=0) + 0.5 * t
    # Batches are one shuffled batch of 32, so the neighbour is always in the batch.
    assert np.allclose(M.r_precision(t, m, rng()), [0.0, 1.0, 1.0])


def test_r_precision_needs_a_full_batch():
    with pytest.raises(ValueError, match="at least 32"):
        M.r_precision(np.eye(10), np.eye(10), rng())


def test_mm_dist_is_the_mean_pair_distance():
    text = np.zeros((4, 3))
    motion = np.array([[1.0, 0, 0], [0, 2.0, 0], [0, 0, 3.0], [0, 0, 0]])
    assert M.mm_dist(text, motion) == pytest.approx(1.5)


def test_diversity_is_zero_for_equal_motions_and_scales_with_distance():
    assert M.diversity(np.ones((50, 4)), rng()) == 0.0
    x = rng(3).normal(size=(400, 4))
    assert M.diversity(2 * x, rng(7)) == pytest.approx(2 * M.diversity(x, rng(7)))
    # Two clusters 1 apart, equally filled: half of the random pairs straddle them.
    two = np.repeat([[0.0], [1.0]], 500, axis=0)
    assert M.diversity(two, rng(4)) == pytest.approx(0.5, abs=0.1)


def test_multimodality_is_zero_for_one_motion_per_text_and_scales():
    assert M.multimodality(np.ones((5, 10, 3)), rng()) == 0.0
    g = rng(5).normal(size=(6, 10, 3))
    assert M.multimodality(3 * g, rng(8)) == pytest.approx(3 * M.multimodality(g, rng(8)))
    with pytest.raises(ValueError, match="at least 2 samples"):
        M.multimodality(np.ones((5, 1, 3)), rng())


def test_jitter_of_a_cubic_path_is_its_constant_jerk():
    fps = 20.0
    t = np.arange(30) / fps
    pos = np.zeros((30, 2, 3))
    pos[:, :, 0] = t[:, None] ** 3           # x = t^3: jerk 6 m/s^3 everywhere
    assert M.jitter(pos, fps) == pytest.approx(6.0, rel=1e-6)
    pos[:, :, 0] = 2 * t[:, None]            # constant velocity: no jerk
    assert M.jitter(pos, fps) == pytest.approx(0.0, abs=1e-9)


def test_ground_penetration_depth_and_ratio():
    rest = np.array([0.075, 0.02, 0.075, 0.02])
    feet = np.zeros((10, 4, 3))
    feet[..., 1] = rest
    feet[:5, 1, 1] = 0.0                     # left toes 2 cm under their rest height for half the clip
    out = M.ground_penetration(feet, rest)
    assert out["penetration_cm"] == pytest.approx(1.0) and out["penetration_ratio"] == pytest.approx(0.5)


def test_interval_is_mean_and_normal_95_percent_half_width():
    mean, half = M.interval([1.0, 2.0, 3.0])
    assert mean == 2.0 and half == pytest.approx(1.96 / np.sqrt(3))
    assert M.interval([4.0]) == (4.0, 0.0)


# -- evaluator, eval and bench on tiny models ---------------------------------------------------

@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    """A tiny dataset of 48 walks turning left or right, a tiny cascade and a tiny evaluator."""
    from tiny_model import build_tiny_model

    from deepmotion.engine.data.dataset import ClipItem, write_dataset
    from deepmotion.engine.models.evaluator import EvaluatorConfig
    from deepmotion.engine.training.evaluator import EvaluatorTrainConfig, train_evaluator
    root = tmp_path_factory.mktemp("tiny-eval")
    items = [ClipItem(id=f"w{i}", motion=walking_motion(24 + (i % 5) * 4, turn=(1.2 if i % 2 else -1.2), seed=i),
                      captions=[f"a person walks and turns {'left' if i % 2 else 'right'}"],
                      action="walk-turn-left" if i % 2 else "walk-turn-right") for i in range(24)]
    write_dataset(root / "evalds", items, "tiny", {"kind": "synthetic"})
    model = build_tiny_model(root)
    history = []
    ev = train_evaluator(root / "evalds", root / "ev", EvaluatorConfig(width=16, depth=1, heads=2, embed_dim=8),
                         EvaluatorTrainConfig(steps=40, batch=16, eval_every=10, save_every=20, min_frames=16,
                                              hard_negatives=0.25),  # a turn's neighbour: the other turn
                         "cpu", log=history.append)
    return root, model, ev, history


def test_evaluator_training_lowers_the_loss_and_saves_a_loadable_checkpoint(tiny):
    from deepmotion.engine.models.evaluator import Evaluator
    root, _, ev, _ = tiny
    hist = ev.info["history"]
    assert hist[-1]["loss"] < hist[0]["loss"]
    loaded = Evaluator.load(root / "ev")
    e = loaded.embed_texts(["a person walks and turns left", "a person walks and turns right"])
    assert e.shape == (2, 8) and np.allclose(np.linalg.norm(e, axis=1), 1, atol=1e-5)
    from deepmotion.engine.data.dataset import Dataset
    ds = Dataset(root / "evalds")
    m = loaded.embed_motions([ds.features_of(0), ds.features_of(1)[:7]])  # any lengths, padded per batch
    assert m.shape == (2, 8) and np.allclose(np.linalg.norm(m, axis=1), 1, atol=1e-5)


def test_an_evaluator_shares_only_its_own_text_encoder(tiny):
    """A generator that reads with another encoder (all-mpnet-base-v2) is scored in the evaluator's
    own text space: sharing its encoder would feed 768-wide vectors to a 384-wide projection."""
    from types import SimpleNamespace

    from deepmotion.engine.models.evaluator import Evaluator
    from deepmotion.engine.text import load_text_encoder
    root = tiny[0]
    minilm = load_text_encoder("minilm")
    assert Evaluator.load(root / "ev", text_encoder=minilm).encoder() is minilm
    other = SimpleNamespace(id="st:all-mpnet-base-v2", dim=768)
    loaded = Evaluator.load(root / "ev", text_encoder=other)
    assert loaded.text_encoder is None and loaded.encoder().id == minilm.id
    assert loaded.embed_texts(["a person bows"]).shape == (1, 8)


def test_corrupt_evaluator_checkpoint_is_named(tiny, tmp_path):
    import shutil

    from deepmotion.engine.checkpoint import CheckpointError
    from deepmotion.engine.models.evaluator import Evaluator
    root = tiny[0]
    bad = tmp_path / "ev"
    shutil.copytree(root / "ev", bad)
    (bad / "model.safetensors").write_bytes(b"garbage")
    with pytest.raises(CheckpointError, match="model.safetensors"):
        Evaluator.load(bad)


def test_eval_cli_reports_every_row_with_intervals(tiny, tmp_path, capsys):
    from deepmotion.cli import main
    root, model, _, _ = tiny
    out = tmp_path / "eval.json"
    assert main(["eval", "--checkpoint", str(model), "--evaluator", str(root / "ev"), "--data", str(root / "evalds"),
                 "--split", "train", "--kind", "single", "--replications", "2", "--mm-texts", "3",
                 "--mm-samples", "2", "--device", "cpu", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "(single only)" in text
    assert "| ground truth |" in text and "| retrieval baseline |" in text and "levels 1+2+3" in text
    result = json.loads(out.read_text())
    from deepmotion.engine.data.dataset import Dataset
    assert result["kinds"] == ["single"] and result["clips"] == len(Dataset(root / "evalds").split("train"))
    assert set(result["rows"]) == {"ground truth", "level 1", "levels 1+2", "levels 1+2+3",
                                   "levels 1+2+3, feet cleaned", "retrieval baseline"}
    gt = result["rows"]["ground truth"]
    assert gt["fid"][0] == pytest.approx(0.0, abs=1e-6)            # ground truth against itself
    assert 0.0 <= gt["top1"][0] <= gt["top2"][0] <= gt["top3"][0] <= 1.0
    assert result["rows"]["retrieval baseline"]["multimodality"] == [0.0, 0.0]
    assert "Skating by what the caption asks for" in text and "skating:single" in result["rows"]["levels 1+2+3"]
    # The tiny walks are labelled with their turn: ground truth does its actions, every row is scored.
    assert "Does its actions" in text and gt["actions"][0] == pytest.approx(1.0)
    assert all(0.0 <= row["actions"][0] <= 1.0 for row in result["rows"].values())
    for row in result["rows"].values():
        assert all(np.isfinite(v[0]) and v[1] >= 0 for v in row.values())


def test_eval_cli_rejects_bad_arguments(tiny, capsys):
    from deepmotion.cli import main
    root, model, _, _ = tiny
    assert main(["eval", "--checkpoint", str(model), "--data", str(root / "evalds"), "--replications", "0"]) != 0
    assert "--replications must be at least 1" in capsys.readouterr().err
    # The tiny set holds single walks only: asking for composed clips names the split, the kinds and the count.
    assert main(["eval", "--checkpoint", str(model), "--data", str(root / "evalds"), "--split", "train",
                 "--kind", "composed", "--device", "cpu"]) != 0
    assert "split 'train' (two at once, one after the other) has 0 clips" in capsys.readouterr().err


def test_bench_cli_prints_engine_and_server_figures(tiny, tmp_path, capsys):
    from deepmotion.cli import main
    _, model, _, _ = tiny
    out = tmp_path / "bench.json"
    assert main(["bench", "--model", str(model), "--device", "cpu", "--runs", "1", "--seconds", "2",
                 "--server-seconds", "2", "--clients", "1", "2", "--requests", "1", "--json", str(out)]) == 0
    text = capsys.readouterr().out
    assert "text encoding" in text and "| batch 8 |" in text and "| 2 clients |" in text
    result = json.loads(out.read_text())
    assert [r["clients"] for r in result["server"]] == [1, 2]
    for r in result["server"]:
        assert 0 < r["first_frame_s"] <= r["final_level_s"]
    assert all(r["real_time_factor"] > 0 for r in result["engine"]["rows"])


def test_skating_is_also_reported_per_kind_of_caption():
    from deepmotion.engine.evaluation.suite import physical
    from deepmotion.engine.representation import dmv1
    walk = dmv1.encode(walking_motion(60, turn=0.0, seed=3))
    still_motion = walking_motion(60, turn=0.0, seed=4)
    still_motion.root_positions[:, [0, 2]] = 0.0
    still = dmv1.encode(still_motion)
    alone = {name: physical([f])["skating_ratio"] for name, f in (("walk", walk), ("still", still))}
    both = physical([walk, still], ["two at once", "single"])
    assert both["skating:two at once"] == pytest.approx(alone["walk"])
    assert both["skating:single"] == pytest.approx(alone["still"])
    assert both["skating_ratio"] == pytest.approx((alone["walk"] + alone["still"]) / 2)
    assert "skating:single" not in physical([walk])


def test_open_split_results_say_for_which_models_their_single_clips_are_held_out():
    from deepmotion.engine.evaluation.suite import OPEN_SINGLES_CAVEAT, format_results
    base = {"clips": 300, "replications": 3, "mm_texts": 30, "mm_samples": 10, "rows": {}}
    assert OPEN_SINGLES_CAVEAT in format_results({**base, "split": "open", "kinds": []})
    assert OPEN_SINGLES_CAVEAT in format_results({**base, "split": "open", "kinds": ["single"]})
    assert OPEN_SINGLES_CAVEAT not in format_results({**base, "split": "open", "kinds": ["two at once", "one after the other"]})
    assert OPEN_SINGLES_CAVEAT not in format_results({**base, "split": "test", "kinds": []})


def _record(action, style="normal", mirrored=False, source="bandai-namco"):
    return {"action": action, "style": style, "mirrored": mirrored, "source": source}


def test_near_neighbours_differ_in_one_thing_only():
    from deepmotion.engine.training.evaluator import Neighbours
    records = [_record("walk+wave-left-hand", source="composed:spatial"),
               _record("walk+wave-right-hand", source="composed:spatial"),
               _record("walk+raise-up-left-hand", source="composed:spatial"),
               _record("jog,bow", source="composed:temporal"), _record("bow,jog", source="composed:temporal"),
               _record("bow"), _record("walk+wave-left-hand", style="sad", source="composed:spatial"),
               _record("dance")]
    nb = Neighbours(records)
    rng = np.random.default_rng(0)
    drawn = {k: {nb.draw(k, rng) for _ in range(200)} for k in range(len(records))}
    assert drawn[0] == {1, 2, 6}          # the other side, another gesture, another style
    assert drawn[3] == {4, 5}             # the other order, one of its parts alone
    assert 0 not in drawn[3] and 7 not in drawn[0]
    assert drawn[7] <= set(range(len(records))) - {7}  # nothing shares "dance": a random other clip


def test_whole_composed_clips_are_not_cropped():
    from deepmotion.engine.models.evaluator import EvaluatorConfig
    from deepmotion.engine.training.evaluator import _batch

    class Clips:
        records = [_record("walk,bow", source="composed:temporal"), _record("walk")]
        features = np.zeros((1, 5), np.float32)

        def features_of(self, i):
            return np.ones((120, 5), np.float32)

    class Bank:
        rows = [[0], [1]]

    ds, labels = Clips(), np.array(["a", "b"])
    for whole, composed_lengths in ((True, {120}), (False, None)):
        lengths = {0: set(), 1: set()}
        for s in range(30):
            rng = np.random.default_rng(s)
            picks_rng = np.random.default_rng(s)
            feats, mask, rows, _ = _batch(ds, [0, 1], Bank(), labels, rng, 8, EvaluatorConfig(max_frames=200), 40,
                                          whole_composed=whole)
            picks = picks_rng.choice(2, size=8, replace=True)
            for k, m in zip(picks, mask):
                lengths[int(k)].add(int(m.sum()))
        if composed_lengths:
            assert lengths[0] == composed_lengths
        else:
            assert len(lengths[0]) > 1
        assert len(lengths[1]) > 1 and min(lengths[1]) >= 40


def test_the_near_miss_benchmark_names_how_two_labels_differ():
    import sys
    from pathlib import Path
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    from evaluator_near_misses import difference
    assert difference(_record("wave-left-hand"), _record("wave-left-hand", style="sad")) == "style or side"
    assert difference(_record("wave-left-hand"), _record("wave-left-hand", mirrored=True)) == "side"
    assert difference(_record("wave-left-hand"), _record("wave-right-hand")) == "side"
    assert difference(_record("walk,bow"), _record("bow,walk")) == "order of a temporal pair"
    assert difference(_record("walk+wave-left-hand"), _record("walk+raise-up-left-hand")) == "one part of a pair"
    assert difference(_record("walk+wave-left-hand"), _record("walk")) == "a pair against one part"
    assert difference(_record("walk"), _record("run")) == "another action"
