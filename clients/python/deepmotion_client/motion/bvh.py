"""BVH reading and writing.

The reader takes files as tools in the wild write them: 3 or 6 (or any subset of) channels per
joint in any order, End Sites, tabs, CRLF, scientific notation. A malformed file raises
BVHError naming the file, the line and the problem, never an IndexError from deep inside.
The writer emits the plain form every reader imports: 6 channels on the root, 3 rotation
channels elsewhere, one frame per line.
"""
from __future__ import annotations

import io
import os
from dataclasses import dataclass

import numpy as np

from .clip import Motion
from .rotations import check_order, euler_to_matrix, matrix_to_quat, quat_to_euler
from .skeleton import Skeleton
from ..errors import DeepMotionError

CHANNEL_NAMES = ("Xposition", "Yposition", "Zposition", "Xrotation", "Yrotation", "Zrotation")


class BVHError(DeepMotionError, ValueError):
    """A BVH file that cannot be read; the message says where and why."""


@dataclass
class BVHData:
    skeleton: Skeleton            # offsets in file units times `scale`
    channels: list[list[str]]     # per joint, in file order
    frame_time: float
    local_rotations: np.ndarray   # [T, J, 4] (x, y, z, w)
    translations: np.ndarray      # [T, J, 3] per-frame local translation (offset or position channels)

    @property
    def num_frames(self) -> int:
        return len(self.local_rotations)

    @property
    def fps(self) -> float:
        return 1.0 / self.frame_time

    def to_motion(self) -> Motion:
        return Motion(self.skeleton, self.translations[:, 0].copy(), self.local_rotations.copy(), self.fps)

    def world_positions(self) -> np.ndarray:
        """World joint positions honouring per-joint position channels."""
        return self.skeleton.forward_kinematics(self.translations[:, 0], self.local_rotations,
                                                self.translations)[0]


class _Tokens:
    def __init__(self, lines: list[str], source: str):
        self.source = source
        self.items: list[tuple[str, int]] = []
        for no, line in enumerate(lines, 1):
            self.items.extend((tok, no) for tok in line.split())
        self.pos = 0

    def error(self, msg: str, line: int | None = None) -> BVHError:
        if line is None:
            line = self.items[min(self.pos, len(self.items) - 1)][1] if self.items else 1
        return BVHError(f"{self.source}:{line}: {msg}")

    def peek(self) -> str | None:
        return self.items[self.pos][0] if self.pos < len(self.items) else None

    def next(self, what: str) -> tuple[str, int]:
        if self.pos >= len(self.items):
            last = self.items[-1][1] if self.items else 1
            raise BVHError(f"{self.source}:{last}: unexpected end of file, expected {what}")
        tok = self.items[self.pos]
        self.pos += 1
        return tok

    def expect(self, word: str, context: str) -> int:
        tok, line = self.next(f"'{word}' {context}")
        if tok.upper() != word.upper():
            raise BVHError(f"{self.source}:{line}: expected '{word}' {context}, found '{tok}'")
        return line

    def number(self, what: str) -> float:
        tok, line = self.next(what)
        try:
            value = float(tok)
        except ValueError:
            raise BVHError(f"{self.source}:{line}: {what} must be a number, found '{tok}'") from None
        if not np.isfinite(value):
            raise BVHError(f"{self.source}:{line}: {what} must be a finite number, found '{tok}'")
        return value


def read_bvh(path, scale: float = 1.0) -> BVHData:
    """Read a BVH file; `scale` converts its units (e.g. 0.01 for centimetres to metres)."""
    path = os.fspath(path)
    try:
        with open(path, "rb") as f:
            raw = f.read()
    except OSError as e:
        raise BVHError(f"{path}: cannot read file: {e.strerror}") from None
    return parse_bvh(raw, source=os.path.basename(path), scale=scale)


def parse_bvh(data: bytes | str, source: str = "<bvh>", scale: float = 1.0) -> BVHData:
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            data = data.decode("latin-1")
    lines = data.splitlines()
    motion_line = next((i for i, l in enumerate(lines) if l.strip().upper().startswith("MOTION")), None)
    if motion_line is None:
        raise BVHError(f"{source}: no MOTION section: the file is truncated or not a BVH file")
    toks = _Tokens(lines[:motion_line], source)
    names, parents, offsets, channels, end_sites = [], [], [], [], {}
    toks.expect("HIERARCHY", "at the start of the file")
    word, line = toks.next("ROOT")
    if word.upper() != "ROOT":
        raise BVHError(f"{source}:{line}: expected 'ROOT', found '{word}'")
    _parse_joint(toks, -1, names, parents, offsets, channels, end_sites)
    if toks.peek() is not None:
        tok, line = toks.next("")
        raise BVHError(f"{source}:{line}: unexpected '{tok}' after the root joint's closing brace "
                       "(only one ROOT is supported)")
    skeleton = Skeleton(names, parents, np.array(offsets) * scale,
                        {j: np.asarray(o) * scale for j, o in end_sites.items()})
    frames, frame_time, values = _parse_motion(lines, motion_line, source, sum(len(c) for c in channels))
    rots, trans = _channels_to_pose(values, channels, skeleton.offsets, scale)
    return BVHData(skeleton, channels, frame_time, rots, trans)


