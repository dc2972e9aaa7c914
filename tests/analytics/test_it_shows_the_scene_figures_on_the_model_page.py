"""The About-the-model page shows the end-to-end scene figures that `evaluate_model --scenes --record`
stored in the active model's metrics.json, beside the crop-level ones, and the smoothing window."""
import json

import pytest
from django.conf import settings

from emotions.labels import EMOTIONS
from tests.factories import ModelVersionFactory

pytestmark = pytest.mark.django_db


def _scenes(end_to_end_accuracy: float) -> dict:
    def figures(accuracy):
        return {"accuracy": accuracy, "macro_f1": 0.5, "samples": 700, "recall": {label: 0.61 for label in EMOTIONS}}

    return {"faces": 700, "detection_recall": 0.712, "false_detections_per_frame": 0.01, "seed": 0, "paste": "ellipse",
            "crop_level": figures(0.69), "given_detected": figures(0.63), "end_to_end": figures(end_to_end_accuracy)}


def _active_model(tmp_path, metrics: dict):
    folder = tmp_path / "model"
    folder.mkdir()
    (folder / "metrics.json").write_text(json.dumps(metrics))
    return ModelVersionFactory(artifact_dir=str(folder), is_active=True)


def test_it_shows_detection_and_end_to_end_beside_crop_level(staff_client, tmp_path, settings):
    settings.EMOTION_SMOOTHING_SECONDS = 1.5
    metrics = json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())
    _active_model(tmp_path, {**metrics, "scenes": _scenes(0.4371)})

    html = staff_client.get("/reports/model/").content.decode()

    assert 'data-scenes-detection="0.712">71.2 %<' in html
    assert "0.4371" in html and "faces the detector found" in html
    assert "last\n      1.5 s" in html or "1.5 s" in html


def test_it_leaves_the_section_out_when_nothing_was_recorded(staff_client, tmp_path):
    metrics = json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())
    metrics.pop("scenes", None)
    _active_model(tmp_path, metrics)

    html = staff_client.get("/reports/model/").content.decode()

    assert "data-scenes-detection" not in html
    assert "End to end, on camera-like frames" not in html


def test_a_malformed_scenes_entry_does_not_break_the_page(staff_client, tmp_path):
    _active_model(tmp_path, {"scenes": {"end_to_end": "broken"}})
    response = staff_client.get("/reports/model/")
    assert response.status_code == 200
    assert "data-scenes-detection" not in response.content.decode()
