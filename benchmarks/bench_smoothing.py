"""Steadier labels per visitor: share of logged events with the track's true emotion, smoothing off vs on.

    .venv/bin/python benchmarks/bench_smoothing.py [--faces-dir ../shared/datasets/fer2013/publictest]
        [--artifact worker/ml/shipped_model] [--sequences 60] [--windows 0 0.5 1 2] [--seed 0]

Sequences built from FER-2013 PublicTest faces (never seen in training), each one track:
`--frames` frames (30) at `--fps` (10), of one class, with 10-20 % of the frames (random count and
positions, seeded) replaced by a face of another class: the "odd frames" a mouth open mid-word
makes. Two kinds, `--sequences` of each per class:

- one face: the same photo throughout, lightly jittered per frame (shift, scale, brightness,
  noise: a visitor standing still); the model's mistakes on that face persist, as on a video,
  so smoothing can only remove the odd frames;
- many faces: a different photo of the class on every frame; mistakes are independent.

And `--changes` sequences of 3 s of one class then 3 s of another (the one-face jitter), for
the price of smoothing: how long the logged label takes to follow a real change.

Every frame goes through the real FacePipeline (the shipped LiteRT classifier with its
TTA, the camera's classification schedule: at most `--events-per-second` (4) a second, the
smoother at each window) and the real Recorder (every classification an event, visits of at
least 1 s); only the detector is replaced by the known face box (the frame is the 48x48
face), so detection does not blur the figure. Identical crops are classified once and the
reading reused for every window (the classifier is deterministic); window 0 is the baseline,
smoothing off, as before. Figures, not asserts.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import statistics
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import cv2  # noqa: E402
import numpy as np  # noqa: E402

from emotions.labels import EMOTIONS  # noqa: E402
from emotions.recording_rows import RecordingResult  # noqa: E402
from worker.ml.classifier import EmotionClassifier  # noqa: E402
from worker.pipeline.detector import Detection  # noqa: E402
from worker.pipeline.pipeline import FacePipeline  # noqa: E402
from worker.pipeline.recorder import Recorder  # noqa: E402
from worker.pipeline.sources import Frame  # noqa: E402

START = datetime(2024, 5, 4, 10, 0, tzinfo=timezone.utc)


class KnownFace:
    """The detector's stand-in: the whole (48x48) frame is the face."""
    name = "known-box"
    supports_regions = False

    def detect(self, image: np.ndarray) -> list[Detection]:
        return [Detection(0, 0, image.shape[1], image.shape[0])]


class ReadOnce:
    """The classifier, each distinct crop read once (the same crop gives the same reading)."""

    def __init__(self, classifier: EmotionClassifier):
        self.classifier = classifier
        self.readings: dict[bytes, object] = {}
        self.seconds = 0.0

    def classify(self, crops: list[np.ndarray]) -> list:
        keys = [hashlib.blake2b(np.ascontiguousarray(c).tobytes(), digest_size=16).digest() for c in crops]
        new = [(k, c) for k, c in zip(keys, crops) if k not in self.readings]
        if new:
            t0 = time.perf_counter()
            for (k, _), p in zip(new, self.classifier.classify([c for _, c in new])):
                self.readings[k] = p
            self.seconds += time.perf_counter() - t0
        return [self.readings[k] for k in keys]


@dataclass
class Sequence:
    truth: list[str]          # the class of each frame
    images: list[np.ndarray]  # 48x48 gray


def faces_by_class(faces_dir: Path) -> dict[str, list[Path]]:
    found = {e: sorted((faces_dir / e).glob("*.jpg")) + sorted((faces_dir / e).glob("*.png")) for e in EMOTIONS}
    missing = [e for e, files in found.items() if not files]
    if missing:
        raise SystemExit(f"no faces for {missing} under {faces_dir} (expected <class>/*.jpg)")
    return found


