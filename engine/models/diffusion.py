"""A small DDIM sampler over a cosine noise schedule, with classifier-free guidance.

Kept in-house (about forty lines) instead of pulling diffusers for two formulas: the model
predicts the clean latent x0, and DDIM (eta = 0) steps deterministically between any subset of
timesteps, so few-step sampling needs no retraining. The model is a callable
`model(x_t, t, cond) -> x0_hat`; guidance mixes the conditional and unconditional predictions.
"""
from __future__ import annotations

import math
from typing import Callable

import torch

# Timesteps of the forward process the denoisers are trained on (and sampled over).
DIFFUSION_STEPS = 1000


class CosineSchedule:
    def __init__(self, steps: int = DIFFUSION_STEPS):
        self.steps = steps
        t = torch.linspace(0, 1, steps + 1, dtype=torch.float64)
        f = torch.cos((t + 0.008) / 1.008 * math.pi / 2) ** 2
        alpha_bar = (f / f[0]).clamp(min=1e-5, max=1.0)
        self.alpha_bar = alpha_bar[1:].float()  # alpha_bar for t = 1..steps (index t - 1)

    def ab(self, t: torch.Tensor) -> torch.Tensor:
        return self.alpha_bar.to(t.device)[t]

    def add_noise(self, x0: torch.Tensor, noise: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
        ab = self.ab(t).view(-1, *([1] * (x0.dim() - 1)))
        return ab.sqrt() * x0 + (1 - ab).sqrt() * noise


@torch.no_grad()
def ddim_sample(model: Callable, schedule: CosineSchedule, noise: torch.Tensor, cond, uncond, guidance: float,
                steps: int, guided: Callable | None = None) -> torch.Tensor:
    """Denoise `noise` (x_T) to x0; cond/uncond are whatever the model takes as conditioning.

    The caller draws the noise, so each request can own its random stream: a prompt gives the
    same motion whichever batch it shares. `guided(x_t, t) -> (x0_cond, x0_uncond)` computes both
    predictions in one batched forward pass (classifier-free guidance at half the calls); without
    it the model is called twice per step.
    """
    x = noise
    ts = torch.linspace(schedule.steps - 1, 0, steps, device=noise.device).round().long()
    for i, t in enumerate(ts):
        tt = t.expand(noise.shape[0])
        if guidance != 1.0 and guided is not None:
            x0, x0_u = guided(x, tt)
            x0 = x0_u + guidance * (x0 - x0_u)
        else:
            x0 = model(x, tt, cond)
            if guidance != 1.0:
                x0_u = model(x, tt, uncond)
                x0 = x0_u + guidance * (x0 - x0_u)
        ab = schedule.ab(t)
        eps = (x - ab.sqrt() * x0) / (1 - ab).sqrt().clamp(min=1e-6)
        if i + 1 < len(ts):
            ab_next = schedule.ab(ts[i + 1])
            x = ab_next.sqrt() * x0 + (1 - ab_next).sqrt() * eps
        else:
            x = x0
    return x
