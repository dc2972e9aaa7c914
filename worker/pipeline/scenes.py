"""Camera-like frames built from labelled face crops: what `evaluate_model --scenes` measures on.

Every face (a uint8 48x48 gray crop, as FER-2013 stores them) is pasted exactly once, into a
generated 640x480 frame beside 0-2 other faces, the way a camera would show a visitor:

- backgrounds made here, nothing downloaded: colour gradients, smooth noise textures, random
  shapes (frames, doors, posters), or the museum wall of `synthetic.wall`; half of them out of focus;
- each face over a head-and-shoulders silhouette (hair, neck, clothes), blended through a soft
  ellipse (`paste="ellipse"`, the default: FER crops are tight, their corners are hair or
  background) or pasted as the whole square (`paste="square"`);
- face side 40-200 px (log-uniform, so about a third in each of 40-70, 70-120, 120-200), tinted
  to a skin tone, rotated by up to +-12 degrees, with its own gamma (0.6-1.6), contrast (x0.6-1.15) and
  brightness (+-12 %);
- over the whole frame: uneven light (a brightness ramp up to +-25 %) with a colour cast,
  focus blur (sigma 0.3-1.2 px on half the frames), sensor (luma) noise, and a JPEG round trip
  (quality 50-90), as an MJPEG or H.264 camera delivers.

Each scene carries its ground truth: which face went where, its square box before rotation
(x, y, side, side in frame pixels) and its angle. One seed gives the same scenes for the same
faces. Plain numpy/OpenCV, no Django.
"""
from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import asdict, dataclass

import cv2
import numpy as np

from worker.pipeline.synthetic import wall

FRAME_SIZE = (640, 480)           # width, height: a camera's analysis substream, the demo video's size
FACE_SIDES = (40, 200)            # pixels, smallest and largest pasted face
MAX_ROTATION = 12.0               # degrees either way
MAX_FACES_PER_FRAME = 3
PASTE_MODES = ("ellipse", "square")
BACKGROUNDS = ("gradient", "texture", "shapes", "wall")


@dataclass(frozen=True)
class SceneStyle:
    """How far the scenes stray from the dataset's crops: each range is drawn uniformly per face or frame."""
    max_rotation: float = MAX_ROTATION                  # degrees either way, per face
    gamma: tuple[float, float] = (0.6, 1.6)             # per face, log-uniform
    contrast: tuple[float, float] = (0.6, 1.15)         # per face, about its mean
    brightness: float = 0.12                            # per face, +- this fraction of full scale
    light_ramp: float = 0.5                             # per frame: brightness ramp, up to +- half this
    colour_cast: float = 0.1                            # per frame: each channel x (1 +- this)
    blur_share: float = 0.5                             # frames with focus blur
    blur_sigma: tuple[float, float] = (0.3, 1.2)        # pixels
    noise: float = 5.0                                  # sensor noise sigma, up to, grey levels
    jpeg_quality: tuple[int, int] = (50, 90)            # the camera's compression

    def as_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class PastedFace:
    face: int                          # index of the face in the array given to scenes_build
    box: tuple[int, int, int, int]     # x, y, side, side: the face's square before rotation, frame pixels
    angle: float                       # degrees, counter-clockwise as seen


@dataclass
class Scene:
    image: np.ndarray                  # BGR uint8, FRAME_SIZE
    faces: list[PastedFace]
    background: str


def scenes_build(faces: np.ndarray, *, seed: int = 0, paste: str = "ellipse", max_faces: int = MAX_FACES_PER_FRAME,
                 size: tuple[int, int] = FRAME_SIZE, style: SceneStyle = SceneStyle()) -> Iterator[Scene]:
    """Scenes holding every face of `faces` (uint8 (N, H, W) gray) once, in a seeded random order."""
    if paste not in PASTE_MODES:
        raise ValueError(f"unknown paste mode {paste!r} (choose from {', '.join(PASTE_MODES)})")
    if max_faces < 1:
        raise ValueError("max_faces must be at least 1")
    width, height = size
    if min(width, height) < FACE_SIDES[1] + 20:
        raise ValueError(f"a {width}x{height} frame cannot hold a {FACE_SIDES[1]}-px face")
    rng = np.random.default_rng(seed)
    order = list(rng.permutation(len(faces)))
    while order:
        wanted = int(rng.integers(1, max_faces + 1))
        image, kind = _background(rng, width, height)
        taken: list[tuple[float, float, float, float]] = []
        placed: list[PastedFace] = []
        deferred: list[int] = []
        while order and len(placed) < wanted:
            index = order.pop(0)
            side = int(round(math.exp(rng.uniform(math.log(FACE_SIDES[0]), math.log(FACE_SIDES[1])))))
            spot = _place(rng, side, taken, width, height)
            if spot is None:  # no room beside the faces already there: it opens a later frame
                deferred.append(index)
                if len(deferred) >= 3:
                    break
                continue
            x, y = spot
            taken.append(_footprint(x, y, side))
            angle = round(float(rng.uniform(-style.max_rotation, style.max_rotation)), 2)
            placed.append(PastedFace(face=int(index), box=(x, y, side, side), angle=angle))
        order = deferred + order
        # Every visitor's silhouette first, then the faces: shoulders never cover a face.
        for pasted in placed:
            _person_draw(image, rng, pasted.box[:3], faces[pasted.face])
        for pasted in placed:
            _face_paste(image, rng, faces[pasted.face], pasted.box[:3], pasted.angle, paste, style)
        yield Scene(image=_camera(image, rng, style), faces=placed, background=kind)


