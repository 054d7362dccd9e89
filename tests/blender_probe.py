"""Run inside Blender: import a BVH and print the world positions of its joints per frame.

    blender -b --factory-startup --python-exit-code 1 --python tests/blender_probe.py -- in.bvh out.json F1 F2 ...

Debian's Blender 3.4 BVH importer opens files with mode 'rU', which its Python 3.11 rejects,
so `open` is wrapped to drop the 'U' (docs/ARCHITECTURE.md, "Checks by other readers").
"""
import builtins
import json
import sys

import bpy

_open = builtins.open


def _open_without_u(file, mode="r", *args, **kwargs):
    return _open(file, mode.replace("U", ""), *args, **kwargs)


builtins.open = _open_without_u
args = sys.argv[sys.argv.index("--") + 1:]
path, out, frames = args[0], args[1], [int(f) for f in args[2:]]
bpy.ops.import_anim.bvh(filepath=path, global_scale=1.0, use_fps_scale=False, rotate_mode="NATIVE")
obj = bpy.context.selected_objects[0]
scene = bpy.context.scene
result = {}
for f in frames:
    scene.frame_set(scene.frame_start + f)
    # Blender is Z up: a BVH point (x, y, z) is imported as (x, -z, y).
    result[f] = {b.name: [c for c in (obj.matrix_world @ b.head)] for b in obj.pose.bones}
with _open(out, "w") as fh:
    json.dump(result, fh)
