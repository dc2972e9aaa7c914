"""How close the reports' emotion mix comes to the truth: raw counted shares vs the corrected estimate.

    .venv/bin/python benchmarks/bench_mix_correction.py [--data ../shared/datasets/fer2013/publictest]
        [--artifact worker/ml/shipped_model] [--sizes 200 1000] [--random-mixes 100] [--repeats 25]
        [--resamples 1000] [--seed 14]

What it does, without Django, with the real model as the camera workers run it
(EmotionClassifier: the artifact's default variant, int8, and its default TTA):
1. classifies every PublicTest face once;
2. splits PublicTest in two halves, stratified by class and seeded; the confusion
   matrix is counted on half A only (as `retrain` counts metrics.json's on its
   validation set), and half B plays the museum;
3. for each class mix (random mixes drawn from a flat Dirichlet, and a few realistic
   ones) and each selection size, draws a selection's true labels (multinomial), picks a
   face of half B for each (with replacement) and takes the model's label for it;
4. compares with the selection's true shares: the raw shares (what a report counts),
   the raw shares of the detections at confidence >= 0.6 (the reports' default
   threshold), the textbook adjusted count (counts times the inverse matrix, clipped
   and renormalised), and the estimate the reports show (emotions.mix_correction:
   EM on the simplex), with its 90 % bootstrap interval.
Prints the mean absolute error of the class shares (percentage points, mean over the 7
classes and the selections), how often the 90 % interval held the true share
(coverage, all classes and per class) and its mean width. Figures, not asserts;
CPU load changes its run time, not its figures.
"""
from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")

import numpy as np  # noqa: E402

from emotions.labels import EMOTIONS  # noqa: E402
from emotions.mix_correction import (  # noqa: E402
    LEVEL,
    confusion_from_counts,
    corrected_mix,
    inverse_shares,
    reliability_notes,
)
from worker.ml.classifier import EmotionClassifier  # noqa: E402
from worker.ml.data import load_labelled  # noqa: E402

THRESHOLD = 0.6
ESTIMATE_SECONDS: list[float] = []  # corrected_mix's time per selection, bootstrap included
# angry, disgust, fear, happy, neutral, sad, surprise
REALISTIC = {
    "mostly neutral and happy": [0.03, 0.01, 0.03, 0.35, 0.48, 0.07, 0.03],
    "playful exhibit (happy, surprised)": [0.02, 0.01, 0.02, 0.55, 0.18, 0.02, 0.20],
    "sombre memorial (sad, neutral)": [0.05, 0.02, 0.08, 0.05, 0.42, 0.35, 0.03],
    "PublicTest's own mix": None,  # filled from the data
}


def classify(data: Path, artifact: Path) -> tuple[np.ndarray, np.ndarray, np.ndarray, EmotionClassifier]:
    classifier = EmotionClassifier(artifact)
    dataset = load_labelled(data, classifier.input_size)
    started = time.perf_counter()
    predictions = classifier.classify(list(dataset.images))
    seconds = time.perf_counter() - started
    labels = np.array([EMOTIONS.index(p.label) for p in predictions])
    confidence = np.array([p.confidence for p in predictions])
    print(f"classified {len(labels):,} faces of {data} in {seconds:.1f} s with {classifier.name} "
          f"({classifier.variant}, TTA {classifier.tta_mode}, below {classifier.tta_below}): "
          f"accuracy {np.mean(labels == dataset.labels):.4f}")
    return dataset.labels, labels, confidence, classifier


