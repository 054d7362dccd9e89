"""Golden frames of the shipped default model: fixed requests through the engine and through
the server, saved before a refactor and compared bit for bit after it (tests/test_golden.py).

    python tests/golden.py      # rewrite tests/golden/default-model.npz (only when behaviour is meant to change)
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

from deepmotion_client.proto import motion_pb2 as pb  # noqa: E402

GOLDEN = Path(__file__).parent / "golden" / "default-model.npz"
# (name, request fields): a given duration with the default guidance, and a predicted duration.
REQUESTS = [
    ("walk_wave", dict(text="a person walks forward and waves", duration_s=2.0, seed=1234, has_seed=True)),
    ("bow_predicted", dict(text="someone bows politely", duration_s=0.0, seed=7, has_seed=True, guidance_scale=3.0,
                           max_level=2)),
]


def engine_arrays(pipe) -> dict[str, np.ndarray]:
    """Each level's raw dm-v1 features, straight from the engine."""
    out = {}
    for name, f in REQUESTS:
        levels = list(pipe.generate([f["text"]], [f["duration_s"]], [f["seed"]], f.get("guidance_scale") or None,
                                    f.get("max_level") or None))
        for lv in levels:
            out[f"engine/{name}/level{lv.level}"] = np.asarray(lv.features[0], dtype=np.float32)
    return out


def server_arrays(stub) -> dict[str, np.ndarray]:
    """What a client receives: the header's frame count, each level's root positions and rotations."""
    out = {}
    for name, f in REQUESTS:
        root, rot = {}, {}
        for r in stub.Generate(pb.GenerateRequest(**f), timeout=300):
            if r.HasField("header"):
                out[f"server/{name}/frame_count"] = np.array([r.header.frame_count])
            elif r.HasField("chunk"):
                root.setdefault(r.chunk.level, []).append(np.array(r.chunk.root_positions, dtype=np.float32))
                rot.setdefault(r.chunk.level, []).append(np.array(r.chunk.local_rotations, dtype=np.float32))
        for level in root:
            out[f"server/{name}/level{level}/root"] = np.concatenate(root[level])
            out[f"server/{name}/level{level}/rotations"] = np.concatenate(rot[level])
    return out


def capture() -> dict[str, np.ndarray]:
    from servers import Running

    from deepmotion.engine.assets import default_model_path
    from deepmotion.engine.pipeline import load_cascade

    pipe = load_cascade(default_model_path(), "cpu")
    arrays = engine_arrays(pipe)
    running = Running(lambda: pipe)
    try:
        arrays.update(server_arrays(running.stub))
    finally:
        running.stop()
    return arrays


def main() -> None:
    # As the tests run (conftest: one intra-op thread): a prompt spliced from a movement and a
    # gesture samples a batch of two, whose last bits depend on how many threads share the work.
    import torch
    torch.set_num_threads(1)
    GOLDEN.parent.mkdir(exist_ok=True)
    arrays = capture()
    np.savez_compressed(GOLDEN, **arrays)
    print(f"wrote {GOLDEN} ({len(arrays)} arrays, {GOLDEN.stat().st_size // 1024} KB)")


if __name__ == "__main__":
    main()
