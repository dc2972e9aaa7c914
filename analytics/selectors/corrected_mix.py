"""The estimated true emotion mix of a selection: its detections corrected by the model's confusion matrix.

What /api/analytics/corrected-mix/ returns and the reports page's "Estimated true mix"
shows; the arithmetic is emotions.mix_correction (adjusted classify-and-count by EM, a
seeded bootstrap interval, reliability notes from the matrix).

- **Which detections.** Every detection of the selection, whatever its confidence: the
  confusion matrix was measured on every validation face, so counting only the confident
  ones would correct a different mix than the one measured (confident faces are read
  right more often). The filters are the summary's, without its threshold. On
  PostgreSQL the counts come from the hourly counts, which its triggers keep per model
  version (analytics migration 0004), not from the events.
- **Which matrix.** Each event records the model version that classified it; each
  version's detections are corrected with that version's matrix and the estimated true
  counts added up. A version's matrix comes from its artifact's metrics.json (what
  "About the model" shows), or from the copy stored at its registration where the files
  are gone; it is the matrix of the variant the classifier runs (the spec's default,
  int8) at the TTA the site runs it with (EMOTION_MODEL_TTA over the spec's own, as the
  classifier decides: `off` one pass, `on` the spec's views or the mirror where the spec has
  none); a matrix measured that way where metrics.json has one, else the default one, and a
  note says the correction is then approximate. Detections without
  a recorded version (imported logs, purged periods kept as rollups) and those of a
  version without a usable matrix are corrected with the active model's (`method` says the
  first, a note the second).
- **Privacy.** A selection backed by fewer than MIN_GROUP_SIZE visits (events where there
  are no visits) gets no numbers at all (`suppressed`), only the model's reliability notes.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from django.conf import settings
from django.db.models import Count, Sum

from analytics.models import NONE_KEY, ROLLUP_THRESHOLD
from analytics.rollup_counts import event_rollups
from analytics.selectors.event_counts import hourly_count_rows, hourly_counts_answer
from analytics.selectors.suppression import group_sizes, is_suppressed, min_group_size
from emotions import mix_correction
from emotions.filters import EventFilter
from emotions.labels import EMOTIONS, legacy_name
from emotions.mix_correction import Confusion, MixCorrectionError
from emotions.model_artifact import TTA_SETTING_FORCES, ArtifactError, read_metrics, read_spec, running_tta_mode
from emotions.models import ModelVersion
from emotions.services.model_versions import model_version_artifact_path, model_version_files_replaced

SHIPPED_UNREGISTERED = "shipped model (not yet registered)"
METHOD = (
    "Adjusted classify-and-count: the true mix that best explains the detected labels, given how often the "
    "model mistakes each emotion for another on its validation faces (maximum likelihood by EM). Interval: "
    "{level:.0f} % of {resamples:,} bootstrap re-estimates, the detections and the confusion matrix drawn again. "
    "Each model version's detections are corrected with its own matrix; detections without a recorded model "
    "(imported logs, purged periods) with the active model's. "
    "It assumes the museum's faces are misread as the validation faces were; real camera frames are harder, "
    "so read the shares as estimates, not facts."
)
ACTIVE = "active"  # _detection_counts' key for detections the active model's matrix corrects
_INDEX = {label: i for i, label in enumerate(EMOTIONS)}


@dataclass
class _Model:
    name: str
    active: bool
    confusion: Confusion | None = None
    problem: str = ""
    running_tta: str = ""  # the TTA mode the classifier runs this model with

    @property
    def matrix_differs(self) -> bool:
        """The matrix was measured with other views than the site runs (unknown counts as the same)."""
        return bool(self.confusion and self.confusion.tta and self.running_tta
                    and self.confusion.tta != self.running_tta)


def _running_tta(spec: dict, metrics: dict, variant: str) -> str:
    """The TTA mode the classifier runs a model with (model_artifact.running_tta_mode under EMOTION_MODEL_TTA).

    Without a readable spec, the mode its metrics were measured with (the spec's by construction).
    """
    measured = metrics.get(variant) if isinstance(metrics, dict) else None
    own = spec.get("tta") or (measured.get("tta") if isinstance(measured, dict) else None) or "none"
    forced = TTA_SETTING_FORCES.get(getattr(settings, "EMOTION_MODEL_TTA", "auto"))
    return running_tta_mode(str(own), forced)


def _model_matrix(version: ModelVersion | None, *, active: bool) -> _Model:
    """A model version's confusion matrix (None: the shipped model, not registered yet), or why there is none."""
    name = version.name if version else SHIPPED_UNREGISTERED
    artifact_dir = model_version_artifact_path(model_version=version) if version else Path(settings.SHIPPED_MODEL_DIR)
    files_current = version is None or not model_version_files_replaced(model_version=version)
    metrics, spec = {}, {}
    if files_current:
        try:
            metrics, spec = read_metrics(artifact_dir), read_spec(artifact_dir)
        except (ArtifactError, OSError, ValueError):
            metrics, spec = {}, {}
    if not metrics and version is not None and isinstance(version.metrics, dict):
        metrics = version.metrics  # the copy taken at registration
    variant = spec.get("default_variant") or ("int8" if "int8" in metrics else "float")
    running = _running_tta(spec, metrics, variant)
    try:
        confusion = mix_correction.confusion_from_metrics(metrics, variant=variant, tta=running, source=name)
    except MixCorrectionError as exc:
        return _Model(name=name, active=active, problem=str(exc), running_tta=running)
    return _Model(name=name, active=active, confusion=confusion, running_tta=running)


def _detection_counts(event_filter: EventFilter, *, single_model: bool) -> dict[int | str, np.ndarray]:
    """{model version id, or ACTIVE (no version recorded, or the one model there is): detections per
    emotion, every confidence} for the selection."""
    counts: dict[int | str, np.ndarray] = defaultdict(lambda: np.zeros(len(EMOTIONS)))
    if hourly_counts_answer(event_filter=event_filter, threshold=ROLLUP_THRESHOLD, local_time=False):
        # The PostgreSQL hourly counts (their `events` column counts every confidence, split by
        # model version) answer without reading the events.
        rows = (hourly_count_rows(event_filter).values_list("model_version_key", "emotion")
                .annotate(n=Sum("events")).filter(n__gt=0))
        versions = ((None if key == NONE_KEY else key, emotion, n) for key, emotion, n in rows)
    else:
        versions = event_filter.events().order_by().values_list("model_version_id", "emotion").annotate(n=Count("*"))
    for version_id, emotion, n in versions:
        counts[ACTIVE if single_model or version_id is None else version_id][_INDEX[emotion]] += n
    for emotion, n in event_rollups(event_filter).values_list("emotion").annotate(n=Sum("events")):
        counts[ACTIVE][_INDEX[emotion]] += n or 0
    return {key: value for key, value in counts.items() if value.sum() > 0}


def _percent(share) -> float:
    return round(float(share) * 100, 1)


def _answer(*, status: str, message: str, active: _Model, notes=(), models=(), estimate=None) -> dict:
    reliability = {r.label: r for r in mix_correction.reliability_notes(active.confusion)} if active.confusion else {}
    rows = []
    for i, label in enumerate(EMOTIONS):
        row = {"emotion": legacy_name(label), "detections": None, "detected_percent": None,
               "estimated_percent": None, "low_percent": None, "high_percent": None,
               "recall": None, "precision": None, "validation_faces": None, "reliability": None, "note": ""}
        if estimate is not None:
            row.update(detections=int(estimate.detections[i]), detected_percent=_percent(estimate.raw_shares[i]),
                       estimated_percent=_percent(estimate.shares[i]), low_percent=_percent(estimate.low[i]),
                       high_percent=_percent(estimate.high[i]))
        if label in reliability:
            r = reliability[label]
            row.update(recall=round(r.recall, 4), precision=None if r.precision is None else round(r.precision, 4),
                       validation_faces=r.support, reliability=r.grade, note=r.note)
        rows.append(row)
    return {
        "status": status,
        "message": message,
        "detections": int(estimate.detections.sum()) if estimate is not None else None,
        "level": mix_correction.LEVEL,
        "emotions": rows,
        "model": {"name": active.name, "confusion_matrix": active.confusion.describe() if active.confusion else None},
        "models": list(models),
        "notes": list(notes),
        "method": METHOD.format(level=mix_correction.LEVEL * 100, resamples=mix_correction.RESAMPLES),
    }


def _tta_notes(models: list[_Model]) -> list[str]:
    """Say so where a matrix was measured with other test-time views than the site runs the model with."""
    differing = [model for model in models if model.matrix_differs]
    if not differing:
        return []
    if getattr(settings, "EMOTION_MODEL_TTA", "auto") == "off":
        return ["The site runs one pass per face (EMOTION_MODEL_TTA=off), but the model's confusion matrix "
                "was measured with its test-time augmentation: the correction is approximate."]
    return [f"The site runs {model.name} with test-time augmentation ({model.running_tta}, EMOTION_MODEL_TTA="
            f"{getattr(settings, 'EMOTION_MODEL_TTA', 'auto')}), but its confusion matrix was measured "
            f"{'in one pass' if model.confusion.tta == 'none' else 'with ' + model.confusion.tta}: "
            "the correction is approximate." for model in differing]


def corrected_emotion_mix(*, event_filter: EventFilter) -> dict:
    """The selection's estimated true mix (status "estimated"), or "no_data", "suppressed", "unavailable" and why."""
    active_version = ModelVersion.objects.filter(is_active=True).first()
    active = _model_matrix(active_version, active=True)
    if active.confusion is None:
        return _answer(status="unavailable", active=active,
                       message=f"No corrected mix: {active.problem}. Retrain or re-measure the model "
                       "(manage.py remeasure_model) to give it one.")
    versions = list(ModelVersion.objects.values_list("pk", "is_active")[:2])
    single_model = len(versions) == 0 or (len(versions) == 1 and versions[0][1])
    counts = _detection_counts(event_filter, single_model=single_model)
    if not counts:
        return _answer(status="no_data", active=active, message="No detections for these filters.")
    size = sum(group_sizes(event_filter=event_filter, by="location").values())
    if is_suppressed(size):
        return _answer(status="suppressed", active=active,
                       message=f"Suppressed: fewer than {min_group_size()} visits (or detections where there are "
                       "no visits) in this selection.")
    # Each recorded version with its own matrix; the rest with the active model's.
    by_matrix: dict[str, tuple[_Model, np.ndarray]] = {}
    notes = []
    for key, detected in sorted(counts.items(), key=lambda item: str(item[0])):
        model = active
        if key == ACTIVE:
            # With at most one model ever run, ACTIVE holds all of its detections: nothing to say.
            if not single_model:
                notes.append(f"{int(detected.sum()):,} detections without a recorded model version (imported, or "
                             "from purged periods) were corrected with the active model's matrix.")
        elif key != (active_version.pk if active_version else None):
            version = ModelVersion.objects.filter(pk=key).first()
            own = _model_matrix(version, active=False) if version else _Model(
                name=f"model version {key}", active=False, problem="no longer registered")
            if own.confusion is not None:
                model = own
            else:
                notes.append(f"{int(detected.sum()):,} detections of {own.name} were corrected with the "
                             f"active model's matrix ({own.problem}).")
        earlier = by_matrix.get(model.name)
        by_matrix[model.name] = (model, detected + earlier[1] if earlier else detected)
    notes += _tta_notes([model for model, _ in by_matrix.values()])
    groups = [(detected, model.confusion) for model, detected in by_matrix.values()]
    estimate = mix_correction.corrected_mix(groups)
    models = [{"name": model.name, "active": model.active, "detections": int(detected.sum()),
               "confusion_matrix": model.confusion.describe()} for model, detected in by_matrix.values()]
    detections = int(estimate.detections.sum())
    message = f"Estimated from {detections:,} detection{'s' if detections != 1 else ''} (every confidence)."
    if detections < 100:
        message += " With so few detections the intervals are wide."
    return _answer(status="estimated", message=message, active=active, notes=notes, models=models, estimate=estimate)
