"""Data pipeline: importers, retargeting into the canonical skeleton, captions, cached datasets."""
