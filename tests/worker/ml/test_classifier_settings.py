"""EMOTION_MODEL_THREADS and EMOTION_MODEL_TTA reach every classifier a process loads."""
from __future__ import annotations

import json

import numpy as np
import pytest
from django.core.management import call_command

from tests.museum_site.test_it_reads_settings_from_env import load_settings
from worker.management.model_command import load_classifier
from worker.ml.active import get_active_classifier

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("fresh_process_classifier")]


def test_it_follows_the_model_spec_by_default(settings):
    settings.EMOTION_MODEL_TTA = "auto"
    classifier = get_active_classifier()
    assert classifier.tta_mode == classifier.spec.get("tta", "none")
    assert classifier.tta_below == classifier.spec.get("tta_below")
    assert classifier.num_threads == settings.EMOTION_MODEL_THREADS


@pytest.mark.parametrize("setting, expected", [("on", True), ("off", False)])
def test_it_forces_tta_on_or_off(settings, setting, expected):
    settings.EMOTION_MODEL_TTA = setting
    settings.EMOTION_MODEL_THREADS = 1
    active = get_active_classifier()
    from_command = load_classifier(None, settings.SHIPPED_MODEL_DIR, "float")
    for classifier in (active, from_command):
        assert classifier.tta is expected and classifier.num_threads == 1


def test_forcing_tta_changes_scores_but_not_their_shape(settings):
    crops = [np.random.default_rng(0).integers(0, 255, (48, 48), dtype=np.uint8)]
    settings.EMOTION_MODEL_TTA = "off"
    one_pass = load_classifier(None, settings.SHIPPED_MODEL_DIR, None).classify(crops)[0]
    settings.EMOTION_MODEL_TTA = "on"
    mirrored = load_classifier(None, settings.SHIPPED_MODEL_DIR, None).classify(crops)[0]
    assert set(one_pass.scores) == set(mirrored.scores)
    assert one_pass.scores != mirrored.scores


def test_it_rejects_bad_values_at_start_up():
    result = load_settings(DEBUG="true", EMOTION_MODEL_TTA="sometimes")
    assert result.returncode != 0 and "EMOTION_MODEL_TTA='sometimes' must be auto, on or off" in result.stderr
    result = load_settings(DEBUG="true", EMOTION_MODEL_THREADS="0")
    assert result.returncode != 0 and "EMOTION_MODEL_THREADS=0 must be at least 1" in result.stderr


def test_evaluate_model_uses_the_setting(settings, tmp_path, capsys):
    from tests.worker.ml.conftest import write_folder_dataset

    data = write_folder_dataset(tmp_path / "faces", per_class=2)
    settings.EMOTION_MODEL_TTA = "off"
    call_command("evaluate_model", "--data", str(data), "--artifact", str(settings.SHIPPED_MODEL_DIR), "--json")
    results = json.loads(capsys.readouterr().out)["metrics"]
    assert results and all(metrics["tta"] == "none" for metrics in results.values())
