"""Adverse-impact formulas (``analytics.stats.impact``) against published and hand-computed
values."""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats as sps
from statsmodels.stats.proportion import confint_proportions_2indep

from analytics.stats.impact import (
    fisher_exact_p,
    impact_ratio,
    ratio_score_interval,
    ratio_score_p,
)


def test_fisher_tea_tasting_r_example():
    # R ?fisher.test, TeaTasting: 3 1 / 1 3, two-sided p = 0.4857.
    assert fisher_exact_p(3, 1, 1, 3) == pytest.approx(0.4857, abs=1e-4)
    assert fisher_exact_p(3, 1, 1, 3) == pytest.approx(sps.fisher_exact([[3, 1], [1, 3]]).pvalue)


def test_fisher_job_satisfaction_r_example():
    # R ?fisher.test, Convictions (Fisher 1962): 2 10 / 15 3, two-sided p = 0.0005367.
    assert fisher_exact_p(2, 10, 15, 3) == pytest.approx(0.0005367, abs=5e-8)


def _scipy_p(a: int, b: int, c: int, d: int) -> float:
    return float(sps.fisher_exact([[a, b], [c, d]]).pvalue)


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 60), st.integers(0, 60), st.integers(0, 60), st.integers(0, 60))
def test_fisher_small_tables_equal_scipy(a, b, c, d):
    """The whole support: the same tables counted as scipy, to the last digits."""
    if min(a + b, c + d, a + c, b + d) == 0:
        assert math.isnan(fisher_exact_p(a, b, c, d))
        return
    assert fisher_exact_p(a, b, c, d) == pytest.approx(_scipy_p(a, b, c, d), rel=1e-9, abs=1e-300)


@settings(max_examples=60, deadline=None)
@given(
    n=st.integers(20_000, 5_000_000),
    share=st.floats(0.05, 0.95),
    rate=st.floats(0.02, 0.98),
    shift=st.floats(-12.0, 12.0),
)
def test_fisher_large_tables_equal_scipy(n, share, rate, shift):
    """Tables the size of a 10M-application bias audit (the windowed path and, beyond ten
    standard deviations, scipy's own): the observed count placed ``shift`` standard deviations
    from what independence predicts."""
    r1 = max(1, int(n * share))
    r2 = max(1, n - r1)
    c1 = max(1, min(n - 1, int(n * rate)))
    mean = r1 * c1 / n
    sd = math.sqrt(r1 * r2 * c1 * (n - c1) / (n * n * (n - 1.0)))
    a = int(min(max(mean + shift * sd, max(0, c1 - r2)), min(r1, c1)))
    b, c = r1 - a, c1 - a
    d = r2 - c
    got, want = fisher_exact_p(a, b, c, d), _scipy_p(a, b, c, d)
    assert 0.0 <= got <= 1.0
    assert got == pytest.approx(want, rel=1e-7, abs=1e-300)


def test_fisher_without_a_margin_is_not_a_test():
    assert math.isnan(fisher_exact_p(0, 0, 3, 4))  # an empty row
    assert math.isnan(fisher_exact_p(0, 5, 0, 4))  # nobody selected: an empty column


def test_koopman_score_interval_published_example():
    # Koopman's example as worked by Nam (1995), Biom. J. 37:375-379: 36/40 vs 16/80, 95% limits
    # 2.940 to 7.152; statsmodels' score method without correction is the peer implementation.
    ci = ratio_score_interval(36, 40, 16, 80)
    assert ci.low == pytest.approx(2.940, abs=5e-4) and ci.high == pytest.approx(7.152, abs=5e-4)
    peer = confint_proportions_2indep(
        36, 40, 16, 80, compare="ratio", method="score", correction=False
    )
    assert tuple(ci) == pytest.approx(tuple(float(x) for x in peer), rel=1e-7)


def test_koopman_at_two_full_rates_is_not_one_one():
    # R PropCIs::riskscoreci closed form for x1 = n1, x2 = n2: (n1 / (n1 + z^2), (n2 + z^2) / n2).
    z2 = sps.norm.ppf(0.975) ** 2
    ir, ci = impact_ratio(10, 10, 25, 25)
    assert ir == 1.0
    assert ci.low == pytest.approx(10 / (10 + z2), rel=1e-7)
    assert ci.high == pytest.approx((25 + z2) / 25, rel=1e-7)


def test_impact_ratio_of_zero_has_an_interval_from_zero():
    ir, ci = impact_ratio(0, 40, 20, 40)
    assert ir == 0.0 and ci.low == 0.0 and 0.0 < ci.high < 1.0


def test_score_p_is_pearson_at_one_and_agrees_with_the_interval():
    # At phi = 1 Koopman's statistic is Pearson's chi-square without continuity correction.
    chi2 = sps.chi2_contingency([[30, 70], [60, 40]], correction=False)
    assert ratio_score_p(30, 100, 60, 100) == pytest.approx(chi2.pvalue, rel=1e-9)
    ci = ratio_score_interval(30, 100, 60, 100)
    for phi in (ci.low, ci.high):  # the limits are where the test's p is exactly 0.05
        assert ratio_score_p(30, 100, 60, 100, phi) == pytest.approx(0.05, abs=1e-7)


def test_impact_ratio_against_a_reference_that_selected_nobody():
    ir, ci = impact_ratio(3, 10, 0, 10)
    assert math.isnan(ir) and math.isnan(ci.low) and math.isnan(ci.high)
