"""The true emotion mix behind a selection's detections, corrected by the model's confusion matrix.

Plain Python and numpy (no Django), like labels.py and model_artifact.py: the reports and
the API call it through analytics.selectors.corrected_mix, and
benchmarks/bench_mix_correction.py measures it on PublicTest.

A classifier that reads 20 % of fearful faces as sad and 9 % of neutral faces as fear
makes the counted mix a blurred copy of the true one: counted shares q = p . R, where p is
the true mix and R[i, j] = P(predicted j | true i), the rows of the confusion matrix that
`retrain` measured on its validation set (metrics.json). Adjusted classify-and-count
inverts that blur: `estimate_shares` finds the p on the simplex (no negative share, sum 1)
that makes the counted labels most likely, by EM (the expectation-maximisation of Saerens
et al. 2002 for a mixture's weights, with R fixed): each step shares every counted label
out to the true classes in proportion p_i R[i, j], and p becomes the mean of those shares.
It never leaves the simplex and, unlike inverting R and clipping, gives the maximum-
likelihood mix even where a class is absent.

The interval is a parametric bootstrap: the counted labels are drawn again (multinomial,
at the counted shares), and so is each row of the confusion matrix (multinomial, at its
own faces: a class with 56 validation faces has an uncertain row), the mix re-estimated,
and the central `level` of the estimates kept per class. Seeded: the same counts give the
same interval. It states the sampling uncertainty of the counts and of the matrix, not the
difference between the validation faces and the museum's (see docs/model.md).
"""
from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from emotions.labels import EMOTIONS, legacy_name

LEVEL = 0.9  # the interval's coverage
RESAMPLES = 1000  # bootstrap draws
SEED = 14  # the bootstrap's seed: the same counts give the same interval
MAX_ITERATIONS = 2000  # rounds of estimate_shares (each: two EM steps and an extrapolation)
TOLERANCE = 1e-7  # it stops when no class could raise the likelihood by more than this (relative)

# Reliability grades from the validation figures (notes_for).
RARE_SUPPORT = 100  # fewer validation faces than this: its figures are uncertain
GOOD = 0.75  # recall and precision at least this: reliable
FAIR = 0.55  # either below this: treat with caution


class MixCorrectionError(ValueError):
    """The mix cannot be corrected; the message says why in words a report can show."""


@dataclass(frozen=True)
class Confusion:
    """A model's confusion matrix on its validation set, rows true, columns predicted, EMOTIONS order."""

    counts: np.ndarray  # (7, 7) faces
    variant: str = ""
    tta: str = ""
    source: str = ""  # e.g. the model's name

    @property
    def support(self) -> np.ndarray:
        return self.counts.sum(axis=1)

    @property
    def rates(self) -> np.ndarray:
        """R[i, j] = P(predicted j | true i)."""
        return self.counts / self.support[:, None]

    @property
    def samples(self) -> int:
        return int(self.counts.sum())

    def describe(self) -> str:
        parts = [p for p in (self.variant, f"TTA {self.tta}" if self.tta else "") if p]
        return f"{self.samples:,} validation faces" + (f" ({', '.join(parts)})" if parts else "")


def confusion_from_counts(counts, labels: Sequence[str] = EMOTIONS, **about) -> Confusion:
    """A checked Confusion from a square table of face counts (rows true) in `labels` order."""
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
        raise MixCorrectionError(f"the confusion matrix's labels are not a list of the 7 emotions: {labels!r}")
    labels = [str(label).lower() for label in labels]
    if sorted(labels) != sorted(EMOTIONS):
        raise MixCorrectionError(f"the confusion matrix's labels are not the 7 emotions: {labels!r}")
    try:
        table = np.asarray(counts, dtype=float)
    except (TypeError, ValueError):
        raise MixCorrectionError("the confusion matrix is not a table of numbers") from None
    if table.shape != (len(EMOTIONS), len(EMOTIONS)):
        raise MixCorrectionError(f"the confusion matrix is {table.shape}, not 7 x 7")
    if not np.all(np.isfinite(table)) or np.any(table < 0):
        raise MixCorrectionError("the confusion matrix has negative or missing counts")
    # Counts of faces, not rates: the interval redraws each row from its own number of faces.
    if not np.allclose(table, np.round(table)):
        raise MixCorrectionError("the confusion matrix holds fractions, not counts of faces")
    table = np.round(table)
    order = [labels.index(label) for label in EMOTIONS]
    table = table[np.ix_(order, order)]
    empty = [legacy_name(EMOTIONS[i]) for i in np.flatnonzero(table.sum(axis=1) == 0)]
    if empty:
        raise MixCorrectionError(f"the model was measured on no {', '.join(empty)} faces: those classes cannot be corrected")
    confusion = Confusion(counts=table, **about)
    # A singular R: two true mixes give the same counted mix, and no count can tell them apart.
    if np.linalg.matrix_rank(confusion.rates, tol=1e-9) < len(EMOTIONS):
        raise MixCorrectionError("the model's confusion matrix is singular: it cannot tell some emotions apart,"
                                 " so no mix can be estimated from its labels")
    return confusion


