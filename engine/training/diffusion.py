"""Training the cascade: base denoiser (level 1 + length predictor) and super-resolution
denoisers (levels 2 and 3), on tokenizer latents of the dataset and encoded captions.

Preparation (once per process): every clip is encoded by the frozen tokenizer into codebook
latents per level, every training caption by the frozen text encoder. Each step then draws
clips and captions from (seed, step), crops long clips at a level-1 token boundary, noises the
target level's normalised latents and regresses the clean latents. Captions are dropped for
10% of samples (classifier-free guidance, Denoiser.drop_text: the same null condition sampling
uses); super-resolution inputs get the ground-truth lower levels through the same
cascade.lower_condition as sampling, with a little noise, so they tolerate the sampled ones.
"""
from __future__ import annotations

import hashlib
import os
import re
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

import numpy as np
import torch
from tqdm import tqdm

from ..checkpoint import save_checkpoint
from ..config import from_dict
from ..data.compose import second_part_start
from ..data.dataset import Dataset
from ..device import resolve_device
from ..models.denoiser import Denoiser, DenoiserConfig, LengthPredictor
from ..cascade import DENOISERS, LENGTH, LEVELS, STRIDES, lower_condition
from ..models.diffusion import DIFFUSION_STEPS, CosineSchedule
from ..models.tokenizer import Tokenizer
from ..representation import dmv1
from ..text import TextEncoder
from .common import cosine_lr, load_finished, resume, save_state
from .windows import hold_pad


@dataclass
class DiffusionTrainConfig:
    steps: int = 3000
    batch: int = 64
    lr: float = 3e-4
    warmup: int = 200
    max_seconds: float = 12.0
    cond_drop: float = 0.1
    lower_noise: float = 0.1
    save_every: int = 250
    seed: int = 0
    # Continuation: this share of samples sees a known prefix of its own clip (0.4 s steps up to
    # max_prefix_s, never the whole crop) and learns to continue it; 0 trains text-only models.
    prefix_prob: float = 0.0
    max_prefix_s: float = 3.2
    # A prefix drawn from its own clip teaches "keep doing what the prefix does", and timeline
    # segments then hold on to the action before them. So a one-after-the-other composed clip
    # drawn with a prefix has, with this probability, its prefix end where its second action
    # begins and that action's own caption: the continuation learns to change what it does when
    # the text says so.
    switch_prob: float = 0.0
    # Fine-tuning: start from this model directory's denoiser (and length predictor) of the same
    # level; layers it lacks (the prefix channel) start at zero, so training begins from its behaviour.
    init: str = ""
    # Sampling: clips are drawn per group ("single", "composed:spatial", "composed:temporal") with
    # these shares (empty: every clip alike), and single clips within their group with weight
    # count(action) ** -balance, so that an action with 18 takes (bow) is not drowned by one
    # with 540 (run); 0 keeps the capture's proportions.
    mix: dict = field(default_factory=dict)
    balance: float = 0.0
    # Rare actions without flattening the rest: every action with at least floor_min_takes single
    # clips gets at least action_floor of the single draws (bow: 18 takes, 0.4% of draws by
    # count), the others keep their capture proportions within what is left. balance, by contrast,
    # also shrinks the common actions' differences and overdraws actions of 2 takes.
    action_floor: float = 0.0
    floor_min_takes: int = 10
    # Clips shorter than extend_s that stay on the spot (root under STILL_SPEED) are, for
    # extend_prob of their draws, asked for at a longer length (up to extend_s) with their last
    # pose held: a 2.2-s raise asked for 4 s raises the hand and stays instead of falling back to
    # standing idle. Clips that travel are never held (a frozen stride is no motion). The length
    # predictor keeps real lengths.
    extend_s: float = 0.0
    extend_prob: float = 0.0
    # Each caption token (but the first) is hidden from the denoiser with this probability, so no
    # single word carries an action alone and wordings the captions never used still land.
    text_token_drop: float = 0.0
    # The text path (text projection, null condition, cross-attention, the length predictor) learns
    # at lr times this: a model carried to another text encoder (encoder_swap.py) has its motion
    # layers to keep and its reading of text to relearn.
    text_lr_scale: float = 1.0
    model: dict = field(default_factory=dict)  # DenoiserConfig overrides

    @classmethod
    def from_dict(cls, d: dict) -> "DiffusionTrainConfig":
        return from_dict(cls, d, "diffusion training")


