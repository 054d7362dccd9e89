"""A quick look at a motion: an animated GIF of the skeleton (needs Pillow).

The camera looks at the character from the front-right, follows the root in x/z and keeps
the floor fixed, so walking, turning and feet on the floor can all be judged by eye.
"""
from __future__ import annotations

import numpy as np

from .clip import Motion


def render_gif(motion: Motion, path, size: int = 320, fps: float | None = None, title: str = "") -> None:
    try:
        from PIL import Image, ImageDraw
    except ImportError:
        raise RuntimeError("previews need Pillow: pip install 'deepmotion-client[preview]'") from None
    fps = fps or min(motion.fps, 20.0)
    clip = motion.resample(fps) if abs(fps - motion.fps) > 1e-6 else motion
    pos = clip.joint_positions()
    yaw = np.radians(50.0)  # three-quarter view: sideways and forward motion both show
    # camera frame: right vector and depth in the xz plane, y up
    right = np.array([np.cos(yaw), 0.0, -np.sin(yaw)])
    height = max(1.7, float(pos[..., 1].max()) + 0.15)
    scale = size / (height * 1.15)
    frames = []
    parents = clip.skeleton.parents
    for t in range(len(pos)):
        img = Image.new("RGB", (size, size), (250, 250, 247))
        draw = ImageDraw.Draw(img)
        centre = pos[t, 0] * np.array([1.0, 0.0, 1.0])
        rel = pos[t] - centre
        u = rel @ right
        px = size / 2 + u * scale
        py = size - 0.08 * size - rel[:, 1] * scale
        floor_y = size - 0.08 * size
        draw.line([(0, floor_y), (size, floor_y)], fill=(180, 180, 180), width=1)
        for j, p in enumerate(parents):
            if p < 0:
                continue
            name = clip.skeleton.names[j]
            colour = (200, 60, 60) if name.startswith("Left") else (60, 90, 200) if name.startswith("Right") else (40, 40, 40)
            draw.line([(px[p], py[p]), (px[j], py[j])], fill=colour, width=3)
        draw.text((6, 6), f"{title} {t / fps:5.2f}s".strip(), fill=(0, 0, 0))
        frames.append(img)
    frames[0].save(path, save_all=True, append_images=frames[1:], duration=int(round(1000 / fps)), loop=0)


def save_preview(motion, path, prompt: str):
    """The preview both command lines write next to their output: titled with the prompt."""
    render_gif(motion, path, title=prompt[:40])
    return path
