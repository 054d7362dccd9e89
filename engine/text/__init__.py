"""Text encoders behind one small interface (token states + pooled vector + attention mask)."""
from .encoders import TextEncoder, TextEncoding, TextInputError, load_text_encoder

__all__ = ["TextEncoder", "TextEncoding", "TextInputError", "load_text_encoder"]