def _parse_joint(toks, parent, names, parents, offsets, channels, end_sites):
    """The root joint and everything under it. A loop with its own stack, not recursion: a
    hierarchy nested thousands deep is an error message, never a RecursionError."""
    stack = [_joint_header(toks, parent, names, parents, offsets, channels)]
    while stack:
        j, name, line = stack[-1]
        tok, tline = toks.next(f"'}}' closing JOINT {name} (opened at line {line})")
        upper = tok.upper()
        if tok == "}":
            stack.pop()
        elif upper == "JOINT":
            stack.append(_joint_header(toks, j, names, parents, offsets, channels))
        elif upper == "END":
            toks.expect("Site", "after 'End'")
            toks.expect("{", f"after End Site of {name}")
            toks.expect("OFFSET", f"in End Site of {name}")
            end_sites[j] = [toks.number(f"End Site OFFSET of {name}") for _ in range(3)]
            toks.expect("}", f"closing End Site of {name}")
        else:
            raise toks.error(f"unexpected '{tok}' in JOINT {name}: expected JOINT, End Site or '}}'", tline)


def _joint_header(toks, parent, names, parents, offsets, channels) -> tuple[int, str, int]:
    """A joint's name, OFFSET and CHANNELS; -> (index, name, line)."""
    name_tok, line = toks.next("a joint name")
    if name_tok == "{":
        raise toks.error("joint has no name", line)
    name = name_tok
    if name in names:
        raise toks.error(f"joint name '{name}' appears twice", line)
    j = len(names)
    names.append(name)
    parents.append(parent)
    toks.expect("{", f"after JOINT {name}")
    toks.expect("OFFSET", f"in JOINT {name}")
    offsets.append([toks.number(f"OFFSET of {name}") for _ in range(3)])
    toks.expect("CHANNELS", f"after the OFFSET of {name}")
    count_tok, cline = toks.next(f"the channel count of {name}")
    try:
        count = int(count_tok)
    except ValueError:
        raise toks.error(f"channel count of {name} must be an integer, found '{count_tok}'", cline) from None
    if not 0 <= count <= 6:
        raise toks.error(f"channel count of {name} must be between 0 and 6, found {count}", cline)
    chans = []
    for _ in range(count):
        ch, chline = toks.next(f"{count} channel names for {name}")
        match = next((c for c in CHANNEL_NAMES if c.lower() == ch.lower()), None)
        if match is None:
            raise toks.error(f"JOINT {name} declares {count} channels but '{ch}' is not a channel "
                             f"name (allowed: {', '.join(CHANNEL_NAMES)})", chline)
        if match in chans:
            raise toks.error(f"channel {match} of {name} is listed twice", chline)
        chans.append(match)
    channels.append(chans)
    return j, name, line


def _parse_motion(lines, motion_line, source, n_channels):
    i = motion_line + 1

    def header(key: str):
        nonlocal i
        while i < len(lines) and not lines[i].strip():
            i += 1
        if i >= len(lines):
            raise BVHError(f"{source}:{i}: MOTION section ends before '{key}'")
        line = lines[i].strip()
        if not line.lower().replace(" ", "").replace("\t", "").startswith(key.lower().replace(" ", "")):
            raise BVHError(f"{source}:{i + 1}: expected '{key}', found '{line[:40]}'")
        value = line.split(":", 1)[1].strip() if ":" in line else ""
        i += 1
        return value, i

    frames_s, fline = header("Frames:")
    try:
        frames = int(frames_s)
        if frames < 0:
            raise ValueError
    except ValueError:
        raise BVHError(f"{source}:{fline}: Frames must be a non-negative integer, found '{frames_s}'") from None
    ft_s, tline = header("Frame Time:")
    try:
        frame_time = float(ft_s)
    except ValueError:
        raise BVHError(f"{source}:{tline}: Frame Time must be a number, found '{ft_s}'") from None
    if not frame_time > 0 or not np.isfinite(frame_time):
        raise BVHError(f"{source}:{tline}: Frame Time must be positive seconds, found {ft_s}")
    body = lines[i:]
    first = i + 1
    try:
        values = np.array(" ".join(body).split(), dtype=np.float64)
        if values.size == frames * n_channels and np.all(np.isfinite(values)):
            return frames, frame_time, values.reshape(frames, n_channels)
    except ValueError:
        pass
    # Slow path: find the first line that is wrong and say what is wrong with it.
    rows = []
    for k, text in enumerate(body):
        parts = text.split()
        if not parts:
            continue
        no = first + k
        if len(rows) == frames:
            raise BVHError(f"{source}:{no}: more frame lines than the {frames} declared by 'Frames:'")
        if len(parts) != n_channels:
            raise BVHError(f"{source}:{no}: frame {len(rows)} has {len(parts)} values, expected "
                           f"{n_channels} (the total of the CHANNELS declarations)")
        row = []
        for c, p in enumerate(parts):
            try:
                v = float(p)
            except ValueError:
                raise BVHError(f"{source}:{no}: value {c + 1} of frame {len(rows)} is not a number: '{p}'") from None
            if not np.isfinite(v):
                raise BVHError(f"{source}:{no}: value {c + 1} of frame {len(rows)} is not finite: '{p}'")
            row.append(v)
        rows.append(row)
    if len(rows) < frames:
        raise BVHError(f"{source}:{len(lines)}: the MOTION section is truncated: 'Frames:' declares "
                       f"{frames} frames but the file has {len(rows)}")
    return frames, frame_time, np.array(rows, dtype=np.float64).reshape(frames, n_channels)


