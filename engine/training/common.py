"""What every training loop shares: the learning-rate schedule and resumable state.

Training state lives in OUT/train_state/ as safetensors (weights, optimizer moments, torch RNG)
plus state.json (step, history). Batches are drawn from (seed, step), so resuming at step N
continues exactly as an uninterrupted run would.
"""
from __future__ import annotations

import json
import math
import os
from pathlib import Path

import torch
from safetensors.torch import load_file, save_file


def cosine_lr(step: int, steps: int, warmup: int, lr: float) -> float:
    if step < warmup:
        return lr * (step + 1) / warmup
    progress = (step - warmup) / max(steps - warmup, 1)
    return lr * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * min(progress, 1.0))))


def save_state(state_dir: Path, modules: dict[str, torch.nn.Module], opt: torch.optim.Optimizer, step: int,
               history: list) -> None:
    state_dir.mkdir(parents=True, exist_ok=True)
    tensors = {}
    names = {}
    for mname, module in modules.items():
        for k, v in module.state_dict().items():
            tensors[f"model::{mname}::{k}"] = v.detach().cpu().contiguous()
        for pname, p in module.named_parameters():
            names[id(p)] = f"{mname}::{pname}"
    for group in opt.param_groups:
        for p in group["params"]:
            st = opt.state.get(p)
            if st:
                for key in ("exp_avg", "exp_avg_sq"):
                    tensors[f"opt::{names[id(p)]}::{key}"] = st[key].detach().cpu().contiguous()
                tensors[f"opt::{names[id(p)]}::step"] = torch.as_tensor(st["step"]).reshape(1).float().cpu()
    tensors["rng"] = torch.get_rng_state()
    tmp = state_dir / "state.safetensors.partial"
    save_file(tensors, str(tmp))
    os.replace(tmp, state_dir / "state.safetensors")
    (state_dir / "state.json").write_text(json.dumps({"step": step, "history": history}, indent=1))


def resume(out, modules: dict[str, torch.nn.Module], opt: torch.optim.Optimizer, log,
           message: str = "resuming from step {step}") -> tuple[Path, int, list]:
    """OUT/train_state, and the step and history to continue from: the saved ones (logged with
    `message`) when an earlier run left state there, else step 0."""
    state_dir = Path(out) / "train_state"
    if not (state_dir / "state.safetensors").exists():
        return state_dir, 0, []
    step, history = load_state(state_dir, modules, opt)
    log(message.format(step=step, state_dir=state_dir))
    return state_dir, step, history


def load_finished(out, key: str, settings: dict, data_hash: str, module: torch.nn.Module, kind: str) -> bool:
    """Loads OUT's weights into `module` when OUT already holds the checkpoint this run would
    write (the same `settings` under `key` in its config, the same data). A level's train_state
    goes when its checkpoint replaces the directory, so without this a resumed multi-level run
    would train its finished levels again."""
    path = Path(out) / "config.json"
    if not path.exists():
        return False
    try:
        saved = json.loads(path.read_text())
    except ValueError:
        return False
    if saved.get(key) != json.loads(json.dumps(settings)) or saved.get("data_hash") != data_hash:
        return False
    from ..checkpoint import load_checkpoint
    module.load_state_dict(load_checkpoint(out, kind)[1])
    return True


def load_state(state_dir: Path, modules: dict[str, torch.nn.Module], opt: torch.optim.Optimizer) -> tuple[int, list]:
    tensors = load_file(str(state_dir / "state.safetensors"))
    for mname, module in modules.items():
        prefix = f"model::{mname}::"
        module.load_state_dict({k[len(prefix):]: v for k, v in tensors.items() if k.startswith(prefix)})
    params = {f"{m}::{n}": p for m, mod in modules.items() for n, p in mod.named_parameters()}
    for key, value in tensors.items():
        if not key.startswith("opt::"):
            continue
        _, mname, pname, field = key.split("::")
        p = params[f"{mname}::{pname}"]
        opt.state[p][field] = value.reshape(()) if field == "step" else value.to(p.device)
    torch.set_rng_state(tensors["rng"])
    meta = json.loads((state_dir / "state.json").read_text())
    return meta["step"], meta["history"]
