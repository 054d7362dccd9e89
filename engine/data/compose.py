"""Composed training pairs from the capture, so the model learns to do two things a prompt asks.

The capture has single actions only, and a model trained on it does one of two things a
prompt composes ("walks forward while waving the right hand": 0/16 before). Two kinds:

- spatial: the lower body and root path of a locomotion clip with the upper body of a gesture
  clip of the same style. The join is at the spine: dm-v1 stores local rotations, so the
  gesture's spine, neck, head and arms (relative to its hips) ride on the walker's hips, and
  the root path, legs and foot contacts stay the walker's.
- temporal: two clips one after the other, the second turned and moved to start where the
  first ends (position and heading), joined by a 0.5-s cross-fade of the poses.

Captions come from per-action verb and gerund phrases in several sentence shapes (the last
shape is held out like caption families are). A fixed share of action pairs never enters
training: those compositions go to the "open" split with held-out action x style
combinations of single clips, where returning a stored clip cannot be right.
"""
from __future__ import annotations

import hashlib
import random

import numpy as np

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import quat_mul, quat_rotate, quat_slerp, yaw_to_quat
from deepmotion_client.motion.skeleton import CANONICAL_NAMES

from ..representation import dmv1
from .captions import STYLES, _tidy, bare
from .dataset import ClipItem

COMPOSE_VERSION = 3          # part of the dataset's content hash: a change rebuilds the cache
OPEN_SPLIT = "open"
OPEN_PAIRS = 0.15            # share of composed action pairs held out of training
OPEN_COMBINATIONS = 0.08     # share of single-action action x style combinations held out
TRANSITION_FRAMES = 10       # temporal: cross-fade between the two clips (0.5 s)
MAX_PART_FRAMES = 90         # temporal: at most 4.5 s of each clip, so a pair fits the 10-s window
MIN_FRAMES = 40

UPPER = [CANONICAL_NAMES.index(n) for n in CANONICAL_NAMES
         if n in ("Spine", "Chest", "UpperChest", "Neck", "Head") or "Shoulder" in n or "Arm" in n or "Hand" in n]

# action -> (verb phrase, gerund phrase) choices; the first is the plain one. Several per action
# so that a composition is not learnt as one fixed string ("walks forward while waving the right
# hand") but as two meanings, each said in any of the ways single captions say it.
LOCOMOTION = {
    "walk": [("walks forward", "walking forward"), ("strolls ahead", "strolling ahead"),
             ("walks along", "walking along"), ("paces forward", "pacing forward"), ("saunters on", "sauntering on")],
    "run": [("runs forward", "running"), ("jogs ahead", "jogging ahead"), ("runs along", "running along"),
            ("races ahead", "racing ahead")],
    "walk-back": [("walks backwards", "walking backwards"), ("steps backward", "stepping backward"),
                  ("backs away", "backing away")],
    "walk-left": [("walks to the left", "walking to the left"), ("moves leftward", "moving leftward")],
    "walk-right": [("walks to the right", "walking to the right"), ("moves rightward", "moving rightward")],
    "walk-turn-left": [("walks and turns left", "walking and turning left"),
                       ("turns left while walking", "turning left while walking"),
                       ("walks in a curve to the left", "walking in a curve to the left")],
    "walk-turn-right": [("walks and turns right", "walking and turning right"),
                        ("turns right while walking", "turning right while walking"),
                        ("walks in a curve to the right", "walking in a curve to the right")],
}
GESTURES = {
    "wave-right-hand": [("waves the right hand", "waving the right hand"),
                        ("waves with the right hand", "waving with the right hand"),
                        ("says hello with the right hand", "saying hello with the right hand"),
                        ("greets someone with the right arm", "greeting someone with the right arm")],
    "wave-left-hand": [("waves the left hand", "waving the left hand"),
                       ("waves with the left hand", "waving with the left hand"),
                       ("says hello with the left hand", "saying hello with the left hand"),
                       ("greets someone with the left arm", "greeting someone with the left arm")],
    "wave-both-hands": [("waves both hands", "waving both hands"), ("waves with both arms", "waving with both arms")],
    "raise-up-right-hand": [("raises the right arm", "raising the right arm"),
                            ("raises the right hand", "raising the right hand"),
                            ("lifts the right arm", "lifting the right arm"),
                            ("puts the right hand up", "putting the right hand up")],
    "raise-up-left-hand": [("raises the left arm", "raising the left arm"),
                           ("raises the left hand", "raising the left hand"),
                           ("lifts the left arm", "lifting the left arm"),
                           ("puts the left hand up", "putting the left hand up")],
    "raise-up-both-hands": [("raises both arms", "raising both arms"), ("lifts both hands", "lifting both hands")],
    "bye": [("waves goodbye", "waving goodbye"), ("waves farewell", "waving farewell")],
    "call": [("beckons someone over", "beckoning someone over")],
    "punch": [("throws punches", "throwing punches"), ("punches", "punching")],
}
SEQUENCE = {**LOCOMOTION, **GESTURES, "bow": [("bows", "bowing"), ("bows politely", "bowing politely"),
                                               ("gives a bow", "giving a bow")],
            "kick": [("kicks", "kicking")], "dance-short": [("dances", "dancing"), ("does a little dance", "doing a little dance")]}
