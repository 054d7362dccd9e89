"""Built-in maps from canonical joint names (Unity HumanBodyBones) to other rigs' names.

A map lists, for each canonical joint, the joint of the other rig that plays its role.
UpperChest is optional everywhere: rigs without it get it derived.
"""
from __future__ import annotations

from .skeleton import CANONICAL_NAMES


def _sided(pattern_left: str, pattern_right: str, parts: dict[str, str]) -> dict[str, str]:
    out = {}
    for canon, part in parts.items():
        out[f"Left{canon}"] = pattern_left.format(part)
        out[f"Right{canon}"] = pattern_right.format(part)
    return out


CANONICAL = {n: n for n in CANONICAL_NAMES}

BANDAI_NAMCO = {
    "Hips": "Hips", "Spine": "Spine", "Chest": "Chest", "Neck": "Neck", "Head": "Head",
    **_sided("{}_L", "{}_R", {"Shoulder": "Shoulder", "UpperArm": "UpperArm", "LowerArm": "LowerArm",
                              "Hand": "Hand", "UpperLeg": "UpperLeg", "LowerLeg": "LowerLeg",
                              "Foot": "Foot", "Toes": "Toes"}),
}

MIXAMO = {
    "Hips": "mixamorig:Hips", "Spine": "mixamorig:Spine", "Chest": "mixamorig:Spine1",
    "UpperChest": "mixamorig:Spine2", "Neck": "mixamorig:Neck", "Head": "mixamorig:Head",
    **_sided("mixamorig:Left{}", "mixamorig:Right{}", {
        "Shoulder": "Shoulder", "UpperArm": "Arm", "LowerArm": "ForeArm", "Hand": "Hand",
        "UpperLeg": "UpLeg", "LowerLeg": "Leg", "Foot": "Foot", "Toes": "ToeBase"}),
}

# Unreal Engine 4 mannequin (UE5's spine_04/05 stay unmapped and are held at rest).
UNREAL = {
    "Hips": "pelvis", "Spine": "spine_01", "Chest": "spine_02", "UpperChest": "spine_03",
    "Neck": "neck_01", "Head": "head",
    **_sided("{}_l", "{}_r", {"Shoulder": "clavicle", "UpperArm": "upperarm", "LowerArm": "lowerarm",
                              "Hand": "hand", "UpperLeg": "thigh", "LowerLeg": "calf", "Foot": "foot",
                              "Toes": "ball"}),
}

# VRM humanoid bone names (VRM 0.x and 1.0 share them).
VRM = {n: n[0].lower() + n[1:] for n in CANONICAL_NAMES}

# Unity HumanBodyBones names are the canonical names.
UNITY = dict(CANONICAL)

MAPS = {"canonical": CANONICAL, "bandai": BANDAI_NAMCO, "mixamo": MIXAMO, "unreal": UNREAL, "vrm": VRM,
        "unity": UNITY}


def resolve_names(source_names: list[str], joint_map: dict[str, str]) -> dict[str, str]:
    """The map restricted to joints the source has; also accepts Mixamo files without the
    'mixamorig:' prefix (some exporters strip it)."""
    present = set(source_names)
    out = {}
    for canon, name in joint_map.items():
        if name in present:
            out[canon] = name
        elif ":" in name and name.split(":", 1)[1] in present:
            out[canon] = name.split(":", 1)[1]
    return out


def guess_map(source_names: list[str]) -> tuple[str, dict[str, str]]:
    """The built-in map that covers most of the source's joints."""
    best = max(MAPS.items(), key=lambda kv: len(resolve_names(source_names, kv[1])))
    return best[0], resolve_names(source_names, best[1])
