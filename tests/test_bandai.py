"""The data pipeline on real clips of the Bandai-Namco archive (skipped without ../shared)."""
import json

import numpy as np
import pytest

from deepmotion.engine.data.bandai import ArchiveError, iter_bvh_members
from deepmotion.engine.data.dataset import Dataset
from deepmotion.engine.representation import dmv1
from deepmotion.cli import main
from deepmotion_client.motion.skeleton import CANONICAL_NAMES

CLIPS = ["dataset-2_walk_normal_001", "dataset-2_walk-turn-left_normal_001", "dataset-2_walk-turn-right_normal_001",
         "dataset-2_raise-up-left-hand_normal_001", "dataset-2_wave-right-hand_normal_001", "dataset-1_bow_normal_001",
         "dataset-1_walk-back_normal_001", "dataset-1_run_normal_001"]
J = CANONICAL_NAMES.index


@pytest.fixture(scope="module")
def prepared(archive, tmp_path_factory):
    out = tmp_path_factory.mktemp("bandai") / "ds"
    match = "(" + "|".join(CLIPS) + r")\.bvh$"
    assert main(["data", "prepare", "--archive", str(archive), "--out", str(out), "--match", match,
                 "--compose", "20", "10"]) == 0
    return Dataset(out)


def clip(ds, cid):
    i = ds.index(cid)
    return ds.motion_of(i), ds.features_of(i)


def test_every_selected_clip_and_its_mirror_is_imported(prepared):
    ids = {r["id"] for r in prepared.records if not r["source"].startswith("composed")}
    assert ids == set(CLIPS) | {c + "~mirror" for c in CLIPS}
    composed = [r for r in prepared.records if r["source"].startswith("composed")]
    assert {r["source"] for r in composed} == {"composed:spatial", "composed:temporal"}
    for r in prepared.records:
        assert r["split"] == prepared.records[prepared.index(r["base_id"])]["split"]  # twins share a split
        assert r["captions"] and r["heldout_captions"]
        if r["split"] == "open":  # captioned only in wording training never sees
            assert set(r["captions"]) <= set(r["heldout_captions"])
        else:
            assert not set(r["captions"]) & set(r["heldout_captions"])


@pytest.mark.parametrize("cid", CLIPS)
def test_imported_clips_are_physically_sound(prepared, cid):
    motion, feats = clip(prepared, cid)
    assert motion.fps == 20.0
    pos = motion.joint_positions()
    bones = np.linalg.norm(pos[:, 1:] - pos[:, [p for p in motion.skeleton.parents[1:]]], axis=-1)
    assert np.ptp(bones, axis=0).max() < 1e-5  # bone lengths constant
    toe_min = pos[:, [J("LeftToes"), J("RightToes")], 1].min()
    assert abs(toe_min) < 0.03, f"lowest toe at {toe_min * 100:.1f} cm"
    assert (pos[:, J("Head"), 1] > pos[:, J("Hips"), 1]).all()
    yaw0 = dmv1.heading_yaw(motion.skeleton.forward_kinematics(motion.root_positions[:1], motion.local_rotations[:1])[1][:, 0])
    assert abs(yaw0[0]) < 1e-6  # frame 0 faces +Z
    assert np.abs(motion.root_positions[0, [0, 2]]).max() < 1e-6
    assert prepared.records[prepared.index(cid)]["bone_error_deg"] < 1.0  # FK matches the source's bones


def test_walk_moves_forward_and_back_walk_backwards(prepared):
    walk, _ = clip(prepared, "dataset-2_walk_normal_001")
    assert walk.root_positions[-1, 2] > 2.0
    back, _ = clip(prepared, "dataset-1_walk-back_normal_001")
    assert back.root_positions[-1, 2] < -1.0


def test_turns_have_the_right_yaw_sign(prepared):
    _, left = clip(prepared, "dataset-2_walk-turn-left_normal_001")
    _, right = clip(prepared, "dataset-2_walk-turn-right_normal_001")
    assert left[:-1, 0].sum() > np.radians(45)
    assert right[:-1, 0].sum() < -np.radians(45)
    _, mirrored = clip(prepared, "dataset-2_walk-turn-left_normal_001~mirror")
    assert mirrored[:-1, 0].sum() < -np.radians(45)


def test_the_raised_hand_is_the_left_one(prepared):
    motion, _ = clip(prepared, "dataset-2_raise-up-left-hand_normal_001")
    pos = motion.joint_positions()
    assert pos[:, J("LeftHand"), 1].max() > pos[:, J("RightHand"), 1].max() + 0.2
    assert pos[:, J("LeftHand"), 1].max() > pos[:, J("Head"), 1].max()
    mirror, _ = clip(prepared, "dataset-2_raise-up-left-hand_normal_001~mirror")
    mpos = mirror.joint_positions()
    assert mpos[:, J("RightHand"), 1].max() > mpos[:, J("LeftHand"), 1].max() + 0.2
    rec = prepared.records[prepared.index("dataset-2_raise-up-left-hand_normal_001~mirror")]
    assert rec["action"] == "raise-up-right-hand" and all("left" not in c.lower() for c in rec["captions"])


def test_bow_drops_the_head(prepared):
    motion, _ = clip(prepared, "dataset-1_bow_normal_001")
    head = motion.joint_positions()[:, J("Head"), 1]
    assert head[0] - head.min() > 0.1  # a polite bow: the head drops over 10 cm


def test_prepare_is_cached_by_content_hash(prepared, archive, capsys):
    match = "(" + "|".join(CLIPS) + r")\.bvh$"
    before = (prepared.path / "clips.npz").stat().st_mtime_ns
    assert main(["data", "prepare", "--archive", str(archive), "--out", str(prepared.path), "--match", match,
                 "--compose", "20", "10"]) == 0
    assert "up to date" in capsys.readouterr().out
    assert (prepared.path / "clips.npz").stat().st_mtime_ns == before


def test_stats_command_prints_counts(prepared, capsys):
    assert main(["data", "stats", str(prepared.path)]) == 0
    out = capsys.readouterr().out
    assert "clips: 76 (8 captured + 30 composed + 38 mirrored)" in out and "walk-turn-left" in out
    assert main(["data", "stats", str(prepared.path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["clips"] == 76


def test_bad_archive_path_is_one_line(tmp_path, capsys):
    assert main(["data", "prepare", "--archive", str(tmp_path / "missing.tar.xz"), "--out", str(tmp_path / "o")]) == 2
    err = capsys.readouterr().err.strip()
    assert err.startswith("deepmotion: error: archive not found:") and "\n" not in err
    junk = tmp_path / "junk.tar.xz"
    junk.write_bytes(b"this is not an archive")
    with pytest.raises(ArchiveError, match="not a readable .tar.xz archive"):
        list(iter_bvh_members(junk))
