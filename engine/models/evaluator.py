"""The evaluator: contrastive text and motion encoders into one embedding space.

Text-to-motion papers score motion with a text-motion retrieval model (Guo et al. 2022:
R-precision, FID, MM-Dist, Diversity, MultiModality all live in its embedding space). Theirs
is trained on HumanML3D's 263-float layout, so we train our own on our data: text goes
through the same frozen text encoder the generator uses (pooled sentence vector) and a small
projection; motion goes through a small transformer over normalised dm-v1 features.
Embeddings are L2-normalised, so distances are Euclidean on the unit sphere.

    text  -> frozen MiniLM pooled [384] -> MLP -> [E]
    motion [T, 269] -> patches of 4 frames -> Linear -> + position -> depth x TransformerEncoder
                    -> masked mean -> Linear -> [E]

Patches of 4 frames (5 per second) keep attention cheap enough to train on two CPU cores.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from ..config import from_dict


@dataclass
class EvaluatorConfig:
    feature_dim: int = 269
    text_dim: int = 384
    width: int = 128
    depth: int = 3
    patch: int = 4          # frames per token
    heads: int = 4
    embed_dim: int = 256
    max_frames: int = 200   # 10 s at 20 fps: the longest clip the model generates
    dropout: float = 0.1

    @classmethod
    def from_dict(cls, d: dict) -> "EvaluatorConfig":
        return from_dict(cls, d, "evaluator config")

    def to_dict(self) -> dict:
        return asdict(self)


class MotionEncoder(nn.Module):
    def __init__(self, c: EvaluatorConfig):
        super().__init__()
        self.patch = c.patch
        self.inp = nn.Linear(c.feature_dim * c.patch, c.width)
        self.pos = nn.Parameter(torch.randn(-(-c.max_frames // c.patch), c.width) * 0.02)
        layer = nn.TransformerEncoderLayer(c.width, c.heads, 4 * c.width, c.dropout, batch_first=True,
                                           norm_first=True, activation="gelu")
        self.body = nn.TransformerEncoder(layer, c.depth, enable_nested_tensor=False)
        self.norm = nn.LayerNorm(c.width)
        self.out = nn.Linear(c.width, c.embed_dim)

    def forward(self, x: torch.Tensor, mask: torch.Tensor) -> torch.Tensor:
        """x: [B, T, F] normalised features (zero where masked), mask: [B, T] (1 = real frame)
        -> [B, E] unit vectors."""
        b, t, f = x.shape
        pad = -t % self.patch
        if pad:
            x = F.pad(x, (0, 0, 0, pad))
            mask = F.pad(mask, (0, pad))
        n = x.shape[1] // self.patch
        x = x.reshape(b, n, self.patch * f)
        mask = mask.reshape(b, n, self.patch).amax(-1)
        h = self.inp(x) + self.pos[:n]
        h = self.body(h, src_key_padding_mask=mask < 0.5)
        h = self.norm(h)
        m = mask.unsqueeze(-1)
        pooled = (h * m).sum(1) / m.sum(1).clamp(min=1.0)
        return F.normalize(self.out(pooled), dim=-1)


class TextProjection(nn.Module):
    def __init__(self, c: EvaluatorConfig):
        super().__init__()
        self.net = nn.Sequential(nn.Linear(c.text_dim, c.width * 2), nn.GELU(), nn.Dropout(c.dropout),
                                 nn.Linear(c.width * 2, c.embed_dim))

    def forward(self, pooled: torch.Tensor) -> torch.Tensor:
        return F.normalize(self.net(pooled), dim=-1)


class EvaluatorModel(nn.Module):
    def __init__(self, c: EvaluatorConfig):
        super().__init__()
        self.config = c
        self.motion = MotionEncoder(c)
        self.text = TextProjection(c)
        self.log_scale = nn.Parameter(torch.tensor(2.66))  # CLIP's initial temperature, 1/0.07

    def loss(self, text_emb: torch.Tensor, motion_emb: torch.Tensor, same: torch.Tensor) -> torch.Tensor:
        """Symmetric InfoNCE where `same` [B, B] marks every pair that describes the same thing
        (same action, style and side): several clips in a batch share a caption's meaning, and
        treating them as negatives would teach the encoders to separate equals."""
        logits = motion_emb @ text_emb.T * self.log_scale.exp().clamp(max=100.0)
        target = same / same.sum(1, keepdim=True)
        return 0.5 * (torch.sum(-target * F.log_softmax(logits, 1), 1).mean()
                      + torch.sum(-target.T * F.log_softmax(logits.T, 1), 1).mean())


def same_encoder(a: str, b: str) -> bool:
    """Whether two text-encoder specs or ids name one encoder ("minilm" is the MiniLM id's short form)."""
    from ..text.encoders import MiniLMEncoder
    short = {"minilm": MiniLMEncoder.id}
    return short.get(a, a) == short.get(b, b)


class Evaluator:
    """A trained EvaluatorModel with its feature normalisation and text encoder:
    raw dm-v1 features and plain strings in, unit embeddings (numpy) out."""

    KIND = "text-motion-evaluator"

    def __init__(self, model: EvaluatorModel, mean: torch.Tensor, std: torch.Tensor, text_encoder=None,
                 info: dict | None = None):
        self.model = model.eval()
        self.mean, self.std = mean.float(), std.float()
        self.text_encoder = text_encoder
        self.info = info or {}

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def to(self, device) -> "Evaluator":
        self.model.to(device)
        self.mean, self.std = self.mean.to(device), self.std.to(device)
        return self

    @torch.no_grad()
    def embed_pooled(self, pooled) -> "np.ndarray":
        """Text embeddings from the text encoder's pooled vectors [N, text_dim]."""
        return self.model.text(torch.as_tensor(pooled, dtype=torch.float32, device=self.device)).cpu().numpy()

    def encoder(self):
        """The text encoder the evaluator was trained with (loaded on first use when not shared)."""
        if self.text_encoder is None:
            from ..text import load_text_encoder
            self.text_encoder = load_text_encoder(self.info.get("text_encoder", "minilm"), self.device)
        return self.text_encoder

    @torch.no_grad()
    def embed_texts(self, texts: list[str], batch: int = 256) -> "np.ndarray":
        out = [self.embed_pooled(self.encoder().encode(texts[i:i + batch]).pooled) for i in range(0, len(texts), batch)]
        return np.concatenate(out) if out else np.zeros((0, self.model.config.embed_dim), np.float32)

    @torch.no_grad()
    def embed_motions(self, clips: list, batch: int = 64) -> "np.ndarray":
        """clips: raw features [T, 269] each (any length; longer than max_frames is centre-cropped)."""
        c = self.model.config
        out = []
        for i in range(0, len(clips), batch):
            part = [np.asarray(x, np.float32) for x in clips[i:i + batch]]
            part = [x[(len(x) - c.max_frames) // 2:][: c.max_frames] if len(x) > c.max_frames else x for x in part]
            t = max(len(x) for x in part)
            feats = np.zeros((len(part), t, c.feature_dim), np.float32)
            mask = np.zeros((len(part), t), np.float32)
            for b, x in enumerate(part):
                feats[b, :len(x)], mask[b, :len(x)] = x, 1.0
            x = (torch.from_numpy(feats).to(self.device) - self.mean) / self.std
            out.append(self.model.motion(x * torch.from_numpy(mask).to(self.device)[..., None],
                                         torch.from_numpy(mask).to(self.device)).cpu().numpy())
        return np.concatenate(out) if out else np.zeros((0, c.embed_dim), np.float32)

    def save(self, path, dtype: torch.dtype = torch.float32, extra: dict | None = None):
        from ..checkpoint import save_checkpoint
        return save_checkpoint(path, self.KIND, self.model.config.to_dict(), self.model.state_dict(),
                               self.mean, self.std, {**self.info, **(extra or {})}, dtype=dtype)

    @classmethod
    def load(cls, path, device="cpu", text_encoder=None) -> "Evaluator":
        from ..checkpoint import load_module
        model, cfg, mean, std = load_module(path, cls.KIND, lambda c: EvaluatorModel(EvaluatorConfig.from_dict(c["model"])))
        info = {k: v for k, v in cfg.items() if k != "model"}
        if text_encoder is not None and not same_encoder(text_encoder.id, info.get("text_encoder", "minilm")):
            text_encoder = None  # a generator with another encoder: the evaluator loads its own when asked
        return cls(model, mean, std, text_encoder, info).to(device)
