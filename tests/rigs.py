"""Small target rigs for retargeting tests, built from the canonical skeleton.

Each rig differs from the canonical one the way real rigs do: proportions, units, rest pose
(T or A), local axes (every joint rotated), up axis, extra joints. The builder works in world
space (positions and rest world rotations) and derives BVH offsets and rest local rotations,
so a rig's rest pose is known exactly.
"""
from __future__ import annotations

import numpy as np

from deepmotion_client.motion.rotations import (axis_angle_to_matrix, matrix_to_quat, quat_conj, quat_mul,
                                                quat_normalize, quat_rotate)
from deepmotion_client.motion.skeleton import CANONICAL_NAMES, Skeleton, canonical_skeleton


def random_quats(n, seed):
    return quat_normalize(np.random.default_rng(seed).normal(size=(n, 4)))


def build_rig(names, parents, world_pos, world_rot):
    """Skeleton (offsets in the parent's rest frame) and rest local rotations from a world rest pose."""
    offsets = np.zeros((len(names), 3))
    local = np.zeros((len(names), 4))
    for j, p in enumerate(parents):
        if p < 0:
            offsets[j], local[j] = world_pos[j], world_rot[j]
        else:
            offsets[j] = quat_rotate(quat_conj(world_rot[p]), world_pos[j] - world_pos[p])
            local[j] = quat_mul(quat_conj(world_rot[p]), world_rot[j])
    return Skeleton(list(names), list(parents), offsets), quat_normalize(local)


def canonical_world(arm_down_deg=0.0, leg_scale=1.0, arm_scale=1.0, spread_deg=0.0):
    """Canonical rest positions reshaped: A-pose arms, other proportions, legs spread."""
    sk = canonical_skeleton()
    off = sk.offsets.copy()
    for j, n in enumerate(sk.names):
        if "Leg" in n or n.endswith("Foot"):
            off[j] *= leg_scale
        if "Arm" in n or n.endswith("Hand"):
            off[j] *= arm_scale
    off[0, 1] = sk.offsets[0, 1] + (leg_scale - 1) * -sum(sk.offsets[[1, 4, 7], 1])
    for side, sign in (("Left", 1.0), ("Right", -1.0)):
        down = axis_angle_to_matrix(2, -sign * np.radians(arm_down_deg))  # about the forward axis
        for b in ("UpperArm", "LowerArm", "Hand"):
            j = CANONICAL_NAMES.index(f"{side}{b}")
            if b != "UpperArm":
                off[j] = down @ off[j]
        spread = axis_angle_to_matrix(2, sign * np.radians(spread_deg))
        j = CANONICAL_NAMES.index(f"{side}LowerLeg")
        off[j] = spread @ off[j]
    return Skeleton(sk.names, sk.parents, off).rest_positions()


def tpose_mixamo_rig():
    """Mixamo naming, centimetres, longer legs and shorter arms, fingers as extra joints."""
    pos = canonical_world(leg_scale=1.12, arm_scale=0.93) * 100
    names = [n for n in CANONICAL_NAMES]
    mix = {"Hips": "Hips", "Spine": "Spine", "Chest": "Spine1", "UpperChest": "Spine2", "Neck": "Neck",
           "Head": "Head"}
    parts = {"Shoulder": "Shoulder", "UpperArm": "Arm", "LowerArm": "ForeArm", "Hand": "Hand",
             "UpperLeg": "UpLeg", "LowerLeg": "Leg", "Foot": "Foot", "Toes": "ToeBase"}
    rename = {}
    for n in names:
        if n in mix:
            rename[n] = "mixamorig:" + mix[n]
        else:
            side = "Left" if n.startswith("Left") else "Right"
            rename[n] = f"mixamorig:{side}{parts[n[len(side):]]}"
    out_names = [rename[n] for n in names]
    parents = list(canonical_skeleton().parents)
    world_pos = list(pos)
    # Two finger joints per hand, along the hand.
    for side, hand in (("Left", 20), ("Right", 21)):
        base = len(out_names)
        out_names += [f"mixamorig:{side}HandIndex1", f"mixamorig:{side}HandIndex2"]
        parents += [hand, base]
        d = pos[hand] - pos[hand - 2]
        world_pos += [pos[hand] + 0.4 * d, pos[hand] + 0.6 * d]
    world_rot = np.tile([0.0, 0.0, 0.0, 1.0], (len(out_names), 1))
    return build_rig(out_names, parents, np.array(world_pos), world_rot)


