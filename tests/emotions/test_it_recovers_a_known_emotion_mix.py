"""Adjusted classify-and-count gives back the true mix that the model's confusion blurred."""
import numpy as np

from emotions.mix_correction import corrected_mix, estimate_shares
from tests.emotions.mix_fixtures import blurry_confusion, shipped_confusion

TRUE_MIX = np.array([0.05, 0.01, 0.04, 0.45, 0.30, 0.10, 0.05])  # angry .. surprise: a calm gallery


def test_it_inverts_the_blur_exactly_when_the_counts_are_the_expected_ones():
    confusion = shipped_confusion()
    counted = 10_000 * TRUE_MIX @ confusion.rates  # what the model would label, on average
    assert np.abs(counted / 10_000 - TRUE_MIX).max() > 0.02  # the raw shares are off by several points ...
    np.testing.assert_allclose(estimate_shares(counted, confusion.rates), TRUE_MIX, atol=1e-4)  # ... the estimate is not


def test_it_brings_sampled_counts_closer_to_the_truth_and_its_interval_covers_it():
    confusion = shipped_confusion()
    counted = np.random.default_rng(3).multinomial(20_000, TRUE_MIX @ confusion.rates)
    estimate = corrected_mix([(counted, confusion)])
    raw_error = np.abs(estimate.raw_shares - TRUE_MIX).mean()
    corrected_error = np.abs(estimate.shares - TRUE_MIX).mean()
    assert corrected_error < raw_error / 2, (raw_error, corrected_error)
    assert np.all(estimate.low <= TRUE_MIX) and np.all(TRUE_MIX <= estimate.high)
    assert estimate.detections.sum() == 20_000 and estimate.level == 0.9


def test_it_adds_up_groups_read_by_different_models():
    """Two model versions, each with its own matrix: each group corrected by its own, the true counts added."""
    sharp, blurry = blurry_confusion(recall=0.9), blurry_confusion(recall=0.5)
    mix_a = np.array([0.0, 0.0, 0.0, 0.8, 0.2, 0.0, 0.0])
    mix_b = np.array([0.3, 0.0, 0.3, 0.0, 0.1, 0.3, 0.0])
    groups = [(3000 * mix_a @ sharp.rates, sharp), (1000 * mix_b @ blurry.rates, blurry)]
    estimate = corrected_mix(groups, resamples=0)
    np.testing.assert_allclose(estimate.shares, (3000 * mix_a + 1000 * mix_b) / 4000, atol=2e-3)