STILL_SPEED = 0.3  # m/s: a clip whose root travels slower than this may be held at its end (extend_s)


def _encoder_fingerprint(encoder: TextEncoder) -> str:
    """The encoder's id and a hash of its first weights: a directory of the same name with other
    weights is another encoder."""
    first = next(encoder.model.parameters()).detach().flatten()[:4096].float().cpu().numpy()
    return f"{encoder.id}|{hashlib.sha1(first.tobytes()).hexdigest()[:16]}"


def encode_captions(captions: list[str], encoder: TextEncoder, cache_dir: Path, progress=True):
    """Token states (float16, unpadded) and pooled vectors per caption, kept between runs in
    cache_dir/text-cache: a larger encoder takes minutes over a dataset's captions, and every
    level and stage of a cascade trains on the same ones. An unreadable cache is re-made."""
    path = Path(cache_dir) / "text-cache" / (re.sub(r"[^A-Za-z0-9._-]+", "_", encoder.id) + ".pt")
    key = _encoder_fingerprint(encoder)
    known: dict[str, tuple[torch.Tensor, torch.Tensor]] = {}
    if path.is_file():
        try:
            saved = torch.load(path, map_location="cpu", weights_only=True)
            if saved.get("encoder") == key:
                known = dict(zip(saved["captions"], zip(saved["states"], saved["pooled"])))
        except Exception:  # noqa: BLE001 - a cache is only a cache
            known = {}
    todo = [c for c in captions if c not in known]
    bs = 128
    for s in tqdm(range(0, len(todo), bs), desc="encode captions", disable=not progress or not todo,
                  dynamic_ncols=True):
        enc = encoder.encode(todo[s:s + bs])
        for j, c in enumerate(todo[s:s + bs]):
            n = int(enc.mask[j].sum())
            known[c] = (enc.states[j, :n].half().cpu(), enc.pooled[j].cpu())
    if todo:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            names = sorted(known)
            tmp = path.with_suffix(".tmp")
            torch.save({"encoder": key, "captions": names, "states": [known[c][0] for c in names],
                        "pooled": torch.stack([known[c][1] for c in names])}, tmp)
            os.replace(tmp, path)
        except OSError:
            pass  # a read-only dataset trains as before, encoding again next time
    return [known[c][0] for c in captions], torch.stack([known[c][1] for c in captions])


def floor_actions(w: np.ndarray, actions: list, floor: float, min_takes: int) -> np.ndarray:
    """Raise each action's share of the single clips' weight to at least `floor`.

    `actions[i]` is clip i's action (None: not a single clip, weight kept). Actions with fewer than
    `min_takes` clips keep their share: a floor would make a model learn two takes by heart.
    """
    if not 0.0 <= floor < 1.0:
        raise ValueError(f"action_floor: {floor} is not in [0, 1)")
    single = np.array([a is not None for a in actions])
    total = w[single].sum()
    if total <= 0:
        return w
    by = {}
    for i, a in enumerate(actions):
        if a is not None:
            by.setdefault(a, []).append(i)
    share = {a: w[ix].sum() / total for a, ix in by.items()}
    eligible = [a for a, ix in by.items() if len(ix) >= min_takes]
    raised: set = set()
    while True:  # shrinking the rest can take another action under the floor
        if floor * len(raised) >= 1.0:
            raise ValueError(f"action_floor: {floor} x {len(raised)} actions under it is 1 or more; "
                             f"allowed: below {1.0 / len(raised):.3f}")
        rest = sum(share[a] for a in by if a not in raised)
        scale_rest = (1.0 - floor * len(raised)) / rest if rest > 0 else 0.0
        under = {a for a in eligible if a not in raised and share[a] * scale_rest < floor}
        if not under:
            break
        raised |= under
    out = w.copy()
    for a, ix in by.items():
        out[ix] *= (floor / share[a]) if a in raised else scale_rest
    return out * (total / out[single].sum())