def canonical_subset(world_pos, world_rot, drop=(), rename=None):
    """A rig with canonical joints minus `drop` (parents re-linked to the nearest kept ancestor)."""
    sk = canonical_skeleton()
    keep = [j for j, n in enumerate(CANONICAL_NAMES) if n not in drop]
    rename = rename or (lambda n: n)
    names, parents = [], []
    for j in keep:
        p = sk.parents[j]
        while p >= 0 and p not in keep:
            p = sk.parents[p]
        names.append(rename(CANONICAL_NAMES[j]))
        parents.append(keep.index(p) if p >= 0 else -1)
    return build_rig(names, parents, np.asarray(world_pos)[keep], np.asarray(world_rot)[keep])


def apose_rotated_rig(seed=3):
    """VRM naming, A-pose (arms 40 degrees down), every joint's local axes rotated at random,
    no UpperChest and no toes (both optional)."""
    pos = canonical_world(arm_down_deg=40.0, leg_scale=0.9, arm_scale=1.05, spread_deg=4.0)
    return canonical_subset(pos, random_quats(len(pos), seed), drop=("UpperChest", "LeftToes", "RightToes"),
                            rename=lambda n: n[0].lower() + n[1:])


def unreal_rig():
    """Unreal mannequin naming, Z up and facing +Y, a 'root' joint above the pelvis, an extra
    spine joint (spine_04) and twist bones under the upper arms and thighs."""
    pos = canonical_world(arm_down_deg=10.0)
    r0 = np.array([[-1.0, 0, 0], [0, 0, 1], [0, 1, 0]])  # X(left)->-X, Y(up)->Z, Z(forward)->Y
    ue = {"Hips": "pelvis", "Spine": "spine_01", "Chest": "spine_02", "UpperChest": "spine_03",
          "Neck": "neck_01", "Head": "head"}
    parts = {"Shoulder": "clavicle", "UpperArm": "upperarm", "LowerArm": "lowerarm", "Hand": "hand",
             "UpperLeg": "thigh", "LowerLeg": "calf", "Foot": "foot", "Toes": "ball"}
    sk = canonical_skeleton()
    names = ["root"]
    parents = [-1]
    world = [np.zeros(3)]
    index = {}
    for j, n in enumerate(CANONICAL_NAMES):
        if n in ue:
            nm = ue[n]
        else:
            side = "Left" if n.startswith("Left") else "Right"
            nm = f"{parts[n[len(side):]]}_{side[0].lower()}"
        p = sk.parents[j]
        if n == "Neck":
            # extra spine joint between spine_03 and the neck
            names.append("spine_04")
            parents.append(index[CANONICAL_NAMES[p]])
            world.append((pos[p] + pos[j]) / 2)
            index["spine_04"] = len(names) - 1
            parent_idx = index["spine_04"]
        else:
            parent_idx = 0 if p < 0 else index[CANONICAL_NAMES[p]]
        names.append(nm)
        parents.append(parent_idx)
        world.append(pos[j])
        index[n] = len(names) - 1
    # Twist bones: children of upperarm / thigh halfway down the bone.
    for n, child in (("LeftUpperArm", "LeftLowerArm"), ("RightUpperArm", "RightLowerArm"),
                     ("LeftUpperLeg", "LeftLowerLeg"), ("RightUpperLeg", "RightLowerLeg")):
        names.append(names[index[n]].replace("_", "_twist_01_", 1))
        parents.append(index[n])
        world.append((pos[CANONICAL_NAMES.index(n)] + pos[CANONICAL_NAMES.index(child)]) / 2)
    world = np.array(world) @ r0.T * 100
    world_rot = np.tile(matrix_to_quat(r0), (len(names), 1))
    return build_rig(names, parents, world, world_rot)



def write_rig_bvh(path, skeleton, rest, units=100.0):
    """The rig (metres) as a BVH file in `units` per metre whose one frame holds its rest pose."""
    from deepmotion_client.motion.bvh import write_bvh
    from deepmotion_client.motion.clip import Motion
    write_bvh(path, Motion(skeleton, skeleton.offsets[:1], rest[None], 30.0), scale=units)
    return path


