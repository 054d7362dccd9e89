"""Training and evaluation of the motion tokenizer.

Losses care about what users see, on every prefix of levels: normalised feature
reconstruction, joint positions after forward kinematics (root-relative), the root path,
joint velocities, and foot contacts; plus the codebooks' commitment loss.
"""
from __future__ import annotations

import json
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import torch
from torch.nn import functional as F
from tqdm import tqdm

from ..config import from_dict
from ..data.dataset import Dataset
from ..device import resolve_device
from ..models.kinematics import joint_positions
from ..models.tokenizer import NUM_LEVELS, MotionTokenizer, Tokenizer, TokenizerConfig
from ..representation.dmv1 import SLICES
from .common import cosine_lr, resume, save_state
from .windows import WindowSampler, hold_pad


@dataclass
class TrainConfig:
    steps: int = 6000
    batch: int = 64
    window: int = 48
    lr: float = 5e-4
    warmup: int = 200
    weight_decay: float = 0.0
    w_feat: float = 1.0
    w_pos: float = 4.0
    w_root: float = 1.0
    w_vel: float = 4.0
    w_contact: float = 0.1
    w_commit: float = 0.02
    level_weights: tuple[float, ...] = (1.0, 1.0, 1.0)
    eval_every: int = 500
    eval_clips: int = 64
    save_every: int = 250
    kmeans_batch: int = 256
    seed: int = 0

    @classmethod
    def from_dict(cls, d: dict) -> "TrainConfig":
        return from_dict(cls, d, "training config", tuples=("level_weights",))


def load_config_file(path) -> tuple[TokenizerConfig, TrainConfig]:
    """A JSON file {"model": {...TokenizerConfig}, "train": {...TrainConfig}}; both optional."""
    if path is None:
        return TokenizerConfig(), TrainConfig()
    try:
        data = json.loads(Path(path).read_text())
    except (OSError, ValueError) as e:
        raise ValueError(f"--config {path}: cannot read JSON ({e})") from None
    unknown = set(data) - {"model", "train"}
    if unknown:
        raise ValueError(f"--config {path}: unknown sections {', '.join(sorted(unknown))} (allowed: model, train)")
    return TokenizerConfig.from_dict(data.get("model", {})), TrainConfig.from_dict(data.get("train", {}))


def losses(model: MotionTokenizer, raw: torch.Tensor, mask: torch.Tensor, mean, std, cfg: TrainConfig):
    x = (raw - mean) / std
    recs, commit = model(x)
    gt_pos = joint_positions(raw)
    gt_rel = gt_pos - gt_pos[..., :1, :]
    m = mask[..., None]
    denom = mask.sum().clamp(min=1)
    out = {"commit": commit}
    total = cfg.w_commit * commit
    for k, rec in enumerate(recs):
        raw_rec = rec * std + mean
        pos = joint_positions(raw_rec)
        rel = pos - pos[..., :1, :]
        feat = (F.smooth_l1_loss(rec, x, reduction="none", beta=0.1) * m).sum() / denom / x.shape[-1]
        pos_l = ((rel - gt_rel).abs().mean((-1, -2)) * mask).sum() / denom
        root_l = ((pos[..., 0, :] - gt_pos[..., 0, :]).abs().mean(-1) * mask).sum() / denom
        vmask = mask[:, 1:] * mask[:, :-1]
        vel_l = (((pos[:, 1:] - pos[:, :-1]) - (gt_pos[:, 1:] - gt_pos[:, :-1])).abs().mean((-1, -2)) * vmask).sum() \
            / vmask.sum().clamp(min=1)
        contact = raw_rec[..., SLICES["contacts"]].clamp(1e-4, 1 - 1e-4)
        contact_l = (F.binary_cross_entropy(contact, raw[..., SLICES["contacts"]], reduction="none").mean(-1) * mask).sum() / denom
        level_total = (cfg.w_feat * feat + cfg.w_pos * pos_l + cfg.w_root * root_l + cfg.w_vel * vel_l
                       + cfg.w_contact * contact_l)
        total = total + cfg.level_weights[k] * level_total
        out[f"l{k + 1}"] = level_total.detach()
        out[f"l{k + 1}_mpjpe_mm"] = (pos_l.detach() * 1000)
    out["total"] = total
    return out