DEFAULT_SUBJECTS = ["a person", "someone", "a man", "a woman"]

# Sentence shapes; the last of each is held out of training. {s} subject, {v}/{g} verb/gerund
# of the first action, {w}/{h} of the second.
SPATIAL_SHAPES = [["{s} {v} while {h}", "{s} {v}, {h}", "{s} {v} and {w} at the same time"],
                  ["{h}, {s} {v}", "while {g}, {s} {w}"],
                  ["{g} and {h}"],
                  ["{s} {v} and {w}", "{g} while {h}", "{s} {w} while {g}"],
                  ["{S} keeps {g} as they {w_bare}"]]
TEMPORAL_SHAPES = [["{s} {v}, then {w}", "{s} {v} and then {w}", "first {s} {v}, then {w}"],
                   ["{s} {v} before {h}", "after {g}, {s} {w}"],
                   ["{g}, then {h}"],
                   ["{s} {v}. then {w}", "{s} {v}, after that {w}", "{s} {v} and later {w}", "{g}, and then {h}"],
                   ["{S} starts by {g} and ends up {h}"]]


def label_parts(label: str) -> list[str]:
    """The single actions of a clip's action label: "walk+wave-left-hand" (two at once) and
    "walk,bow" (one after the other) have two, a single clip's label one."""
    return label.replace(",", "+").split("+")


def _rng(key: str) -> random.Random:
    return random.Random(int(hashlib.sha256(key.encode()).hexdigest()[:16], 16))


def is_open(share: float, *labels: str) -> bool:
    """Deterministically held out: this action pair (or action x style) never enters training.
    Sides do not count (left and right hash alike): mirroring a training clip must not make a
    held-out one."""
    key = "|".join(labels).replace("left", "side").replace("right", "side")
    u = int(hashlib.sha256(key.encode()).hexdigest()[:12], 16) / float(1 << 48)
    return u < share


def compose_captions(shapes, firsts: list[tuple[str, str]], seconds: list[tuple[str, str]], style: str, key: str,
                     count: int = 4, held_out: bool = False) -> list[str]:
    """Captions of a composed clip; held-out captions use only the plain phrase of each action."""
    subjects = STYLES.get(style, (DEFAULT_SUBJECTS, [""]))[0]
    pool = shapes[-1] if held_out else [t for fam in shapes[:-1] for t in fam]
    rng = _rng(f"{key}|{held_out}")
    out: list[str] = []
    for _ in range(count * 4):
        subject = rng.choice(subjects)
        first = firsts[0] if held_out else rng.choice(firsts)
        second = seconds[0] if held_out else rng.choice(seconds)
        text = _tidy(rng.choice(pool).format(s=subject, S=subject, v=first[0], g=first[1], w=second[0], h=second[1],
                                             w_bare=bare(second[0])))
        if text not in out:
            out.append(text)
        if len(out) == count:
            break
    return out


