"""The 6D rotation parameterisation dm-v1 stores (first two matrix columns), engine-only.

Networks regress 6 numbers more easily than a quaternion (no sign ambiguity, no unit-norm
constraint); Gram-Schmidt turns any 6 numbers back into a rotation. Clients never see 6D:
everything that leaves the engine is quaternions.
"""
from __future__ import annotations

import numpy as np


def _as_float(a) -> np.ndarray:
    """Keeps float32 as float32 (features are float32), anything else becomes float64."""
    a = np.asarray(a)
    return a if np.issubdtype(a.dtype, np.floating) else a.astype(np.float64)


def matrix_to_6d(m) -> np.ndarray:
    m = _as_float(m)
    return np.concatenate([m[..., :, 0], m[..., :, 1]], axis=-1)


def sixd_to_matrix(d) -> np.ndarray:
    """Gram-Schmidt, so any 6 numbers (e.g. a network's output) give a rotation."""
    d = _as_float(d)
    a, b = d[..., :3], d[..., 3:6]
    c0 = a / np.linalg.norm(a, axis=-1, keepdims=True)
    b = b - np.sum(c0 * b, axis=-1, keepdims=True) * c0
    c1 = b / np.linalg.norm(b, axis=-1, keepdims=True)
    c2 = np.cross(c0, c1)
    return np.stack([c0, c1, c2], axis=-1)
