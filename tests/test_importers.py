"""Importers of a user's own data, on folders the tests write themselves."""
import numpy as np
import pytest

from deepmotion.engine.data.dataset import Dataset
from deepmotion.engine.data.importers import FolderImportError, import_bvh_folder, import_humanml3d
from deepmotion.engine.data.sources import SourceError
from deepmotion.cli import main
from deepmotion_client.motion import Motion, Skeleton, write_bvh
from deepmotion_client.motion.joint_maps import MIXAMO
from deepmotion_client.motion.rotations import quat_conj, quat_mul, quat_rotate
from motion_fixtures import walking_motion


def mixamo_version(motion: Motion, axis_twist: np.ndarray) -> Motion:
    """The same motion on a rig with Mixamo names, centimetres and different local axes:
    every joint frame is rotated by `axis_twist`, as exporters do."""
    sk = motion.skeleton
    names = [MIXAMO[n] for n in sk.names if n in MIXAMO]
    assert len(names) == len(sk.names)
    offsets = quat_rotate(quat_conj(axis_twist), sk.offsets) * 100.0
    offsets[0] = sk.offsets[0] * 100.0
    rig = Skeleton(names, sk.parents, offsets)
    # world_rig = world_canonical * twist  =>  local_rig = twist^-1 * local * twist (root: local * twist)
    local = quat_mul(quat_mul(quat_conj(axis_twist), motion.local_rotations), axis_twist)
    local[:, 0] = quat_mul(motion.local_rotations[:, 0], axis_twist)
    return Motion(rig, motion.root_positions * 100.0, local, motion.fps)


@pytest.fixture
def bvh_folder(tmp_path):
    folder = tmp_path / "mocap"
    folder.mkdir()
    m = walking_motion(60, turn=0.9, seed=1)
    write_bvh(folder / "walk_a.bvh", m)
    (folder / "walk_a.txt").write_text("a person walks and turns left#a/DET person/NOUN#0.0#0.0\nsomeone strolls\n")
    twist = np.array([0.3, -0.5, 0.2, 0.79])
    twist /= np.linalg.norm(twist)
    write_bvh(folder / "walk_b.bvh", mixamo_version(walking_motion(50, turn=-0.7, seed=2), twist), scale=1.0)
    (folder / "captions.csv").write_text("file,caption\nwalk_b.bvh,a person walks and turns right\n")
    return folder, m


def test_bvh_folder_import_recovers_the_motion(bvh_folder):
    folder, original = bvh_folder
    items = {i.id: i for i in import_bvh_folder(folder)}
    assert set(items) == {"walk_a", "walk_b"}
    assert items["walk_a"].captions == ["a person walks and turns left", "someone strolls"]
    assert items["walk_b"].captions == ["a person walks and turns right"]
    got = items["walk_a"].motion.joint_positions()
    want = original.joint_positions()
    want[..., 1] -= want[:, [10, 11], 1].min() - got[:, [10, 11], 1].min()  # both stand on their floor
    assert np.abs(got - want).max() < 0.01  # canonical -> canonical is (nearly) the identity
    assert items["walk_b"].extra["bone_error_deg"] < 1.0  # other names, units and local axes


def test_bvh_folder_through_the_cli(bvh_folder, tmp_path, capsys):
    folder, _ = bvh_folder
    out = tmp_path / "ds"
    assert main(["data", "import-bvh", str(folder), "--out", str(out)]) == 0
    ds = Dataset(out)
    assert len(ds) == 4  # two clips and their mirrors
    assert "a person walks and turns right" in ds.records[ds.index("walk_a~mirror")]["captions"]
    assert main(["data", "export", "walk_b", "--data", str(out), "--out", str(tmp_path / "b.bvh"),
                 "--preview", str(tmp_path / "b.gif")]) == 0
    assert (tmp_path / "b.bvh").stat().st_size > 0 and (tmp_path / "b.gif").read_bytes()[:3] == b"GIF"


def test_missing_captions_and_joints_are_listed(tmp_path):
    folder = tmp_path / "f"
    folder.mkdir()
    write_bvh(folder / "x.bvh", walking_motion(10))
    with pytest.raises(FolderImportError, match=r"no caption for 1 clip\(s\): x.bvh"):
        import_bvh_folder(folder)
    (folder / "x.txt").write_text("walking\n")
    text = (folder / "x.bvh").read_text().replace("LeftHand", "Paw")
    (folder / "x.bvh").write_text(text)
    with pytest.raises(SourceError, match=r"x.bvh: no joint for LeftHand"):
        import_bvh_folder(folder, "canonical")
    with pytest.raises(FolderImportError, match="--map must be"):
        import_bvh_folder(folder, "nonsense")


def write_humanml3d(folder, joints, cid="000001"):
    (folder / "new_joints").mkdir(parents=True)
    (folder / "texts").mkdir()
    np.save(folder / "new_joints" / f"{cid}.npy", joints.astype(np.float32))
    (folder / "texts" / f"{cid}.txt").write_text("a person walks forward#a/DET person/NOUN#0.0#0.0\n")


def test_humanml3d_folder_import_keeps_the_joints(tmp_path):
    m = walking_motion(60, turn=0.5)
    joints = m.joint_positions()
    write_humanml3d(tmp_path / "hml", joints)
    item = import_humanml3d(tmp_path / "hml")[0]
    assert item.captions == ["a person walks forward"]
    got = item.motion.joint_positions()
    got[..., 1] -= got[:, [10, 11], 1].min() - joints[:, [10, 11], 1].min()
    assert np.abs(got - joints).max() < 0.005


def test_humanml3d_reference_sample_imports(hml_reference, tmp_path):
    folder = tmp_path / "hml"
    (folder / "new_joint_vecs").mkdir(parents=True)
    (folder / "texts").mkdir()
    np.save(folder / "new_joint_vecs" / "012314.npy", np.load(hml_reference / "new_joint_vecs_012314.npy"))
    (folder / "texts" / "012314.txt").write_text("a person does something#x#0#0\n")
    assert main(["data", "import-humanml3d", str(folder), "--out", str(tmp_path / "ds")]) == 0
    ds = Dataset(tmp_path / "ds")
    assert ds.records[0]["bone_error_deg"] < 2.0
    assert np.isfinite(ds.features).all()


def test_humanml3d_folder_errors(tmp_path):
    with pytest.raises(FolderImportError, match="needs texts/ and new_joints/"):
        import_humanml3d(tmp_path)
