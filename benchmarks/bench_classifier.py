"""Emotion classifier speed: faces/s at batch 1 and batch 64, every exported variant side by side.

    .venv/bin/python benchmarks/bench_classifier.py [--artifact worker/ml/shipped_model]
        [--keras var/models/<run>/model.keras] [--threads 1 2] [--faces-dir ../shared/datasets/fer2013/publictest]

Rows, measured in one run on the same 64 face crops (real PublicTest faces when
FER-2013 is beside the repo, else random ones):
- LiteRT float / int8 `EmotionClassifier.classify` (what the camera workers run,
  preprocessing included) at 1 and 2 threads, with the artifact's TTA (spec.json:
  its views, for the faces the first pass is unsure of) and with one pass
  (EMOTION_MODEL_TTA=off);
- the baseline: Keras `model.predict` on the same network (TensorFlow), one
  call per batch, as the prototype did, and a direct `model(x)` call.
Then `manage.py classify_faces --json` on a folder of crops (3,589 PublicTest
images), wall time including start-up, in a fresh process.
Targets: batch-1 latency <= 1 ms per face, batch-64 >= 3,000 faces/s. Figures, not asserts.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from emotions import model_artifact  # noqa: E402
from worker.ml.classifier import EmotionClassifier  # noqa: E402
from worker.ml.preprocessing import preprocess_crops  # noqa: E402


def timed(call, repeats: int) -> float:
    """Median seconds per call after two warm-up calls."""
    call()
    call()
    samples = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def row(name: str, seconds_b1: float, seconds_b64: float) -> str:
    return (f"{name:<44} {seconds_b1 * 1000:>9.3f} ms/face {64 / seconds_b64:>12,.0f} faces/s"
            f" {seconds_b64 / 64 * 1000:>8.3f} ms/face")


def benchmark_crops(faces_dir: Path) -> tuple[list[np.ndarray], str]:
    """64 real face crops (every class) when FER-2013 is beside the repo, else random ones.

    Real faces matter with TTA below a threshold: how many crops get the extra views
    depends on how sure the first pass is, and noise is not a face.
    """
    from worker.ml.data import image_files, read_image

    files = image_files(faces_dir) if faces_dir.is_dir() else []
    if len(files) >= 64:
        picked = np.random.default_rng(0).choice(len(files), 64, replace=False)
        return [read_image(files[i]) for i in sorted(picked)], f"64 faces from {faces_dir}"
    rng = np.random.default_rng(0)
    return [rng.integers(0, 255, (48, 48), dtype=np.uint8) for _ in range(64)], "64 random 48x48 crops"


def keras_baseline(keras_file: Path):
    """The Keras model for the baseline rows, and a note for their label.

    The repo ships only the .tflite files (model.keras is 3x larger and workers don't need
    it), so a fresh clone times the same network built untrained: speed does not depend
    on the weights' values.
    """
    import keras

    if keras_file.is_file():
        return keras.models.load_model(keras_file, compile=False), ""
    from worker.ml.model import build_model

    return build_model(), " *"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artifact", type=Path, default=ROOT / "worker" / "ml" / "shipped_model")
    parser.add_argument("--keras", type=Path, help="model.keras for the Keras baseline (default: in --artifact)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="LiteRT thread counts to compare (EMOTION_MODEL_THREADS; default 2)")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--faces-dir", type=Path, default=ROOT.parent / "shared" / "datasets" / "fer2013" / "publictest")
    args = parser.parse_args()

    crops, source = benchmark_crops(args.faces_dir)
    one, batch = crops[:1], crops
    print(f"artifact {args.artifact}; CPU cores visible: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"crops: {source}; batch 1 = each of the 64 crops classified alone, batch 64 = all at once")
    print(f"{'path':<44} {'batch 1':>17} {'batch 64':>20} {'(per face)':>16}")

    for variant in model_artifact.available_variants(args.artifact):
        for threads in args.threads:
            for tta in (True, False):
                classifier = EmotionClassifier(args.artifact, variant=variant, num_threads=threads, tta=tta)
                mode = classifier.tta_mode + (f" <{classifier.tta_below}" if tta and classifier.tta_below else "")
                label = f"LiteRT {variant} {threads}T classify(), {'TTA ' + mode if tta else 'one pass'}"
                singles = timed(lambda: [classifier.classify([crop]) for crop in crops], max(args.repeats // 10, 3))
                print(row(label, singles / len(crops), timed(lambda: classifier.classify(batch), args.repeats)))

    model, untrained_mark = keras_baseline(args.keras or args.artifact / model_artifact.KERAS_FILE)
    x1, x64 = preprocess_crops(one), preprocess_crops(batch)
    print(row(f"Keras model.predict (baseline), no TTA{untrained_mark}",
              timed(lambda: model.predict(x1, verbose=0), args.repeats),
              timed(lambda: model.predict(x64, verbose=0), max(args.repeats // 2, 5))))
    print(row(f"Keras model(x) direct call, no TTA{untrained_mark}",
              timed(lambda: model(x1, training=False), args.repeats),
              timed(lambda: model(x64, training=False), max(args.repeats // 2, 5))))

    if args.faces_dir.is_dir():
        env = dict(os.environ, DJANGO_SETTINGS_MODULE="museum_site.settings")
        env.setdefault("SECRET_KEY", "benchmark-only-not-secret")
        command = [sys.executable, "manage.py", "classify_faces", str(args.faces_dir), "--json",
                   "--artifact", str(args.artifact)]
        started = time.perf_counter()
        result = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
        wall = time.perf_counter() - started
        lines = result.stdout.count("\n")
        print(f"manage.py classify_faces {args.faces_dir} --json: {lines} lines in {wall:.1f} s wall "
              f"(start-up included; rc {result.returncode}; {result.stderr.strip().splitlines()[-1]})")
    else:
        print(f"(classify_faces timing skipped: {args.faces_dir} not found)")
    if untrained_mark:
        print("* no model.keras in the artifact (the repo ships .tflite only): the same architecture, untrained,"
              " timed instead; pass --keras var/models/<run>/model.keras for the trained one")


if __name__ == "__main__":
    main()
