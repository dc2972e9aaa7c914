"""Estimated shares are never negative and add up to 1, even where inverting the matrix would go below 0."""
import numpy as np

from emotions.mix_correction import corrected_mix, inverse_shares
from tests.emotions.mix_fixtures import shipped_confusion


def test_it_never_gives_a_negative_share_nor_loses_any():
    confusion = shipped_confusion()
    rng = np.random.default_rng(7)
    went_negative = 0
    for _ in range(30):
        true_mix = rng.dirichlet(np.full(7, 0.3))  # many near-empty classes
        counted = rng.multinomial(int(rng.integers(20, 400)), true_mix @ confusion.rates)
        counted[rng.integers(0, 7)] = 0  # and a label never seen
        unclipped = (counted / counted.sum()) @ np.linalg.inv(confusion.rates)
        went_negative += unclipped.min() < 0
        estimate = corrected_mix([(counted, confusion)], resamples=200)
        for shares in (estimate.shares, estimate.low, estimate.high):
            assert np.all(shares >= 0) and np.all(shares <= 1)
        assert abs(estimate.shares.sum() - 1) < 1e-9
        assert np.all(estimate.low <= estimate.shares) and np.all(estimate.shares <= estimate.high)
        assert abs(inverse_shares(counted, confusion.rates).sum() - 1) < 1e-9
    assert went_negative > 10  # the cases where a plain inverse would have needed clipping
