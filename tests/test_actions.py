"""The action checks behind the evaluation's 'does its actions' column: each label's check
passes on a motion that does it and fails on one that does something else; a sequence is
judged part by part. On the real capture (../shared) ground truth must pass nearly always,
or a check would be measuring itself."""
import numpy as np
import pytest
from motion_fixtures import walking_motion

from deepmotion_client.motion.rotations import euler_to_quat
from deepmotion_client.motion.skeleton import CANONICAL_NAMES


def features(motion):
    from deepmotion.engine.representation import dmv1
    return dmv1.encode(motion)


def raising(side: str, frames: int = 80, still: bool = True):
    """A walk (or standing, `still`) with one upper arm lifted above the head."""
    m = walking_motion(frames, turn=0.0, seed=1)
    if still:
        m.root_positions[:, [0, 2]] = 0.0
    e = np.zeros((frames, 3))
    e[:, 0] = -110 if side == "Right" else 110
    m.local_rotations[:, CANONICAL_NAMES.index(f"{side}UpperArm")] = euler_to_quat(e, "ZXY")
    return m


def test_travel_and_turn_labels_tell_their_motions_apart():
    from deepmotion.engine.evaluation.actions import does
    straight, left, right = (features(walking_motion(80, turn=t, seed=2)) for t in (0.0, 1.2, -1.2))
    back = walking_motion(80, turn=0.0, seed=2)
    back.root_positions[:, 2] *= -1
    back = features(back)
    verdicts = {name: {label: does(f, label) for label in ("walk", "run", "walk-back", "walk-turn-left", "walk-turn-right")}
                for name, f in (("straight", straight), ("left", left), ("right", right), ("back", back))}
    assert verdicts["straight"] == {"walk": True, "run": False, "walk-back": False, "walk-turn-left": False,
                                    "walk-turn-right": False}
    assert verdicts["left"]["walk-turn-left"] and not verdicts["left"]["walk-turn-right"]
    assert verdicts["right"]["walk-turn-right"] and not verdicts["right"]["walk-turn-left"]
    assert verdicts["back"]["walk-back"] and not verdicts["back"]["walk"]


def test_a_composition_needs_both_parts_and_the_named_side():
    from deepmotion.engine.evaluation.actions import does
    walk_raise_right = features(raising("Right", still=False))
    stand_raise_right = features(raising("Right", still=True))
    assert does(walk_raise_right, "walk+raise-up-right-hand")
    assert not does(walk_raise_right, "walk+raise-up-left-hand"), "the other hand"
    assert not does(stand_raise_right, "walk+raise-up-right-hand"), "the gesture without the walk"
    assert does(stand_raise_right, "raise-up-right-hand")
    assert not does(features(walking_motion(80, turn=0.0, seed=1)), "walk+raise-up-right-hand"), "the walk alone"


def test_a_sequence_is_judged_part_by_part_and_unknown_actions_are_left_out():
    from deepmotion.engine.evaluation.actions import action_accuracy, does
    m = walking_motion(120, turn=0.0, seed=3)
    z = m.root_positions[:, 2].copy()
    m.root_positions[60:, 2] = z[60] - (z[60:] - z[60])  # forward, then back the same way
    f = features(m)
    assert does(f, "walk,walk-back") and not does(f, "walk-back,walk")
    assert does(f, "walk,punch") is None and does(f, "dance-long") is None
    acc = action_accuracy([f, f, f], ["walk,walk-back", "walk-back,walk", "punch"], ["seq", "seq", "single"])
    assert acc["actions"] == pytest.approx(0.5) and acc["actions:seq"] == pytest.approx(0.5)
    assert "actions:single" not in acc, "no checkable clip of that kind"


def test_captured_takes_pass_their_own_checks(archive):
    """A few takes of every checked action in the capture pass their own label's check."""
    import collections

    from deepmotion.engine.data.bandai import build_items, load_world_clips
    from deepmotion.engine.evaluation.actions import does
    from deepmotion.engine.representation import dmv1
    wanted = ("walk", "run", "walk-back", "walk-left", "walk-turn-left", "walk-turn-right", "wave-right-hand",
              "wave-left-hand", "raise-up-left-hand", "raise-up-both-hands", "bow")
    clips = load_world_clips(archive, match=r"(" + "|".join(wanted) + r")_(normal|elderly|feminine)_00[12]\.bvh$")
    items, _ = build_items(clips)
    verdicts = collections.defaultdict(list)
    for item in items:
        if item.action in wanted:
            verdicts[item.action].append(bool(does(dmv1.encode(item.motion)[:200], item.action)))
    assert set(verdicts) == set(wanted), sorted(verdicts)
    passed = sum(sum(v) for v in verdicts.values()) / sum(len(v) for v in verdicts.values())
    assert passed >= 0.9, {a: float(np.mean(v)) for a, v in verdicts.items()}
