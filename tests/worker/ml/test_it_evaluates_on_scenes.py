"""`evaluate_model --scenes`: PublicTest faces in generated frames, through the real detector, crop and
classifier; detection recall and end-to-end figures beside the crop-level ones; clear errors."""
from __future__ import annotations

import io
import json

import numpy as np
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from emotions.labels import EMOTIONS
from tests.conftest import require_service
from tests.worker.ml.conftest import FER2013_DIR
from worker.pipeline.scene_evaluation import prediction_metrics

PUBLICTEST = FER2013_DIR / "publictest"


@pytest.fixture
def publictest():
    if not PUBLICTEST.is_dir():
        require_service(f"FER-2013 beside the repo at {FER2013_DIR}")
    return PUBLICTEST


def scenes_json(data, model_dir, *extra) -> dict:
    out = io.StringIO()
    call_command("evaluate_model", "--scenes", "--data", str(data), "--artifact", str(model_dir),
                 "--per-class", "3", "--json", *extra, stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def test_it_reports_detection_recall_and_per_class_figures(publictest, shipped_model_dir):
    out = io.StringIO()
    call_command("evaluate_model", "--scenes", "--data", str(publictest), "--artifact", str(shipped_model_dir),
                 "--per-class", "3", "--margins", "0,0.1", "--no-tta", stdout=out, stderr=io.StringIO())

    text = out.getvalue()
    assert "TTA none" in text.splitlines()[0]
    assert "21 faces in" in text and "detection recall" in text and "IoU >= 0.3" in text
    for row in ("crop level (every face, 48x48)", "given detected (margin 0)", "end to end (missed = wrong)"):
        assert row in text
    for label in EMOTIONS:
        assert f"\n  {label:<9}     3 " in text
    for bucket in ("40-69 px", "70-119 px", "120-200 px"):
        assert bucket in text
    assert "per rotation (|angle|)" in text
    assert "+0.00 (the pipeline's)" in text and "+0.10" in text and "upright (oracle)" in text


def test_its_figures_add_up_and_match_plain_evaluation(publictest, shipped_model_dir):
    result = scenes_json(publictest, shipped_model_dir)
    scenes = result["scenes"]
    detection = scenes["detection"]

    assert scenes["faces"] == 21 and scenes["crop_level"]["samples"] == 21
    assert 0.3 <= detection["recall"] <= 1.0  # real faces in these frames are found (most of them)
    assert scenes["given_detected"]["samples"] == detection["detected"] == round(21 * detection["recall"])
    assert scenes["end_to_end"]["samples"] == 21
    # End to end = given detected x detection recall: a missed face is a wrong answer.
    assert scenes["end_to_end"]["accuracy"] == pytest.approx(
        scenes["given_detected"]["accuracy"] * detection["recall"], abs=2e-3)
    missed = [row[-1] for row in scenes["end_to_end"]["confusion_matrix"]["rows_true_cols_predicted"]]
    assert sum(missed) == 21 - detection["detected"]
    pipeline_row = next(row for row in scenes["margins"] if row["pipeline"])
    assert pipeline_row["given_detected"]["accuracy"] == scenes["given_detected"]["accuracy"]
    assert pipeline_row["vs_pipeline"]["points"] == 0.0
    assert set(scenes["per_size"]) == {"40-69 px", "70-119 px", "120-200 px"}
    assert sum(row["faces"] for row in scenes["per_size"].values()) == 21
    assert sum(row["faces"] for row in scenes["per_rotation"].values()) == 21

    # The crop-level figures are plain evaluate_model's on the same faces.
    out = io.StringIO()
    call_command("evaluate_model", "--data", str(publictest), "--artifact", str(shipped_model_dir),
                 "--per-class", "3", "--variant", result["variant"], "--json", stdout=out)
    plain = json.loads(out.getvalue())["metrics"][result["variant"]]
    assert scenes["crop_level"]["accuracy"] == plain["accuracy"]
    assert scenes["crop_level"]["macro_f1"] == plain["macro_f1"]


def test_an_undetected_face_is_a_miss_end_to_end_and_absent_given_detected():
    truth = np.array([0, 0, 3, 3])
    predicted = np.array([0, -1, 3, 0])  # the second angry face was never detected

    end_to_end = prediction_metrics(truth, predicted)
    given = prediction_metrics(truth[predicted >= 0], predicted[predicted >= 0])

    assert end_to_end["accuracy"] == 0.5 and given["accuracy"] == pytest.approx(0.6667, abs=1e-4)
    assert end_to_end["per_class"]["angry"]["recall"] == 0.5  # the miss lowers angry's recall...
    assert end_to_end["per_class"]["angry"]["precision"] == 0.5  # ...not its precision (happy->angry does)
    assert given["per_class"]["angry"]["recall"] == 1.0
    assert end_to_end["confusion_matrix"]["rows_true_cols_predicted"][0] == [1, 0, 0, 0, 0, 0, 0, 1]


@pytest.mark.parametrize("args, message", [
    (["--per-class", "0"], "--per-class must be at least 1"),
    (["--margins", "0,wide"], "--margins: margin 'wide' is not a number"),
    (["--margins", "2"], "--margins: margin 2.0 is outside"),
    (["--max-faces", "0"], "--max-faces must be at least 1"),
    (["--detector", "yolo"], "unknown face detector 'yolo'"),
])
def test_bad_arguments_stop_with_a_clear_message(args, message, folder_dataset, shipped_model_dir):
    with pytest.raises(CommandError, match=message.replace("+", r"\+")):
        call_command("evaluate_model", "--scenes", "--data", str(folder_dataset),
                     "--artifact", str(shipped_model_dir), *args)


def test_a_missing_dataset_is_named(tmp_path, shipped_model_dir):
    with pytest.raises(CommandError, match="dataset folder not found"):
        call_command("evaluate_model", "--scenes", "--data", str(tmp_path / "nowhere"),
                     "--artifact", str(shipped_model_dir))


def test_record_stores_the_headline_in_the_models_metrics(publictest, shipped_model_dir, tmp_path):
    import shutil

    copy = tmp_path / "model"
    shutil.copytree(shipped_model_dir, copy)
    before = json.loads((copy / "metrics.json").read_text())
    before.pop("scenes", None)
    (copy / "metrics.json").write_text(json.dumps(before))

    result = scenes_json(publictest, copy, "--record")

    after = json.loads((copy / "metrics.json").read_text())
    assert {k: v for k, v in after.items() if k != "scenes"} == before  # nothing else touched
    recorded = after["scenes"]
    assert recorded["faces"] == 21 and recorded["detection_recall"] == result["scenes"]["detection"]["recall"]
    assert recorded["end_to_end"]["accuracy"] == result["scenes"]["end_to_end"]["accuracy"]
    assert set(recorded["given_detected"]["recall"]) == set(EMOTIONS)


def test_record_needs_scenes(folder_dataset, shipped_model_dir):
    with pytest.raises(CommandError, match="--record goes with --scenes"):
        call_command("evaluate_model", "--data", str(folder_dataset), "--artifact", str(shipped_model_dir), "--record")
