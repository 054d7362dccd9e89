"""Starting a model on another text encoder from one trained on the first.

Every denoiser level and the length predictor read the text through one linear layer
(Denoiser.text_proj, the first layer of LengthPredictor.net) and a learned null condition. A
model trained from scratch on a new encoder loses what the old one learnt about motion (docs/
RESULTS.md: about 0.02 FID on the test split); so the motion layers are kept and only the text
input is carried across: a ridge regression on the training captions, encoded by both encoders,
maps the new encoder's vectors into the old one's space, and the map is folded into the input
layers. Fine-tuning then starts from a model that already reads the new encoder roughly as it
read the old one.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class TextMap:
    """old ≈ (new - new_mean) @ A + old_mean, fitted on paired encodings of the same captions."""
    A: torch.Tensor          # [new_dim, old_dim]
    new_mean: torch.Tensor   # [new_dim]
    old_mean: torch.Tensor   # [old_dim]
    r2: float                # share of the old vectors' variance the map explains (held-out tenth)

    def fold_linear(self, weight: torch.Tensor, bias: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """A Linear reading old vectors (weight [out, old_dim]) as one reading new vectors."""
        return weight @ self.A.T, bias + weight @ (self.old_mean - self.A.T @ self.new_mean)

    def preimage(self, old: torch.Tensor) -> torch.Tensor:
        """A new-space vector the map sends (as closely as least squares allows) to `old`."""
        z = torch.linalg.lstsq(self.A.T, (old - self.old_mean)[:, None]).solution[:, 0]
        return z + self.new_mean


def fit_text_map(new: torch.Tensor, old: torch.Tensor, ridge: float = 1e-2, seed: int = 0) -> TextMap:
    """Ridge regression new -> old. `new` [N, Dn] and `old` [N, Do] encode the same N captions."""
    if new.shape[0] != old.shape[0] or new.shape[0] < 2:
        raise ValueError(f"fit_text_map: needs the same captions in both encodings (got {new.shape[0]} and {old.shape[0]})")
    new, old = new.double(), old.double()
    g = torch.Generator().manual_seed(seed)
    order = torch.randperm(new.shape[0], generator=g)
    cut = max(1, new.shape[0] // 10) if new.shape[0] >= 20 else 0
    test, train = order[:cut], order[cut:]

    def solve(ix):
        nm, om = new[ix].mean(0), old[ix].mean(0)
        x, y = new[ix] - nm, old[ix] - om
        scale = x.pow(2).sum(0).mean()  # ridge relative to the vectors' own size
        a = torch.linalg.solve(x.T @ x + ridge * scale * torch.eye(x.shape[1], dtype=x.dtype), x.T @ y)
        return a, nm, om

    r2 = float("nan")
    if cut:
        a, nm, om = solve(train)
        resid = (old[test] - ((new[test] - nm) @ a + om)).pow(2).sum()
        r2 = float(1 - resid / (old[test] - old[test].mean(0)).pow(2).sum())
    a, nm, om = solve(order)
    return TextMap(a.float(), nm.float(), om.float(), r2)


def sentence_means(states: list[torch.Tensor]) -> torch.Tensor:
    """What a denoiser's sentence token is: the mean of a caption's token states (Denoiser.forward)."""
    return torch.stack([s.float().mean(0) for s in states])


def transfer_denoiser(state: dict, text_map: TextMap) -> dict:
    """A denoiser state dict trained on the old encoder, its text input rewritten for the new one."""
    out = dict(state)
    out["text_proj.weight"], out["text_proj.bias"] = text_map.fold_linear(state["text_proj.weight"], state["text_proj.bias"])
    out["null_text"] = text_map.preimage(state["null_text"].reshape(-1)).reshape(1, 1, -1)
    return out


def transfer_length(state: dict, pooled_map: TextMap) -> dict:
    """The length predictor's first layer reads the pooled vector: folded with the pooled vectors' own map."""
    out = dict(state)
    out["net.0.weight"], out["net.0.bias"] = pooled_map.fold_linear(state["net.0.weight"], state["net.0.bias"])
    return out