def confusion_from_metrics(metrics: Mapping, *, variant: str, tta: str | None = None, source: str = "") -> Confusion:
    """The confusion matrix of `variant` (run with `tta`, e.g. "none") in a metrics.json dict.

    metrics.json holds one matrix per variant, measured with the TTA the model runs by default
    (`metrics[variant]["tta"]`); a per-TTA matrix (`by_tta[tta]["confusion_matrix"]`) wins when there
    is one. Without a matrix for that TTA, the default one is used and `tta` on the result says which.
    """
    if not isinstance(metrics, Mapping) or not metrics:
        raise MixCorrectionError(f"{source or 'the model'} has no metrics.json: no confusion matrix to correct with")
    measured = metrics.get(variant)
    if not isinstance(measured, Mapping):
        raise MixCorrectionError(f"{source or 'the model'}'s metrics.json has no figures for its {variant} model")
    matrix = measured.get("confusion_matrix")
    measured_tta = measured.get("tta") or ""
    per_tta = measured.get("by_tta", {}).get(tta) if tta and isinstance(measured.get("by_tta"), Mapping) else None
    if isinstance(per_tta, Mapping) and isinstance(per_tta.get("confusion_matrix"), Mapping):
        matrix, measured_tta = per_tta["confusion_matrix"], tta
    if not isinstance(matrix, Mapping) or "rows_true_cols_predicted" not in matrix:
        raise MixCorrectionError(f"{source or 'the model'}'s metrics.json has no confusion matrix for its {variant} model")
    return confusion_from_counts(matrix["rows_true_cols_predicted"], matrix.get("labels", EMOTIONS),
                                 variant=variant, tta=str(measured_tta), source=source)


def _gradient(shares, counts, rates, total):
    """d log-likelihood / d share, over the detections: g_i = sum_j n_j R[i, j] / P(label j), / N."""
    predicted = np.einsum("...i,...ij->...j", shares, rates)  # P(label j) under the current mix
    ratio = np.divide(counts, predicted, out=np.zeros_like(counts), where=predicted > 0)
    return np.einsum("...ij,...j->...i", rates, ratio) / total


def _log_likelihood(shares, counts, rates):
    predicted = np.einsum("...i,...ij->...j", shares, rates)
    logs = np.log(predicted, out=np.full_like(predicted, -np.inf), where=predicted > 0)
    return np.sum(np.multiply(counts, logs, out=np.zeros_like(logs), where=counts > 0), axis=-1)


