"""Distilling a cascade level into a student that samples in fewer steps with guidance inside.

Why: on a 2-core CPU the denoiser passes are the request (issue 16). Classifier-free guidance
costs a second, unconditional pass per step, and the teacher needs 8 / 4 / 4 steps. The student
(same shape as its teacher, plus a guidance-scale input that starts at zero) is taught, as in
progressive distillation (Salimans & Ho 2022) with guidance distilled in (Meng et al. 2023),
that one of its DDIM steps lands where two guided teacher steps land: from x_t on the
student's grid t_i, the teacher steps to the midpoint and on to t_{i+1}; the student's target
is the clean latent whose single DDIM step from x_t reaches that point. On the grid's last
point the target is the teacher's guided prediction itself. Guidance scales are drawn per
sample, so requests keep their own scale.

The grids are nested: a student of N steps sits on every other point of the teacher's 2N - 1
(the sampler's linspace(T - 1, 0, n) grids), so the teacher is its own 2N - 1-step sampler.
Batches are the training batches of the cascade (LatentData), normalised with the teacher's
latent statistics, with known prefixes (continuations) as the teacher was trained; training
state is resumable like every other stage.
"""
from __future__ import annotations

import copy
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..cascade import DENOISERS
from ..checkpoint import save_checkpoint
from ..config import from_dict
from ..device import resolve_device
from ..models.denoiser import Denoiser, DenoiserConfig
from ..models.diffusion import CosineSchedule
from .common import cosine_lr, load_finished, resume, save_state
from .diffusion import DiffusionTrainConfig, LatentData


@dataclass
class DistilConfig:
    student_steps: int = 4          # sampling steps the student is taught (the teacher takes 2N - 1)
    steps: int = 1500               # optimiser steps
    batch: int = 32
    lr: float = 5e-5
    warmup: int = 50
    max_seconds: float = 10.0
    lower_noise: float = 0.1
    min_guidance: float = 1.0       # guidance scales drawn uniformly from this range per sample
    max_guidance: float = 5.0
    save_every: int = 100
    seed: int = 0
    # Continuation: this share of samples carries a known prefix of its own clip, imposed on the
    # teacher's predictions as sampling imposes it and given to the student (a teacher trained
    # with a prefix channel sees it too). -1: 0.5 for a teacher with a prefix channel, else 0.
    prefix_prob: float = -1.0
    max_prefix_s: float = 1.6
    switch_prob: float = 0.0        # prefixes that end where a composed clip's second action begins
    # Which clips and lengths the batches draw, as in DiffusionTrainConfig (the teacher's mix).
    mix: dict = field(default_factory=dict)
    balance: float = 0.0
    action_floor: float = 0.0
    floor_min_takes: int = 10
    extend_s: float = 0.0
    extend_prob: float = 0.0

    @classmethod
    def from_dict(cls, d: dict) -> "DistilConfig":
        return from_dict(cls, d, "distillation")


def student_of(teacher: Denoiser, student_steps: int) -> Denoiser:
    """The teacher's weights in a denoiser that also takes the guidance scale (zero at first)."""
    cfg = DenoiserConfig.from_dict({**teacher.config.to_dict(), "guidance_input": True,
                                    "distilled_steps": student_steps, "dropout": 0.0})
    student = Denoiser(cfg)
    missing, unexpected = student.load_state_dict(copy.deepcopy(teacher.state_dict()), strict=False)
    if unexpected or any(not k.startswith("guidance.") for k in missing):
        raise ValueError(f"student does not fit its teacher (missing {missing[:3]}, unexpected {unexpected[:3]})")
    return student


def grid(steps: int, schedule: CosineSchedule) -> torch.Tensor:
    """The sampler's timesteps for `steps` DDIM steps (engine/models/diffusion.py ddim_sample)."""
    return torch.linspace(schedule.steps - 1, 0, steps).round().long()


def _ddim(x, x0, ab, ab_next):
    """One deterministic DDIM step from x (at alpha-bar `ab`) given its x0 prediction."""
    eps = (x - ab.sqrt() * x0) / (1 - ab).sqrt().clamp(min=1e-6)
    return ab_next.sqrt() * x0 + (1 - ab_next).sqrt() * eps


def distil_targets(teacher: Denoiser, schedule: CosineSchedule, x_t, i, n_student, w, cond,
                   known=None, known_mask=None) -> torch.Tensor:
    """The x0 each sample's single student step must predict from x_t at student grid index
    `i` [B] to land where two guided teacher steps land (the teacher's guided x0 on the last point).
    `known` latents where `known_mask` is True are imposed on every teacher prediction, as the
    sampler imposes a continuation's history."""
    coarse, fine = grid(n_student, schedule).to(x_t.device), grid(2 * n_student - 1, schedule).to(x_t.device)
    last = i == n_student - 1
    nxt = torch.clamp(i + 1, max=n_student - 1)
    t_i, t_mid, t_next = coarse[i], fine[torch.clamp(2 * i + 1, max=2 * n_student - 2)], coarse[nxt]
    shape = (-1,) + (1,) * (x_t.dim() - 1)
    ab = lambda t: schedule.ab(t).view(shape)  # noqa: E731
    wv = w.view(shape)

    given = dict(known=known, known_mask=known_mask) if teacher.config.prefix and known_mask is not None else {}

    def guided(x, t):
        c, u = teacher.guided_pair(x, t, *cond, **given)
        x0 = u + wv * (c - u)
        return x0 if known_mask is None else torch.where(known_mask[..., None], known, x0)

    x0_a = guided(x_t, t_i)
    x_mid = _ddim(x_t, x0_a, ab(t_i), ab(t_mid))
    x0_b = guided(x_mid, t_mid)
    x_next = _ddim(x_mid, x0_b, ab(t_mid), ab(t_next))
    # The x0 whose DDIM step from (x_t, t_i) reaches x_next at t_next.
    c = (1 - ab(t_next)).sqrt() / (1 - ab(t_i)).sqrt().clamp(min=1e-6)
    target = (x_next - c * x_t) / (ab(t_next).sqrt() - c * ab(t_i).sqrt())
    return torch.where(last.view(shape), x0_a, target)


