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
