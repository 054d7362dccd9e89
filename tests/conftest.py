"""Shared fixtures. Tests that need ../shared (real data, reference samples) skip with the
reason when it is absent, as on a user's fresh clone; everything else builds its own data."""
from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

# Test models are tiny: one thread each avoids oversubscribing small machines.
os.environ.setdefault("OMP_NUM_THREADS", "1")

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("DEEPMOTION_SHARED", ROOT.parent / "shared"))
ARCHIVE = SHARED / "data" / "bandai-namco-research-motion.tar.xz"
HML_REFERENCE = SHARED / "reference" / "humanml3d"

sys.path.insert(0, str(Path(__file__).parent))
os.environ.setdefault("DEEPMOTION_NO_PROGRESS", "1")


@pytest.fixture(scope="session")
def archive() -> Path:
    if not ARCHIVE.exists():
        pytest.skip(f"real data absent: {ARCHIVE} (only in the team's workspace, never in the repo)")
    return ARCHIVE


@pytest.fixture(scope="session")
def hml_reference() -> Path:
    if not (HML_REFERENCE / "new_joint_vecs_012314.npy").exists():
        pytest.skip(f"HumanML3D reference sample absent: {HML_REFERENCE}")
    return HML_REFERENCE
