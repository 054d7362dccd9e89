"""Training loops and evaluation of the engine's models."""
