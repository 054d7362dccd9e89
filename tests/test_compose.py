"""Composed training clips (engine/data/compose.py): the parts join the way the data needs, the
captions say both things, and held-out pairs never reach the training split, mirrored or not."""
import json

import numpy as np

from deepmotion.engine.data import compose as C
from deepmotion.engine.data.dataset import ClipItem, Dataset, write_dataset
from deepmotion.engine.representation import dmv1
from deepmotion_client.motion.skeleton import CANONICAL_NAMES
from motion_fixtures import walking_motion

LEGS = [CANONICAL_NAMES.index(n) for n in CANONICAL_NAMES if "Leg" in n or "Foot" in n or "Toes" in n]


def _items():
    items = []
    for k, action in enumerate(["walk", "run", "walk-back", "wave-right-hand", "wave-left-hand", "bow",
                                "raise-up-right-hand", "raise-up-left-hand"]):
        for style in ("normal", "happy"):
            motion = walking_motion(80, turn=0.3 * (k % 3 - 1), seed=k)
            if action not in C.LOCOMOTION:  # gestures stay in place
                motion.root_positions[:, [0, 2]] = 0.0
            items.append(ClipItem(f"dataset-1_{action}_{style}_{k:03d}", motion, [f"{action} {style}"],
                                  action=action, style=style, source="bandai-namco"))
    return items


def test_spatial_keeps_the_walkers_path_and_legs_and_the_gestures_upper_body():
    loco, gesture = walking_motion(70, seed=1), walking_motion(90, turn=0.0, seed=2)
    out = C.spatial(loco, gesture)
    assert out.num_frames == 70
    np.testing.assert_array_equal(out.root_positions, loco.root_positions)
    np.testing.assert_array_equal(out.local_rotations[:, 0], loco.local_rotations[:70, 0])
    np.testing.assert_array_equal(out.local_rotations[:, LEGS], loco.local_rotations[:70, LEGS])
    np.testing.assert_array_equal(out.local_rotations[:, C.UPPER], gesture.local_rotations[:70, C.UPPER])
    assert CANONICAL_NAMES.index("Spine") in C.UPPER and CANONICAL_NAMES.index("RightHand") in C.UPPER


def test_temporal_starts_the_second_clip_where_the_first_ends():
    first, second = walking_motion(60, turn=1.0, seed=3), walking_motion(60, turn=-0.5, seed=4)
    second.root_positions[:, [0, 2]] += np.array([5.0, -3.0])  # somewhere else entirely
    out = C.temporal(first, second)
    assert out.num_frames == 60 + 60 - C.TRANSITION_FRAMES
    steps = np.linalg.norm(np.diff(out.joint_positions(), axis=0), axis=-1).max(axis=1)
    inside = np.linalg.norm(np.diff(first.joint_positions(), axis=0), axis=-1).max(axis=1)
    assert steps.max() < 1.5 * inside.max(), "the join moves no faster than the clips themselves"
    heading = dmv1.heading_yaw(out.local_rotations[:, 0])
    assert np.abs(np.angle(np.exp(1j * np.diff(heading)))).max() < 0.1


def test_captions_say_both_things_and_hold_out_a_shape():
    caps = C.compose_captions(C.SPATIAL_SHAPES, C.LOCOMOTION["walk"], C.GESTURES["wave-right-hand"], "happy", "k", 6)
    assert len(caps) >= 4
    walks = [v for pair in C.LOCOMOTION["walk"] for v in pair]
    waves = [v for pair in C.GESTURES["wave-right-hand"] for v in pair]
    for c in caps:
        low = c.lower()
        assert any(w in low for w in walks) and any(w in low for w in waves) and "right" in low, c
    # Every way of saying each part is used across clips, not one fixed string.
    many = [c.lower() for k in range(60) for c in C.compose_captions(
        C.SPATIAL_SHAPES, C.LOCOMOTION["walk"], C.GESTURES["wave-right-hand"], "normal", f"k{k}", 6)]
    assert all(any(v[0] in c or v[1] in c for c in many) for v in C.LOCOMOTION["walk"] + C.GESTURES["wave-right-hand"])
    held = C.compose_captions(C.SPATIAL_SHAPES, C.LOCOMOTION["walk"], C.GESTURES["wave-right-hand"], "happy", "k", 2,
                              held_out=True)
    assert held and not set(held) & set(caps)
    assert C.bare("waves the right hand") == "wave the right hand" and C.bare("beckons someone") == "beckon someone"


def test_open_split_is_the_same_for_left_and_right():
    assert C.is_open(0.5, "spatial", "walk", "wave-left-hand") == C.is_open(0.5, "spatial", "walk", "wave-right-hand")
    shares = [C.is_open(0.15, "pair", str(i)) for i in range(2000)]
    assert 0.1 < np.mean(shares) < 0.2


def test_held_out_pairs_never_reach_training_mirrored_or_not(tmp_path, monkeypatch):
    monkeypatch.setattr(C, "OPEN_PAIRS", 0.4)
    items = _items()
    composed = C.composed_items(items, spatial_count=60, temporal_count=40, seed=1)
    again = C.composed_items(_items(), spatial_count=60, temporal_count=40, seed=1)
    assert [c.id for c in composed] == [c.id for c in again], "deterministic"
    assert {c.source for c in composed} == {"composed:spatial", "composed:temporal"}
    open_labels = {c.action for c in composed if c.extra.get("split") == C.OPEN_SPLIT}
    assert open_labels, "some pairs are held out"
    write_dataset(tmp_path / "ds", items + composed, "h", {"kind": "test"})
    ds = Dataset(tmp_path / "ds")
    side_free = lambda a: a.replace("left", "side").replace("right", "side")  # noqa: E731
    held = {side_free(r["action"]) for r in ds.records if r["split"] == C.OPEN_SPLIT}
    trained = {side_free(r["action"]) for r in ds.records if r["split"] == "train"}
    assert held and not held & trained
    record = json.loads((tmp_path / "ds" / "clips.json").read_text())[0]
    assert "split" in record


def test_fragments_put_every_verb_in_the_form_people_type():
    from deepmotion.engine.data.captions import _fragment, captions_for
    assert _fragment("{s} walks {a} and bends round to the right", "happily") == "walk happily and bend round to the right"
    assert _fragment("{s} leans forward {a} and bows", "") == "lean forward and bow"
    # Turns said as a path are training wording from pipeline 4 on, in the family's own side.
    caps = [c.lower() for k in range(40) for c in captions_for("walk-turn-right", "normal", f"t{k}", 6)]
    assert any("veer" in c or "swerve" in c for c in caps)
    assert not any("left" in c for c in caps)


def test_spatial_features_splice_generated_features_and_keep_every_channel_consistent():
    loco, gesture = walking_motion(50, seed=1), walking_motion(50, turn=0.0, seed=2)
    gesture.root_positions[:, [0, 2]] = 0.0
    fl, fg = dmv1.encode(loco), dmv1.encode(gesture)
    out = C.spatial_features(fl, fg)
    want = dmv1.encode(C.spatial(loco, gesture))
    np.testing.assert_allclose(out[:, :4], fl[:, :4], atol=1e-6)                 # the walker's root channels
    np.testing.assert_allclose(out[:, dmv1.SLICES["contacts"]], fl[:, dmv1.SLICES["contacts"]])
    for key in ("rot6d", "ric", "joint_vel"):
        np.testing.assert_allclose(out[:, dmv1.SLICES[key]], want[:, dmv1.SLICES[key]], atol=1e-4)
