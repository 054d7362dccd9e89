"""Hierarchical motion tokenizer: a 1D-convolutional VQ-VAE with three levels.

    features [B, T, 269] (normalised)
      encoder trunk:  T -> T/2 (h2) -> T/4 (h4) -> T/8 (h8)
      level 1 (coarse, stride 8): q1 = VQ1(proj1(h8))
      decoder:        d8 = in1(q1) -> up -> d4
      level 2 (stride 4):         q2 = VQ2(proj2(h4) - guess2(d4));  d4 += in2(q2)
                                  -> up -> d2
      level 3 (stride 2):         q3 = VQ3(proj3(h2) - guess3(d2));  d2 += in3(q3)
                                  -> up -> T -> out -> features

Each level quantises what the decoder state built from the levels above it does not already
predict (guess*), so level 2 and 3 codes are residual detail. Decoding a prefix simply skips
the additions of the missing levels; training supervises every prefix at every step, so
level 1 alone, 1+2 and 1+2+3 each decode to a valid motion.
Codebooks come from vector-quantize-pytorch: EMA updates, k-means init, dead-code reset.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass

import torch
from torch import nn
from torch.nn import functional as F
from vector_quantize_pytorch import VectorQuantize

from ..config import from_dict

NUM_LEVELS = 3


@dataclass
class TokenizerConfig:
    feat_dim: int = 269
    width: int = 128
    code_dim: int = 64
    codebook_sizes: tuple[int, ...] = (512, 512, 512)
    res_blocks: int = 1
    ema_decay: float = 0.99
    # EMA usage below which a code is re-seeded from the batch; a batch holds ~1 level-1 token
    # per code, so the threshold must sit well under 1 or healthy codes would be reset.
    dead_code_threshold: float = 0.02
    kmeans_init: bool = True
    stride: int = 8  # temporal stride of level 1; level 2 has stride/2, level 3 stride/4

    @classmethod
    def from_dict(cls, d: dict) -> "TokenizerConfig":
        return from_dict(cls, d, "tokenizer config", tuples=("codebook_sizes",))

    def to_dict(self) -> dict:
        d = asdict(self)
        d["codebook_sizes"] = list(self.codebook_sizes)
        return d


class ResBlock(nn.Module):
    def __init__(self, width: int, dilation: int = 1):
        super().__init__()
        self.conv1 = nn.Conv1d(width, width, 3, padding=dilation, dilation=dilation)
        self.conv2 = nn.Conv1d(width, width, 1)

    def forward(self, x):
        return x + self.conv2(F.gelu(self.conv1(F.gelu(x))))


def stack(width: int, blocks: int) -> nn.Sequential:
    return nn.Sequential(*[ResBlock(width, dilation=3 ** (i % 2)) for i in range(blocks)])


class Down(nn.Sequential):
    def __init__(self, width, blocks):
        super().__init__(nn.Conv1d(width, width, 4, stride=2, padding=1), stack(width, blocks))


class Up(nn.Sequential):
    def __init__(self, width, blocks):
        super().__init__(stack(width, blocks), nn.Upsample(scale_factor=2, mode="nearest"),
                         nn.Conv1d(width, width, 3, padding=1))


class MotionTokenizer(nn.Module):
    def __init__(self, config: TokenizerConfig):
        super().__init__()
        if config.stride != 8:
            raise ValueError("this tokenizer has strides 8/4/2 (three halvings); stride must be 8")
        self.config = c = config
        w = c.width
        self.inp = nn.Conv1d(c.feat_dim, w, 3, padding=1)
        self.down2, self.down4, self.down8 = Down(w, c.res_blocks), Down(w, c.res_blocks), Down(w, c.res_blocks)
        self.proj = nn.ModuleList([nn.Conv1d(w, c.code_dim, 1) for _ in range(NUM_LEVELS)])
        self.guess = nn.ModuleList([nn.Conv1d(w, c.code_dim, 1) for _ in range(NUM_LEVELS - 1)])
        self.code_in = nn.ModuleList([nn.Conv1d(c.code_dim, w, 1) for _ in range(NUM_LEVELS)])
        self.vq = nn.ModuleList([
            VectorQuantize(dim=c.code_dim, codebook_size=size, decay=c.ema_decay, kmeans_init=c.kmeans_init,
                           kmeans_iters=10, threshold_ema_dead_code=c.dead_code_threshold,
                           commitment_weight=1.0, channel_last=True)
            for size in c.codebook_sizes])
        self.mid8 = stack(w, c.res_blocks)
        self.up8, self.up4, self.up2 = Up(w, c.res_blocks), Up(w, c.res_blocks), Up(w, c.res_blocks)
        self.out = nn.Sequential(stack(w, c.res_blocks), nn.Conv1d(w, c.feat_dim, 3, padding=1))

    # ---- helpers -------------------------------------------------------------------------
    def _quantize(self, level: int, z: torch.Tensor):
        """z [B, C, T'] -> quantised [B, C, T'], indices [B, T'], commitment loss."""
        q, idx, loss = self.vq[level](z.transpose(1, 2))
        return q.transpose(1, 2), idx, loss.sum()

    def _codes(self, level: int, idx: torch.Tensor) -> torch.Tensor:
        return self.vq[level].get_output_from_indices(idx).transpose(1, 2)

    def pad_length(self, t: int) -> int:
        s = self.config.stride
        return (t + s - 1) // s * s

    # ---- encode / decode -----------------------------------------------------------------
    def encode(self, x: torch.Tensor):
        """x [B, T, F] normalised, T a multiple of 8 -> (indices per level, commitment loss)."""
        h1 = self.inp(x.transpose(1, 2))
        h2 = self.down2(h1)
        h4 = self.down4(h2)
        h8 = self.down8(h4)
        q1, i1, l1 = self._quantize(0, self.proj[0](h8))
        d4 = self.up8(self.mid8(self.code_in[0](q1)))
        q2, i2, l2 = self._quantize(1, self.proj[1](h4) - self.guess[0](d4))
        d2 = self.up4(d4 + self.code_in[1](q2))
        q3, i3, l3 = self._quantize(2, self.proj[2](h2) - self.guess[1](d2))
        return [i1, i2, i3], [q1, q2, q3], l1 + l2 + l3

    def decode_latents(self, q: list[torch.Tensor], levels: int) -> torch.Tensor:
        """Quantised latents of the first `levels` levels -> features [B, T, F]."""
        d4 = self.up8(self.mid8(self.code_in[0](q[0])))
        if levels >= 2:
            d4 = d4 + self.code_in[1](q[1])
        d2 = self.up4(d4)
        if levels >= 3:
            d2 = d2 + self.code_in[2](q[2])
        return self.out(self.up2(d2)).transpose(1, 2)

    def decode(self, indices: list[torch.Tensor], levels: int | None = None) -> torch.Tensor:
        """Token indices (at least `levels` of them) -> features [B, T, F]."""
        levels = levels or len(indices)
        if not 1 <= levels <= NUM_LEVELS or len(indices) < levels:
            raise ValueError(f"levels must be 1..{NUM_LEVELS} and have indices for each, "
                             f"got levels={levels} with {len(indices)} index tensors")
        q = [self._codes(k, indices[k]) for k in range(levels)]
        return self.decode_latents(q, levels)

    def forward(self, x: torch.Tensor):
        """Reconstructions for every prefix (level 1, 1+2, 1+2+3) and the commitment loss."""
        _, q, commit = self.encode(x)
        return [self.decode_latents(q, k) for k in range(1, NUM_LEVELS + 1)], commit


class Tokenizer:
    """A trained MotionTokenizer with its normalisation: raw dm-v1 features in and out."""

    KIND = "motion-tokenizer"

    def __init__(self, model: MotionTokenizer, mean: torch.Tensor, std: torch.Tensor, info: dict | None = None):
        self.model = model.eval()
        self.mean, self.std = mean.float(), std.float()
        self.info = info or {}

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def to(self, device) -> "Tokenizer":
        self.model.to(device)
        self.mean, self.std = self.mean.to(device), self.std.to(device)
        return self

    def normalise(self, raw: torch.Tensor) -> torch.Tensor:
        return (raw - self.mean) / self.std

    def denormalise(self, x: torch.Tensor) -> torch.Tensor:
        return x * self.std + self.mean

    @torch.no_grad()
    def encode(self, raw: torch.Tensor) -> list[torch.Tensor]:
        """raw [B, T, 269] with T a multiple of 8 -> token indices per level."""
        return self.model.encode(self.normalise(raw))[0]

    @torch.no_grad()
    def decode(self, indices: list[torch.Tensor], levels: int) -> torch.Tensor:
        return self.denormalise(self.model.decode(indices, levels))

    def save(self, path, dtype: torch.dtype = torch.float32, extra: dict | None = None):
        from ..checkpoint import save_checkpoint
        return save_checkpoint(path, self.KIND, self.model.config.to_dict(), self.model.state_dict(),
                               self.mean, self.std, {**self.info, **(extra or {})}, dtype=dtype)

    @classmethod
    def load(cls, path, device="cpu") -> "Tokenizer":
        from ..checkpoint import load_module
        model, cfg, mean, std = load_module(path, cls.KIND, lambda c: MotionTokenizer(TokenizerConfig.from_dict(c["model"])))
        info = {k: v for k, v in cfg.items() if k not in ("model",)}
        return cls(model, mean, std, info).to(device)
