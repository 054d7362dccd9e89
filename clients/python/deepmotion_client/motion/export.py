"""Exports besides BVH: glTF 2.0 (.glb / .gltf, needs pygltflib) and plain .npz.

glTF shares our conventions (right-handed, +Y up, metres, quaternions x, y, z, w), so joints
become nodes with their rest offsets as translations, and the animation has one rotation
channel per joint plus the root's translation, linearly interpolated (glTF slerps rotations).
"""
from __future__ import annotations

from pathlib import Path

import numpy as np

from .clip import Motion
from .rotations import quat_normalize
from ..errors import UsageError


def save_npz(path, motion: Motion) -> None:
    sk = motion.skeleton
    np.savez(path, joint_names=np.array(sk.names), parents=np.array(sk.parents), rest_offsets=sk.offsets,
             root_positions=motion.root_positions, local_rotations=motion.local_rotations,
             joint_positions=motion.joint_positions(), fps=motion.fps)


def save_gltf(path, motion: Motion) -> None:
    try:
        import pygltflib as g
    except ImportError:
        raise RuntimeError("glTF export needs pygltflib: pip install 'deepmotion-client[gltf]'") from None
    sk = motion.skeleton
    t = np.arange(motion.num_frames, dtype=np.float32) / np.float32(motion.fps)
    rot = quat_normalize(motion.local_rotations).astype(np.float32)
    root = motion.root_positions.astype(np.float32)
    blobs, views, accessors = [], [], []

    def add(array: np.ndarray, kind: str, minmax: bool = False) -> int:
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        offset = sum(len(b) for b in blobs)
        blobs.append(data)
        views.append(g.BufferView(buffer=0, byteOffset=offset, byteLength=len(data)))
        acc = g.Accessor(bufferView=len(views) - 1, componentType=g.FLOAT, count=len(array), type=kind)
        if minmax:
            acc.min, acc.max = [float(array.min())], [float(array.max())]
        accessors.append(acc)
        return len(accessors) - 1

    times = add(t, g.SCALAR, minmax=True)
    channels, samplers = [], []
    for j in range(len(sk)):
        samplers.append(g.AnimationSampler(input=times, output=add(rot[:, j], g.VEC4), interpolation="LINEAR"))
        channels.append(g.AnimationChannel(sampler=len(samplers) - 1, target=g.AnimationChannelTarget(node=j, path="rotation")))
    samplers.append(g.AnimationSampler(input=times, output=add(root, g.VEC3), interpolation="LINEAR"))
    channels.append(g.AnimationChannel(sampler=len(samplers) - 1, target=g.AnimationChannelTarget(node=0, path="translation")))
    nodes = []
    for j, name in enumerate(sk.names):
        kids = sk.children(j)
        translation = root[0] if j == 0 else sk.offsets[j].astype(np.float32)
        nodes.append(g.Node(name=name, translation=[float(v) for v in translation],
                            rotation=[float(v) for v in rot[0, j]], children=kids or None))
    blob = b"".join(blobs)
    gltf = g.GLTF2(asset=g.Asset(generator="deepmotion-client"), scene=0, scenes=[g.Scene(nodes=[0])], nodes=nodes,
                   skins=[g.Skin(joints=list(range(len(sk))), skeleton=0)],
                   animations=[g.Animation(name="motion", channels=channels, samplers=samplers)],
                   accessors=accessors, bufferViews=views, buffers=[g.Buffer(byteLength=len(blob))])
    gltf.set_binary_blob(blob)
    write_gltf(gltf, path)


def write_gltf(gltf, path) -> None:
    """.gltf as JSON with the buffer inlined, anything else as binary .glb."""
    import pygltflib as g
    path = Path(path)
    if path.suffix.lower() == ".gltf":
        gltf.convert_buffers(g.BufferFormat.DATAURI)
        gltf.save_json(str(path))
    else:
        gltf.save_binary(str(path))


FORMATS = (".bvh", ".glb", ".gltf", ".npz")


def check_output_path(path) -> Path:
    """Before any work: the suffix names a format this project writes and the folder exists
    (a mistyped -o must not cost a generation and then fail, or silently write BVH)."""
    path = Path(path)
    if path.suffix.lower() not in FORMATS:
        raise UsageError(f"output {path}: unknown format {path.suffix or '(no suffix)'!r}; use one of {', '.join(FORMATS)}")
    if not path.parent.is_dir():
        raise UsageError(f"output {path}: folder {path.parent} does not exist")
    return path


def save_motion(path, motion: Motion, units: str = "cm") -> None:
    """Save by file suffix: .bvh (in `units`, m or cm), .glb / .gltf (glTF 2.0) or .npz."""
    suffix = check_output_path(path).suffix.lower()
    if suffix in (".glb", ".gltf"):
        save_gltf(path, motion)
    elif suffix == ".npz":
        save_npz(path, motion)
    else:
        from .bvh import write_bvh
        write_bvh(path, motion, scale=100.0 if units == "cm" else 1.0)
