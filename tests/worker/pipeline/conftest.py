"""Videos generated once per test session, and the shipped classifier."""
from __future__ import annotations

import pytest
from django.conf import settings

from tests.worker.videos import walkers_video


@pytest.fixture(scope="session")
def one_face_video(tmp_path_factory):
    """4 s at 25 fps: one face walking across a 640x480 frame."""
    return walkers_video(tmp_path_factory.mktemp("videos") / "one-face.avi", 1, frames=100, seed=11)


@pytest.fixture(scope="session")
def two_faces_video(tmp_path_factory):
    """4 s at 25 fps: two faces walking in opposite directions."""
    return walkers_video(tmp_path_factory.mktemp("videos") / "two-faces.avi", 2, frames=100,
                         sizes=(110, 90), seed=12)


@pytest.fixture(scope="session")
def shipped_classifier():
    """The model in the repo, without the database (the pipeline tests that need no DB)."""
    from worker.ml.classifier import EmotionClassifier

    return EmotionClassifier(settings.SHIPPED_MODEL_DIR)


@pytest.fixture(autouse=True)
def _fresh_camera_state(settings, tmp_path):
    """Each test starts without readers/pipelines cached by an earlier one, and its own ledgers
    (SQLite reuses rolled-back ids, so camera 1 of one test must not resume camera 1 of another)."""
    from worker.ml.active import reset_active_classifier
    from worker.pipeline.runner import camera_sessions_close

    settings.VAR_DIR = tmp_path / "var"
    camera_sessions_close()
    # The active classifier remembers its ModelVersion id, which a rolled-back test DB forgets.
    reset_active_classifier()
    yield
    camera_sessions_close()
    reset_active_classifier()