def halves(truth: np.ndarray, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Indices of half A and half B, each class split in two (seeded)."""
    first, second = [], []
    for k in range(len(EMOTIONS)):
        faces = rng.permutation(np.flatnonzero(truth == k))
        first.append(faces[: len(faces) // 2])
        second.append(faces[len(faces) // 2:])
    return np.concatenate(first), np.concatenate(second)


def run_selection(mix, size, rng, pool, predicted, confident, confusion, resamples, seed) -> dict:
    true_counts = rng.multinomial(size, mix)
    faces = np.concatenate([rng.choice(pool[k], n, replace=True) for k, n in enumerate(true_counts) if n])
    truth = true_counts / size
    counted = np.bincount(predicted[faces], minlength=len(EMOTIONS)).astype(float)
    kept = np.bincount(predicted[faces][confident[faces]], minlength=len(EMOTIONS)).astype(float)
    started = time.perf_counter()
    estimate = corrected_mix([(counted, confusion)], resamples=resamples, seed=seed)
    ESTIMATE_SECONDS.append(time.perf_counter() - started)
    return {
        "raw": np.abs(counted / size - truth),
        "raw_threshold": np.abs(kept / max(kept.sum(), 1) - truth),
        "inverse": np.abs(inverse_shares(counted, confusion.rates) - truth),
        "corrected": np.abs(estimate.shares - truth),
        "covered": (estimate.low <= truth + 1e-12) & (truth <= estimate.high + 1e-12),
        "width": estimate.high - estimate.low,
    }


def summarise(results: list[dict]) -> dict:
    stacked = {key: np.stack([r[key] for r in results]) for key in results[0]}
    return {
        "raw": stacked["raw"].mean() * 100,
        "raw_threshold": stacked["raw_threshold"].mean() * 100,
        "inverse": stacked["inverse"].mean() * 100,
        "corrected": stacked["corrected"].mean() * 100,
        "coverage": stacked["covered"].mean(),
        "coverage_per_class": stacked["covered"].mean(axis=0),
        "width": stacked["width"].mean() * 100,
        "worst_raw": stacked["raw"].max(axis=1).mean() * 100,
        "worst_corrected": stacked["corrected"].max(axis=1).mean() * 100,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "datasets" / "fer2013" / "publictest")
    parser.add_argument("--artifact", type=Path, default=ROOT / "worker" / "ml" / "shipped_model")
    parser.add_argument("--sizes", type=int, nargs="+", default=[200, 1000])
    parser.add_argument("--random-mixes", type=int, default=100, help="Dirichlet mixes per size")
    parser.add_argument("--repeats", type=int, default=25, help="selections per realistic mix and size")
    parser.add_argument("--resamples", type=int, default=1000, help="bootstrap draws per selection")
    parser.add_argument("--seed", type=int, default=14)
    args = parser.parse_args()

    truth, predicted, confidence, _ = classify(args.data, args.artifact)
    rng = np.random.default_rng(args.seed)
    fit, measure = halves(truth, rng)
    counts = np.zeros((len(EMOTIONS), len(EMOTIONS)), dtype=int)
    np.add.at(counts, (truth[fit], predicted[fit]), 1)
    confusion = confusion_from_counts(counts, source="half A")
    print(f"confusion matrix fitted on half A ({len(fit):,} faces; accuracy "
          f"{np.trace(counts) / counts.sum():.4f}), measured on half B ({len(measure):,} faces, "
          f"accuracy {np.mean(truth[measure] == predicted[measure]):.4f})")
    for note in reliability_notes(confusion):
        print(f"  {note.grade:<8} {note.note}")
    pool = {k: measure[truth[measure] == k] for k in range(len(EMOTIONS))}
    confident = confidence >= THRESHOLD
    mixes = dict(REALISTIC)
    mixes["PublicTest's own mix"] = list(np.bincount(truth, minlength=len(EMOTIONS)) / len(truth))

    print(f"\nmean absolute error of the 7 class shares, percentage points (lower is better); "
          f"{LEVEL:.0%} interval from {args.resamples} bootstrap draws")
    header = (f"{'class mix':<36} {'faces':>6} {'sel.':>5} {'raw':>6} {'raw>=0.6':>9} {'inverse':>8} "
              f"{'corrected':>10} {'worst raw':>10} {'worst corr':>11} {'coverage':>9} {'width':>6}")
    print(header)
    started = time.perf_counter()
    overall: dict[int, list[dict]] = {size: [] for size in args.sizes}
    selection = 0
    for size in args.sizes:
        scenarios = [("random (flat Dirichlet)", [rng.dirichlet(np.ones(len(EMOTIONS))) for _ in range(args.random_mixes)])]
        scenarios += [(name, [np.array(mix)] * args.repeats) for name, mix in mixes.items()]
        for name, mix_list in scenarios:
            results = []
            for mix in mix_list:
                selection += 1
                results.append(run_selection(mix, size, rng, pool, predicted, confident, confusion,
                                             args.resamples, args.seed + selection))
            s = summarise(results)
            overall[size] += results
            print(f"{name:<36} {size:>6} {len(results):>5} {s['raw']:>6.2f} {s['raw_threshold']:>9.2f} "
                  f"{s['inverse']:>8.2f} {s['corrected']:>10.2f} {s['worst_raw']:>10.2f} "
                  f"{s['worst_corrected']:>11.2f} {s['coverage']:>9.1%} {s['width']:>6.1f}")
        s = summarise(overall[size])
        print(f"{'all of the above':<36} {size:>6} {len(overall[size]):>5} {s['raw']:>6.2f} "
              f"{s['raw_threshold']:>9.2f} {s['inverse']:>8.2f} {s['corrected']:>10.2f} {s['worst_raw']:>10.2f} "
              f"{s['worst_corrected']:>11.2f} {s['coverage']:>9.1%} {s['width']:>6.1f}")
        print("  coverage per class: " + ", ".join(
            f"{label} {c:.0%}" for label, c in zip(EMOTIONS, s["coverage_per_class"])))
    print(f"\n{selection} selections in {time.perf_counter() - started:.0f} s; corrected_mix with its "
          f"{args.resamples} bootstrap draws: median {np.median(ESTIMATE_SECONDS) * 1000:.0f} ms, "
          f"95th percentile {np.percentile(ESTIMATE_SECONDS, 95) * 1000:.0f} ms per selection.")
    print(f"raw: counted shares; raw>=0.6: counted shares of the detections at confidence >= {THRESHOLD}; "
          f"inverse: counts x inverse matrix, clipped; corrected: EM on the simplex (what the reports show). "
          f"worst: the largest of the 7 errors, mean over selections. coverage: share of (selection, class) "
          f"whose true share lay in the {LEVEL:.0%} interval; width: its mean width in points.")

if __name__ == "__main__":
    main()