def jittered(face: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """One video frame of a still visitor: a shift of up to 2 px, scale +-5 %, brightness +-10 %, noise."""
    size = face.shape[0]
    scale = rng.uniform(0.95, 1.05)
    matrix = cv2.getRotationMatrix2D((size / 2, size / 2), rng.uniform(-3, 3), scale)
    matrix[:, 2] += rng.uniform(-2, 2, size=2)
    moved = cv2.warpAffine(face, matrix, (size, size), borderMode=cv2.BORDER_REFLECT)
    lit = moved.astype(np.float32) * rng.uniform(0.9, 1.1) + rng.normal(0, 3, moved.shape)
    return np.clip(lit, 0, 255).astype(np.uint8)


class Faces:
    def __init__(self, files: dict[str, list[Path]]):
        self.files = files
        self.cache: dict[Path, np.ndarray] = {}

    def get(self, emotion: str, rng: np.random.Generator) -> np.ndarray:
        path = self.files[emotion][rng.integers(len(self.files[emotion]))]
        if path not in self.cache:
            self.cache[path] = cv2.resize(cv2.imread(str(path), cv2.IMREAD_GRAYSCALE), (48, 48))
        return self.cache[path]


def odd_positions(frames: int, rng: np.random.Generator, low: float, high: float) -> set[int]:
    count = max(1, int(round(frames * rng.uniform(low, high))))
    return set(rng.choice(frames, size=count, replace=False).tolist())


def sequence_with_odd_frames(emotion: str, kind: str, faces: Faces, rng: np.random.Generator,
                             frames: int, low: float, high: float) -> Sequence:
    odd = odd_positions(frames, rng, low, high)
    others = [e for e in EMOTIONS if e != emotion]
    steady = faces.get(emotion, rng)
    truth, images = [], []
    for i in range(frames):
        label = str(rng.choice(others)) if i in odd else emotion
        if kind == "one face":
            images.append(jittered(steady if label == emotion else faces.get(label, rng), rng))
        else:
            images.append(faces.get(label, rng))
        truth.append(label)
    return Sequence(truth=truth, images=images)


def sequence_with_change(first: str, second: str, faces: Faces, rng: np.random.Generator,
                         frames_each: int) -> Sequence:
    a, b = faces.get(first, rng), faces.get(second, rng)
    return Sequence(truth=[first] * frames_each + [second] * frames_each,
                    images=[jittered(a, rng) for _ in range(frames_each)] + [jittered(b, rng) for _ in range(frames_each)])


def events_of(sequence: Sequence, classifier, *, window: float, fps: float, events_per_second: float) -> list:
    """(seconds into the sequence, label, confidence, the frame's true class, the classifier's own label)
    of each event the recorder writes."""
    pipeline = FacePipeline(detector=KnownFace(), classifier=classifier, detect_every=1,
                            classify_interval=1.0 / events_per_second, analysis_fps=fps, gate_by_motion=False,
                            smoothing_seconds=window)
    written: list = []

    def write(visits, events):
        written.extend(events)
        return RecordingResult(visits_new=len(visits), events_new=len(events), visit_ids={})

    recorder = Recorder(camera_id=1, track_prefix="bench", writer=write, min_track_seconds=1.0, flush_seconds=1e9)
    raw: dict[int, str] = {}
    for index, image in enumerate(sequence.images):
        seconds = index / fps
        result = pipeline.process(Frame(image=image, index=index, seconds=seconds,
                                        captured_at=START + timedelta(seconds=seconds)))
        raw.update({index: face.raw_prediction.label for face in result.faces if face.raw_prediction is not None})
        recorder.consume(result)
    recorder.end_tracks([t.number for t in pipeline.close_tracks()])
    recorder.flush()
    out = []
    for event in written:
        seconds = (event.timestamp - START).total_seconds()
        index = int(round(seconds * fps))
        out.append((seconds, event.emotion, event.confidence, sequence.truth[index], raw[index]))
    return out


def share(hits: int, total: int) -> str:
    return f"{hits / total:.3f}" if total else "  -  "


def odd_frame_table(title: str, sequences: dict[str, list[Sequence]], classifier, args) -> None:
    print(f"\n{title}: share of events whose label is the sequence's class ({args.sequences} sequences "
          f"of {args.frames} frames at {args.fps:g} fps per class)")
    header = f"{'window':>8} {'events':>7} {'all':>6} " + " ".join(f"{e[:7]:>7}" for e in EMOTIONS)
    print(header + f" {'odd kept':>9} {'1 s in':>7} {'conf>=0.6':>10}")
    for window in args.windows:
        per_class, total_hits, total = {}, 0, 0
        odd_logged = odd_total = confident = late_logged = late_total = 0
        for emotion, seqs in sequences.items():
            hits = count = 0
            for seq in seqs:
                events = events_of(seq, classifier, window=window, fps=args.fps,
                                   events_per_second=args.events_per_second)
                # What the classifier reads most often on the sequence's own frames (right or wrong).
                steady = Counter(read for *_, truth, read in events if truth == emotion).most_common(1)
                steady = steady[0][0] if steady else emotion
                for seconds, label, confidence, frame_truth, read in events:
                    count += 1
                    hits += label == emotion
                    confident += confidence >= 0.6
                    if frame_truth != emotion and read != steady:  # an odd frame, read otherwise than the track
                        odd_total += 1
                        odd_logged += label == read
                        if seconds >= 1.0 - 1e-9:  # past the track's first second
                            late_total += 1
                            late_logged += label == read
            per_class[emotion] = share(hits, count)
            total_hits, total = total_hits + hits, total + count
        name = "off" if window == 0 else f"{window:g} s"
        print(f"{name:>8} {total:>7} {share(total_hits, total):>6} "
              + " ".join(f"{per_class[e]:>7}" for e in EMOTIONS)
              + f" {share(odd_logged, odd_total):>9} {share(late_logged, late_total):>7} {share(confident, total):>10}")


def change_table(sequences: list[tuple[str, str, Sequence]], classifier, args) -> None:
    print(f"\nA real change ({len(sequences)} sequences, one face each: 3 s of one class, then 3 s of another)")
    print(f"{'window':>8} {'lag median':>11} {'lag p90':>8} {'never':>6} {'2nd half right':>15}")
    for window in args.windows:
        lags, never, hits, count = [], 0, 0, 0
        for first, second, seq in sequences:
            change = len(seq.truth) / 2 / args.fps
            events = events_of(seq, classifier, window=window, fps=args.fps, events_per_second=args.events_per_second)
            first_ok = [t for t, label, *_ in events if t >= change - 1e-9 and label == second]
            after = [label for t, label, *_ in events if t >= change - 1e-9]
            count += len(after)
            hits += sum(label == second for label in after)
            if first_ok:
                lags.append(first_ok[0] - change)
            else:
                never += 1
        name = "off" if window == 0 else f"{window:g} s"
        p90 = statistics.quantiles(lags, n=10)[-1] if len(lags) >= 2 else float("nan")
        print(f"{name:>8} {statistics.median(lags):>9.2f} s {p90:>6.2f} s {never:>6} {share(hits, count):>15}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--faces-dir", type=Path, default=ROOT.parent / "shared" / "datasets" / "fer2013" / "publictest")
    parser.add_argument("--artifact", type=Path, default=ROOT / "worker" / "ml" / "shipped_model")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--sequences", type=int, default=60, help="per class and kind")
    parser.add_argument("--changes", type=int, default=100)
    parser.add_argument("--frames", type=int, default=30)
    parser.add_argument("--fps", type=float, default=10.0)
    parser.add_argument("--events-per-second", type=float, default=4.0, help="the cameras' default")
    parser.add_argument("--odd-share", type=float, nargs=2, default=(0.10, 0.20), metavar=("LOW", "HIGH"))
    parser.add_argument("--windows", type=float, nargs="+", default=[0.0, 0.5, 1.0, 2.0])
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    if 0.0 not in args.windows:
        args.windows.insert(0, 0.0)  # the baseline is always printed

    started = time.perf_counter()
    classifier = ReadOnce(EmotionClassifier(args.artifact, num_threads=args.threads))
    faces = Faces(faces_by_class(args.faces_dir))
    rng = np.random.default_rng(args.seed)
    low, high = args.odd_share
    kinds = {kind: {e: [sequence_with_odd_frames(e, kind, faces, rng, args.frames, low, high)
                        for _ in range(args.sequences)] for e in EMOTIONS}
             for kind in ("one face", "many faces")}
    changes = []
    for _ in range(args.changes):
        first, second = rng.choice(len(EMOTIONS), size=2, replace=False)
        changes.append((EMOTIONS[first], EMOTIONS[second],
                        sequence_with_change(EMOTIONS[first], EMOTIONS[second], faces, rng, int(3 * args.fps))))

    print(f"model {args.artifact} ({classifier.classifier.spec.get('tta', 'none')} TTA), faces from {args.faces_dir}, "
          f"seed {args.seed}; {low:.0%}-{high:.0%} odd frames; events: at most {args.events_per_second:g}/s, "
          f"tracks >= 1 s; window = EMOTION_SMOOTHING_SECONDS, 'off' = 0 (the baseline, as before)")
    print("columns: all and per class = events labelled with the sequence's class; odd kept = of the events "
          "at an odd frame the classifier read otherwise than most of the track, those logged with that reading "
          "(1 s in: the same past the track's first second; a track's first reading is logged as read); "
          "conf>=0.6 = events at or over the reports' default confidence threshold")
    for kind, sequences in kinds.items():
        odd_frame_table(kind, sequences, classifier, args)
    change_table(changes, classifier, args)
    print(f"\n{len(classifier.readings)} distinct crops classified in {classifier.seconds:.1f} s; "
          f"total {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
