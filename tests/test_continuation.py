"""Continuation: a request that carries the frames it continues (engine side)."""
from pathlib import Path

import numpy as np
import pytest

from deepmotion.engine.continuation import HISTORY_STEP, encode_history, history_frames
from deepmotion.engine.evaluation.seams import seam_ratios
from deepmotion.engine.pipeline import load_cascade
from deepmotion.engine.representation import dmv1
from deepmotion.engine.request import RequestError
from deepmotion_client.motion.clip import Motion
from motion_fixtures import walking_motion
from tiny_model import build_tiny_model


@pytest.fixture(scope="module")
def tiny(tmp_path_factory):
    return load_cascade(build_tiny_model(tmp_path_factory.mktemp("continuation-model")))


def test_history_is_used_in_whole_level_one_tokens_up_to_the_limit():
    assert history_frames(7) == 0 and history_frames(8) == 8 and history_frames(15) == 8
    assert history_frames(30) == 16 and history_frames(1000) == 16  # MAX_HISTORY_S 0.8 at 20 fps
    assert history_frames(1000, room=12) == 8


def test_history_latents_are_the_known_prefix_at_every_level(tiny):
    history = walking_motion(30, turn=0.5, seed=3)
    out = list(tiny.generate(["a person walks and turns left"], [2.0], [4], histories=[history]))
    assert [len(o.features[0]) for o in out] == [40, 40, 40], "only the new frames go out"
    state_codes = encode_history(history, tiny.tokenizer)
    h = state_codes.frames
    assert h == 16  # the last 0.8 s of 30 frames
    # Sampling again keeps the prefix exactly: the known latents are imposed at every level.
    prompts = tiny.prepare(["a person walks"], [2.0], [4], [history])
    for level in (1, 2, 3):
        tiny.run_level(prompts, level, 2.5)
        stride = {1: 8, 2: 4, 3: 2}[level]
        assert np.array_equal(prompts[0].indices[level][: h // stride].cpu(), state_codes.indices[level - 1].cpu())


def test_new_frames_start_where_the_history_leaves_off(tiny):
    history = walking_motion(40, turn=0.0, seed=5)
    # Move and turn the history in the world: the continuation must follow it there.
    yaw = np.pi / 2
    q = np.array([0.0, np.sin(yaw / 2), 0.0, np.cos(yaw / 2)])
    from deepmotion_client.motion.rotations import quat_mul, quat_rotate
    root = quat_rotate(q, history.root_positions) + np.array([3.0, 0.0, -2.0])
    rot = history.local_rotations.copy()
    rot[:, 0] = quat_mul(q, rot[:, 0])
    moved = Motion(history.skeleton, root, rot, history.fps)
    out = list(tiny.generate(["a person walks"], [1.0], [1], histories=[moved]))[-1]
    place = out.placements[0]
    new = place.place(out.features[0])
    gap = np.linalg.norm(new.root_positions[0, [0, 2]] - moved.root_positions[-1, [0, 2]])
    assert gap < 0.3, f"first new root {gap:.2f} m from the history's last root"
    last_heading = dmv1.heading_yaw(moved.skeleton.forward_kinematics(moved.root_positions[-1:], moved.local_rotations[-1:])[1][0, 0])
    assert abs(np.angle(np.exp(1j * (place.heading - last_heading)))) < 0.5


def test_a_continuation_gives_the_same_frames_alone_and_in_a_batch(tiny):
    """Histories are encoded and pieces decoded in one call per length: company changes nothing."""
    a, b = walking_motion(40, turn=0.2, seed=1), walking_motion(40, turn=-0.4, seed=2)
    short = walking_motion(12, seed=3)
    alone = list(tiny.generate(["a person walks"], [1.6], [4], histories=[a]))
    batched = list(tiny.generate(["a person walks and turns left", "a person walks", "a person walks", "a person walks"],
                                 [2.0, 1.6, 1.6, 1.2], [9, 4, 5, 6], histories=[b, a, short, None]))
    for x, y in zip(alone, batched):
        np.testing.assert_allclose(x.features[0], y.features[1], atol=1e-4)
        place_x, place_y = x.placements[0].place(x.features[0]), y.placements[1].place(y.features[1])
        np.testing.assert_allclose(place_x.root_positions, place_y.root_positions, atol=1e-4)
    assert not np.allclose(batched[-1].features[0][:32], batched[-1].features[1][:32])


def test_too_short_a_history_is_a_request_error(tiny):
    with pytest.raises(RequestError, match=rf"^history: 5 frames; at least {HISTORY_STEP}"):
        list(tiny.generate(["a person walks"], [1.0], [0], histories=[walking_motion(5)]))


def test_seam_ratios_are_about_one_for_a_motion_cut_anywhere_and_large_for_a_jump():
    motion = walking_motion(120, turn=0.3, seed=2)
    pos = motion.joint_positions()
    smooth = seam_ratios(pos, [60])[0]
    assert smooth["acceleration_ratio"] < 1.5 and smooth["step_ratio"] < 1.5, smooth
    jumped = pos.copy()
    jumped[60:] += np.array([0.5, 0.0, 0.0])
    bad = seam_ratios(jumped, [60])[0]
    assert bad["acceleration_ratio"] > 1.5 and bad["step_ratio"] > 1.5, bad  # fails the bar


def test_the_seam_bridge_takes_a_jerk_out_of_the_join_and_keeps_bones_and_later_frames():
    from deepmotion.engine.continuation import bridge_seam
    from deepmotion_client.motion.rotations import quat_mul, yaw_to_quat
    motion = walking_motion(120, turn=0.3, seed=4)
    cut = 60
    root, local = motion.root_positions.copy(), motion.local_rotations.copy()
    # The new part starts with a sudden lean that fades over 8 frames: a decoder's jerky start.
    lean = yaw_to_quat(np.zeros(120))
    lean[cut:cut + 8] = [np.sin(0.12), 0.0, 0.0, np.cos(0.12)]
    local[:, 1] = quat_mul(lean, local[:, 1])
    jerky = Motion(motion.skeleton, root, local, motion.fps)
    before = seam_ratios(jerky.joint_positions(), [cut])[0]
    assert before["acceleration_ratio"] > 1.5, before  # the case fails the bar without the bridge
    new_root, new_local = bridge_seam(motion.skeleton, root[cut - 2:cut], local[cut - 2:cut], root[cut:], local[cut:])
    bridged = Motion(motion.skeleton, np.concatenate([root[:cut], new_root]), np.concatenate([local[:cut], new_local]), motion.fps)
    pos = bridged.joint_positions()
    after = seam_ratios(pos, [cut])[0]
    assert after["acceleration_ratio"] <= 1.5 and after["step_ratio"] <= 1.5, after
    parents = motion.skeleton.parents
    bones = np.linalg.norm(pos[:, 1:] - pos[:, [parents[j] for j in range(1, len(parents))]], axis=-1)
    assert np.ptp(bones, axis=0).max() < 1e-9, "rotations only: bone lengths exact"
    assert np.allclose(np.linalg.norm(new_local, axis=-1), 1.0)
    assert np.array_equal(new_local[30:], local[cut + 30:]), "frames past the bridge are the decoded ones"


def test_default_model_seams_are_as_smooth_as_capture_on_real_takes_and_timelines(archive, monkeypatch):
    """The bar of issue 14 on a sample (benchmarks/seams.py runs the full set): every seam whose
    history is itself within 1.5x is within 1.5x, acceleration and first step."""
    import sys
    sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
    import seams as bench
    monkeypatch.setattr(bench, "ARCHIVE", archive)
    from deepmotion.engine.assets import default_model_path
    pipe = load_cascade(default_model_path())
    rows = bench.timelines(pipe, 4, seed=7)
    ours, _ = bench.takes(pipe, 10, seed=7)
    rows += ours
    assert len(rows) >= 8
    for r in rows:
        if r["history_ratio"] <= 1.5:
            assert r["acceleration_ratio"] <= 1.5, r
        if r["history_step_ratio"] <= 1.5:
            assert r["step_ratio"] <= 1.5, r


def test_timeline_streams_each_level_for_every_segment_and_chains_them(tiny):
    from deepmotion.engine.timeline import generate_timeline
    levels = list(generate_timeline(tiny, [("a person walks", 1.2), ("a person walks and turns left", 1.6),
                                           ("a person walks", 2.0)], seed=3))
    assert [lv.level for lv in levels] == [1, 2, 3]
    for lv in levels:
        assert [len(f) for f in lv.features] == [24, 32, 40], "whole 0.4-s steps per segment"
        motion = lv.motion()
        assert motion.num_frames == 96 and np.isfinite(motion.root_positions).all()
        assert lv.seams() == [24, 56]
        gap = np.linalg.norm(np.diff(motion.root_positions[[23, 24, 55, 56]][:, [0, 2]], axis=0)[[0, 2]], axis=-1)
        assert (gap < 0.3).all(), f"segments start where the one before ends ({gap} m)"


def test_timeline_errors_name_the_segment(tiny):
    from deepmotion.engine.timeline import generate_timeline
    with pytest.raises(RequestError, match=r"^segments\[1\]\.text: empty"):
        list(generate_timeline(tiny, [("a person walks", 1.0), ("  ", 1.0)]))
    with pytest.raises(RequestError, match=r"^segments\[0\]\.duration_s: 30 is outside"):
        list(generate_timeline(tiny, [("a person walks", 30.0)]))
    with pytest.raises(RequestError, match=r"^segments: 70 s in all"):
        list(generate_timeline(tiny, [("a person walks", 4.0)] * 14 + [("a person walks", 14.0)]))


def test_timeline_probes_judge_each_probe_as_a_second_segment(tiny):
    from deepmotion.engine.evaluation.probes import PROBES, format_probes, run_timeline_probes
    summary = run_timeline_probes(tiny, [0], lead="a person walks", lead_s=1.2, log=lambda *_: None)
    assert set(summary["probes"]) == {p.name for p in PROBES}
    assert all(set(r) == {1, 2, 3} and all(0.0 <= v <= 1.0 for v in r.values()) for r in summary["probes"].values())
    assert "| wave: left vs right hand |" in format_probes(summary)
