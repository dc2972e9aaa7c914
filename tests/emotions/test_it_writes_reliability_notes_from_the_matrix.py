"""Each emotion's reliability note is worked out from the confusion matrix's figures, not written per model."""
import json

import numpy as np
from django.conf import settings

from emotions.mix_correction import confusion_from_counts, reliability_notes
from tests.emotions.mix_fixtures import shipped_confusion


def test_it_warns_about_a_rare_emotion_often_read_as_another():
    counts = np.eye(7) * 500 + 10
    counts[1] = [30, 40, 2, 2, 2, 2, 2]  # disgust: 80 faces, 30 of them read as angry
    notes = {n.label: n for n in reliability_notes(confusion_from_counts(counts))}
    disgust = notes["disgust"]
    assert disgust.grade == "caution" and disgust.support == 80 and abs(disgust.recall - 0.5) < 1e-9
    assert disgust.note.startswith("Disgust: treat with caution.")
    assert "rare in the validation faces (80)" in disgust.note.lower() and "38 % as angry" in disgust.note
    assert notes["happy"].grade == "reliable" and "happy faces are read as happy" in notes["happy"].note


def test_the_same_emotion_reads_differently_under_another_matrix():
    counts = np.eye(7) * 500 + 10
    counts[1] = [2, 600, 2, 2, 2, 2, 2]  # disgust now common and well read
    notes = {n.label: n for n in reliability_notes(confusion_from_counts(counts))}
    assert notes["disgust"].grade == "reliable" and "rare" not in notes["disgust"].note
    counts[:, 4] += 300  # everyone read as neutral now and then: neutral's precision falls
    notes = {n.label: n for n in reliability_notes(confusion_from_counts(counts))}
    assert notes["neutral"].grade == "caution"
    assert "of the faces read as neutral are something else" in notes["neutral"].note


def test_the_shipped_models_notes_follow_its_measured_figures():
    metrics = json.loads((settings.SHIPPED_MODEL_DIR / "metrics.json").read_text())["int8"]["per_class"]
    for note in reliability_notes(shipped_confusion()):
        measured = metrics[note.label]
        assert round(note.recall, 4) == measured["recall"] and note.support == measured["support"]
        assert f"{measured['recall'] * 100:.0f} % of {note.label} faces are read as {note.label}" in note.note
        worst = min(measured["recall"], measured["precision"])
        expected = "caution" if note.support < 100 or worst < 0.55 else "reliable" if worst >= 0.75 else "fair"
        assert note.grade == expected, note