def estimate_shares(counts, rates, *, start=None, max_iterations: int = MAX_ITERATIONS,
                    tolerance: float = TOLERANCE) -> np.ndarray:
    """The maximum-likelihood true mix (on the simplex) behind counted labels, by EM.

    counts (..., 7) counted labels; rates (7, 7) or (..., 7, 7) P(predicted | true). Any number
    of leading dimensions (the bootstrap's draws) at once. All-zero counts give the start (uniform).

    An EM step multiplies each share by its gradient g_i (above): shares whose class explains
    the labels better than average grow. Plain EM crawls where a share heads for 0, so each round
    takes two EM steps and extrapolates along them (SQUAREM, Varadhan and Roland 2008), shortening
    the jump until every share stays positive and keeping it only if the likelihood does not
    drop. A draw stops when no class could raise the likelihood: max_i g_i - 1 < tolerance,
    which bounds the log-likelihood left to gain by tolerance x N (concavity).
    """
    counts = np.asarray(counts, dtype=float)
    rates = np.asarray(rates, dtype=float)
    shape, k = counts.shape, counts.shape[-1]
    counts = counts.reshape(-1, k)
    shared_rates = rates.ndim == 2
    rates = rates if shared_rates else np.broadcast_to(rates, shape + (k,)).reshape(-1, k, k)
    shares = np.full(counts.shape, 1.0 / k) if start is None else np.array(
        np.broadcast_to(start, shape), dtype=float).reshape(-1, k)
    # A share that starts at 0 stays at 0 under EM: start every class inside the simplex.
    shares = 0.5 * shares / shares.sum(axis=-1, keepdims=True) + 0.5 / k
    total = counts.sum(axis=-1, keepdims=True)
    running = np.flatnonzero(total[:, 0] > 0)
    for _ in range(max_iterations):
        if running.size == 0:
            break
        n, t, p = counts[running], total[running], shares[running]
        r = rates if shared_rates else rates[running]
        first = p * _gradient(p, n, r, t)
        second = first * _gradient(first, n, r, t)
        step, bend = first - p, second - 2 * first + p
        bend_size = np.linalg.norm(bend, axis=-1, keepdims=True)
        alpha = -np.linalg.norm(step, axis=-1, keepdims=True) / np.where(bend_size > 0, bend_size, 1.0)
        alpha = np.where(bend_size > 0, np.minimum(alpha, -1.0), -1.0)  # -1: exactly the two plain steps
        for _ in range(8):  # shorten the jump until it stays inside the simplex
            outside = np.any(p - 2 * alpha * step + alpha**2 * bend <= 0, axis=-1, keepdims=True)
            alpha = np.where(outside, (alpha - 1) / 2, alpha)
        jumped = p - 2 * alpha * step + alpha**2 * bend
        jumped = np.where(np.any(jumped <= 0, axis=-1, keepdims=True), second, jumped)
        jumped = jumped * _gradient(jumped, n, r, t)
        better = _log_likelihood(jumped, n, r) >= _log_likelihood(second, n, r)
        updated = np.where(better[:, None], jumped, second)
        updated /= updated.sum(axis=-1, keepdims=True)
        shares[running] = updated
        running = running[np.max(_gradient(updated, n, r, t), axis=-1) - 1 >= tolerance]
    return shares.reshape(shape)


def inverse_shares(counts, rates) -> np.ndarray:
    """The textbook adjusted count: q . R^-1, negative shares clipped to 0, renormalised (benchmark baseline)."""
    counts = np.asarray(counts, dtype=float)
    shares = counts / counts.sum(axis=-1, keepdims=True)
    solved = np.clip(shares @ np.linalg.inv(np.asarray(rates, dtype=float)), 0.0, None)
    return solved / solved.sum(axis=-1, keepdims=True)


@dataclass(frozen=True)
class MixEstimate:
    detections: np.ndarray  # (7,) counted labels, all groups
    raw_shares: np.ndarray  # (7,) counted shares
    shares: np.ndarray  # (7,) estimated true shares, on the simplex
    low: np.ndarray  # (7,) the interval's ends
    high: np.ndarray
    level: float
    resamples: int


def _resampled_rates(confusion: Confusion, rng: np.random.Generator, draws: int) -> np.ndarray:
    """(draws, 7, 7) rates, each row drawn again from its own validation faces."""
    support = confusion.support.astype(np.int64)
    rows = [rng.multinomial(support[i], confusion.rates[i], size=draws) for i in range(len(support))]
    return np.stack(rows, axis=1) / support[None, :, None]


