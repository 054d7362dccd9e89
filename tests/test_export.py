"""glTF and npz exports: what pygltflib reads back is the motion we wrote."""
import numpy as np
import pytest

from deepmotion_client.motion.export import save_gltf, save_npz
from deepmotion_client.motion.rotations import quat_mul, quat_rotate
from motion_fixtures import walking_motion


@pytest.mark.parametrize("suffix", [".glb", ".gltf"])
def test_gltf_round_trip(tmp_path, suffix):
    pygltflib = pytest.importorskip("pygltflib")
    motion = walking_motion(30, turn=1.0)
    path = tmp_path / f"walk{suffix}"
    save_gltf(path, motion)
    gltf = pygltflib.GLTF2().load(str(path))
    blob = gltf.binary_blob() if suffix == ".glb" else None

    def read(i):
        acc = gltf.accessors[i]
        view = gltf.bufferViews[acc.bufferView]
        data = blob if blob is not None else gltf.get_data_from_buffer_uri(gltf.buffers[0].uri)
        width = {"SCALAR": 1, "VEC3": 3, "VEC4": 4}[acc.type]
        return np.frombuffer(data[view.byteOffset:view.byteOffset + view.byteLength], np.float32).reshape(acc.count, width)

    anim = gltf.animations[0]
    times = read(anim.samplers[0].input)[:, 0]
    assert (np.diff(times) > 0).all() and times[-1] == pytest.approx(29 / 20)
    assert [n.name for n in gltf.nodes] == motion.skeleton.names
    rots = np.stack([read(anim.samplers[j].output) for j in range(22)], 1)
    np.testing.assert_allclose(np.linalg.norm(rots, axis=-1), 1.0, atol=1e-6)
    root = read(anim.samplers[22].output)
    # forward kinematics over the glTF node tree reproduces our joint positions
    world_rot = np.zeros((30, 22, 4))
    pos = np.zeros((30, 22, 3))
    for j, p in enumerate(motion.skeleton.parents):
        if p < 0:
            world_rot[:, j], pos[:, j] = rots[:, j], root
        else:
            world_rot[:, j] = quat_mul(world_rot[:, p], rots[:, j])
            pos[:, j] = pos[:, p] + quat_rotate(world_rot[:, p], np.array(gltf.nodes[j].translation))
    np.testing.assert_allclose(pos, motion.joint_positions(), atol=1e-4)


def test_npz_holds_frames_and_positions(tmp_path):
    motion = walking_motion(20)
    save_npz(tmp_path / "m.npz", motion)
    with np.load(tmp_path / "m.npz") as z:
        np.testing.assert_allclose(z["joint_positions"], motion.joint_positions())
        assert list(z["joint_names"]) == motion.skeleton.names and float(z["fps"]) == 20.0