def _channels_to_pose(values, channels, offsets, scale):
    t, j = values.shape[0], len(channels)
    rots = np.zeros((t, j, 4))
    rots[..., 3] = 1.0
    trans = np.broadcast_to(offsets, (t, j, 3)).copy()
    col = 0
    for k, chans in enumerate(channels):
        cols = {c: col + n for n, c in enumerate(chans)}
        col += len(chans)
        rot_chans = [c for c in chans if c.endswith("rotation")]
        for axis, name in enumerate(("Xposition", "Yposition", "Zposition")):
            if name in cols:
                trans[:, k, axis] = values[:, cols[name]] * scale
        if rot_chans:
            # Missing rotation axes (fewer than 3 channels) contribute a zero angle.
            order = "".join(c[0] for c in rot_chans)
            order += "".join(a for a in "XYZ" if a not in order)
            angles = np.zeros((t, 3))
            for n, c in enumerate(rot_chans):
                angles[:, n] = values[:, cols[c]]
            rots[:, k] = matrix_to_quat(euler_to_matrix(angles, order))
    return rots, trans


def _dfs_order(skeleton: Skeleton) -> list[int]:
    order, stack = [], [0]
    while stack:
        j = stack.pop()
        order.append(j)
        stack.extend(reversed(skeleton.children(j)))
    return order


def write_bvh(path, motion: Motion, order: str = "ZXY", scale: float = 1.0, precision: int = 6) -> None:
    """Write a Motion; `scale` converts metres to the file's units (e.g. 100 for cm)."""
    order = check_order(order)
    text = bvh_text(motion, order, scale, precision)
    tmp = f"{os.fspath(path)}.tmp"
    with open(tmp, "w", newline="\n") as f:
        f.write(text)
    os.replace(tmp, path)


def bvh_text(motion: Motion, order: str = "ZXY", scale: float = 1.0, precision: int = 6) -> str:
    sk = motion.skeleton
    rot_channels = " ".join(f"{a}rotation" for a in order)
    out = io.StringIO()
    out.write("HIERARCHY\n")
    fmt = f"{{:.{precision}f}}"

    def vec(v):
        return " ".join(fmt.format(x) for x in np.asarray(v) * scale)

    def emit(j, depth):
        pad = "\t" * depth
        if sk.parents[j] < 0:
            out.write(f"{pad}ROOT {sk.names[j]}\n{pad}{{\n")
            out.write(f"{pad}\tOFFSET {vec(np.zeros(3))}\n")
            out.write(f"{pad}\tCHANNELS 6 Xposition Yposition Zposition {rot_channels}\n")
        else:
            out.write(f"{pad}JOINT {sk.names[j]}\n{pad}{{\n")
            out.write(f"{pad}\tOFFSET {vec(sk.offsets[j])}\n")
            out.write(f"{pad}\tCHANNELS 3 {rot_channels}\n")
        kids = sk.children(j)
        for c in kids:
            emit(c, depth + 1)
        if not kids:
            end = sk.end_sites.get(j)
            if end is None:
                end = sk.offsets[j] * 0.25 if np.linalg.norm(sk.offsets[j]) > 0 else np.array([0, 0.05, 0])
            out.write(f"{pad}\tEnd Site\n{pad}\t{{\n{pad}\t\tOFFSET {vec(end)}\n{pad}\t}}\n")
        out.write(f"{pad}}}\n")

    emit(0, 0)
    order_idx = _dfs_order(sk)
    euler = quat_to_euler(motion.local_rotations[:, order_idx], order)  # [T, J, 3] degrees
    data = np.concatenate([motion.root_positions * scale, euler.reshape(motion.num_frames, -1)], axis=1)
    out.write(f"MOTION\nFrames: {motion.num_frames}\nFrame Time: {1.0 / motion.fps:.8f}\n")
    np.savetxt(out, data, fmt=f"%.{precision}f", delimiter=" ")
    return out.getvalue()
