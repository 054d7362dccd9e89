"""Text -> motion, progressively: level 1 for the whole clip first, then 2, then 3.

The pipeline owns the frozen parts (tokenizer, text encoder) and the cascade (base denoiser,
two super-resolution denoisers, length predictor). `generate` is a generator that yields each
level's decoded frames as soon as that level exists, so a server can send level 1 while
level 2 is still being sampled. Every request owns its random stream (seeded per prompt), so a
prompt gives the same motion alone or in a batch.
"""
from __future__ import annotations

import math
import time
from dataclasses import dataclass, field
from typing import Iterator

import numpy as np
import torch

from .models.denoiser import Denoiser, LengthPredictor
from .models.diffusion import CosineSchedule, ddim_sample
from .models.tokenizer import Tokenizer
from .representation import dmv1
from .text import TextEncoder, TextInputError

STRIDES = {1: 8, 2: 4, 3: 2}


class GenerationError(ValueError):
    """A request the engine refuses; the message names the field and what is allowed."""


@dataclass
class GenerationLimits:
    max_text_chars: int = 1000
    min_duration_s: float = 1.0
    max_duration_s: float = 12.0
    min_guidance: float = 1.0
    max_guidance: float = 10.0
    default_guidance: float = 2.5
    max_batch: int = 16


@dataclass
class LevelOutput:
    level: int
    features: list[np.ndarray]  # per prompt, raw dm-v1 features [T_i, 269]
    compute_s: float


@dataclass
class CascadeSettings:
    sample_steps: dict = field(default_factory=lambda: {1: 20, 2: 10, 3: 10})
    diffusion_steps: int = 1000


