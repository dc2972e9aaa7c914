"""The interval comes from a seeded bootstrap: the same counts give the same interval, every time."""
import numpy as np

from emotions.mix_correction import corrected_mix
from tests.emotions.mix_fixtures import shipped_confusion


def test_it_gives_the_same_interval_for_the_same_counts():
    confusion = shipped_confusion()
    counted = np.array([40, 2, 35, 300, 210, 80, 33])
    first, second = corrected_mix([(counted, confusion)]), corrected_mix([(counted, confusion)])
    np.testing.assert_array_equal(first.low, second.low)
    np.testing.assert_array_equal(first.high, second.high)
    other_seed = corrected_mix([(counted, confusion)], seed=99)
    assert not np.array_equal(first.low, other_seed.low)  # the seed is what fixes it


def test_it_narrows_as_detections_grow():
    confusion = shipped_confusion()
    shares = np.array([40, 2, 35, 300, 210, 80, 33])
    small, large = (corrected_mix([(shares * n, confusion)]) for n in (1, 30))
    assert np.all(large.high - large.low < small.high - small.low)


def test_an_emotion_counted_zero_times_still_gets_an_interval_that_can_open():
    """Six happy detections do not prove that no one was sad: this model reads some sad faces as others."""
    confusion = shipped_confusion()
    estimate = corrected_mix([(np.array([0, 0, 0, 6, 0, 0, 0]), confusion)])
    others = [i for i in range(7) if i != 3]
    assert np.all(estimate.high[others] > 0)
    assert estimate.low[3] < 1.0
    mixed = corrected_mix([(np.array([0, 0, 0, 30, 20, 0, 0]), confusion)])
    assert mixed.high[5] > 0  # sad faces read as neutral are possible behind 20 neutral ones
