"""Shared retargeting test vectors: written by the Python client, checked by pytest and by the
Unity package's C# tests (clients/unity/Tests/Editor/RetargetingVectorTests.cs).

Each rig is an avatar rest pose in Unity space (HumanBodyBones names, local position and
rotation against the parent humanoid bone). Each frame holds stream input (wire convention)
and the expected Unity-space output of the Python Retargeter: hips position, local and
avatar-space rotation per bone. Regenerate with `python tests/unity_vectors.py`.

Text format, one record per line, whitespace-separated:
    skeleton <J>                     then J lines: joint <name> <parent index> ox oy oz
    rig <name> <B>                   then B lines: bone <name> <parent|-> px py pz qx qy qz qw
    frame <root xyz> <J x 4 rotation floats>
    hips x y z
    local <B x 4 floats>
    world <B x 4 floats>
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from rigs import canonical_subset, canonical_world, random_quats  # noqa: E402

from deepmotion_client.client import MotionStream  # noqa: E402
from deepmotion_client.motion.joint_maps import UNITY  # noqa: E402
from deepmotion_client.motion.retarget import Retargeter  # noqa: E402
from deepmotion_client.motion.rotations import quat_identity  # noqa: E402
from deepmotion_client.motion.skeleton import canonical_skeleton  # noqa: E402
from deepmotion_client.recording import read_recording  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
TEST_DATA = ROOT / "clients" / "unity" / "Tests" / "Editor" / "TestData"
VECTORS = TEST_DATA / "retargeting-vectors.txt"


def to_unity_vec(p):
    p = np.array(p, dtype=np.float64)
    p[..., 0] *= -1
    return p


def to_unity_quat(q):
    q = np.array(q, dtype=np.float64)
    q[..., 1:3] *= -1
    return q


def unity_rigs():
    """(name, skeleton, rest local rotations) in the wire convention, for three avatars."""
    rigs = []
    pos = canonical_world(leg_scale=1.05, arm_scale=0.97)
    rigs.append(("tpose-all-bones", *canonical_subset(pos, quat_identity((len(pos),)))))
    pos = canonical_world(arm_down_deg=45.0, leg_scale=0.88, arm_scale=1.1, spread_deg=5.0)
    rigs.append(("apose-rotated-axes-no-upperchest-no-toes",
                 *canonical_subset(pos, random_quats(len(pos), 11), drop=("UpperChest", "LeftToes", "RightToes"))))
    pos = canonical_world(arm_down_deg=20.0, leg_scale=0.7, arm_scale=0.8) * 1.6
    rigs.append(("short-legs-large-no-chest-no-shoulders",
                 *canonical_subset(pos, random_quats(len(pos), 12),
                                   drop=("Chest", "UpperChest", "LeftShoulder", "RightShoulder"))))
    return rigs


def stream_frames():
    """Real model output (the wave recording, final level) plus a few extreme poses."""
    stream = MotionStream()
    for rec in read_recording(TEST_DATA / "wave-right-3s.dmrec"):
        stream.feed(rec.response)
    m = stream.motion()
    idx = np.linspace(0, m.num_frames - 1, 8).round().astype(int)
    root, rot = m.root_positions[idx], m.local_rotations[idx]
    rng = np.random.default_rng(5)
    wild = rng.normal(size=(2, rot.shape[1], 4))
    wild /= np.linalg.norm(wild, axis=-1, keepdims=True)
    root = np.concatenate([root, [[0.3, 0.8, -1.2], [-2.0, 0.95, 4.0]]])
    return root, np.concatenate([rot, wild])


def _fmt(values) -> str:
    return " ".join(f"{v:.9g}" for v in np.asarray(values, dtype=np.float64).ravel())


def compute(skeleton, rest, root, rot):
    """Expected Unity-space hips, local and world rotations for one rig."""
    r = Retargeter(skeleton, {n: n for n in skeleton.names if n in UNITY}, rest)
    hips_rh, local_rh = r.apply(root, rot)
    world_rh, _ = r.world_rotations(root, rot)
    return to_unity_vec(hips_rh), to_unity_quat(local_rh), to_unity_quat(world_rh)


def write_vectors(path=VECTORS) -> None:
    src = canonical_skeleton()
    root, rot = stream_frames()
    lines = ["# Shared retargeting vectors (tests/unity_vectors.py); do not edit by hand.",
             f"skeleton {len(src)}"]
    lines += [f"joint {n} {p} {_fmt(o)}" for n, p, o in zip(src.names, src.parents, src.offsets)]
    for name, sk, rest in unity_rigs():
        lines.append(f"rig {name} {len(sk)}")
        for j, n in enumerate(sk.names):
            parent = sk.names[sk.parents[j]] if sk.parents[j] >= 0 else "-"
            lines.append(f"bone {n} {parent} {_fmt(to_unity_vec(sk.offsets[j]))} {_fmt(to_unity_quat(rest[j]))}")
        hips, local, world = compute(sk, rest, root, rot)
        for t in range(len(root)):
            lines += [f"frame {_fmt(root[t])} {_fmt(rot[t])}", f"hips {_fmt(hips[t])}",
                      f"local {_fmt(local[t])}", f"world {_fmt(world[t])}"]
    Path(path).write_text("\n".join(lines) + "\n")


def read_vectors(path=VECTORS):
    """[(rig name, skeleton, rest, frames: [(root, rot, hips, local, world)])] in the file's spaces."""
    from deepmotion_client.motion.skeleton import Skeleton
    rigs, current, frame = [], None, None
    for line in Path(path).read_text().splitlines():
        if not line or line.startswith("#"):
            continue
        key, *rest = line.split()
        if key == "rig":
            current = {"name": rest[0], "names": [], "parents": [], "offsets": [], "rest": [], "frames": []}
            rigs.append(current)
        elif key == "bone":
            current["names"].append(rest[0])
            current["parents"].append(-1 if rest[1] == "-" else current["names"].index(rest[1]))
            vals = np.array(rest[2:], dtype=np.float64)
            current["offsets"].append(to_unity_vec(vals[:3]))
            current["rest"].append(to_unity_quat(vals[3:]))
        elif key == "frame" and current is not None:
            vals = np.array(rest, dtype=np.float64)
            frame = {"root": vals[:3], "rot": vals[3:].reshape(-1, 4)}
            current["frames"].append(frame)
        elif key in ("hips", "local", "world") and frame is not None:
            vals = np.array(rest, dtype=np.float64)
            frame[key] = vals if key == "hips" else vals.reshape(-1, 4)
    out = []
    for r in rigs:
        sk = Skeleton(r["names"], r["parents"], np.array(r["offsets"]))
        out.append((r["name"], sk, np.array(r["rest"]), r["frames"]))
    return out


if __name__ == "__main__":
    write_vectors()
    print(f"wrote {VECTORS}")
