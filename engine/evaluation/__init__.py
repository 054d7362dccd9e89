"""Measurements of generated motion: physical text-adherence probes and per-level quality figures."""
