"""Latent denoisers of the cascade: one transformer class, three configurations.

The base model (level 1) denoises the coarse latent sequence from text alone; the
super-resolution models (levels 2 and 3) also see the lower levels' latents, upsampled to
their own rate and concatenated to the noisy input. Every model cross-attends to the text
encoder's token states, so word order ("left" vs "right") reaches the motion, and predicts
the clean latent x0. For classifier-free guidance the text is replaced by a learned null token.

    x_t [B, L, C] (+ lower levels [B, L, C * (level - 1)])  ->  Linear -> + time, position
    -> depth x [self-attention, cross-attention to text, MLP] (pre-norm) -> Linear -> x0 [B, L, C]
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass

import torch
from torch import nn

from ..config import from_dict


@dataclass
class DenoiserConfig:
    level: int = 1
    code_dim: int = 64
    text_dim: int = 384
    width: int = 256
    depth: int = 4
    heads: int = 4
    max_len: int = 128   # latent positions at this level (level 1: stride 8 -> 51 s at 20 fps)
    dropout: float = 0.1
    # Conditioned on a known prefix of latents (continuation of a given motion): a mask channel
    # and the known latents enter beside x_t. False for models trained before continuation.
    prefix: bool = False
    # Distilled (engine/training/distil.py): the guidance scale is an input, so one forward pass
    # gives the guided prediction (no unconditional pass), and `distilled_steps` sampling steps
    # are what it was taught to take (0: not distilled, the pipeline's own step counts).
    guidance_input: bool = False
    distilled_steps: int = 0
    # The mean of the prompt's token states enters as one more text token: sentence encoders are
    # trained so that this mean is the same for paraphrases, while single tokens ("veering",
    # "bends at the waist") are words the captions never used. False for models before 0.5.0.
    sentence_token: bool = False

    @classmethod
    def from_dict(cls, d: dict) -> "DenoiserConfig":
        return from_dict(cls, d, "denoiser config")

    def to_dict(self) -> dict:
        return asdict(self)


# Guidance scales (1 .. 10) spread over the sinusoid frequencies as timesteps (0 .. 1000) are.
GUIDANCE_EMBED_SCALE = 100.0


def timestep_embedding(t: torch.Tensor, dim: int) -> torch.Tensor:
    half = dim // 2
    freqs = torch.exp(-math.log(10000.0) * torch.arange(half, device=t.device, dtype=torch.float32) / half)
    args = t.float()[:, None] * freqs[None]
    return torch.cat([torch.cos(args), torch.sin(args)], dim=-1)


class Block(nn.Module):
    def __init__(self, c: DenoiserConfig):
        super().__init__()
        self.norm1 = nn.LayerNorm(c.width)
        self.self_attn = nn.MultiheadAttention(c.width, c.heads, dropout=c.dropout, batch_first=True)
        self.norm2 = nn.LayerNorm(c.width)
        self.cross_attn = nn.MultiheadAttention(c.width, c.heads, dropout=c.dropout, batch_first=True)
        self.norm3 = nn.LayerNorm(c.width)
        self.mlp = nn.Sequential(nn.Linear(c.width, 4 * c.width), nn.GELU(), nn.Dropout(c.dropout),
                                 nn.Linear(4 * c.width, c.width))

    def forward(self, h, pad, text, text_pad):
        a = self.norm1(h)
        h = h + self.self_attn(a, a, a, key_padding_mask=pad, need_weights=False)[0]
        a = self.norm2(h)
        h = h + self.cross_attn(a, text, text, key_padding_mask=text_pad, need_weights=False)[0]
        return h + self.mlp(self.norm3(h))


class Denoiser(nn.Module):
    def __init__(self, config: DenoiserConfig):
        super().__init__()
        if config.level not in (1, 2, 3):
            raise ValueError(f"denoiser level must be 1, 2 or 3, got {config.level}")
        self.config = c = config
        self.inp = nn.Linear(c.code_dim * c.level, c.width)
        self.pos = nn.Parameter(torch.randn(1, c.max_len, c.width) * 0.02)
        self.time = nn.Sequential(nn.Linear(c.width, c.width), nn.SiLU(), nn.Linear(c.width, c.width))
        self.text_proj = nn.Linear(c.text_dim, c.width)
        self.null_text = nn.Parameter(torch.randn(1, 1, c.text_dim) * 0.02)
        self.blocks = nn.ModuleList([Block(c) for _ in range(c.depth)])
        self.norm = nn.LayerNorm(c.width)
        self.out = nn.Linear(c.width, c.code_dim)
        if c.prefix:
            self.known = nn.Linear(c.code_dim + 1, c.width)
        if c.guidance_input:
            self.guidance = nn.Sequential(nn.Linear(c.width, c.width), nn.SiLU(), nn.Linear(c.width, c.width))
            nn.init.zeros_(self.guidance[2].weight)  # a student starts as its teacher's conditional model
            nn.init.zeros_(self.guidance[2].bias)

    def null_condition(self, batch: int, device) -> tuple[torch.Tensor, torch.Tensor]:
        """Text states and mask meaning 'no text', for classifier-free guidance."""
        return self.null_text.expand(batch, 1, -1).to(device), torch.ones(batch, 1, dtype=torch.bool, device=device)

    def drop_text(self, text_states, text_mask, drop):
        """Training for classifier-free guidance: the samples where `drop` is True see exactly
        the condition sampling uses for "no text" (null_condition), the rest keep their text."""
        if not bool(drop.any()):
            return text_states, text_mask
        null_states, null_mask = self.null_condition(int(drop.sum()), text_states.device)
        states, mask = text_states.clone(), text_mask.clone()
        states[drop] = 0.0
        mask[drop] = False
        states[drop, :1] = null_states.to(states.dtype)
        mask[drop, :1] = null_mask
        return states, mask

    def guided_pair(self, x_t, t, text_states, text_mask, lower=None, mask=None, **given):
        """The conditional and unconditional predictions as one batch of 2B (classifier-free
        guidance at half the calls): the null text padded to the prompts' length (padding is
        masked out, so it attends to the null token alone). -> (x0_cond, x0_uncond)."""
        b = x_t.shape[0]
        null_states, null_mask = self.null_condition(b, x_t.device)
        null_s = torch.zeros_like(text_states)
        null_s[:, :1] = null_states.to(text_states.dtype)
        null_m = torch.zeros_like(text_mask)
        null_m[:, :1] = True
        two = lambda v: None if v is None else torch.cat([v, v])  # noqa: E731
        x0 = self(two(x_t), two(t), torch.cat([text_states, null_s]), torch.cat([text_mask, null_m]), two(lower),
                  two(mask), **{k: two(v) for k, v in given.items()})
        return x0[:b], x0[b:]

    def forward(self, x_t, t, text_states, text_mask, lower=None, mask=None, known=None, known_mask=None,
                guidance=None):
        """x_t [B, L, C]; t [B]; text_states [B, S, D]; text_mask [B, S] (True = token);
        lower [B, L, C * (level - 1)] for super-resolution; mask [B, L] (True = real position);
        known [B, L, C] clean latents where known_mask [B, L] is True (the motion this one
        continues), for models trained with a prefix; guidance [B] the classifier-free
        guidance scale, for distilled models (others ignore it)."""
        c = self.config
        if x_t.shape[1] > c.max_len:
            raise ValueError(f"level-{c.level} sequence of {x_t.shape[1]} latents exceeds max_len {c.max_len}")
        if c.level > 1:
            if lower is None or lower.shape[-1] != c.code_dim * (c.level - 1):
                raise ValueError(f"level-{c.level} denoiser needs the lower levels' latents "
                                 f"([B, L, {c.code_dim * (c.level - 1)}])")
            x_t = torch.cat([x_t, lower], dim=-1)
        h = self.inp(x_t) + self.pos[:, : x_t.shape[1]]
        h = h + self.time(timestep_embedding(t, c.width))[:, None]
        if c.prefix:
            if known is None or known_mask is None:
                known = torch.zeros_like(x_t[..., : c.code_dim])
                known_mask = torch.zeros(x_t.shape[:2], dtype=torch.bool, device=x_t.device)
            m = known_mask[..., None].to(x_t.dtype)
            h = h + self.known(torch.cat([known * m, m], dim=-1))
        if c.guidance_input:
            if guidance is None:
                raise ValueError("a guidance-distilled denoiser needs the guidance scale ([B])")
            h = h + self.guidance(timestep_embedding(guidance * GUIDANCE_EMBED_SCALE, c.width))[:, None]
        if c.sentence_token:
            m = text_mask[..., None].to(text_states.dtype)
            sentence = (text_states * m).sum(1, keepdim=True) / m.sum(1, keepdim=True).clamp(min=1)
            text_states = torch.cat([sentence, text_states], dim=1)
            text_mask = torch.cat([text_mask[:, :1] | True, text_mask], dim=1)
        text = self.text_proj(text_states)
        pad = None if mask is None else ~mask
        for block in self.blocks:
            h = block(h, pad, text, ~text_mask)
        return self.out(self.norm(h))


class LengthPredictor(nn.Module):
    """Predicts a clip length from the pooled text vector: a Gaussian over log-seconds."""

    def __init__(self, text_dim: int = 384, width: int = 128):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(text_dim, width), nn.GELU(), nn.Linear(width, 2))

    def forward(self, pooled):
        mu, log_sigma = self.net(pooled).unbind(-1)
        return mu, log_sigma.clamp(-4, 2)

    def loss(self, pooled, seconds):
        mu, log_sigma = self(pooled)
        return (0.5 * ((torch.log(seconds) - mu) / log_sigma.exp()) ** 2 + log_sigma).mean()

    @torch.no_grad()
    def predict_seconds(self, pooled) -> torch.Tensor:
        return self(pooled)[0].exp()
