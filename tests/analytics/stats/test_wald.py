"""Tests for analytics.stats.wald: Wald intervals and p-values, the delta method for a ratio
(by hand, Oehlert 1992), a logit coefficient as an odds ratio, difference-in-differences and the
standard error read back from an interval. Expected values are hand calculations."""

from __future__ import annotations

import math

import pytest

from analytics.stats import (
    Interval,
    binomial_variance,
    difference_in_differences,
    odds_ratio_from_logit,
    ratio_delta,
    se_from_interval,
    wald_interval,
    wald_p_value,
)

Z95 = 1.959963984540054


def test_delta_method_by_hand():
    # g = (1/10, -0.7/100) = (0.1, -0.007);
    # var = 0.1^2 * 0.04 + 0.007^2 * 4 + 2 * 0.1 * (-0.007) * 0.1 = 0.0004 + 0.000196 - 0.00014
    est = ratio_delta(0.7, 10.0, var_num=0.04, var_den=4.0, cov=0.1)
    ratio, se, ci = est.ratio, est.se, est.ci
    assert ratio == pytest.approx(0.07)
    assert se == pytest.approx(math.sqrt(0.000456))
    assert ci.low == pytest.approx(0.07 - 1.959963984540054 * math.sqrt(0.000456))


def test_wald_interval_and_p_value_by_hand():
    ci = wald_interval(2.0, 1.0)
    assert ci.low == pytest.approx(2.0 - Z95)
    assert ci.high == pytest.approx(2.0 + Z95)
    # z = 1.96 -> p = 0.05 (two-sided)
    assert wald_p_value(Z95, 1.0) == pytest.approx(0.05)
    assert math.isnan(wald_p_value(1.0, 0.0))
    assert math.isnan(wald_interval(math.nan, 1.0).low)


def test_odds_ratio_from_logit_by_hand():
    odds, ci = odds_ratio_from_logit(math.log(2.0), 0.5)
    assert odds == pytest.approx(2.0)
    assert ci.low == pytest.approx(2.0 * math.exp(-Z95 * 0.5))
    assert ci.high == pytest.approx(2.0 * math.exp(Z95 * 0.5))


def _cells(values):
    keys = [
        ("treated", "before"),
        ("treated", "after"),
        ("control", "before"),
        ("control", "after"),
    ]
    return dict(zip(keys, values, strict=True))


def test_difference_in_differences_by_hand():
    # treated 0.30 -> 0.20 (-0.10), control 0.25 -> 0.24 (-0.01): DiD = -0.09;
    # SE = sqrt(0.0004 + 0.0009 + 0.0001 + 0.0002) = 0.04; z = -2.25.
    est = difference_in_differences(
        _cells([0.30, 0.20, 0.25, 0.24]), _cells([0.0004, 0.0009, 0.0001, 0.0002])
    )
    assert est.change_treated == pytest.approx(-0.10)
    assert est.change_control == pytest.approx(-0.01)
    assert est.did == pytest.approx(-0.09)
    assert est.ci.low == pytest.approx(-0.09 - Z95 * 0.04)
    assert est.ci.high == pytest.approx(-0.09 + Z95 * 0.04)
    assert est.p_value == pytest.approx(0.024448, abs=1e-6)  # 2 * Phi(-2.25)


def test_difference_in_differences_undefined():
    missing = difference_in_differences({("treated", "before"): 0.1}, {("treated", "before"): 0.1})
    assert math.isnan(missing.did) and math.isnan(missing.p_value)
    zero = difference_in_differences(_cells([0.1, 0.2, 0.1, 0.1]), _cells([0.0] * 4))
    assert zero.did == pytest.approx(0.1)
    assert math.isnan(zero.ci.low) and math.isnan(zero.p_value)


def test_se_from_interval_and_binomial_variance():
    assert se_from_interval(Interval(0.5 - Z95 * 0.1, 0.5 + Z95 * 0.1)) == pytest.approx(0.1)
    assert math.isnan(se_from_interval(None))
    assert math.isnan(se_from_interval(Interval(math.nan, 1.0)))
    assert binomial_variance(3, 10) == pytest.approx(0.3 * 0.7 / 10)
    assert math.isnan(binomial_variance(0, 0))
