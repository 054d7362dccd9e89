"""Text -> motion, progressively: level 1 for the whole clip first, then 2, then 3.

The pipeline owns the frozen parts (tokenizer, text encoder) and the cascade (base denoiser,
two super-resolution denoisers, length predictor). `generate` is a generator that yields each
level's decoded frames as soon as that level exists, so a server can send level 1 while
level 2 is still being sampled. Every request owns its random stream (seeded per prompt), so a
prompt gives the same motion alone or in a batch.
"""
from __future__ import annotations

import time
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from typing import Iterator

import numpy as np
import torch

from .continuation import EncodedHistory, Placement, encode_histories
from .cascade import DENOISERS, LENGTH, LEVELS, STRIDES, TOKENIZER, lower_condition, read_cascade_json
from .models.denoiser import Denoiser, LengthPredictor
from .models.diffusion import DIFFUSION_STEPS, CosineSchedule, ddim_sample
from .models.tokenizer import Tokenizer
from .representation import dmv1
from .request import GenerationLimits, GenerationRequest, RequestError, Segment
from .text import TextEncoder, TextInputError



def generator_seed(seed: int) -> int:
    """The request's 64-bit seed as the noise generator's seed. torch's CPU generator (mt19937)
    takes only the low 32 bits, so seeds s and s + 2**32 (or s + 2**63) would give the same
    motion. Seeds below 2**32 are used as they are (motions made with them stay the same); larger
    ones are hashed over all 64 bits (splitmix64) into 32, so no two seeds collide by structure,
    only by chance (2**-32 for two random seeds)."""
    seed = int(seed) & 0xFFFFFFFFFFFFFFFF
    if seed < 1 << 32:
        return seed
    z = (seed + 0x9E3779B97F4A7C15) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & 0xFFFFFFFFFFFFFFFF
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & 0xFFFFFFFFFFFFFFFF
    return (z ^ (z >> 31)) >> 32

@dataclass
class LevelOutput:
    level: int
    features: list[np.ndarray]  # per prompt, raw dm-v1 features of its new frames [T_i, 269]
    compute_s: float
    placements: list = field(default_factory=list)  # per prompt: where its frames start (Placement)

    def motion(self, prompt: int = 0):
        """One prompt's frames at this level as a Motion, where its history (if any) left off."""
        place = self.placements[prompt] if self.placements else Placement()
        return place.place(self.features[prompt])


