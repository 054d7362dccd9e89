"""Checkpoint directories shared by every model of the engine.

    config.json        kind, format version, model config, representation, versions, extra info
    model.safetensors  weights (never pickle: loading a checkpoint cannot run code)
    stats.safetensors  normalisation mean / std of the features the model was trained on
    manifest.json      sha256 and size of every other file

Loading verifies all of it and raises CheckpointError with one clear sentence: a missing file,
a hash mismatch, another model kind, representation or format version.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path

import torch
from safetensors import SafetensorError
from safetensors.torch import load_file, save_file

from .representation import dmv1
from deepmotion_client.errors import DeepMotionError

FORMAT_VERSION = 1
FILES = ("config.json", "model.safetensors", "stats.safetensors")


class CheckpointError(DeepMotionError, ValueError):
    """A checkpoint directory that cannot be loaded; the message says which file and why."""


def _sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def save_checkpoint(path, kind: str, config: dict, state_dict: dict, mean, std, extra: dict | None = None,
                    dtype: torch.dtype = torch.float32) -> Path:
    """Write atomically: a crash leaves either the old checkpoint or the new one."""
    path = Path(path)
    tmp = path.with_name(path.name + ".partial")
    if tmp.exists():
        shutil.rmtree(tmp)
    tmp.mkdir(parents=True)
    tensors = {k: (v.detach().to("cpu", dtype) if v.is_floating_point() else v.detach().cpu()).contiguous()
               for k, v in state_dict.items()}
    save_file(tensors, str(tmp / "model.safetensors"))
    save_file({"mean": torch.as_tensor(mean, dtype=torch.float32).contiguous(),
               "std": torch.as_tensor(std, dtype=torch.float32).contiguous()}, str(tmp / "stats.safetensors"))
    cfg = {"kind": kind, "format_version": FORMAT_VERSION, "representation": dmv1.NAME, "fps": dmv1.FPS,
           "model": config, "versions": {"torch": torch.__version__}, **(extra or {})}
    (tmp / "config.json").write_text(json.dumps(cfg, indent=2))
    manifest = {name: {"sha256": _sha256(tmp / name), "bytes": (tmp / name).stat().st_size} for name in FILES}
    (tmp / "manifest.json").write_text(json.dumps(manifest, indent=2))
    if path.exists():
        old = path.with_name(path.name + ".old")
        if old.exists():
            shutil.rmtree(old)
        os.replace(path, old)
        os.replace(tmp, path)
        shutil.rmtree(old)
    else:
        os.replace(tmp, path)
    return path


def load_checkpoint(path, kind: str):
    """-> (config dict, state dict of float32 tensors, mean, std), after every check."""
    path = Path(path)
    if not path.is_dir():
        raise CheckpointError(f"checkpoint {path}: not a directory")
    manifest_path = path / "manifest.json"
    if not manifest_path.exists():
        raise CheckpointError(f"checkpoint {path}: missing manifest.json")
    try:
        manifest = json.loads(manifest_path.read_text())
    except ValueError:
        raise CheckpointError(f"checkpoint {path}: manifest.json is not valid JSON") from None
    for name in FILES:
        f = path / name
        if not f.exists():
            raise CheckpointError(f"checkpoint {path}: missing {name}")
        if name not in manifest:
            raise CheckpointError(f"checkpoint {path}: manifest.json does not list {name}")
        if _sha256(f) != manifest[name].get("sha256"):
            raise CheckpointError(f"checkpoint {path}: {name} does not match its sha256 in manifest.json "
                                  "(corrupt or modified file)")
    cfg = json.loads((path / "config.json").read_text())
    if cfg.get("format_version") != FORMAT_VERSION:
        raise CheckpointError(f"checkpoint {path}: format version {cfg.get('format_version')}, "
                              f"this engine reads version {FORMAT_VERSION}")
    if cfg.get("kind") != kind:
        raise CheckpointError(f"checkpoint {path}: holds a {cfg.get('kind')!r} model, expected {kind!r}")
    if cfg.get("representation") != dmv1.NAME:
        raise CheckpointError(f"checkpoint {path}: representation {cfg.get('representation')!r}, "
                              f"this engine uses {dmv1.NAME!r}")
    try:
        state = {k: v.float() if v.is_floating_point() else v for k, v in load_file(str(path / "model.safetensors")).items()}
        stats = load_file(str(path / "stats.safetensors"))
    except (SafetensorError, OSError) as e:
        raise CheckpointError(f"checkpoint {path}: unreadable safetensors file ({e})") from None
    return cfg, state, stats["mean"], stats["std"]


def load_module(path, kind: str, build):
    """Load a checkpoint into the module `build(config)` makes -> (module, config, mean, std).
    Weights that do not fit that module (another shape, a missing or extra tensor) are a
    CheckpointError naming the checkpoint and the first tensor that differs, not a traceback."""
    cfg, state, mean, std = load_checkpoint(path, kind)
    try:
        module = build(cfg)
    except (KeyError, TypeError, ValueError) as e:
        raise CheckpointError(f"checkpoint {path}: config.json does not describe a {kind} ({e})") from None
    own = module.state_dict()
    for name, tensor in own.items():
        if name not in state:
            raise CheckpointError(f"checkpoint {path}: model.safetensors lacks tensor {name!r} of the {kind}")
        if tuple(state[name].shape) != tuple(tensor.shape):
            raise CheckpointError(f"checkpoint {path}: tensor {name!r} has shape {tuple(state[name].shape)}, "
                                  f"the {kind} its config.json describes needs {tuple(tensor.shape)}")
    extra = sorted(set(state) - set(own))
    if extra:
        raise CheckpointError(f"checkpoint {path}: model.safetensors holds tensors the {kind} does not have: "
                              f"{', '.join(extra[:3])}")
    module.load_state_dict(state)
    return module, cfg, mean, std


def copy_checkpoint(src, dst, kind: str, dtype: torch.dtype = torch.float32) -> Path:
    """Re-save a checkpoint (checked on the way in) without its training state, e.g. as float16."""
    cfg, state, mean, std = load_checkpoint(src, kind)
    extra = {k: v for k, v in cfg.items() if k not in ("kind", "format_version", "representation", "fps", "model",
                                                      "versions")}
    return save_checkpoint(dst, kind, cfg["model"], state, mean, std, extra, dtype=dtype)
