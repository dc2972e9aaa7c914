"""The one Django-aware piece of the ML package: the process-wide active classifier.

Loaded once per process (camera worker, command, web request that needs it):
the active ModelVersion's artifact, or the shipped model, registered as a
ModelVersion the first time. `reset_active_classifier()` drops the cached one
(tests, or after `make active` in a long-lived process).
"""
from __future__ import annotations

import threading

from emotions import model_artifact
from worker.ml.classifier import EmotionClassifier

_lock = threading.Lock()
_active: EmotionClassifier | None = None


def classifier_options() -> dict:
    """EmotionClassifier keyword arguments from settings (threads, TTA)."""
    from django.conf import settings

    tta = model_artifact.TTA_SETTING_FORCES[settings.EMOTION_MODEL_TTA]
    return {"num_threads": settings.EMOTION_MODEL_THREADS, "tta": tta}


def get_active_classifier() -> EmotionClassifier:
    global _active
    with _lock:
        if _active is None:
            from emotions.services.model_versions import active_model_version_ensure, model_version_artifact_path

            version = active_model_version_ensure()
            classifier = EmotionClassifier(model_version_artifact_path(model_version=version), **classifier_options())
            classifier.model_version_id = version.pk
            classifier.name = version.name
            _active = classifier
        return _active


def reset_active_classifier() -> None:
    global _active
    with _lock:
        _active = None
