"""The probes themselves: held-out wording, and checks that fire on the motion they describe."""
import numpy as np

from deepmotion.engine.data.captions import ACTIONS, STYLES, _fill
from deepmotion.engine.evaluation.probes import ALL_PROBES, COMPOSITION_PROBES, PROBES, observe, quality
from deepmotion.engine.representation import dmv1
from motion_fixtures import walking_motion


def all_training_captions() -> set[str]:
    from deepmotion.engine.data.compose import GESTURES, LOCOMOTION, SEQUENCE, SPATIAL_SHAPES, TEMPORAL_SHAPES, bare
    out = set()
    for shapes, firsts, seconds in ((SPATIAL_SHAPES, LOCOMOTION, GESTURES), (TEMPORAL_SHAPES, SEQUENCE, SEQUENCE)):
        for template in (t for fam in shapes[:-1] for t in fam):
            for f in (x for choices in firsts.values() for x in choices):
                for g in (x for choices in seconds.values() for x in choices):
                    for subjects, _ in STYLES.values():
                        for s in subjects:
                            out.add(_fill(template.format(s=s, S=s, v=f[0], g=f[1], w=g[0], h=g[1], w_bare=bare(g[0])),
                                          "", "").lower())
    for families in ACTIONS.values():
        for template in (t for fam in families[:-1] for t in fam):
            for subjects, adverbs in STYLES.values():
                for s in subjects:
                    for a in adverbs:
                        out.add(_fill(template, s, a).lower())
    return out


def test_probe_prompts_never_appear_in_training_captions():
    seen = all_training_captions()
    assert len(seen) > 1000
    for probe in ALL_PROBES:
        for prompt in probe.prompts:
            assert prompt.lower() not in seen, prompt
    assert "a person walks forward while waving the right hand" in seen  # compositions are counted


def test_turn_probe_reads_the_yaw_sign():
    probe = next(p for p in PROBES if p.name.startswith("turn"))
    left = observe(dmv1.encode(walking_motion(80, turn=1.0)))
    right = observe(dmv1.encode(walking_motion(80, turn=-1.0)))
    assert probe.check(left, right) and not probe.check(right, left)


def test_speed_probe_compares_root_speed():
    probe = next(p for p in PROBES if p.name.startswith("speed"))
    walk = walking_motion(60, turn=0.0)
    run = walking_motion(60, turn=0.0)
    run.root_positions[:, [0, 2]] *= 2.0
    assert probe.check(observe(dmv1.encode(run)), observe(dmv1.encode(walk)))
    assert not probe.check(observe(dmv1.encode(walk)), observe(dmv1.encode(run)))


def test_quality_figures_of_a_clean_clip():
    q = quality(dmv1.encode(walking_motion(60)))
    assert q["finite"] and q["bone_length_range_mm"] < 1e-3 and np.isfinite(q["jitter_m_s3"])


def test_composition_probe_needs_both_parts():
    walk_right = next(p for p in COMPOSITION_PROBES if p.name == "compose: walk + wave right hand")
    motion = walking_motion(100, turn=0.0)
    still = walking_motion(100, turn=0.0)
    still.root_positions[:, [0, 2]] = still.root_positions[:1, [0, 2]]
    from deepmotion.engine.evaluation.probes import J
    from deepmotion_client.motion.rotations import quat_mul, yaw_to_quat
    # Swing the right shoulder about the vertical axis: the right hand moves, the left does not.
    swing = yaw_to_quat(0.8 * np.sin(np.linspace(0, 12, 100)))
    for m in (motion, still):
        m.local_rotations[:, J("RightShoulder")] = quat_mul(swing, m.local_rotations[:, J("RightShoulder")])
    assert walk_right.check(observe(dmv1.encode(motion)))
    assert not walk_right.check(observe(dmv1.encode(still))), "waving in place is not walking while waving"


def test_reported_wordings_are_probed_with_checks_that_read_the_motion():
    from deepmotion.engine.evaluation.probes import REPORTED_PROBES
    by_name = {p.name: p for p in REPORTED_PROBES}
    veer = by_name["reported: veering right"]
    assert veer.check(observe(dmv1.encode(walking_motion(100, turn=-1.0))))
    assert not veer.check(observe(dmv1.encode(walking_motion(100, turn=1.0))))
    stroll = by_name["reported: a slow stroll"]
    still = walking_motion(80, turn=0.0)
    still.root_positions[:, [0, 2]] = still.root_positions[:1, [0, 2]]
    assert stroll.check(observe(dmv1.encode(walking_motion(80, turn=0.0))))
    assert not stroll.check(observe(dmv1.encode(still)))
