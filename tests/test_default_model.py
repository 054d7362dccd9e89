"""The shipped default model: present, intact (manifest checks), and generating valid motion;
the recordings committed as fixtures were made with it and still read back."""
from pathlib import Path

import numpy as np
import pytest

from deepmotion.engine.assets import SHIPPED_MODELS, default_model_path, default_tokenizer_path, model_path
from deepmotion.engine.evaluation.probes import quality
from deepmotion.engine.models.tokenizer import Tokenizer
from deepmotion.engine.pipeline import load_cascade
from deepmotion_client.client import MotionStream
from deepmotion_client.recording import read_recording

# The recordings are shared with the Unity package's C# tests.
FIXTURES = Path(__file__).parent.parent / "clients" / "unity" / "Tests" / "Editor" / "TestData"


def test_default_tokenizer_loads_through_the_checkpoint_checks():
    tok = Tokenizer.load(default_tokenizer_path())
    assert tok.model.config.codebook_sizes == (512, 512, 512)
    assert "CC-BY-NC" in (default_model_path() / "cascade.json").read_text()


def test_default_model_generates_every_level_validly():
    pipe = load_cascade(default_model_path())
    outs = list(pipe.generate(["a person waves with the right hand"], [3.0], [0]))
    assert [o.level for o in outs] == [1, 2, 3]
    for o in outs:
        q = quality(o.features[0])
        assert o.features[0].shape == (60, 269) and q["finite"]
        assert q["bone_length_range_mm"] < 0.01
        assert -10 < q["lowest_foot_cm"] < 15


@pytest.mark.parametrize("name", sorted(SHIPPED_MODELS))
def test_shipped_model_size_stays_in_budget(name):
    size = sum(f.stat().st_size for f in model_path(name).rglob("*") if f.is_file())
    assert size < 20e6, f"{name}: {size / 1e6:.1f} MB"


def test_shipped_models_by_name_read_with_their_own_encoders(tmp_path, monkeypatch):
    """`--model fast` is the MiniLM model shipped beside the default; a directory of that name
    in the working directory is what the user meant instead."""
    import json
    encoders = {name: json.loads((model_path(name) / "cascade.json").read_text())["text_encoder"] for name in SHIPPED_MODELS}
    assert encoders == {"default": "st:all-mpnet-base-v2", "fast": "minilm:sentence-transformers/all-MiniLM-L6-v2"}
    assert model_path(None) == default_model_path() and model_path("default") == default_model_path()
    pipe = load_cascade(model_path("fast"))
    outs = list(pipe.generate(["a person waves with the right hand"], [2.0], [0], max_level=1))
    assert outs[0].features[0].shape == (40, 269) and quality(outs[0].features[0])["finite"]
    monkeypatch.chdir(tmp_path)
    (tmp_path / "fast").mkdir()
    assert model_path("fast") == Path("fast")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURES.glob("*.dmrec")))
def test_committed_recordings_read_back_complete(name):
    records = read_recording(FIXTURES / name)
    stream = MotionStream()
    for r in records:
        stream.feed(r.response)
    assert stream.complete_level() == 3 and stream.end is not None
    assert np.isfinite(stream.motion().joint_positions()).all()


def test_shipped_evaluator_loads_and_matches_a_recording_to_its_text():
    """The evaluator `deepmotion eval` uses: checked on load, and it places the recorded
    right-hand wave nearer to a waving caption than to walking or bowing ones."""
    from deepmotion.engine.assets import default_evaluator_path
    from deepmotion.engine.models.evaluator import Evaluator
    from deepmotion.engine.representation import dmv1
    ev = Evaluator.load(default_evaluator_path())
    stream = MotionStream()
    for rec in read_recording(FIXTURES / "wave-right-3s.dmrec"):
        stream.feed(rec.response)
    motion = ev.embed_motions([dmv1.encode(stream.motion())])
    texts = ev.embed_texts(["a person waves with the right hand", "a person walks forward", "a person bows"])
    dist = np.linalg.norm(texts - motion, axis=1)
    assert dist[0] < dist[1] and dist[0] < dist[2], dist
    size = sum(f.stat().st_size for f in default_evaluator_path().iterdir())
    assert size < 3_000_000


def test_the_idle_prompt_every_client_uses_stays_where_the_npc_is():
    """An NPC idles between prompts: from rest and straight after walking, the default idle
    prompt stops (a walk's own momentum, no further) and does not wander off. The prompt it
    replaced walked 0.6 m (median) and up to 4 m from rest, in 10 of 16 seeds."""
    import re

    from deepmotion.engine.representation import dmv1
    from deepmotion_client.motion.clip import Motion
    from deepmotion_client.session import MotionSession
    idle = MotionSession(client=None).idle_prompt
    for cs in ("Runtime/Core/MotionSession.cs", "Runtime/Grpc/DeepMotionNpc.cs"):  # the Unity NPC idles the same way
        source = (FIXTURES.parents[2] / cs).read_text()
        assert re.search(r'[iI]dlePrompt = "([^"]*)"', source).group(1) == idle, cs
    pipe = load_cascade(default_model_path())
    walk = dmv1.decode(list(pipe.generate(["a person walks forward"], [4.0], [0]))[-1].features[0])
    mid_walk = Motion(walk.skeleton, walk.root_positions[28:60], walk.local_rotations[28:60], walk.fps)
    assert np.linalg.norm(np.diff(mid_walk.root_positions[-2:, [0, 2]], axis=0)) > 0.02, "the history is mid-stride"
    n = 8
    for history, most in ((None, 0.2), (mid_walk, 0.8)):
        states = pipe.prepare([idle] * n, [4.0] * n, list(range(n)), [history] * n)
        for level in (1, 2, 3):
            features = pipe.run_level(states, level, pipe.limits.default_guidance)
        for seed, (state, f) in enumerate(zip(states, features)):
            root = state.placement.place(f).root_positions[:, [0, 2]]
            travel = np.linalg.norm(root[-1] - root[0])
            assert travel < most, f"seed {seed}: idled {travel:.2f} m ({'after a walk' if history else 'from rest'})"
            # A settling shuffle, not a stride (a walk covers ~1.2 m a second): with 0.8 s of history
            # 1 of 48 seeds after a walk moves 0.12 m in its last second (1.6 s: at most 0.06).
            assert np.linalg.norm(root[-1] - root[-21]) < 0.15, f"seed {seed}: still moving in the last second"