def write_skinned_gltf(path, skeleton, rest, armature_rotation=(0.0, 0.0, 0.0, 1.0), vrm=True):
    """A small skinned glTF character: an 'Armature' node (rotated) holding the skeleton's joint
    nodes (rest local transforms), a one-triangle-per-bone mesh bound to them, and (vrm=True)
    a VRM 0.x humanoid table naming the bones by node."""
    import pygltflib as g

    from deepmotion_client.motion.rotations import quat_to_matrix
    n = len(skeleton)
    world_pos, world_rot = skeleton.forward_kinematics(skeleton.offsets[0], rest)
    nodes = [g.Node(name="Armature", rotation=[float(v) for v in armature_rotation], children=[1])]
    for j in range(n):
        kids = [c + 1 for c in skeleton.children(j)]
        nodes.append(g.Node(name=skeleton.names[j], translation=[float(v) for v in skeleton.offsets[j]],
                            rotation=[float(v) for v in rest[j]], children=kids or None))
    # One small triangle at each joint, fully weighted to it.
    verts, joints, weights = [], [], []
    for j in range(n):
        for d in ([0.01, 0, 0], [0, 0.01, 0], [0, 0, 0.01]):
            verts.append(world_pos[j] + np.array(d))
            joints.append([j, 0, 0, 0])
            weights.append([1.0, 0, 0, 0])
    verts = np.array(verts, np.float32)
    ibm = []
    for j in range(n):
        m = np.eye(4)
        m[:3, :3] = quat_to_matrix(world_rot[j])
        m[:3, 3] = world_pos[j]
        ibm.append(np.linalg.inv(m).T.ravel())  # column-major
    arrays = [verts.tobytes(), np.array(joints, np.uint16).tobytes(), np.array(weights, np.float32).tobytes(),
              np.array(ibm, np.float32).tobytes(), np.arange(len(verts), dtype=np.uint16).tobytes()]
    views, offset = [], 0
    for a in arrays:
        views.append(g.BufferView(buffer=0, byteOffset=offset, byteLength=len(a)))
        offset += len(a) + (-len(a) % 4)
    blob = b"".join(a + b"\0" * (-len(a) % 4) for a in arrays)
    accessors = [
        g.Accessor(bufferView=0, componentType=g.FLOAT, count=len(verts), type=g.VEC3,
                   min=verts.min(0).tolist(), max=verts.max(0).tolist()),
        g.Accessor(bufferView=1, componentType=g.UNSIGNED_SHORT, count=len(verts), type=g.VEC4),
        g.Accessor(bufferView=2, componentType=g.FLOAT, count=len(verts), type=g.VEC4),
        g.Accessor(bufferView=3, componentType=g.FLOAT, count=n, type=g.MAT4),
        g.Accessor(bufferView=4, componentType=g.UNSIGNED_SHORT, count=len(verts), type=g.SCALAR),
    ]
    mesh = g.Mesh(primitives=[g.Primitive(attributes=g.Attributes(POSITION=0, JOINTS_0=1, WEIGHTS_0=2), indices=4)])
    nodes.append(g.Node(name="Body", mesh=0, skin=0))
    gltf = g.GLTF2(asset=g.Asset(version="2.0"), scene=0, scenes=[g.Scene(nodes=[0, n + 1])], nodes=nodes,
                   meshes=[mesh], skins=[g.Skin(joints=list(range(1, n + 1)), inverseBindMatrices=3, skeleton=1)],
                   accessors=accessors, bufferViews=views, buffers=[g.Buffer(byteLength=len(blob))])
    if vrm:
        canonical = {c[0].lower() + c[1:] for c in CANONICAL_NAMES}
        bones = [{"bone": nm[0].lower() + nm[1:], "node": j + 1} for j, nm in enumerate(skeleton.names)
                 if nm[0].lower() + nm[1:] in canonical]
        gltf.extensions = {"VRM": {"humanoid": {"humanBones": bones}}}
        gltf.extensionsUsed = ["VRM"]
    gltf.set_binary_blob(blob)
    gltf.save_binary(str(path))
    return path
