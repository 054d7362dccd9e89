"""A tiny but really trained text-to-motion model (tokenizer + cascade) for tests that need
one: built in seconds on synthetic clips through the project's own training code."""
from __future__ import annotations

import json
from pathlib import Path

from deepmotion.engine.data.dataset import ClipItem, write_dataset
from deepmotion.engine.models.tokenizer import TokenizerConfig
from deepmotion.engine.training.tokenizer import TrainConfig, train_tokenizer
from deepmotion.cli import main
from motion_fixtures import walking_motion

TINY_DENOISER = {"steps": 3, "batch": 4, "save_every": 2, "max_seconds": 4.0, "prefix_prob": 0.5,
                 "model": {"width": 16, "depth": 1, "heads": 2, "dropout": 0.0}}


def build_tiny_model(root: Path) -> Path:
    items = [ClipItem(id=f"c{i}", motion=walking_motion(30 + 9 * i, turn=0.4 * i - 1.5, seed=i),
                      captions=[f"a person walks and turns {'left' if i % 2 else 'right'}"]) for i in range(8)]
    write_dataset(root / "ds", items, "h", {"kind": "synthetic"})
    train_tokenizer(root / "ds", root / "tok", TokenizerConfig(width=16, code_dim=8, codebook_sizes=(16, 16, 16),
                                                               kmeans_init=False),
                    TrainConfig(steps=2, batch=4, window=16, eval_every=2, save_every=2, eval_clips=2, kmeans_batch=8),
                    "cpu", log=lambda *_: None, progress=False)
    (root / "cfg.json").write_text(json.dumps(TINY_DENOISER))
    assert main(["train", "cascade", "--data", str(root / "ds"), "--tokenizer", str(root / "tok"),
                 "--out", str(root / "model"), "--config", str(root / "cfg.json"), "--device", "cpu"]) == 0
    return root / "model"
