"""The text-to-motion metrics of Guo et al. 2022 ("Generating Diverse and Natural 3D Human
Motions from Text"), computed in our evaluator's embedding space, plus physical figures.

All functions take numpy arrays and a numpy Generator where sampling is involved, so every
number can be reproduced and unit-tested by hand.

- R-precision: motions and their texts in batches of 32; a motion scores top-k when its own
  text is among the k texts nearest to it (Euclidean).
- FID: Fréchet distance between Gaussians fitted to two sets of motion embeddings.
- MM-Dist: mean distance between each text and its motion.
- Diversity: mean distance between two random sets of 300 motions.
- MultiModality: per text, mean distance between pairs of motions generated for it.
"""
from __future__ import annotations

import numpy as np


def _pairwise(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    d = np.sum(a * a, 1)[:, None] + np.sum(b * b, 1)[None, :] - 2 * a @ b.T
    return np.sqrt(np.maximum(d, 0.0))


def r_precision(text: np.ndarray, motion: np.ndarray, rng: np.random.Generator, batch: int = 32,
                top_k: int = 3) -> np.ndarray:
    """[top-1, ..., top-k] accuracy; row i of `text` describes row i of `motion`. Samples are
    shuffled into batches of `batch`; a last incomplete batch is dropped (as in Guo et al.)."""
    n = len(text) // batch * batch
    if n == 0:
        raise ValueError(f"R-precision needs at least {batch} text-motion pairs, got {len(text)}")
    order = rng.permutation(len(text))[:n].reshape(-1, batch)
    hits = np.zeros(top_k)
    for idx in order:
        dist = _pairwise(motion[idx], text[idx])                   # [motion, text]
        rank = np.argsort(dist, axis=1, kind="stable")
        own = rank == np.arange(batch)[:, None]
        for k in range(top_k):
            hits[k] += own[:, : k + 1].any(axis=1).sum()
    return hits / n


def _sqrtm_psd(m: np.ndarray) -> np.ndarray:
    w, v = np.linalg.eigh((m + m.T) / 2)
    return (v * np.sqrt(np.clip(w, 0, None))) @ v.T


def frechet_distance(a: np.ndarray, b: np.ndarray) -> float:
    """FID between embedding sets a [N, D] and b [M, D]: |mu_a - mu_b|^2 + Tr(Ca + Cb - 2 (Ca Cb)^1/2).
    The trace of (Ca Cb)^1/2 is taken as Tr((Ca^1/2 Cb Ca^1/2)^1/2), which is symmetric PSD and so
    needs no complex square root."""
    if len(a) < 2 or len(b) < 2:
        raise ValueError(f"FID needs at least 2 embeddings per set, got {len(a)} and {len(b)}")
    mu_a, mu_b = a.mean(0), b.mean(0)
    ca, cb = np.cov(a, rowvar=False), np.cov(b, rowvar=False)
    root_a = _sqrtm_psd(ca)
    cross = np.trace(_sqrtm_psd(root_a @ cb @ root_a))
    # Clipped at 0: equal sets give a rounding-level negative otherwise.
    return max(0.0, float(np.sum((mu_a - mu_b) ** 2) + np.trace(ca) + np.trace(cb) - 2 * cross))


def mm_dist(text: np.ndarray, motion: np.ndarray) -> float:
    return float(np.linalg.norm(text - motion, axis=1).mean())


def diversity(motion: np.ndarray, rng: np.random.Generator, pairs: int = 300) -> float:
    """Mean distance between two random, disjoint-by-draw sets of `pairs` motions."""
    if len(motion) < 2:
        raise ValueError("diversity needs at least 2 motions")
    pairs = min(pairs, len(motion))
    first = rng.choice(len(motion), pairs, replace=False)
    second = rng.choice(len(motion), pairs, replace=False)
    return float(np.linalg.norm(motion[first] - motion[second], axis=1).mean())


def multimodality(groups: np.ndarray, rng: np.random.Generator, pairs: int = 10) -> float:
    """groups [texts, samples, D]: motions generated for the same text; mean distance of `pairs`
    random pairs per text."""
    texts, samples, _ = groups.shape
    if samples < 2:
        raise ValueError("multimodality needs at least 2 samples per text")
    pairs = min(pairs, samples)
    first = np.stack([rng.choice(samples, pairs, replace=False) for _ in range(texts)])
    second = np.stack([rng.choice(samples, pairs, replace=False) for _ in range(texts)])
    rows = np.arange(texts)[:, None]
    return float(np.linalg.norm(groups[rows, first] - groups[rows, second], axis=-1).mean())


def jitter(positions: np.ndarray, fps: float) -> float:
    """Mean jerk magnitude (m/s^3) of joint positions [T, J, 3]."""
    if len(positions) < 4:
        return 0.0
    return float(np.linalg.norm(np.diff(positions, n=3, axis=0) * fps ** 3, axis=-1).mean())


def ground_penetration(foot_positions: np.ndarray, rest_heights: np.ndarray, tolerance: float = 0.01) -> dict:
    """How far foot joints [T, 4, 3] sink below their rest height over the floor (y = 0 plane):
    mean depth of the deepest foot joint per frame (cm) and the share of frames deeper than
    `tolerance` metres."""
    depth = np.clip(rest_heights[None, :] - foot_positions[..., 1], 0.0, None).max(axis=1)
    return {"penetration_cm": float(depth.mean() * 100), "penetration_ratio": float((depth > tolerance).mean())}


def interval(values) -> tuple[float, float]:
    """Mean and 95% confidence half-width over replications (normal approximation, as the field reports)."""
    v = np.asarray(values, dtype=np.float64)
    if len(v) < 2:
        return float(v.mean()), 0.0
    return float(v.mean()), float(1.96 * v.std(ddof=1) / np.sqrt(len(v)))
