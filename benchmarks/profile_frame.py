"""One 1080p frame's way through a camera worker, stage by stage: where the CPU goes.

    .venv/bin/python benchmarks/profile_frame.py [--width 1920 --height 1080] [--repeat 40]

Generates a frame of a museum wall with 3 visitors (faces of 140-200 px at
1080p), JPEG-encodes it as an MJPEG camera would, and times each step a camera
worker takes with it: decoding (FFmpeg through cv2.VideoCapture, as the
readers do: grab = decode, retrieve = colour conversion; and libjpeg through
cv2.imdecode, full and at 1/2, 1/4 scale), grey conversion, the resizes, the
motion planner, Haar detection (whole frame and around the tracked faces),
crops and the LiteRT classifier, then `FacePipeline.process` as a whole on a
detection frame and between detections. Median CPU milliseconds per call
(process time, so other processes' load inflates it less than wall time).
Figures, not asserts.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import cv2  # noqa: E402
import numpy as np  # noqa: E402


def cpu_ms(call, repeat: int) -> float:
    """Median CPU milliseconds of `call()` (process time, all threads)."""
    call()  # warm caches, allocate
    samples = []
    for _ in range(repeat):
        t0 = time.process_time()
        call()
        samples.append(1000.0 * (time.process_time() - t0))
    return statistics.median(samples)


def capture_ms(path: str, *, retrieve: bool) -> float:
    """CPU ms per frame reading a file with cv2.VideoCapture: grab only, or grab + retrieve."""
    capture = cv2.VideoCapture(path, cv2.CAP_FFMPEG)
    frames, t0 = 0, time.process_time()
    while capture.grab():
        if retrieve:
            capture.retrieve()
        frames += 1
    capture.release()
    return 1000.0 * (time.process_time() - t0) / max(frames, 1)


def scene(width: int, height: int, frames: int, folder: Path):
    from worker.pipeline import synthetic

    scale = width / 1920.0
    sizes = tuple(max(24, int(s * scale)) for s in (200, 160, 140))
    sprites = synthetic.walkers(3, frames=frames, width=width, height=height, sizes=sizes, seed=3)
    path = folder / "scene.avi"
    truth = synthetic.video_write(path, sprites, frames=frames, fps=30.0, width=width, height=height, seed=3)
    capture = cv2.VideoCapture(str(path), cv2.CAP_FFMPEG)
    images = []
    while True:
        ok, image = capture.read()
        if not ok:
            break
        images.append(image)
    return str(path), images, truth


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--width", type=int, default=1920)
    parser.add_argument("--height", type=int, default=1080)
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()
    os.environ.setdefault("EMOTION_MODEL_THREADS", "1")
    cv2.setNumThreads(int(os.environ.get("PIPELINE_OPENCV_THREADS", "1")))  # as the camera workers run

    from worker.ml.classifier import EmotionClassifier
    from worker.pipeline.detector import HaarFaceDetector
    from worker.pipeline.motion import thumbnail
    from worker.pipeline.pipeline import FacePipeline, crop_face
    from worker.pipeline.sources import Frame

    with tempfile.TemporaryDirectory() as tmp:
        path, images, truth = scene(args.width, args.height, 60, Path(tmp))
        read_ms, grab_ms = capture_ms(path, retrieve=True), capture_ms(path, retrieve=False)
    image, boxes = images[30], truth[30]
    jpeg = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, 85])[1]
    gray = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    detector = HaarFaceDetector()
    small_width = detector.detection_width
    small_height = int(round(args.height * small_width / args.width))
    regions = [(x - w // 2, y - h // 2, 2 * w, 2 * h) for x, y, w, h in boxes]
    settings_dir = Path(__file__).resolve().parent.parent / "worker" / "ml" / "shipped_model"
    classifier = EmotionClassifier(settings_dir)
    crops = [crop_face(image, b) for b in boxes]
    r = args.repeat

    rows = [
        ("decode+colour: VideoCapture.read (FFmpeg)", read_ms),
        ("decode only: VideoCapture.grab", grab_ms),
        ("colour conversion: retrieve (read - grab)", read_ms - grab_ms),
        ("decode: cv2.imdecode full (libjpeg)", cpu_ms(lambda: cv2.imdecode(jpeg, cv2.IMREAD_COLOR), r)),
        ("decode: cv2.imdecode at 1/2", cpu_ms(lambda: cv2.imdecode(jpeg, cv2.IMREAD_REDUCED_COLOR_2), r)),
        ("decode: cv2.imdecode at 1/4", cpu_ms(lambda: cv2.imdecode(jpeg, cv2.IMREAD_REDUCED_COLOR_4), r)),
        ("decode: cv2.imdecode grey at 1/2", cpu_ms(lambda: cv2.imdecode(jpeg, cv2.IMREAD_REDUCED_GRAYSCALE_2), r)),
        ("grey: cvtColor BGR2GRAY", cpu_ms(lambda: cv2.cvtColor(image, cv2.COLOR_BGR2GRAY), r)),
        (f"resize grey to {small_width} px (INTER_AREA)",
         cpu_ms(lambda: cv2.resize(gray, (small_width, small_height), interpolation=cv2.INTER_AREA), r)),
        ("motion thumbnail (160 px, blur)", cpu_ms(lambda: thumbnail(gray), r)),
        ("haar: whole frame", cpu_ms(lambda: detector.detect(gray), max(5, r // 4))),
        ("haar: around 3 tracked faces", cpu_ms(lambda: detector.detect(gray, regions=regions), r)),
        ("crops (3 faces)", cpu_ms(lambda: [crop_face(image, b) for b in boxes], r)),
        ("classify 3 crops (LiteRT, TTA auto)", cpu_ms(lambda: classifier.classify(crops), r)),
    ]
    rows += pipeline_rows(FacePipeline, Frame, detector, classifier, images, r, "")
    # What the MJPEG reader hands the pipeline from a 1600 px or wider stream: libjpeg's half-size decode.
    halves = [cv2.imdecode(cv2.imencode(".jpg", i)[1], cv2.IMREAD_REDUCED_COLOR_2) for i in images]
    rows += pipeline_rows(FacePipeline, Frame, HaarFaceDetector(), classifier, halves, r, " (half-size decode)")

    print(f"frame {args.width}x{args.height}, 3 faces, JPEG {len(jpeg) / 1024:.0f} KiB; "
          f"median CPU ms per call; load average {os.getloadavg()[0]:.2f}")
    for name, ms in rows:
        print(f"  {name:<52} {ms:8.2f}")


def pipeline_rows(FacePipeline, Frame, detector, classifier, images, repeat, label):
    """FacePipeline.process at 10 analyses a second on a 30 fps camera: a detection frame, one between."""
    from datetime import datetime, timezone

    pipeline = FacePipeline(detector=detector, classifier=classifier, detect_every=3, analysis_fps=10)
    now = datetime.now(timezone.utc)
    costs = {True: [], False: []}
    for index, image in enumerate(images[: 3 * repeat]):
        if not pipeline.gate.due(index / 30.0):
            continue
        detection = pipeline.analysed % pipeline.detect_every == 0
        t0 = time.process_time()
        pipeline.process(Frame(image=image, index=index, seconds=index / 30.0, captured_at=now))
        costs[detection].append(1000.0 * (time.process_time() - t0))
    return [(f"pipeline.process: detection frame{label}", statistics.median(costs[True][1:] or [0.0])),
            (f"pipeline.process: between detections{label}", statistics.median(costs[False] or [0.0]))]


if __name__ == "__main__":
    main()
