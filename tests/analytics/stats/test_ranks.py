"""Brunner-Munzel on grouped counts (``analytics.stats.ranks``) against scipy, statsmodels and
the engine's ``rank_compare`` on the expanded samples."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.nonparametric import rank_compare_2indep

from analytics import stats
from analytics.metrics import survey as sv
from analytics.stats.ranks import brunner_munzel_counts


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_grouped_brunner_munzel_equals_scipy_and_statsmodels(seed):
    rng = np.random.default_rng(seed)
    x_counts = rng.integers(0, 30, 5)
    y_counts = rng.integers(0, 30, 5)
    x_counts[2] += 3
    y_counts[1] += 3
    x = np.repeat(np.arange(1, 6), x_counts)
    y = np.repeat(np.arange(1, 6), y_counts)
    ours = brunner_munzel_counts(x_counts, y_counts)
    ref = sps.brunnermunzel(x, y)
    assert ours.statistic == pytest.approx(-ref.statistic)  # sign as stats.rank_compare
    assert ours.p_value == pytest.approx(ref.pvalue)
    sm = rank_compare_2indep(x, y)
    assert ours.prob_superiority == pytest.approx(sm.prob1)
    low, high = sm.conf_int(alpha=0.05)
    assert ours.prob_superiority_ci.low == pytest.approx(max(low, 0.0))
    assert ours.prob_superiority_ci.high == pytest.approx(min(high, 1.0))
    # and the engine's rank_compare agrees
    rc = stats.rank_compare(x, y)
    assert ours.p_value == pytest.approx(rc.brunner_munzel_p_value)


def test_grouped_brunner_munzel_too_few_and_no_spread():
    assert np.isnan(brunner_munzel_counts(np.array([1, 0]), np.array([3, 2])).p_value)
    same = brunner_munzel_counts(np.array([0, 5, 0]), np.array([0, 7, 0]))
    assert np.isnan(same.p_value) and same.prob_superiority == pytest.approx(0.5)
    assert sv.brunner_munzel_counts is brunner_munzel_counts
