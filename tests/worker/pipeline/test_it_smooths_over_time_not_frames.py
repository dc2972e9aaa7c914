"""The smoothing window is time, not a number of readings: the same timeline read 10 or 30 times a
second gives the same smoothed scores and switches label at the same moment; a track's first
reading is reported at once, as read; a gap in a track's readings weighs what its age allows."""
from __future__ import annotations

import pytest

from emotions.labels import EMOTIONS
from worker.ml.classifier import Prediction
from worker.pipeline.smoother import ScoreSmoother


def reading(label: str, confidence: float = 0.9) -> Prediction:
    rest = (1.0 - confidence) / (len(EMOTIONS) - 1)
    return Prediction(label=label, confidence=confidence,
                      scores={e: confidence if e == label else rest for e in EMOTIONS})


def timeline(rate: float) -> list[tuple[float, Prediction]]:
    """A face read as happy for 2 s, then as fear for 2 s (a real change of expression)."""
    steps = int(4 * rate)
    return [(i / rate, reading("happy" if i / rate < 2.0 - 1e-9 else "fear")) for i in range(steps + 1)]


def smoothed(rate: float, window: float) -> dict[float, Prediction]:
    smoother = ScoreSmoother(window)
    return {round(t, 3): smoother.update(7, t, p) for t, p in timeline(rate)}


def switch_time(readings: dict[float, Prediction]) -> float:
    return min(t for t, p in readings.items() if p.label == "fear")


@pytest.mark.parametrize("window", [0.5, 1.0, 2.0])
def test_the_same_timeline_at_10_and_30_readings_a_second_smooths_alike(window):
    slow, fast = smoothed(10.0, window), smoothed(30.0, window)
    # Within what sampling allows: at 10/s the reading at the change stands for 0.1 s, at 30/s for
    # 0.033 s (up to 0.10 apart with a 0.5 s window). Counting readings instead of seconds, 30/s
    # would follow the change 3x as fast: 0.25-0.3 apart.
    for t, p in slow.items():  # every time both rates read
        assert fast[t].scores["fear"] == pytest.approx(p.scores["fear"], abs=0.11), t
        assert fast[t].confidence == pytest.approx(p.confidence, abs=0.11), t
    # The label follows the real change after about the window's share of its weight, at both rates.
    assert switch_time(fast) == pytest.approx(switch_time(slow), abs=0.1)
    assert 2.0 < switch_time(slow) <= 2.0 + 1.1 * window


def test_a_longer_window_follows_a_change_later():
    assert switch_time(smoothed(10.0, 0.5)) < switch_time(smoothed(10.0, 1.0)) < switch_time(smoothed(10.0, 2.0))


def test_a_tracks_first_reading_is_reported_as_read():
    smoother = ScoreSmoother(1.0)
    first = reading("surprise", 0.55)
    assert smoother.update(1, 12.0, first) is first
    # Another track has its own average.
    assert smoother.update(2, 12.1, reading("sad")).label == "sad"
    assert smoother.update(1, 12.25, reading("neutral", 0.4)).label == "surprise"


def test_a_gap_in_a_tracks_readings_carries_only_what_its_age_allows():
    smoother = ScoreSmoother(1.0)
    for i in range(20):
        smoother.update(1, i * 0.25, reading("happy", 0.95))
    after_gap = smoother.update(1, 4.75 + 5.0, reading("sad", 0.9))  # 5 s unseen
    # 20 readings' weight (4.4) decayed by e^-5: 3 % of the average is still the old happy
    # (happy: 0.95 x 3 % of the old plus the new reading's own 0.017).
    assert after_gap.label == "sad" and 0.86 < after_gap.scores["sad"] < 0.88
    assert 0.04 < after_gap.scores["happy"] < 0.05
    # Forgotten tracks start afresh; a clock that steps back decays nothing and breaks nothing.
    smoother.forget(1)
    assert smoother.update(1, 3.0, reading("fear")).scores == reading("fear").scores
    assert smoother.update(1, 2.0, reading("fear")).scores["fear"] == pytest.approx(0.9)


def test_off_returns_each_reading_itself_and_the_state_survives_json():
    import json

    off = ScoreSmoother(0.0)
    p = reading("angry")
    assert off.update(1, 0.0, p) is p and off.update(1, 0.25, reading("happy")).label == "happy"

    whole, resumed = ScoreSmoother(1.0), ScoreSmoother(1.0)
    for i, (t, r) in enumerate(timeline(10.0)):
        if i == 25:
            resumed.restore(json.loads(json.dumps(whole.state())))
        expected = whole.update(3, t, r)
        if i >= 25:
            assert resumed.update(3, t, r) == expected

    with pytest.raises(ValueError, match="seconds >= 0"):
        ScoreSmoother(-1.0)
