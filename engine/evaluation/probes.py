"""Does the motion do what the text says? Physical probes on generated joints.

Prompts are held-out paraphrases: none of their wordings appears in the training captions
(a test checks this), so a pass means the model generalised the meaning, not the string.
Each probe compares two prompts that differ in one aspect (left vs right, walk vs run) under
the same seed, or checks one prompt against a physical threshold.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np

from deepmotion_client.motion.skeleton import CANONICAL_NAMES

from ..representation import dmv1

J = CANONICAL_NAMES.index


@dataclass
class Probe:
    name: str
    prompts: tuple[str, ...]       # one or two prompts
    duration: float
    check: Callable[..., bool]     # joint positions (and yaw) per prompt -> pass


def _hand_rise(pos, side):
    """How far the hand gets above the head's height at frame 0 (m)."""
    return pos[:, J(f"{side}Hand"), 1].max() - pos[0, J("Head"), 1]


def _hand_activity(pos, side):
    hand = pos[:, J(f"{side}Hand")] - pos[:, J("Hips")]
    return hand[:, 1].max() + hand.std(0).sum()


def _head_drop(pos):
    """How far the head gets below its height at frame 0 (m)."""
    return (pos[0, J("Head"), 1] - pos[:, J("Head"), 1]).max()


def _hand_up(pos, start=0.0, end=1.0):
    """Highest either hand gets, relative to the head's height at frame 0, between two fractions of the clip (m)."""
    a, b = int(start * (len(pos) - 1)), int(end * (len(pos) - 1)) + 1
    return pos[a:b, [J("LeftHand"), J("RightHand")], 1].max() - pos[0, J("Head"), 1]


def _speed(pos):
    root = pos[:, 0, [0, 2]]
    return np.linalg.norm(np.diff(root, axis=0), axis=-1).mean() * dmv1.FPS


def _side_beats_other(a, b, side, other, fn):
    return fn(a, side) > fn(a, other) and fn(b, other) > fn(b, side)


def _forward(pos, start=0.0, end=1.0):
    """Root travel (m) along the first frame's facing (+Z) between two fractions of the clip."""
    a, b = int(start * (len(pos) - 1)), int(end * (len(pos) - 1))
    return pos[b, 0, 2] - pos[a, 0, 2]


def _walks_and_gestures(pos, side, other):
    """Travels (speed over 0.4 m/s) and the named hand is busier than the other."""
    return _speed(pos) > 0.4 and _hand_activity(pos, side) > _hand_activity(pos, other)


PROBES = [
    Probe("wave: left vs right hand", ("a guy flaps his left hand hello", "a guy flaps his right hand hello"), 4.0,
          lambda a, b: _side_beats_other(a["pos"], b["pos"], "Left", "Right", _hand_activity)),
    Probe("wave: left vs right (other wording)", ("the figure greets people with a left-handed wave",
                                                  "the figure greets people with a right-handed wave"), 4.0,
          lambda a, b: _side_beats_other(a["pos"], b["pos"], "Left", "Right", _hand_activity)),
    Probe("raise: left vs right hand", ("an individual lifts the left hand toward the sky",
                                        "an individual lifts the right hand toward the sky"), 3.0,
          lambda a, b: _side_beats_other(a["pos"], b["pos"], "Left", "Right", _hand_rise)),
    Probe("speed: run faster than walk", ("an individual sprints along", "an individual ambles along"), 4.0,
          lambda a, b: _speed(a["pos"]) > 1.3 * _speed(b["pos"])),
    Probe("turn: left vs right (yaw sign)", ("someone walks, arcing off to the left",
                                             "someone walks, arcing off to the right"), 5.0,
          lambda a, b: a["yaw"] > np.radians(20) and b["yaw"] < -np.radians(20)),
    Probe("walk backwards", ("an individual moves in reverse, stepping backwards",), 4.0,
          lambda a: a["pos"][-1, 0, 2] - a["pos"][0, 0, 2] < -0.3),
    Probe("bow: head drops", ("someone bends at the waist to greet respectfully",), 4.0,
          lambda a: _head_drop(a["pos"]) > 0.1),
    # The same aspects in a second wording each (issue 15: more wordings).
    Probe("raise: left vs right (other wording)", ("a person's left arm goes straight up above the head",
                                                   "a person's right arm goes straight up above the head"), 3.0,
          lambda a, b: _side_beats_other(a["pos"], b["pos"], "Left", "Right", _hand_rise)),
    Probe("turn: left vs right (other wording)", ("a pedestrian gradually changes course leftward",
                                                  "a pedestrian gradually changes course rightward"), 5.0,
          lambda a, b: a["yaw"] > np.radians(20) and b["yaw"] < -np.radians(20)),
    Probe("speed: run faster than walk (other wording)", ("someone hurries along at a fast jog",
                                                          "someone takes a leisurely walk"), 4.0,
          lambda a, b: _speed(a["pos"]) > 1.3 * _speed(b["pos"])),
    Probe("bow: head drops (other wording)", ("a small bow of greeting",), 3.0, lambda a: _head_drop(a["pos"]) > 0.1),
]