class CascadePipeline:
    def __init__(self, tokenizer: Tokenizer, text_encoder: TextEncoder, denoisers: dict[int, Denoiser],
                 length_predictor: LengthPredictor, latent_stats: dict[int, tuple[torch.Tensor, torch.Tensor]],
                 limits: GenerationLimits | None = None, settings: CascadeSettings | None = None):
        self.tokenizer, self.text_encoder = tokenizer, text_encoder
        self.denoisers = {k: d.eval() for k, d in denoisers.items()}
        self.length_predictor = length_predictor.eval()
        self.latent_stats = latent_stats
        self.limits = limits or GenerationLimits()
        self.settings = settings or CascadeSettings()
        self.schedule = CosineSchedule(self.settings.diffusion_steps)
        self.meta = {"model_version": "deepmotion (unnamed)", "licence": "unknown"}

    @property
    def skeleton(self):
        from deepmotion_client.motion.skeleton import canonical_skeleton
        return canonical_skeleton()

    def predict_duration(self, text: str) -> float:
        """Seconds the length predictor gives a prompt, within the model's limits."""
        with torch.no_grad():
            pooled = self.text_encoder.encode([text]).pooled.to(self.device)
        return self.durations_for([text], None, pooled)[0]

    @property
    def levels(self) -> int:
        return len(self.denoisers)

    @property
    def device(self) -> torch.device:
        return self.tokenizer.device

    # ---- validation ----------------------------------------------------------------------
    def validate(self, texts, durations, guidance, max_level) -> None:
        lim = self.limits
        if not texts:
            raise GenerationError("texts: at least one prompt is needed")
        if len(texts) > lim.max_batch:
            raise GenerationError(f"texts: at most {lim.max_batch} prompts per call, got {len(texts)}")
        for i, t in enumerate(texts):
            if not isinstance(t, str) or not t.strip():
                raise GenerationError(f"text[{i}]: empty; a prompt needs at least one non-space character")
            if len(t) > lim.max_text_chars:
                raise GenerationError(f"text[{i}]: {len(t)} characters; at most {lim.max_text_chars} allowed")
        if durations is not None:
            if len(durations) != len(texts):
                raise GenerationError(f"durations: {len(durations)} given for {len(texts)} prompts")
            for i, d in enumerate(durations):
                if d is None or d == 0:
                    continue
                if not math.isfinite(d) or not lim.min_duration_s <= d <= lim.max_duration_s:
                    raise GenerationError(f"duration_s[{i}]: {d} s is outside the trained range "
                                          f"[{lim.min_duration_s}, {lim.max_duration_s}] s (0 = predict)")
        if guidance is not None and (not math.isfinite(guidance) or not lim.min_guidance <= guidance <= lim.max_guidance):
            raise GenerationError(f"guidance_scale: {guidance} must be finite and within "
                                  f"[{lim.min_guidance}, {lim.max_guidance}]")
        if max_level is not None and max_level not in range(1, self.levels + 1):
            raise GenerationError(f"max_level: {max_level} is not a level of this model (1..{self.levels})")

    # ---- helpers ------------------------------------------------------------------------
    def _snap(self, level: int, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Denormalise latents and snap each to its nearest codebook entry -> (codes, indices)."""
        mean, std = self.latent_stats[level]
        z = x * std + mean
        codebook = self.tokenizer.model.vq[level - 1].codebook  # [K, C]
        idx = torch.cdist(z.reshape(-1, z.shape[-1]), codebook).argmin(-1).reshape(z.shape[:-1])
        return codebook[idx], idx

    def _normalised(self, level: int, codes: torch.Tensor) -> torch.Tensor:
        mean, std = self.latent_stats[level]
        return (codes - mean) / std

    def durations_for(self, texts, durations, pooled) -> list[float]:
        predicted = self.length_predictor.predict_seconds(pooled).cpu().tolist()
        out = []
        for i, _ in enumerate(texts):
            d = durations[i] if durations is not None and durations[i] else predicted[i]
            out.append(float(min(max(d, self.limits.min_duration_s), self.limits.max_duration_s)))
        return out

    # ---- generation ---------------------------------------------------------------------
    @torch.no_grad()
    def prepare(self, texts: list[str], durations: list[float] | None, seeds: list[int]) -> list["PromptState"]:
        """Encode the prompts and fix each one's length and random stream (validate first)."""
        try:
            enc = self.text_encoder.encode(list(texts))
        except TextInputError as e:
            raise GenerationError(str(e)) from None
        seconds = self.durations_for(texts, durations, enc.pooled.to(self.device))
        out = []
        for i, text in enumerate(texts):
            n = int(enc.mask[i].sum())
            frames = max(2, int(round(seconds[i] * dmv1.FPS)))
            out.append(PromptState(text, frames, self.tokenizer.model.pad_length(frames),
                                   enc.states[i, :n].to(self.device),
                                   torch.Generator(device="cpu").manual_seed(int(seeds[i]))))
        return out

    @torch.no_grad()
    def run_level(self, prompts: list["PromptState"], level: int, guidance: float) -> list[np.ndarray]:
        """Sample `level` for prompts whose lower levels exist; -> decoded features per prompt.

        Prompts may be at this stage together whatever batch they started in: each has its own
        padded length and noise stream, so its motion does not depend on its company.
        """
        dev = self.device
        b = len(prompts)
        stride = STRIDES[level]
        length = max(p.own for p in prompts) // stride
        code_dim = self.tokenizer.model.config.code_dim
        text_n = max(len(p.states) for p in prompts)
        states = torch.zeros(b, text_n, prompts[0].states.shape[-1], device=dev)
        tmask = torch.zeros(b, text_n, dtype=torch.bool, device=dev)
        mask = torch.zeros(b, length, dtype=torch.bool, device=dev)
        noise = torch.zeros(b, length, code_dim)
        lower = torch.zeros(b, length, code_dim * (level - 1), device=dev) if level > 1 else None
        for i, p in enumerate(prompts):
            n = p.own // stride
            states[i, :len(p.states)] = p.states
            tmask[i, :len(p.states)] = True
            mask[i, :n] = True
            noise[i, :n] = torch.randn(n, code_dim, generator=p.generator)
            if level > 1:
                lower[i, :n] = torch.cat([self._normalised(k, p.codes[k]).repeat_interleave(2 ** (level - k), dim=0)
                                          for k in range(1, level)], dim=-1)
        model = self.denoisers[level]
        null_states, null_mask = model.null_condition(b, dev)

        def fn(x, t, cond):
            return model(x, t, cond[0], cond[1], lower, mask)

        x0 = ddim_sample(fn, self.schedule, noise.to(dev), (states, tmask), (null_states, null_mask), guidance,
                         self.settings.sample_steps[level])
        codes, indices = self._snap(level, x0)
        out = []
        for i, p in enumerate(prompts):
            n = p.own // stride
            p.codes[level], p.indices[level] = codes[i, :n], indices[i, :n]
            idx = [p.indices[k][None] for k in range(1, level + 1)]
            out.append(self.tokenizer.decode(idx, level)[0, : p.frames].float().cpu().numpy())
        return out

    def generate(self, texts: list[str], durations: list[float] | None = None, seeds: list[int] | None = None,
                 guidance: float | None = None, max_level: int | None = None) -> Iterator[LevelOutput]:
        self.validate(texts, durations, guidance, max_level)
        guidance = guidance or self.limits.default_guidance
        max_level = max_level or self.levels
        prompts = self.prepare(texts, durations, list(seeds) if seeds is not None else [0] * len(texts))
        for level in range(1, max_level + 1):
            t0 = time.perf_counter()
            out = self.run_level(prompts, level, guidance)
            yield LevelOutput(level, out, time.perf_counter() - t0)


@dataclass
class PromptState:
    """One prompt between stages: its conditioning, length, noise stream and the levels so far."""
    text: str
    frames: int
    own: int                     # frames padded to the tokenizer's stride
    states: torch.Tensor         # [S, D] text token states
    generator: torch.Generator
    codes: dict = field(default_factory=dict)
    indices: dict = field(default_factory=dict)


def load_cascade(path, device="cpu", text_encoder: TextEncoder | None = None) -> CascadePipeline:
    """A cascade directory (cascade.json + tokenizer/ base/ sr2/ sr3/ length/), every part checked."""
    import json
    from pathlib import Path

    from .checkpoint import CheckpointError, load_checkpoint
    from .models.denoiser import DenoiserConfig
    from .text import load_text_encoder

    path = Path(path)
    meta_path = path / "cascade.json"
    if not meta_path.exists():
        raise CheckpointError(f"model {path}: missing cascade.json (not a text-to-motion model directory)")
    meta = json.loads(meta_path.read_text())
    encoder = text_encoder or load_text_encoder(meta["text_encoder"], device)
    if encoder.id != meta["text_encoder"]:
        raise CheckpointError(f"model {path}: trained with text encoder {meta['text_encoder']!r}, "
                              f"refusing {encoder.id!r}")
    tok = Tokenizer.load(path / meta["parts"]["tokenizer"], device)
    denoisers, stats = {}, {}
    for level in (1, 2, 3):
        sub = path / meta["parts"][str(level)]
        cfg, state, mean, std = load_checkpoint(sub, f"denoiser-level-{level}")
        if cfg.get("text_encoder") != encoder.id:
            raise CheckpointError(f"checkpoint {sub}: trained with text encoder {cfg.get('text_encoder')!r}, "
                                  f"refusing {encoder.id!r}")
        model = Denoiser(DenoiserConfig.from_dict(cfg["model"]))
        model.load_state_dict(state)
        denoisers[level] = model.to(device)
        stats[level] = (mean.to(device), std.to(device))
    cfg, state, _, _ = load_checkpoint(path / meta["parts"]["length"], "length-predictor")
    length = LengthPredictor(cfg["model"]["text_dim"])
    length.load_state_dict(state)
    limits = GenerationLimits(**meta.get("limits", {}))
    pipe = CascadePipeline(tok, encoder, denoisers, length.to(device), stats, limits)
    pipe.meta = meta
    return pipe