def spatial(loco: Motion, gesture: Motion) -> Motion:
    """The walker's root path and legs with the gesture's upper body, joined at the spine."""
    n = min(loco.num_frames, gesture.num_frames)
    rot = loco.local_rotations[:n].copy()
    rot[:, UPPER] = gesture.local_rotations[:n, UPPER]
    return Motion(loco.skeleton, loco.root_positions[:n].copy(), rot, loco.fps)


def spatial_features(loco: np.ndarray, gesture: np.ndarray) -> np.ndarray:
    """`spatial` on dm-v1 features of equal length (a generated walk and a generated wave): the
    walker's root channels, legs and foot contacts with the gesture's upper-body rotations;
    the joint positions and velocities that follow from them are recomputed so every channel
    tells the same motion."""
    t = len(loco)
    rot = loco[:, dmv1.SLICES["rot6d"]].reshape(t, dmv1.NUM_JOINTS, 6).copy()
    rot[:, UPPER] = gesture[:, dmv1.SLICES["rot6d"]].reshape(t, dmv1.NUM_JOINTS, 6)[:, UPPER]
    out = loco.copy()
    out[:, dmv1.SLICES["rot6d"]] = rot.reshape(t, -1)
    again = dmv1.encode(dmv1.decode(out))
    for key in ("ric", "joint_vel"):
        out[:, dmv1.SLICES[key]] = again[:, dmv1.SLICES[key]]
    return out


def temporal(first: Motion, second: Motion, fade: int = TRANSITION_FRAMES) -> Motion:
    """`first` then `second`, the second moved and turned to start where the first ends."""
    a = Motion(first.skeleton, first.root_positions[:MAX_PART_FRAMES], first.local_rotations[:MAX_PART_FRAMES], first.fps)
    b_root, b_rot = second.root_positions[:MAX_PART_FRAMES], second.local_rotations[:MAX_PART_FRAMES]
    k = min(fade, a.num_frames - 1, len(b_root) - 1)
    # The second clip starts where the overlap starts (k frames before the first one's end), in
    # that frame's heading, so both sides of the cross-fade travel the same way.
    anchor = a.num_frames - k
    turn = yaw_to_quat(np.array(dmv1.heading_yaw(a.local_rotations[anchor, 0]) - dmv1.heading_yaw(b_rot[0, 0])))
    turns = np.broadcast_to(turn, (len(b_root), 4))
    moved = quat_rotate(turns, b_root - b_root[0] * np.array([1.0, 0.0, 1.0]))
    moved[:, [0, 2]] += a.root_positions[anchor, [0, 2]]
    rot_b = b_rot.copy()
    rot_b[:, 0] = quat_mul(turns, b_rot[:, 0])
    w = ((np.arange(k) + 1.0) / (k + 1.0))
    w = w * w * (3 - 2 * w)
    root_mid = (1 - w[:, None]) * a.root_positions[anchor:] + w[:, None] * moved[:k]
    rot_mid = quat_slerp(a.local_rotations[anchor:], rot_b[:k], np.broadcast_to(w[:, None], (k, rot_b.shape[1])))
    root = np.concatenate([a.root_positions[:anchor], root_mid, moved[k:]])
    rot = np.concatenate([a.local_rotations[:anchor], rot_mid, rot_b[k:]])
    return Motion(first.skeleton, root, rot, first.fps)


def second_part_start(first_frames: int, second_frames: int, fade: int = TRANSITION_FRAMES) -> int:
    """The frame of a `temporal` clip where the cross-fade into its second clip begins (before
    it, the first clip alone)."""
    a = min(first_frames, MAX_PART_FRAMES)
    return a - min(fade, a - 1, min(second_frames, MAX_PART_FRAMES) - 1)