def train_tokenizer(data: Path, out: Path, model_cfg: TokenizerConfig, cfg: TrainConfig, device: str = "auto",
                    log=print, progress: bool = True) -> Tokenizer:
    dev = resolve_device(device)
    torch.manual_seed(cfg.seed)
    ds = Dataset(data)
    sampler = WindowSampler(ds, "train", cfg.window, cfg.seed)
    mean = torch.tensor(ds.mean, device=dev)
    std = torch.tensor(ds.std, device=dev)
    model = MotionTokenizer(model_cfg).to(dev).train()
    opt = torch.optim.AdamW(model.parameters(), lr=cfg.lr, weight_decay=cfg.weight_decay)
    out = Path(out)
    state_dir, start, history = resume(out, {"tokenizer": model}, opt, log, "resuming from step {step} ({state_dir})")
    if start == 0:  # a fresh run
        state_dir.mkdir(parents=True, exist_ok=True)
        # k-means codebook init on a large first batch (more vectors than codes per level)
        raw, _ = sampler.batch(10**9, cfg.kmeans_batch)  # a step number training never reaches
        with torch.no_grad():
            model((torch.tensor(raw, device=dev) - mean) / std)
    t0 = time.time()
    bar = tqdm(range(start, cfg.steps), initial=start, total=cfg.steps, desc="train tokenizer",
               dynamic_ncols=True, disable=not progress)
    for step in bar:
        for g in opt.param_groups:
            g["lr"] = cosine_lr(step, cfg.steps, cfg.warmup, cfg.lr)
        raw, mask = sampler.batch(step, cfg.batch)
        parts = losses(model, torch.tensor(raw, device=dev), torch.tensor(mask, device=dev), mean, std, cfg)
        opt.zero_grad(set_to_none=True)
        parts["total"].backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        bar.set_postfix(loss=f"{parts['total'].item():.3f}", mpjpe3=f"{parts['l3_mpjpe_mm'].item():.0f}mm")
        done = step + 1
        if done % cfg.eval_every == 0 or done == cfg.steps:
            tok = Tokenizer(model, mean, std)
            metrics = evaluate(tok, ds, "val", max_clips=cfg.eval_clips)
            model.train()
            history.append({"step": done, "seconds": round(time.time() - t0, 1), "loss": parts["total"].item(),
                            **{f"val_mpjpe_l{r['level']}": r["mpjpe_mm"] for r in metrics["levels"]}})
            log(f"step {done}: val MPJPE " + ", ".join(f"level {r['level']} {r['mpjpe_mm']:.1f} mm"
                                                       for r in metrics["levels"]))
        if done % cfg.save_every == 0 or done == cfg.steps:
            save_state(state_dir, {"tokenizer": model}, opt, done, history)
    tok = Tokenizer(model, mean, std, {"train": asdict(cfg), "data_hash": ds.meta["content_hash"],
                                       "steps": cfg.steps, "history": history})
    tok.save(out, extra={"train_seconds_this_run": round(time.time() - t0, 1)})
    log(f"saved tokenizer to {out} ({cfg.steps} steps, {time.time() - t0:.0f} s this run)")
    return tok


@torch.no_grad()
def reconstruct(tok: Tokenizer, raw: np.ndarray, levels: int) -> np.ndarray:
    """One clip's raw features [T, F] through the tokenizer with `levels` levels."""
    t = len(raw)
    padded = hold_pad(raw, tok.model.pad_length(t))
    x = torch.tensor(padded[None], dtype=torch.float32, device=tok.device)
    idx = tok.encode(x)
    return tok.decode(idx, levels)[0, :t].cpu().numpy()


