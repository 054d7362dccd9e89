"""How smooth a seam is, judged like motion capture: the largest joint acceleration near the
seam against the motion's own 99th percentile away from seams, and the first continued
frame's step against the motion's own 99th-percentile per-frame step. A real capture cut
anywhere scores about 0.7-1.0 on both; 1.5 is the bar a continuation must meet.

The window reaches two frames back, so the acceleration centred two frames before the seam
uses history frames only: `history_ratio` is that alone, the part of a seam's score no
continuation can change (a real take cut mid-stride can be over the bar before the cut);
`history_step_ratio` is the history's own last step, which a continuation keeps rather than
stopping dead.
"""
from __future__ import annotations

import numpy as np


def seam_ratios(positions: np.ndarray, seams: list[int], window: int = 2) -> list[dict]:
    """positions [T, J, 3] (forward kinematics, metres); seams: index of each first new frame.
    -> per seam {"frame", "acceleration_ratio", "step_ratio", "history_ratio", "history_step_ratio"}."""
    p = np.asarray(positions, dtype=np.float64)
    acc = np.linalg.norm(p[2:] - 2 * p[1:-1] + p[:-2], axis=-1)     # [T-2, J], centred on frame f + 1
    step = np.linalg.norm(p[1:] - p[:-1], axis=-1)                    # [T-1, J], from frame f to f + 1
    acc_frame = np.arange(1, len(p) - 1)
    step_frame = np.arange(1, len(p))                                  # the frame the step arrives at
    near_acc = np.zeros(len(acc_frame), bool)
    near_step = np.zeros(len(step_frame), bool)
    for s in seams:
        near_acc |= np.abs(acc_frame - s) <= window
        near_step |= np.abs(step_frame - s) <= window
    acc_p99 = np.percentile(acc[~near_acc], 99) if (~near_acc).any() else np.nan
    step_p99 = np.percentile(step[~near_step], 99) if (~near_step).any() else np.nan
    out = []
    for s in seams:
        a = acc[np.abs(acc_frame - s) <= window].max()
        st = step[step_frame == s].max()
        before = acc[acc_frame == s - window]
        out.append({"frame": int(s), "acceleration_ratio": float(a / max(acc_p99, 1e-9)),
                    "step_ratio": float(st / max(step_p99, 1e-9)),
                    "history_ratio": float(before.max() / max(acc_p99, 1e-9)) if before.size else 0.0,
                    "history_step_ratio": float(step[step_frame == s - 1].max() / max(step_p99, 1e-9)) if s >= 2 else 0.0})
    return out