# Two things in one prompt (issue 15): both must show. Wordings no training caption uses.
COMPOSITION_PROBES = [
    Probe("compose: walk + wave right hand", ("a guy marches on while flapping his right hand hello",), 5.0,
          lambda a: _walks_and_gestures(a["pos"], "Right", "Left")),
    Probe("compose: walk + wave left hand", ("a guy marches on while flapping his left hand hello",), 5.0,
          lambda a: _walks_and_gestures(a["pos"], "Left", "Right")),
    Probe("compose: walk + raise right arm", ("strolling along, an individual lifts the right hand toward the sky",), 5.0,
          lambda a: _speed(a["pos"]) > 0.4 and _hand_rise(a["pos"], "Right") > _hand_rise(a["pos"], "Left")),
    Probe("compose: jog, then walk backwards", ("an individual jogs ahead and afterwards backs up step by step",), 8.0,
          lambda a: _forward(a["pos"], 0.0, 0.45) > 0.5 and _forward(a["pos"], 0.6, 1.0) < -0.2),
    Probe("compose: walk, then bow", ("someone ambles forward and next bends at the waist to greet",), 7.0,
          lambda a: _forward(a["pos"], 0.0, 0.5) > 0.5
          and (a["pos"][len(a["pos"]) // 2, J("Head"), 1] - a["pos"][len(a["pos"]) // 2:, J("Head"), 1]).max() > 0.1),
    Probe("compose: jog + raise left arm", ("a woman jogs while holding her left arm up high",), 5.0,
          lambda a: _speed(a["pos"]) > 0.4 and _hand_rise(a["pos"], "Left") > _hand_rise(a["pos"], "Right")),
    Probe("compose: wave, then walk backwards", ("someone waves hello, then moves back a few paces",), 7.0,
          lambda a: _hand_up(a["pos"], 0.0, 0.5) > -0.15 and _forward(a["pos"], 0.55, 1.0) < -0.2),
]
# The wordings issue 15 reports the team's hidden set missing with, word for word. Unlike the
# probes above they were known while the models were built, so they track those misses and are
# no held-out evidence; one is a training caption (the demo's own prompt).
REPORTED_PROBES = [
    Probe("reported: a raised left hand", ("a raised left hand",), 3.0,
          lambda a: _hand_rise(a["pos"], "Left") > _hand_rise(a["pos"], "Right") + 0.2),
    Probe("reported: greeting with the right arm", ("greeting someone with the right arm",), 4.0,
          lambda a: _hand_activity(a["pos"], "Right") > _hand_activity(a["pos"], "Left") + 0.2),
    Probe("reported: a slow stroll", ("a slow stroll",), 4.0, lambda a: 0.3 < _speed(a["pos"]) < 1.6),
    Probe("reported: veering right", ("a person veering right",), 5.0, lambda a: a["yaw"] < -np.radians(20)),
    Probe("reported: a polite bow", ("a polite bow",), 3.0, lambda a: _head_drop(a["pos"]) > 0.1),
    Probe("reported: walks forward while waving the right hand", ("a person walks forward while waving the right hand",),
          5.0, lambda a: _walks_and_gestures(a["pos"], "Right", "Left")),
    Probe("reported: jogs forward and then walks backwards", ("a person jogs forward and then walks backwards",), 8.0,
          lambda a: _forward(a["pos"], 0.0, 0.45) > 0.5 and _forward(a["pos"], 0.6, 1.0) < -0.2),
]
ALL_PROBES = PROBES + COMPOSITION_PROBES


def observe(features: np.ndarray) -> dict:
    motion = dmv1.decode(features)
    pos, wrot = motion.skeleton.forward_kinematics(motion.root_positions, motion.local_rotations)
    yaw = float(features[:-1, 0].sum())
    return {"pos": pos, "yaw": yaw, "motion": motion}


def observe_motion(motion) -> dict:
    """As observe, for a motion in the world frame (a timeline's): re-based to start at the
    origin facing +Z, as a single clip's features decode."""
    from deepmotion_client.motion.rotations import quat_mul, quat_rotate, yaw_to_quat
    yaws = np.array([dmv1.heading_yaw(q) for q in motion.local_rotations[:, 0]])
    turn = yaw_to_quat(np.array(-yaws[0]))
    root = motion.root_positions - motion.root_positions[0] * np.array([1.0, 0.0, 1.0])
    root = quat_rotate(np.broadcast_to(turn, (len(root), 4)), root)
    rot = motion.local_rotations.copy()
    rot[:, 0] = quat_mul(np.broadcast_to(turn, (len(rot), 4)), rot[:, 0])
    pos, _ = motion.skeleton.forward_kinematics(root, rot)
    yaw = float(np.sum((np.diff(yaws) + np.pi) % (2 * np.pi) - np.pi))
    return {"pos": pos, "yaw": yaw, "motion": motion}


def _generate_observed(pipeline, prompts, seconds: float, seed: int, guidance):
    """Per level, what each prompt produced (observed) and its features; a prompt that names an
    order runs as the timeline the pipeline plans for it, as the server runs it."""
    from ..timeline import generate_timeline, planned_segments
    plans = [planned_segments(pipeline, t, seconds, seed, guidance) for t in prompts]
    if not any(plans):
        for out in pipeline.generate(list(prompts), [seconds] * len(prompts), [seed] * len(prompts), guidance):
            yield out.level, [observe(f) for f in out.features], list(out.features)
        return
    runs = [list(generate_timeline(pipeline, segments or [(text, seconds)], seed, guidance))
            for text, segments in zip(prompts, plans)]
    for level_outs in zip(*runs):
        yield level_outs[0].level, [observe_motion(o.motion()) for o in level_outs], \
            [np.concatenate(o.features) for o in level_outs]


def quality(features: np.ndarray) -> dict:
    """Validity and smoothness figures of one generated clip."""
    obs = observe(features)
    pos = obs["pos"]
    bones = np.linalg.norm(pos[:, 1:] - pos[:, obs["motion"].skeleton.parents[1:]], axis=-1)
    feet = pos[:, [J("LeftFoot"), J("LeftToes"), J("RightFoot"), J("RightToes")]]
    low = feet[..., 1] < feet[..., 1].min() + 0.05
    slide = np.linalg.norm(np.diff(feet[..., [0, 2]], axis=0), axis=-1) * dmv1.FPS  # m/s
    planted = low[1:] & low[:-1]
    jerk = np.diff(pos, n=3, axis=0) * dmv1.FPS ** 3
    return {
        "finite": bool(np.isfinite(features).all()),
        "bone_length_range_mm": float(np.ptp(bones, axis=0).max() * 1000),
        "lowest_foot_cm": float(feet[..., 1].min() * 100),
        "foot_skate_m_s": float(slide[planted].mean()) if planted.any() else 0.0,
        "jitter_m_s3": float(np.linalg.norm(jerk, axis=-1).mean()),
    }


def run_probes(pipeline, seeds: list[int], guidance=None, log=print, probes=None) -> dict:
    """Pass rate per probe and level over `seeds`, plus quality figures per level (single,
    composition and reported-wording probes unless `probes` names others)."""
    probes = ALL_PROBES + REPORTED_PROBES if probes is None else probes
    results = {p.name: {lvl: [] for lvl in range(1, pipeline.levels + 1)} for p in probes}
    quality_rows = {lvl: [] for lvl in range(1, pipeline.levels + 1)}
    for probe in probes:
        for seed in seeds:
            seconds = min(probe.duration, pipeline.limits.max_duration_s)
            for level, obs, feats in _generate_observed(pipeline, probe.prompts, seconds, seed, guidance):
                results[probe.name][level].append(bool(probe.check(*obs)))
                quality_rows[level].extend(quality(f) for f in feats)
        log(f"{probe.name}: " + ", ".join(f"level {l} {np.mean(v) * 100:.0f}%" for l, v in results[probe.name].items()))
    summary = {"seeds": seeds, "probes": {n: {l: float(np.mean(v)) for l, v in r.items()} for n, r in results.items()},
               "quality": {}}
    for lvl, rows in quality_rows.items():
        summary["quality"][lvl] = {k: float(np.mean([r[k] for r in rows])) for k in rows[0]}
        summary["quality"][lvl]["finite"] = all(r["finite"] for r in rows)
    return summary


def run_timeline_probes(pipeline, seeds: list[int], guidance=None, lead: str = "a person walks forward",
                        lead_s: float = 2.4, log=print) -> dict:
    """The same probes with each prompt as the second segment of a timeline after `lead`: does a
    segment follow its own text as often as a single prompt does? Only the segment is judged."""
    from ..timeline import generate_timeline
    results = {p.name: {lvl: [] for lvl in range(1, pipeline.levels + 1)} for p in PROBES}
    for probe in PROBES:
        for seed in seeds:
            seconds = min(probe.duration, pipeline.limits.max_duration_s)
            per_prompt = [list(generate_timeline(pipeline, [(lead, lead_s), (text, seconds)], seed, guidance))
                          for text in probe.prompts]
            for level_outs in zip(*per_prompt):
                obs = [observe(out.features[1]) for out in level_outs]
                results[probe.name][level_outs[0].level].append(bool(probe.check(*obs)))
        log(f"{probe.name} (after '{lead}'): " +
            ", ".join(f"level {l} {np.mean(v) * 100:.0f}%" for l, v in results[probe.name].items()))
    return {"seeds": seeds, "lead": lead, "probes": {n: {l: float(np.mean(v)) for l, v in r.items()}
                                                     for n, r in results.items()}}


def format_probes(summary: dict) -> str:
    levels = sorted(next(iter(summary["probes"].values())))
    lines = [f"probe pass rates over seeds {summary['seeds']}", "| probe | " + " | ".join(f"level {l}" for l in levels) + " |",
             "|---|" + "---|" * len(levels)]
    for name, row in summary["probes"].items():
        lines.append(f"| {name} | " + " | ".join(f"{row[l] * 100:.0f}%" for l in levels) + " |")
    if "quality" not in summary:
        return "\n".join(lines)
    lines += ["", "| level | all finite | bone length range (mm) | lowest foot (cm) | foot skate (m/s) | jitter (m/s^3) |",
              "|---|---|---|---|---|---|"]
    for l in levels:
        q = summary["quality"][l]
        lines.append(f"| {l} | {q['finite']} | {q['bone_length_range_mm']:.3f} | {q['lowest_foot_cm']:.1f} | "
                     f"{q['foot_skate_m_s']:.3f} | {q['jitter_m_s3']:.1f} |")
    return "\n".join(lines)
