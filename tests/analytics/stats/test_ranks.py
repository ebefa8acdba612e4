"""Brunner-Munzel on grouped counts (``analytics.stats.ranks``) against scipy, statsmodels and
the engine's ``rank_compare`` on the expanded samples."""

from __future__ import annotations

import math

import numpy as np
import pytest
from scipy import stats as sps
from statsmodels.stats.nonparametric import rank_compare_2indep

from analytics import stats
from analytics.metrics import survey as sv
from analytics.stats import rank_compare
from analytics.stats.ranks import auc_score_interval, brunner_munzel_counts


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
    # A group of one, or no spread: Newcombe's (2006) score interval and test instead of NaN.
    one = brunner_munzel_counts(np.array([1, 0]), np.array([3, 2]))
    assert one.method == "newcombe-score" and np.isfinite(one.p_value)
    same = brunner_munzel_counts(np.array([0, 5, 0]), np.array([0, 7, 0]))
    assert same.p_value == pytest.approx(1.0) and same.prob_superiority == pytest.approx(0.5)
    assert 0 < same.prob_superiority_ci.low < 0.5 < same.prob_superiority_ci.high < 1


def _hanley_mcneil(theta: float, m: int, n: int) -> float:
    # Hanley & McNeil (1982), Radiology 143:29-36, eq. 1, Q1 = A / (2 - A), Q2 = 2 A^2 / (1 + A),
    # and Newcombe's (2006) symmetrisation: m - 1 and n - 1 both replaced by (m + n) / 2 - 1.
    q1, q2 = theta / (2 - theta), 2 * theta**2 / (1 + theta)
    k = (m + n) / 2 - 1
    return (theta * (1 - theta) + k * (q1 - theta**2) + k * (q2 - theta**2)) / (m * n)


def test_complete_separation_gets_newcombe_method_5():
    # 10 vs 10 with every x above every y: P(X>Y) = 1. Brunner-Munzel has no variance; the
    # interval is Newcombe's (2006, Stat Med 25:559-573) method 5: the limits solve
    # (theta - 1)^2 = z^2 V_HM(theta), the upper limit is 1.
    res = brunner_munzel_counts(np.array([0, 0, 10]), np.array([10, 0, 0]))
    z = sps.norm.ppf(0.975)
    low = res.prob_superiority_ci.low
    assert res.prob_superiority == 1.0 and res.prob_superiority_ci.high == 1.0
    assert (1 - low) ** 2 == pytest.approx(z**2 * _hanley_mcneil(low, 10, 10), rel=1e-8)
    assert 0.5 < low < 1.0
    # its test inverts the interval: at 1/2, z = (1 - 1/2) / sqrt(V_HM(1/2))
    z_null = 0.5 / math.sqrt(_hanley_mcneil(0.5, 10, 10))
    assert res.p_value == pytest.approx(2 * sps.norm.sf(z_null), rel=1e-10)
    assert auc_score_interval(0.0, 10, 10).high == pytest.approx(1 - low, rel=1e-8)
    raw = rank_compare([5] * 10, [1] * 10)
    assert raw.prob_superiority_ci == pytest.approx(tuple(res.prob_superiority_ci))
    assert sv.brunner_munzel_counts is brunner_munzel_counts
