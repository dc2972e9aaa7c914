"""Generated videos of faces moving over a wall: the demo, the benchmark and the tests.

Faces come from images scikit-image ships (`data.lfw_subset()`: 200 small face
photos, and `data.astronaut()`), so nothing is downloaded and no media is
committed. Each video comes with its ground truth: the box of every face on
every frame. Plain numpy/OpenCV, no Django.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np


@dataclass
class FaceSprite:
    image: np.ndarray                 # gray or BGR uint8, the face filling the image
    start: tuple[float, float]        # top-left at first_frame (x, y)
    end: tuple[float, float]          # top-left at last_frame
    size: int                         # side in pixels
    first_frame: int = 0
    last_frame: int | None = None     # inclusive; None = to the end

    def box_at(self, index: int, frames: int) -> tuple[int, int, int, int] | None:
        last = frames - 1 if self.last_frame is None else self.last_frame
        if index < self.first_frame or index > last:
            return None
        t = 0.0 if last == self.first_frame else (index - self.first_frame) / (last - self.first_frame)
        x = self.start[0] + t * (self.end[0] - self.start[0])
        y = self.start[1] + t * (self.end[1] - self.start[1])
        return (int(round(x)), int(round(y)), self.size, self.size)


def lfw_faces(count: int, *, seed: int = 0) -> list[np.ndarray]:
    """`count` distinct face photos (gray uint8) from scikit-image's LFW subset."""
    from skimage import data

    faces = data.lfw_subset()[:100]  # the first 100 are faces, the rest are not
    rng = np.random.default_rng(seed)
    picks = rng.choice(len(faces), size=count, replace=False)
    return [(faces[i] * 255).astype(np.uint8) for i in picks]


def astronaut_face() -> np.ndarray:
    """The face of scikit-image's astronaut photo (BGR), cropped square."""
    from skimage import data

    return np.ascontiguousarray(data.astronaut()[50:200, 150:300, ::-1])


def wall(width: int = 640, height: int = 480, *, seed: int = 0) -> np.ndarray:
    """A museum-ish background: a lit wall, a floor and two picture frames."""
    rng = np.random.default_rng(seed)
    ys = np.linspace(0.0, 1.0, height, dtype=np.float32)[:, None]
    xs = np.linspace(0.0, 1.0, width, dtype=np.float32)[None, :]
    light = 150 + 60 * np.exp(-((xs - 0.5) ** 2) / 0.08) - 30 * ys
    img = np.repeat(light[:, :, None], 3, axis=2) * np.array([0.92, 1.0, 1.05], dtype=np.float32)
    img[int(height * 0.82):] *= 0.55
    img += rng.normal(0, 3, img.shape).astype(np.float32)
    img = np.clip(img, 0, 255).astype(np.uint8)
    for x0 in (int(width * 0.08), int(width * 0.62)):
        cv2.rectangle(img, (x0, int(height * 0.12)), (x0 + int(width * 0.3), int(height * 0.5)), (40, 60, 90), 6)
        cv2.rectangle(img, (x0 + 8, int(height * 0.12) + 8),
                      (x0 + int(width * 0.3) - 8, int(height * 0.5) - 8), (120, 140, 110), -1)
    return img


def paste_face(frame: np.ndarray, face: np.ndarray, box: tuple[int, int, int, int]) -> None:
    """Draw a visitor: hair/head outline and shoulders around the face photo at `box`."""
    x, y, side, _ = box
    sprite = cv2.resize(face, (side, side), interpolation=cv2.INTER_LINEAR)
    if sprite.ndim == 2:
        sprite = cv2.cvtColor(sprite, cv2.COLOR_GRAY2BGR)
    cx, cy = x + side // 2, y + side // 2 - int(side * 0.08)
    cv2.rectangle(frame, (cx - int(side * 0.6), cy + int(side * 0.6)), (cx + int(side * 0.6), cy + int(side * 0.9)),
                  (90, 60, 50), -1)
    cv2.ellipse(frame, (cx, cy), (int(side * 0.62), int(side * 0.72)), 0, 0, 360, (30, 40, 60), -1)
    mask = np.zeros((side, side), np.uint8)
    cv2.ellipse(mask, (side // 2, side // 2), (side // 2, int(side * 0.56)), 0, 0, 360, 255, -1)
    fh, fw = frame.shape[:2]
    x0, y0, x1, y1 = max(0, x), max(0, y), min(fw, x + side), min(fh, y + side)
    if x1 <= x0 or y1 <= y0:
        return
    region = frame[y0:y1, x0:x1]
    inside = mask[y0 - y:y1 - y, x0 - x:x1 - x] > 0
    region[inside] = sprite[y0 - y:y1 - y, x0 - x:x1 - x][inside]


def video_write(path: str | Path, sprites: list[FaceSprite], *, frames: int, fps: float = 25.0,
                width: int = 640, height: int = 480, background: np.ndarray | None = None,
                seed: int = 0) -> list[list[tuple[int, int, int, int]]]:
    """Write an MJPEG .avi; returns the ground-truth face boxes of every frame."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), fps, (width, height))
    if not writer.isOpened():
        raise RuntimeError(f"cannot write video {path}")
    base = wall(width, height, seed=seed) if background is None else background
    truth: list[list[tuple[int, int, int, int]]] = []
    try:
        for index in range(frames):
            frame = base.copy()
            boxes = []
            for sprite in sprites:
                box = sprite.box_at(index, frames)
                if box is not None:
                    paste_face(frame, sprite.image, box)
                    boxes.append(box)
            writer.write(frame)
            truth.append(boxes)
    finally:
        writer.release()
    return truth


def walkers(count: int, *, frames: int, width: int = 640, height: int = 480, sizes: tuple[int, ...] = (110,),
            seed: int = 0) -> list[FaceSprite]:
    """`count` faces (1-4) walking slowly across the frame in separate lanes, visible throughout.

    Faces stay fully inside the frame; `sizes` cycles over the faces (near and far visitors).
    """
    faces = lfw_faces(count, seed=seed)
    lanes = [(0.06, 0.10), (0.80, 0.55), (0.06, 0.55), (0.80, 0.10)]  # left-to-right, right-to-left, ...
    sprites = []
    for i in range(count):
        size = sizes[i % len(sizes)]
        lx, ly = lanes[i % len(lanes)]
        x0 = min(lx * width, width - size - 4)
        y0 = min(ly * height + size * 0.1, height - size * 1.2)
        dx = (0.3 * width) * (1 if lx < 0.5 else -1)
        sprites.append(FaceSprite(image=faces[i], start=(x0, y0), end=(x0 + dx, y0 + 10), size=size))
    return sprites


def demo_video_write(path: str | Path, *, seconds: float = 24.0, fps: float = 25.0) -> list[list[tuple]]:
    """The run_demo video: three visitors come and go in front of an exhibit, 640x480."""
    frames = int(seconds * fps)
    faces = lfw_faces(2, seed=7)
    sprites = [
        FaceSprite(image=astronaut_face(), start=(40, 90), end=(260, 110), size=130,
                   first_frame=0, last_frame=int(frames * 0.55)),
        FaceSprite(image=faces[0], start=(470, 60), end=(360, 80), size=110,
                   first_frame=int(frames * 0.15), last_frame=int(frames * 0.85)),
        FaceSprite(image=faces[1], start=(120, 300), end=(420, 250), size=100,
                   first_frame=int(frames * 0.5), last_frame=frames - 1),
    ]
    return video_write(path, sprites, frames=frames, fps=fps, seed=3)