# ---- backgrounds ------------------------------------------------------------------------------

def _background(rng: np.random.Generator, width: int, height: int) -> tuple[np.ndarray, str]:
    kind = BACKGROUNDS[int(rng.integers(len(BACKGROUNDS)))]
    if kind == "gradient":
        c0, c1 = rng.uniform(20, 235, 3), rng.uniform(20, 235, 3)
        theta = rng.uniform(0, 2 * math.pi)
        t = _ramp(width, height, theta)
        t = (t - t.min()) / max(float(t.max() - t.min()), 1e-6)
        image = c0.astype(np.float32)[None, None, :] + t[..., None] * (c1 - c0).astype(np.float32)[None, None, :]
    elif kind == "texture":
        cells = int(rng.integers(4, 24))
        coarse = rng.uniform(-1, 1, (max(2, height * cells // width), cells, 3)).astype(np.float32)
        image = rng.uniform(60, 200, 3)[None, None, :] + rng.uniform(20, 70) * cv2.resize(
            coarse, (width, height), interpolation=cv2.INTER_CUBIC)
        image = image + np.float32(rng.uniform(2, 12)) * rng.standard_normal((height, width, 3), dtype=np.float32)
    elif kind == "shapes":
        image = np.empty((height, width, 3), np.float32)
        image[:] = rng.uniform(30, 220, 3)
        for _ in range(int(rng.integers(4, 16))):
            colour = tuple(float(v) for v in rng.uniform(0, 255, 3))
            thickness = -1 if rng.random() < 0.5 else int(rng.integers(2, 9))
            x0, y0 = int(rng.integers(-50, width)), int(rng.integers(-50, height))
            shape = rng.random()
            if shape < 0.5:
                x1, y1 = x0 + int(rng.integers(20, width // 2)), y0 + int(rng.integers(20, height // 2))
                cv2.rectangle(image, (x0, y0), (x1, y1), colour, thickness)
            elif shape < 0.8:
                cv2.circle(image, (x0, y0), int(rng.integers(10, 120)), colour, thickness)
            else:
                cv2.line(image, (x0, y0), (int(rng.integers(0, width)), int(rng.integers(0, height))), colour,
                         max(thickness, 2))
    else:
        image = wall(width, height, seed=int(rng.integers(1 << 30))).astype(np.float32)
    if rng.random() < 0.5:  # out of focus behind the visitors
        image = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(1.0, 4.0)))
    return np.clip(image, 0, 255).astype(np.float32), kind


# ---- visitors ---------------------------------------------------------------------------------

def _footprint(x: int, y: int, side: int) -> tuple[float, float, float, float]:
    """The room a visitor takes (head and shoulders), kept free of other faces."""
    return (x - 0.45 * side, y - 0.35 * side, 1.9 * side, 2.0 * side)


def _overlaps(a, b) -> bool:
    return a[0] < b[0] + b[2] and b[0] < a[0] + a[2] and a[1] < b[1] + b[3] and b[1] < a[1] + a[3]


def _place(rng: np.random.Generator, side: int, taken: list, width: int, height: int) -> tuple[int, int] | None:
    """A top-left corner where the face lies inside the frame and its visitor overlaps no other."""
    for _ in range(30):
        x, y = int(rng.integers(0, width - side + 1)), int(rng.integers(0, height - side + 1))
        if not any(_overlaps(_footprint(x, y, side), other) for other in taken):
            return x, y
    return None


def _person_draw(image: np.ndarray, rng: np.random.Generator, spot: tuple[int, int, int], face: np.ndarray) -> None:
    """Hair, neck and shoulders around where the face goes: a face never floats on a wall."""
    x, y, side = spot
    cx = x + side / 2.0
    skin = float(np.mean(face)) * np.array([0.85, 0.95, 1.1])  # BGR, a little warm
    clothes = tuple(float(v) for v in rng.uniform(10, 230, 3))
    hair = tuple(float(v) for v in rng.uniform(10, 90) * rng.uniform(0.7, 1.0, 3))

    def point(px, py):
        return int(round(px)), int(round(py))

    cv2.ellipse(image, point(cx, y + 1.55 * side), point(0.95 * side, 0.55 * side), 0, 0, 360, clothes, -1)
    cv2.rectangle(image, point(cx - 0.2 * side, y + 0.8 * side), point(cx + 0.2 * side, y + 1.2 * side),
                  tuple(float(v) for v in np.clip(skin * 0.8, 0, 255)), -1)
    cv2.ellipse(image, point(cx, y + 0.44 * side), point(0.6 * side, 0.66 * side), 0, 0, 360, hair, -1)


def _face_mask(side: int, paste: str) -> np.ndarray:
    if paste == "square":
        return np.ones((side, side), np.float32)
    # An ellipse filling the square, fading out over its outer quarter (in squared radius).
    ys, xs = np.mgrid[0:side, 0:side].astype(np.float32)
    centre = (side - 1) / 2.0
    d = ((xs - centre) / (0.5 * side)) ** 2 + ((ys - centre) / (0.56 * side)) ** 2
    return np.clip((1.0 - d) / 0.25, 0.0, 1.0)


def _face_paste(image: np.ndarray, rng: np.random.Generator, face: np.ndarray, spot: tuple[int, int, int],
                angle: float, paste: str, style: SceneStyle) -> None:
    x, y, side = spot
    pixels = face.astype(np.float32) / 255.0
    pixels = pixels ** math.exp(rng.uniform(math.log(style.gamma[0]), math.log(style.gamma[1])))
    mean = float(pixels.mean())
    pixels = (pixels - mean) * rng.uniform(*style.contrast) + mean + rng.uniform(-style.brightness, style.brightness)
    pixels = np.clip(pixels, 0.0, 1.0) * 255.0
    shrinking = side < pixels.shape[0]
    patch = cv2.resize(pixels, (side, side), interpolation=cv2.INTER_AREA if shrinking else cv2.INTER_LINEAR)
    mask = _face_mask(side, paste)
    # Rotate face and mask together on a canvas that holds the turned square's corners.
    canvas = int(math.ceil(side * 1.5)) | 1
    offset = (canvas - side) // 2
    big_patch = np.zeros((canvas, canvas), np.float32)
    big_mask = np.zeros((canvas, canvas), np.float32)
    big_patch[offset:offset + side, offset:offset + side] = patch
    big_mask[offset:offset + side, offset:offset + side] = mask
    if angle:
        matrix = cv2.getRotationMatrix2D((offset + (side - 1) / 2.0, offset + (side - 1) / 2.0), angle, 1.0)
        big_patch = cv2.warpAffine(big_patch, matrix, (canvas, canvas), flags=cv2.INTER_LINEAR)
        big_mask = cv2.warpAffine(big_mask, matrix, (canvas, canvas), flags=cv2.INTER_LINEAR)
    height, width = image.shape[:2]
    left, top = x - offset, y - offset
    x0, y0, x1, y1 = max(0, left), max(0, top), min(width, left + canvas), min(height, top + canvas)
    alpha = big_mask[y0 - top:y1 - top, x0 - left:x1 - left, None]
    tint = np.array([rng.uniform(0.82, 0.95), rng.uniform(0.93, 1.0), rng.uniform(1.0, 1.12)], np.float32)
    region = image[y0:y1, x0:x1]
    face_bgr = big_patch[y0 - top:y1 - top, x0 - left:x1 - left, None] * tint[None, None, :]  # gray -> skin tone
    image[y0:y1, x0:x1] = region * (1.0 - alpha) + face_bgr * alpha


# ---- the camera -------------------------------------------------------------------------------

def _ramp(width: int, height: int, theta: float) -> np.ndarray:
    """float32 (height, width): position along direction theta, -0.5..0.5 across the frame's middle."""
    xs = (np.arange(width, dtype=np.float32) / width - 0.5) * np.float32(math.cos(theta))
    ys = (np.arange(height, dtype=np.float32) / height - 0.5) * np.float32(math.sin(theta))
    return ys[:, None] + xs[None, :]


def _camera(image: np.ndarray, rng: np.random.Generator, style: SceneStyle) -> np.ndarray:
    """Light, optics and compression over the whole frame -> BGR uint8."""
    height, width = image.shape[:2]
    light = 1.0 + np.float32(rng.uniform(0.0, style.light_ramp)) * _ramp(width, height, rng.uniform(0, 2 * math.pi))
    cast = rng.uniform(1.0 - style.colour_cast, 1.0 + style.colour_cast, 3).astype(np.float32)
    image = image * light[..., None] * cast[None, None, :]
    if rng.random() < style.blur_share:
        image = cv2.GaussianBlur(image, (0, 0), float(rng.uniform(*style.blur_sigma)))
    image += np.float32(rng.uniform(0.0, style.noise)) * rng.standard_normal((height, width, 1), dtype=np.float32)
    frame = np.clip(image, 0, 255).astype(np.uint8)
    quality = int(rng.integers(style.jpeg_quality[0], style.jpeg_quality[1] + 1))
    ok, jpeg = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, quality])
    return cv2.imdecode(jpeg, cv2.IMREAD_COLOR) if ok else frame
