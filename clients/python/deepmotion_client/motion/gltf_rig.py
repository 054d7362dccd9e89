"""Characters from glTF 2.0 files (.glb, .gltf, .vrm) as retargeting targets, and animation
written back into a copy of the file, so the mesh, its skin and materials come along.

Why: many characters (VRM avatars, Blender and Unity exports) travel as glTF. Retargeting onto
their skin's joints and adding one animation to the original file gives an asset that any
glTF viewer plays on the real mesh, without a DCC round trip. Needs pygltflib (client extra
`[gltf]`). The skeleton is the first skin's joints; joint names come from the nodes, and for
VRM files the humanoid bone table in the file (VRM 0.x or 1.0 extension) gives the joint map.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .clip import Motion
from .rotations import matrix_to_quat, quat_conj, quat_mul, quat_normalize, quat_rotate
from .skeleton import CANONICAL_NAMES, Skeleton
from ..errors import DeepMotionError

GLTF_SUFFIXES = (".glb", ".gltf", ".vrm")


class GltfRigError(DeepMotionError, ValueError):
    """A glTF file that cannot serve as a target rig; the message says why."""


def _gltf():
    try:
        import pygltflib
    except ImportError:
        raise RuntimeError("glTF targets need pygltflib: pip install 'deepmotion-client[gltf]'") from None
    return pygltflib


def _load(g, path: Path):
    """pygltflib picks the format by suffix and does not know .vrm (binary glTF)."""
    if path.suffix.lower() == ".gltf":
        return g.GLTF2().load_json(str(path))
    return g.GLTF2().load_binary(str(path))


def _local_matrix(node) -> np.ndarray:
    if node.matrix is not None:
        return np.array(node.matrix, dtype=np.float64).reshape(4, 4).T  # glTF stores column-major
    m = np.eye(4)
    t = np.array(node.translation if node.translation is not None else [0, 0, 0], dtype=np.float64)
    q = np.array(node.rotation if node.rotation is not None else [0, 0, 0, 1], dtype=np.float64)
    s = np.array(node.scale if node.scale is not None else [1, 1, 1], dtype=np.float64)
    x, y, z, w = q / np.linalg.norm(q)
    r = np.array([[1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
                  [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
                  [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)]])
    m[:3, :3] = r * s
    m[:3, 3] = t
    return m


def _rotation_of(m: np.ndarray) -> np.ndarray:
    r = m[:3, :3] / np.linalg.norm(m[:3, :3], axis=0, keepdims=True)  # drop (uniform) scale
    return quat_normalize(matrix_to_quat(r))


@dataclass
class GltfRig:
    path: Path
    gltf: object                 # pygltflib.GLTF2
    joints: list[int]            # node index of each skeleton joint, parents first
    skeleton: Skeleton           # metres; offsets in each parent's rest frame
    rest_rotations: np.ndarray   # [J, 4] rest local rotations (the root's includes its ancestors')
    root_parent: np.ndarray      # 4x4 world matrix of the root joint's parent node (identity if none)
    humanoid_map: dict[str, str]  # canonical -> joint name, from a VRM extension (empty otherwise)


def read_gltf_rig(path) -> GltfRig:
    g = _gltf()
    path = Path(path)
    try:
        gltf = _load(g, path)
    except Exception as e:  # pygltflib raises many kinds on malformed files
        raise GltfRigError(f"{path}: not a readable glTF file ({e})") from None
    if gltf is None or not gltf.skins:
        raise GltfRigError(f"{path}: has no skin, so no skeleton to retarget onto")
    nodes = gltf.nodes
    parent = {c: i for i, n in enumerate(nodes) for c in (n.children or [])}
    world: dict[int, np.ndarray] = {}

    def world_of(i):
        if i not in world:
            local = _local_matrix(nodes[i])
            world[i] = local if i not in parent else world_of(parent[i]) @ local
        return world[i]

    joint_set = set(gltf.skins[0].joints)

    def joint_parent(i):
        p = parent.get(i)
        while p is not None and p not in joint_set:
            p = parent.get(p)
        return p

    roots = [j for j in joint_set if joint_parent(j) is None]
    if len(roots) != 1:
        raise GltfRigError(f"{path}: the skin's joints have {len(roots)} roots "
                           f"({', '.join(nodes[r].name or str(r) for r in roots)}); one skeleton root is needed")
    order, stack = [], [roots[0]]
    while stack:
        j = stack.pop()
        order.append(j)
        stack.extend(reversed([c for c in (nodes[j].children or []) if c in joint_set]
                              + [c for c in _joint_descendants_via_others(nodes, j, joint_set)]))
    index = {j: k for k, j in enumerate(order)}
    names = [nodes[j].name or f"joint{j}" for j in order]
    if len(set(names)) != len(names):
        raise GltfRigError(f"{path}: joint names must be unique to map them")
    parents = [-1] + [index[joint_parent(j)] for j in order[1:]]
    wpos = np.array([world_of(j)[:3, 3] for j in order])
    wrot = np.array([_rotation_of(world_of(j)) for j in order])
    offsets = np.zeros((len(order), 3))
    rest = np.zeros((len(order), 4))
    offsets[0], rest[0] = wpos[0], wrot[0]
    for k in range(1, len(order)):
        p = parents[k]
        offsets[k] = quat_rotate(quat_conj(wrot[p]), wpos[k] - wpos[p])
        rest[k] = quat_mul(quat_conj(wrot[p]), wrot[k])
    root_parent = world_of(parent[roots[0]]) if roots[0] in parent else np.eye(4)
    return GltfRig(path, gltf, order, Skeleton(names, parents, offsets), quat_normalize(rest), root_parent,
                   _vrm_humanoid(gltf, nodes))


def _joint_descendants_via_others(nodes, j, joint_set):
    """Joints below j through non-joint nodes (rare, but allowed by glTF)."""
    out, stack = [], [c for c in (nodes[j].children or []) if c not in joint_set]
    while stack:
        n = stack.pop()
        for c in nodes[n].children or []:
            (out if c in joint_set else stack).append(c)
    return out


def _vrm_humanoid(gltf, nodes) -> dict[str, str]:
    """Canonical -> node name from a VRM 0.x ('VRM') or 1.0 ('VRMC_vrm') humanoid table."""
    ext = gltf.extensions or {}
    bones = {}
    if "VRMC_vrm" in ext:
        bones = {b: v["node"] for b, v in ext["VRMC_vrm"].get("humanoid", {}).get("humanBones", {}).items()}
    elif "VRM" in ext:
        bones = {b["bone"]: b["node"] for b in ext["VRM"].get("humanoid", {}).get("humanBones", [])}
    out = {}
    for canon in CANONICAL_NAMES:
        key = canon[0].lower() + canon[1:]
        if key in bones and nodes[bones[key]].name:
            out[canon] = nodes[bones[key]].name
    return out


def save_gltf_animation(rig: GltfRig, motion: Motion, path, name: str = "deepmotion") -> None:
    """A copy of the rig's file with `motion` (on rig.skeleton, as the retargeter outputs it) as one
    more animation: a rotation channel per joint node and a translation channel on the root joint."""
    g = _gltf()
    if list(motion.skeleton.names) != list(rig.skeleton.names):
        raise GltfRigError("motion must be on the rig's own skeleton (retarget it first)")
    gltf = _load(g, rig.path)
    blob = bytearray(gltf.binary_blob() or b"")
    if gltf.buffers and gltf.buffers[0].uri:
        gltf.convert_buffers(g.BufferFormat.BINARYBLOB)
        blob = bytearray(gltf.binary_blob() or b"")
    if not gltf.buffers:
        gltf.buffers = [g.Buffer(byteLength=0)]

    def add(array: np.ndarray, kind: str, minmax: bool = False) -> int:
        nonlocal blob
        while len(blob) % 4:
            blob.append(0)
        data = np.ascontiguousarray(array, dtype=np.float32).tobytes()
        gltf.bufferViews.append(g.BufferView(buffer=0, byteOffset=len(blob), byteLength=len(data)))
        blob.extend(data)
        acc = g.Accessor(bufferView=len(gltf.bufferViews) - 1, componentType=g.FLOAT, count=len(array), type=kind)
        if minmax:
            acc.min, acc.max = [float(array.min())], [float(array.max())]
        gltf.accessors.append(acc)
        return len(gltf.accessors) - 1

    times = add(np.arange(motion.num_frames, dtype=np.float32) / np.float32(motion.fps), g.SCALAR, minmax=True)
    samplers, channels = [], []
    rot = quat_normalize(motion.local_rotations).copy()
    # The root joint's rotation and position are in its parent node's space in the file.
    parent_rot = _rotation_of(rig.root_parent)
    rot[:, 0] = quat_mul(quat_conj(parent_rot), rot[:, 0])
    inv = np.linalg.inv(rig.root_parent)
    root = (np.c_[motion.root_positions, np.ones(motion.num_frames)] @ inv.T)[:, :3]
    for k, node in enumerate(rig.joints):
        samplers.append(g.AnimationSampler(input=times, output=add(rot[:, k], g.VEC4), interpolation="LINEAR"))
        channels.append(g.AnimationChannel(sampler=len(samplers) - 1, target=g.AnimationChannelTarget(node=node, path="rotation")))
    samplers.append(g.AnimationSampler(input=times, output=add(root, g.VEC3), interpolation="LINEAR"))
    channels.append(g.AnimationChannel(sampler=len(samplers) - 1,
                                       target=g.AnimationChannelTarget(node=rig.joints[0], path="translation")))
    gltf.animations = (gltf.animations or []) + [g.Animation(name=name, channels=channels, samplers=samplers)]
    gltf.buffers[0].byteLength = len(blob)
    gltf.set_binary_blob(bytes(blob))
    from .export import write_gltf
    write_gltf(gltf, path)