@torch.no_grad()
def evaluate(tok: Tokenizer, ds: Dataset, split: str = "test", max_clips: int | None = None) -> dict:
    """Per-level reconstruction figures on a split (frame-weighted over clips)."""
    tok.model.eval()
    clips = ds.split(split)
    if max_clips:
        clips = clips[:: max(1, len(clips) // max_clips)][:max_clips]
    if not clips:
        raise ValueError(f"split {split!r} of {ds.path} has no clips")
    sums = {k: np.zeros(5) for k in range(1, NUM_LEVELS + 1)}  # frames, mpjpe, root, contact_acc, global
    usage = [np.zeros(s, np.int64) for s in tok.model.config.codebook_sizes]
    for i in clips:
        raw = ds.features_of(i).astype(np.float32)
        t = len(raw)
        padded = hold_pad(raw, tok.model.pad_length(t))
        x = torch.tensor(padded[None], device=tok.device)
        idx = tok.encode(x)
        for lvl, ix in enumerate(idx):
            usage[lvl] += np.bincount(ix.flatten().cpu().numpy(), minlength=len(usage[lvl]))
        gt = joint_positions(torch.tensor(raw[None], device=tok.device))[0]
        for k in range(1, NUM_LEVELS + 1):
            rec = tok.decode(idx, k)[:, :t]
            pos = joint_positions(rec)[0]
            rel = (pos - pos[:, :1]) - (gt - gt[:, :1])
            mpjpe = rel.norm(dim=-1).mean().item() * 1000
            root = (pos[:, 0] - gt[:, 0]).norm(dim=-1).mean().item() * 100
            glob = (pos - gt).norm(dim=-1).mean().item() * 1000
            c_rec = rec[0, :, SLICES["contacts"]].cpu().numpy() > 0.5
            c_gt = raw[:, SLICES["contacts"]] > 0.5
            acc = (c_rec == c_gt).mean()
            sums[k] += np.array([t, mpjpe * t, root * t, acc * t, glob * t])
    levels = []
    for k in range(1, NUM_LEVELS + 1):
        n = sums[k][0]
        levels.append({"level": k, "mpjpe_mm": sums[k][1] / n, "root_error_cm": sums[k][2] / n,
                       "contact_acc": sums[k][3] / n, "global_mpjpe_mm": sums[k][4] / n})
    codebooks = []
    for lvl, u in enumerate(usage):
        p = u / max(u.sum(), 1)
        nz = p[p > 0]
        codebooks.append({"level": lvl + 1, "perplexity": float(np.exp(-(nz * np.log(nz)).sum())),
                          "dead_codes": int((u == 0).sum()), "size": len(u)})
    return {"split": split, "clips": len(clips), "frames": int(sums[1][0]), "levels": levels, "codebooks": codebooks}


def format_eval(result: dict) -> str:
    lines = [f"split {result['split']}: {result['clips']} clips, {result['frames']} frames",
             "| levels | MPJPE (mm, root-relative) | global MPJPE (mm) | root error (cm) | foot contact acc | "
             "perplexity | dead codes |", "|---|---|---|---|---|---|---|"]
    for r, c in zip(result["levels"], result["codebooks"]):
        name = "+".join(str(k) for k in range(1, r["level"] + 1))
        lines.append(f"| {name} | {r['mpjpe_mm']:.1f} | {r['global_mpjpe_mm']:.1f} | {r['root_error_cm']:.1f} | "
                     f"{r['contact_acc'] * 100:.1f}% | {c['perplexity']:.1f} (level {c['level']}) | "
                     f"{c['dead_codes']}/{c['size']} |")
    return "\n".join(lines)


@torch.no_grad()
def decode_speed(tok: Tokenizer, seconds: float = 10.0, runs: int = 20) -> list[dict]:
    """Median decode time of a `seconds` clip per level (tokens -> raw features)."""
    t = tok.model.pad_length(int(round(seconds * 20)))
    x = torch.zeros(1, t, tok.model.config.feat_dim, device=tok.device) + tok.mean
    idx = tok.encode(x)
    out = []
    for k in range(1, NUM_LEVELS + 1):
        times = []
        for _ in range(runs + 2):
            t0 = time.perf_counter()
            tok.decode(idx, k)
            times.append(time.perf_counter() - t0)
        out.append({"level": k, "median_ms": float(np.median(times[2:]) * 1000)})
    return out