class LatentData:
    """Tokenizer latents (codebook vectors) per clip and level, and encoded captions."""

    def __init__(self, ds: Dataset, tok: Tokenizer, encoder: TextEncoder, split: str = "train", progress=True,
                 extend_s: float = 0.0):
        self.ds, self.encoder = ds, encoder
        self._weights: dict = {}
        self.text_maps: dict = {}  # init's encoder id -> maps from this encoder (_text_maps)
        self.clips = ds.split(split) or list(range(len(ds)))
        self.codes: dict[int, list[torch.Tensor]] = {k: [] for k in LEVELS}
        self.frames = []
        with torch.no_grad():
            for i in tqdm(self.clips, desc="encode latents", disable=not progress, dynamic_ncols=True):
                raw = ds.features_of(i).astype(np.float32)
                still = np.linalg.norm(raw[:, dmv1.SLICES["root_xz_vel"]], axis=-1).mean() * dmv1.FPS < STILL_SPEED
                padded = hold_pad(raw, tok.model.pad_length(max(len(raw), int(extend_s * dmv1.FPS) if still else 0)))
                idx = tok.encode(torch.tensor(padded[None], device=tok.device))
                for k in LEVELS:
                    self.codes[k].append(tok.model.vq[k - 1].codebook[idx[k - 1][0]].cpu())
                self.frames.append(len(raw))
        # Level-1 tokens that hold real frames (the rest, if any, is the held last pose).
        self.real_tokens1 = [-(-n // STRIDES[1]) for n in self.frames]
        self.stats = {}
        for k in LEVELS:
            per1 = STRIDES[1] // STRIDES[k]
            allc = torch.cat([c[:n * per1] for c, n in zip(self.codes[k], self.real_tokens1)])
            self.stats[k] = (allc.mean(0), allc.std(0).clamp(min=1e-3))
        # One-after-the-other composed clips: the frame their second action starts at and its captions.
        self.switches: dict[int, tuple[int, list[str]]] = {}
        for p, i in enumerate(self.clips):
            rec = ds.records[i]
            names = [q + ("~mirror" if rec["mirrored"] else "") for q in rec.get("parts", ())]
            parts = [ds.records[ds.index(q)] for q in names if q in ds]
            if rec["source"] == "composed:temporal" and len(parts) == 2:
                self.switches[p] = (second_part_start(parts[0]["frames"], parts[1]["frames"]), parts[1]["captions"])
        captions = sorted({c for i in self.clips for c in ds.records[i]["captions"]}
                          | {c for _, caps in self.switches.values() for c in caps})
        self.caption_index = {c: n for n, c in enumerate(captions)}
        self.text_states, self.text_pooled = encode_captions(captions, encoder, ds.path, progress)

    def weights(self, cfg: DiffusionTrainConfig) -> np.ndarray | None:
        """Draw probability per clip from cfg.mix, cfg.balance and cfg.action_floor (None: uniform)."""
        if not cfg.mix and not cfg.balance and not cfg.action_floor:
            return None
        recs = [self.ds.records[i] for i in self.clips]
        groups = [r["source"] if r["source"].startswith("composed") else "single" for r in recs]
        actions = Counter(r["action"] for r in recs)
        w = np.array([float(actions[r["action"]]) ** -cfg.balance if g == "single" else 1.0
                      for r, g in zip(recs, groups)])
        if cfg.action_floor:
            w = floor_actions(w, [r["action"] if g == "single" else None for r, g in zip(recs, groups)],
                              cfg.action_floor, cfg.floor_min_takes)
        if cfg.mix:
            unknown = set(cfg.mix) - {"single", "composed:spatial", "composed:temporal"}
            if unknown:
                raise ValueError(f"mix: unknown groups {sorted(unknown)}; allowed: single, composed:spatial, "
                                 "composed:temporal")
            for g in set(groups):
                sel = np.array([x == g for x in groups])
                w[sel] *= cfg.mix.get(g, 0.0) / w[sel].sum()
        if w.sum() <= 0:
            raise ValueError("mix gives every training clip weight 0")
        return w / w.sum()

    def batch(self, step: int, size: int, level: int, cfg: DiffusionTrainConfig, device):
        rng = np.random.default_rng([cfg.seed, level, step])
        key = (tuple(sorted(cfg.mix.items())), cfg.balance, cfg.action_floor, cfg.floor_min_takes)
        if key not in self._weights:
            self._weights[key] = self.weights(cfg)
        weights = self._weights[key]
        picks = (rng.integers(0, len(self.clips), size) if weights is None
                 else rng.choice(len(self.clips), size=size, p=weights))
        max_tokens1 = int(cfg.max_seconds * dmv1.FPS) // STRIDES[1]
        items = []
        max_prefix1 = max(1, int(cfg.max_prefix_s * dmv1.FPS) // STRIDES[1])
        forced = {}  # item -> its switching prefix, in level-1 tokens
        for p in picks:
            rec = self.ds.records[self.clips[p]]
            cap = rec["captions"][rng.integers(len(rec["captions"]))]
            n1 = self.real_tokens1[p]
            seconds = self.frames[p] / dmv1.FPS
            if (cfg.switch_prob > 0 and cfg.prefix_prob > 0 and p in self.switches
                    and rng.random() < cfg.prefix_prob * cfg.switch_prob):
                begin, second_caps = self.switches[p]
                boundary1 = begin // STRIDES[1]
                if 0 < boundary1 < n1 - 1:
                    forced[len(items)] = int(rng.integers(1, min(boundary1, max_prefix1) + 1))
                    cap = second_caps[rng.integers(len(second_caps))]
                    seconds = (self.frames[p] - boundary1 * STRIDES[1]) / dmv1.FPS
            if len(items) in forced:  # from the prefix before the second action to the clip's end
                start1 = boundary1 - forced[len(items)]
                take1 = min(n1 - start1, max_tokens1)
            else:
                if n1 < len(self.codes[1][p]) and rng.random() < cfg.extend_prob:
                    n1 = int(rng.integers(n1, len(self.codes[1][p]) + 1))  # asked for longer: the pose holds
                start1 = int(rng.integers(0, max(n1 - max_tokens1, 0) + 1))
                take1 = min(n1, max_tokens1)
            # The same crop at every level: level-1 token boundaries, scaled to each level's rate.
            crop = {k: self.codes[k][p][start1 * (STRIDES[1] // STRIDES[k]):(start1 + take1) * (STRIDES[1] // STRIDES[k])]
                    for k in range(1, level + 1)}
            items.append((crop, self.caption_index[cap], seconds))
        length = max(len(crop[level]) for crop, *_ in items)
        code_dim = items[0][0][level].shape[-1]
        x0 = torch.zeros(size, length, code_dim)
        mask = torch.zeros(size, length, dtype=torch.bool)
        lower = torch.zeros(size, length, code_dim * (level - 1)) if level > 1 else None
        mean, std = self.stats[level]
        for b, (crop, _, _) in enumerate(items):
            t = crop[level]
            x0[b, :len(t)] = (t - mean) / std
            mask[b, :len(t)] = True
            if level > 1:
                lower[b, :len(t)] = lower_condition(crop, level, self.stats)
        text_n = max(len(self.text_states[c]) for _, c, _ in items)
        states = torch.zeros(size, text_n, self.encoder.dim)
        tmask = torch.zeros(size, text_n, dtype=torch.bool)
        for b, (_, c, _) in enumerate(items):
            s = self.text_states[c]
            states[b, :len(s)] = s.float()
            tmask[b, :len(s)] = True
        if cfg.text_token_drop > 0:
            hide = torch.tensor(rng.random(tmask.shape) < cfg.text_token_drop)
            hide[:, 0] = False
            tmask &= ~hide
        pooled = self.text_pooled[[c for _, c, _ in items]]
        seconds = torch.tensor([s for *_, s in items])
        drop = torch.tensor(rng.random(size) < cfg.cond_drop)
        noise = torch.tensor(rng.standard_normal(x0.shape), dtype=torch.float32)
        t = torch.tensor(rng.integers(0, DIFFUSION_STEPS, size))
        known = torch.zeros(size, length, dtype=torch.bool)
        if cfg.prefix_prob > 0:
            per_token = STRIDES[1] // STRIDES[level]  # this level's latents per level-1 token
            for b, (crop, _, _) in enumerate(items):
                n1 = len(crop[1])
                if b in forced:
                    known[b, : forced[b] * per_token] = True
                elif n1 > 1 and rng.random() < cfg.prefix_prob:
                    known[b, : int(rng.integers(1, min(n1 - 1, max_prefix1) + 1)) * per_token] = True
        if lower is not None:
            lower = lower + cfg.lower_noise * torch.tensor(rng.standard_normal(lower.shape), dtype=torch.float32)
        to = lambda v: None if v is None else v.to(device)  # noqa: E731
        return dict(x0=to(x0), mask=to(mask), lower=to(lower), states=to(states), tmask=to(tmask), pooled=to(pooled),
                    seconds=to(seconds), drop=to(drop), noise=to(noise), t=to(t), known=to(known))


def train_denoiser(data: LatentData, level: int, out: Path, cfg: DiffusionTrainConfig, device="auto",
                   log=print, progress=True) -> Denoiser:
    dev = resolve_device(device)
    torch.manual_seed(cfg.seed + level)
    code_dim = data.codes[1][0].shape[-1]
    mcfg = DenoiserConfig(**{"level": level, "code_dim": code_dim, "text_dim": data.encoder.dim,
                             "max_len": int(cfg.max_seconds * dmv1.FPS) // STRIDES[level] + 8,
                             "prefix": cfg.prefix_prob > 0, **cfg.model})
    model = Denoiser(mcfg)
    length = LengthPredictor(data.encoder.dim) if level == 1 else None
    out = Path(out)
    # Level 1's length predictor trains with it and lives beside it: without it, train again.
    beside = length is None or (out.parent / LENGTH.directory / "config.json").exists()
    if beside and load_finished(out, "train", asdict(cfg), data.ds.meta["content_hash"], model, DENOISERS[level].kind):
        log(f"level {level}: {out} already holds this training's result; kept")
        return model.to(dev).eval()
    if cfg.init:
        _initialise(model, length, Path(cfg.init), level, log, data)
    model = model.to(dev).train()
    modules = {"denoiser": model}
    if length is not None:
        length = length.to(dev).train()
    if length is not None:
        modules["length"] = length
    params = [p for m in modules.values() for p in m.parameters()]
    opt = torch.optim.AdamW(_param_groups(model, length, cfg.text_lr_scale), lr=cfg.lr, weight_decay=0.01)
    schedule = CosineSchedule()
    state_dir, start, history = resume(out, modules, opt, log, f"resuming level {level} from step {{step}}")
    t0 = time.time()
    bar = tqdm(range(start, cfg.steps), initial=start, total=cfg.steps, desc=f"train level {level}",
               dynamic_ncols=True, disable=not progress)
    for step in bar:
        for g in opt.param_groups:
            g["lr"] = cosine_lr(step, cfg.steps, cfg.warmup, cfg.lr) * g["scale"]
        b = data.batch(step, cfg.batch, level, cfg, dev)
        states, tmask = model.drop_text(b["states"], b["tmask"], b["drop"])
        x_t = schedule.add_noise(b["x0"], b["noise"], b["t"])
        pred = model(x_t, b["t"], states, tmask, b["lower"], b["mask"], known=b["x0"], known_mask=b["known"])
        m = (b["mask"] & ~b["known"])[..., None].float()  # the known prefix is given, not learned
        loss = ((pred - b["x0"]) ** 2 * m).sum() / (m.sum() * pred.shape[-1])
        if length is not None:
            loss = loss + 0.1 * length.loss(b["pooled"], b["seconds"])
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(params, 1.0)
        opt.step()
        bar.set_postfix(loss=f"{loss.item():.4f}")
        done = step + 1
        if done % 100 == 0:
            history.append({"step": done, "loss": round(loss.item(), 5), "seconds": round(time.time() - t0, 1)})
        if done % cfg.save_every == 0 or done == cfg.steps:
            save_state(state_dir, modules, opt, done, history)
    model.eval()
    mean, std = data.stats[level]
    extra = {"text_encoder": data.encoder.id, "train": asdict(cfg), "history": history,
             "data_hash": data.ds.meta["content_hash"]}
    save_checkpoint(out, DENOISERS[level].kind, mcfg.to_dict(), model.state_dict(), mean, std, extra)
    if length is not None:
        length.eval()
        save_checkpoint(out.parent / LENGTH.directory, LENGTH.kind, {"text_dim": data.encoder.dim}, length.state_dict(),
                        torch.zeros(1), torch.ones(1), {"text_encoder": data.encoder.id})
    log(f"saved level-{level} denoiser to {out} ({time.time() - t0:.0f} s)")
    return model


def _param_groups(model: Denoiser, length: LengthPredictor | None, text_scale: float) -> list[dict]:
    """One optimizer group, or two when the text path learns at its own rate (text_lr_scale)."""
    every = list(model.parameters()) + ([] if length is None else list(length.parameters()))
    if text_scale == 1.0:
        return [{"params": every, "scale": 1.0}]
    if not 0.0 < text_scale <= 100.0:
        raise ValueError(f"text_lr_scale: {text_scale} is not in (0, 100]")
    text = [model.text_proj.weight, model.text_proj.bias, model.null_text]
    text += [p for b in model.blocks for p in (*b.cross_attn.parameters(), *b.norm2.parameters())]
    text += [] if length is None else list(length.parameters())
    ids = {id(p) for p in text}
    return [{"params": [p for p in every if id(p) not in ids], "scale": 1.0}, {"params": text, "scale": text_scale}]


def _initialise(model: Denoiser, length: LengthPredictor | None, init: Path, level: int, log,
                data: LatentData | None = None) -> None:
    """Weights of `init` (a model directory) for this level; new layers start at zero. An init
    trained on another text encoder has its text input carried across (encoder_swap.py)."""
    from ..cascade import read_cascade_json
    from ..checkpoint import load_checkpoint
    meta = read_cascade_json(init)
    _, state, _, _ = load_checkpoint(init / meta["parts"][DENOISERS[level].key], DENOISERS[level].kind)
    lstate = None
    if length is not None:
        _, lstate, _, _ = load_checkpoint(init / meta["parts"][LENGTH.key], LENGTH.kind)
    if data is not None and meta.get("text_encoder") and meta["text_encoder"] != data.encoder.id:
        from .encoder_swap import transfer_denoiser, transfer_length
        maps = _text_maps(data, init, meta["text_encoder"], log)
        state = transfer_denoiser(state, maps[0])
        if lstate is not None:
            lstate = transfer_length(lstate, maps[1])
    missing, unexpected = model.load_state_dict(state, strict=False)
    if unexpected or any(not k.startswith("known.") for k in missing):
        raise ValueError(f"--init {init}: level {level} does not fit this configuration "
                         f"(missing {missing[:3]}, unexpected {unexpected[:3]})")
    if hasattr(model, "known") and "known.weight" in missing:  # a text-only model gains a prefix channel
        torch.nn.init.zeros_(model.known.weight)
        torch.nn.init.zeros_(model.known.bias)
    if length is not None:
        length.load_state_dict(lstate)
    log(f"level {level}: starting from {init}")


def _text_maps(data: LatentData, init: Path, old_id: str, log):
    """Maps (sentence tokens, pooled vectors) from this run's encoder to the init's, fitted on
    the training captions once per run and shared by its levels."""
    from ..text import load_text_encoder
    from .encoder_swap import fit_text_map, sentence_means
    cache = data.text_maps
    if old_id not in cache:
        old = load_text_encoder(old_id)
        old_states, old_pooled = encode_captions(list(data.caption_index), old, data.ds.path, progress=False)
        tokens = fit_text_map(sentence_means(data.text_states), sentence_means(old_states))
        pooled = fit_text_map(data.text_pooled, old_pooled)
        log(f"--init {init} read text with {old_id}: its text input carried over to {data.encoder.id} "
            f"(linear map on {len(old_states)} captions; held-out R2 {tokens.r2:.3f} tokens, {pooled.r2:.3f} pooled)")
        cache[old_id] = (tokens, pooled)
    return cache[old_id]