def distil_denoiser(data: LatentData, teacher: Denoiser, level: int, out: Path, cfg: DistilConfig,
                    device="auto", log=print, progress=True) -> Denoiser:
    dev = resolve_device(device)
    torch.manual_seed(cfg.seed + level)
    teacher = teacher.to(dev).eval()
    for p in teacher.parameters():
        p.requires_grad_(False)
    student = student_of(teacher, cfg.student_steps).to(dev).train()
    out = Path(out)
    if load_finished(out, "distil", asdict(cfg), data.ds.meta["content_hash"], student, DENOISERS[level].kind):
        log(f"distil level {level}: {out} already holds this distillation's result; kept")
        return student.eval()
    opt = torch.optim.AdamW(student.parameters(), lr=cfg.lr, weight_decay=0.0)
    schedule = CosineSchedule()
    # Batches as the cascade trains, without caption dropout (the student learns guided predictions).
    prefix_prob = cfg.prefix_prob if cfg.prefix_prob >= 0 else (0.5 if teacher.config.prefix else 0.0)
    batches = DiffusionTrainConfig(max_seconds=cfg.max_seconds, cond_drop=0.0, lower_noise=cfg.lower_noise,
                                   seed=cfg.seed, prefix_prob=prefix_prob, max_prefix_s=cfg.max_prefix_s,
                                   switch_prob=cfg.switch_prob,
                                   mix=cfg.mix, balance=cfg.balance, action_floor=cfg.action_floor,
                                   floor_min_takes=cfg.floor_min_takes, extend_s=cfg.extend_s,
                                   extend_prob=cfg.extend_prob)
    state_dir, start, history = resume(out, {"denoiser": student}, opt, log,
                                       f"resuming distillation of level {level} from step {{step}}")
    t0 = time.time()
    bar = tqdm(range(start, cfg.steps), initial=start, total=cfg.steps, desc=f"distil level {level}",
               dynamic_ncols=True, disable=not progress)
    for step in bar:
        for g in opt.param_groups:
            g["lr"] = cosine_lr(step, cfg.steps, cfg.warmup, cfg.lr)
        b = data.batch(step, cfg.batch, level, batches, dev)
        rng = np.random.default_rng([cfg.seed, level, step, 1])
        i = torch.tensor(rng.integers(0, cfg.student_steps, cfg.batch), device=dev)
        w = torch.tensor(rng.uniform(cfg.min_guidance, cfg.max_guidance, cfg.batch), dtype=torch.float32, device=dev)
        t_i = grid(cfg.student_steps, schedule).to(dev)[i]
        x_t = schedule.add_noise(b["x0"], b["noise"], t_i)
        cond = (b["states"], b["tmask"], b["lower"], b["mask"])
        known = b["known"] if bool(b["known"].any()) else None
        with torch.no_grad():
            target = distil_targets(teacher, schedule, x_t, i, cfg.student_steps, w, cond, b["x0"], known)
        pred = student(x_t, t_i, *cond, known=b["x0"], known_mask=b["known"], guidance=w)
        m = (b["mask"] & ~b["known"])[..., None].float()  # the known prefix is given, not learned
        loss = ((pred - target) ** 2 * m).sum() / (m.sum() * pred.shape[-1])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(student.parameters(), 1.0)
        opt.step()
        bar.set_postfix(loss=f"{loss.item():.4f}")
        done = step + 1
        if done % 50 == 0:
            history.append({"step": done, "loss": round(loss.item(), 5), "seconds": round(time.time() - t0, 1)})
            if not progress:
                log(f"distil level {level}: step {done}/{cfg.steps} loss {loss.item():.4f}")
        if done % cfg.save_every == 0 or done == cfg.steps:
            save_state(state_dir, {"denoiser": student}, opt, done, history)
    student.eval()
    mean, std = data.stats[level]
    extra = {"text_encoder": data.encoder.id, "distil": asdict(cfg), "history": history,
             "data_hash": data.ds.meta["content_hash"]}
    save_checkpoint(out, DENOISERS[level].kind, student.config.to_dict(), student.state_dict(), mean, std, extra)
    log(f"saved distilled level-{level} denoiser ({cfg.student_steps} steps) to {out} ({time.time() - t0:.0f} s)")
    return student
