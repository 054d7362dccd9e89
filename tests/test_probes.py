"""The probes themselves: held-out wording, and checks that fire on the motion they describe."""
import numpy as np

from deepmotion.engine.data.captions import ACTIONS, STYLES, _fill
from deepmotion.engine.evaluation.probes import PROBES, observe, quality
from deepmotion.engine.representation import dmv1
from motion_fixtures import walking_motion


def all_training_captions() -> set[str]:
    out = set()
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
    for probe in PROBES:
        for prompt in probe.prompts:
            assert prompt.lower() not in seen, prompt


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
