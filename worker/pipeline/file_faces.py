"""Faces and emotions in image and video files: the `detect_emotions` driver of the pipeline.

One dict per detected face: {"file", "frame", "time_ms", "bbox": [x, y, w, h],
"track_id", "emotion", "confidence", "scores"}; {"file", "error"} for an input
that cannot be read. Videos are read frame by frame at their own frame rate
(time_ms is media time) through the same FacePipeline the cameras use, so
track ids follow a face through the video. No Django, nothing written.
"""
from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import cv2

from worker.pipeline.pipeline import FacePipeline
from worker.pipeline.sources import Frame, SourceError, VideoFileReader

IMAGE_SUFFIXES = {".jpg", ".jpeg", ".png", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}
VIDEO_SUFFIXES = {".avi", ".mp4", ".mkv", ".mov", ".m4v", ".webm", ".mpg", ".mpeg", ".wmv", ".flv", ".mjpeg", ".mjpg"}


def media_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Files as given; folders expanded recursively to their images and videos, sorted."""
    for path in paths:
        if path.is_dir():
            yield from sorted(p for p in path.rglob("*")
                              if p.is_file() and p.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES)
        else:
            yield path


def _face_line(file: str, frame: Frame, face) -> dict:
    p = face.prediction
    return {"file": file, "frame": frame.index, "time_ms": int(round(frame.seconds * 1000)),
            "bbox": list(face.box), "track_id": face.track_number, "emotion": p.label,
            "confidence": round(float(p.confidence), 4), "scores": {k: round(float(v), 4) for k, v in p.scores.items()}}


def faces_in_files(paths: Iterable[Path], pipeline_factory: Callable[[], FacePipeline]) -> Iterator[dict]:
    for path in media_paths(paths):
        file = str(path)
        if not path.exists():
            yield {"file": file, "error": "no such file or folder"}
            continue
        suffix = path.suffix.lower()
        if suffix in IMAGE_SUFFIXES:
            image = cv2.imread(file, cv2.IMREAD_COLOR)
            if image is None:
                yield {"file": file, "error": "not an image OpenCV can read"}
                continue
            pipeline = pipeline_factory()
            result = pipeline.process(Frame(image=image, index=0, seconds=0.0, captured_at=None))
            for face in result.faces:
                if face.prediction is not None:
                    yield _face_line(file, result.frame, face)
            continue
        try:
            reader = VideoFileReader(file)
        except SourceError as exc:
            yield {"file": file, "error": str(exc)}
            continue
        try:
            frames = 0
            pipeline = pipeline_factory()
            while (frame := reader.read()) is not None:
                frames += 1
                for face in pipeline.process(frame).faces:
                    if face.prediction is not None:
                        yield _face_line(file, frame, face)
            if frames == 0:
                yield {"file": file, "error": "no decodable frames (not a video, or corrupt)"}
        finally:
            reader.close()