def corrected_mix(groups: Sequence[tuple[Sequence[float], Confusion]], *, level: float = LEVEL,
                  resamples: int = RESAMPLES, seed: int = SEED) -> MixEstimate:
    """The true mix behind several groups of counted labels, each read by a model with its own matrix.

    Each group (one model version's detections) is corrected with its own matrix and the
    estimated true counts are added up; the interval comes from bootstrapping every group at once.
    """
    if not 0 < level < 1:
        raise ValueError(f"level must be in (0, 1), got {level!r}")
    parts = []
    for counts, confusion in groups:
        counts = np.asarray(counts, dtype=float)
        if counts.shape != (len(EMOTIONS),) or np.any(counts < 0) or not np.all(np.isfinite(counts)):
            raise MixCorrectionError(f"counts must be 7 non-negative numbers, got {counts.tolist()!r}")
        if counts.sum() > 0:
            parts.append((counts, confusion))
    if not parts:
        raise MixCorrectionError("no detections: there is no mix to correct")
    detections = sum(counts for counts, _ in parts)
    total = detections.sum()
    rng = np.random.default_rng(seed)
    estimated = np.zeros(len(EMOTIONS))
    drawn = np.zeros((resamples, len(EMOTIONS)))
    for counts, confusion in parts:
        n = counts.sum()
        shares = estimate_shares(counts, confusion.rates)
        estimated += n * shares
        if resamples:
            # Redrawn from the labels the fitted mix would produce, not from the counted ones: an
            # emotion counted 0 times can still be there (read as another), so its interval must be able to open.
            expected = np.clip(shares @ confusion.rates, 0, None)
            again = rng.multinomial(int(round(n)), expected / expected.sum(), size=resamples)
            rates = _resampled_rates(confusion, rng, resamples)
            drawn += n * estimate_shares(again, rates, start=np.broadcast_to(shares, again.shape))
    shares = estimated / total
    if resamples:
        tail = (1 - level) / 2 * 100
        low, high = np.percentile(drawn / total, [tail, 100 - tail], axis=0)
        # A percentile interval of a bounded estimate can miss the estimate itself (a share at 0):
        # widen it to include it.
        low, high = np.minimum(low, shares), np.maximum(high, shares)
    else:
        low = high = shares
    return MixEstimate(detections=detections, raw_shares=detections / total, shares=shares, low=low, high=high,
                       level=level, resamples=resamples)


@dataclass(frozen=True)
class ClassReliability:
    label: str  # lowercase emotion
    recall: float  # share of its validation faces read as it
    precision: float | None  # share of the faces read as it that were it (None: never predicted)
    support: int  # its validation faces
    grade: str  # "reliable", "fair", "caution"
    note: str  # one plain sentence, from the figures


def _percent(share: float) -> str:
    return f"{share * 100:.0f} %"


def reliability_notes(confusion: Confusion) -> list[ClassReliability]:
    """Per class: recall, precision, and a sentence a report can show, all from the matrix's figures."""
    counts = confusion.counts
    support = counts.sum(axis=1)
    predicted = counts.sum(axis=0)
    notes = []
    for i, label in enumerate(EMOTIONS):
        recall = counts[i, i] / support[i]
        precision = counts[i, i] / predicted[i] if predicted[i] else None
        others = [j for j in range(len(EMOTIONS)) if j != i]
        mistaken_for = max(others, key=lambda j: counts[i, j])
        taken_from = max(others, key=lambda j: counts[j, i])
        rare = support[i] < RARE_SUPPORT
        worst = min(recall, precision if precision is not None else 0.0)
        grade = "caution" if rare or worst < FAIR else "reliable" if worst >= GOOD else "fair"
        facts = []
        if rare:
            facts.append(f"rare in the validation faces ({int(support[i])})")
        facts.append(f"{_percent(recall)} of {label} faces are read as {label}")
        if counts[i, mistaken_for] and recall < GOOD:
            facts[-1] += f", {_percent(counts[i, mistaken_for] / support[i])} as {EMOTIONS[mistaken_for]}"
        if precision is None:
            facts.append("the model never answered it")
        elif precision < GOOD and counts[taken_from, i]:
            facts.append(f"{_percent(1 - precision)} of the faces read as {label} are something else,"
                         f" most often {EMOTIONS[taken_from]}")
        verdict = {"reliable": "reliable", "fair": "usable, with some mix-ups",
                   "caution": "treat with caution"}[grade]
        sentence = "; ".join(facts)
        note = f"{legacy_name(label)}: {verdict}. {sentence[0].upper()}{sentence[1:]}."
        notes.append(ClassReliability(label=label, recall=float(recall),
                                      precision=None if precision is None else float(precision),
                                      support=int(support[i]), grade=grade, note=note))
    return notes
