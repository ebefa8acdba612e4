"""Grouped (day, count) statistics checked against raw-data peers and published values."""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats as sps

from analytics import stats
from analytics.stats import grouped as grouped_stats

# Freireich et al. (1963) 6-MP arm; published KM (e.g. Kleinbaum & Klein, Survival Analysis, 3rd
# ed., table 2.4): S(6)=0.857, S(7)=0.807, S(10)=0.753, S(13)=0.690, S(16)=0.627, S(22)=0.538,
# S(23)=0.448.
SIX_MP_EVENTS = [6, 6, 6, 7, 10, 13, 16, 22, 23]
SIX_MP_CENSORED = [6, 9, 10, 11, 17, 19, 20, 25, 32, 32, 34, 35]


def _grouped(events, censored):
    times = sorted(set(events) | set(censored))
    return (
        np.array(times),
        np.array([events.count(t) for t in times]),
        np.array([censored.count(t) for t in times]),
    )


def test_km_from_counts_reproduces_published_values_and_scipy():
    curve = grouped_stats.km_curve(*_grouped(SIX_MP_EVENTS, SIX_MP_CENSORED))
    published = {6: 0.857, 7: 0.807, 10: 0.753, 13: 0.690, 16: 0.627, 22: 0.538, 23: 0.448}
    for t, s in published.items():
        assert grouped_stats.km_at(curve, t).survival == pytest.approx(s, abs=5e-4)
    durations = np.array(SIX_MP_EVENTS + SIX_MP_CENSORED)
    observed = np.array([True] * len(SIX_MP_EVENTS) + [False] * len(SIX_MP_CENSORED))
    peer = stats.kaplan_meier(durations, observed)
    for t in (6, 10, 16, 23):
        s, low, high = stats.survival_at(peer, t)
        point = grouped_stats.km_at(curve, t)
        assert point.survival == pytest.approx(s, abs=1e-12)
        assert point.ci.low == pytest.approx(low, abs=1e-6)
        assert point.ci.high == pytest.approx(high, abs=1e-6)


def test_km_beyond_follow_up_says_nothing():
    curve = grouped_stats.km_curve(np.array([5, 10]), np.array([1, 0]), np.array([0, 3]))
    assert grouped_stats.km_at(curve, 400) is None
    assert grouped_stats.km_at(curve, 2).survival == 1.0


def test_survival_difference_is_a_wald_test():
    a = grouped_stats.SurvivalPoint(365, 0.85, 0.03, stats.Interval(0.8, 0.9), 100)
    b = grouped_stats.SurvivalPoint(365, 0.75, 0.04, stats.Interval(0.7, 0.8), 100)
    d = grouped_stats.survival_difference(a, b)
    assert d.diff == pytest.approx(0.10)
    assert d.ci.low == pytest.approx(0.10 - 1.959964 * 0.05, abs=1e-6)
    assert d.p_value == pytest.approx(2 * sps.norm.sf(2.0), rel=1e-9)


def test_median_summary_matches_numpy_on_expanded_data():
    rng = np.random.default_rng(1)
    raw = rng.integers(0, 60, size=501)
    values, counts = np.unique(raw, return_counts=True)
    summary = grouped_stats.median_summary(values, counts)
    assert summary.n == 501
    assert summary.median == np.median(raw)
    assert summary.q1 == np.quantile(raw, 0.25)
    assert summary.q3 == np.quantile(raw, 0.75)
    assert summary.ci.low < summary.median < summary.ci.high


def test_median_interval_uses_the_price_bonett_order_statistics():
    # n = 25: c = round(13 - 5) = 8, so the pair is Y(8), Y(18) of 1..25 -> 8 and 18.
    values = np.arange(1, 26)
    summary = grouped_stats.median_summary(values, np.ones(25, dtype=int))
    coverage = 1 - 2 * sps.binom.cdf(7, 25, 0.5)
    se = (18 - 8) / (2 * sps.norm.ppf(0.5 + coverage / 2))
    assert summary.se == pytest.approx(se)
    assert summary.median == 13


def test_grouped_mann_whitney_equals_scipy_on_expanded_data():
    rng = np.random.default_rng(5)
    x = rng.integers(10, 40, size=300)
    y = rng.integers(12, 45, size=200)
    xv, xc = np.unique(x, return_counts=True)
    yv, yc = np.unique(y, return_counts=True)
    p = grouped_stats.mann_whitney_grouped(xv, xc, yv, yc)
    peer = sps.mannwhitneyu(x, y, use_continuity=True, method="asymptotic").pvalue
    assert p == pytest.approx(peer, rel=1e-9)
    diff = grouped_stats.median_difference(xv, xc, yv, yc)
    assert diff.diff == np.median(x) - np.median(y)
    assert diff.ci.low < diff.diff < diff.ci.high


def test_km_at_100_percent_is_wilson_not_certain():
    # 40 hires, nobody left within a year: S(365) = 1. Greenwood's variance is 0 there; the point
    # gets the Wilson interval with n = 40 at risk (statsmodels as the peer) and the Agresti-Coull
    # standard error, so two curves at 100% are not "certainly equal".
    from statsmodels.stats.proportion import proportion_confint

    curve = grouped_stats.km_curve(np.array([400.0]), np.array([0.0]), np.array([40.0]))
    point = grouped_stats.km_at(curve, 365)
    low, high = proportion_confint(40, 40, method="wilson")
    assert point.survival == 1.0
    assert (point.ci.low, point.ci.high) == pytest.approx((low, high))
    z2 = 1.959964**2
    p_tilde = (40 + z2 / 2) / (40 + z2)
    assert point.se == pytest.approx(np.sqrt(p_tilde * (1 - p_tilde) / (40 + z2)), rel=1e-5)
    diff = grouped_stats.survival_difference(point, point)
    assert diff.diff == 0 and diff.ci.low < 0 < diff.ci.high and diff.p_value == pytest.approx(1)
