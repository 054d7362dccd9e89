"""Continuing a given motion: the history a request carries becomes a known prefix of latents
at every level, and the new frames are placed in the history's own world frame.

Why a prefix of latents rather than blending frames: the denoisers are trained to continue a
known prefix (a mask channel, random prefix lengths in training), and the tokenizer decodes
history and new latents together, so the join is one motion, not two clips glued. Only the new
frames go out; they start where the history's last frame leaves off (position, heading and the
velocity the decoder gives that frame). See docs/ARCHITECTURE.md, "Continuation".
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from deepmotion_client.motion.clip import Motion
from deepmotion_client.motion.rotations import quat_conj, quat_mul, quat_rotate, yaw_to_quat

from .cascade import STRIDES
from .representation import dmv1
from .request import RequestError

# Seconds of history the model continues. 1.6 rather than 3.2 once (0.3.0: a segment after a walk
# followed its text in 4.12 of 7 probes against 3.88, seams the same, real takes continued at their
# own speed as well); 0.8 since 0.14.0: a longer prefix holds the next segment to what the prefix
# does (raises after a walk 38% with 1.6 s, 81% with 0.8, 94% as a single prompt; the 11 segment
# probes 7.44 -> 8.44 of 11, single prompts 8.81), while seams stay within the bar (8 seeds of 20
# timelines and 22 continued takes, 100% either way; 0.4 s put one of 160 timeline seams over it).
# Fine-tuning level 1 on twice the switching prefixes did not do it (docs/RESULTS.md, "History length").
MAX_HISTORY_S = 0.8
HISTORY_STEP = STRIDES[1]  # history is used in whole level-1 tokens (0.4 s at 20 fps)


# Frames (1 s) over which the history's own last pose and turning rate hand over to the decoded
# motion. Measured with benchmarks/seams.py: 12 frames with a cubic gave timelines 1.27 / takes
# 1.35 median acceleration ratio; 20 with the quintic 1.25 / 1.15, and no first-frame jump over 1.0
# on real takes (2.23 before).
SEAM_BLEND_FRAMES = 20

# The seam bridge (bridge_seam): frames after the seam re-fitted for the least acceleration
# from the history's last two frames on, and how strongly they are pulled to the decoded ones;
# tried in order until the join accelerates no more than SEAM_ACCELERATION_TARGET times the new
# motion's own 99th percentile (the bar is 1.5x; capture cut anywhere scores about 1.05).
# benchmarks/seams.py on 0.1.0: the hand-over alone left 40% of seams over 1.5x.
SEAM_BRIDGES = ((10, 0.1), (16, 0.05), (24, 0.02))
SEAM_ACCELERATION_TARGET = 1.2
# The same at a clip's end (settle_end), where the decoder's last two frames accelerate about
# twice the clip's median: these are the frames the next segment of a timeline continues from.
SEAM_END_FRAMES = 10


@dataclass(frozen=True)
class Placement:
    """Where new frames start in the world: the heading (radians, left turn positive) and the
    root's x, z at the first new frame (default: the origin facing +Z). For a continuation also
    the residual between the history's real last pose and the pose the decoder reconstructs
    for it, faded out over the first SEAM_BLEND_FRAMES new frames (eased): the decoder continues its
    reconstruction, and without the residual the seam would jump by the tokenizer's error."""
    heading: float = 0.0
    origin_x: float = 0.0
    origin_z: float = 0.0
    rotation_residual: np.ndarray | None = None   # [J, 4] heading-free local rotations, real * inverse(decoded)
    height_residual: float = 0.0
    step_residual: tuple[float, float] = (0.0, 0.0)  # world x, z: the history's last step minus the decoded one
    spin_residual: np.ndarray | None = None  # [J, 4] the history's last per-frame turn of each joint * inverse(decoded)
    yaw_rate_residual: float = 0.0  # the history's last heading change per frame minus the decoded one (radians)
    tail_root: np.ndarray | None = None   # [2, 3] world root positions of the history's last two frames
    tail_local: np.ndarray | None = None  # [2, J, 4] their local rotations (root with its heading)

    def place(self, feats: np.ndarray) -> Motion:
        """dm-v1 features of new frames -> Motion in the world, continuing the history."""
        motion = dmv1.decode(feats, heading=self.heading, origin_xz=(self.origin_x, self.origin_z))
        root, local = self._hand_over(motion.root_positions, motion.local_rotations)
        if self.tail_root is not None and self.tail_local is not None:
            root, local = bridge_seam(motion.skeleton, self.tail_root, self.tail_local, root, local)
        root, local = settle_end(root, local, SEAM_END_FRAMES)
        return Motion(motion.skeleton, root, local, motion.fps)

    def _hand_over(self, root: np.ndarray, local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        if self.rotation_residual is None:
            return root, local
        n = min(SEAM_BLEND_FRAMES, len(root))
        x = (np.arange(n) + 1.0) / (SEAM_BLEND_FRAMES + 1.0)
        w = 1.0 - x * x * (3.0 - 2.0 * x)  # eased: starts flat, so the hand-over adds no sudden velocity
        root, local = root.copy(), local.copy()
        heading = dmv1.heading_yaw(local[:n, 0])  # the root joint's local rotation is its world rotation
        yaw = yaw_to_quat(heading)
        # A quintic (Hermite) hand-over per joint, in rotation vectors: it starts at the history's
        # real pose turning at the history's own rate with no added acceleration at the seam,
        # and ends on the decoded motion at rest.
        pose = _rotvec(self.rotation_residual)
        spin = _rotvec(self.spin_residual) if self.spin_residual is not None else np.zeros_like(pose)
        h_pose = 1 - 10 * x ** 3 + 15 * x ** 4 - 6 * x ** 5
        h_spin = (x - 6 * x ** 3 + 8 * x ** 4 - 3 * x ** 5) * (SEAM_BLEND_FRAMES + 1.0)
        fade = _exp(h_pose[:, None, None] * pose + h_spin[:, None, None] * spin)
        local[:n, 1:] = quat_mul(fade[:, 1:], local[:n, 1:])
        root_free = quat_mul(quat_conj(yaw), local[:n, 0])
        local[:n, 0] = quat_mul(yaw, quat_mul(fade[:, 0], root_free))
        root[:n, 1] += w * self.height_residual
        # Keep the history's own turning rate at the seam: an extra heading that grows while the
        # weights last, turning the root and the path after it.
        extra = np.cumsum(np.pad(w, (0, len(root) - n)) * self.yaw_rate_residual)
        if np.any(extra):
            turn = yaw_to_quat(extra)
            local[:, 0] = quat_mul(turn, local[:, 0])
            steps = np.diff(root, axis=0)
            steps = quat_rotate(turn[:-1], steps)
            root[1:, [0, 2]] = root[0, [0, 2]] + np.cumsum(steps[:, [0, 2]], axis=0)
        # Keep the history's own speed and direction at the seam, easing into the decoded path.
        root[:, [0, 2]] += np.cumsum(np.pad(w, (0, len(root) - n))[:, None] * np.array(self.step_residual), axis=0)
        return root, local


@dataclass
class EncodedHistory:
    frames: int                       # history frames the latents cover (a multiple of HISTORY_STEP)
    indices: list[torch.Tensor]       # token indices per level, [frames / stride_k]
    last_root: np.ndarray             # world root position of the history's last frame
    last_heading: float               # world heading of the history's last frame
    last_local: np.ndarray | None = None  # its local rotations [J, 4], root heading removed
    last_step: np.ndarray | None = None   # world root step into the last frame (x, y, z)
    prev_local: np.ndarray | None = None  # local rotations of the frame before the last, heading removed
    prev_heading: float | None = None     # world heading of the frame before the last
    tail_root: np.ndarray | None = None   # [2, 3] world root positions of the last two frames
    tail_local: np.ndarray | None = None  # [2, J, 4] their local rotations, heading included

    def placement(self, decoded: np.ndarray) -> Placement:
        """Continue from the real last frame with the step the jointly decoded features give it
        (`decoded` covers history + new frames), handing its pose over to the decoded one."""
        last = decoded[self.frames - 1]
        step = quat_rotate(yaw_to_quat(np.array(self.last_heading)), np.array([last[1], 0.0, last[2]], dtype=np.float64))
        residual, height, step_res = None, 0.0, (0.0, 0.0)
        spin = None
        if self.last_local is not None:
            rebuilt = dmv1.decode(decoded[: self.frames + 1]).local_rotations
            rebuilt_last = heading_free(rebuilt[self.frames - 1])
            residual = quat_mul(self.last_local, quat_conj(rebuilt_last))
            height = float(self.last_root[1] - last[3])
            if self.prev_local is not None and self.frames >= 2 and len(rebuilt) > self.frames:
                # The history's last turn of each joint against the decoded turn across the seam
                # (its last frame to the first new one): the hand-over keeps the first new frame
                # moving at the history's own rate, whatever the decoder does at the join.
                real_turn = quat_mul(self.last_local, quat_conj(self.prev_local))
                decoded_turn = quat_mul(heading_free(rebuilt[self.frames]), quat_conj(rebuilt_last))
                spin = quat_mul(real_turn, quat_conj(decoded_turn))
        if self.last_step is not None:
            step_res = (float(self.last_step[0] - step[0]), float(self.last_step[2] - step[2]))
        yaw_rate = 0.0
        if self.prev_heading is not None and self.frames >= 2:
            real_rate = float(np.angle(np.exp(1j * (self.last_heading - self.prev_heading))))
            yaw_rate = real_rate - float(decoded[self.frames - 2][0])
        return Placement(float(self.last_heading + last[0]), float(self.last_root[0] + step[0]),
                         float(self.last_root[2] + step[2]), residual, height, step_res, spin, yaw_rate,
                         self.tail_root, self.tail_local)


def bridge_seam(skeleton, tail_root: np.ndarray, tail_local: np.ndarray, root: np.ndarray,
                local: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Re-fit the first new frames so the join accelerates no more than the motion does.

    Why: capture never jerks at a cut, but a decoder's first frames can (2-4x the motion's
    99th-percentile acceleration after the hand-over alone). Each joint's rotation (a rotation
    vector from the history's last pose) and the root position are solved by least squares:
    every second difference from the history's second-to-last frame to two frames past the
    window is penalised, and each frame is pulled towards the decoded one more strongly the
    further it is from the seam. Rotations only, so bone lengths stay exact; frames after the
    window are untouched. The shortest window in SEAM_BRIDGES whose join (forward kinematics)
    stays within SEAM_ACCELERATION_TARGET of the new motion's own 99th percentile is kept, so
    a motion starting from rest or reversing gets a longer, softer bridge than one that flows.
    """
    best = None
    # Forward kinematics once for the whole join; a try re-fits only its first n frames, so only
    # those are posed again (the server places every request's every level on its event loop).
    positions = skeleton.forward_kinematics(np.concatenate([tail_root, root]), np.concatenate([tail_local, local]))[0]
    for frames, pull in SEAM_BRIDGES:
        n = min(frames, len(root) - 2)
        if n < 1:
            return root, local
        weights = pull * ((np.arange(n) + 1.0) / (n + 1.0)) ** 3
        fit_root, fit_local = _refit(np.concatenate([tail_root, root[:n + 2]]),
                                     np.concatenate([tail_local, local[:n + 2]]), np.arange(2, 2 + n), weights, 1)
        out_root, out_local = root.copy(), local.copy()
        out_root[:n], out_local[:n] = fit_root[2:2 + n], fit_local[2:2 + n]
        tried = positions.copy()
        tried[2:2 + n] = skeleton.forward_kinematics(out_root[:n], out_local[:n])[0]
        ratio = _join_acceleration(tried)
        if best is None or ratio < best[0]:
            best = (ratio, out_root, out_local)
        if ratio <= SEAM_ACCELERATION_TARGET:
            break
    return best[1], best[2]


def _join_acceleration(p: np.ndarray) -> float:
    """Largest joint acceleration at the join (centred on the history's last frame and the
    first three new ones) over the 99th percentile of the new frames' own accelerations;
    `p`: joint positions of the history's last two frames and the new ones."""
    acc = np.linalg.norm(p[2:] - 2 * p[1:-1] + p[:-2], axis=-1)     # centred on frames 1 .. T-2
    rest = acc[5:]
    if rest.size == 0:
        return 0.0
    return float(acc[:4].max() / max(np.percentile(rest, 99), 1e-9))


def settle_end(root: np.ndarray, local: np.ndarray, frames: int = SEAM_END_FRAMES) -> tuple[np.ndarray, np.ndarray]:
    """Re-fit a clip's last `frames` frames for the least acceleration, pulled to the decoded
    ones more strongly the further they are from the end.

    Why: the decoder's last frames see padding and can jerk; the next segment of a timeline
    continues from exactly these frames, so their jerk was most of what remained at its seams.
    """
    n = min(frames, len(root) - 3)
    if n < 1:
        return root, local
    pull = ((n - np.arange(n)) / (n + 1.0)) ** 3
    fit_root, fit_local = _refit(root[-n - 2:], local[-n - 2:], np.arange(2, n + 2), pull, reference=1)
    out_root, out_local = root.copy(), local.copy()
    out_root[-n:], out_local[-n:] = fit_root[2:], fit_local[2:]
    return out_root, out_local


def _refit(root: np.ndarray, local: np.ndarray, free: np.ndarray, pull: np.ndarray,
           reference: int) -> tuple[np.ndarray, np.ndarray]:
    """Least squares over root positions and each joint's rotation vector from the pose at
    `reference`: squared second differences over all frames + `pull` to the given frames at
    `free`; the other frames are fixed."""
    ref = np.asarray(local[reference], dtype=np.float64)
    rot = _rotvec(quat_mul(local, quat_conj(ref)[None]))          # [T, J, 3]
    x = np.concatenate([rot.reshape(len(local), -1), root], axis=1)
    total = len(x)
    d2 = np.zeros((total - 2, total))
    for i in range(total - 2):
        d2[i, i:i + 3] = (1.0, -2.0, 1.0)
    fixed = np.setdiff1d(np.arange(total), free)
    a = d2[:, free].T @ d2[:, free] + np.diag(pull)
    b = pull[:, None] * x[free] - d2[:, free].T @ (d2[:, fixed] @ x[fixed])
    x[free] = np.linalg.solve(a, b)
    out_root, out_local = np.array(root, dtype=np.float64), np.array(local, dtype=np.float64)
    out_root[free] = x[free, -3:]
    out_local[free] = quat_mul(_exp(x[free, :-3].reshape(len(free), -1, 3)), ref[None])
    return out_root, out_local


def heading_free(local: np.ndarray) -> np.ndarray:
    """Local rotations [J, 4] of one frame with the root's heading removed."""
    out = np.array(local, dtype=np.float64)
    out[0] = quat_mul(quat_conj(yaw_to_quat(dmv1.heading_yaw(out[0]))), out[0])
    return out


def history_frames(n: int, room: int | None = None) -> int:
    """How many of the last `n` frames are used: whole 0.4-s steps, at most MAX_HISTORY_S, and
    at most `room` (what the model's sequence length leaves beside the new frames)."""
    n = min(n, int(MAX_HISTORY_S * dmv1.FPS), room if room is not None else n)
    return max(0, n) // HISTORY_STEP * HISTORY_STEP


def encode_history(motion: Motion, tokenizer, room: int | None = None) -> EncodedHistory:
    """The motion's last frames (canonical skeleton, model fps) as latents of every level."""
    return encode_histories([motion], tokenizer, [room])[0]


def encode_histories(motions: list[Motion], tokenizer, rooms: list[int | None]) -> list[EncodedHistory]:
    """encode_history for several motions, the tokenizer run once per history length (a batch
    of sessions' prompt changes mostly shares the longest one): one call instead of one each."""
    windows = [_history_window(m, room) for m, room in zip(motions, rooms)]
    indices: list[list[torch.Tensor] | None] = [None] * len(windows)
    for h in sorted({w.num_frames for w in windows}):
        group = [i for i, w in enumerate(windows) if w.num_frames == h]
        feats = torch.tensor(dmv1.encode_many([windows[i] for i in group]), device=tokenizer.device)
        codes = tokenizer.encode(feats)
        for j, i in enumerate(group):
            indices[i] = [c[j] for c in codes]
    out = []
    for recent, idx in zip(windows, indices):
        last = recent.local_rotations[-1]
        root = recent.root_positions.astype(np.float64)
        out.append(EncodedHistory(recent.num_frames, idx, root[-1], float(dmv1.heading_yaw(last[0])), heading_free(last),
                                  root[-1] - root[-2], heading_free(recent.local_rotations[-2]),
                                  float(dmv1.heading_yaw(recent.local_rotations[-2][0])),
                                  root[-2:].copy(), recent.local_rotations[-2:].astype(np.float64)))
    return out


def _history_window(motion: Motion, room: int | None) -> Motion:
    """The history's last whole steps the model uses (history_frames), or the request error."""
    h = history_frames(motion.num_frames, room)
    if h < HISTORY_STEP:
        if motion.num_frames >= HISTORY_STEP:
            raise RequestError("duration_s", f"leaves {max(room or 0, 0)} frames beside it in this model's window, "
                                             f"fewer than the {HISTORY_STEP} a history needs; ask for a shorter piece")
        raise RequestError("history", f"{motion.num_frames} frames; at least {HISTORY_STEP} "
                                      f"({HISTORY_STEP / dmv1.FPS:g} s at {dmv1.FPS:g} fps) are needed")
    return Motion(motion.skeleton, motion.root_positions[-h:], motion.local_rotations[-h:], motion.fps)


def history_motion(history) -> Motion | None:
    """A request's HistoryFrames (checked) as a Motion on the canonical skeleton at model fps."""
    if history is None:
        return None
    from deepmotion_client.motion.skeleton import canonical_skeleton
    return Motion(canonical_skeleton(), np.asarray(history.root_positions, dtype=np.float64),
                  np.asarray(history.local_rotations, dtype=np.float64), dmv1.FPS)


def _rotvec(q: np.ndarray) -> np.ndarray:
    """Unit quaternions [..., 4] -> rotation vectors [..., 3] (the shorter way round)."""
    q = np.where(q[..., 3:] < 0, -q, q)
    s = np.linalg.norm(q[..., :3], axis=-1, keepdims=True)
    return q[..., :3] / np.maximum(s, 1e-12) * (2.0 * np.arctan2(s, q[..., 3:]))


def _exp(v: np.ndarray) -> np.ndarray:
    """Rotation vectors [..., 3] -> unit quaternions [..., 4]."""
    angle = np.linalg.norm(v, axis=-1, keepdims=True)
    axis = v / np.maximum(angle, 1e-12)
    return np.concatenate([axis * np.sin(angle / 2), np.cos(angle / 2)], axis=-1)
