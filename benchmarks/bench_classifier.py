"""Emotion classifier speed: faces/s at batch 1 and batch 64, every exported variant side by side.

    .venv/bin/python benchmarks/bench_classifier.py [--artifact worker/ml/shipped_model]
        [--keras var/models/<run>/model.keras] [--threads 1 2] [--faces-dir ../shared/datasets/fer2013/publictest]

Rows, measured in one run on the same random 48x48 crops:
- LiteRT float / int8 `EmotionClassifier.classify` (what the camera workers run,
  preprocessing included) at 1 and 2 threads, with horizontal-flip TTA (2 model
  passes per face) and with one pass (EMOTION_MODEL_TTA=off);
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

from worker.ml import artifact  # noqa: E402
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--artifact", type=Path, default=ROOT / "worker" / "ml" / "shipped_model")
    parser.add_argument("--keras", type=Path, help="model.keras for the Keras baseline (default: in --artifact)")
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2],
                        help="LiteRT thread counts to compare (EMOTION_MODEL_THREADS; default 2)")
    parser.add_argument("--repeats", type=int, default=50)
    parser.add_argument("--faces-dir", type=Path, default=ROOT.parent / "shared" / "datasets" / "fer2013" / "publictest")
    args = parser.parse_args()

    rng = np.random.default_rng(0)
    crops = [rng.integers(0, 255, (48, 48), dtype=np.uint8) for _ in range(64)]
    one, batch = crops[:1], crops
    print(f"artifact {args.artifact}; CPU cores visible: {os.cpu_count()}; load average {os.getloadavg()[0]:.1f}")
    print(f"{'path':<44} {'batch 1':>17} {'batch 64':>20} {'(per face)':>16}")

    for variant in artifact.available_variants(args.artifact):
        for threads in args.threads:
            for tta in (True, False):
                classifier = EmotionClassifier(args.artifact, variant=variant, num_threads=threads, tta=tta)
                label = f"LiteRT {variant} {threads}T classify(){' + hflip TTA' if tta else ', one pass'}"
                print(row(label, timed(lambda: classifier.classify(one), args.repeats * 4),
                          timed(lambda: classifier.classify(batch), args.repeats)))

    keras_file = args.keras or args.artifact / artifact.KERAS_FILE
    if keras_file.is_file():
        import keras

        model = keras.models.load_model(keras_file, compile=False)
        x1, x64 = preprocess_crops(one), preprocess_crops(batch)
        print(row("Keras model.predict (baseline), no TTA",
                  timed(lambda: model.predict(x1, verbose=0), args.repeats),
                  timed(lambda: model.predict(x64, verbose=0), max(args.repeats // 2, 5))))
        print(row("Keras model(x) direct call, no TTA",
                  timed(lambda: model(x1, training=False), args.repeats),
                  timed(lambda: model(x64, training=False), max(args.repeats // 2, 5))))
    else:
        print(f"(no Keras baseline: {keras_file} not found; pass --keras var/models/<run>/model.keras)")

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


if __name__ == "__main__":
    main()