def composed_items(items: list[ClipItem], spatial_count: int = 1200, temporal_count: int = 800,
                   seed: int = 0) -> list[ClipItem]:
    """Composed clips from single-action items (the capture's), deterministic in `seed`."""
    by_label: dict[tuple[str, str], list[ClipItem]] = {}
    for it in items:
        if it.motion.num_frames >= MIN_FRAMES:
            by_label.setdefault((it.action, it.style), []).append(it)
    rng = np.random.default_rng(seed)
    out: list[ClipItem] = []

    def pick(action_pool, style=None):
        keys = [k for k in by_label if k[0] in action_pool and (style is None or k[1] == style)]
        return keys

    loco_keys, gesture_keys = pick(LOCOMOTION), pick(GESTURES)
    for i in range(spatial_count if loco_keys else 0):
        lk = loco_keys[rng.integers(len(loco_keys))]
        same = [k for k in gesture_keys if k[1] == lk[1]] or gesture_keys
        if not same:
            break
        gk = same[rng.integers(len(same))]
        lo = by_label[lk][rng.integers(len(by_label[lk]))]
        ge = by_label[gk][rng.integers(len(by_label[gk]))]
        cid = f"compose-s{i:05d}_{lo.id}+{ge.id}"
        label = f"{lk[0]}+{gk[0]}"
        split = OPEN_SPLIT if is_open(OPEN_PAIRS, "spatial", lk[0], gk[0]) else None
        caps = compose_captions(SPATIAL_SHAPES, LOCOMOTION[lk[0]], GESTURES[gk[0]], lk[1], cid, 6)
        held = compose_captions(SPATIAL_SHAPES, LOCOMOTION[lk[0]], GESTURES[gk[0]], lk[1], cid, 2, held_out=True)
        out.append(ClipItem(cid, spatial(lo.motion, ge.motion), held if split else caps, held, label, lk[1],
                            "composed:spatial", {"parts": [lo.id, ge.id], **({"split": split} if split else {})}))
    seq_keys = pick(SEQUENCE)
    for i in range(temporal_count if len(seq_keys) > 1 else 0):
        ak = seq_keys[rng.integers(len(seq_keys))]
        others = [k for k in seq_keys if k[1] == ak[1] and k[0] != ak[0]] or [k for k in seq_keys if k[0] != ak[0]]
        bk = others[rng.integers(len(others))]
        a = by_label[ak][rng.integers(len(by_label[ak]))]
        b = by_label[bk][rng.integers(len(by_label[bk]))]
        cid = f"compose-t{i:05d}_{a.id}+{b.id}"
        label = f"{ak[0]},{bk[0]}"
        split = OPEN_SPLIT if is_open(OPEN_PAIRS, "temporal", ak[0], bk[0]) else None
        caps = compose_captions(TEMPORAL_SHAPES, SEQUENCE[ak[0]], SEQUENCE[bk[0]], ak[1], cid, 6)
        held = compose_captions(TEMPORAL_SHAPES, SEQUENCE[ak[0]], SEQUENCE[bk[0]], ak[1], cid, 2, held_out=True)
        out.append(ClipItem(cid, temporal(a.motion, b.motion), held if split else caps, held, label, ak[1],
                            "composed:temporal", {"parts": [a.id, b.id], **({"split": split} if split else {})}))
    return out


def hold_out_combinations(items: list[ClipItem]) -> int:
    """Moves single clips of held-out action x style combinations to the open split, captioned
    with their held-out wording; returns how many moved."""
    moved = 0
    for it in items:
        if it.source.startswith("composed") or it.action == "custom":
            continue
        if is_open(OPEN_COMBINATIONS, "single", it.action, it.style):
            it.extra["split"] = OPEN_SPLIT
            if it.heldout_captions:
                it.captions = list(it.heldout_captions)
            moved += 1
    return moved
