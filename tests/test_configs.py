"""Every training configuration in configs/ loads with the loader its command uses: a mistyped key
in a committed recipe otherwise surfaces only when its run reaches that level, tens of minutes
into a background job (a cascade's level 3 starts after levels 1 and 2 have trained)."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from deepmotion.engine.models.denoiser import DenoiserConfig
from deepmotion.engine.training.diffusion import DiffusionTrainConfig
from deepmotion.engine.training.distil import DistilConfig
from deepmotion.engine.training.evaluator import load_config_file as load_evaluator_config
from deepmotion.engine.training.tokenizer import load_config_file as load_tokenizer_config

CONFIGS = sorted((Path(__file__).resolve().parents[1] / "configs").glob("*.json"))
LEVEL_KEYS = {"1", "2", "3"}


def _per_level(data: dict) -> dict:
    """A cascade or distillation file holds {"1": {...}, "2": {...}, "3": {...}} or one level's settings."""
    return {k: data[k] for k in LEVEL_KEYS & set(data)} if LEVEL_KEYS & set(data) else {"1": data}


def test_configs_are_found():
    kinds = {p.name.split("-")[0] for p in CONFIGS}
    assert {"cascade", "distil", "tokenizer", "evaluator"} <= kinds, kinds


@pytest.mark.parametrize("path", CONFIGS, ids=lambda p: p.name)
def test_config_loads(path: Path):
    kind = path.name.split("-")[0]
    if kind == "tokenizer":
        load_tokenizer_config(path)
        return
    if kind == "evaluator":
        load_evaluator_config(path)
        return
    data = json.loads(path.read_text())
    levels = _per_level(data)
    if kind == "cascade":
        assert not (LEVEL_KEYS & set(data)) or set(data) <= LEVEL_KEYS, f"{path.name}: keys {sorted(data)}"
        for level, settings in levels.items():
            cfg = DiffusionTrainConfig.from_dict(settings)
            DenoiserConfig.from_dict({"level": int(level), **cfg.model})
            assert cfg.steps > 0 and cfg.lr > 0, f"{path.name} level {level}"
            assert 0 < cfg.text_lr_scale <= 100, f"{path.name} level {level}"
    elif kind == "distil":
        assert set(data) <= LEVEL_KEYS, f"{path.name}: keys {sorted(data)}"
        for level, settings in levels.items():
            DistilConfig.from_dict(settings)
    else:
        pytest.fail(f"{path.name}: no loader for configs named {kind}-*.json (cascade, distil, tokenizer, evaluator)")


def test_a_mistyped_key_is_refused(tmp_path: Path):
    """The check above can fail: the loaders name an unknown key instead of ignoring it."""
    with pytest.raises(ValueError, match="unknown diffusion training keys: text_lr_scal"):
        DiffusionTrainConfig.from_dict({"steps": 10, "text_lr_scal": 4.0})
    with pytest.raises(ValueError, match="student_step"):
        DistilConfig.from_dict({"student_step": 4})