@dataclass
class CascadeSettings:
    # DDIM steps per level. 8 / 4 / 4 (was 20 / 10 / 10, one `--steps 20 10 10` away): first frames 2x and
    # the whole cascade 2.3x faster with R-precision within its interval and better probes
    # (docs/RESULTS.md, "Sampling steps").
    sample_steps: dict = field(default_factory=lambda: {1: 8, 2: 4, 3: 4})
    diffusion_steps: int = DIFFUSION_STEPS
    # Classifier-free guidance as one batched forward pass per step (see ddim_sample).
    batched_guidance: bool = True
    # Encoded prompts kept (least recently used dropped): sessions repeat their idle prompt and
    # games their commands, and a batch of 8 spends ~20 ms encoding text. 0 turns it off.
    text_cache: int = 256
    # A prompt that says an order ("jogs, then bows") runs as a timeline of its parts, and one
    # that moves about while it gestures ("walks while waving") as the two spliced at the spine
    # (engine/text/plan.py); False keeps every prompt one piece.
    plan_prompts: bool = True
    # How much nearer (cosine) a part's text must be to one kind's phrases than to the other's
    # to count as a way of moving about or a gesture.
    kind_margin: float = 0.05


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
        self._texts: OrderedDict[str, tuple[torch.Tensor, torch.Tensor]] = OrderedDict()  # text -> (states, pooled)
        self._kinds: tuple[torch.Tensor, ...] | None = None  # movement / gesture / still / manner phrases, encoded
        # Reads a prompt's candidate cuts (`composition`); None: the model's own text encoder.
        # `load_cascade(judge="minilm")` gives a model with a larger encoder MiniLM for it: a fifth
        # of the time and the same decisions on every eval and probe prompt, but it reads verbs
        # the phrase tables lack worse ("a guard paces nervously" as staying put), so the model's
        # own is the default (docs/RESULTS.md, "Planning: cuts that only leave a manner, and a
        # faster judge tried").
        self.judge: TextEncoder | None = None
        self._plans: OrderedDict[str, tuple[str, str] | None] = OrderedDict()  # text -> composition
        for level, model in self.denoisers.items():
            if model.config.distilled_steps:  # a distilled level takes the steps it was taught (--steps overrides)
                self.settings.sample_steps[level] = model.config.distilled_steps
        self.schedule = CosineSchedule(self.settings.diffusion_steps)
        self.meta = {"model_version": "deepmotion (unnamed)", "licence": "unknown"}

    @property
    def skeleton(self):
        from deepmotion_client.motion.skeleton import canonical_skeleton
        return canonical_skeleton()

    @property
    def max_frames(self) -> int:
        """The longest history + new frames every level's denoiser can take."""
        return min(d.config.max_len * STRIDES[level] for level, d in self.denoisers.items())

    @property
    def levels(self) -> int:
        return len(self.denoisers)

    @property
    def device(self) -> torch.device:
        return self.tokenizer.device

    # ---- requests ---------------------------------------------------------------------
    def validate(self, request: GenerationRequest) -> GenerationRequest:
        """The one validation of a request (fields, then what the text encoder can take);
        returns it with the model's defaults resolved. Raises RequestError naming the field."""
        request.validate(self.limits, self.levels, len(self.skeleton))
        for i, text in enumerate(request.texts):
            problem = self.text_encoder.problem(text)
            if problem:
                raise RequestError(f"segments[{i}].text" if request.segments else "text", problem)
        return request.resolved(self.limits, self.levels)

    def plan(self, request: GenerationRequest) -> GenerationRequest:
        """A validated text request whose prompt names an order, as a timeline of its parts
        (seconds shared by the length predictor's guesses); any other request as it is."""
        from .text.plan import plan_durations, share_subject, split_sequence
        if not self.settings.plan_prompts or request.segments or not request.text:
            return request
        parts = list(share_subject(*split_sequence(request.text)))
        if len(parts) < 2 or len(parts) > self.limits.max_segments or any(self.text_encoder.problem(p) for p in parts):
            return request
        with torch.no_grad():
            _, pooled = self._encode_texts(parts)
            guesses = self.durations_for(parts, None, pooled.to(self.device))
        total = request.duration_s or min(sum(guesses), self.limits.max_timeline_s)
        seconds = plan_durations(parts, total, guesses, self.limits.min_duration_s)
        if seconds is None or max(seconds) > self.limits.max_duration_s:
            return request
        return replace(request, text="", duration_s=None, segments=tuple(Segment(p, s) for p, s in zip(parts, seconds)))

    def composition(self, text: str) -> tuple[str, str] | None:
        """(movement, gesture) when `text` asks for a way of moving about and a gesture at
        once ("a guard paces while waving"), else None. Which part is which is a text
        encoder's judgement (`judge`, else the model's own) against the phrases the composed
        training clips are captioned with, so wording the planner never listed still counts."""
        if not self.settings.plan_prompts:
            return None
        if text in self._plans:
            self._plans.move_to_end(text)
            return self._plans[text]
        parts = self._judge_cuts(text)
        self._plans[text] = parts  # kept as long as encoded prompts are (text_cache; 0: none)
        while len(self._plans) > self.settings.text_cache:
            self._plans.popitem(last=False)
        return parts

    def _judge_cuts(self, text: str) -> tuple[str, str] | None:
        from .text.plan import predicate, share_subject, simultaneous_cuts, split_sequence, without_manner
        if len(split_sequence(text)) > 1:  # an order is the timeline's to plan (`plan`)
            return None
        cuts = simultaneous_cuts(text)
        judge = self._judge_encoder
        cuts = [c for c in cuts if not any(self.text_encoder.problem(p) or judge.problem(p) for p in c)]
        if not cuts:
            return None
        movement, gesture, still, manner = self._kind_phrases()
        parts = [p for cut in cuts for p in cut]
        pooled = torch.nn.functional.normalize(judge.encode(parts).pooled.float().cpu(), dim=-1)
        near_m, near_g = (pooled @ movement.T).max(-1).values, (pooled @ gesture.T).max(-1).values
        near_s = (pooled @ still.T).max(-1).values
        lean = (near_m - near_g).view(-1, 2)  # > 0: more a way of moving about, < 0: more a gesture
        # Of the cuts whose parts are one of each kind, the one both parts are surest of
        # ("paces back and forth | waving", not "paces back | and forth waving").
        sure = torch.maximum(torch.minimum(lean[:, 0], -lean[:, 1]), torch.minimum(-lean[:, 0], lean[:, 1]))
        # ... that does not only part an action from its manner: a side that is only a subject and
        # manner words ("like an elderly person", "happily", "is"), or whose predicate without them
        # is still nearer a manner than either kind ("like a drunk"), says how the other side is
        # done. Checked best cut first, so a prompt pays for the few words it is checked on.
        for k in sorted(range(len(cuts)), key=lambda i: -float(sure[i])):
            if float(sure[k]) <= self.settings.kind_margin:
                return None
            if not self._only_manner([without_manner(predicate(p)) for p in cuts[k]], manner, movement, gesture):
                break
        else:
            return None
        a, b = cuts[k]
        moving = 2 * k if float(lean[k, 0]) > 0 else 2 * k + 1
        if float(near_s[moving]) >= float(near_m[moving]):  # "stands", "waits": staying put is no movement
            return None
        return share_subject(*((a, b) if float(lean[k, 0]) > 0 else (b, a)))

    @property
    def _judge_encoder(self) -> TextEncoder:
        return self.judge or self.text_encoder

    def _only_manner(self, rests: list[str], manner, movement, gesture) -> bool:
        """Whether either side of a cut, as its predicate without manner words, is no action."""
        if not all(rests):
            return True
        pooled = self._judge_encoder.encode(rests).pooled.float().cpu()
        pooled = torch.nn.functional.normalize(pooled, dim=-1)
        kinds = torch.maximum((pooled @ movement.T).max(-1).values, (pooled @ gesture.T).max(-1).values)
        return bool(((pooled @ manner.T).max(-1).values >= kinds).any())

    def _kind_phrases(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor, torch.Tensor]:
        """Normalised pooled embeddings of the movement, gesture, staying-put and manner phrases
        (encoded once, by the judge)."""
        if self._kinds is None:
            from .data.compose import GESTURES, LOCOMOTION
            from .text.plan import MANNER_PHRASES, STILL_PHRASES
            phrases = [[p for choices in table.values() for pair in choices for p in pair] for table in (LOCOMOTION, GESTURES)]
            groups = [phrases[0], phrases[1], STILL_PHRASES, MANNER_PHRASES]
            enc = self._judge_encoder.encode([p for g in groups for p in g])
            pooled = torch.nn.functional.normalize(enc.pooled.float().cpu(), dim=-1)
            ends = np.cumsum([0] + [len(g) for g in groups])
            self._kinds = tuple(pooled[a:b] for a, b in zip(ends[:-1], ends[1:]))
        return self._kinds

    # ---- helpers ------------------------------------------------------------------------
    def _snap(self, level: int, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Denormalise latents and snap each to its nearest codebook entry -> (codes, indices)."""
        mean, std = self.latent_stats[level]
        z = x * std + mean
        codebook = self.tokenizer.model.vq[level - 1].codebook  # [K, C]
        idx = torch.cdist(z.reshape(-1, z.shape[-1]), codebook).argmin(-1).reshape(z.shape[:-1])
        return codebook[idx], idx

    def durations_for(self, texts, durations, pooled) -> list[float]:
        predicted = self.length_predictor.predict_seconds(pooled).cpu().tolist()
        out = []
        for i, _ in enumerate(texts):
            d = durations[i] if durations is not None and durations[i] else predicted[i]
            out.append(float(min(max(d, self.limits.min_duration_s), self.limits.max_duration_s)))
        return out

    # ---- generation ---------------------------------------------------------------------
    @torch.no_grad()
    def prepare(self, texts: list[str], durations: list[float] | None, seeds: list[int],
                histories: list | None = None) -> list["PromptState"]:
        """Encode the prompts (and the motions they continue), predict the lengths not given,
        fix each one's random stream. Runs on the engine thread: all of it is model work."""
        # The compositions first, so that prompts and parts are encoded as one batch.
        plans = [self.composition(t) for t in texts]
        everything, pooled = self._encode_texts(list(texts) + [p for parts in plans if parts for p in parts])
        states, pooled = everything[:len(texts)], pooled[:len(texts)]
        parted = iter(everything[len(texts):])
        seconds = self.durations_for(texts, durations, pooled.to(self.device))
        frame_counts = [max(2, int(round(s * dmv1.FPS))) for s in seconds]
        encoded: list[EncodedHistory | None] = [None] * len(texts)
        given = [i for i in range(len(texts)) if histories is not None and histories[i] is not None]
        if given:
            for i, h in zip(given, encode_histories([histories[i] for i in given], self.tokenizer,
                                                    [self.max_frames - frame_counts[i] for i in given])):
                encoded[i] = h
        out = []
        for i, text in enumerate(texts):
            frames, history = frame_counts[i], encoded[i]
            before = history.frames if history else 0
            own = self.tokenizer.model.pad_length(before + frames)
            prompt = PromptState(text, frames, own, states[i].to(self.device),
                                 torch.Generator(device="cpu").manual_seed(generator_seed(seeds[i])), history=history)
            parts = plans[i]
            if parts is not None:
                movement, gesture = next(parted), next(parted)
                prompt.states = movement.to(self.device)
                prompt.partner = PromptState(parts[1], frames, own, gesture.to(self.device),
                                             torch.Generator(device="cpu").manual_seed(generator_seed(seeds[i] + 7919)),
                                             history=history)
            out.append(prompt)
        return out

    def _encode_texts(self, texts: list[str]) -> tuple[list[torch.Tensor], torch.Tensor]:
        """Each prompt's token states [n, D] and the pooled vectors [B, D]; prompts seen lately
        come from the cache, the rest are encoded as one batch."""
        cache = self._texts
        todo = sorted({t for t in texts if t not in cache})
        if todo:
            try:
                self.text_encoder.check(texts)  # errors name the prompt's own index
                enc = self.text_encoder.encode(todo)
            except TextInputError as e:
                raise RequestError("text", str(e)) from None
            for i, text in enumerate(todo):
                cache[text] = (enc.states[i, :int(enc.mask[i].sum())], enc.pooled[i])
        found = [cache[t] for t in texts]
        for t in texts:
            cache.move_to_end(t)
        while len(cache) > self.settings.text_cache:
            cache.popitem(last=False)
        return [s for s, _ in found], torch.stack([p for _, p in found])

    @torch.no_grad()
    def run_level(self, prompts: list["PromptState"], level: int, guidance: float) -> list[np.ndarray]:
        """Sample `level` for prompts whose lower levels exist; -> decoded features per prompt.

        Prompts may be at this stage together whatever batch they started in: each has its own
        padded length and noise stream, so its motion does not depend on its company. A prompt
        with a gesture partner (`composition`) samples it in the same batch and comes out as the
        two spliced at the spine.
        """
        asked = prompts
        for p in asked:
            if p.partner is not None:  # callers (timelines) may have re-set what the movement continues
                p.partner.history, p.partner.own = p.history, p.own
        prompts = asked + [p.partner for p in asked if p.partner is not None]
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
        known = torch.zeros(b, length, code_dim, device=dev)
        known_mask = torch.zeros(b, length, dtype=torch.bool, device=dev)
        codebook = self.tokenizer.model.vq[level - 1].codebook
        mean, std = self.latent_stats[level]
        for i, p in enumerate(prompts):
            n = p.own // stride
            states[i, :len(p.states)] = p.states
            tmask[i, :len(p.states)] = True
            mask[i, :n] = True
            noise[i, :n] = torch.randn(n, code_dim, generator=p.generator)
            if p.history is not None:
                h = p.history.frames // stride
                known[i, :h] = (codebook[p.history.indices[level - 1]] - mean) / std
                known_mask[i, :h] = True
            if level > 1:
                lower[i, :n] = lower_condition(p.codes, level, self.latent_stats)
        model = self.denoisers[level]
        null_states, null_mask = model.null_condition(b, dev)
        continuing = bool(known_mask.any())
        # A model trained with a prefix sees it; every model gets the known latents imposed on its
        # prediction, which is all an untrained one has (inpainting, the baseline).
        given = dict(known=known, known_mask=known_mask) if model.config.prefix and continuing else {}
        impose = (lambda x0: torch.where(known_mask[..., None], known, x0)) if continuing else (lambda x0: x0)

        steps = self.settings.sample_steps[level]
        if model.config.guidance_input:
            # Guidance distilled into the model: one conditional pass per step at the asked scale.
            scale = torch.full((b,), float(guidance), device=dev)
            x0 = ddim_sample(lambda x, t, _: impose(model(x, t, states, tmask, lower, mask, guidance=scale, **given)),
                             self.schedule, noise.to(dev), None, None, 1.0, steps)
        else:
            def fn(x, t, cond):
                return impose(model(x, t, cond[0], cond[1], lower, mask, **given))

            guided = None
            if self.settings.batched_guidance:
                def guided(x, t):
                    x0_c, x0_u = model.guided_pair(x, t, states, tmask, lower, mask, **given)
                    return impose(x0_c), impose(x0_u)

            x0 = ddim_sample(fn, self.schedule, noise.to(dev), (states, tmask), (null_states, null_mask), guidance,
                             steps, guided)
        codes, indices = self._snap(level, x0)
        for i, p in enumerate(prompts):
            n = p.own // stride
            p.codes[level], p.indices[level] = codes[i, :n], indices[i, :n]
        # One decoder call per padded length (a batch of sessions' pieces mostly shares one).
        decoded_by_prompt: list[np.ndarray | None] = [None] * b
        for own in sorted({p.own for p in prompts}):
            group = [i for i, p in enumerate(prompts) if p.own == own]
            idx = [torch.stack([prompts[i].indices[k] for i in group]) for k in range(1, level + 1)]
            decoded = self.tokenizer.decode(idx, level).float().cpu().numpy()
            for j, i in enumerate(group):
                decoded_by_prompt[i] = decoded[j]
        row = {id(p): i for i, p in enumerate(prompts)}
        out = []
        for p in asked:
            decoded = decoded_by_prompt[row[id(p)]]
            if p.partner is not None:
                from .data.compose import spatial_features
                decoded = spatial_features(decoded, decoded_by_prompt[row[id(p.partner)]])
            before = p.history.frames if p.history else 0
            p.placement = p.history.placement(decoded) if p.history else Placement()
            out.append(decoded[before: before + p.frames])
        return out

    def generate(self, texts: list[str], durations: list[float] | None = None, seeds: list[int] | None = None,
                 guidance: float | None = None, max_level: int | None = None,
                 histories: list | None = None) -> Iterator[LevelOutput]:
        """Prompts in one batch, level by level (training, evaluation and the CLI call this; the
        server goes through the same validate / prepare / run_level per request)."""
        if not texts:
            raise RequestError("texts", "at least one prompt is needed")
        if len(texts) > self.limits.max_batch:
            raise RequestError("texts", f"at most {self.limits.max_batch} prompts per call, got {len(texts)}")
        if durations is not None and len(durations) != len(texts):
            raise RequestError("durations", f"{len(durations)} given for {len(texts)} prompts")
        requests = []
        for i, text in enumerate(texts):
            req = GenerationRequest(text, durations[i] if durations is not None else None, None, guidance, max_level)
            try:
                requests.append(self.validate(req))
            except RequestError as e:
                raise RequestError(e.field, e.problem + (f" (prompt {i})" if len(texts) > 1 else "")) from None
        guidance, max_level = requests[0].guidance, requests[0].max_level
        prompts = self.prepare(texts, durations, list(seeds) if seeds is not None else [0] * len(texts), histories)
        for level in range(1, max_level + 1):
            t0 = time.perf_counter()
            out = self.run_level(prompts, level, guidance)
            yield LevelOutput(level, out, time.perf_counter() - t0, [p.placement for p in prompts])


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
    history: EncodedHistory | None = None   # the motion this prompt continues, as latents
    placement: Placement = field(default_factory=Placement)  # where its new frames start in the world
    partner: "PromptState | None" = None    # the gesture sampled beside a movement (CascadePipeline.composition)


def load_denoiser(directory, level: int):
    """One level's checkpoint, checked: (denoiser, its config, latent mean, latent std)."""
    from .checkpoint import load_module
    from .models.denoiser import DenoiserConfig
    return load_module(directory, DENOISERS[level].kind, lambda c: Denoiser(DenoiserConfig.from_dict(c["model"])))


def load_length(directory) -> LengthPredictor:
    from .checkpoint import load_module
    return load_module(directory, LENGTH.kind, lambda c: LengthPredictor(c["model"]["text_dim"]))[0]


def load_cascade(path, device="cpu", text_encoder: TextEncoder | None = None,
                 judge: str | None = None) -> CascadePipeline:
    """A cascade directory (cascade.json + one checkpoint per part), every part checked. `judge`
    names a text encoder to read a prompt's candidate cuts (CascadePipeline.judge) when the
    model's own is another; None, or a judge not installed, leaves it to the model's own."""
    from pathlib import Path

    from .checkpoint import CheckpointError
    from .text import load_text_encoder

    path = Path(path)
    meta = read_cascade_json(path)
    if text_encoder is not None and text_encoder.id != meta["text_encoder"]:
        raise CheckpointError(f"model {path}: trained with text encoder {meta['text_encoder']!r}, "
                              f"refusing {text_encoder.id!r}")
    tok = Tokenizer.load(path / meta["parts"][TOKENIZER.key], device)
    denoisers, stats = {}, {}
    for level in LEVELS:
        sub = path / meta["parts"][DENOISERS[level].key]
        model, cfg, mean, std = load_denoiser(sub, level)
        if cfg.get("text_encoder") != meta["text_encoder"]:
            raise CheckpointError(f"checkpoint {sub}: trained with text encoder {cfg.get('text_encoder')!r}, "
                                  f"the cascade with {meta['text_encoder']!r}")
        denoisers[level] = model.to(device)
        stats[level] = (mean.to(device), std.to(device))
    length = load_length(path / meta["parts"][LENGTH.key])
    # The text encoder last: every part of the model is checked before the largest load.
    encoder = text_encoder or load_text_encoder(meta["text_encoder"], device)
    try:
        limits = GenerationLimits(**meta.get("limits", {}))
    except TypeError as e:
        raise CheckpointError(f"{path / 'cascade.json'}: 'limits' holds a key this engine does not know ({e})") from None
    pipe = CascadePipeline(tok, encoder, denoisers, length.to(device), stats, limits)
    pipe.meta = meta
    if judge is not None and not encoder.id.startswith(f"{judge}:") and encoder.id != judge:
        try:
            pipe.judge = load_text_encoder(judge, device)
        except (RuntimeError, OSError):  # not installed: the model's own encoder judges, more slowly
            pipe.judge = None
    return pipe
