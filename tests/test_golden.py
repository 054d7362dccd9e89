"""Behaviour is unchanged by refactors: fixed requests on the shipped model give the frames
recorded in tests/golden/default-model.npz, bit for bit, through the engine and the server."""
import numpy as np
import pytest
from golden import GOLDEN, capture


@pytest.fixture(scope="module")
def now():
    return capture()


def test_engine_and_server_frames_are_bit_identical_to_the_golden_file(now):
    golden = np.load(GOLDEN)
    assert sorted(now) == sorted(golden.files), "the same levels and arrays"
    differ = {k: float(np.max(np.abs(now[k].astype(np.float64) - golden[k]))) if now[k].shape == golden[k].shape
              else f"shape {now[k].shape} vs {golden[k].shape}" for k in golden.files if not np.array_equal(now[k], golden[k])}
    assert not differ, f"frames changed (largest difference per array): {differ}"


def test_golden_file_covers_every_level_and_a_predicted_duration():
    golden = np.load(GOLDEN)
    assert {f"engine/walk_wave/level{k}" for k in (1, 2, 3)} <= set(golden.files)
    assert "engine/bow_predicted/level3" not in golden.files, "max_level 2 stops at level 2"
    assert golden["server/walk_wave/frame_count"][0] == 40
    frames = golden["server/bow_predicted/frame_count"][0]
    assert golden["engine/bow_predicted/level2"].shape == (frames, 269)
